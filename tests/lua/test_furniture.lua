-- test_furniture.lua - page furniture found once per document: footers, running headers,
-- page numbers, tables of contents, [Table_Xxx] tags, chart debris; in lines and in stripped text.
local T = require "check"
local document = require "rulerun.document"

local function doc(s) return assert(document.new(s, "t.txt")) end
local function spans(d)
  local out = {}
  for _, f in ipairs(d:furniture()) do out[#out + 1] = d:sub(f[1], f[2]) end
  return out
end

-- line-structured text: whole lines
local lines = table.concat({
  "行业周报",
  "风险提示:需求不及预期;竞争加剧。",
  "请务必阅读正文之后的免责声明。本报告仅供参考。",
  "3/25",
  "第3页",
  "第 4 页 共 25 页",
  "- 5 -",
  "一、行业观点……………………3",
  "二、风险提示.........12",
  "[Table_Summary]",
  "0% 10% 20% 30% 40%",
  "本报告仅供参考,不构成投资建议。投资者应自行判断,本公司不承担法律责任。",
  "2024年营收增长 12%,毛利率 30%。",
}, "\n") .. "\n"
local d = doc(lines)
T.eq(spans(d), { "请务必阅读正文之后的免责声明。本报告仅供参考。", "3/25", "第3页", document.normalize("第 4 页 共 25 页"),
                 "- 5 -", document.normalize("一、行业观点……………………3"), "二、风险提示.........12", "[Table_Summary]",
                 "0% 10% 20% 30% 40%" }, "footer, page numbers, TOC, tag, axis labels are furniture lines")
local a = d:find("请务必")
T.eq(d:is_furniture(a), true, "is_furniture inside a footer")
T.eq(d:is_furniture(a - 1), false, "the newline before it is not")
T.eq(d:is_furniture(1), false, "the title is not")
T.eq(d:is_furniture(0), false, "position 0")
T.eq(d:is_furniture(#d.text + 5), false, "past the end")
T.eq(d:furniture(), d:furniture(), "the same spans each time (found once)")
local f = d:furniture()[1]
T.eq({ f[1], f[2] }, { a, a + #"请务必阅读正文之后的免责声明。本报告仅供参考。" - 1 }, "spans are 1-based inclusive")

-- a running header: a short line repeated on several pages
local pages = {}
for p = 1, 4 do
  pages[#pages + 1] = "证券研究报告·电子行业周报"
  pages[#pages + 1] = "第" .. p .. "页的正文,讲半导体景气度。"
  pages[#pages + 1] = "更多的正文。"
end
d = doc(table.concat(pages, "\n"))
local got = spans(d)
T.eq(#got, 4, "the repeated header on each of four pages")
T.eq(got[1], "证券研究报告·电子行业周报", "the running header line")
d = doc("- 存储\n- 存储\n- 存储\n")
T.eq(d:furniture(), {}, "repeated list items are no running header")
d = doc("研究简报\n风险提示:原料涨价;出货放缓。请务必阅读正文之后的免责声明。\n")
T.eq(spans(d), {}, "a footer after a sentence on its line leaves the line to the text")
T.eq(#d:sections { "风险提示" }, 1, "and the heading on it is found")
d = doc("电子行业周报 请务必阅读正文之后的免责声明。\n")
T.eq(#spans(d), 1, "a short header before a footer on one line is furniture")

-- stripped text: one long line, furniture as spans inside it
local body = string.rep("正文内容。", 500)
local stripped = body .. "投资建议:关注龙头。行业动态报告/电子行业请务必阅读正文最后的免责声明。2" .. body ..
  "风险提示:扩产不及预期[Table_CompanyFinance]重点公司" .. body ..
  "等。行业动态报告/电子行业请务必阅读正文最后的免责声明。3目录一、行业观点......................4" .. body ..
  "行业动态报告/电子行业请务必阅读正文最后的免责声明。4图1:走势-20%-10%0%10%20%30%" .. body
d = doc(stripped)
got = spans(d)
T.eq(got[1], "行业动态报告/电子行业请务必阅读正文最后的免责声明。2", "running header glued before a footer, page number after")
T.eq(got[2], "[Table_CompanyFinance]", "a tag")
T.eq(got[3], "行业动态报告/电子行业请务必阅读正文最后的免责声明。3", "the next page's footer")
T.eq(got[4], "......................4", "dot leader and its page number")
T.eq(got[5], "行业动态报告/电子行业请务必阅读正文最后的免责声明。4", "page 4")
T.eq(got[6], "-20%-10%0%10%20%30%", "axis percentages")
T.eq(#got, 6, "nothing else")
d = doc("说明" .. body .. "请务必阅读正文后的声明及说明30/31[Table_PageTop]6.2.风华高科")
T.eq(spans(d), { "请务必阅读正文后的声明及说明30/31[Table_PageTop]" }, "及说明, page/total and a tag, merged")
d = doc(body .. "免责声明请务必阅读正文最后的免责声明。275.风险提示" .. body)
T.eq(spans(d), { "请务必阅读正文最后的免责声明。27" }, "a glued page number leaves the numbering after it")

-- linear: a 4 MB line is read in one pass
local big = string.rep(stripped, 12)
local t0 = os.clock()
d = doc(big)
T.eq(#d:furniture() > 0, true, "a long line has furniture")
T.eq(os.clock() - t0 < 2, true, "and it is found quickly")
T.done()
