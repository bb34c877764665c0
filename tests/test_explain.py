#!/usr/bin/env python3
"""Where every row came from: --provenance columns, rr.emit's `at`, and
`rulerun explain` as text and as a page rendered in headless Chromium.

usage: test_explain.py RULERUN SOURCE_DIR"""
import csv, html.parser, os, shutil, subprocess, sys, tempfile

from clitest import check, finish

RULERUN, SRC = sys.argv[1], sys.argv[2]


def run(*args):
    return subprocess.run([RULERUN, *args], capture_output=True, text=True)


tmp = tempfile.mkdtemp(prefix="rr-explain-")
reports = os.path.join(SRC, "examples", "reports")
weekly = os.path.join(SRC, "rules", "weekly.lua")
report = os.path.join(reports, "semis_series_2025-03-14.txt")
original = open(report, "rb").read()

# --provenance: _rule, _line, _offset on every table; the offset is where the row's text is
p = run("-q", "--provenance", weekly, reports, "-o", f"{tmp}/out")
check(p.returncode == 0, "--provenance run", p.stderr)
with open(f"{tmp}/out/risks.csv", encoding="utf-8") as f:
    risks = list(csv.DictReader(f))
check(risks and list(risks[0])[-3:] == ["_rule", "_line", "_offset"], "the provenance columns", risks[:1])
found = 0
for r in risks:
    data = open(os.path.join(reports, r["file"]), "rb").read()
    if r["_offset"]:
        at = int(r["_offset"])
        found += data[at:at + len(r["risk"].encode())].decode("utf-8", "replace") == r["risk"]
check(found >= len(risks) - 2, "a risk's _offset is where its text starts in the report", (found, len(risks)))
check(all(r["_rule"] == "risks" and r["_line"].isdigit() for r in risks), "_rule and _line", risks[:2])
p = run("-q", weekly, reports, "-o", f"{tmp}/plain")
check(open(f"{tmp}/plain/risks.csv", encoding="utf-8").read().splitlines()[0] == "file,date,seq,risk",
      "no provenance columns without --provenance")

# a table of 600 rows: more spans than the ring of recent ones holds (1024;
# it overran its array at 256 once), each row still found where it is
os.makedirs(f"{tmp}/many")
with open(f"{tmp}/many/t.txt", "w", encoding="utf-8") as f:
    f.write("名称\t代码\n" + "".join(f"公司{i:03d}\t{600000 + i}\n" for i in range(600)))
with open(f"{tmp}/many.lua", "w", encoding="utf-8") as f:
    f.write('local rr = require "rulerun"\nrr.table("t", {"file", "code"})\n'
            'rr.rule("rows", function(doc)\n  local t = rr.find_table(doc, "代码")\n'
            '  for _, row in ipairs(t.rows) do rr.emit("t", {code = row[2]}) end\nend)\n')
p = run("-q", "--provenance", f"{tmp}/many.lua", f"{tmp}/many", "-o", f"{tmp}/out-many")
check(p.returncode == 0, "--provenance over 600 table rows", p.stderr)
many = open(f"{tmp}/many/t.txt", "rb").read()
rows = list(csv.DictReader(open(f"{tmp}/out-many/t.csv", encoding="utf-8"))) if p.returncode == 0 else []
check(len(rows) == 600 and all(r["_offset"] and many[int(r["_offset"]):].startswith(r["code"].encode())
                               for r in rows), "each of 600 rows' _offset is its cell", rows[-2:])

# rr.emit(t, row, {at = ...}): the rule says where
os.makedirs(f"{tmp}/docs")
with open(f"{tmp}/docs/a.txt", "w", encoding="utf-8") as f:
    f.write("第一行\n风险提示:需求不及预期\n")
with open(f"{tmp}/at.lua", "w", encoding="utf-8") as f:
    f.write('local rr = require "rulerun"\nrr.table("t", {"file", "x"})\n'
            'rr.rule("at", function(doc)\n  local a, b = doc:find("需求")\n'
            '  rr.emit("t", {x = "here"}, {at = {a, b}})\n  rr.emit("t", {x = "nowhere"})\nend)\n')
