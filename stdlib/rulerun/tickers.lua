-- rulerun/tickers.lua - security codes and the companies they follow:
-- rr.ticker, rr.tickers, rr.ticker_map.  A topic module
-- (stdlib/rulerun/init.lua); gives priv.CODE.
local re = require "rulerun.re"

return function(M, priv)

local window, HAN = priv.window, priv.HAN

-- Security codes in the shapes reports print: A-share 600519 / 600519.SH
-- (.SZ .BJ, any case), HK 0700.HK / 00700.HK, US NVDA.O / BRK.N, Korea
-- 005930.KS, Taiwan 2330.TW, and Bloomberg style "000725 CH", "700 HK", "AAPL US".
local CODE = [[(?<![\w.])(?:(\d{6})(?:\.(?i:(SH|SZ|BJ|SS|KS|OC|NQ)))?|(\d{4,5})\.(?i:(HK))|(\d{4})\.(?i:(TW|TWO))|]] ..
  [[([A-Z]{1,5}(?:\.[A-Z])?)\.(O|N|OQ|A|US)|(\d{3,6}|[A-Z]{1,5})\s(CH|C1|C2|HK|US|KS|TT|JP))(?![\w.])]]
local CODE_ONLY = re.compile("^\\s*" .. CODE .. "\\s*$")

-- A security code: returns the code as written (suffix upper-cased) and its
-- market: "SH" "SZ" "BJ" (A shares; "A" for a bare 6-digit code), "HK", "US",
-- "KS", "TW", or the Bloomberg suffix ("CH" ...).  nil if s is not a code.
function M.ticker(s)
  local caps = { CODE_ONLY:match(s) }
  if caps[1] == nil and #caps == 0 then return nil end
  local market = { [2] = nil, [4] = "HK", [6] = "TW", [8] = "US" }
  for i = 1, 9, 2 do
    local c, suffix = caps[i], caps[i + 1]
    if c then
      if i == 9 then return c .. " " .. suffix, suffix end
      if i == 1 and not suffix then return c, "A" end
      suffix = suffix:upper()
      local m = market[i + 1] or (suffix == "SS" and "SH" or suffix)
      if i == 5 and suffix == "TWO" then m = "TW" end
      return c .. "." .. suffix, m
    end
  end
end

-- Words that lead into a name but are not part of it ("我们重点推荐贵州茅台(600519)"):
-- the name starts after the last of them.  Connectors (和 及 与 或) only go
-- when the name directly follows the previous "name(code)".
local LEAD_WORDS = { "关注", "推荐", "建议", "标的", "包括", "例如", "比如", "看好", "维持", "给予",
  "覆盖", "个股", "其中", "以及", "我们", "受益", "首选", "组合" }
local CONNECTORS = re.compile("^(?:以及|和|及|与|或)")
local PAREN_CODE = [[\(\s*(]] .. CODE:gsub("%(%?<!%[\\w%.%]%)", "") .. [[)\s*(?:[,;/、][^()\n]{0,20})?\)]]
local NAMED_CODE = re.compile([[([A-Za-z0-9]*[]] .. HAN .. [[][]] .. HAN .. [[A-Za-z0-9]{0,15}|]] ..
  [[[A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*){0,3})\s*]] .. PAREN_CODE .. "$")
local CODE_ANCHOR = re.compile(PAREN_CODE)
local NAME_BYTES = 80      -- how far before "(code)" a name may start

-- (no lead word's last character starts another one, so one left-to-right
-- search of them all finds every occurrence)
local LEAD = re.compile(table.concat(LEAD_WORDS, "|"))

local function strip_lead(name, after_previous)
  local cut, from = 0, 1
  while true do
    local a, b = LEAD:find(name, from)
    if not a then break end
    if utf8.len(name:sub(b + 1)) < 2 then break end   -- a later one leaves fewer still
    cut, from = b, b + 1
  end
  name = name:sub(cut + 1)
  if after_previous then
    local rest = CONNECTORS:gsub(name, "")
    if utf8.len(rest) >= 2 then name = rest end
  end
  return name
end

-- The tickers a report gives itself: "乐鑫科技(688018)", "贵州茅台（600519.SH）",
-- "腾讯控股(0700.HK, 买入)", "NVIDIA (NVDA.O)".  A list of {name=, code=,
-- market=, first=, last=} in order; lead-in words (推荐, 关注, 包括 …) are
-- taken off the front of a name.  s: a string or a document.
function M.tickers(s)
  local out, pos, prev_end = {}, 1, -1
  while true do
    local pa, b = CODE_ANCHOR:find(s, pos)
    if not pa then return out end
    local w, off = window(s, math.max(pos, pa - NAME_BYTES), b)
    local a, _, name, code = NAMED_CODE:find(w)
    local c, market
    if a then c, market = M.ticker(code) end
    if c then
      a = a + off
      out[#out + 1] = { name = strip_lead(name, a <= prev_end + 2), code = c, market = market, first = a, last = b }
      prev_end = b
    end
    pos = b + 1
  end
end

-- Company name -> ticker for one report: from the "name(code)" mentions and,
-- if given, a parsed table (its code column is the one headed 代码/code, its
-- name column 公司/名称/简称).  The first code seen for a name wins.
function M.ticker_map(doc, t)
  local map = {}
  if t then
    local code_col, name_col = M.column(t, "代码|(?i)code|ticker"), M.column(t, "公司|名称|简称|(?i)company|name")
    if code_col and name_col then
      for _, row in ipairs(t.rows) do
        local name = row[name_col]
        if name ~= "" and not map[name] and row[code_col] ~= "" then map[name] = row[code_col] end
      end
    end
  end
  for _, tk in ipairs(M.tickers(doc)) do
    map[tk.name] = map[tk.name] or tk.code
  end
  return map
end

priv.CODE = CODE

end
