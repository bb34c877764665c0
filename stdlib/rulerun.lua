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
  if type(source) == "string" then return gazetteer.load(source, opts) end
  return gazetteer.new(source)
end

-- s[a..b] (a string or a document), narrowed to whole UTF-8 characters,
-- and the offset to add to positions in it.  The helpers below find a cheap
-- literal anchor first (PCRE2 skips to it with memchr) and run their full
-- pattern only in a window around it: a pattern that starts with a run of
-- Chinese characters would otherwise be tried at every position of the text.
local function window(s, a, b)
  if a < 1 then a = 1 end
  local w = s:sub(a, b)
  local i, j = 1, #w
  while i <= j and w:byte(i) & 0xC0 == 0x80 do i = i + 1 end     -- not inside a character
  local k = j
  while k > i and w:byte(k) & 0xC0 == 0x80 do k = k - 1 end
  local lead = w:byte(k) or 0
  local need = lead >= 0xF0 and 4 or lead >= 0xE0 and 3 or lead >= 0xC0 and 2 or 1
  if j - k + 1 < need then j = k - 1 end                          -- a character cut at the end
  return w:sub(i, j), a + i - 2
end

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

local NUM = [[([+\-−–]?\d+(?:\.\d+)?)]]
local HORIZON = re.compile([[(\d+|[一二三四五六七八九十]+)\s*个?月|(半年)|(一年|1年|12个月)]])
local PLUS_MINUS = re.compile([[(?:±|\+/-|正负)\s*(\d+(?:\.\d+)?)\s*%]])
local BETWEEN = re.compile([[介于[^\d+\-−–]*?]] .. NUM .. [[\s*%?\s*(?:与|和|至|到|~|-|—|–)\s*]] .. NUM .. [[\s*%]])
local RANGE = re.compile(NUM .. [[\s*%?\s*(?:~|—|–|至|到|-)\s*]] .. NUM .. [[\s*%]])
local ABOVE = re.compile(NUM .. [[\s*%\s*(?:以上|之上)|(?:超过|高于|大于|超越|超出|领先|跑赢)[^\d%;,]{0,12}?]] .. NUM .. [[\s*%(?!\s*(?:以下|之下|以内))]])
local BELOW = re.compile(NUM .. [[\s*%\s*(?:以下|之下|以内)|(?:低于|小于|不足|不超过)[^\d%;,]{0,12}?]] .. NUM .. [[\s*%(?!\s*(?:以上|之上))]])
-- words that make an unsigned number a loss: "相对跌幅 5%以上", "落后基准 10%以上"
local LOSS = re.compile([[跌幅|下跌|落后|跑输|弱于|低于[^%]*%\s*(?:以上|之上)]])

local function horizon_of(def, init)
  local n, half, year = HORIZON:match(def, init)
  if half then return 6 elseif year then return 12 end
  return n and (tonumber(n) or M.cn_number(n))
end

-- Reads a rating definition ("未来 6个月内，个股相对市场基准指数涨幅介于-10%与 10%之间"):
-- returns the horizon in months, and the lower and upper bound of the
-- relative return in percent (nil where open).  Understands 以上/以下,
-- 介于…之间, 5%—15%, ±5%, 超过/高于/低于 …, and losses written as unsigned
-- numbers after 跌幅/落后/跑输 ("相对跌幅 5%以上" -> nil, -5).
function M.rating_bounds(def)
  local horizon, loss = horizon_of(def), LOSS:test(def)
  local function n(x) return M.number(x) end
  local pm = PLUS_MINUS:match(def)
  if pm then return horizon, -n(pm), n(pm) end
  local lo, hi = BETWEEN:match(def)
  if not lo then lo, hi = RANGE:match(def) end
  if lo then
    lo, hi = n(lo), n(hi)
    if loss and lo >= 0 and hi >= 0 then lo, hi = -hi, -lo end
    if lo > hi then lo, hi = hi, lo end
    return horizon, lo, hi
  end
  -- one open bound; an unsigned loss turns "above" into an upper bound and back
  for _, side in ipairs { { ABOVE, 1 }, { BELOW, 2 } } do
    local c1, c2 = side[1]:match(def)
    local x = c1 or c2
    if x then
      local v, at = n(x), side[2]
      if loss and not re.test(x, "^[+\\-−–]") then v, at = -v, 3 - at end
      if at == 1 then return horizon, v, nil end
      return horizon, nil, v
    end
  end
  return horizon, nil, nil
end

local BENCHMARK = re.compile([[沪深\s*300(?:\s*指数)?|上证(?:综合)?指数|上证综指|上证50(?:指数)?|深证成指|]] ..
  [[创业板指(?:数)?|科创50(?:指数)?|中证\s*(?:500|800|1000|全指)(?:指数)?|万得全A(?:指数)?|]] ..
  [[北证50(?:指数)?|三板成指|恒生(?:中国企业)?指数|恒生科技指数|国企指数|标普\s*500(?:指数)?|]] ..
  [[纳斯达克(?:综合)?指数|道琼斯(?:工业)?指数|MSCI\s*中国(?:指数)?|市场基准指数|基准指数|同期大盘|大盘指数]])

