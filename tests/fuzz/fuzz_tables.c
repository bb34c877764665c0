/* fuzz_tables.c - the report parsers on any text: tables (tab, space-aligned,
 * Markdown), sections and list items, rating blocks and tickers. */
#include "fuzz.h"

const char fuzz_lua_script[] =
  "local document = require 'rulerun.document'\n"
  "local tables = require 'rulerun.tables'\n"
  "local rr = require 'rulerun'\n"
  "return function(input)\n"
  "  local doc = document.new(input, 'fuzz.txt')\n"
  "  if not doc then return end\n"
  "  pcall(tables.parse, doc)\n"
  "  pcall(tables.all, doc)\n"
  "  pcall(tables.all, doc, {original = true})\n"
  "  pcall(tables.all, doc.text)\n"
  "  pcall(function()\n"
  "    for _, s in ipairs(doc:sections {'风险提示', '投资建议', '评级说明'}) do s:items() s:items {split = ';'} end\n"
  "  end)\n"
  "  pcall(function() local s = doc:section {'风险'} if s then s:lines() s:text() end end)\n"
  "  pcall(rr.ratings, doc.text)\n"
  "  pcall(rr.tickers, doc.text)\n"
  "  pcall(rr.numbered, doc.text)\n"
  "  pcall(rr.sector_lists, doc.text)\n"
  "  pcall(rr.find_table, doc, '代码')\n"
  "end\n";
