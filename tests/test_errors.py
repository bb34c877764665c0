#!/usr/bin/env python3
"""The CLI's error contract (docs/RULES.md, "When things go wrong"): each case
checks the exit code, the message, and what was or was not written."""
import os, subprocess, sys, tempfile

from clitest import check, finish, write

RULERUN = sys.argv[1]

def run(*args):
    return subprocess.run([RULERUN, *args], capture_output=True, text=True)

tmp = tempfile.mkdtemp(prefix="rr-errors-")
docs = os.path.join(tmp, "docs")
write(f"{docs}/a.txt", "风险提示\n技术不及预期；需求不及预期。\n")
write(f"{docs}/b.txt", "BOOM\n风险提示\n竞争加剧。\n")
write(f"{docs}/c.txt", "风险提示\n地缘政治风险。\n")

GOOD = """local rr = require "rulerun"
rr.table("risks", {"file", "seq", "risk"})
rr.rule("risks", function(doc)
  local sec = doc:section("风险提示")
  for i, r in ipairs(sec:items{split = ";"}) do
    rr.emit("risks", {seq = i, risk = r})
  end
  if doc:find("BOOM") then error("exploded on purpose") end
end)
"""
write(f"{tmp}/good.lua", GOOD)

# a syntax error: file:line: message, exit 2, nothing written, old output untouched
write(f"{tmp}/syntax.lua", 'local rr = require "rulerun"\nrr.table("t", {"a"}\nrr.rule(function() end)\n')
out = os.path.join(tmp, "out-syntax")
write(f"{out}/t.csv", "old\n")
p = run(f"{tmp}/syntax.lua", docs, "-o", out)
check(p.returncode == 2, "syntax error exits 2", p.returncode)
check(p.stderr.startswith(f"rulerun: {tmp}/syntax.lua:3:"), "syntax error names file and line", p.stderr)
check(open(f"{out}/t.csv").read() == "old\n" and os.listdir(out) == ["t.csv"], "syntax error writes nothing", os.listdir(out))

# a worker's state that does not load (the second state's top level finds the
# first one's mark): the run fails with its message, and writes nothing
write(f"{tmp}/second.lua", GOOD + """local mark = os.getenv("RR_TEST_MARK")
local f = io.open(mark, "r")
if f then f:close(); error("second state refused") end
io.open(mark, "w"):close()
""")
out = os.path.join(tmp, "out-second")
env = dict(os.environ, RR_TEST_MARK=os.path.join(tmp, "second.mark"))
p = subprocess.run([RULERUN, "--allow-io", "-j2", f"{tmp}/second.lua", docs, "-o", out],
                   capture_output=True, text=True, env=env)
check(p.returncode == 2 and "second state refused" in p.stderr, "a worker's load error fails the run", (p.returncode, p.stderr))
check(not os.path.exists(out), "a worker's load error writes nothing", os.listdir(out) if os.path.exists(out) else None)

# an error while the rule file runs
write(f"{tmp}/loaderr.lua", 'local rr = require "rulerun"\n\nerror("no config here")\n')
p = run(f"{tmp}/loaderr.lua", docs, "-o", os.path.join(tmp, "out-load"))
check(p.returncode == 2 and f"{tmp}/loaderr.lua:3: no config here" in p.stderr, "load error", p.stderr)
check(not os.path.exists(os.path.join(tmp, "out-load")), "load error creates no output dir")

# an error raised inside a helper while the rule file loads names the rule file's line first
write(f"{tmp}/loaderr2.lua", 'local rr = require "rulerun"\nlocal g = rr.gazetteer("nope.csv")\n')
p = run(f"{tmp}/loaderr2.lua", docs, "-o", os.path.join(tmp, "out-load"))
check(p.returncode == 2 and p.stderr.startswith(f"rulerun: {tmp}/loaderr2.lua:2: ") and "cannot open" in p.stderr,
      "a load error inside a helper names the rule file's line", p.stderr)