local GENERIC_BENCHMARK = re.compile([[^(?:市场基准指数|基准指数|同期大盘|大盘指数)$]])

-- The benchmark index s names ("沪深300指数", "恒生指数", "标普500指数" …;
-- spaces inside taken out), else a generic "市场基准指数"/"基准指数", else nil.
function M.benchmark(s, init)
  local generic, pos = nil, init or 1
  while true do
    local a, b = BENCHMARK:find(s, pos)
    if not a then return generic end
    local name = re.gsub(s:sub(a, b), [[\s+]], "")
    if not GENERIC_BENCHMARK:test(name) then return name end
    generic, pos = generic or name, b + 1
  end
end

-- Rating names, longest first so that 谨慎推荐 wins over 推荐.
local RATING_NAMES = { "强烈推荐", "谨慎推荐", "审慎推荐", "谨慎增持", "强于大市", "优于大市", "同步大市",
  "跟随大市", "中性大市", "弱于大市", "跑赢行业", "跑输行业", "同步行业", "领先大市", "落后大市",
  "买入", "增持", "持有", "中性", "减持", "卖出", "回避", "推荐", "强推", "看好", "看淡", "看平",
  "超配", "标配", "低配", "优于", "弱于" }
M.RATING_NAMES = RATING_NAMES
local RATING_ALT = table.concat(RATING_NAMES, "|")
local SCHEME_ONLY = re.compile([[^[•\-\s]*(\S{0,8}?评级)(?:说明|标准|体系|定义)?\s*:?\s*$]])
local RATING_UNIT = re.compile([[^[•\-\s]*(?:(\S{0,8}?评级)(?:说明|标准)?\s*:?\s*)?(]] .. RATING_ALT ..
  [[)(?:\s*\(\s*[A-Za-z-]+\s*\))?\s*(?::|\s|(?=未来|预[期计]|相对|股价|行业|个股|公司|在|指))\s*(.+)$]])
local DEFINITION_LIKE = re.compile([[%|以上|以下|之间]])
-- 投资评级 with or without a suffix, other 评级 only with one; written with 评级
-- first so that PCRE2 can skip to it (the start moves back over 投资 after)
local RATING_BLOCK = re.compile([[(?<=投资)评级(?:说明|声明|体系|标准|定义)?|评级(?:说明|声明|标准|体系|定义)]])
local CELL_SEP = re.compile([[\s*(?:\t|\|)\s*]])
local PIPE_ENDS = re.compile([[^\s*\||\|\s*$]])
local CLAUSE_SEP = re.compile([[;(?=\s*(?:\S{0,8}?评级\s*:?\s*)?(?:]] .. RATING_ALT .. [[))]])
-- the start of the next line that may hold a unit: one that starts (after
-- cell marks) with a scheme or a rating name, or has ;-clauses.  One search
-- skips the lines between in C.
local UNIT_LINE = re.compile([[(?m)^(?:[•\-|\t ]*(?:\S{0,8}?评级|]] .. RATING_ALT .. [[)|[^\n]*;)]])

-- The line of s (a string or a document) that starts at byte a, and where
-- the next one starts (nil after the last).
local function line_from(s, a)
  local nl = re.find(s, "\n", a)
  if nl then return s:sub(a, nl - 1), nl + 1 end
  return s:sub(a), nil
end

