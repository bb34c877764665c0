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
local gazetteer = require "rulerun.gazetteer"
local check_options = require("rulerun.options").check   -- check_options(opts, "rr.x") -> opts

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

-- A dictionary of names: rr.gazetteer("companies.csv" [, opts]) (a path
-- beside the rule file) or rr.gazetteer{ {name=, code=, aliases={}}, ... }
-- or rr.gazetteer{ [name] = code }.  g:find(doc), g:lookup(name).
function M.gazetteer(source, opts)
  if type(source) == "string" then return gazetteer.load(source, check_options(opts, "rr.gazetteer")) end
  return gazetteer.new(source)
end

-- s[a..b] (a string or a document), narrowed to whole UTF-8 characters,
-- and the offset to add to positions in it.  The helpers below find a cheap
-- literal anchor first (PCRE2 skips to it with memchr) and run their full
-- pattern only in a window around it: a pattern that starts with a run of
-- Chinese characters would otherwise be tried at every position of the text.
local window = document.window

-- The captures of pattern (which ends in $) in the window of `before` bytes
-- up to the end of the first match of anchor that has one; nil when none does.
local function anchored_match(s, anchor, pattern, before)
  local pos = 1
  while true do
    local a, b = anchor:find(s, pos)
    if not a then return nil end
    local caps = table.pack(pattern:match((window(s, a - before, b))))
    if caps[1] then return table.unpack(caps, 1, caps.n) end
    pos = b + 1
  end
end

-- Removes white space at both ends.
M.trim = document.trim

-- Removes Markdown emphasis (** and __) and surrounding white space.
function M.strip_markup(s)
  return M.trim((re.gsub(s, [[\*\*|__]], "")))
end

local NAME_SEP = re.compile([[\s*[、,，;；/]\s*]])
-- 以及, 及, 和, 与 where they are words of their own: not where the character
-- is part of a longer word (不及, 涉及, 普及, 及时; 温和, 饱和, 和谐; 参与, 与其 …)
local CONNECTOR = [[以及|(?<![不涉普危波顾企以])及(?![时早格])|(?<![温缓总柔暖饱调附共])和(?![谐睦蔼煦])|]] ..
  [[(?<![参给赋授])与(?![其否会])]]
local AND_WORD = re.compile([[^(.{2,}?)(?:]] .. CONNECTOR .. [[)(.{2,})$]])
local HAS_CONNECTOR = re.compile("及|和|与")
local TRAILING = re.compile([[(?:等|[。.;；,，:：\s])+$]])

