-- luacheck (Debian's lua-check) for the stdlib, the shipped rules, the
-- examples and the Lua tests: Lua 5.4, the style the code has.
std = "lua54"
max_line_length = 120
codes = true
files["tests/lua"] = { max_line_length = 160 }   -- test data is written out whole
files["tests/fuzz"] = { max_line_length = 160 }
exclude_files = { "build*/**", "tests/fuzz/corpus/**" }