-- The logical lines of a rating block from byte from: table cells joined by
-- spaces, a line with several "买入:…;增持:…" clauses cut at ;, and a
-- definition that wraps joined to its rating.  Lines that cannot hold a
-- unit are skipped unread, and the text is never split or copied whole.
local function rating_units(s, from)
  local units = {}
  local line, pos = line_from(s, from)     -- the block's first line, from where it starts
  while line do
    line = M.trim((CELL_SEP:gsub(PIPE_ENDS:gsub(line, ""), " ")))
    for _, c in ipairs(CLAUSE_SEP:split(line)) do units[#units + 1] = M.trim(c) end
    local last = #units
    -- a definition cut by the extraction continues on the next lines
    while pos and RATING_UNIT:test(units[last]) and not units[last]:find("%", 1, true) do
      local following, after = line_from(s, pos)
      if following == "" or RATING_UNIT:test(following) or SCHEME_ONLY:test(following) then break end
      units[last] = M.join_lines { units[last], following }
      pos = after
    end
    local a = pos and UNIT_LINE:find(s, pos)
    if not a then break end
    line, pos = line_from(s, a)
  end
  return units
end

local function rating_block(units, s, from)
  -- horizon and benchmark are often said once, above the definitions
  local out, scheme, fallback, horizon = {}, "", M.benchmark(s, from) or "", horizon_of(s, from)
  for _, unit in ipairs(units) do
    local only = SCHEME_ONLY:match(unit)
    local sch, rating, def = RATING_UNIT:match(unit)
    if only then
      scheme = only
    elseif rating and DEFINITION_LIKE:test(def) then
      scheme = sch or scheme
      def = re.gsub(def, [[[\s;,。；，]+$]], "")
      local months, lower, upper = M.rating_bounds(def)
      local bench = M.benchmark(def)
      if not bench or GENERIC_BENCHMARK:test(bench) then bench = fallback end
      out[#out + 1] = { scheme = scheme, rating = rating, definition = def, horizon_months = months or horizon,
                        lower_pct = lower, upper_pct = upper, benchmark = bench }
    end
  end
  return out
end

-- The rating definitions of a report (a string or a document):
-- { {scheme=, rating=, definition=, horizon_months=, lower_pct=, upper_pct=,
--    benchmark=}, ... } in order.  A definition is a line (or table row, or
-- ;-clause) that starts with a rating name and goes on with a threshold in
-- percent; the scheme (公司评级, 行业评级, 股票投资评级 …) is the last one named
-- before it, "" when none is.  Horizon and benchmark come from the
-- definition, else from the block ("以报告发布日后的 12 个月内 … 相对同期的沪深
-- 300 指数"); benchmark is "" when neither names one.  opts.from: where the block starts (a
-- position, or a regex); by default the first 评级说明, 投资评级, 评级标准 …,
-- else the whole text.
function M.ratings(s, opts)
  opts = opts or {}
  local from = opts.from
  if type(from) ~= "number" then
    from = re.find(s, from or RATING_BLOCK)
    if from and not opts.from and from > 6 and s:sub(from - 6, from - 1) == "投资" then from = from - 6 end
  end
  return rating_block(rating_units(s, from or 1), s, from or 1)
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
local CODE = [[(?<![\w.])(?:(\d{6})(?:\.(?i:(SH|SZ|BJ|SS|KS)))?|(\d{4,5})\.(?i:(HK))|(\d{4})\.(?i:(TW|TWO))|]] ..
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
  for k, v in pairs(opts or {}) do spec[k] = v end
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
  for k, v in pairs(opts or {}) do o[k] = v end
  local t = first_match(doc, o)
  if t then return t end
  o.shape, o.normalize, o.original = "space", true, true
  o.init = opts and opts.init and doc:orig_offset(opts.init)   -- positions in the original bytes
  return first_match(doc, o)
end

local PERSON = re.compile([[(?:(分析师|证券分析师|研究员|联系人|研究助理)\s*:\s*)?(\p{Han}{2,4}?)\s*\(?\s*]] ..
  [[(?:执业证书编号|证书编号|SAC\s*编号|SAC)?\s*:?\s*(S\d{13})\s*\)?]] ..
  [[(?:\s*(?:邮箱|E-?mail)?\s*:?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+))?]], "i")

-- The people a report names with their SAC registration number (S + 13
-- digits): { {role=, name=, sac_id=, email=}, ... } in order; role and email
-- are "" where the report gives none.  s: a string or a document.
local SAC_ID = re.compile([[[Ss]\d{13}]])

function M.analysts(s)
  local out, seen, pos = {}, {}, 1
  while true do
    local a, b = SAC_ID:find(s, pos)
    if not a then return out end
    local id = s:sub(a, b)
    local w = window(s, a - 90, b + 100)          -- role, name and label before; e-mail after
    for role, name, sac, email in PERSON:gmatch(w) do
      if sac == id and not seen[id] then
        seen[id] = true
        out[#out + 1] = { role = role or "", name = name, sac_id = sac, email = email or "" }
      end
    end
    pos = b + 1
  end
end

local ACTION = [[\(\s*(维持|首次|上调|下调|调高|调低)(?:评级)?\s*\)]]
local INDUSTRY_RATING = re.compile([[(强于大市|同步大市|跟随大市|弱于大市|优于大市|看好|中性|看淡|]] ..
  [[买入|增持|推荐|谨慎推荐|超配|标配|低配)\s*]] .. ACTION .. "$")
local ACTION_ANCHOR = re.compile(ACTION)

-- An industry rating with its action: "强于大市 (维持评级)" -> "强于大市", "维持";
-- "增持（维持）", "看好（首次）" likewise.  nil when s has none.
function M.industry_rating(s)
  return anchored_match(s, ACTION_ANCHOR, INDUSTRY_RATING, 20)
end

local BROKER_ANCHOR = re.compile([[证券(?:研究所|有限责任公司|股份有限公司)]])
local BROKER = re.compile([[(]] .. "[" .. HAN .. "]" .. [[{2,8}证券)(?:研究所|有限责任公司|股份有限公司)$]])

-- The broker that publishes the report: the first "XX证券研究所", "XX证券股份有限公司"
-- or "XX证券有限责任公司" gives "XX证券" (two to eight characters before 证券).  nil when none.
function M.broker(s)
  return anchored_match(s, BROKER_ANCHOR, BROKER, 24)
end

return M
