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
T.done()
