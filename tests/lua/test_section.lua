-- test_section.lua - headings in their dresses, where sections end, and list items joined back.
local T = require "check"
local document = require "rulerun.document"
local section = require "rulerun.section"

local function doc(s) return assert(document.new(s, "t.txt")) end

-- headings: bullet, number, Markdown, 【】, bold, colon with inline body
for _, h in ipairs { "风险提示", "\xEF\x81\xAC 风险提示", "➤ 风险提示", "1. 风险提示", "一、风险提示",
                     "（二）风险提示", "## 风险提示", "【风险提示】", "**风险提示**", "风险提示：" } do
  local d = doc("正文。\n" .. h .. "\n技术不及预期；需求不及预期。\n")
  local sec = d:section { "风险因素", "风险提示" }
  T.eq(sec and sec.heading, "风险提示", "heading " .. h)
  T.eq(sec and sec:items { split = "[;；]" }, { "技术不及预期", "需求不及预期" }, "items under " .. h)
end
T.eq(doc("本周风险提示函已发出。\n"):section("风险提示"), nil, "a mention in a sentence is no heading")
T.eq(doc("风险提示说明\n"):section("风险提示"), nil, "a longer word is no heading")

-- inline body after the colon
local d = doc("风险提示：技术不及预期；\n需求不及预期。\n图表 1：xx\n")
local sec = d:section("风险提示")
T.eq(sec.inline, "技术不及预期;", "inline part")
T.eq(sec:items { split = ";" }, { "技术不及预期", "需求不及预期" }, "inline joins the body")
T.eq(sec:text(), "技术不及预期;\n需求不及预期。", "text ends before the heading-like 图表 line")

-- wrapped items, with and without a blank line in between; "- " items are never headings
d = doc([[
 建议关注

- 国产算力链：寒武纪、海光信息等。

- 数据中心硬件：中际旭创、工业富联、
英维克、沪电股份。
- 存储

- 服务器：浪潮信息、

中科曙光。
 一年内行业相对大盘走势
]])
sec = d:section { "建议关注" }
T.eq(sec:items(), { "国产算力链:寒武纪、海光信息等", "数据中心硬件:中际旭创、工业富联、英维克、沪电股份",
                    "存储", "服务器:浪潮信息、中科曙光" }, "wrapped items joined")
T.eq(sec.last, 11, "ends before the short line after a sentence")

-- a bullet line ends a section; a stop regex ends it earlier
d = doc("➢ 风险提示\n技术不及预期；\n需求不及预期。\n➢ 图表 1：复盘\n")
T.eq(d:section("风险提示"):items { split = ";" }, { "技术不及预期", "需求不及预期" }, "bullet heading ends")
d = doc("风险提示\n技术不及预期\n来源：Wind\n")
T.eq(d:section { "风险提示", stop = "^来源" }:text(), "技术不及预期", "stop regex")
T.eq(d:section { "风险提示", max_lines = 1 }:text(), "技术不及预期", "max_lines")

-- Markdown bold and numbered items
d = doc("重点推荐\n1、**国产算力链：**寒武纪、海光信息等；\n2、AI 应用：金山办公\n(3) 存储：兆易创新\n")
T.eq(d:section("重点推荐"):items(), { "国产算力链:寒武纪、海光信息等", "AI 应用:金山办公", "存储:兆易创新" },
     "bold and numbers stripped; numbered siblings are no headings")
d = doc("重点推荐\n- 国产算力链:寒武纪\n1、相关报告\n")
T.eq(d:section("重点推荐"):items(), { "国产算力链:寒武纪" }, "a short numbered line after dash items ends the section")

-- ASCII words wrapped across lines keep a space
T.eq(section.items("Scaling\nLaw 再引关注"), { "Scaling Law 再引关注" }, "word wrap gets a space")
T.eq(section.items("技术不\n及预期"), { "技术不及预期" }, "CJK wrap gets none")

