-- test_gazetteer.lua - dictionaries: CSV and Lua sources, leftmost-longest matches, aliases,
-- word edges for ASCII names, lookup, and a 5,000-name dictionary that finds the same as a small one.
local T = require "check"
local rr = require "rulerun"
local gazetteer = require "rulerun.gazetteer"

-- a relative path is read from the rule file's directory (here tests/lua)
local dir = "../data"
local g = rr.gazetteer(dir .. "/companies.csv")
T.eq(#g, 6, "six entries from the CSV")
T.eq({ g:lookup("茅台") }, { "600519.SH", "贵州茅台" }, "alias lookup")
T.eq({ g:lookup("京东方A") }, { "000725.SZ", "京东方Ａ" }, "names are normalised (full-width A)")
T.eq(g:lookup("茅"), nil, "a prefix is not a name")
T.eq({ g:lookup("Cambricon") }, { "688256.SH", "寒武纪" }, "aliases split on ;")

local doc = rr.document("重点推荐贵州茅台、腾讯控股与寒武纪-U；海外关注NVIDIA，NVIDIAX不是。BOE与京东方A同一家。")
local found = g:find(doc)
local names = {}
for _, m in ipairs(found) do names[#names + 1] = m.name .. "=" .. m.text end
T.eq(names, { "贵州茅台=贵州茅台", "腾讯控股=腾讯控股", "寒武纪=寒武纪-U", "英伟达=NVIDIA", "京东方Ａ=BOE", "京东方Ａ=京东方A" },
  "leftmost-longest, aliases, no match inside NVIDIAX")
T.eq(doc.text:sub(found[1].first, found[1].last), "贵州茅台", "first/last are byte positions")
T.eq(found[3].code, "688256.SH", "code of the entry")
T.eq(#g:find(doc, found[3].last + 1), 3, "init")

-- overlapping names: the earliest start wins, then the longest; the rest go on after it
local o = gazetteer.new { { name = "AB" }, { name = "BCD" }, { name = "CD" }, { name = "中国" }, { name = "中国平安" } }
local got = {}
for _, m in ipairs(o:find("xAB CD 中国平安中国")) do got[#got + 1] = m.text end
T.eq(got, { "CD", "中国平安", "中国" }, "xAB is not a word match; longest at a start")
got = {}
for _, m in ipairs(gazetteer.new { { name = "甲乙" }, { name = "乙丙丁" }, { name = "丙丁" } }:find("甲乙丙丁")) do got[#got + 1] = m.text end
T.eq(got, { "甲乙", "丙丁" }, "a shorter match after the chosen one is still found")
T.eq({ gazetteer.new({ ["中芯国际"] = "688981.SH" }):lookup("中芯国际") }, { "688981.SH", "中芯国际" }, "map form")
T.raises(function() gazetteer.load(dir .. "/nope.csv") end, "cannot open", "missing file")
T.raises(function() gazetteer.load(dir .. "/companies.csv", { name = "名字" }) end, "no column '名字'", "bad column")
T.raises(function() gazetteer.new { { code = "1" } } end, "entry 1 has no name", "entry without a name")

-- 5,000 names: every one is found and the answer for the few real names does not change
local big, text = {}, {}
local function han(i)   -- a distinct 4-character name per i
  local out = {}
  for k = 1, 4 do
    out[k] = utf8.char(0x4E00 + (i * 7 + k * 977) % 20000)
    i = i // 3
  end
  return table.concat(out)
end
local seen = {}
for i = 1, 5000 do
  local name = han(i) .. "科技"
  if not seen[name] then
    seen[name] = true
    big[#big + 1] = { name = name, code = string.format("%06d.SZ", i) }
  end
end
for _, e in ipairs { { name = "贵州茅台", code = "600519.SH" }, { name = "腾讯控股", code = "0700.HK" } } do big[#big + 1] = e end
local bg = gazetteer.new(big)
T.eq(#bg, #big, "5,000-name dictionary built")
for i = 1, #big, 97 do text[#text + 1] = "关注" .. big[i].name .. "。" end
local hits = bg:find(table.concat(text))
T.eq(#hits, #text, "every planted name found once")
T.eq(hits[10].code, big[1 + 9 * 97].code, "with its code")
local small = { "重点推荐贵州茅台、腾讯控股" }
T.eq(#bg:find(small[1]), 2, "the real names are found in the big dictionary too")
T.raises(function() rr.gazetteer(dir .. "/companies.csv", { alias = "别名" }) end,
  "rr.gazetteer: unknown option 'alias' (did you mean 'aliases'? options: name, code, aliases, sep)", "a misspelled option")
T.raises(function() gazetteer.load(dir .. "/companies.csv", { seps = ";" }) end, "gazetteer.load: unknown option 'seps' (did you mean 'sep'?",
  "the C function checks too")
T.done()