# a missing rule file, a rule file that declares nothing
p = run(f"{tmp}/missing.lua", docs)
check(p.returncode == 2 and "missing.lua" in p.stderr, "missing rule file", p.stderr)
write(f"{tmp}/empty.lua", "-- nothing\n")
p = run(f"{tmp}/empty.lua", docs, "-o", os.path.join(tmp, "out-empty"))
check(p.returncode == 2 and "declares no table" in p.stderr, "rule file without tables", p.stderr)

# a runtime error in one document: one line naming document, rule and line; the rest go through
out = os.path.join(tmp, "out-runtime")
p = run(f"{tmp}/good.lua", docs, "-o", out, "-j", "2")
check(p.returncode == 1, "a failed document exits 1", p.returncode)
check(f"b.txt: {tmp}/good.lua:8: rule 'risks': exploded on purpose" in p.stderr,
      "runtime error names document, rule and lines", p.stderr)
check("1 of 3 documents failed" in p.stderr, "failure count", p.stderr)
rows = risk_rows = open(f"{out}/risks.csv", encoding="utf-8").read()
check(rows == "file,seq,risk\na.txt,1,技术不及预期\na.txt,2,需求不及预期\nc.txt,1,地缘政治风险\n",
      "other documents keep their rows; the failing rule's rows are dropped", rows)

# a failing rule's rows are dropped in every table, however many are declared
write(f"{tmp}/many.lua", 'local rr = require "rulerun"\nfor i = 1, 300 do rr.table("t" .. i, {"file", "v"}) end\n'
      'rr.rule("many", function(doc)\n  rr.emit("t300", {v = 1})\n  if doc:find("BOOM") then error("late") end\nend)\n')
out = os.path.join(tmp, "out-many")
p = run(f"{tmp}/many.lua", docs, "-o", out)
rows = open(f"{out}/t300.csv", encoding="utf-8").read()
check(p.returncode == 1 and rows == "file,v\na.txt,1\nc.txt,1\n", "rollback past 256 tables", rows)

# emitting an undeclared column
write(f"{tmp}/column.lua", 'local rr = require "rulerun"\nrr.table("t", {"file", "a"})\n'
      'rr.rule("cols", function(doc)\n  rr.emit("t", {a = 1, nope = 2})\nend)\n')
p = run(f"{tmp}/column.lua", docs, "-o", os.path.join(tmp, "out-col"))
check(p.returncode == 1, "unknown column exits 1", p.returncode)
check(f"a.txt: {tmp}/column.lua:4: rule 'cols': table 't' has no column 'nope' (its columns: file, a)" in p.stderr,
      "unknown column names rule, line and column, and lists the columns", p.stderr)
check(sum(l.endswith("has no column 'nope' (its columns: file, a)") for l in p.stderr.splitlines()) == 1
      and "3 documents failed with:" in p.stderr and "(a.txt, b.txt, c.txt)" in p.stderr,
      "the same error in three documents is told once, with a count and the documents", p.stderr)

# a misspelled option key: an error at the rule's line naming the key, the closest one and the keys there are
for call, message in [
        ('rr.find_table(doc, "x", { hedaer = 1 })', "rr.find_table: unknown option 'hedaer' "
         "(did you mean 'header'? options: shape, header, carry, init, normalize, original)"),
        ('doc:section { "风险提示", stopp = "^图" }', "doc:section: unknown option 'stopp' "
         "(did you mean 'stop'? options: from, max_lines, heading_like, max_chars, inline, stop)")]:
    write(f"{tmp}/option.lua", 'local rr = require "rulerun"\nrr.table("t", {"file", "n"})\n'
          f'rr.rule("opts", function(doc)\n  local x = {call}\nend)\n')
    p = run(f"{tmp}/option.lua", docs, "-o", os.path.join(tmp, "out-opt"))
    check(p.returncode == 1 and f"a.txt: {tmp}/option.lua:4: rule 'opts': {message}" in p.stderr,
          "a misspelled option names the key and the rule's line: " + call, p.stderr)

# a misspelled column: the closest column and the columns there are
write(f"{tmp}/column2.lua", 'local rr = require "rulerun"\nrr.table("risks", {"file", "seq", "risk"})\n'
      'rr.rule("cols", function(doc)\n  rr.emit("risks", {seq = 1, risks = "x"})\nend)\n')
