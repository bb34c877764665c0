#!/usr/bin/env python3
"""test_check.py RULERUN ROOT - `rulerun check`: each mistake a rule file can
make is caught as file:line:col with its suggestion, a clean file says so
(exit 0), the shipped rules and examples are clean, and usage errors exit 2."""
import glob, os, subprocess, sys, tempfile

from clitest import check, finish, write

RULERUN, ROOT = sys.argv[1], sys.argv[2]


def run(*args):
    return subprocess.run([RULERUN, "check", *args], capture_output=True, text=True)


tmp = tempfile.mkdtemp(prefix="rr-check-")


def rule_file(name, text):
    path = os.path.join(tmp, name)
    write(path, text)
    return path


HEAD = 'local rr = require "rulerun"\nrr.table("risks", { "file", "seq", "risk" })\n'

# one mistake per file: (what, the rule's body (line 4 on), the line:col: message expected)
CASES = [
    ("a misspelled helper", 'local l = rr.sector_list("x")',
     "5:16: no 'sector_list' in rr (did you mean 'sector_lists'?)"),
    ("a misspelled rr.re function through an alias", 'local re = rr.re\n  local a = re.fnd(doc, "x")',
     "6:16: no 'fnd' in rr.re (did you mean 'find'?)"),
    ("rr.re written out", 'local a = rr.re.matchh(doc, "x")',
     "5:19: no 'matchh' in rr.re (did you mean 'match'?)"),
    ("a misspelled method", 'local s = doc:section("风险提示")\n  local i = s:itmes()',
     "6:15: no method 'itmes' on a document, section, regex, dictionary, file or string (did you mean 'items'?)"),
    ("a misspelled option of a Lua helper", 'local t = rr.find_table(doc, "代码", { hedaer = 1 })',
     "5:40: rr.find_table: unknown option 'hedaer' (did you mean 'header'? options: shape, header, carry, "
     "init, normalize, original)"),
    ("a misspelled option of a C function", 'local s = doc:section { "风险提示", stopp = "^图" }',
     "5:35: doc:section: unknown option 'stopp' (did you mean 'stop'? options: from, max_lines, heading_like, "
     "max_chars, inline, stop)"),
    ("max_line", 'local b = doc:block(1, { max_line = 3 })',
     "5:28: doc:block: unknown option 'max_line' (did you mean 'max_lines'?"),
    ("a value without a name in options", 'local s = doc:section("x"):items { ";" }',
     "5:38: sec:items: an options table holds name = value pairs, not a value at [1]"),
    ("a key written [\"...\"]", 'local r = rr.risks(doc, { ["stp"] = "^x" })',
     "5:30: rr.risks: unknown option 'stp' (did you mean 'stop'?"),
    ("a misspelled gazetteer option", 'local g = rr.gazetteer("x.csv", { alias = "别名" })',
     "5:37: rr.gazetteer: unknown option 'alias' (did you mean 'aliases'? options: name, code, aliases, sep)"),
    ("rr.ratings' options", 'local r = rr.ratings(doc, { form = "x" })',
     "5:31: rr.ratings: unknown option 'form' (did you mean 'from'? options: from)"),
    ("an emit to an undeclared table", 'rr.emit("risk", { seq = 1 })',
     "5:11: no table 'risk' declared with rr.table (did you mean 'risks'? tables: risks)"),
    ("an emit to an undeclared column", 'rr.emit("risks", { seq = 1, risks = "x" })',
     "5:31: table 'risks' has no column 'risks' (did you mean 'risk'? its columns: file, seq, risk)"),
    ("too many positional cells", 'rr.emit("risks", { "a", "b", "c", "d" })',
     "5:37: table 'risks' has 3 columns, not 4"),
    ("a bad regex in re.compile, pointed at where it breaks", 'local r = rr.re.compile("风险(提示")',
     "5:33: bad regex '风险(提示' at offset 13: missing closing parenthesis"),
    ("a bad regex in doc:find", 'local a = doc:find([[(?m)^a{2,1}]])',
     "5:34: bad regex '(?m)^a{2,1}' at offset 10: numbers out of order in {} quantifier"),
    ("a bad regex in a stop list", 'local s = doc:section { "风险提示", stop = { "^图", "[表" } }',
     "5:53: bad regex '[表' at offset 4: missing terminating ] for character class"),
    ("a bad split regex", 'local i = rr.items("x", { split = "(;" })',
     "5:40: bad regex '(;' at offset 2: missing closing parenthesis"),
    ("a bad regex held in a local (set on line 3)", 'local n = doc:match(LINE)',
     "3:21: bad regex '(买入|增持' at offset 14: missing closing parenthesis"),
    ("a bad flag", 'local n = rr.re.test(doc, "x", 1, "q")',
     "5:37: unknown regex flag 'q' (use i, m, s, x)"),
    ("a bad pattern in find_table", 'local t = rr.find_table(doc, "(代码")',
     "5:36: bad regex '(代码' at offset 7: missing closing parenthesis"),
]

