-- rulerun/explain.lua - renders `rulerun explain`: one report with each row's source highlighted.
--
-- render(data, format) -> a string.  data (engine.c, push_explain_data):
--   path, rules (the rule file), text (the normalised report), furniture
--   ({first, last} spans), marks ({kind, first, last, label}: the headings,
--   sections, list items and tables the helpers found), rows ({table, cells,
--   rule, line, first, last}), tables ({name, columns}), rule_list ({name,
--   line, empty}), errors (the failure lines, "" when none).
-- format "html": one self-contained page (no network, no other file);
-- "text": the lines of the report with a marker under each row's line.
local M = {}

local PALETTE = { "#ffd54f", "#81d4fa", "#a5d6a7", "#f48fb1", "#ce93d8", "#ffab91", "#b0bec5", "#e6ee9c",
                  "#80cbc4", "#bcaaa4" }

local function html_escape(s)
  return (s:gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
                                ["'"] = "&#39;" }))
end

-- A JSON string (the page's data for its script).
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function json(v)
  local t = type(v)
  if t == "string" then return json_string(v) end
  if t == "number" or t == "boolean" then return tostring(v) end
  if t == "nil" then return "null" end
  if #v > 0 or next(v) == nil then
    local out = {}
    for i, x in ipairs(v) do out[i] = json(x) end
    return "[" .. table.concat(out, ",") .. "]"
  end
  local keys, out = {}, {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do out[#out + 1] = json_string(k) .. ":" .. json(v[k]) end
  return "{" .. table.concat(out, ",") .. "}"
end

-- Table name -> its index (1-based) and its columns.
local function table_index(data)
  local idx = {}
  for i, t in ipairs(data.tables) do idx[t.name] = i end
  return idx
end

-- The boundaries of every span, sorted: the text is cut there into segments
-- that each lie wholly inside or outside every span.
local function cuts(data)
  local text = data.text
  local set, len = { [1] = true, [#text + 1] = true }, #text
  -- a cut at a character start (a span that ends inside a character takes all of it)
  local function char_start(p)
    while p <= len and (text:byte(p) or 0) & 0xC0 == 0x80 do p = p + 1 end
    return p
  end
  local function add(first, last)
    if first and last and first >= 1 and first <= len then
      set[char_start(first)] = true
      set[char_start(math.min(last, len) + 1)] = true
    end
  end
  for _, r in ipairs(data.rows) do add(r.first, r.last) end
  for _, m in ipairs(data.marks) do add(m[2], m[3]) end
  for _, f in ipairs(data.furniture) do add(f[1], f[2]) end
  local out = {}
  for p in pairs(set) do out[#out + 1] = p end
  table.sort(out)
  return out
end

-- Does the segment [a, b) lie in [first, last]?
local function covers(first, last, a, b) return first and first <= a and b - 1 <= last end

-- The rules that emitted nothing, as text.
local function empty_rules(data)
  local out = {}
  for _, r in ipairs(data.rule_list) do
    if r.empty then out[#out + 1] = string.format("%s (%s:%d)", r.name, data.rules, r.line) end
  end
  return out
end

local function html(data)
  local tidx = table_index(data)
  local b = cuts(data)
  local out = {}
  local function w(s) out[#out + 1] = s end
  w('<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">\n<title>rulerun explain: ')
  w(html_escape(data.path))
  w('</title>\n<style>\n')
  w([[
body { margin: 0; font: 14px/1.6 "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; color: #222; }
header { padding: 8px 16px; background: #263238; color: #eceff1; }
header b { color: #fff; }
main { display: flex; height: calc(100vh - 44px); }
#text { flex: 3; overflow: auto; padding: 12px 20px; white-space: pre-wrap; word-break: break-all; }
#side { flex: 2; overflow: auto; padding: 8px 14px; border-left: 1px solid #ccc; background: #fafafa; font-size: 13px; }
.row { cursor: pointer; border-radius: 2px; }
.row.on { outline: 2px solid #d32f2f; }
.fu { color: #9e9e9e; background: #eeeeee; }
.sec { box-shadow: inset 0 -2px 0 #5c6bc0; }
.item { box-shadow: inset 0 -2px 0 #26a69a; }
.tbl { box-shadow: inset 0 -2px 0 #8d6e63; }
.head { font-weight: bold; }
h2 { font-size: 14px; margin: 14px 0 4px; }
table { border-collapse: collapse; margin-bottom: 6px; }
td, th { border: 1px solid #ddd; padding: 1px 5px; vertical-align: top; }
tr.r:hover, tr.r.on { background: #fff3e0; cursor: pointer; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
#tip { position: fixed; display: none; max-width: 460px; background: #fff; border: 1px solid #999;
       box-shadow: 2px 2px 8px rgba(0,0,0,.3); padding: 6px 8px; font-size: 12px; z-index: 10; }
.legend span { margin-right: 12px; }
.err { color: #b71c1c; white-space: pre-wrap; }
]])
  w('</style></head><body>\n<header><b>rulerun explain</b> ')
  w(html_escape(data.path))
  w(' &middot; ')
  w(html_escape(data.rules))
  w(string.format(' &middot; %d rows</header>\n<main><div id="text">', #data.rows))
  -- the text, cut into segments, each with the spans that cover it
  for i = 1, #b - 1 do
    local a, z = b[i], b[i + 1]
    local seg = data.text:sub(a, z - 1)
    local classes, rows = {}, {}
    for _, f in ipairs(data.furniture) do
      if covers(f[1], f[2], a, z) then classes[#classes + 1] = "fu" break end
    end
    local marked = {}
    for _, m in ipairs(data.marks) do
      local kind = m[1] == "section" and "sec" or m[1] == "table" and "tbl" or m[1] == "item" and "item" or
                   m[1] == "heading" and "head" or nil
      if kind and not marked[kind] and covers(m[2], m[3], a, z) then
        classes[#classes + 1] = kind
        marked[kind] = true
      end
    end
    local colour, narrowest
    for ri, r in ipairs(data.rows) do
      if covers(r.first, r.last, a, z) then
        rows[#rows + 1] = ri
        if not narrowest or r.last - r.first < narrowest then   -- the innermost row's colour
          narrowest = r.last - r.first
          colour = PALETTE[(tidx[r.table] - 1) % #PALETTE + 1]
        end
      end
    end
    if #rows > 0 then classes[#classes + 1] = "row" end
    if #classes == 0 then
      w(html_escape(seg))
    else
      w('<span class="' .. table.concat(classes, " ") .. '"')
      if #rows > 0 then
        w(' data-r="' .. table.concat(rows, " ") .. '" style="background:' .. colour .. '"')
      end
      w(">" .. html_escape(seg) .. "</span>")
    end
  end
  w('</div>\n<div id="side">\n<div class="legend">')
  for i, t in ipairs(data.tables) do
    w(string.format('<span><i class="swatch" style="background:%s"></i>%s</span>',
                    PALETTE[(i - 1) % #PALETTE + 1], html_escape(t.name)))
  end
  w('<br><span class="sec">section</span> <span class="item">list item</span> <span class="tbl">table</span> ' ..
    '<span class="fu">page furniture</span></div>\n')
  if data.errors ~= "" then w('<h2>errors</h2><div class="err">' .. html_escape(data.errors) .. '</div>\n') end
  -- rows per table
  for ti, t in ipairs(data.tables) do
    local these = {}
    for ri, r in ipairs(data.rows) do if r.table == t.name then these[#these + 1] = ri end end
    w(string.format('<h2><i class="swatch" style="background:%s"></i>%s: %d %s</h2>\n',
                    PALETTE[(ti - 1) % #PALETTE + 1], html_escape(t.name), #these, #these == 1 and "row" or "rows"))
    if #these > 0 then
      w('<table><tr>')
      for _, c in ipairs(t.columns) do if c ~= "file" then w("<th>" .. html_escape(c) .. "</th>") end end
      w("<th>rule</th></tr>\n")
      for _, ri in ipairs(these) do
        local r = data.rows[ri]
        w(string.format('<tr class="r" data-i="%d"%s>', ri, r.first and "" or ' title="no span in the text"'))
        for ci, c in ipairs(t.columns) do
          if c ~= "file" then w("<td>" .. html_escape(r.cells[ci] or "") .. "</td>") end
        end
        w(string.format("<td>%s:%d</td></tr>\n", html_escape(r.rule), r.line))
      end
      w("</table>\n")
    end
  end
  local empty = empty_rules(data)
  w("<h2>rules that emitted nothing for this report</h2>\n<p>")
  w(#empty > 0 and html_escape(table.concat(empty, ", ")) or "none")
  w("</p>\n</div></main>\n<div id=\"tip\"></div>\n")
  -- the rows for the script: what hovering and clicking show
  local rows = {}
  for i, r in ipairs(data.rows) do
    local t = data.tables[tidx[r.table]]
    local cells = {}
    for ci, c in ipairs(t.columns) do cells[#cells + 1] = { c, r.cells[ci] or "" } end
    rows[i] = { table = r.table, cells = cells, rule = r.rule, line = r.line, rules = data.rules }
  end
  w("<script>\nconst ROWS = " .. json(rows) .. ";\n")
  w([[
const tip = document.getElementById('tip');
function esc(s) { return s.replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]); }
function rowHtml(i) {
  const r = ROWS[i - 1];
  let h = '<b>' + esc(r.table) + '</b> #' + i + ' &middot; rule <b>' + esc(r.rule) + '</b> (' + esc(r.rules) + ':' + r.line + ')<table>';
  for (const [k, v] of r.cells) h += '<tr><th>' + esc(k) + '</th><td>' + esc(v) + '</td></tr>';
  return h + '</table>';
}
function mark(i, on) {
  document.querySelectorAll('.row').forEach(s => {
    if (s.dataset.r.split(' ').includes(String(i))) s.classList.toggle('on', on);
  });
  document.querySelectorAll('tr.r').forEach(t => { if (t.dataset.i == i) t.classList.toggle('on', on); });
}
document.querySelectorAll('.row').forEach(s => {
  s.addEventListener('mouseenter', e => {
    tip.innerHTML = s.dataset.r.split(' ').map(rowHtml).join('<hr>');
    tip.style.display = 'block';
    tip.style.left = Math.min(e.clientX + 12, innerWidth - 480) + 'px';
    tip.style.top = (e.clientY + 14) + 'px';
  });
  s.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
  s.addEventListener('click', () => {
    const i = s.dataset.r.split(' ')[0];
    const t = document.querySelector('tr.r[data-i="' + i + '"]');
    if (t) t.scrollIntoView({block: 'center'});
    mark(i, true); setTimeout(() => mark(i, false), 1500);
  });
});
document.querySelectorAll('tr.r').forEach(t => {
  t.addEventListener('click', () => {
    const s = [...document.querySelectorAll('.row')].find(x => x.dataset.r.split(' ').includes(t.dataset.i));
    if (s) s.scrollIntoView({block: 'center'});
    mark(t.dataset.i, true); setTimeout(() => mark(t.dataset.i, false), 1500);
  });
});
</script>
</body></html>
]])
  return table.concat(out)
end

-- The line number holding byte pos of text, given the line starts.
local function line_of(starts, pos)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= pos then lo = mid else hi = mid - 1 end
  end
  return lo
end

local function text(data)
  local starts, lines = { 1 }, {}
  for line, nl in data.text:gmatch("([^\n]*)()\n?") do
    if #lines > 0 and nl > #data.text + 1 then break end
    lines[#lines + 1] = line
    starts[#starts + 1] = nl + 1
  end
  if lines[#lines] == "" and #lines > 1 then lines[#lines] = nil end
  local under, heading, furniture = {}, {}, {}
  for ri, r in ipairs(data.rows) do
    local l = r.first and line_of(starts, r.first) or #lines
    under[l] = under[l] or {}
    table.insert(under[l], ri)
  end
  for _, m in ipairs(data.marks) do
    if m[1] == "heading" then heading[line_of(starts, m[2])] = true end
  end
  for _, f in ipairs(data.furniture) do
    for l = line_of(starts, f[1]), line_of(starts, f[2]) do furniture[l] = true end
  end
  local out = { string.format("explain %s (%s): %d rows", data.path, data.rules, #data.rows) }
  for l, s in ipairs(lines) do
    local gutter = furniture[l] and "~" or heading[l] and "#" or " "
    out[#out + 1] = string.format("%5d %s %s", l, gutter, s)
    for _, ri in ipairs(under[l] or {}) do
      local r = data.rows[ri]
      local t = data.tables[table_index(data)[r.table]]
      local cells = {}
      for ci, c in ipairs(t.columns) do
        if c ~= "file" and (r.cells[ci] or "") ~= "" then cells[#cells + 1] = c .. "=" .. r.cells[ci] end
      end
      out[#out + 1] = string.format("        ^ %s #%d (%s, %s:%d)%s: %s", r.table, ri, r.rule, data.rules, r.line,
                                    r.first and "" or " [no span]", table.concat(cells, " | "))
    end
  end
  local empty = empty_rules(data)
  out[#out + 1] = "rules that emitted nothing: " .. (#empty > 0 and table.concat(empty, ", ") or "none")
  if data.errors ~= "" then out[#out + 1] = "errors:\n" .. data.errors end
  out[#out + 1] = ""
  return table.concat(out, "\n")
end

function M.render(data, format)
  if format == "html" then return html(data) end
  if format == "text" then return text(data) end
  error("explain: unknown format '" .. tostring(format) .. "' (html or text)", 0)
end

return M