p = run(f"{tmp}/column2.lua", docs, "-o", os.path.join(tmp, "out-col"))
check(p.returncode == 1 and "table 'risks' has no column 'risks' (did you mean 'risk'? its columns: file, seq, risk)"
      in p.stderr, "a misspelled column gets a suggestion", p.stderr)

# a file that is not UTF-8 is reported and skipped
bad = os.path.join(tmp, "docs-bad")
write(f"{bad}/a.txt", "风险提示\n技术不及预期。\n")
write(f"{bad}/z.txt", "风险提示\n".encode("utf-8") + "需求".encode("gbk"), "wb")
out = os.path.join(tmp, "out-utf8")
p = run(f"{tmp}/good.lua", bad, "-o", out)
check(p.returncode == 1 and "z.txt: not valid UTF-8 at byte 13, skipped" in p.stderr, "invalid UTF-8", p.stderr)
check("a.txt,1,技术不及预期" in open(f"{out}/risks.csv", encoding="utf-8").read(), "valid file still done")

# command-line mistakes
p = run()
check(p.returncode == 2 and "no rule file given" in p.stderr and "--help" in p.stderr, "no arguments", p.stderr)
p = run(f"{tmp}/good.lua")
check(p.returncode == 2 and "no report file or directory" in p.stderr, "no inputs", p.stderr)
p = run("--frobnicate", f"{tmp}/good.lua", docs)
check(p.returncode == 2 and "--frobnicate" in p.stderr, "unknown option", p.stderr)
p = run("-j", "zero", f"{tmp}/good.lua", docs)
check(p.returncode == 2 and "-j wants a whole number" in p.stderr, "bad -j", p.stderr)
p = run(f"{tmp}/good.lua", f"{tmp}/nowhere", "-o", os.path.join(tmp, "out-nowhere"))
check(p.returncode == 2 and f"{tmp}/nowhere: No such file or directory" in p.stderr, "missing input", p.stderr)
check(not os.path.exists(os.path.join(tmp, "out-nowhere")), "missing input writes nothing")
p = run("--help")
check(p.returncode == 0 and "usage: rulerun" in p.stdout and "--out" in p.stdout and "exit status" in p.stdout,
      "--help", p.stdout)
p = run("--version")
check(p.returncode == 0 and p.stdout.startswith("rulerun "), "--version", p.stdout)

# an unwritable output location is an error, not a half-written file
write(f"{tmp}/file-not-dir", "x")
p = run(f"{tmp}/good.lua", docs, "-o", f"{tmp}/file-not-dir/out")
check(p.returncode == 2 and "cannot create the output directory" in p.stderr, "unwritable output", p.stderr)

# the walk: path order with directories in place ("a.txt" before "a/x.txt"),
# hidden files skipped, a symlink back up the tree not followed forever
tree = os.path.join(tmp, "tree")
for rel in ["b/c/y.txt", "a/x.txt", "a.txt", ".hidden.txt", "a/z.md"]:
    write(f"{tree}/{rel}", "风险提示\n甲。\n")
os.symlink("..", f"{tree}/b/c/loop")
p = run(f"{tmp}/good.lua", tree, "-o", f"{tmp}/out-tree", "-j2")
got = [l.split(",")[0] for l in open(f"{tmp}/out-tree/risks.csv", encoding="utf-8").read().split("\n")[1:] if l]
check(p.returncode == 1 and got == ["a.txt", "a/x.txt", "b/c/y.txt"] and
      "b/c/loop: a symlink loop back to a directory above it, not followed" in p.stderr,
      "walk order, hidden files, symlink loop reported", (got, p.stderr))

# --profile: every rule by name and line, the fixed costs, the regexes the rules ran
p = run(f"{tmp}/good.lua", docs, "-o", f"{tmp}/out-profile", "--profile", "-j2")
prof = p.stderr
check(p.returncode == 1 and "rulerun: profile" in prof and "reading files" in prof
      and "decoding and normalising" in prof and f"rule 'risks' ({tmp}/good.lua:3)" in prof
      and "calls  BOOM" in prof, "--profile", prof)
