-- rulerun/ratings.lua - rating definitions: rr.ratings, rr.rating_bounds, rr.benchmark,
-- rr.RATING_NAMES.  Installed into the rulerun table by stdlib/rulerun.lua.
local re = require "rulerun.re"

return function(M, priv)

local NUM = [[([+\-−–－]?\d+(?:\.\d+)?)]]
local PCT = "\\s*[%％]"
-- "6个月", "6 到 12 个月" (the last number), "六个月", "半年", "一年"; never a
-- date's "3月"
local HORIZON = re.compile([[(\d+|[一二三四五六七八九十]+)\s*个\s*月|(半年)|(一年|十二个月)]])
local PLUS_MINUS = re.compile([[(?:±|\+/-|正负)\s*(\d+(?:\.\d+)?)]] .. PCT)
local BETWEEN = re.compile([[介于[^\d+\-−–－±]*?]] .. NUM .. [[\s*[%％]?\s*(?:与|和|至|到|~|～|-|—|–|－)\s*]] .. NUM .. PCT)
local RANGE = re.compile(NUM .. [[\s*[%％]?\s*(?:~|～|—|–|－|至|到|与|和|-)\s*]] .. NUM .. PCT)
local ABOVE = re.compile(NUM .. PCT .. [[\s*(?:及|或)?(?:以上|之上)|(?:超过|高于|大于|超越|超出|领先|跑赢|不小于|不低于|不少于)[^\d%％;；,，。]{0,24}?]] ..
  NUM .. PCT .. [[(?!\s*(?:及|或)?(?:以下|之下|以内))]])
local BELOW = re.compile(NUM .. PCT .. [[\s*(?:及|或)?(?:以下|之下|以内)|(?<!不)(?:低于|小于|不足|不超过)[^\d%％;；,，。]{0,24}?]] ..
  NUM .. PCT .. [[(?!\s*(?:及|或)?(?:以上|之上))]])
-- words that make an unsigned number a loss: "相对跌幅 5%以上", "落后基准 10%以上"
-- (not the 跌幅 of 涨跌幅)
local LOSS = re.compile([[(?<!涨)跌幅|下跌|落后|跑输|弱于|劣于|逊于|低于|损失]])
-- a percentage after a comparison, with no 以上/以下: "弱于市场表现5%"
local BETTER = re.compile([[(?:强于|优于|高于|超越|超过|领先|跑赢)[^\d%％;；,，。]{0,24}?]] .. NUM .. PCT)
local WORSE = re.compile([[(?:弱于|劣于|逊于|低于|落后|跑输)[^\d%％;；,，。]{0,24}?]] .. NUM .. PCT)
local SIGNED = re.compile("^[+\\-−–－]")

local function horizon_of(def, init)
  local n, half, year = HORIZON:match(def, init)
  if half then return 6 elseif year then return 12 end
  return n and (tonumber(n) or M.cn_number(n))
end

-- Reads a rating definition ("未来 6个月内，个股相对市场基准指数涨幅介于-10%与 10%之间"):
-- returns the horizon in months, and the lower and upper bound of the
-- relative return in percent (nil where open).  Understands 以上/以下,
-- 介于…之间, 5%—15%, ±5%, 超过/高于/低于 …, and losses written as unsigned
-- numbers after 跌幅/落后/跑输/弱于 ("相对跌幅 5%以上" -> nil, -5).
local function rating_bounds(def)
  local horizon, loss = horizon_of(def), LOSS:test(def)
  local function n(x) return M.number((x:gsub("－", "-"))) end
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
  -- one open bound; an unsigned loss is an upper bound ("跌幅5%以上",
  -- "弱于市场 5%以下" -> at most -5)
  for _, side in ipairs { { ABOVE, 1 }, { BELOW, 2 } } do
    local c1, c2 = side[1]:match(def)
    local x = c1 or c2
    if x then
      local v, at = n(x), side[2]
      if loss and not SIGNED:test(x) then v, at = -v, 2 end
      if at == 1 then return horizon, v, nil end
      return horizon, nil, v
    end
  end
  local x = WORSE:match(def)
  if x then
    local v = n(x)
    return horizon, nil, SIGNED:test(x) and v or -v
  end
  x = BETTER:match(def)
  if x then return horizon, n(x), nil end
  return horizon, nil, nil
