-- test_fastpaths.lua - the helpers done in C for speed (document.number under
-- rr.number, document.join_lines as rr.join_lines, document.find_plain under
-- rr.code_near) against the Lua they replace,
-- kept here as the reference: equal on random strings made of the characters
-- they read (digits, separators, signs, units, spaces, Unicode spaces and digits).
local T = require "check"
local rr = require "rulerun"
local re = rr.re
local document = require "rulerun.document"

-- numbers.lua's pattern alone (the reference)
local NUMBER = re.compile([[^\s*([+\-−–—]?)\s*([\d,]*\.?\d+)\s*(%|亿元?|万元?|pct|bp|bps)?\s*$]])
local PAREN_NEGATIVE = re.compile([[^\s*\(\s*([\d,]*\.?\d+)\s*\)\s*$]])
local SCALE = { ["亿"] = 1e8, ["亿元"] = 1e8, ["万"] = 1e4, ["万元"] = 1e4 }
local function ref_number(s)
  if type(s) ~= "string" then return nil end
  local sign, digits, unit = NUMBER:match(s)
  if not digits then
    digits = PAREN_NEGATIVE:match(s)
    if not digits then return nil end
    sign = "-"
  end
  local v = tonumber((digits:gsub(",", "")))
  if not v then return nil end            -- digits of another script (\d takes them)
  if sign ~= "" and sign ~= "+" then v = -v end
  if unit and SCALE[unit] then v = v * SCALE[unit] end
  return math.tointeger(v) or v
end

local function ref_join(lines)
  if type(lines) == "string" then lines = re.split(lines, "\n") end
  local out = ""
  for _, l in ipairs(lines) do
    l = rr.trim(l)
    if l ~= "" then
      if re.test(out, "[A-Za-z0-9]$") and re.test(l, "^[A-Za-z0-9]") then out = out .. " " end
      out = out .. l
    end
  end
  return out
end

local function same(a, b)
  return math.type(a) == math.type(b) and (a == b or (a ~= a and b ~= b))
end

math.randomseed(20261203)
local num_frags = { "0", "1", "5", "9", "00", ",", ".", "+", "-", "−", "–", "—", " ", "\t", "(", ")",
  "%", "亿", "万", "元", "pct", "bp", "bps", "s", "\u{3000}", "\u{A0}", "٣", "x", "\n", "1234567890" }
local bad, fast_taken = 0, 0
for _ = 1, 40000 do
  local parts = {}
  for k = 1, math.random(1, 7) do parts[k] = num_frags[math.random(#num_frags)] end
  local s = table.concat(parts)
  local want, got = ref_number(s), rr.number(s)
  if document.number(s) ~= false then fast_taken = fast_taken + 1 end
  if not same(want, got) then
    bad = bad + 1
    if bad <= 5 then print(("number(%q): %s, want %s"):format(s, tostring(got), tostring(want))) end
  end
end
T.eq(bad, 0, "rr.number equals its pattern on random strings")
T.eq(fast_taken > 20000, true, "most random strings are read in C (" .. fast_taken .. ")")
T.eq(rr.number(12), nil, "a number is not a string")
T.eq(rr.number("\u{3000}12"), 12, "a Unicode space: the pattern reads it")
T.eq(rr.number(string.rep("9", 80)), ref_number(string.rep("9", 80)), "80 digits")

local line_frags = { "a", "Z", "9", "中", "文", " ", "\t", "\n", "\n\n", "\u{3000}", "-", "“", "Law" }
bad = 0
for n = 1, 20000 do
  local parts = {}
  -- (every tenth long: the result then outgrows the buffer's first block)
  for k = 1, math.random(0, n % 10 == 0 and 1500 or 12) do parts[k] = line_frags[math.random(#line_frags)] end
  local s = table.concat(parts)
  local list = re.split(s, "\n")
  if ref_join(s) ~= rr.join_lines(s) or ref_join(list) ~= rr.join_lines(list) then
    bad = bad + 1
    if bad <= 5 then print(("join_lines(%q): %q, want %q"):format(s, rr.join_lines(s), ref_join(s))) end
  end
end
T.eq(bad, 0, "rr.join_lines equals the Lua it replaces on random text")
T.eq(rr.join_lines({ "a", 12, "b" }), "a 12 b", "numbers in a list are lines too")
local many = {}
for k = 1, 5000 do many[k] = (k % 7 == 0) and 12345 or "中文行" .. k end
T.eq(rr.join_lines(many), ref_join(many), "5,000 lines, numbers among them")
T.raises(function() rr.join_lines({ "a", {} }) end, "string expected", "a table in the list")

-- document.find_plain against string.find(s, lit, init, true), on strings and
-- on a document of the same text
local find_frags = { "中", "文", "中文", "a", "ab", " ", "\n", "证券", "券" }
bad = 0
for _ = 1, 5000 do
  local parts = {}
  for k = 1, math.random(0, 30) do parts[k] = find_frags[math.random(#find_frags)] end
  local s, lit = table.concat(parts), find_frags[math.random(#find_frags)]
  local doc = document.new(s, "t.txt")
  local text = doc.text                 -- the document's (normalised) text
  for _, init in ipairs { 1, 2, math.random(-5, #s + 2), #s + 1, #s + 2 } do
    local a1, b1 = string.find(s, lit, init, true)
    local a2, b2 = document.find_plain(s, lit, init)
    local a3, b3 = string.find(text, lit, init, true)
    local a4, b4 = document.find_plain(doc, lit, init)
    if a1 ~= a2 or b1 ~= b2 or a3 ~= a4 or b3 ~= b4 then
      bad = bad + 1
      if bad <= 5 then print(("find_plain(%q, %q, %d): %s %s, want %s %s"):format(s, lit, init, a2, b2, a1, b1)) end
    end
  end
end
T.eq(bad, 0, "document.find_plain equals string.find plain, on strings and documents")
T.eq(document.find_plain("abc", "", 2), 2, "an empty literal is found where the search starts")
T.done()
