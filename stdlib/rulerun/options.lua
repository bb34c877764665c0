-- rulerun/options.lua - the options every function takes, declared once: the
-- run-time check of an options table and `rulerun check` (rulerun/check.lua)
-- both read this table.
--
-- The C functions' keys come from the C modules themselves (their OPTIONS
-- tables, the lists their own check uses); the Lua helpers' are written here.
-- stdlib/rulerun/init.lua hands check to the helpers (private.check_options).
local keys = require "rulerun.keys"
local section = require "rulerun.section"
local tables = require "rulerun.tables"
local gazetteer = require "rulerun.gazetteer"

local M = {}

-- Function, as rule files call it -> its options:
--   arg       which argument is the options table (a method's self not counted)
--   keys      the option names
--   headings  the table holds heading names too (a section spec)
--   regexes   the options whose string values (or lists of them) are regexes
M.FUNCTIONS = {
  ["doc:section"] = { arg = 1, keys = section.OPTIONS.section, headings = true, regexes = { "stop" } },
  ["doc:sections"] = { arg = 1, keys = section.OPTIONS.sections, headings = true, regexes = { "stop" } },
  ["doc:block"] = { arg = 2, keys = section.OPTIONS.block, regexes = { "stop" } },
  ["sec:items"] = { arg = 1, keys = section.OPTIONS.items, regexes = { "split" } },
  ["rr.items"] = { arg = 2, keys = section.OPTIONS.items, regexes = { "split" } },
  ["rr.tables.parse"] = { arg = 2, keys = tables.OPTIONS.parse },
  ["rr.tables.all"] = { arg = 2, keys = tables.OPTIONS.all },
  ["rr.find_table"] = { arg = 3, keys = tables.OPTIONS.parse },
  ["rr.gazetteer"] = { arg = 2, keys = gazetteer.OPTIONS.load },
  ["gazetteer.load"] = { arg = 2, keys = gazetteer.OPTIONS.load },
  ["rr.risk_section"] = { arg = 2, keys = section.OPTIONS.section, regexes = { "stop" } },
  ["rr.risks"] = { arg = 2, keys = section.OPTIONS.sections, regexes = { "stop" } },
  ["rr.ratings"] = { arg = 2, keys = { "from" }, regexes = { "from" } },
}

-- The message for an options table with a key func does not take ("func:
-- unknown option 'k' (did you mean ...? options: ...)"), or nil.
function M.unknown(opts, func)
  local f = M.FUNCTIONS[func]
  return keys.unknown(opts, func, f.keys, f.headings)
end

-- opts (nil or a table) checked against the options of func, a name of
-- FUNCTIONS, by the helper func itself: an unknown key is an error at the
-- line that called the helper.  Returns opts.
function M.check(opts, func)
  local problem = type(opts) == "table" and M.unknown(opts, func)
  if problem then error(problem, 3) end
  return opts
end

return M