end
M.rating_bounds = priv.memo(rating_bounds)

local BENCHMARK = re.compile([[沪深\s*300(?:\s*指数)?|上证(?:综合)?指数|上证综指|上证50(?:指数)?|深证成指|]] ..
  [[创业板指(?:数)?|科创50(?:指数)?|中证\s*(?:500|800|1000|全指)(?:指数)?|万得全A(?:指数)?|]] ..
  [[北证50(?:指数)?|三板成指|恒生(?:中国企业)?指数|恒生科技指数|国企指数|标普\s*500(?:指数)?|]] ..
  [[纳斯达克(?:综合)?指数|道琼斯(?:工业)?指数|MSCI\s*中国(?:指数)?|市场基准指数|基准指数|同期大盘|大盘指数]])

local GENERIC_BENCHMARK = re.compile([[^(?:市场基准指数|基准指数|同期大盘|大盘指数)$]])

-- The benchmark index s names ("沪深300指数", "恒生指数", "标普500指数" …;
-- spaces inside taken out), else a generic "市场基准指数"/"基准指数", else nil.
local function benchmark(s, init)
  local generic, pos = nil, init or 1
  while true do
    local a, b = BENCHMARK:find(s, pos)
    if not a then return generic end
    local name = re.gsub(s:sub(a, b), [[\s+]], "")
    if not GENERIC_BENCHMARK:test(name) then return name end
    generic, pos = generic or name, b + 1
  end
end
local benchmark_of = priv.memo(benchmark)
function M.benchmark(s, init)
  if init == nil and type(s) == "string" then return benchmark_of(s) end
  return benchmark(s, init)
end

-- Rating names, longest first so that 谨慎推荐 wins over 推荐.
local RATING_NAMES = { "强烈推荐", "谨慎推荐", "审慎推荐", "谨慎增持", "审慎增持", "强于大市", "优于大市", "同步大市",
  "跟随大市", "中性大市", "弱于大市", "跑赢行业", "跑输行业", "同步行业", "领先大市", "落后大市", "跑赢大市",
  "跑输大市", "优于大势", "强于大势", "同步大势", "弱于大势", "落后大势",
  "买入", "增持", "持有", "中性", "减持", "卖出", "回避", "推荐", "强推", "看好", "看淡", "看平",
  "超配", "标配", "低配", "优于", "弱于", "观望", "优异", "落后" }
M.RATING_NAMES = RATING_NAMES
-- +1 a positive view, -1 a negative one (0 the rest): where a scheme's list
-- goes back up, another scheme starts
local POLARITY = {}
for _, n in ipairs { "强烈推荐", "谨慎推荐", "审慎推荐", "谨慎增持", "审慎增持", "强于大市", "优于大市", "跑赢行业",
  "领先大市", "跑赢大市", "优于大势", "强于大势", "买入", "增持", "推荐", "强推", "看好", "超配", "优于", "优异" } do
  POLARITY[n] = 1
end
for _, n in ipairs { "弱于大市", "跑输行业", "落后大市", "跑输大市", "弱于大势", "落后大势", "减持", "卖出", "回避",
  "看淡", "低配", "弱于", "落后" } do
  POLARITY[n] = -1
end
local RATING_ALT = table.concat(RATING_NAMES, "|")

-- Where a block of definitions may start: 投资评级, 评级说明/标准/体系/定义,
-- a scheme's header (公司评级, 行业投资评级 …).  Written with 评级 first so
-- that PCRE2 can skip to it.
local RATING_BLOCK = re.compile([[(?<=投资)评级|评级(?:说明|声明|标准|体系|定义|的说明|和相关定义)|]] ..
  [[(?<=公司|股票|行业|个股|证券)评级]])
