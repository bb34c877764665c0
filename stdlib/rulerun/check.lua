-- rulerun/check.lua - `rulerun check`: the mistakes a rule file makes, found
-- without a report, each with its line and column.
--
-- runtime/cli_check.c loads the rule file as a run does and hands run() its
-- source and the facts of the loaded state: the tables and rules declared,
-- the names of rulerun's modules, the methods of documents, sections,
-- regexes, dictionaries, files and strings.  The checks read the tokens
-- (a small tokenizer below, no parser): syntax; the file loads; every
-- rr.NAME / rr.re.NAME exists; every method called exists on one of those
-- types (or is defined in the file); literal options tables have only the
-- keys rulerun/options.lua declares; rr.emit with a literal table name and
-- keys goes to a declared table and columns; literal regexes compile.  The
-- messages are the run time's where the run time has one (rulerun.keys).
local re = require "rulerun.re"
local keys = require "rulerun.keys"
local options = require "rulerun.options"

local M = {}

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- ---- tokens ------------------------------------------------------------------

local KEYWORDS = set { "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
  "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while" }
local OPERATORS = { "...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>" }
local ESCAPES = { n = "\n", t = "\t", r = "\r", a = "\a", b = "\b", f = "\f", v = "\v",
                  ["\\"] = "\\", ['"'] = '"', ["'"] = "'", ["\n"] = "\n" }

