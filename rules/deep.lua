-- deep.lua - deep industry reports (行业深度): the recommendations and risks are
-- numbered inside one paragraph of the abstract, tickers in parentheses.
--
--   投资建议：…建议关注（1）减速器：绿的谐波（688017.SH）、双环传动（002472.SZ）；（2）丝杠：…
--   投资建议：一是存储模组，推荐江波龙（301308.SZ）…；二是…
--   风险提示：（1）…；（2）…      or      风险提示：1、…；2、…
--
-- The head is a banner line, the date, the industry, the title (wrapped),
-- then 行业评级：推荐（首次）.  Rating definitions: a space-aligned block with
-- horizon and benchmark said once above it.
local rr = require "rulerun"

rr.table("reports", { "file", "date", "broker", "industry", "title", "industry_rating", "rating_action" })
rr.table("analysts", { "file", "role", "name", "sac_id", "email" })
rr.table("recommendations", { "file", "sector", "company", "ticker" })
rr.table("risks", { "file", "seq", "risk" })
rr.table("ratings", { "file", "scheme", "rating", "definition", "horizon_months", "lower_pct", "upper_pct",
                      "benchmark" })

-- Whether the document keeps its line breaks, as opposed to text whose white
-- space was stripped into a few long lines: the average line length, O(1).
local function lined(doc)
  local last = select(2, doc:line_span(#doc)) or 0
  return #doc >= 10 and last / #doc < 512
end

-- This format: line-structured, 行业评级：… on a line of its own in the head.
local function deep_format(doc)
  local f = doc.vars.deep_format
  if f == nil then
    local pos = lined(doc) and doc:find([[(?m)^行业评级\s*:]])
    f = pos and doc:line_at(pos) <= 12 or false
    doc.vars.deep_format = f
  end
  return f
end

-- A report of another shape gets a row only when its broker is recognised,
-- and then only the date the report prints as its publication date.
rr.rule("reports", function(doc)
  local own, broker = deep_format(doc), rr.broker(doc)
  if not own and not broker then return end
  local head = {}
  if own then
    local stop = doc:line_at(doc:find("投资要点|核心观点") or #doc.text)
    for _, line in doc:lines(1, stop - 1) do
      if line ~= "" and not rr.date(line) and not rr.re.test(line, "研究报告|评级|分析师|研究助理") then
        head[#head + 1] = line
      end
    end
  end
  local rating, action = rr.industry_rating(doc)
  rr.emit("reports", { date = rr.report_date(doc) or own and rr.date(doc) or "", broker = broker or "",
                       industry = table.remove(head, 1), title = rr.join_lines(head),
                       industry_rating = rating, rating_action = action })
end)

rr.rule("analysts", function(doc)
  for _, p in ipairs(rr.analysts(doc)) do rr.emit("analysts", p) end
end)

rr.rule("recommendations", function(doc)
  local sec = doc:section { "投资建议", "推荐标的" }
  if not sec then return end
  for _, point in ipairs(rr.numbered(rr.join_lines(sec:text()))) do
    local list = rr.sector_lists(point)[1]
    for _, t in ipairs(rr.tickers(point)) do
      rr.emit("recommendations", { sector = list and list.sector, company = t.name, ticker = t.code })
    end
  end
end)

-- The risk list (rr.risks: the first risk warning that is a list of risks,
-- numbered points or a ;-list; not the disclaimer that some reports head
-- 风险提示 at the end).
rr.rule("risks", function(doc)
  for i, risk in ipairs(rr.risks(doc)) do rr.emit("risks", { seq = i, risk = risk }) end
end)

rr.rule("ratings", function(doc)
  for _, r in ipairs(rr.ratings(doc)) do rr.emit("ratings", r) end
end)
