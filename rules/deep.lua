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

rr.table("reports", { "file", "date", "industry", "title", "industry_rating", "rating_action" })
rr.table("analysts", { "file", "role", "name", "sac_id", "email" })
rr.table("recommendations", { "file", "sector", "company", "ticker" })
rr.table("risks", { "file", "seq", "risk" })
rr.table("ratings", { "file", "scheme", "rating", "definition", "horizon_months", "lower_pct", "upper_pct", "benchmark" })

rr.rule("reports", function(doc)
  local stop = doc:line_at(doc:find("投资要点|核心观点") or #doc.text)
  local head = {}
  for _, line in doc:lines(1, stop - 1) do
    if line ~= "" and not rr.date(line) and not rr.re.test(line, "研究报告|评级|分析师|研究助理") then
      head[#head + 1] = line
    end
  end
  local rating, action = rr.industry_rating(doc)
  rr.emit("reports", { date = rr.date(doc), industry = table.remove(head, 1), title = rr.join_lines(head),
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

rr.rule("risks", function(doc)
  local sec = rr.risk_section(doc)
  if not sec then return end
  for i, risk in ipairs(rr.numbered(rr.join_lines(sec:text()))) do
    rr.emit("risks", { seq = i, risk = risk })
  end
end)

rr.rule("ratings", function(doc)
  for _, r in ipairs(rr.ratings(doc)) do rr.emit("ratings", r) end
end)
