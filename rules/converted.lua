-- converted.lua - weekly reports that a PDF converter (MinerU and the like)
-- turned into Markdown: "#" headings, "- **sector**：…关注A、B等；" bullets,
-- the valuation table as HTML (<table> with rowspan/colspan), the rating
-- definitions as a Markdown pipe table.  Run it with -g '*.md'.
local rr = require "rulerun"

rr.table("reports", { "file", "date", "broker", "title" })
rr.table("recommendations", { "file", "sector", "company", "ticker" })
rr.table("valuations", { "file", "sector", "code", "company", "eps_2025e", "eps_2026e", "rating" })
rr.table("risks", { "file", "seq", "risk" })
rr.table("ratings", { "file", "rating", "definition", "horizon_months", "lower_pct", "upper_pct", "benchmark" })

-- The valuation table: the one whose header has 代码.
local function valuations(doc)
  if doc.vars.valuations == nil then doc.vars.valuations = rr.find_table(doc, "代码") or false end
  return doc.vars.valuations
end

-- This format: Markdown, the title a "# " heading on the first line with text.
local TITLE = rr.re.compile([[^\s*#\s+(.+)$]])
local function title(doc)
  local t = doc.vars.md_title
  if t == nil then
    t = false
    for _, line in doc:lines(1, math.min(3, #doc)) do
      if line ~= "" then t = #line < 512 and TITLE:match(line) or false; break end
    end
    doc.vars.md_title = t
  end
  return t
end

-- A report of another shape gets a row only when its broker is recognised,
-- and then only the date the report prints as its publication date.
rr.rule("reports", function(doc)
  local own, broker = title(doc), rr.broker(doc)
  if not own and not broker then return end
  rr.emit("reports", { date = rr.report_date(doc) or own and rr.date(doc) or "", broker = broker or "",
                       title = own or nil })
end)

-- The sector lists of the "## 投资要点" bullets ("- **白酒**：…关注A、B等；"),
-- in a Markdown report only.
rr.rule("recommendations", function(doc)
  if not title(doc) then return end
  local sec = doc:section "投资要点"
  if not sec or not rr.re.test(doc:line(sec.line), [[^\s*#]]) then return end
  local codes = rr.ticker_map(doc, valuations(doc) or nil)
  for _, item in ipairs(sec:items()) do
    for _, list in ipairs(rr.sector_lists(item)) do
      for _, name in ipairs(list.names) do
        rr.emit("recommendations", { sector = list.sector, company = name, ticker = codes[name] })
      end
    end
  end
end)

rr.rule("valuations", function(doc)
  local t = valuations(doc)
  if not t then return end
  for _, row in ipairs(t.rows) do
    rr.emit("valuations", { sector = row[1], code = row[2], company = row[3], eps_2025e = rr.number(row[4]),
                            eps_2026e = rr.number(row[5]), rating = row[6] })
  end
end)

-- The risk list (rr.risks: the first risk warning that is a list of risks).
rr.rule("risks", function(doc)
  for i, risk in ipairs(rr.risks(doc)) do rr.emit("risks", { seq = i, risk = risk }) end
end)

rr.rule("ratings", function(doc)
  for _, r in ipairs(rr.ratings(doc)) do
    rr.emit("ratings", { rating = r.rating, definition = r.definition, horizon_months = r.horizon_months,
                         lower_pct = r.lower_pct, upper_pct = r.upper_pct, benchmark = r.benchmark })
  end
end)
