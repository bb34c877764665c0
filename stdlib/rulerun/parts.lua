-- rulerun/parts.lua - the parts of a report found by what heads them:
-- rr.risk_section, rr.find_table, rr.column.  A topic module
-- (stdlib/rulerun/init.lua).
local re = require "rulerun.re"
local tables = require "rulerun.tables"

return function(M, priv)

local check_options = priv.check_options

local DISCLAIMER = re.compile([[本报告|免责|仅供|不构成|投资者(?:应|据此|自行)|版权|授权|证券研究报告|]] ..
  [[不承担|任何形式|客户|本公司|法律责任|不保证]])

-- The risk section: the first 风险提示 / 风险因素 / 投资风险 / 主要风险 section
-- whose body is not the legal disclaimer (some reports head the disclaimer
-- at the end "风险提示" too: a body with two or more of 本报告, 免责, 仅供,
-- 不构成 … is taken for one).  opts are doc:section options (stop, max_lines ...).
function M.risk_section(doc, opts)
  local spec = { "风险提示", "风险因素", "投资风险", "主要风险", "风险分析" }
  for k, v in pairs(check_options(opts, "rr.risk_section") or {}) do spec[k] = v end
  for _, sec in ipairs(doc:sections(spec)) do
    local hits = 0
    for _ in DISCLAIMER:gmatch(sec:text()) do hits = hits + 1 end
    if hits < 2 then return sec end
  end
end

-- The first table in the document whose header (any cell) matches pattern,
-- in any shape rr.tables reads; nil when there is none.  Space-aligned
-- tables are read from the original bytes (normalised text has runs of
-- spaces collapsed) and their cells normalised.  opts go to rr.tables.parse.
function M.find_table(doc, pattern, opts)
  local function first_match(text, o)
    local t = tables.parse(text, o)
    while t do
      for _, h in ipairs(t.header) do if re.test(h, pattern) then return t end end
      o.init = t.stop
      t = tables.parse(text, o)
    end
  end
  local o = {}
  for k, v in pairs(check_options(opts, "rr.find_table") or {}) do o[k] = v end
  local t = first_match(doc, o)
  if t then return t end
  o.shape, o.normalize, o.original = "space", true, true
  o.init = opts and opts.init and doc:orig_offset(opts.init)   -- positions in the original bytes
  return first_match(doc, o)
end

-- The position of the first column of t (a table rr.tables.parse or
-- rr.find_table gave) whose header matches pattern; nil when none does.
function M.column(t, pattern)
  for i, name in ipairs(t.header) do
    if re.test(name, pattern) then return i end
  end
end

end
