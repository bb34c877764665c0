-- test_document.lua - documents: normalised text, lines, ranges, original bytes, regex on documents.
local T = require "check"
local document = require "rulerun.document"

local src = "\xEF\xBB\xBF2024年 09月 19日\r\n\r\n\xEF\x83\x98 建议关注\r\n- 国产算力链：寒武纪、海光信息等。\r\n"
local doc = assert(document.new(src, "a/b.txt"))
T.eq(doc.path, "a/b.txt", "path")
T.eq(#doc, 4, "line count")
T.eq(doc.nlines, 4, "nlines")
T.eq(doc:line(1), "2024年 09月 19日", "line 1")
T.eq(doc:line(2), "", "blank line")
T.eq(doc:line(3), "• 建议关注", "bullet folded")
T.eq(doc:line(4), "- 国产算力链:寒武纪、海光信息等。", "full-width colon folded")
T.eq(doc:line(5), nil, "past the end")
T.eq(doc.text, "2024年 09月 19日\n\n• 建议关注\n- 国产算力链:寒武纪、海光信息等。\n", "text keeps the last newline")
local seen = {}
for i, l in doc:lines(3) do seen[#seen + 1] = i .. ":" .. l end
T.eq(seen, { "3:• 建议关注", "4:- 国产算力链:寒武纪、海光信息等。" }, "lines from 3")
local a, b = doc:find("寒武纪")
T.eq(doc:sub(a, b), "寒武纪", "find on a document, sub")
T.eq(doc:line_at(a), 4, "line_at")
local s, e = doc:line_span(3)
T.eq(doc:sub(s, e), "• 建议关注", "line_span")
T.eq(doc:original(a, b), "寒武纪", "original of an unchanged range")
local c1, c2 = doc:find(":")
T.eq(doc:original(c1, c2), "：", "original of a folded character")
T.eq(doc:original(doc:line_span(3)), "\xEF\x83\x98 建议关注", "original of a bullet line")
T.eq(doc:orig_offset(1), 4, "BOM is before the first character")
T.eq(doc:original(), src, "whole original")
T.eq(doc:match([[(\d{4})年]]), "2024", "match on a document")
T.eq(doc.vars, doc.vars, "vars is one table per document")
doc.vars.x = 1
T.eq(doc.vars.x, 1, "vars keeps values")

local bad, msg = document.new("ok\n\xFF\xFE", "bad.txt")
T.eq(bad, nil, "invalid UTF-8 gives nil")
T.eq(msg, "bad.txt: not valid UTF-8 at byte 3", "and a message with the offset")
T.eq(document.normalize("ＡＩ　大模型"), "AI 大模型", "normalize a string")
T.eq(#assert(document.new("")), 0, "empty document")

-- pages: a form feed between two pages (PDFs, pdftotext's files); one page without
local paged = assert(document.new("  第一页\n正文\f  第二页 \f\f第四页\n\f", "p.txt"))
T.eq(paged.text, "第一页\n正文\n第二页\n\n第四页\n\n", "a form feed is a line end to rules")
T.eq(paged.pages, 4, "pages: the trailing form feed starts none, the blank third counts")
T.eq(paged:page_at(1), 1, "page_at on the first page")
local p2 = paged:find("第二页")
T.eq(paged:page_at(p2), 2, "page_at on the second page")
T.eq(paged:page_at(paged:find("第四页")), 4, "page_at after a blank page")
T.eq(paged:sub(paged:page_span(2)), "第二页", "page_span")
local b3, e3 = paged:page_span(3)
T.eq(e3 < b3, true, "a blank page has an empty span")
T.eq(paged:page_span(5), nil, "page_span past the end")
T.eq(paged:page_at(#paged.text + 1), nil, "page_at past the end")
T.eq(doc.pages, 1, "a text without form feeds is one page")
T.eq(doc:page_at(a), 1, "and every position is on it")
T.done()
