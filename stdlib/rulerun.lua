-- rulerun.lua - the rule API (tables, rules, emit) and the helpers every broker report needs.
--
-- Rule files start with `local rr = require "rulerun"`.  Everything here is
-- documented in docs/RULES.md; the C modules behind it are rulerun.core
-- (tables, rules, emit), rulerun.re (PCRE2), rulerun.document and
-- rulerun.section.
local core = require "rulerun.core"
local re = require "rulerun.re"
local document = require "rulerun.document"
local section = require "rulerun.section"
local tables = require "rulerun.tables"

local M = {
  re = re,
  tables = tables,         -- rr.tables.parse(text, opts): rows of cells
  table = core.table,      -- rr.table(name, {columns...})
  rule = core.rule,        -- rr.rule([name,] function(doc) ... end)
  emit = core.emit,        -- rr.emit(table, {column = value, ...})
  items = section.items,   -- rr.items(text [, {split = regex}]) -> list of strings
  normalize = document.normalize,
  document = document.new, -- rr.document(bytes [, path]): a document outside a run (tests, REPL)
}

-- Removes white space at both ends.
function M.trim(s)
  return (re.gsub(s, [[^\s+|\s+$]], ""))
end

-- Removes Markdown emphasis (** and __) and surrounding white space.
function M.strip_markup(s)
  return M.trim((re.gsub(s, [[\*\*|__]], "")))
end

local NAME_SEP = re.compile([[\s*[、,，;；/]\s*]])
local AND_WORD = re.compile([[^(.{2,}?)(?:及|和|与)(.{2,})$]])
local TRAILING = re.compile([[(?:等|[。.;；,，:：\s])+$]])

-- Splits a list of names: "寒武纪、海光信息及龙芯中科等。" -> {"寒武纪", "海光信息", "龙芯中科"}.
-- Separators are 、 , ; / and the words 及 和 与 when both sides keep at least
-- two characters (so 和而泰 stays whole); a trailing 等 and punctuation go.
function M.split_names(s)
  local out = {}
  s = M.strip_markup(s)
  for _, part in ipairs(NAME_SEP:split(s)) do
    part = TRAILING:gsub(part, "")
    local a, b = AND_WORD:match(part)
    local pieces = a and { a, b } or { part }
    for _, p in ipairs(pieces) do
      p = M.trim((TRAILING:gsub(p, "")))
      if p ~= "" then out[#out + 1] = p end
    end
  end
  return out
end

local DATE = re.compile([[((?:19|20)\d{2})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})(?!\d)\s*日?]])
local ASOF = re.compile([[截[至止][^\n\d]{0,16}?((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)]])

local function iso(y, m, d)
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  return string.format("%04d-%02d-%02d", y, m, d)
end

-- The first date in s (a string or a document) as YYYY-MM-DD, from
-- 2024年09月19日, 2024 年 6 月 26 日, 2024-06-26, 2024/6/26 or 2024.06.26.
-- init (optional) is where to start looking.
function M.date(s, init)
  local pos = init or 1
  while true do
    local a, b, y, m, d = DATE:find(s, pos)
    if not a then return nil end
    local v = iso(y, m, d)
    if v then return v, a, b end
    pos = b + 1
  end
end

-- The data cut-off date: "截至北京时间 2024 年 9月 18 日" -> "2024-09-18".
function M.asof_date(s, init)
  local _, b, date = ASOF:find(s, init)
  if not date then return nil end
  return M.date(date), b
end

local NUMBER = re.compile([[^\s*([+\-−–]?)\s*([\d,]*\.?\d+)\s*(%|亿|万)?\s*$]])
local SCALE = { ["亿"] = 1e8, ["万"] = 1e4 }

-- A number as reports print it: "1,689" -> 1689, "-5.33%" -> -5.33 (percent
-- points), "−3" -> -3, "5.2亿" -> 520000000.  nil if s is not one.
function M.number(s)
  if type(s) ~= "string" then return nil end
  local sign, digits, unit = NUMBER:match(s)
  if not digits then return nil end
  local v = tonumber((digits:gsub(",", "")))
  if sign ~= "" and sign ~= "+" then v = -v end
  if unit and SCALE[unit] then v = v * SCALE[unit] end
  return math.tointeger(v) or v
end

local HORIZON = re.compile([[(\d+)\s*个?月]])
local BETWEEN = re.compile([[介于[^\d+\-−–]*?([+\-−–]?\d+(?:\.\d+)?)\s*%?\s*(?:与|和|至|到|~|-|—)\s*([+\-−–]?\d+(?:\.\d+)?)\s*%]])
local RANGE = re.compile([[([+\-−–]?\d+(?:\.\d+)?)\s*%?\s*(?:~|—|至|到)\s*([+\-−–]?\d+(?:\.\d+)?)\s*%]])
local ABOVE = re.compile([[([+\-−–]?\d+(?:\.\d+)?)\s*%\s*(?:以上|之上)]])
local BELOW = re.compile([[([+\-−–]?\d+(?:\.\d+)?)\s*%\s*(?:以下|之下)]])

-- Reads a rating definition such as "未来 6个月内，个股相对市场基准指数涨幅介于-10%与 10%之间":
-- returns horizon in months, lower and upper bound in percent (nil where open).
function M.rating_bounds(def)
  local horizon = M.number(HORIZON:match(def))
  local lo, hi = BETWEEN:match(def)
  if not lo then lo, hi = RANGE:match(def) end
  if lo then return horizon, M.number(lo), M.number(hi) end
  return horizon, M.number(ABOVE:match(def)), M.number(BELOW:match(def))
end

-- Joins wrapped lines back: no space between them, except between two ASCII
-- letters or digits ("Scaling" + "Law" -> "Scaling Law").  lines: a list or a string.
function M.join_lines(lines)
  if type(lines) == "string" then lines = re.split(lines, "\n") end
  local out = ""
  for _, l in ipairs(lines) do
    l = M.trim(l)
    if l ~= "" then
      if re.test(out, "[A-Za-z0-9]$") and re.test(l, "^[A-Za-z0-9]") then out = out .. " " end
      out = out .. l
    end
  end
  return out
end

local PERSON = re.compile([[(?:(分析师|证券分析师|研究员|联系人|研究助理)\s*:\s*)?(\p{Han}{2,4}?)\s*\(?\s*]] ..
  [[(?:执业证书编号|证书编号|SAC\s*编号|SAC)?\s*:?\s*(S\d{13})\s*\)?]] ..
  [[(?:\s*(?:邮箱|E-?mail)?\s*:?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+))?]], "i")

-- The people a report names with their SAC registration number (S + 13
-- digits): { {role=, name=, sac_id=, email=}, ... } in order; role and email
-- are "" where the report gives none.  s: a string or a document.
function M.analysts(s)
  local out, seen = {}, {}
  for role, name, sac, email in PERSON:gmatch(s) do
    if not seen[sac] then
      seen[sac] = true
      out[#out + 1] = { role = role or "", name = name, sac_id = sac, email = email or "" }
    end
  end
  return out
end

local INDUSTRY_RATING = re.compile([[(强于大市|同步大市|跟随大市|弱于大市|优于大市|看好|中性|看淡|]] ..
  [[买入|增持|推荐|谨慎推荐|超配|标配|低配)\s*\(\s*(维持|首次|上调|下调|调高|调低)(?:评级)?\s*\)]])

-- An industry rating with its action: "强于大市 (维持评级)" -> "强于大市", "维持";
-- "增持（维持）", "看好（首次）" likewise.  nil when s has none.
function M.industry_rating(s)
  return INDUSTRY_RATING:match(s)
end

return M