check(open(f"{tmp}/out-profile/risks.csv", encoding="utf-8").read() == risk_rows, "--profile changes no output")

# print() in a rule: on stderr, prefixed with the document, once whatever -j is;
# at the top level of the rule file, once (not once per worker)
write(f"{tmp}/print.lua", 'local rr = require "rulerun"\nprint("loading")\nrr.table("t", {"file", "n"})\n'
      'rr.rule("p", function(doc) print("lines", doc.nlines) end)\n')
p = run(f"{tmp}/print.lua", docs, "-o", f"{tmp}/out-print", "-j3")
lines = p.stderr.splitlines()
check(p.returncode == 0 and lines.count("loading") == 1
      and [l for l in lines if ": lines\t" in l] == ["a.txt: lines\t2", "b.txt: lines\t3", "c.txt: lines\t2"],
      "print: once, prefixed with the document, in input order", p.stderr)

# the yield: per table the rows, per rule the documents it gave nothing for,
# the documents with no row at all; --yield FILE per document
write(f"{docs}-y/a.txt", "风险提示\n技术不及预期；需求不及预期。\n")
write(f"{docs}-y/z.txt", "正文。\n")
p = run(f"{tmp}/good.lua", f"{docs}-y", "-o", f"{tmp}/out-y", "--yield", f"{tmp}/yield.csv")
y = open(f"{tmp}/yield.csv", encoding="utf-8").read()
check(p.returncode == 1 and "rows: risks 2" in p.stderr and y.startswith("file,risks,rules_without_rows,error\n")
      and "\na.txt,2,," in y and "z.txt,0,,z.txt:" in y, "--yield and the summary", (p.stderr, y))
write(f"{tmp}/quiet.lua", 'local rr = require "rulerun"\nrr.table("t", {"file", "n"})\n'
      'rr.rule("none", function(doc) end)\n')
p = run(f"{tmp}/quiet.lua", docs, "-o", f"{tmp}/out-none")
check(p.returncode == 0 and "emitted nothing: rule 'none' for 3 files" in p.stderr
      and "no row at all: 3 files (a.txt, b.txt, c.txt)" in p.stderr, "documents with no row are named", p.stderr)
p = run(f"{tmp}/quiet.lua", f"{docs}/a.txt", "-o", f"{tmp}/out-none")
check("1 file (" in p.stderr and "1 files" not in p.stderr and "t 0" in p.stderr, "one file, in English", p.stderr)

# no document at all (a glob that takes nothing): said, non-zero, outputs untouched
p = run(f"{tmp}/good.lua", docs, "-g", "*.md", "-o", f"{tmp}/out-profile")
check(p.returncode == 2 and "no report to read in" in p.stderr and "*.md" in p.stderr
      and open(f"{tmp}/out-profile/risks.csv", encoding="utf-8").read() == risk_rows,
      "a run that takes no document says so and changes nothing", p.stderr)

# several roots with the same names: the file column tells them apart
write(f"{tmp}/r1/x.txt", "风险提示\n甲。\n")
write(f"{tmp}/r2/x.txt", "风险提示\n乙。\n")
p = run(f"{tmp}/good.lua", f"{tmp}/r1", f"{tmp}/r2/", "-o", f"{tmp}/out-roots")
got = [l.split(",")[0] for l in open(f"{tmp}/out-roots/risks.csv", encoding="utf-8").read().split("\n")[1:] if l]
check(got == [f"{tmp}/r1/x.txt", f"{tmp}/r2/x.txt"], "several roots: names start with the root", got)

# a report where the rule file belongs; a stdlib that is not there
p = run(f"{docs}/a.txt", docs)
check(p.returncode == 2 and "is " in p.stderr and "a report? The rule file comes first" in p.stderr,
      "a report given as the rule file", p.stderr)
p = run("--stdlib", f"{tmp}/nowhere", f"{tmp}/good.lua", docs, "-o", f"{tmp}/out-x")
check(p.returncode == 2 and "cannot find rulerun's Lua library" in p.stderr and f"{tmp}/nowhere" in p.stderr
      and "--stdlib DIR" in p.stderr, "a missing stdlib names where it looked and --stdlib", p.stderr)

finish()
