-- luacheck (Debian's lua-check) for the stdlib, the shipped rules, the
-- examples and the Lua tests: Lua 5.4, the style the code has.  Run by
-- `meson test --suite lint` (tests/meson.build); no finding is allowed.
std = "lua54"
max_line_length = 120
-- the lines inside a long string are its content (the explain page's HTML
-- and script in stdlib/rulerun/explain.lua), not Lua code
max_string_line_length = false
codes = true
files["tests/lua"] = { max_line_length = 160 }   -- test data is written out whole
files["tests/fuzz"] = { max_line_length = 160 }
exclude_files = { "build*/**", "tests/fuzz/corpus/**" }

-- Findings in two files another branch was editing when the lint came in
-- (issue 13): allowed here one by one, so that nothing new slips in; each
-- entry goes when its file is fixed.
--   advice.lua:14 local CODE = priv.CODE, never used; lines 39 and 164 are
--   regexes of 124 and 150 characters.
files["stdlib/rulerun/advice.lua"] = { ignore = { "211/CODE" }, max_line_length = 150 }
--   ratings.lua:373 a second `from` shadows the one of line 354; lines 15,
--   134 and 146 are regexes of up to 151 characters.
files["stdlib/rulerun/ratings.lua"] = { ignore = { "421/from" }, max_line_length = 151 }
