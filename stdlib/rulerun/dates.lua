-- rulerun/dates.lua - dates in every form reports print them: rr.date,
-- rr.asof_date.  A topic module (stdlib/rulerun/init.lua); gives priv.iso.
local re = require "rulerun.re"

return function(M, priv)

local MONTH = [[(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?]]
-- Every form in one alternation, so a text is scanned once: captures 1-3
-- y m d, 4-6 yyyymmdd, 7-9 Chinese numerals, 10-12 "Jun 26, 2024", 13-15 "26 June 2024".
local DATE = re.compile(
  [[(?<!\d)((?:19|20)\d{2})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})(?!\d)\s*日?]] ..
  [[|(?<![\d.])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.%])]] ..
  [[|([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日]] ..
  [[|\b]] .. MONTH .. [[\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b]] ..
  [[|\b(\d{1,2})(?:st|nd|rd|th)?\s+]] .. MONTH .. [[,?\s+((?:19|20)\d{2})\b]], "i")
local MONTHS = { jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6,
                 jul = 7, aug = 8, sep = 9, oct = 10, nov = 11, dec = 12 }
local ASOF = re.compile([[截[至止][^\n\d〇零一二三四五六七八九]{0,16}?(]] ..
  [[(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}|]] ..
  [[[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)]])

local function iso(y, m, d)
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not (y and m and d) or m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  return string.format("%04d-%02d-%02d", y, m, d)
end

local function month(name) return MONTHS[name:sub(1, 3):lower()] end

-- Year, month, day from the captures of DATE, whichever form matched.
local function ymd(c)
  if c[1] then return c[1], c[2], c[3] end
  if c[4] then return c[4], c[5], c[6] end
  if c[7] then return M.cn_number(c[7]), M.cn_number(c[8]), M.cn_number(c[9]) end
  if c[10] then return c[12], month(c[10]), c[11] end
  return c[15], month(c[14]), c[13]
end

-- The first date in s (a string or a document) at or after init, as
-- YYYY-MM-DD, and where it was (first, last).  Forms: 2024年09月19日,
-- 2024 年 6 月 26 日, 2024-06-26, 2024/6/26, 2024.06.26, 20240626,
-- 二〇二四年六月二十六日, Jun 26, 2024, June 26th 2024, 26 June 2024.
function M.date(s, init)
  local pos = init or 1
  while true do
    local found = { DATE:find(s, pos) }
    local a, b = found[1], found[2]
    if not a then return nil end
    local caps = {}
    for i = 3, 17 do caps[i - 2] = found[i] or nil end   -- unset captures are false
    local v = iso(ymd(caps))
    if v then return v, a, b end
    pos = b + 1
  end
end

-- The data cut-off date: "截至北京时间 2024 年 9月 18 日" -> "2024-09-18".
function M.asof_date(s, init)
  local _, b, date = ASOF:find(s, init)
  if not date then return nil end
  return M.date(date), b
end

priv.iso = iso

end
