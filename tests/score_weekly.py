#!/usr/bin/env python3
"""rules/weekly.lua over ../shared/reports, scored by ../shared/tools/csvscore.py
against ../shared/expected/weekly for the tables this rule file produces.
Skipped (exit 77) when ../shared is not there."""
import os, subprocess, sys, tempfile

rulerun, rules, shared = sys.argv[1:4]
if not os.path.isdir(os.path.join(shared, "reports")):
    print(f"skipped: {shared}/reports is not there")
    sys.exit(77)
out = tempfile.mkdtemp(prefix="weekly-")
p = subprocess.run([rulerun, "-q", rules, os.path.join(shared, "reports"), "-o", out],
                   capture_output=True, text=True)
print(p.stderr, end="")
if p.returncode != 0:
    print(f"rulerun exited {p.returncode}")
    sys.exit(1)
tables = sorted(f[:-4] for f in os.listdir(out) if f.endswith(".csv"))
expected = os.path.join(shared, "expected", "weekly")
score = subprocess.run([sys.executable, os.path.join(shared, "tools", "csvscore.py"), expected, out,
                        "--tables", ",".join(tables)], capture_output=True, text=True)
print(score.stdout, end="")
core = {"recommendations", "risks", "ratings"}
if not core <= set(tables):
    print(f"missing tables: {sorted(core - set(tables))}")
    sys.exit(1)
sys.exit(score.returncode)
