-- test_tables.lua - tab-separated tables: two-line headers, merged cells carried, shifted rows moved back.
local T = require "check"
local tables = require "rulerun.tables"

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
T.raises(function() tables.parse(text, { carry = { "nope" } }) end, "no column 'nope'", "bad carry column")
T.eq(tables.parse("a\tb\n1\t2\n", { header = 0 }).rows, { { "a", "b" }, { "1", "2" } }, "header = 0")
T.eq(tables.parse("no tabs here").rows, {}, "no table")
T.eq(tables.cells(" a \t\tb\t"), { "a", "", "b" }, "cells")
for _, c in ipairs { "600519.SH", "0700.HK", "NVDA.O", "000725 CH", "005930.KS", "2330.TW", "600519" } do
  T.eq(tables.is_code(c), true, "code " .. c)
end
for _, c in ipairs { "1,689", "-5.33%", "英伟达", "20240918", "12.5" } do
  T.eq(tables.is_code(c), false, "not a code " .. c)
end
T.done()
