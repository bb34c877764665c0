-- test_re.lua - the PCRE2 binding: find, match, gmatch, gsub, split, test, flags, errors, UTF-8.
local T = require "check"
local re = require "rulerun.re"

T.eq({ re.find("abc寒武纪def", "寒武纪") }, { 4, 12 }, "find gives byte positions")
T.eq({ re.find("x=12, y=34", [[(\w)=(\d+)]]) }, { 1, 4, "x", "12" }, "find with captures")
T.eq({ re.find("x=12, y=34", [[(\w)=(\d+)]], 5) }, { 7, 10, "y", "34" }, "find from init")
T.eq(re.find("abc", "z"), nil, "no match")
T.eq(re.match("2024年09月19日", [[(\d+)年]]), "2024", "match capture")
T.eq(re.match("abc", "b"), "b", "match without captures: whole match")
T.eq({ re.match("ab", "(a)(x)?b") }, { "a", false }, "unset group is false")
T.eq(re.test("Hello", "hello", nil, "i"), true, "caseless flag")
T.eq(re.test("a\nb", "^b$"), false, "no multiline by default")
T.eq(re.test("a\nb", "(?m)^b$"), true, "inline multiline")
T.eq(re.test("a\nb", "^b$", nil, "m"), true, "m flag")
T.eq(re.match("寒武纪", "^.{3}$"), "寒武纪", "UTF mode: . is a character")
T.eq(re.test("寒武纪", [[^\w+$]]), true, "UCP: CJK are word characters")

local got = {}
for k, v in re.gmatch("a=1;b=2;c=3", [[(\w)=(\d)]]) do got[#got + 1] = k .. v end
T.eq(got, { "a1", "b2", "c3" }, "gmatch")
got = {}
for w in re.gmatch("寒武纪、海光信息、龙芯中科", "[^、]+") do got[#got + 1] = w end
T.eq(got, { "寒武纪", "海光信息", "龙芯中科" }, "gmatch on CJK")
got = 0
for _ in re.gmatch("abc", "") do got = got + 1 end
T.eq(got, 4, "empty matches advance by a character")
local nested = {}
for a in re.gmatch("ab", "[ab]") do
  for b in re.gmatch("xy", "[xy]") do nested[#nested + 1] = a .. b end
end
T.eq(nested, { "ax", "ay", "bx", "by" }, "nested gmatch with separate patterns")

T.eq({ re.gsub("a1b22", [[\d+]], "#") }, { "a#b#", 2 }, "gsub string")
T.eq(re.gsub("2024-06-26", [[(\d+)-(\d+)-(\d+)]], "%3/%2/%1"), "26/06/2024", "gsub captures")
T.eq(re.gsub("100%", "%", "%%%%"), "100%%", "gsub literal percent")
T.eq(re.gsub("a b c", " ", function() return "_" end), "a_b_c", "gsub function")
T.eq(re.gsub("x y", [[(\w)]], { x = "1" }), "1 y", "gsub table, missing key keeps match")
T.eq({ re.gsub("aaa", "a", "b", 2) }, { "bba", 2 }, "gsub max")
T.eq(re.gsub("寒武纪", "", "-"), "-寒-武-纪-", "gsub empty match keeps characters whole")

T.eq(re.split("a、b；c", "[、；]"), { "a", "b", "c" }, "split")
T.eq(re.split("a,,b", ","), { "a", "", "b" }, "split keeps empty pieces")
T.eq(re.split("abc", "x"), { "abc" }, "split without separator")

local r = re.compile([[(\d+)%]])
T.eq(r:match("涨幅 20%以上"), "20", "compiled regex method")
T.eq(select("#", r:find("none")), 1, "compiled find, no match")
T.eq(re.compile("a") == re.compile("a"), true, "compiled regexes are cached")
T.eq(re.escape("1.5*(x)"), [[1\.5\*\(x\)]], "escape")
T.eq(re.test("1.5*(x)", re.escape("1.5*(x)")), true, "escaped pattern matches itself")

T.raises(function() re.find("x", "(") end, "bad regex '(' at offset 1", "bad pattern names pattern and offset")
T.raises(function() re.find("x", "a", 1, "q") end, "unknown regex flag 'q'", "bad flag")
T.raises(function() re.find("ab\255", "b") end, "not valid UTF-8", "invalid subject")
T.raises(function() re.gsub("a", "a", "%x") end, "invalid use of '%'", "bad replacement")
T.raises(function() re.find({}, "a") end, "rulerun.document expected", "bad subject type")

T.done()
