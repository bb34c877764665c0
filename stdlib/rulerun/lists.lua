-- rulerun/lists.lua - lists inside a paragraph: rr.numbered,
-- rr.sector_lists.  A topic module (stdlib/rulerun/init.lua).
local re = require "rulerun.re"

return function(M)

local MARKER = re.compile([[\(\s*(\d{1,2})\s*\)|(?<![\d.])(\d{1,2})\s*[)、.](?!\d)|([①-⑳])|]] ..
  [[第([一二三四五六七八九十]{1,3})\s*(?:[,:、]|是)|(?<![\p{Han}])([一二三四五六七八九十]{1,3})是|]] ..
  [[其([一二三四五六七八九十]{1,3})\s*(?:,|:|、)]])

local function marker_value(d1, d2, circled, di, shi, qi)
  if d1 or d2 then return tonumber(d1 or d2) end
  if circled then return utf8.codepoint(circled) - 0x2460 + 1 end
  return M.cn_number(di or shi or qi)
end

-- Cuts a paragraph that numbers its points inline: "风险提示:(1)需求不及预期;(2)竞争加剧。"
-- -> {"需求不及预期", "竞争加剧"}, and the text before the first point
-- ("风险提示:") as a second result.  Markers: (1) 1) 1、 1. ① 第一, 第一是 一是 其一,
-- counted from 1 in order, so "(2024)" or a stray "3、" is not a marker.
-- Items are trimmed of spaces and ; , 。 at their ends.
function M.numbered(s)
  local cuts, want, pos = {}, 1, 1
  while true do
    local caps = { MARKER:find(s, pos) }
    if not caps[1] then break end
    if marker_value(table.unpack(caps, 3, 8)) == want then
      cuts[#cuts + 1] = { caps[1], caps[2] }
      want = want + 1
    end
    pos = caps[2] + 1
  end
  local items = {}
  for i, c in ipairs(cuts) do
    local stop = cuts[i + 1] and cuts[i + 1][1] - 1 or #s
    local item = re.gsub(s:sub(c[2] + 1, stop), [[^[\s;,:。、；，：]+|[\s;,。、；，]+$]], "")
    if item ~= "" then items[#items + 1] = item end
  end
  return items, cuts[1] and M.trim(s:sub(1, cuts[1][1] - 1)) or M.trim(s)
end

local SECTOR_COLON = re.compile([[^(.{1,30}?)\s*:\s*(.+)$]])
local SECTOR_VERB = re.compile([[^(?:我们)?(?:建议)?(?:在)?(.{1,20}?)(?:板块|领域|方向|方面|产业链|赛道|行业)?]] ..
  [[(?:,\s*)?(?:我们)?(?:建议|重点|持续|可)?(?:关注|推荐|看好)(?:标的)?(?:有|包括|为)?\s*:?\s*(.+)$]])

local LEAD_IN = re.compile([[^.*(?:关注|推荐|看好|受益标的|相关标的|标的)(?:标的)?(?:有|包括|为|如)?\s*:?\s*]])
local LIST_END = re.compile([[等.*$]])

-- The names in "五一备货进入尾声,批价整体平稳,建议关注贵州茅台、五粮液等": what
-- follows the last 关注/推荐/看好/标的, up to 等; of comma clauses, the ones
-- with 、 when there are such.
local function list_part(s)
  s = LIST_END:gsub(LEAD_IN:gsub(s, ""), "")
  local clauses, with = re.split(s, ","), {}
  for _, c in ipairs(clauses) do if c:find("、", 1, true) then with[#with + 1] = c end end
  return #with > 0 and table.concat(with, "、") or s
end

-- Sector lists in the two shapes reports write them: "算力:寒武纪、海光信息等;"
-- and "存储板块关注兆易创新、澜起科技等".  s is cut at ; 。 and line ends; each
-- part that has a sector gives {sector=, names={...}}: the names follow the
-- last 关注/推荐/看好/标的 and end at 等 (split by rr.split_names); 板块/领域/
-- 方向 … are dropped from the sector.
function M.sector_lists(s)
  local out = {}
  for _, part in ipairs(re.split(s, "[;。\n]")) do
    part = M.strip_markup(re.gsub(part, [[^[\s•\-*]+]], ""))
    local sector, names = SECTOR_COLON:match(part)
    if sector and re.test(sector, "关注|推荐|看好") then sector = nil end
    if not sector then sector, names = SECTOR_VERB:match(part) end
    if sector and re.test(sector, "^(?:建议|我们|重点|持续|可)$") then sector = nil end
    if sector then
      sector = M.trim((re.gsub(sector, [[(?:板块|领域|方向|方面|产业链|赛道)$]], "")))
      local list = M.split_names(list_part(names))
      if sector ~= "" and #list > 0 then out[#out + 1] = { sector = sector, names = list } end
    end
  end
  return out
end

end
