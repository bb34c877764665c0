-- test_prefilter.lua - regexes whose matches start with known literals are searched
-- through their candidate starts (runtime/prefilter.c): every match must be the one an
-- unanchored PCRE2 search finds.  (*NO_START_OPT) at the front of a pattern keeps
-- the prefilter off (it reads no verbs) and changes no match: the reference.
local T = require "check"
local re = require "rulerun.re"

local PATTERNS = {
  [==[建议(?:重点|积极|持续)?关注|重点推荐|(?:推荐|受益|相关)标的|\d{1,2}月金股|(?<=[,;。:])关注|推荐(?=\p{Han}|[A-Z])]==],
  [==[(?<![不为的和或与及])[“"]?(强烈推荐|谨慎推荐|推荐|买入|增持)[”"]?(\s*[:：]|\s{2,})]==],
  [==[(?<=投资)评级|评级(?:说明|声明|标准)|(?<=公司|行业)评级]==],
  [==[(?:风险提示|风险因素)\s*(?::|•)\s*]==],
  [==[沪深\s*300(?:\s*指数)?|上证(?:综合)?指数|中证\s*(?:500|800)]==],
  [==[(?:强于|优于|高于)[^\d%％;；,，。]{0,24}?([+\-]?\d+(?:\.\d+)?)\s*[%％]]==],
  [==[及|和|与]==],
  [==[。(?=[^。]*$)]==],
  [==[\Q鼎龙股份\E]==],
  [==[(?m)(?:^|\n)[ \t]*(?:#+[ \t]*)?(强于大市|同步大市|弱于大市)]==],
  [==[首选股票|重点(?:推荐)?公司|推荐公司|重点关注公司|核心组合]==],
  [==[ab+c|a?bd|x{2,3}y|(?:q|r)*s]==],
  [==[\d+%|[A-Z]{2}\d]==],
  [==[\d{1,2}月金股|(?:ab){2,3}c|x{0,2}xy|b{4,}d|核心组合|推荐公司|受益标的]==],
  [==[(?:\d{6}|\d{4}\.HK)(?:\.SH)?推荐|首推|我们推荐|主要推荐|重点跟踪之|积极关注|稳健组合]==],
}

-- Text from pieces of those patterns and their surroundings, at random.
local PIECES = { "建议", "关注", "重点", "推荐", "标的", "受益", "相关", "12月金股", "3", "45", ",", ";", "。", ":",
  "买入", "增持", "强烈推荐", "谨慎推荐", "不", "为", "“", "”", "\"", "  ", " ", "：", "投资", "评级", "说明",
  "公司", "行业", "风险提示", "风险因素", "•", "沪深 300", "指数", "上证", "综合", "中证 500", "强于", "高于",
  "大盘", "5.5%", "-10%", "及", "和", "与", "鼎龙股份", "鼎龙", "\n", "#", "强于大市", "弱于大市", "同步大市",
  "首选股票", "核心组合", "推荐公司", "ab", "bbc", "abd", "bd", "xxy", "xy", "qrs", "s", "AB1", "7%", "寒武纪",
  "A", "x", "600519", "0700.HK", ".SH", "１２月金股", "٣月金股", "abab", "ababab", "bbbbd" }

local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local function text(n)
  local t = {}
  for i = 1, n do t[i] = PIECES[rand(#PIECES)] end
  return table.concat(t)
end

-- Every match of p in s, from each start after the last match (as helpers search).
local function all(s, p)
  local out, pos = {}, 1
  while pos <= #s + 1 do
    local a, b = re.find(s, p, pos)
    if not a then break end
    out[#out + 1] = a .. "-" .. b
    pos = b >= a and b + 1 or a + 1
  end
  return table.concat(out, " ")
end

local bad = 0
for _ = 1, 300 do
  local s = text(20 + rand(200))
  for _, p in ipairs(PATTERNS) do
    local got, want = all(s, p), all(s, "(*NO_START_OPT)" .. p)
    if got ~= want then
      bad = bad + 1
      if bad <= 3 then T.eq(got, want, "pattern " .. p .. " on " .. s) end
    end
  end
end
T.eq(bad, 0, "prefiltered searches find what PCRE2 finds")

-- the same through a document (a long subject, trusted UTF-8)
local rr = require "rulerun"
local long = text(5000)
local doc = rr.document(long, "t.txt")
for _, p in ipairs(PATTERNS) do
  local a1, b1 = re.find(doc, p, 1000)
  local a2, b2 = re.find(doc, "(*NO_START_OPT)" .. p, 1000)
  T.eq({ a1, b1 }, { a2, b2 }, "in a document: " .. p)
end
T.done()
