-- rulerun/numbers.lua - numbers as reports print them: rr.number,
-- rr.cn_number.  A topic module (stdlib/rulerun/init.lua).
local re = require "rulerun.re"
local document = require "rulerun.document"

return function(M)

local NUMBER = re.compile([[^\s*([+\-−–—]?)\s*([\d,]*\.?\d+)\s*(%|亿元?|万元?|pct|bp|bps)?\s*$]])
local PAREN_NEGATIVE = re.compile([[^\s*\(\s*([\d,]*\.?\d+)\s*\)\s*$]])
local SCALE = { ["亿"] = 1e8, ["亿元"] = 1e8, ["万"] = 1e4, ["万元"] = 1e4 }

-- A number as reports print it: "1,689" -> 1689, "-5.33%" -> -5.33 (percent
-- points), "−3", "–3" and "—3" -> -3, "5.2亿" -> 520000000, "3万元" -> 30000,
-- "(1,234)" -> -1234 (accounts), "+12pct" -> 12.  nil if s is not one.
-- (document.number reads the common case, ASCII, in C; false: s holds
-- characters the pattern below must read, Unicode spaces or digits)
local ascii_number = document.number
function M.number(s)
  local fast = ascii_number(s)
  if fast ~= false then return fast end
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

local CN_DIGIT = { ["〇"] = 0, ["零"] = 0, ["一"] = 1, ["二"] = 2, ["三"] = 3, ["四"] = 4,
                   ["五"] = 5, ["六"] = 6, ["七"] = 7, ["八"] = 8, ["九"] = 9, ["十"] = 10 }

-- A number written in Chinese numerals up to 99 ("十二" 12, "二十一" 21), or
-- digit by digit ("二〇二四" 2024).  nil if s is not one.
function M.cn_number(s)
  local digits = {}
  for _, c in utf8.codes(s) do
    local d = CN_DIGIT[utf8.char(c)]
    if d == nil then return nil end
    digits[#digits + 1] = d
  end
  if #digits == 0 then return nil end
  local tens = nil
  for i, d in ipairs(digits) do if d == 10 then tens = i end end
  if not tens then
    local v = 0
    for _, d in ipairs(digits) do v = v * 10 + d end
    return v
  end
  local hi = tens == 1 and 1 or digits[1]
  local lo = digits[tens + 1] or 0
  return hi * 10 + lo
end

end
