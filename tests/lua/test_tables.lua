-- test_tables.lua - the four table shapes: tab-separated (two-line headers, merged cells
-- carried, shifted rows moved back), space-aligned, Markdown pipe and HTML.
local T = require "check"
local tables = require "rulerun.tables"
local rr = require "rulerun"

local text = table.concat({
  "图表 1: 复盘",
  "板块\t代码\t公司\t市值\t涨跌幅\t\t",
  "\t\t\t\t本周\t本年\t",
  "存储\t603986.SH\t兆易创新\t1,012\t6.12%\t35.41%\t",
  "\t688008.SH\t澜起科技\t986\t3.48%\t22.10%\t",
  "\t设备\t002371.SZ\t北方华创\t2,345\t4.31%\t18.02%",   -- shifted right by one
  "\t\t688012.SH\t中微公司\t1,377\t2.77%\t12.66%",       -- shifted right by one
  "688072.SH\t\t拓荆科技\t412\t-0.85%\t9.75%\t",           -- code landed in the sector column
  "",
  "来源: Wind",
  "类别\t评级",
  "公司评级\t买入",
}, "\n")

local t = tables.parse(text, { carry = { "板块" } })
T.eq(t.header, { "板块", "代码", "公司", "市值", "涨跌幅/本周", "涨跌幅/本年" }, "merged header")
T.eq(#t.rows, 5, "the table ends at the first line without a tab")
T.eq(t.rows[1], { "存储", "603986.SH", "兆易创新", "1,012", "6.12%", "35.41%" }, "plain row")
T.eq(t.rows[2], { "存储", "688008.SH", "澜起科技", "986", "3.48%", "22.10%" }, "carried sector")
T.eq(t.rows[3], { "设备", "002371.SZ", "北方华创", "2,345", "4.31%", "18.02%" }, "row shifted right, moved back")
T.eq(t.rows[4], { "设备", "688012.SH", "中微公司", "1,377", "2.77%", "12.66%" }, "shifted and carried")
T.eq(t.rows[5], { "设备", "688072.SH", "拓荆科技", "412", "-0.85%", "9.75%" }, "lone code moved to its column")
T.eq(tables.parse(text).rows[2][1], "", "no carry unless asked")
T.eq(tables.parse(text, { carry = { 1 } }).rows[2][1], "存储", "carry by number")
T.eq(tables.parse(text, { carry = { "nope" } }).rows[2][1], "", "a carry column the table lacks is left out")
T.raises(function() tables.parse(text, { carry = { true } }) end, "carry entries", "a carry entry of the wrong type")
-- one rule reads many tables: a column it asks for that a table lacks costs nothing
for _, src in ipairs { "x\t. 1\ny\t. 2\n", "名称  评级\n甲公司  买入\n乙公司  增持\n", "a\t\n\tb\n" } do
  local ok = pcall(tables.parse, src, { carry = { 1, 9, "代码" } })
  T.eq(ok, true, "carry on a table without such columns: " .. src:sub(1, 8))
  local ok2 = pcall(rr.find_table, rr.document(src), "代码|名称", { carry = { 1, 7 } })
  T.eq(ok2, true, "find_table with carry on " .. src:sub(1, 8))
end
T.eq(tables.parse("名称  评级\n甲公司  买入\n乙公司  增持\n", { shape = "space", header = 1, carry = { 3 } }).rows,
     { { "甲公司", "买入" }, { "乙公司", "增持" } }, "carry past the last column: the rows as they are")
T.eq(tables.parse("a\tb\n1\t2\n", { header = 0 }).rows, { { "a", "b" }, { "1", "2" } }, "header = 0")
T.eq(tables.parse("no tabs here"), nil, "no table")

T.eq(t.shape, "tab", "shape tab")
T.eq(text:sub(t.first, t.first + 5), "板块", "first is the header line")

-- Markdown pipe tables, as converters write them
local md = table.concat({
  "## 盈利预测",
  "",
  "| 公司 | 代码 | EPS 2024E | 评级 |",
  "|:---|---:|---:|:---:|",
  "| 贵州茅台 | 600519.SH | 68.64 | 买入 |",
  "| 五粮液 | 000858.SZ | 8.21 | 增持 |",
  "| A\\|B | 1 | 2 | 中性 |",
  "",
  "正文",
}, "\n")
local m = tables.parse(md)
T.eq(m.shape, "markdown", "shape markdown")
T.eq(m.header, { "公司", "代码", "EPS 2024E", "评级" }, "markdown header from the separator")
T.eq(m.rows[2], { "五粮液", "000858.SZ", "8.21", "增持" }, "markdown row")
T.eq(m.rows[3][1], "A\\|B", "escaped pipe stays in its cell")
T.eq(#m.rows, 3, "markdown table ends at the blank line")
T.eq(md:sub(m.stop, m.stop + 3), "\n正", "stop is just after the table")

-- HTML as MinerU writes it: rowspan/colspan expanded, entities decoded
local html = [[<html><body><table><tr><td rowspan="2">板块</td><td rowspan=2>代码</td><td colspan="2">涨跌幅</td></tr>
<tr><td>本周</td><td>本年</td></tr>
<tr><td rowspan="2">白酒</td><td>600519.SH</td><td>1.2%</td><td>-3.4%</td></tr>
<tr><td>000858.SZ</td><td>2.0%</td><td>5&#46;1%</td></tr>
<tr><td>食品 &amp; 饮料<br/>调味品</td><td>603288.SH</td><td colspan="2">&nbsp;停牌&nbsp;</td></tr></table></body></html>]]
local h = tables.parse(html)
T.eq(h.shape, "html", "shape html")
T.eq(h.header, { "板块", "代码", "涨跌幅/本周", "涨跌幅/本年" }, "html header: rowspan named once, colspan over two")
T.eq(h.rows[1], { "白酒", "600519.SH", "1.2%", "-3.4%" }, "html row")
T.eq(h.rows[2], { "白酒", "000858.SZ", "2.0%", "5.1%" }, "rowspan repeated below, numeric entity")
T.eq(h.rows[3], { "食品 & 饮料 调味品", "603288.SH", "停牌", "停牌" }, "entities, <br>, colspan in the body")
T.eq(html:sub(h.stop - 8, h.stop - 1), "</table>", "html stop after </table>")
local th = tables.parse("<table><tr><th>名称</th><th>说明</th></tr><tr><td>买入</td><td>涨幅15%以上</td></tr></table>")
T.eq(th.header, { "名称", "说明" }, "<th> row is the header")
T.eq(th.rows, { { "买入", "涨幅15%以上" } }, "text-only body after a <th> header")

-- columns aligned by spaces: CJK counts two columns, empty cells stay empty
local sp = table.concat({
  "表 3: 重点公司估值",
  "",
  "板块      代码         公司          EPS(元)          PE",
  "                                  2024E   2025E   2024E",
  "白酒      600519.SH    贵州茅台      68.64   79.12    22.1",
  "          000858.SZ    五粮液         8.21    9.05    16.4",
  "调味品    603288.SH    海天味业       1.12            35.0",
  "",
  "资料来源: Wind",
}, "\n")
local s = tables.parse(sp)
T.eq(s.shape, "space", "shape space")
T.eq(s.header, { "板块", "代码", "公司", "EPS(元)/2024E", "EPS(元)/2025E", "PE/2024E" }, "space header over two lines")
T.eq(s.rows[1], { "白酒", "600519.SH", "贵州茅台", "68.64", "79.12", "22.1" }, "full space row")
T.eq(s.rows[2], { "", "000858.SZ", "五粮液", "8.21", "9.05", "16.4" }, "leading empty cell kept by position")
T.eq(s.rows[3], { "调味品", "603288.SH", "海天味业", "1.12", "", "35.0" }, "inner empty cell kept by position")
T.eq(#s.rows, 3, "space table ends at the blank line")
T.eq(tables.parse(sp, { carry = { 1 } }).rows[2][1], "白酒", "carry in a space table")
T.eq(tables.parse("甲  乙\n１２  ３４\n", { normalize = true }).rows, { { "12", "34" } }, "normalize folds the cells")
T.eq(tables.parse("单行  两格\n正文\n"), nil, "one spaced line is not a table")

T.eq(tables.parse("x</table> y <table><tr><td>a</td><td>1</td></tr></table>").rows, { { "a", "1" } },
  "a </table> before the <table> on its line is not its end")
T.eq(tables.all("\t\n\t"), {}, "a lone tab is no table, and all() ends")
T.eq(tables.parse("|---|\n\n<table></table>\n甲\t乙\n1\t2").shape, "tab", "empty tables are passed over")

-- every table, and the shape forced
local both = md .. "\n\n" .. text
local all = tables.all(both)
T.eq(#all, 3, "all finds every table")
T.eq({ all[1].shape, all[2].shape, both:sub(all[3].first, all[3].first + 5) }, { "markdown", "tab", "类别" }, "in order")
T.eq(tables.parse(both, { init = all[3].first, header = 1 }).rows, { { "公司评级", "买入" } }, "header = 1 for a text-only table")
T.eq(tables.parse(both, { shape = "tab" }).header[1], "板块", "shape forced")
T.eq(tables.parse(both, { init = all[1].stop }).shape, "tab", "init skips the first")
T.raises(function() tables.parse(both, { shape = "csv" }) end, "invalid option 'csv'", "bad shape")
T.eq(tables.cells(" a \t\tb\t"), { "a", "", "b" }, "cells")
for _, c in ipairs { "600519.SH", "0700.HK", "NVDA.O", "000725 CH", "005930.KS", "2330.TW", "600519" } do
  T.eq(tables.is_code(c), true, "code " .. c)
end
for _, c in ipairs { "1,689", "-5.33%", "英伟达", "20240918", "12.5" } do
  T.eq(tables.is_code(c), false, "not a code " .. c)
end
T.eq(tables.cells("| a | b |", "|"), { "", "a", "b" }, "cells on pipes")

-- a document is read in place: its normalised text, or with original = true its bytes
local raw = "前言\n板块    代码        公司\n芯片    688256.SH   寒武纪\n"
local d = rr.document(raw)
T.eq(tables.parse(d, { shape = "space" }), nil, "normalised text has no space table (runs collapsed)")
local orig = tables.parse(d, { shape = "space", original = true })
T.eq(orig and orig.rows[1], { "芯片", "688256.SH", "寒武纪" }, "original = true reads the bytes")
T.eq(orig and orig.first, #"前言\n" + 1, "positions in the original bytes")
T.eq(tables.parse("a\tb\n1\t2\n"), tables.parse(rr.document("a\tb\n1\t2\n")), "a document and its text give the same table")
T.raises(function() tables.parse("a\tb\n1\t2\n", { hedaer = 1 }) end,
  "rr.tables.parse: unknown option 'hedaer' (did you mean 'header'? options: shape, header, carry, init, normalize, original)",
  "a misspelled option")
T.raises(function() tables.all("a\tb\n1\t2\n", { "tab" }) end, "rr.tables.all: an options table holds name = value pairs",
  "a value without a name")
T.raises(function() rr.find_table(rr.document("a\tb\n1\t2\n"), "a", { carr = { 1 } }) end,
  "rr.find_table: unknown option 'carr' (did you mean 'carry'?", "find_table names itself")
T.done()
