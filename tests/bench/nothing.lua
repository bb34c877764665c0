-- nothing.lua - the benchmark's do-nothing rule: one table, one rule that
-- returns at once.  What it costs is the fixed cost of every run: walking the
-- folders, reading, decoding and normalising, handing the document to Lua.
local rr = require "rulerun"
rr.table("nothing", { "file" })
rr.rule("nothing", function() end)