for what, body, want in CASES:
    path = rule_file("case.lua", HEAD + 'local LINE = "(买入|增持"\nrr.rule("risks", function(doc)\n  ' + body + "\nend)\n")
    p = run(path)
    lines = p.stdout.splitlines()
    check(p.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"{path}:{want}"), what,
          f"want {path}:{want}\n    got  {p.stdout!r} {p.stderr!r}")

# what is right is not flagged: Lua patterns of string methods, methods and
# fields the file defines, helpers it adds to rr, an alias shadowed by a local
path = rule_file("fine.lua", HEAD + '''local re = require "rulerun.re"
local obj = { greet = function(self) return 1 end }
function obj:wave() return 2 end
function rr.my_helper(s) return s end
rr.extra = 1
local LONG = [==[
a]] (b]==]   --[[ a comment with (
  "quotes" ]]
rr.rule("risks", function(doc)
  local z = ("x)"):gsub("%)", ""):upper() .. ("%d"):format(3) .. "\\u{4E2D}\\z
     \\65\\x41"
  local n = obj:greet() + obj:wave() + #rr.my_helper("x") + rr.extra
  local t = rr.find_table(doc, "代码", { header = 1, carry = { 1 } })
  for i, r in ipairs(doc:section { "风险提示", "投资风险", stop = { "^图" }, max_lines = 4 }:items { split = ";" }) do
    rr.emit("risks", { seq = i, risk = re.gsub(r, "\\\\s+", "") })
  end
  rr.emit("risks", { "a.txt", 1, "x" })
  local flags = doc.vars.flags
  local f = re.find(doc, "(", 1, flags)     -- flags not known: not compiled
end)
''')
p = run(path)
check(p.returncode == 0 and p.stdout == f"{path}: no problem found: 1 table (risks), 1 rule (risks)\n",
      "a clean file: exit 0 and what it declares", p.stdout + p.stderr)

# syntax: Lua's message with the column of the token it names
path = rule_file("syntax.lua", 'local rr = require "rulerun"\nrr.table("t", {"a"}\n  rr.rule(function() end)\n')
p = run(path)
check(p.returncode == 1 and p.stdout == f"{path}:3:3: ')' expected (to close '(' at line 2) near 'rr'\n",
      "a syntax error at its line and column", p.stdout + p.stderr)

# the file does not load: the line of the top-level error, and the other checks still run
path = rule_file("load.lua", HEAD + 'rr.table("risks", { "x" })\nlocal a = rr.sector_lists\nlocal b = rr.tikers\n')
p = run(path)
check(p.returncode == 1 and p.stdout.splitlines() == [
        f"{path}:3:1: does not load: table 'risks' is declared twice",
        f"{path}:5:14: no 'tikers' in rr (did you mean 'tickers'?)"],
      "a top-level error with its line; later mistakes still found", p.stdout + p.stderr)
path = rule_file("notable.lua", 'local rr = require "rulerun"\n')
p = run(path)
check(p.returncode == 1 and f"{path}:1:1: declares no table" in p.stdout and "declares no rule" in p.stdout,
      "a file that declares nothing", p.stdout)
path = rule_file("loop.lua", HEAD + "while true do end\n")
p = run("--max-steps", "100000", path)
check(p.returncode == 1 and f"{path}:3:1: does not load: used up its budget" in p.stdout,
      "a top level that loops stops on the budget", p.stdout + p.stderr)

# the shipped rules and examples are clean
shipped = sorted(glob.glob(os.path.join(ROOT, "rules", "*.lua")) + glob.glob(os.path.join(ROOT, "examples", "*.lua")))
p = run(*shipped)
check(p.returncode == 0 and len(shipped) >= 6 and p.stdout.count("no problem found") == len(shipped),
      "rules/*.lua and examples/*.lua pass rulerun check", p.stdout + p.stderr)

# several files: each checked, the worst status wins; usage errors exit 2
p = run(shipped[0], os.path.join(tmp, "syntax.lua"))
check(p.returncode == 1 and "no problem found" in p.stdout and "syntax.lua:3:3:" in p.stdout, "several files", p.stdout)
p = run()
check(p.returncode == 2 and "check: no rule file given" in p.stderr, "no file: usage error", p.stderr)
p = run(os.path.join(tmp, "missing.lua"))
check(p.returncode == 2 and "cannot read" in p.stderr and "missing.lua" in p.stderr, "a missing file", p.stderr)
p = run("--frobnicate", shipped[0])
check(p.returncode == 2 and "--frobnicate" in p.stderr, "an unknown option", p.stderr)

finish()