-- several sections, and a block from a given line
d = doc("风险提示\na。\n正文\n风险提示\nb。\n")
T.eq(#d:sections("风险提示"), 2, "sections finds each")
d = doc("x\n技术不及预期；下游需求不\n及预期。\n图表 1\n")
T.eq(d:block(2):items { split = ";" }, { "技术不及预期", "下游需求不及预期" }, "block")
T.eq(d:block(99), nil, "block past the end")
T.raises(function() d:section { "风险提示", stop = "(" } end, "bad regex", "bad stop pattern")

-- sibling bullets: "- • title: body" headings end at the next line marked and titled alike
d = doc("- ▶ 投资建议: 关注龙头;估值修复。\n- • 风险提示: 需求不及预期;竞争加剧。\n")
T.eq(d:section("投资建议"):items { split = ";" }, { "关注龙头", "估值修复" }, "a sibling bullet ends the section")
T.eq(d:section("风险提示"):items { split = ";" }, { "需求不及预期", "竞争加剧" }, "and is a heading itself")
d = doc("- 投资建议: 关注以下\n- 存储:兆易创新\n")
T.eq(d:section("投资建议").last, 1, "a dash-only sibling with a title ends it too")
d = doc("投资建议:\n- 存储:兆易创新\n- 算力:寒武纪\n")
T.eq(#d:section("投资建议"):items(), 2, "an unmarked heading keeps its dash items")

-- page furniture ends a section
d = doc("风险提示:需求不及预期;竞争加剧。\n请务必阅读正文之后的免责声明。本报告仅供参考。\n")
T.eq(d:section("风险提示"):items { split = ";" }, { "需求不及预期", "竞争加剧" }, "the footer is not swallowed")
d = doc("风险提示\n需求不及预期;\n3/25\n竞争加剧。\n")
T.eq(d:section("风险提示"):text(), "需求不及预期;", "a page number line ends the body")
T.eq(d:block(2):text(), "需求不及预期;", "and a block")

-- pos and stop: the body's bytes, for line sections too
d = doc("正文。\n风险提示:技术不及预期;\n需求不及预期。\n图表 1:xx\n")
sec = d:section("风险提示")
T.eq(d:sub(sec.pos, sec.stop), "技术不及预期;\n需求不及预期。", "pos..stop of a line section")
T.eq(sec.span, nil, "a line section is no span")
sec = doc("风险提示\n图表 1:xx\n"):section { "风险提示", stop = "^图表" }
T.eq(sec.stop, sec.pos - 1, "an empty body: stop before pos")

-- headings inside one long line (white space stripped)
local filler = string.rep("行业景气度持续回升,需求稳步增长。", 150)   -- > 2048 bytes: the line is stripped text
local stripped = filler .. "投资建议:长期来看,国产替代空间广阔,建议关注龙头。风险提示:扩产不及预期、下游需求不及预期" ..
  "[Table_CompanyFinance]重点公司主要财务数据" .. filler ..
  "6.2.某某科技:主营被动元件。风险提示:扩产进度不及预期、客户拓展不及预期请务必阅读正文后的声明及说明30/31[Table_PageTop]" ..
  filler .. "6.风险提示行业政策风险;产品安全风险;新产品研发不及预期等" ..
  "行业动态分析/医药10本报告版权属于某某证券股份有限公司。各项声明请参见报告尾页。" ..
  filler .. "六、风险提示......................27七、附录......28" .. filler ..
  "行业动态分析/医药12本报告版权属于某某证券股份有限公司。各项声明请参见报告尾页。" .. filler ..
  "行业动态分析/医药11本报告版权属于某某证券股份有限公司。各项声明请参见报告尾页。" ..
  "5.风险提示1)疫情变化风险;2)原料血浆供给不足风险;3)行业政策风险。4、相关报告" .. filler ..
  "本周风险提示函已发出,风险提示:不是标题"
d = doc(stripped)
T.eq(#d, 1, "one line")
local secs = d:sections { "风险提示", "投资建议" }
local got = {}
for _, s in ipairs(secs) do got[#got + 1] = s.heading .. "=" .. s:text() end
T.eq(got, { "投资建议=长期来看,国产替代空间广阔,建议关注龙头。",
            "风险提示=扩产不及预期、下游需求不及预期",
            "风险提示=扩产进度不及预期、客户拓展不及预期",
            "风险提示=行业政策风险;产品安全风险;新产品研发不及预期等",
            "风险提示=1)疫情变化风险;2)原料血浆供给不足风险;3)行业政策风险。" }, "inline sections end at 。, a tag, a footer, the running header")
sec = secs[2]
T.eq(sec.span, true, "an inline section is a span")
T.eq(d:sub(sec.pos, sec.stop), "扩产不及预期、下游需求不及预期", "pos..stop")
T.eq({ sec.line, sec.first, sec.last }, { 1, 1, 1 }, "the line holding it")
T.eq(sec:items { split = "、" }, { "扩产不及预期", "下游需求不及预期" }, "items of a span")
T.eq(secs[5]:items(), { "疫情变化风险", "原料血浆供给不足风险", "行业政策风险" }, "numbered siblings in a span are items")
local n, lines = 0, {}
for i, l in sec:lines() do n = n + 1; lines[#lines + 1] = i .. ":" .. l end
T.eq(lines, { "1:扩产不及预期、下游需求不及预期" }, "lines() of a span: one")
T.eq(d:section("风险提示").pos, sec.pos, "section gives the first")
T.eq(d:section { "风险提示", inline = false }, nil, "inline = false: no headings inside lines")
sec = d:section { "投资建议", max_chars = 4 }
T.eq(sec:text(), "长期来看", "max_chars caps the body")
d = doc("行业观点:景气回升。风险提示:需求不及预期;竞争加剧。\n")
T.eq(d:section("风险提示"), nil, "a short line is not searched inside by default")
T.eq(d:section { "风险提示", inline = true }:items { split = ";" }, { "需求不及预期", "竞争加剧" }, "inline = true searches it")
d = doc(filler .. "投资建议:关注龙头;4、风险提示:需求不及预期")
T.eq(d:section("投资建议"):text(), "关注龙头;", "another heading ends an inline body")
T.eq(d:section("风险提示"):text(), "需求不及预期", "the end of the line ends one")

-- linear on a long line: many sections, each body bounded
local many = string.rep(filler .. "风险提示:需求不及预期。", 40)
local t0 = os.clock()
T.eq(#doc(many):sections("风险提示"), 40, "every inline section of a long line")
T.eq(os.clock() - t0 < 2, true, "quickly")
-- options are strict: a misspelled key is an error naming it, the closest key and the keys there are
d = doc("风险提示\n需求不及预期。\n")
T.raises(function() d:section { "风险提示", stopp = "^图" } end,
  "doc:section: unknown option 'stopp' (did you mean 'stop'? options: from, max_lines, heading_like, " ..
  "max_chars, inline, stop)", "a misspelled section option")
T.raises(function() d:sections { "风险提示", max_line = 3 } end, "doc:sections: unknown option 'max_line' (did you mean 'max_lines'?",
  "in sections")
T.raises(function() d:block(1, { "风险提示" }) end, "doc:block: an options table holds name = value pairs, not a value at [1]",
  "a block takes no heading names")
T.raises(function() d:section("风险提示"):items { spilt = ";" } end, "sec:items: unknown option 'spilt' (did you mean 'split'? options: split)",
  "a misspelled items option")
T.raises(function() section.items("a", { colour = 1 }) end, "rr.items: unknown option 'colour' (options: split)",
  "no suggestion when nothing is close")
T.eq(d:section { "风险提示", [2] = "投资风险", stop = "^图" }.heading, "风险提示", "heading names at any integer key")
T.done()
