-- company.lua - company updates (公司点评): the company and its ticker at the
-- top, the rating with its action, a space-aligned forecast table, a numbered
-- risk list, and a 5-tier 买入/增持/中性/减持/卖出 scheme on 12 months against
-- 沪深300.  A second "风险提示" heads the legal disclaimer at the end:
-- rr.risks skips it.  Peers named in the text are found with the
-- dictionary in companies.csv (beside this file).
local rr = require "rulerun"
local peers = rr.gazetteer("companies.csv")

rr.table("reports", { "file", "date", "broker", "company", "ticker", "rating", "rating_action", "price",
                      "target_price" })
rr.table("forecasts", { "file", "item", "year", "value" })
rr.table("risks", { "file", "seq", "risk" })
rr.table("ratings", { "file", "rating", "lower_pct", "upper_pct", "horizon_months", "benchmark" })
rr.table("mentions", { "file", "company", "ticker" })

-- Whether the document keeps its line breaks, as opposed to text whose white
-- space was stripped into a few long lines: the average line length, O(1).
local function lined(doc)
  local last = select(2, doc:line_span(#doc)) or 0
  return #doc >= 10 and last / #doc < 512
end

-- This format: line-structured, the rating and its action on a line of their
-- own ("增持（上调）").
local RATING_LINE = [[(?m)^(买入|增持|中性|减持|卖出)\s*\((\S+)\)\s*$]]

-- A report of another shape gets a row only when its broker is recognised,
-- and then only the date the report prints as its publication date.
rr.rule("reports", function(doc)
  local rating, action
  if lined(doc) then rating, action = doc:match(RATING_LINE) end
  local broker = rr.broker(doc)
  if not rating and not broker then return end
  local company = rating and rr.tickers(doc)[1] or {}
  rr.emit("reports", { date = rr.report_date(doc) or rating and rr.date(doc) or "", broker = broker or "",
                       company = company.name, ticker = company.code,
                       rating = rating, rating_action = action,
                       price = rr.number(doc:match([[当前股价:\s*([\d,.]+)]])),
                       target_price = rr.number(doc:match([[目标价格?:\s*([\d,.]+)]])) })
end)

-- One row per item and year: the header holds the years, the first cell the item.
rr.rule("forecasts", function(doc)
  local t = rr.find_table(doc, [[^\d{4}[AE]$]], { header = 1 })
  if not t then return end
  for _, row in ipairs(t.rows) do
    for k = 2, #row do
      rr.emit("forecasts", { item = row[1], year = t.header[k], value = rr.number(row[k]) })
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
  for _, r in ipairs(rr.ratings(doc)) do
    rr.emit("ratings", { rating = r.rating, lower_pct = r.lower_pct, upper_pct = r.upper_pct,
                         horizon_months = r.horizon_months, benchmark = r.benchmark })
  end
end)

-- Each company of the dictionary the report names, once, in order.
rr.rule("mentions", function(doc)
  local seen = {}
  for _, m in ipairs(peers:find(doc)) do
    if not seen[m.name] then
      seen[m.name] = true
      rr.emit("mentions", { company = m.name, ticker = m.code })
    end
  end
end)
