#!/usr/bin/env python3
"""Every shipped rule file over the real reports of many brokers
(../shared/real/lines and ../shared/real/stripped), scored by
../shared/tools/csvscore.py against their gold tables.

usage: score_real.py RULERUN RULES_DIR SHARED

- every rule file: exit 0 on both sets (no failed document), and precision
  >= 0.95 on every gold table it writes (a row that is not what its table
  says is worse than no row);
- rules/research.lua, the rule file for any broker: recall >= 0.80 too, on
  every gold table of both sets;
- over all of stripped: no risks or recommendations row longer than 300
  characters, no company cell longer than 20.

Skipped (exit 77) when ../shared/real is not there."""
import csv, os, re, subprocess, sys, tempfile

MIN_P, MIN_R = 0.95, 0.80
MAX_ROW, MAX_COMPANY = 300, 20

rulerun, rules_dir, shared = sys.argv[1:4]
real = os.path.join(shared, "real")
if not os.path.isdir(os.path.join(real, "stripped")):
    print(f"skipped: {real}/stripped is not there")
    sys.exit(77)

SCORE = re.compile(r"^(\w+): P=([\d.]+) R=([\d.]+) F1=[\d.]+ expected=(\d+) actual=(\d+)")
problems = []


def long_cells(out):
    """Rows of risks/recommendations over MAX_ROW characters, companies over MAX_COMPANY."""
    bad = []
    for table in ("risks", "recommendations"):
        path = os.path.join(out, table + ".csv")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                text = "".join(v for k, v in row.items() if k != "file")
                if len(text) > MAX_ROW:
                    bad.append(f"{table}: {row['file']}: a row of {len(text)} characters")
                if len(row.get("company") or "") > MAX_COMPANY:
                    bad.append(f"{table}: {row['file']}: company {row['company']!r}")
    return bad


for rule in sorted(f for f in os.listdir(rules_dir) if f.endswith(".lua")):
    for kind in ("lines", "stripped"):
        with tempfile.TemporaryDirectory(prefix="real-") as out:
            p = subprocess.run([rulerun, "-q", os.path.join(rules_dir, rule),
                                os.path.join(real, kind), "-o", out], capture_output=True, text=True)
            if p.returncode != 0:
                problems.append(f"{rule} on {kind}: rulerun exited {p.returncode}: {p.stderr.strip()[:500]}")
                continue
            if kind == "stripped":
                problems += [f"{rule} on stripped: {b}" for b in long_cells(out)]
            written = [f[:-4] for f in os.listdir(out) if f.endswith(".csv")]
            gold = os.path.join(real, kind + "-gold")
            tables = [t for t in written if os.path.exists(os.path.join(gold, t + ".csv"))]
            if not tables:
                continue
            score = subprocess.run([sys.executable, os.path.join(shared, "tools", "csvscore.py"), gold, out,
                                    "--tables", ",".join(tables)], capture_output=True, text=True)
            for line in score.stdout.splitlines():
                m = SCORE.match(line)
                if not m:
                    continue
                table, prec, rec = m.group(1), float(m.group(2)), float(m.group(3))
                print(f"{rule:16} {kind:8} {line}")
                if prec < MIN_P:
                    problems.append(f"{rule} on {kind}: {table} precision {prec:.3f} < {MIN_P}")
                if rule == "research.lua" and rec < MIN_R:
                    problems.append(f"{rule} on {kind}: {table} recall {rec:.3f} < {MIN_R}")

for p in problems:
    print("FAIL", p)
sys.exit(1 if problems else 0)
