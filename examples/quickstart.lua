-- quickstart.lua - the smallest useful rule file: one table, one rule.
-- Run it:  build/rulerun examples/quickstart.lua examples/reports -o out/
local rr = require "rulerun"

-- A table is a CSV file: out/risks.csv with these columns.
-- The engine fills in "file" (the report's path) by itself.
rr.table("risks", { "file", "seq", "risk" })

-- A rule runs once for every report and emits rows.
rr.rule("risks", function(doc)
  local sec = doc:section { "风险提示", "投资风险" }   -- the heading, in any dress
  if not sec then return end                          -- this report has none
  for i, risk in ipairs(sec:items { split = ";" }) do -- "；" is ";" after normalisation
    rr.emit("risks", { seq = i, risk = risk })
  end
end)