-- Splits a list of names: "寒武纪、海光信息及龙芯中科等。" -> {"寒武纪", "海光信息", "龙芯中科"}.
-- Separators are 、 , ; / and the conjunctions 以及 及 和 与 when both sides
-- keep at least two characters (so 和而泰 stays whole) and the character is
-- not part of a word (AI需求不及预期风险, 饱和度 stay whole); a trailing 等 and
-- punctuation go.
function M.split_names(s)
  local out = {}
  s = M.strip_markup(s)
  for _, part in ipairs(NAME_SEP:split(s)) do
    part = TRAILING:gsub(part, "")
    while HAS_CONNECTOR:test(part) do
      local a, b = AND_WORD:match(part)
      if not a then break end
      a = M.trim((TRAILING:gsub(a, "")))
      if a ~= "" then out[#out + 1] = a end
      part = M.trim(b)
    end
    if part ~= "" then out[#out + 1] = part end
  end
  return out
end

local MONTH = [[(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?]]
-- Every form in one alternation, so a text is scanned once: captures 1-3
-- y m d, 4-6 yyyymmdd, 7-9 Chinese numerals, 10-12 "Jun 26, 2024", 13-15 "26 June 2024".
local DATE = re.compile(
  [[(?<!\d)((?:19|20)\d{2})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})(?!\d)\s*日?]] ..
  [[|(?<![\d.])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.%])]] ..
  [[|([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日]] ..
  [[|\b]] .. MONTH .. [[\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b]] ..
  [[|\b(\d{1,2})(?:st|nd|rd|th)?\s+]] .. MONTH .. [[,?\s+((?:19|20)\d{2})\b]], "i")
local MONTHS = { jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6, jul = 7, aug = 8, sep = 9, oct = 10, nov = 11, dec = 12 }
local ASOF = re.compile([[截[至止][^\n\d〇零一二三四五六七八九]{0,16}?((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)]])

local CN_DIGIT = { ["〇"] = 0, ["零"] = 0, ["一"] = 1, ["二"] = 2, ["三"] = 3, ["四"] = 4,
                   ["五"] = 5, ["六"] = 6, ["七"] = 7, ["八"] = 8, ["九"] = 9, ["十"] = 10 }

-- A number written in Chinese numerals up to 99 ("十二" 12, "二十一" 21), or
-- digit by digit ("二〇二四" 2024).  nil if s is not one.
function M.cn_number(s)
  local digits = {}
  for _, c in utf8.codes(s) do
    local d = CN_DIGIT[utf8.char(c)]
    if d == nil then return nil end
    digits[#digits + 1] = d
  end
  if #digits == 0 then return nil end
  local tens = nil
  for i, d in ipairs(digits) do if d == 10 then tens = i end end
  if not tens then
    local v = 0
    for _, d in ipairs(digits) do v = v * 10 + d end
    return v
  end
  local hi = tens == 1 and 1 or digits[1]
  local lo = digits[tens + 1] or 0
  return hi * 10 + lo
end

local function iso(y, m, d)
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not (y and m and d) or m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  return string.format("%04d-%02d-%02d", y, m, d)
end

local function month(name) return MONTHS[name:sub(1, 3):lower()] end

-- Year, month, day from the captures of DATE, whichever form matched.
local function ymd(c)
  if c[1] then return c[1], c[2], c[3] end
  if c[4] then return c[4], c[5], c[6] end
  if c[7] then return M.cn_number(c[7]), M.cn_number(c[8]), M.cn_number(c[9]) end
  if c[10] then return c[12], month(c[10]), c[11] end
  return c[15], month(c[14]), c[13]
end

-- The first date in s (a string or a document) at or after init, as
-- YYYY-MM-DD, and where it was (first, last).  Forms: 2024年09月19日,
-- 2024 年 6 月 26 日, 2024-06-26, 2024/6/26, 2024.06.26, 20240626,
-- 二〇二四年六月二十六日, Jun 26, 2024, June 26th 2024, 26 June 2024.
function M.date(s, init)
  local pos = init or 1
  while true do
    local found = { DATE:find(s, pos) }
    local a, b = found[1], found[2]
    if not a then return nil end
    local caps = {}
    for i = 3, 17 do caps[i - 2] = found[i] or nil end   -- unset captures are false
    local v = iso(ymd(caps))
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

local NUMBER = re.compile([[^\s*([+\-−–—]?)\s*([\d,]*\.?\d+)\s*(%|亿元?|万元?|pct|bp|bps)?\s*$]])
local PAREN_NEGATIVE = re.compile([[^\s*\(\s*([\d,]*\.?\d+)\s*\)\s*$]])
local SCALE = { ["亿"] = 1e8, ["亿元"] = 1e8, ["万"] = 1e4, ["万元"] = 1e4 }

-- A number as reports print it: "1,689" -> 1689, "-5.33%" -> -5.33 (percent
-- points), "−3", "–3" and "—3" -> -3, "5.2亿" -> 520000000, "3万元" -> 30000,
-- "(1,234)" -> -1234 (accounts), "+12pct" -> 12.  nil if s is not one.
function M.number(s)
  if type(s) ~= "string" then return nil end
  local sign, digits, unit = NUMBER:match(s)
  if not digits then
    digits = PAREN_NEGATIVE:match(s)
    if not digits then return nil end
    sign = "-"
  end
  local v = tonumber((digits:gsub(",", "")))
  if sign ~= "" and sign ~= "+" then v = -v end
  if unit and SCALE[unit] then v = v * SCALE[unit] end
  return math.tointeger(v) or v
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

-- ---- tickers -----------------------------------------------------------------

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
local HAN = [[\x{3400}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{2FA1F}]]
local PAREN_CODE = [[\(\s*(]] .. CODE:gsub("%(%?<!%[\\w%.%]%)", "") .. [[)\s*(?:[,;/、][^()\n]{0,20})?\)]]
local NAMED_CODE = re.compile([[([A-Za-z0-9]*[]] .. HAN .. [[][]] .. HAN .. [[A-Za-z0-9]{0,15}|]] ..
  [[[A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*){0,3})\s*]] .. PAREN_CODE .. "$")
local CODE_ANCHOR = re.compile(PAREN_CODE)
local NAME_BYTES = 80      -- how far before "(code)" a name may start

local function strip_lead(name, after_previous)
  local cut = 0
  for _, w in ipairs(LEAD_WORDS) do
    local from = 1
    while true do
      local a, b = name:find(w, from, true)
      if not a then break end
      if b > cut and utf8.len(name:sub(b + 1)) >= 2 then cut = b end
      from = b + 1
    end
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
    local code_col, name_col
    for i, h in ipairs(t.header) do
      if not code_col and re.test(h, "代码|(?i)code|ticker") then code_col = i end
      if not name_col and re.test(h, "公司|名称|简称|(?i)company|name") then name_col = i end
    end
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

-- ---- lists inside a paragraph ---------------------------------------------

local MARKER = re.compile([[\(\s*(\d{1,2})\s*\)|(?<![\d.])(\d{1,2})\s*[)、.](?!\d)|([①-⑳])|]] ..
  [[第([一二三四五六七八九十]{1,3})\s*(?:[,:、]|是)|(?<![\p{Han}])([一二三四五六七八九十]{1,3})是|]] ..
  [[其([一二三四五六七八九十]{1,3})\s*(?:,|:|、)]])

local function marker_value(d1, d2, circled, di, shi, qi)
  if d1 or d2 then return tonumber(d1 or d2) end
  if circled then return utf8.codepoint(circled) - 0x2460 + 1 end
  return M.cn_number(di or shi or qi)
end

-- Cuts a paragraph that numbers its points inline: "风险提示:(1)需求不及预期;(2)竞争加剧。"
-- -> {"需求不及预期", "竞争加剧"}, and the text before the first point
-- ("风险提示:") as a second result.  Markers: (1) 1) 1、 1. ① 第一, 第一是 一是 其一,
-- counted from 1 in order, so "(2024)" or a stray "3、" is not a marker.
-- Items are trimmed of spaces and ; , 。 at their ends.
function M.numbered(s)
  local cuts, want, pos = {}, 1, 1
  while true do
    local caps = { MARKER:find(s, pos) }
    if not caps[1] then break end
    if marker_value(table.unpack(caps, 3, 8)) == want then
      cuts[#cuts + 1] = { caps[1], caps[2] }
      want = want + 1
    end
    pos = caps[2] + 1
  end
  local items = {}
  for i, c in ipairs(cuts) do
    local stop = cuts[i + 1] and cuts[i + 1][1] - 1 or #s
    local item = re.gsub(s:sub(c[2] + 1, stop), [[^[\s;,:。、；，：]+|[\s;,。、；，]+$]], "")
    if item ~= "" then items[#items + 1] = item end
  end
  return items, cuts[1] and M.trim(s:sub(1, cuts[1][1] - 1)) or M.trim(s)
end

local SECTOR_COLON = re.compile([[^(.{1,30}?)\s*:\s*(.+)$]])
local SECTOR_VERB = re.compile([[^(?:我们)?(?:建议)?(?:在)?(.{1,20}?)(?:板块|领域|方向|方面|产业链|赛道|行业)?]] ..
  [[(?:,\s*)?(?:我们)?(?:建议|重点|持续|可)?(?:关注|推荐|看好)(?:标的)?(?:有|包括|为)?\s*:?\s*(.+)$]])

local LEAD_IN = re.compile([[^.*(?:关注|推荐|看好|受益标的|相关标的|标的)(?:标的)?(?:有|包括|为|如)?\s*:?\s*]])
local LIST_END = re.compile([[等.*$]])

-- The names in "五一备货进入尾声,批价整体平稳,建议关注贵州茅台、五粮液等": what
-- follows the last 关注/推荐/看好/标的, up to 等; of comma clauses, the ones
-- with 、 when there are such.
local function list_part(s)
  s = LIST_END:gsub(LEAD_IN:gsub(s, ""), "")
  local clauses, with = re.split(s, ","), {}
  for _, c in ipairs(clauses) do if c:find("、", 1, true) then with[#with + 1] = c end end
  return #with > 0 and table.concat(with, "、") or s
end

-- Sector lists in the two shapes reports write them: "算力:寒武纪、海光信息等;"
-- and "存储板块关注兆易创新、澜起科技等".  s is cut at ; 。 and line ends; each
-- part that has a sector gives {sector=, names={...}}: the names follow the
-- last 关注/推荐/看好/标的 and end at 等 (split by rr.split_names); 板块/领域/
-- 方向 … are dropped from the sector.
function M.sector_lists(s)
  local out = {}
  for _, part in ipairs(re.split(s, "[;。\n]")) do
    part = M.strip_markup(re.gsub(part, [[^[\s•\-*]+]], ""))
    local sector, names = SECTOR_COLON:match(part)
    if sector and re.test(sector, "关注|推荐|看好") then sector = nil end
    if not sector then sector, names = SECTOR_VERB:match(part) end
    if sector and re.test(sector, "^(?:建议|我们|重点|持续|可)$") then sector = nil end
    if sector then
      sector = M.trim((re.gsub(sector, [[(?:板块|领域|方向|方面|产业链|赛道)$]], "")))
      local list = M.split_names(list_part(names))
      if sector ~= "" and #list > 0 then out[#out + 1] = { sector = sector, names = list } end
    end
  end
  return out
end

-- ---- sections reports share ------------------------------------------------

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

-- Topic modules: each installs its functions into M.
-- f memoised on its one string argument (f must be a pure function of it
-- and return only strings, numbers, booleans or nil): the results for at
-- most 4096 distinct arguments of at most 1024 bytes are kept per Lua
-- state, then all forgotten at once (a few MB at most).  It pays where a
-- broker's reports repeat the same text: rating definitions, boilerplate
-- (docs/PERFORMANCE.md).
local MEMO_ENTRIES, MEMO_BYTES = 4096, 1024
local function memo(f)
  local cache, n = {}, 0
  return function(s)
    if #s > MEMO_BYTES then return f(s) end
    local r = cache[s]
    if r == nil then
      if n >= MEMO_ENTRIES then cache, n = {}, 0 end
      r = table.pack(f(s))
      cache[s], n = r, n + 1
    end
    return table.unpack(r, 1, r.n)
  end
end

local private = { window = window, anchored_match = anchored_match, HAN = HAN, CODE = CODE, iso = iso,
                  memo = memo, check_options = check_options }
require("rulerun.ratings")(M, private)
require("rulerun.report")(M, private)
require("rulerun.advice")(M, private)

return M
