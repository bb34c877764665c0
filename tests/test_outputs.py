#!/usr/bin/env python3
"""test_outputs.py RULERUN - the same rows as CSV, as an xlsx workbook and as JSON lines.

A rule file emits cells that a spreadsheet or a JSON reader could get wrong
(codes with leading zeros, 000977.SZ, negative and percent numbers, ISO
dates and a date that is no date, CJK text with commas, quotes and a line
break, an empty cell) into two tables.  The JSON lines (-o -, -o FILE.jsonl,
--format jsonl) must give every CSV row back, cell for cell, with the
table's name.  The workbook (-o out.xlsx) is read back with openpyxl
(Debian's python3-openpyxl; this script runs itself under /usr/bin/python3
when the python3 on PATH lacks it): a sheet per table, the header frozen and
filtered, codes as text, numbers as numbers, dates as dates, every row equal
to the CSV one; then LibreOffice headless converts it to CSV and the codes
keep their leading zeros (that part skipped with a message without
soffice).  Skipped (77) in a build without xlsx only for the workbook part."""
import csv
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and not os.environ.get("RR_REEXEC"):
        os.environ["RR_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    openpyxl = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, finish, write  # noqa: E402

RULERUN = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="rr-outputs-")
CELLS = [
    # code, value, date, text
    ("000977", "-1.35", "2025-03-07", '中文，逗号,"引号"\n第二行'),
    ("000977.SZ", "12.5%", "2025-02-30", ""),
    ("002371", "3", "2024-12-31", "=not a formula"),
    ("600519.SH", "1,234", "2025年3月", " padded "),
]
lua_cells = ",\n".join("{" + ", ".join('"' + "".join(f"\\{b}" for b in v.encode()) + '"' for v in row) + "}"
                       for row in CELLS)
write(f"{tmp}/rules.lua", f'''local rr = require "rulerun"
rr.table("stocks", {{"file", "code", "value", "date", "text"}})
rr.table("notes", {{"file", "note"}})
local CELLS = {{{lua_cells}}}
rr.rule("stocks", function(doc)
  for _, c in ipairs(CELLS) do rr.emit("stocks", {{code = c[1], value = c[2], date = c[3], text = c[4]}}) end
  rr.emit("notes", {{note = doc.text:match("^[^\\n]*")}})
end)
''')
for name in ("a.txt", "b.txt", "c.txt"):
    write(f"{tmp}/docs/{name}", f"note of {name}\n")


def run(*args):
    return subprocess.run([RULERUN, f"{tmp}/rules.lua", f"{tmp}/docs", "-q", "-j2", *args], capture_output=True)


