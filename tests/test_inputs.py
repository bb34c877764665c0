#!/usr/bin/env python3
"""test_inputs.py RULERUN - which documents a run reads: -g/--iglob as ripgrep's.

A rule file emits one row per document with its file name and first line,
so the rows say which documents were read and in which order."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, finish, write  # noqa: E402

RULERUN = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="rr-inputs-")
write(f"{tmp}/rules.lua", '''local rr = require "rulerun"
rr.table("docs", {"file", "first"})
rr.rule("docs", function(doc)
  rr.emit("docs", {first = doc.text:match("^[^\\n]*")})
end)
''')
docs = f"{tmp}/docs"
for name in ["a.txt", "b.TXT", "c.md", "draft-d.txt", "sub/e.txt", "sub/f.md", "skip/g.txt", "h.log"]:
    write(f"{docs}/{name}", f"first of {name}\nmore\n")


def run(*args, stdin=None):
    return subprocess.run([RULERUN, f"{tmp}/rules.lua", *args, "-q", "-j2"], input=stdin,
                          capture_output=True)


def files(out):
    with open(f"{out}/docs.csv", encoding="utf-8") as f:
        return [line.split(",")[0] for line in f.read().splitlines()[1:]]


def taken(what, args, want):
    out = f"{tmp}/out-{abs(hash(what))}"
    p = run(*args, "-o", out)
    got = files(out) if p.returncode == 0 else None
    check(got == want, what, f"exit {p.returncode}, files {got}, want {want}\n    {p.stderr.decode()}")


# -g as ripgrep: the default takes .txt (and .pdf) in any case
taken("default glob *.{txt,pdf} in any case", [docs],
      ["a.txt", "b.TXT", "draft-d.txt", "skip/g.txt", "sub/e.txt"])
taken("-g *.md", [docs, "-g", "*.md"], ["c.md", "sub/f.md"])
taken("-g braces {txt,md}, case-sensitive", [docs, "-g", "*.{txt,md}"],
      ["a.txt", "c.md", "draft-d.txt", "skip/g.txt", "sub/e.txt", "sub/f.md"])
taken("--iglob *.txt takes b.TXT", [docs, "--iglob", "*.txt"],
      ["a.txt", "b.TXT", "draft-d.txt", "skip/g.txt", "sub/e.txt"])
taken("only '!' globs leave files out of the default", [docs, "-g", "!draft*", "-g", "!skip/"],
      ["a.txt", "b.TXT", "sub/e.txt"])
taken("the last matching glob wins", [docs, "-g", "*.txt", "-g", "!*.txt", "-g", "a.txt"], ["a.txt"])
taken("a glob with '/' matches the path below the directory", [docs, "-g", "sub/*"],
      ["sub/e.txt", "sub/f.md"])
p = run(docs, "-g", "!", "-o", f"{tmp}/out-bad")
check(p.returncode == 2 and b"-g: an empty glob" in p.stderr, "an empty glob is a usage error",
      p.stderr.decode())

finish()
