-- test_random.lua - table parsers, the gazetteer and the helpers on random fragments of
-- tables and markup: no crash, no endless loop, and every row exactly as wide as its header.
local T = require "check"
local rr = require "rulerun"
local tables = rr.tables
local frags = { "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", '<td rowspan="99">', '<td colspan="70">',
  "&amp;", "&#x10FFFF;", "&#99999999;", "&", "|", "|---|", "\t", "  ", "   ", "\n", "\n\n", "中文", "600519.SH",
  "1,234", "-5%", "a", "<br>", "<", "(1)", "(2)", "买入:", "20%以上", "关注", "、", "贵州茅台(600519.SH)" }
math.randomseed(20261122)
local g = rr.gazetteer { { name = "中文" }, { name = "a" }, { name = "中文中" } }
local bad = 0
for _ = 1, 3000 do
  local parts = {}
  for k = 1, math.random(1, 60) do parts[k] = frags[math.random(#frags)] end
  local s = table.concat(parts)
  for _, shape in ipairs { "auto", "tab", "space", "markdown", "html" } do
    for _, t in ipairs(tables.all(s, { shape = shape, normalize = shape == "space" })) do
      for _, row in ipairs(t.rows) do
        if #row ~= #t.header then bad = bad + 1 end
      end
    end
  end
  g:find(s)
  rr.numbered(s); rr.ratings(s); rr.tickers(s); rr.date(s); rr.sector_lists(s)
end
T.eq(bad, 0, "rows as wide as the header")
T.done()