-- The tokens of a Lua source: { kind = "name" | "keyword" | "number" |
-- "string" | "op", text = (a string's value, else the token as written),
-- line =, col = (in characters, from 1) }, comments left out.  A string also
-- has open (the bytes of its opening quote or bracket) and plain (its value
-- is its text as written, so a byte of it maps to a column).  Raises on
-- what Lua itself would refuse (run it on a file that compiles).
function M.tokens(src)
  local toks, pos, line, line_start, n = {}, 1, 1, 1, #src
  local function col(p) return (utf8.len(src, line_start, p - 1) or p - line_start) + 1 end
  local function lines_in(a, b)         -- moves line and line_start over the newlines in src[a..b]
    local p = src:find("\n", a, true)
    while p and p <= b do
      line, line_start = line + 1, p + 1
      p = src:find("\n", p + 1, true)
    end
  end
  local function add(kind, text, a, extra)
    local t = extra or {}
    t.kind, t.text, t.line, t.col = kind, text, line, col(a)
    toks[#toks + 1] = t
    return t
  end
  if src:sub(1, 1) == "#" then pos = src:find("\n", 1, true) or n + 1 end   -- a #! line
  while pos <= n do
    local _, ws = src:find("^[ \t\r\f\v]+", pos)
    local c = src:sub(pos, pos)
    if ws then
      pos = ws + 1
    elseif c == "\n" then
      lines_in(pos, pos)
      pos = pos + 1
    elseif src:find("^%-%-", pos) then
      local level = src:match("^%-%-%[(=*)%[", pos)
      local stop = level and select(2, src:find("]" .. level .. "]", pos, true)) or src:find("\n", pos, true)
      stop = stop or n
      if level then lines_in(pos, stop) end
      pos = level and stop + 1 or stop
    elseif c:find("[%a_]") then
      local a, b = src:find("^[%a_][%w_]*", pos)
      local word = src:sub(a, b)
      add(KEYWORDS[word] and "keyword" or "name", word, a)
      pos = b + 1
    elseif c:find("%d") or src:find("^%.%d", pos) then
      local b = pos
      while b <= n do           -- as Lua reads a numeral: alphanumerics, dots, an exponent's sign
        local d = src:sub(b, b)
        if d:find("[%w%.]") or (d:find("[+-]") and src:sub(b - 1, b - 1):find("[eEpP]")) then b = b + 1 else break end
      end
      add("number", src:sub(pos, b - 1), pos)
      pos = b
    elseif c == '"' or c == "'" then
      local out, p, plain = {}, pos + 1, true
      local first_line, first_col = line, col(pos)
      while true do
        local d = src:sub(p, p)
        if d == c then break end
        if d == "" or d == "\n" then error("unfinished string at line " .. first_line) end
        if d == "\\" then
          plain = false
          local e = src:sub(p + 1, p + 1)
          if ESCAPES[e] then
            out[#out + 1] = ESCAPES[e]
            if e == "\n" then lines_in(p + 1, p + 1) end
            p = p + 2
          elseif e == "x" then
            out[#out + 1] = string.char(tonumber(src:sub(p + 2, p + 3), 16))
            p = p + 4
          elseif e == "z" then
            local _, z = src:find("^%s*", p + 2)
            lines_in(p + 2, z)
            p = z + 1
          elseif e == "u" then
            local hex, close = src:match("^{(%x+)}()", p + 2)
            out[#out + 1] = utf8.char(tonumber(hex, 16))
            p = close
          else
            local digits = src:match("^%d%d?%d?", p + 1)
            out[#out + 1] = string.char(tonumber(digits))
            p = p + 1 + #digits
          end
        else
          local q = src:find("[\\\n" .. c .. "]", p) or n + 1
          out[#out + 1] = src:sub(p, q - 1)
          p = q
        end
      end
      toks[#toks + 1] = { kind = "string", text = table.concat(out), line = first_line, col = first_col,
                          open = 1, plain = plain }
      pos = p + 1
    elseif src:find("^%[=*%[", pos) then
      local level = src:match("^%[(=*)%[", pos)
      local body = pos + #level + 2
      local close_a, close_b = src:find("]" .. level .. "]", body, true)
      local value = src:sub(body, close_a - 1)
      local t = add("string", value, pos, { open = #level + 2, plain = true })
      if value:sub(1, 1) == "\n" then t.text, t.plain = value:sub(2), false end   -- Lua skips it
      lines_in(pos, close_b)
      pos = close_b + 1
    else
      local op = c
      for _, o in ipairs(OPERATORS) do
        if src:sub(pos, pos + #o - 1) == o then op = o; break end
      end
      add("op", op, pos)
      pos = pos + #op
    end
  end
  return toks
end

-- The line and column of byte offset (0-based) of string token t's value:
-- exact where the value is the text as written, else the string's start.
local function position_in(t, offset)
  if not offset or not t.plain then return t.line, t.col end
  local before = t.text:sub(1, offset)
  local nl = before:find("\n[^\n]*$")
  if nl then return t.line + select(2, before:gsub("\n", "")), (utf8.len(before, nl + 1) or #before - nl) + 1 end
  return t.line, t.col + t.open + (utf8.len(before) or #before)
end

-- ---- the checks ----------------------------------------------------------------

-- regexes in a call: the argument that is the pattern and the one with the flags
local REGEX_ARGS = {
  ["rr.re.compile"] = { 1, 2 }, ["rr.re.find"] = { 2, 4 }, ["rr.re.match"] = { 2, 4 },
  ["rr.re.test"] = { 2, 4 }, ["rr.re.gmatch"] = { 2, 4 }, ["rr.re.gsub"] = { 2, 5 }, ["rr.re.split"] = { 2, 4 },
  ["doc:find"] = { 1, 3 }, ["doc:match"] = { 1, 3 }, ["doc:test"] = { 1, 3 }, ["doc:gmatch"] = { 1, 3 },
  ["doc:gsub"] = { 1, 4 }, ["doc:split"] = { 1, 3 }, ["rr.find_table"] = { 2 },
}
-- methods by the name run-time messages and rulerun.options give them
local METHOD_CALLS = { section = "doc:section", sections = "doc:sections", block = "doc:block",
                       items = "sec:items" }
local DOC_REGEX_METHODS = set { "find", "match", "test", "gmatch", "gsub", "split" }
local METHOD_TYPES = { "document", "section", "regex", "gazetteer", "file", "string" }

local function plural(n, one, many) return n .. " " .. (n == 1 and one or many) end

local function sorted(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[#s + 1] = v end
  table.sort(s)
  return s
end

local function did_you_mean(word, names)
  local near = keys.closest(word, names)
  return near and " (did you mean '" .. near .. "'?)" or ""
end

-- The checker of one file: its tokens, the facts, the problems found.
local Checker = {}
Checker.__index = Checker

function Checker:problem(line, col, message)
  self.problems[#self.problems + 1] = { line = line, col = col, message = message }
end

function Checker:at(t, message) self:problem(t.line, t.col, message) end

function Checker:is(i, text) local t = self.toks[i]; return t and t.kind ~= "string" and t.text == text end
function Checker:kind(i, kind) local t = self.toks[i]; return t and t.kind == kind end

-- The index of the bracket that closes the one at i.
function Checker:closing(i)
  local pairs_of = { ["("] = ")", ["["] = "]", ["{"] = "}" }
  local depth, toks = 0, self.toks
  for j = i, #toks do
    local t = toks[j]
    if t.kind == "op" then
      if pairs_of[t.text] then depth = depth + 1
      elseif t.text == ")" or t.text == "]" or t.text == "}" then
        depth = depth - 1
        if depth == 0 then return j end
      end
    end
  end
  return #toks
end

-- The arguments of a call whose callee ends before i: a list of {first,
-- last} token ranges, or nil when no call follows.
function Checker:call_args(i)
  local t = self.toks[i]
  if not t then return nil end
  if t.kind == "string" then return { { first = i, last = i } } end
  if t.kind ~= "op" or (t.text ~= "(" and t.text ~= "{") then return nil end
  local close = self:closing(i)
  if t.text == "{" then return { { first = i, last = close } } end
  local args, first, depth = {}, i + 1, 0
  for j = i + 1, close - 1 do
    local x = self.toks[j]
    if x.kind == "op" and (x.text == "(" or x.text == "[" or x.text == "{") then depth = depth + 1
    elseif x.kind == "op" and (x.text == ")" or x.text == "]" or x.text == "}") then depth = depth - 1
    elseif depth == 0 and self:is(j, ",") then
      args[#args + 1] = { first = first, last = j - 1 }
      first = j + 1
    end
  end
  if first <= close - 1 then args[#args + 1] = { first = first, last = close - 1 } end
  return args
end

-- The string token an argument is: a literal, or a local set once to one.
function Checker:literal_string(arg)
  if not arg or arg.first ~= arg.last then return nil end
  local t = self.toks[arg.first]
  if t.kind == "string" then return t end
  if t.kind == "name" then return self.consts[t.text] end
end

function Checker:literal_table(arg)
  if arg and self:is(arg.first, "{") and self:closing(arg.first) == arg.last then return arg.first end
end

-- The fields of the table constructor at open: { key = (a name or a
-- literal string key, else nil), at = (the key's token, or the value's
-- first), pos = (a positional field's index), value = {first, last} }.
function Checker:fields(open)
  local out, close, i, npos = {}, self:closing(open), open + 1, 0
  while i < close do
    local f, first = {}, i
    if self:is(i, "[") then
      local rb = self:closing(i)
      if rb == i + 2 and self:kind(i + 1, "string") then f.key, f.at = self.toks[i + 1].text, self.toks[i + 1] end
      first = rb + 2                                      -- past "] ="
      f.computed = true
    elseif self:kind(i, "name") and self:is(i + 1, "=") then
      f.key, f.at = self.toks[i].text, self.toks[i]
      first = i + 2
    end
    local j, depth = first, 0
    while j < close do
      local x = self.toks[j]
      if x.kind == "op" and (x.text == "(" or x.text == "[" or x.text == "{") then depth = depth + 1
      elseif x.kind == "op" and (x.text == ")" or x.text == "]" or x.text == "}") then depth = depth - 1
      elseif depth == 0 and (self:is(j, ",") or self:is(j, ";")) then break end
      j = j + 1
    end
    f.value = { first = first, last = j - 1 }
    if not f.key and not f.computed then
      npos = npos + 1
      f.pos, f.at = npos, self.toks[first]
    end
    if f.key or f.pos then out[#out + 1] = f end
    i = j + 1
  end
  return out
end

-- ---- pass 1: what the file binds and defines ---------------------------------

-- The module a simple expression at i names: require "m", require("m"), or
-- ALIAS.member; and the index after it.
function Checker:module_expr(i)
  if self:is(i, "require") then
    local s = self:kind(i + 1, "string") and i + 1 or self:is(i + 1, "(") and self:kind(i + 2, "string")
              and self:is(i + 3, ")") and i + 2
    if s then return self.toks[s].text, s + (s == i + 1 and 1 or 2) end
  elseif self:kind(i, "name") and self.alias[self.toks[i].text] and self:is(i + 1, ".")
         and self:kind(i + 2, "name") then
    local members = self.facts.members[self.alias[self.toks[i].text]] or {}
    local m = members[self.toks[i + 2].text]
    if m then return m, i + 3 end
  end
end

local ENDS_EXPR = set { ".", ":", "(", "[", "{", "..", "or", "and" }

-- Names bound to rulerun's modules: local X = require "rulerun" ... A name
-- also bound to anything else is no alias.
function Checker:find_aliases()
  local toks, other = self.toks, {}
  for i = 1, #toks do
    if self:is(i, "local") and self:kind(i + 1, "name") then
      local names, j = {}, i + 1
      while self:kind(j, "name") do
        names[#names + 1] = toks[j].text
        j = j + 1
        if self:is(j, "<") then j = j + 3 end              -- <const>, <close>
        if not self:is(j, ",") then break end
        j = j + 1
      end
      local values = {}
      if self:is(j, "=") then
        j = j + 1
        for k = 1, #names do
          local m, after = self:module_expr(j)
          local next_tok = m and toks[after]
          if not m or (next_tok and next_tok.kind ~= "string" and ENDS_EXPR[next_tok.text]) then break end
          values[k] = m
          if not self:is(after, ",") then break end
          j = after + 1
        end
      end
      for k, name in ipairs(names) do
        local m = values[k]
        if m and self.facts.modules[m] and not other[name] then self.alias[name] = m
        elseif m ~= self.alias[name] then self.alias[name], other[name] = nil, true end
      end
    end
  end
end

-- What the file defines itself: fields it sets on a module (rr.x = ...,
-- function rr.x), function names that may be called as methods, tables
-- declared with literal names and columns, the names of rules' document
-- parameters, locals set once to a string.
function Checker:find_definitions()
  local toks, strings_set = self.toks, {}
  for i = 1, #toks do
    local t = toks[i]
    if t.kind == "keyword" and t.text == "function" and self:kind(i + 1, "name") then
      local j = i + 1
      while (self:is(j + 1, ".") or self:is(j + 1, ":")) and self:kind(j + 2, "name") do
        if j == i + 1 then self:define(toks[j].text, toks[j + 2].text) end
        j = j + 2
      end
      self.methods_defined[toks[j].text] = true
    elseif t.kind == "name" and self:is(i + 1, "=") and not self:is(i - 1, "local") then
      if self:is(i - 1, ".") and self:kind(i - 2, "name") and not self:is(i - 3, ".") then
        self:define(toks[i - 2].text, t.text)
      end
      if self:is(i + 2, "function") then self.methods_defined[t.text] = true end
    end
    if self:is(i, "local") and self:kind(i + 1, "name") and self:is(i + 2, "=") and self:kind(i + 3, "string") then
      local name = toks[i + 1].text
      local after = toks[i + 4]
      if strings_set[name] or (after and after.kind == "op" and after.text == "..") then
        self.consts[name] = nil
      else
        self.consts[name] = toks[i + 3]
      end
      strings_set[name] = true
    elseif self:is(i, "local") and self:kind(i + 1, "name") then
      self.consts[toks[i + 1].text], strings_set[toks[i + 1].text] = nil, true
    end
    if t.kind == "name" and self.alias[t.text] == "rulerun" and self:is(i + 1, ".") and not self:is(i - 1, ".") then
      local what = toks[i + 2] and toks[i + 2].text
      local args = (what == "table" or what == "rule") and self:call_args(i + 3)
      if what == "table" and args then self:declare_table(args) end
      if what == "rule" and args then self:find_doc_params(args) end
    end
  end
end

function Checker:define(base, field)
  self.defined[base] = self.defined[base] or {}
  self.defined[base][field] = true
end

function Checker:declare_table(args)
  local name = self:literal_string(args[1])
  if not name then return end
  local open, columns = self:literal_table(args[2]), {}
  for _, f in ipairs(open and self:fields(open) or {}) do
    local s = f.pos and self:literal_string(f.value)
    if not s then columns = nil; break end
    columns[#columns + 1] = s.text
  end
  if not open then columns = nil end
  if self.tables[name.text] == nil then self.tables[name.text] = columns or false end
end

function Checker:find_doc_params(args)
  for _, a in ipairs(args) do
    if self:is(a.first, "function") and self:is(a.first + 1, "(") and self:kind(a.first + 2, "name") then
      self.doc_names[self.toks[a.first + 2].text] = true
    end
  end
end

-- ---- pass 2: the uses ------------------------------------------------------------

function Checker:check_regex(t, flags, flags_tok)
  local ok, err = pcall(re.compile, t.text, flags)
  if ok then return end
  err = tostring(err)
  if err:find("^unknown regex flag") and flags_tok then return self:at(flags_tok, err) end
  local line, col = position_in(t, tonumber(err:match("at offset (%d+)")))
  self:problem(line, col, err)
end

-- The regexes a literal option value holds: a string, or a list of them.
function Checker:check_regex_value(value)
  local s = self:literal_string(value)
  if s then return self:check_regex(s) end
  local open = self:literal_table(value)
  for _, f in ipairs(open and self:fields(open) or {}) do
    local p = f.pos and self:literal_string(f.value)
    if p then self:check_regex(p) end
  end
end

function Checker:check_options(func, decl, arg)
  local open = self:literal_table(arg)
  if not open then return end
  local regexes = set(decl.regexes or {})
  for _, f in ipairs(self:fields(open)) do
    local probe = { [f.key or f.pos] = true }
    local problem = keys.unknown(probe, func, decl.keys, decl.headings)
    if problem then self:at(f.at, problem)
    elseif f.key and regexes[f.key] then self:check_regex_value(f.value) end
  end
end

function Checker:check_emit(args)
  local name, open = self:literal_string(args[1]), self:literal_table(args[2])
  if not name then return end
  local columns = self.tables[name.text]
  if columns == nil then
    if self.loaded then
      self:at(name, "no table '" .. name.text .. "' declared with rr.table " ..
        keys.hint(name.text, self.table_names, "tables"))
    end
    return
  end
  if not columns or not open then return end
  local have = set(columns)
  for _, f in ipairs(self:fields(open)) do
    if f.key and not have[f.key] then
      self:at(f.at, "table '" .. name.text .. "' has no column '" .. f.key .. "' " ..
        keys.hint(f.key, columns, "its columns"))
    elseif f.pos and f.pos > #columns then
      self:at(f.at, "table '" .. name.text .. "' has " .. #columns .. " columns, not " .. f.pos)
    end
  end
end

-- A call to func (a name as rulerun.options and the messages say it) with args.
function Checker:check_call(func, args)
  local decl = options.FUNCTIONS[func]
  if decl then self:check_options(func, decl, args[decl.arg]) end
  if func == "rr.emit" then self:check_emit(args) end
  local rx = REGEX_ARGS[func]
  if rx then
    local pat = self:literal_string(args[rx[1]])
    local flags_arg = rx[2] and args[rx[2]]
    local flags = self:literal_string(flags_arg)
    if pat and (not flags_arg or flags) then self:check_regex(pat, flags and flags.text, flags) end
  end
end

-- How messages name a module: rr, rr.re, rr.tables, gazetteer ...
function Checker:display(module)
  if module == "rulerun" then return "rr" end
  for k, m in pairs(self.facts.members.rulerun or {}) do
    if m == module then return "rr." .. k end
  end
  return (module:gsub("^rulerun%.", ""))
end

-- ALIAS.name(.name)... starting at token i: each name checked against the
-- module it is looked up in; a call at the end checked by check_call.
function Checker:check_chain(i)
  local toks, base = self.toks, self.toks[i].text
  local module, j = self.alias[base], i
  while self:is(j + 1, ".") and self:kind(j + 2, "name") do
    local name = toks[j + 2]
    if self:is(j + 3, "=") then return end              -- a field the file sets
    local known = self.names[module]
    local defined = j == i and self.defined[base] and self.defined[base][name.text]
    if known and not known[name.text] and not defined then
      return self:at(name, "no '" .. name.text .. "' in " .. self:display(module) ..
        did_you_mean(name.text, self.name_lists[module]))
    end
    j = j + 2
    local sub = (self.facts.members[module] or {})[name.text]
    if not sub then
      local args = self:call_args(j + 1)
      if args then self:check_call(self:display(module) .. "." .. name.text, args) end
      return
    end
    module = sub
  end
end

-- recv:name(...) with the colon at i.
function Checker:check_method(i)
  local name = self.toks[i + 1]
  local args = self:call_args(i + 2)
  if not args then return end
  if not self.methods[name.text] then
    return self:at(name, "no method '" .. name.text .. "' on a document, section, regex, dictionary, file or " ..
      "string" .. did_you_mean(name.text, self.method_list))
  end
  local func = METHOD_CALLS[name.text]
  local recv = self.toks[i - 1]
  if not func and DOC_REGEX_METHODS[name.text] and recv.kind == "name" and self.doc_names[recv.text] then
    func = "doc:" .. name.text
  end
  if func then self:check_call(func, args) end
end

-- Whether the name at i stands where a function statement names what it defines.
function Checker:in_function_name(i)
  local j = i
  while self:is(j - 1, ".") or self:is(j - 1, ":") do j = j - 2 end
  return self:is(j - 1, "function")
end

function Checker:check_uses()
  local toks = self.toks
  for i = 1, #toks do
    local t = toks[i]
    if t.kind == "name" and self.alias[t.text] and not self:is(i - 1, ".") and not self:is(i - 1, ":")
       and not self:in_function_name(i) then
      self:check_chain(i)
    elseif self:is(i, ":") and self:kind(i + 1, "name") and not self:in_function_name(i + 1) then
      self:check_method(i)
    end
  end
end

-- ---- loading ------------------------------------------------------------------------

-- The column of the text Lua's syntax error names (near 'x'), on line n.
local function syntax_col(source, n, message)
  local l = 0
  for text in (source .. "\n"):gmatch("([^\n]*)\n") do
    l = l + 1
    if l == n then
      local near = message:match("near '(.*)'$")
      local at = near and text:find(near, 1, true)
      if message:find("near <eof>$") then at = #text + 1 end
      return at and (utf8.len(text, 1, at - 1) or at - 1) + 1 or 1
    end
  end
  return 1
end

-- The column of the first token on line n (1 when there is none).
function Checker:line_col(n)
  for _, t in ipairs(self.toks) do
    if t.line == n then return t.col end
    if t.line > n then break end
  end
  return 1
end

local function new_checker(source, facts)
  local c = setmetatable({ facts = facts, problems = {}, alias = {}, defined = {}, consts = {},
                           methods_defined = {}, doc_names = { doc = true }, tables = {} }, Checker)
  facts.members = facts.members or {}
  c.names, c.name_lists = {}, {}
  for m, list in pairs(facts.modules or {}) do c.names[m], c.name_lists[m] = set(list), sorted(list) end
  c.table_names = {}
  for _, t in ipairs(facts.tables or {}) do
    c.tables[t.name] = t.columns
    c.table_names[#c.table_names + 1] = t.name
  end
  c.toks = M.tokens(source)
  return c
end

-- The problems of a rule file's source: { {line=, col=, message=}, ... } in
-- order, and what it declares ("2 tables (a, b), 1 rule (r)").  facts: from
-- the loaded state (cli_check.c); facts.load_error is the message of a file
-- that did not load.
function M.run(source, facts)
  local chunk, syntax = load(source, "=rule")
  if not chunk then
    local n, message = tostring(syntax):match("^rule:(%d+): (.*)$")
    n = tonumber(n) or 1
    return { { line = n, col = syntax_col(source, n, message or syntax), message = message or syntax } }, ""
  end
  local c = new_checker(source, facts)
  local load_line, load_message
  if facts.load_error then
    local n, message = facts.load_error:match("^.-:(%d+): (.*)$")
    load_line, load_message = tonumber(n), message or facts.load_error
  else
    c.loaded = true
    if #(facts.tables or {}) == 0 then c:problem(1, 1, "declares no table (rr.table, docs/RULES.md)") end
    if #(facts.rules or {}) == 0 then c:problem(1, 1, "declares no rule (rr.rule, docs/RULES.md)") end
  end
  c.methods = {}
  for _, kind in ipairs(METHOD_TYPES) do
    for _, m in ipairs(facts.methods and facts.methods[kind] or {}) do c.methods[m] = true end
  end
  c:find_aliases()
  c:find_definitions()
  for m in pairs(c.methods_defined) do c.methods[m] = true end
  c.method_list = {}
  for m in pairs(c.methods) do c.method_list[#c.method_list + 1] = m end
  table.sort(c.method_list)
  for name in pairs(c.tables) do
    if not set(c.table_names)[name] then c.table_names[#c.table_names + 1] = name end
  end
  c:check_uses()
  if load_message then       -- told once when a check names it on its line already
    local told = false
    for _, p in ipairs(c.problems) do told = told or (p.line == load_line and p.message == load_message) end
    if not told then
      c:problem(load_line or 1, load_line and c:line_col(load_line) or 1, "does not load: " .. load_message)
    end
  end
  table.sort(c.problems, function(a, b)
    if a.line ~= b.line then return a.line < b.line end
    if a.col ~= b.col then return a.col < b.col end
    return a.message < b.message
  end)
  local out = {}
  for _, p in ipairs(c.problems) do
    local last = out[#out]
    if not (last and last.line == p.line and last.col == p.col and last.message == p.message) then out[#out + 1] = p end
  end
  local names = {}
  for i, t in ipairs(facts.tables or {}) do names[i] = t.name end
  local summary = plural(#names, "table", "tables") .. " (" .. table.concat(names, ", ") .. "), " ..
    plural(#(facts.rules or {}), "rule", "rules") .. " (" .. table.concat(facts.rules or {}, ", ") .. ")"
  return out, summary
end

return M
