-- rulerun/init.lua - the rule API (tables, rules, emit) and the helpers every
-- broker report needs: `require "rulerun"` loads this file.
--
-- Rule files start with `local rr = require "rulerun"`.  Everything here is
-- documented in docs/RULES.md; the C modules behind it are rulerun.core
-- (tables, rules, emit), rulerun.re (PCRE2), rulerun.document and
-- rulerun.section.
--
-- The helpers live in topic modules beside this file, each written as
-- `return function(M, priv) ... end`: it installs its functions into M (the
-- table rules see as rr) and may read and add the private helpers in priv
-- that later modules share.  They are installed in the order below (dates
-- gives priv.iso and tickers priv.CODE to ratings, report and advice).
local core = require "rulerun.core"
local re = require "rulerun.re"
local document = require "rulerun.document"
local section = require "rulerun.section"
local tables = require "rulerun.tables"
local gazetteer = require "rulerun.gazetteer"
local check_options = require("rulerun.options").check   -- check_options(opts, "rr.x") -> opts

local M = {
  re = re,
  tables = tables,         -- rr.tables.parse(text, opts): rows of cells
  table = core.table,      -- rr.table(name, {columns...})
  rule = core.rule,        -- rr.rule([name,] function(doc) ... end)
  emit = core.emit,        -- rr.emit(table, {column = value, ...})
  items = section.items,   -- rr.items(text [, {split = regex}]) -> list of strings
  normalize = document.normalize,
  document = document.new, -- rr.document(bytes [, path]): a document outside a run (tests, REPL)
}

-- A dictionary of names: rr.gazetteer("companies.csv" [, opts]) (a path
-- beside the rule file) or rr.gazetteer{ {name=, code=, aliases={}}, ... }
-- or rr.gazetteer{ [name] = code }.  g:find(doc), g:lookup(name).
function M.gazetteer(source, opts)
  if type(source) == "string" then return gazetteer.load(source, check_options(opts, "rr.gazetteer")) end
  return gazetteer.new(source)
end

-- ---- the private helpers the topic modules share ------------------------------

-- s[a..b] (a string or a document), narrowed to whole UTF-8 characters,
-- and the offset to add to positions in it.  The helpers find a cheap
-- literal anchor first (PCRE2 skips to it with memchr) and run their full
-- pattern only in a window around it: a pattern that starts with a run of
-- Chinese characters would otherwise be tried at every position of the text.
local window = document.window

-- The captures of pattern (which ends in $) in the window of `before` bytes
-- up to the end of the first match of anchor that has one; nil when none does.
local function anchored_match(s, anchor, pattern, before)
  local pos = 1
  while true do
    local a, b = anchor:find(s, pos)
    if not a then return nil end
    local caps = table.pack(pattern:match((window(s, a - before, b))))
    if caps[1] then return table.unpack(caps, 1, caps.n) end
    pos = b + 1
  end
end

-- A Han character, for a regex character class: [HAN].
local HAN = [[\x{3400}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{2FA1F}]]

-- f memoised on its one string argument (f must be a pure function of it
-- and return only strings, numbers, booleans or nil): the results for at
-- most 4096 distinct arguments of at most 1024 bytes are kept per Lua
-- state, then all forgotten at once (a few MB at most).  It pays where a
-- broker's reports repeat the same text: rating definitions, boilerplate
-- (docs/PERFORMANCE.md).
local MEMO_ENTRIES, MEMO_BYTES = 4096, 1024
local function memo(f)
  local cache, n = {}, 0
  return function(s)
    if #s > MEMO_BYTES then return f(s) end
    local r = cache[s]
    if r == nil then
      if n >= MEMO_ENTRIES then cache, n = {}, 0 end
      r = table.pack(f(s))
      cache[s], n = r, n + 1
    end
    return table.unpack(r, 1, r.n)
  end
end

-- ---- the topic modules --------------------------------------------------------

local private = { window = window, anchored_match = anchored_match, HAN = HAN, memo = memo,
                  check_options = check_options, find_plain = document.find_plain }
require("rulerun.text")(M, private)      -- trim, strip_markup, split_names, join_lines
require("rulerun.numbers")(M, private)   -- number, cn_number
require("rulerun.dates")(M, private)     -- date, asof_date
require("rulerun.tickers")(M, private)   -- ticker, tickers, ticker_map
require("rulerun.lists")(M, private)     -- numbered, sector_lists
require("rulerun.parts")(M, private)     -- risk_section, find_table, column
require("rulerun.ratings")(M, private)   -- ratings, rating_bounds, benchmark, RATING_NAMES
require("rulerun.report")(M, private)    -- analysts, broker, report_date, industry_rating
require("rulerun.advice")(M, private)    -- risks, advice_names, recommendations ...

return M
