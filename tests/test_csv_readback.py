#!/usr/bin/env python3
"""test_csv_readback.py RULERUN - the CSV files read back unchanged through Python's csv module.

A rule emits fields that break naive CSV (commas, quotes, newlines, leading
= + - @, leading zeros, long digit strings, blanks at either end, CJK
punctuation); reading the output with csv.reader must give every field back
byte for byte.  With --excel the only change is the quote that stops a
spreadsheet running a cell as a formula, and the ="..." that keeps a code's
leading zeros (and the BOM and CRLF); a plain number is never guarded."""
import csv
import os
import subprocess
import sys
import tempfile

RULERUN = sys.argv[1]
FIELDS = ["a,b", 'say "hi"', "two\nlines", "cr\rinside", "=SUM(A1:A9)", "+86 10 1234", "-5%", "@cmd",
          "007", "000001", "12345678901234567890", "6.0E+3", " padded ", "\ttabbed", "中文，逗号；分号",
          "", "'quoted'", "back\\slash", "a\r\nb", "end,", "-1.35", "0.5", "000977.SZ", "002371", "-0",
          "+3", "1.5e-3", "-", "-.5", "2025-03-07"]
GUARDED = ("=", "+", "-", "@", "\t", "\r")
NUMBERS = {"-5%", "6.0E+3", "-1.35", "0.5", "-0", "+3", "1.5e-3"}     # never guarded
CODES = {"007", "000001", "12345678901234567890", "002371"}              # ="..." in --excel


def excel_cell(v):
    if v in CODES:
        return f'="{v}"'
    if v.startswith(GUARDED) and v not in NUMBERS:
        return "'" + v
    return v

tmp = tempfile.mkdtemp(prefix="rr-csv-")
lua_list = ", ".join("'" + "".join(f"\\{b}" for b in f.encode()) + "'" for f in FIELDS)
with open(f"{tmp}/rules.lua", "w", encoding="utf-8") as f:
    f.write(f'''local rr = require "rulerun"
rr.table("fields", {{"file", "i", "value"}})
local FIELDS = {{{lua_list}}}
rr.rule("fields", function(doc)
  for i, v in ipairs(FIELDS) do rr.emit("fields", {{i = i, value = v}}) end
end)
''')
os.makedirs(f"{tmp}/docs")
with open(f"{tmp}/docs/a,\"b\".txt", "w", encoding="utf-8") as f:
    f.write("x\n")
failures = 0


def check(ok, what, detail=""):
    global failures
    if not ok:
        failures += 1
        print(f"FAIL {what}\n    {detail}")
    else:
        print(f"ok   {what}")


for excel in (False, True):
    out = f"{tmp}/out-{'excel' if excel else 'plain'}"
    p = subprocess.run([RULERUN, f"{tmp}/rules.lua", f"{tmp}/docs", "-o", out, "-q", "-j1"]
                       + (["--excel"] if excel else []), capture_output=True, text=True)
    check(p.returncode == 0, f"run {'--excel' if excel else 'plain'}", p.stderr)
    with open(f"{out}/fields.csv", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
        rows = list(csv.reader(f))
    check(rows[0] == ["file", "i", "value"], "header", rows[0])
    check(len(rows) == len(FIELDS) + 1, "one row per field", len(rows))
    for (name, i, value), want in zip(rows[1:], FIELDS):
        if excel:
            want = excel_cell(want)
        check(name == 'a,"b".txt' and value == want, f"{'excel' if excel else 'plain'} field {i} {want!r}",
              f"got {name!r} {value!r}")
    if excel:
        raw = open(f"{out}/fields.csv", "rb").read()
        check(raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "--excel: BOM and CRLF")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
