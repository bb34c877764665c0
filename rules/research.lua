-- research.lua - the five tables of any broker's research report (industry,
-- weekly, deep, company, strategy): reports, analysts, recommendations,
-- risks and rating definitions.
--
-- It reads the report's own structure, never a broker's name:
--   * reports: the publisher (XX证券 by its 研究所 / 股份有限公司 / copyright
--     lines), the publication date where the report prints it (发布日期,
--     the head block), the industry rating with its action;
--   * analysts: every person printed with a SAC number, before or after it;
--   * recommendations: a company report's own company when it is rated
--     positively on the cover, the names listed after 建议关注 / 重点推荐 /
--     推荐组合 / 受益标的 …, and the positively rated rows of a table of picks
--     (首选股票, 重点公司); the ticker next to the name, else the first one
--     the report prints beside it;
--   * risks: the first risk warning that is a list (the summary's; the body
--     repeats it), items cut at ; numbering and whole-risk 、;
--   * ratings: every scheme of the rating definitions block.
-- Text with or without line breaks: sections and lists end where the list
-- does, not at the end of a line.  What a helper does not recognise gives no
-- row: a report of an unknown shape, or of a publisher that names no 证券
-- firm, writes nothing for that table.
local rr = require "rulerun"

rr.table("reports", { "file", "date", "broker", "industry_rating", "rating_action" })
rr.table("analysts", { "file", "role", "name", "sac_id", "email" })
rr.table("recommendations", { "file", "date", "company", "ticker" })
rr.table("risks", { "file", "date", "seq", "risk" })
rr.table("ratings", { "file", "scheme", "rating", "definition", "horizon_months",
                      "lower_pct", "upper_pct", "benchmark" })

local function date_of(doc)
  local date = doc.vars.date
  if date == nil then
    date = rr.report_date(doc) or ""
    doc.vars.date = date
  end
  return date
end

-- A report whose publisher is not recognised (a research institute, a
-- consultancy, a WeChat account) gets no row: an empty broker would be a
-- wrong row, not a missing one.
rr.rule("reports", function(doc)
  local broker = rr.broker(doc)
  if not broker then return end
  local rating, action = rr.industry_rating(doc)
  rr.emit("reports", { date = date_of(doc), broker = broker,
                       industry_rating = rating, rating_action = action })
end)

rr.rule("analysts", function(doc)
  for _, p in ipairs(rr.analysts(doc)) do rr.emit("analysts", p) end
end)

rr.rule("recommendations", function(doc)
  for _, c in ipairs(rr.recommendations(doc)) do
    rr.emit("recommendations", { date = date_of(doc), company = c.name, ticker = c.code })
  end
end)

rr.rule("risks", function(doc)
  for i, risk in ipairs(rr.risks(doc)) do
    rr.emit("risks", { date = date_of(doc), seq = i, risk = risk })
  end
end)

rr.rule("ratings", function(doc)
  for _, r in ipairs(rr.ratings(doc)) do
    rr.emit("ratings", { scheme = r.scheme, rating = r.rating, definition = r.definition,
                         horizon_months = r.horizon_months, lower_pct = r.lower_pct,
                         upper_pct = r.upper_pct, benchmark = r.benchmark })
  end
end)
