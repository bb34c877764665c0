#!/usr/bin/env python3
"""test_inputs.py RULERUN - which documents a run reads: -g/--iglob as ripgrep's,
--files-from (newline or NUL separated, a file or stdin), - for one report
on stdin, and JSON lines (--jsonl-text, --jsonl-name).

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

# --files-from: in the list's order, after the paths; a missing file costs only itself
lst = f"{tmp}/list.txt"
write(lst, f"{docs}/c.md\n\n{docs}/a.txt\r\n{tmp}/nope.txt\n")
out = f"{tmp}/out-list"
p = run(f"{docs}/sub/e.txt", "--files-from", lst, "-o", out)
want = [f"{docs}/sub/e.txt", f"{docs}/c.md", f"{docs}/a.txt"]
check(p.returncode == 1 and files(out) == want and b"nope.txt: cannot read" in p.stderr,
      "--files-from FILE: listed order, blank lines and CR ignored, a missing file reported",
      f"exit {p.returncode}, {files(out)}\n    {p.stderr.decode()}")
out = f"{tmp}/out-list0"
p = run("--files-from", "-", "-0", "-o", out, stdin=f"{docs}/b.TXT\0{docs}/sub\0".encode())
check(p.returncode == 0 and files(out) == [f"{docs}/b.TXT", f"{docs}/sub/e.txt"],
      "--files-from - -0: NUL-separated from stdin, a listed directory walked",
      f"exit {p.returncode}, {files(out) if p.returncode == 0 else ''}\n    {p.stderr.decode()}")
out = f"{tmp}/out-stdin"
p = run("-", "-o", out, stdin="风险提示 from stdin\nmore\n".encode())
rows = open(f"{out}/docs.csv", encoding="utf-8").read() if p.returncode == 0 else ""
check(rows == "file,first\n<stdin>,风险提示 from stdin\n", "- reads one report from stdin", rows + p.stderr.decode())
p = run("-", "--files-from", "-", "-o", f"{tmp}/out-twice", stdin=b"x")
check(p.returncode == 2 and b"stdin given twice" in p.stderr, "stdin cannot be both a path and the list",
      p.stderr.decode())

# JSON lines: each line's text field one document, named by --jsonl-name or FILE:LINE
jl = f"{tmp}/corpus.jsonl"
write(jl, '{"id": "r1", "text": "第一行\\n二", "n": [1, {"a": null}]}\n'
          '{"text": "escaped \\"q\\" \\u4e2d\\ud83d\\ude00", "id": 2}\n'
          '\n'
          '{"id": "r3", "text": 5}\n'
          'not json\n'
          '{"id": "r5", "text": "last"}\n')
out = f"{tmp}/out-jsonl"
p = run(jl, "--jsonl-text", "text", "--jsonl-name", "id", "-o", out)
rows = open(f"{out}/docs.csv", encoding="utf-8").read() if p.returncode in (0, 1) else ""
check(p.returncode == 1 and rows == 'file,first\nr1,第一行\n2,"escaped ""q"" 中😀"\nr5,last\n',
      "--jsonl-text/--jsonl-name: one document a line, escapes decoded", rows)
check(b"corpus.jsonl:4: no string field 'text', skipped" in p.stderr
      and b"corpus.jsonl:5: not a JSON object at byte 0, skipped" in p.stderr,
      "a bad JSON line is named by file and line and costs only itself", p.stderr.decode())
out = f"{tmp}/out-jsonl-stdin"
p = run("-", "--jsonl-text", "text", "-o", out, stdin=open(jl, "rb").read())
check(p.returncode == 1 and files(out) == ["<stdin>:1", "<stdin>:2", "<stdin>:6"],
      "JSON lines from stdin, named <stdin>:LINE", p.stderr.decode())
p = run(jl, "--jsonl-name", "id", "-o", f"{tmp}/out-x")
check(p.returncode == 2 and b"--jsonl-name needs --jsonl-text" in p.stderr, "--jsonl-name alone is a usage error",
      p.stderr.decode())

finish()
