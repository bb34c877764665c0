-- test_emit.lua - declaring tables and rules: the mistakes a rule file can make are errors that say what.
local T = require "check"
local rr = require "rulerun"
local core = require "rulerun.core"

rr.table("risks", { "file", "date", "seq", "risk" })
T.eq(core.tables(), { { name = "risks", columns = { "file", "date", "seq", "risk" } } }, "declared")
T.raises(function() rr.table("risks", { "a" }) end, "table 'risks' is declared twice", "twice")
T.raises(function() rr.table("../x", { "a" }) end, "table names are letters", "name makes a file name")
T.raises(function() rr.table("t", {}) end, "1 to 256 columns", "no columns")
T.raises(function() rr.table("t2", { "a", "a" }) end, "column 'a' is declared twice", "duplicate column")
T.raises(function() rr.table("t3", { "a", 5 }) end, "column 2 must be a non-empty string", "column type")

rr.rule("one", function() end)
rr.rule(function() end)
local rules = core.rules()
T.eq(#rules, 2, "two rules")
T.eq(rules[1].name, "one", "named rule")
T.eq(rules[2].name, "rule 2", "unnamed rule gets a name")
T.eq(type(rules[1].line), "number", "rule line recorded")
T.raises(function() rr.rule("one", function() end) end, "rule 'one' is declared twice", "rule twice")
T.raises(function() rr.emit("risks", { risk = "x" }) end, "only be called from a rule", "emit outside a rule")
T.raises(function() rr.emit("nope", {}) end, "no table 'nope'", "unknown table")
T.raises(function() rr.emit("risk", {}) end, "no table 'risk' declared with rr.table (did you mean 'risks'? tables: risks",
  "a misspelled table")
T.done()