p = run("-q", "--provenance", f"{tmp}/at.lua", f"{tmp}/docs", "-o", f"{tmp}/out-at")
rows = list(csv.reader(open(f"{tmp}/out-at/t.csv", encoding="utf-8")))
check(rows[1] == ["a.txt", "here", "at", "5", str(len("第一行\n风险提示:".encode()))] and rows[2][-1] == "",
      "rr.emit's at gives the offset; a row found nowhere has none", rows)
with open(f"{tmp}/bad-at.lua", "w", encoding="utf-8") as f:
    f.write('local rr = require "rulerun"\nrr.table("t", {"file", "x"})\n'
            'rr.rule("at", function(doc) rr.emit("t", {x = 1}, {att = 3}) end)\n')
p = run("-q", f"{tmp}/bad-at.lua", f"{tmp}/docs", "-o", f"{tmp}/out-bad")
check(p.returncode == 1 and "rr.emit: unknown option 'att' (options: at)" in p.stderr, "rr.emit's options are strict",
      p.stderr)

# explain as text: every row under the line that holds it
p = run("explain", weekly, report)
check(p.returncode == 0 and p.stdout.startswith("explain "), "explain --format text is the default on stdout",
      p.stderr)
lines = p.stdout.splitlines()
marks = [i for i, l in enumerate(lines) if l.lstrip().startswith("^ ")]
check(len(marks) == 22, "a marker for each of the report's 22 rows", len(marks))
risk_line = next(i for i, l in enumerate(lines) if "需求复苏不及预期" in l and not l.lstrip().startswith("^"))
check(any("risks #" in lines[j] and "需求复苏不及预期" in lines[j] for j in range(risk_line + 1, risk_line + 4)),
      "a risk's marker comes right under its line", lines[risk_line:risk_line + 4])
check(p.stdout.rstrip().endswith("rules that emitted nothing: none"), "every rule gave rows here", p.stdout[-300:])
p = run("explain", weekly, os.path.join(reports, "compute_weekly_2025-04-16.txt"))
check("rules that emitted nothing: ratings (" in p.stdout and "quotes (" in p.stdout,
      "the rules that gave nothing are named", p.stdout[-300:])


# explain as a page: self-contained, every row in it, each located row on a highlighted span
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.spans, self.table_rows, self.external = [], 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "span" and "row" in (a.get("class") or "").split():
            self.spans.append(a.get("data-r", ""))
        if tag == "tr" and a.get("class") == "r":
            self.table_rows += 1
        for k in ("src", "href"):
            if a.get(k):
                self.external.append(a[k])


page = f"{tmp}/page.html"
p = run("explain", weekly, report, "-o", page)
check(p.returncode == 0 and os.path.exists(page), "explain -o page.html", p.stderr)
text = open(page, encoding="utf-8").read()
parsed = Page()
parsed.feed(text)
check(parsed.table_rows == 22, "the side panel lists the 22 rows", parsed.table_rows)
located = {int(i) for s in parsed.spans for i in s.split()}
check(len(located) >= 20, "rows are highlighted on their text", sorted(located))
check(not parsed.external and "http://" not in text and "https://" not in text,
      "the page needs no network and no other file", parsed.external)
check("rules that emitted nothing for this report</h2>\n<p>none" in text, "the page says which rules gave nothing")

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("skipped: the Chromium checks (no chromium; ./bootstrap test installs it)")
else:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/chromium", "--window-size=1400,900"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", "file://" + page], capture_output=True, text=True,
                         timeout=120)
    rendered = Page()
    rendered.feed(dom.stdout)
    check(len(rendered.spans) == len(parsed.spans) and len(rendered.spans) > 10,
          "Chromium renders the highlighted spans", (len(rendered.spans), dom.stderr[-500:]))
    png = f"{tmp}/page.png"
    shot = subprocess.run([chromium, *flags, f"--screenshot={png}", "file://" + page], capture_output=True,
                          text=True, timeout=120)
    size = os.path.getsize(png) if os.path.exists(png) else 0
    check(size > 20000, "a screenshot of the page", (size, shot.stderr[-500:]))
    keep = os.environ.get("RULERUN_EXPLAIN_PNG")
    if keep and size:
        shutil.copy(png, keep)

shutil.rmtree(tmp, ignore_errors=True)
finish()