def csv_rows(out, table):
    with open(f"{out}/{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


p = run("-o", f"{tmp}/csv")
check(p.returncode == 0, "the CSV run", p.stderr.decode())
want = {t: csv_rows(f"{tmp}/csv", t) for t in ("stocks", "notes")}

# ---- JSON lines: every CSV row, cell for cell, in the same order ----------
for what, args, path in [("-o -", ["-o", "-"], None), ("--format jsonl", ["--format", "jsonl"], None),
                         ("-o FILE.jsonl", ["-o", f"{tmp}/rows.jsonl"], f"{tmp}/rows.jsonl")]:
    p = run(*args)
    text = open(path, encoding="utf-8").read() if path and p.returncode == 0 else p.stdout.decode()
    got = {"stocks": [want["stocks"][0]], "notes": [want["notes"][0]]}
    try:
        for line in text.splitlines():
            obj = json.loads(line)
            table = obj.pop("_table")
            check(list(obj) == want[table][0], f"{what}: the keys are the table's columns in order", line)
            got[table].append(list(obj.values()))
    except (ValueError, KeyError) as e:
        check(False, f"{what}: every line a JSON object with _table", f"{e}: {text[:300]}")
    check(p.returncode == 0 and got == want, f"{what}: the CSV's rows, every cell the same",
          f"exit {p.returncode} {p.stderr.decode()}\n    {got}\n    {want}")
    if path:
        check(p.stdout == b"", f"{what}: nothing on stdout", p.stdout[:200])
p = run("--format", "yaml")
check(p.returncode == 2 and b"--format wants csv, xlsx or jsonl" in p.stderr, "an unknown --format is a usage error",
      p.stderr.decode())

# ---- the workbook ----------------------------------------------------------
features = subprocess.run([RULERUN, "--version"], capture_output=True, text=True).stdout
book = f"{tmp}/out/tables.xlsx"
p = run("-o", book)
if "xlsx" not in features.split("features:")[-1].split():   # "none (no pdf, no xlsx)" without
    check(p.returncode == 2 and b"-Dxlsx=enabled" in p.stderr, "a build without xlsx names the option it needs",
          p.stderr.decode())
    finish()
check(p.returncode == 0 and os.path.exists(book), "-o out.xlsx writes the workbook (its directory made)",
      p.stderr.decode())
check(not [n for n in os.listdir(f"{tmp}/out") if n != "tables.xlsx"], "no temp file left beside it",
      os.listdir(f"{tmp}/out"))

if openpyxl is None:
    print("SKIP the read-back: no openpyxl (Debian's python3-openpyxl; ./bootstrap test installs it)")
else:
    wb = openpyxl.load_workbook(book)
    check(wb.sheetnames == ["stocks", "notes"], "a sheet per table, in declaration order", wb.sheetnames)
    for table in wb.sheetnames:
        ws = wb[table]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        check(ws.freeze_panes == "A2", f"{table}: the header row is frozen", ws.freeze_panes)
        check(ws.auto_filter.ref == f"A1:{chr(64 + len(rows[0]))}{len(rows)}", f"{table}: the header is filtered",
              ws.auto_filter.ref)
        check(all(c.font.b for c in ws[1]), f"{table}: the header is bold")

        def as_csv(v):
            if v is None:
                return ""
            if isinstance(v, datetime.datetime):
                return v.strftime("%Y-%m-%d")
            return v if isinstance(v, str) else v

        back = [[as_csv(v) for v in r] for r in rows]
        text_back = []
        for r_csv, r_x in zip(want[table], back):
            row = []
            for s, v in zip(r_csv, r_x):
                if isinstance(v, float) or isinstance(v, int):
                    # a number: the CSV's text read as a number (a percent / 100)
                    ok = abs(v - (float(s[:-1]) / 100 if s.endswith("%") else float(s))) < 1e-12
                    row.append(s if ok else repr(v))
                else:
                    row.append(v)
            text_back.append(row)
        check(len(rows) == len(want[table]) and text_back == want[table],
              f"{table}: every row equals the CSV's, row for row", f"{text_back}\n    {want[table]}")
    ws = wb["stocks"]
    col = {h.value: i for i, h in enumerate(ws[1])}
    kinds = {(r[col["code"]].value, r[col["value"]].data_type, r[col["date"]].is_date) for r in ws.iter_rows(min_row=2)}
    check(("000977", "n", True) in kinds and ("000977.SZ", "n", False) in kinds and ("002371", "n", True) in kinds,
          "codes are text, -1.35 / 12.5% / 3 numbers, ISO dates dates (2025-02-30 stays text)", kinds)
    check(all(isinstance(r[col["code"]].value, str) for r in ws.iter_rows(min_row=2)), "every code is a string")
    check(all(r[col["value"]].value == "1,234" for r in ws.iter_rows(min_row=2) if r[col["code"]].value == "600519.SH"),
          "1,234 stays the text it was (not 1234)")
    pct = [r[col["value"]] for r in ws.iter_rows(min_row=2) if r[col["code"]].value == "000977.SZ"][0]
    check(pct.value == 0.125 and pct.number_format == "0.0%", "12.5% is 0.125 shown as 0.0%",
          f"{pct.value} {pct.number_format}")
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    check(widths.get("E", 0) > widths.get("A", 0) > 4 and max(widths.values()) <= 61,
          "columns as wide as their widest cell (CJK counts double), capped", widths)

# LibreOffice headless, as a user opening the workbook: the codes keep their zeros
if not shutil.which("soffice"):
    print("SKIP the LibreOffice check: soffice not found (libreoffice-calc-nogui; ./bootstrap test installs it)")
else:
    lo = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless",
                         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", f"{tmp}/lo", book],
                        capture_output=True, timeout=240)
    path = f"{tmp}/lo/tables.csv"
    got = list(csv.reader(io.StringIO(open(path, encoding="utf-8").read()))) if os.path.exists(path) else []
    codes = [r[1] for r in got[1:]]
    check(codes[:4] == ["000977", "000977.SZ", "002371", "600519.SH"],
          "LibreOffice reads the codes back with their leading zeros", f"{codes} {lo.stderr.decode()[-300:]}")
    check(got[1:2] and got[1][2] == "-1.35" and got[1][3] == "2025-03-07",
          "LibreOffice reads -1.35 as the number and the date as written", got[1:2])

finish()