-- A scheme's header: 公司投资评级, 行业评级体系, 股票投资评级说明, 可转债评级 …
-- (证券投资评级 only before a colon: "XX证券投资评级" is a broker's heading)
local SCHEME = re.compile([[(?:上市公司|公司|股票|个股|行业|可转债|转债|债券|港股|美股)(?:投资)?评级|证券评级|证券投资评级(?=\s*[:：])]])
-- a scheme's label printed in a column right beside a definition (the
-- spaces between are gone once CJK text is normalised)
local COLUMN_LABEL = re.compile([[评级\s*$]])
-- A definition: a rating name (not one in a list "推荐、谨慎推荐、" or in
-- "不作为…推荐"), an English gloss, then a separator (: — | tab, a column
-- gap) or a word that starts a definition.
local UNIT = re.compile([[(?<![不为的和或与及])(?<![^\d\s]、)[“"]?(]] .. RATING_ALT ..
  [[)[”"]?(\s*[（(]\s*[A-Za-z][A-Za-z .\-]*[)）])?(?:(?:\s*(?:[:：]|—+|–|-{1,2}(?![\dA-Za-z])|\||\t|\s{2,}|</?t[dhr][^<>]{0,80}>))+\s*|]] ..
  [[\s?[（(]?(?=未来|预期|预计|相对|股价|股票价格|股票涨幅|股票相对|行业|个股|公司|指未来|是指|自报告|在未来|以报告|]] ..
  [[超越|超过|强于|弱于|优于|劣于|介于|涨幅|投资收益|可转债|分析师|基于|在此期间))]])
-- the threshold first: "30%以上为买入评级；15%-30%为增持评级"
local REVERSED_UNIT = re.compile([[(?<=[：:；;。])\s*([^：:；;。]{1,60}?)为(]] .. RATING_ALT .. [[)评级(?=\s*[；;。])]])
-- what every REVERSED_UNIT match holds: its look-behind start gives PCRE2
-- nothing to skip to, so a text is searched for it only where this is found
local REVERSED_HINT = re.compile("为(?:" .. RATING_ALT .. ")评级")
-- what a definition says: a return (a percentage or a comparison) against
-- a benchmark or over a horizon
local COMPARES = re.compile([[[%％]|超越|超过|强于|弱于|优于|劣于|逊于|落后|领先|持平|相当|同步|跟随|一致|战胜|跑赢|跑输|介于|高于|低于|不小于|不低于]])
local AGAINST = re.compile([[相对|基准|大盘|大市|市场|指数|沪深|平均|整体|个月|未来|上涨|下跌|涨幅|跌幅|收益|回报|表现|股价|损失]])
local PERCENT = re.compile("[%％]")
-- where a definition ends: a full stop, a ; a cell border, an HTML tag, or
-- words that start something else
local DEF_END = re.compile([[[。；;|]|[)）]?(?:上市公司|公司|股票|个股|行业|可转债|转债|债券|证券)(?:投资)?评级|\.(?!\d)|<|\n\s*\n|未评级|无评级|暂停评级|不评级|风险(?:偏好)?评级|风险等级|关注[:：]?不|]] ..
  [[研究所|办公地址|地址[:：]|风险提示|免责|法律声明|重要声明|[A-Za-z0-9+/=]{16,}]])
local LINE_GAP = re.compile([[\n|\s{3,}]])
local LAST_PCT = re.compile([[.*[%％](?:\s*(?:及|或)?(?:以上|以下|之上|之下|以内))?(?:之间)?(?:波动)?]], "s")
local HTML_TAG = re.compile([[<[^<>]{0,200}>]])

-- s:sub(a, z) moved to whole UTF-8 characters (a forward, z back); a
-- window of a document needs no UTF-8 check when a regex searches it
local function sub_utf8(s, a, z)
  return (priv.window(s, a, z))
end

-- The first character start at or after byte p of s (a string or a document):
-- the window from p starts there (one C call).
local function char_start(s, p)
  local _, offset = priv.window(s, p, p + 3)
  return offset + 1
end

local WINDOW = 16000  -- bytes read after an anchor
local FIRST_GAP = 2400 -- bytes from the anchor to the first definition
local NEXT_GAP = 2400  -- bytes from one definition's end to the next one
local MAX_TRIES = 100  -- anchors read in one document
local MAX_UNITS = 48   -- definitions in one block
local DEF_MAX = 900    -- bytes of one definition
local SNIPPET = 4096   -- the longest text read as definitions without an anchor

-- The definition in raw, the text from a unit's name to the next unit (at
-- most): cut at a full stop or a cell border, at a line end or column gap
-- once it has a percentage, after its last percentage.  Returns it
-- cleaned, and how many bytes of raw it took.
local function clean_definition(d)
  local e = DEF_END:find(d)
  if e then d = d:sub(1, e - 1) end
  local pos = 1
  while true do
    local g, h = LINE_GAP:find(d, pos)
    if not g then break end
    if PERCENT:test(d:sub(1, g - 1)) then d = d:sub(1, g - 1) break end
    pos = h + 1
  end
  if #d > 90 then
    local p = LAST_PCT:match(d)
    if p then d = p end
    if #d > 360 then d = sub_utf8(d, 1, 360) end
  end
  local raw = #d
  if d:find("\n", 1, true) then d = M.join_lines(d) end
  return M.trim((re.gsub(re.gsub(d, [[\s+]], " "), "[）)]$", ""))), raw
end
clean_definition = priv.memo(clean_definition)

-- The definition that starts at byte a of w and may run to byte z (the next unit).
local function definition(w, a, z)
  return clean_definition(sub_utf8(w, a, z - 1))
end

-- What a definition says: whether it states a return view (a comparison
-- against a benchmark or over a horizon: reversed ones need only the
-- comparison), whether it has a percentage, its bounds and its benchmark.
local function facts(def)
  if not COMPARES:test(def) then return false, false end
  local months, lower, upper = M.rating_bounds(def)
  local bench = M.benchmark(def)
  if bench and GENERIC_BENCHMARK:test(bench) then bench = nil end
  return true, AGAINST:test(def), PERCENT:test(def), months, lower, upper, bench
end
facts = priv.memo(facts)

-- The rating block that starts at the anchor a of s, read from a window of
-- at most WINDOW bytes: a list of rows (maybe empty), and where the first
-- unit of the window starts (nil when none).
local function read_block(s, a, min_rows, any_def)
  local w = sub_utf8(s, a, a + WINDOW - 1)
  if w:find("<", 1, true) then w = HTML_TAG:gsub(w, " | ") end
  -- the units: rating name, start of the definition
  local units, pos, first = {}, 1, nil
  while #units < MAX_UNITS do
    local ua, ub, name = UNIT:find(w, pos)
    if not ua then break end
    first = first or ua
    local last = units[#units]
    if ua > (last and last.from + DEF_MAX + NEXT_GAP or FIRST_GAP) then break end
    units[#units + 1] = { at = ua, name = name, from = ub + 1 }
    pos = ub + 1
  end
  -- each definition runs to the next unit at most
  for i, u in ipairs(units) do
    local z = units[i + 1] and units[i + 1].at or math.min(#w + 1, u.from + DEF_MAX)
    local def, raw = definition(w, u.from, z)
    u.def, u.def_end = def, u.from + raw
  end
  if #units < 2 and REVERSED_HINT:test(w) then
    -- "30%以上为买入评级；…": the threshold before the name
    local rev, rpos = {}, 1
    while true do
      local ra, rb, def, name = REVERSED_UNIT:find(w, rpos)
      if not ra then break end
      local last = rev[#rev]
      if ra > (last and last.def_end + NEXT_GAP or FIRST_GAP) or #rev >= MAX_UNITS then break end
      def = M.trim(def)
      rev[#rev + 1] = { at = ra, name = name, def = def, def_end = rb + 1, reversed = true }
      rpos = rb + 1
    end
    if #rev >= 2 then units = rev; first = first or rev[1].at end
  end
  local rows = {}
  if #units == 0 then return rows, first end
  -- schemes and horizons.  The definitions fall into groups, one per
  -- scheme: a group starts where the ratings go back up (卖出 then 买入, 中性
  -- then 看好), or at a scheme header once the group has one (not a label
  -- right beside a row).  A group's scheme is the last header said before
  -- it or the first among its definitions (a column layout prints it beside
  -- them), else the group before's; its
  -- horizon the first one said there or in its definitions; the block's
  -- the first one anywhere in it.
  local block_horizon = nil
  local groups, group = {}, nil
  local prev_end, prev_pol = 1, nil
  for _, u in ipairs(units) do
    local compares, against, pct, months, lower, upper, bench = facts(u.def)
    if compares and (u.reversed or against) then
      local gap = w:sub(prev_end, u.at - 1)
      -- the anchor may be the end of a header: "行业投资|评级说明"
      if prev_end == 1 and a > 1 then gap = s:sub(char_start(s, math.max(1, a - 18)), a - 1) .. gap end
      local header = SCHEME:find(gap) and true
      local pol = POLARITY[u.name] or 0
      if not group or (prev_pol and pol > prev_pol) or (header and group.scheme and not COLUMN_LABEL:test(gap)) then
        group = { horizon = nil, scheme = nil }
        groups[#groups + 1] = group
      end
      if header and not group.scheme then
        -- the last header of the gap before the group, the first one beside it
        local sp = 1
        while true do
          local x, y = SCHEME:find(gap, sp)
          if not x then break end
          group.scheme, sp = gap:sub(x, y), y + 1
          if #group > 0 then break end
        end
      end
      local gh = horizon_of(gap)
      group.horizon = group.horizon or gh or months
      block_horizon = block_horizon or gh or months
      prev_end, prev_pol = u.def_end, pol
      group[#group + 1] = u
      u.kept = { months = months, lower = lower, upper = upper, group = group, pct = pct, bench = bench }
    end
  end
  local kept, scheme = {}, ""
  for _, g in ipairs(groups) do
    scheme = g.scheme or scheme
    for _, u in ipairs(g) do
      u.kept.scheme, u.kept.u = scheme, u
      kept[#kept + 1] = u.kept
    end
  end
  -- a horizon said after the definitions ("备注：评级标准为…6~12 个月内")
  block_horizon = block_horizon or horizon_of(sub_utf8(w, prev_end, prev_end + 1200))
  local with_pct = 0
  for _, k in ipairs(kept) do if k.pct then with_pct = with_pct + 1 end end
  if #kept < (min_rows or 2) or (with_pct == 0 and not any_def) then return rows, first end
  -- the block's benchmark: the first index named in it or just after it
  local fallback = M.benchmark(sub_utf8(w, 1, prev_end + 1200)) or ""
  for _, k in ipairs(kept) do
    local bench = k.bench or fallback
    rows[#rows + 1] = { scheme = k.scheme, rating = k.u.name, definition = k.u.def,
                        horizon_months = k.months or k.group.horizon or block_horizon,
                        lower_pct = k.lower, upper_pct = k.upper, benchmark = bench,
                        pos = a + k.u.at - 1 }
  end
  return rows, first
end

-- An iterator over the anchors of s from byte pos on: next(pos) -> start,
-- end or nil.  It searches windows of CHUNK bytes, so that a search in a
-- long Lua string (checked for UTF-8 on every call) costs the chunk, not
-- the string.
local CHUNK = 8192
local function anchor_finder(s)
  -- a document is valid UTF-8 already: searched in place, no chunks
  if type(s) ~= "string" then return function(pos) return RATING_BLOCK:find(s, pos) end end
  local chunk, c0, last
  return function(pos)
    while true do
      if not chunk or pos < c0 + (c0 > 1 and 9 or 0) or pos > c0 + #chunk - 32 then
        c0 = char_start(s, math.max(1, pos - 12))
        local raw = sub_utf8(s, c0, c0 + CHUNK + 3)
        last = #raw <= CHUNK
        chunk = last and raw or sub_utf8(s, c0, c0 + CHUNK - 1)
        if pos > c0 + #chunk - 1 then return nil end
      end
      local a, b = RATING_BLOCK:find(chunk, pos - c0 + 1)
      if a and (last or b <= #chunk - 32) then return c0 + a - 1, c0 + b - 1 end
      if last then return nil end
      pos = char_start(s, a and c0 + a - 1 or c0 + #chunk - 32)
      chunk = nil
    end
  end
end

-- The rating definitions of a report (a string or a document):
-- { {scheme=, rating=, definition=, horizon_months=, lower_pct=, upper_pct=,
--    benchmark=}, ... } in order.  See docs/RULES.md.  opts.from: where the
-- block starts (a position, or a regex); by default the anchors 投资评级,
-- 评级说明, 评级标准, 公司评级 … are tried in turn and the block with the
-- most definitions wins.
function M.ratings(s, opts)
  opts = priv.check_options(opts, "rr.ratings") or {}
  local from = opts.from
  if from then
    if type(from) ~= "number" then from = re.find(s, from) or 1 end
    local rows = read_block(s, from, 1, true)
    for _, r in ipairs(rows) do r.pos = nil end
    return rows
  end
  -- Only the FIRST_GAP bytes after each anchor are searched for a unit, and
  -- no byte twice (scanned: where the search has reached), so a long text
  -- with many anchors and no definitions is read once, and a text's body
  -- between its anchors not at all.
  local best, pos, anchors, reads, unit_at, scanned = {}, 1, 0, 0, nil, 1
  local next_anchor = anchor_finder(s)
  while reads < MAX_TRIES do
    local a, b = next_anchor(pos)
    if not a then break end
    anchors = anchors + 1
    local zone_end = a + FIRST_GAP
    if (not unit_at or unit_at < a) and scanned < zone_end then
      local from = math.max(a, scanned)
      local z0 = char_start(s, math.max(1, from - 12))   -- a little before, for the look-behinds
      local z = sub_utf8(s, z0, zone_end)
      local init = from - z0 + 1
      local u1 = UNIT:find(z, init)
      local u2 = REVERSED_HINT:test(z, init) and REVERSED_UNIT:find(z, init)
      local u = u1 and u2 and math.min(u1, u2) or u1 or u2
      unit_at = u and z0 + u - 1 or nil
      scanned = unit_at or char_start(s, z0 + #z)
    end
    if unit_at and unit_at >= a and unit_at - a <= FIRST_GAP then
      reads = reads + 1
      local rows, first = read_block(s, a)
      if #rows > #best then best = rows end
      if #rows > 0 then
        pos = char_start(s, rows[#rows].pos + 1)
      elseif first and first <= FIRST_GAP then
        pos = math.max(b + 1, a + first - 1)  -- anchors before that unit read the same block
      else
        pos = b + 1
      end
    else
      pos = b + 1
    end
  end
  -- a short text with no heading at all (a snippet of definitions) is read
  -- from its start; a report that never says 评级 defines no ratings (and is
  -- not searched through for rating words in its body)
  if anchors == 0 and (type(s) == "string" and #s or s.size) <= SNIPPET then best = read_block(s, 1, 1) end
  for _, r in ipairs(best) do r.pos = nil end
  return best
end

end
