-- weekly.lua - the six tables of a weekly sector report (周报/周跟踪): reports, analysts,
-- recommendations, risks, rating definitions and quotes.
--
-- What this format looks like (and why each step below is there):
--   * the date is printed at the top ("2024年 09月 19日"), or only as the data
--     cut-off under the quote chart ("截至各地时间 2024 年 11月 20日");
--   * 建议关注 is followed by "sector：name、name等。" items, bulleted with "- "
--     and sometimes wrapped onto the next line or bold in Markdown;
--   * 风险提示 lists risks separated by ；, wrapped anywhere; in some
--     extractions the heading itself is lost and only the ；-list is left;
--   * the quote table (tab-separated, sector cells merged, some rows shifted by
--     the extraction) gives the tickers and the quotes table;
--   * 投资评级声明 holds "公司评级 / 行业评级" and one "rating definition" line each;
--   * the head is [date,] industry, the title wrapped over lines, then 投资要点;
--     the industry rating, where given, reads "强于大市 (维持评级)".
local rr = require "rulerun"
local re = rr.re

rr.table("recommendations", { "file", "date", "sector", "company", "ticker" })
rr.table("risks", { "file", "date", "seq", "risk" })
rr.table("ratings", { "file", "scheme", "rating", "definition",
                      "horizon_months", "lower_pct", "upper_pct" })
rr.table("reports", { "file", "date", "title", "broker", "industry", "industry_rating", "rating_action" })
rr.table("analysts", { "file", "role", "name", "sac_id", "email" })
rr.table("quotes", { "file", "date", "sector", "code", "company", "market_cap", "unit",
                     "chg_week_pct", "chg_month_pct", "chg_ytd_pct" })

-- Whether the document keeps its line breaks (a weekly report as extracted
-- line by line), as opposed to text whose white space was stripped into a few
-- long lines: the average line length, O(1).
local function lined(doc)
  local last = select(2, doc:line_span(#doc)) or 0
  return #doc >= 10 and last / #doc < 512
end

-- The publication date (rr.report_date), else, in a line-structured report,
-- the first date of its head or the data cut-off under the quote chart.
local function report_date(doc)
  local date = doc.vars.date
  if date == nil then
    date = rr.report_date(doc)
    if not date and lined(doc) then
      local head_end = select(2, doc:line_span(math.min(5, #doc))) or 0
      date = rr.date(doc:sub(1, head_end)) or rr.asof_date(doc)
    end
    date = date or ""
    doc.vars.date = date
  end
  return date
end

-- The quote table: the table whose header has 代码 (code), sector cells carried down.
local function quote_table(doc)
  local t = doc.vars.quotes
  if t == nil then
    t = rr.find_table(doc, "代码", { carry = { 1 } }) or false
    doc.vars.quotes = t
  end
  return t
end

-- "sector：name、name等" items are lines of their own: text whose line breaks
-- were stripped glues them to prose and footers, so it writes nothing.
rr.rule("recommendations", function(doc)
  if not lined(doc) then return end
  local sec = doc:section { "建议关注", "投资建议", "重点推荐", stop = { "^图表" } }
  if not sec then return end
  local date, codes = report_date(doc), rr.ticker_map(doc, quote_table(doc) or nil)
  for _, item in ipairs(sec:items()) do
    local sector, names = re.match(item, [[^([^:]{1,30}):(.+)$]])
    if sector then
      for _, name in ipairs(rr.split_names(names)) do
        rr.emit("recommendations", { date = date, sector = rr.strip_markup(sector),
                                     company = name, ticker = codes[name] })
      end
    end
  end
end)

-- The risk list under its heading (rr.risks: the first 风险提示 that is a
-- list, not the disclaimer).  In a line-structured report whose heading was
-- lost in extraction, the paragraph that is a ;-list of 不及预期/风险 items,
-- bounded to its own lines; in stripped text there is no such fallback.
local LOST_LIST = rr.re.compile([[(?m)^(?>[^\n]{0,200}?(?:不及预期|风险))(?:[^\n;]{0,200}+;){2}]])

rr.rule("risks", function(doc)
  local items = rr.risks(doc, { stop = { "^图表" } })
  if #items == 0 and lined(doc) then
    local pos = LOST_LIST:find(doc)
    if not pos then return end
    local sec = doc:block(doc:line_at(pos), { stop = { "^图表" }, max_lines = 6 })
    items = rr.risk_items(sec:text())
  end
  local date = report_date(doc)
  for i, risk in ipairs(items) do
    rr.emit("risks", { date = date, seq = i, risk = risk })
  end
end)

rr.rule("ratings", function(doc)
  for _, r in ipairs(rr.ratings(doc)) do
    rr.emit("ratings", { scheme = r.scheme, rating = r.rating, definition = r.definition,
                         horizon_months = r.horizon_months, lower_pct = r.lower_pct, upper_pct = r.upper_pct })
  end
end)

rr.rule("quotes", function(doc)
  local t = quote_table(doc)
  if not t then return end
  local col = { sector = rr.column(t, "板块|行业"), code = rr.column(t, "代码"),
                company = rr.column(t, "公司|名称"), cap = rr.column(t, "市值"), unit = rr.column(t, "单位"),
                week = rr.column(t, "本周"), month = rr.column(t, "本月"), ytd = rr.column(t, "本年|年初") }
  local date = report_date(doc)
  for _, row in ipairs(t.rows) do
    rr.emit("quotes", { date = date, sector = row[col.sector], code = row[col.code],
                        company = row[col.company], market_cap = rr.number(row[col.cap]),
                        unit = row[col.unit], chg_week_pct = rr.number(row[col.week]),
                        chg_month_pct = rr.number(row[col.month]), chg_ytd_pct = rr.number(row[col.ytd]) })
  end
end)

-- The head of the report: the industry on the first line with text (after a
-- date, if the date comes first), then the title, wrapped, up to 投资要点.
-- Text whose line breaks were stripped has no such head: industry and title
-- stay empty rather than taking the whole line.
rr.rule("reports", function(doc)
  -- a report whose publisher is not recognised writes no row (an empty
  -- broker would be a wrong row, not a missing one)
  local broker = rr.broker(doc)
  if not broker then return end
  local head = {}
  if lined(doc) then
    local stop = doc:find("投资要点")
    local last = stop and doc:line_at(stop) - 1 or math.min(#doc, 8)
    for _, line in doc:lines(1, last) do
      if line ~= "" and not rr.date(line) then head[#head + 1] = line end
    end
  end
  local industry = table.remove(head, 1) or ""
  local rating, action = rr.industry_rating(doc)
  rr.emit("reports", { date = report_date(doc), title = rr.join_lines(head),
                       broker = broker,
                       industry = industry, industry_rating = rating, rating_action = action })
end)

rr.rule("analysts", function(doc)
  for _, p in ipairs(rr.analysts(doc)) do
    rr.emit("analysts", p)
  end
end)
