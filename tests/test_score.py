#!/usr/bin/env python3
"""`rulerun test` scores tables as ../shared/tools/csvscore.py does, to the figure.

usage: test_score.py cases RULERUN SHARED
       test_score.py shared RULERUN SCORE_DIRS ROOT SHARED

cases: small hand-made cases, one per rule of the comparison (NFKC width
forms, white space, numbers, a BOM, a column the rules lack, extra columns,
files outside files.txt, base names, duplicate rows, a table the rules do
not declare, the near-twin report); each states its figures, worked out by
hand, and when ../shared is there csvscore.py must print the same on the same
output.

shared: `rulerun test` and csvscore.py on the same output of rules/weekly.lua
over ../shared/reports (../shared/expected/weekly) and of rules/research.lua
over ../shared/real/lines and stripped (their -gold): every table's P, R, F1,
expected and actual identical; then random CSV files that rulerun would never
write (BOMs, CR, CRLF, blank lines, short rows, quotes inside fields,
duplicate and missing columns, files.txt with white space) scored by
librulerun (score_dirs) and by csvscore, with every figure printed in full.
Skipped (exit 77) when ../shared is not there."""
import csv, io, os, random, re, subprocess, sys, tempfile

import clitest
from clitest import check

LINE = re.compile(r"^(\S+): P=(\S+) R=(\S+) F1=(\S+) expected=(\d+) actual=(\d+)(?: (ok|FAIL))?$")


def figures(text):
    """{table: (P, R, F1, expected, actual)} from csvscore's or rulerun test's lines."""
    return {m.group(1): m.group(2, 3, 4, 5, 6) for m in map(LINE.match, text.splitlines()) if m}


def csvscore(shared, expected, out, full=False):
    """csvscore.py's stdout; full: a copy printing P, R and F1 with every digit."""
    tool = os.path.join(shared, "tools", "csvscore.py")
    if full:
        src = open(tool, encoding="utf-8").read().replace(
            "P={p:.3f} R={r:.3f} F1={f1:.3f}", "P={p!r} R={r!r} F1={f1!r}")
        tool = os.path.join(tempfile.mkdtemp(prefix="csvscore-"), "csvscore_full.py")
        open(tool, "w", encoding="utf-8").write(src)
    return subprocess.run([sys.executable, tool, expected, out], capture_output=True, text=True)


def lua_string(s):
    return '"' + "".join(f"\\x{b:02x}" for b in s.encode("utf-8")) + '"'


def write(path, text, bom=False, newline="\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(text.replace("\n", newline))


def rules_for(tables, rows):
    """A rule file declaring tables {name: columns} that emits, for each
    report, the rows given for it: rows {report: [(table, [cells])]}."""
    lua = ['local rr = require "rulerun"']
    for name, cols in tables.items():
        lua.append(f"rr.table({lua_string(name)}, {{{', '.join(map(lua_string, cols))}}})")
    lua.append("local rows = {")
    for report, emitted in rows.items():
        lua.append(f"  [{lua_string(report)}] = {{")
        for table, cells in emitted:
            lua.append(f"    {{{lua_string(table)}, {{{', '.join(map(lua_string, cells))}}}}},")
        lua.append("  },")
    lua.append("}")
    lua.append("rr.rule('emit', function(doc)\n"
               "  for _, r in ipairs(rows[doc.path] or {}) do rr.emit(r[1], r[2]) end\nend)")
    return "\n".join(lua) + "\n"


# Each case: the tables, the rows emitted per report, the expected files
# (name -> text, or (text, bom, newline)), rulerun's options, and what
# `rulerun test` must print (figure lines as csvscore prints them, and
# other lines that must be there) and its exit status.
CASES = [
    ("NFKC folding and white space: width forms, ligatures, ideographic space",
     {"t": ["file", "v"]},
     {"a.txt": [("t", ["a.txt", "ABC(1)"]), ("t", ["a.txt", "fi"]), ("t", ["a.txt", "ハンカク"]),
                ("t", ["a.txt", "需求 不及\t预期"]), ("t", ["a.txt", "ｆｕｌｌ"]), ("t", ["a.txt", "x"])]},
     {"t.csv": "file,v\na.txt,ＡＢＣ（１）\na.txt,ﬁ\na.txt,ﾊﾝｶｸ\na.txt,需求\u3000不及\u00a0预 期\na.txt,full\na.txt,y\n"},
     [], ["t: P=0.833 R=0.833 F1=0.833 expected=6 actual=6 FAIL",
          "  t: a.txt: missing: v 'y'", "  t: a.txt: unexpected: v 'x'"], 1),
    ("numbers: commas, 1000.0, exponents, full-width digits, underscores, six digits",
     {"t": ["file", "n"]},
     {"a.txt": [("t", ["a.txt", v]) for v in ["1000.0", "1000", ".5", "12", "1000", "12345679", "1.50001", "1,2,3"]]},
     {"t.csv": "file,n\n" + "".join(f"a.txt,{v}\n" for v in
                                    ['"1,000"', "1e3", "0.50", "１２", "1_000", "12345678", "1.5", "123"])},
     [], ["t: P=0.875 R=0.875 F1=0.875 expected=8 actual=8 FAIL",
          "  t: a.txt: missing: n 1.5", "  t: a.txt: unexpected: n 1.50001"], 1),
    ("a BOM on the expected file, and --excel output (BOM, CRLF) read back",
     {"t": ["file", "v"]},
     {"a.txt": [("t", ["a.txt", "甲"]), ("t", ["a.txt", "乙"])]},
     {"t.csv": ("file,v\na.txt,甲\na.txt,乙\n", True, "\r\n")},
     ["--excel"], ["t: P=1.000 R=1.000 F1=1.000 expected=2 actual=2 ok"], 0),
    ("a column the rules lack fails; an actual column the expected file lacks is ignored",
     {"t": ["file", "seq", "risk"], "u": ["file", "extra", "v"]},
     {"a.txt": [("t", ["a.txt", "1", "甲"]), ("u", ["a.txt", "whatever", "乙"])]},
     {"t.csv": "file,risk,zz\na.txt,甲,1\n", "u.csv": "v,file\n乙,a.txt\n"},
     [], ["u: P=1.000 R=1.000 F1=1.000 expected=1 actual=1 ok",
          "t: FAIL: the actual table has no column zz (its columns: file, seq, risk)"], 1),
    ("files.txt: rows of files it does not list are not compared; files by base name",
     {"t": ["file", "v"]},
     {"a.txt": [("t", ["dir/a.txt", "1"]), ("t", ["c.txt", "3"])], "b.txt": [("t", ["b.txt", "9"])]},
     {"t.csv": "file,v\na.txt,1\nb.txt,2\n", "files.txt": "  a.txt \r\n\r\nb.txt\n"},
     [], ["t: P=0.500 R=0.500 F1=0.500 expected=2 actual=2 FAIL",
          "  t: b.txt: missing: v 2", "  t: b.txt: unexpected: v 9"], 1),
    ("no files.txt: only the files the expected table has rows for",
     {"t": ["file", "v"]},
     {"a.txt": [("t", ["a.txt", "1"])], "b.txt": [("t", ["b.txt", "2"])]},
     {"t.csv": "file,v\na.txt,1\n"},
     [], ["t: P=1.000 R=1.000 F1=1.000 expected=1 actual=1 ok"], 0),
    ("duplicate rows count as often as they come (a multiset)",
     {"t": ["file", "v"], "u": ["file", "v"]},
     {"a.txt": [("t", ["a.txt", "x"]), ("u", ["a.txt", "x"]), ("u", ["a.txt", "x"]), ("u", ["a.txt", "x"])]},
     {"t.csv": "file,v\na.txt,x\na.txt,x\n", "u.csv": "file,v\na.txt,x\n"},
     [], ["t: P=1.000 R=0.500 F1=0.667 expected=2 actual=1 FAIL", "  t: a.txt: missing: v 'x'",
          "u: P=0.333 R=1.000 F1=0.500 expected=1 actual=3 FAIL", "  u: a.txt: unexpected: v 'x' (2 times)"], 1),
    ("a near twin names the columns that differ; --min-f1 lets a table pass",
     {"risks": ["file", "seq", "risk"]},
     {"a.txt": [("risks", ["a.txt", "1", "技术不及预期"]), ("risks", ["a.txt", "2", "需求不及预期。"])]},
     {"risks.csv": "file,seq,risk\na.txt,1,技术不及预期\na.txt,2,需求不及预期\n"},
     [], ["risks: P=0.500 R=0.500 F1=0.500 expected=2 actual=2 FAIL",
          "  risks: a.txt: seq 2: risk '需求不及预期' != '需求不及预期。'"], 1),
    ("--min-f1 0.5: the same table passes",
     {"risks": ["file", "seq", "risk"]},
     {"a.txt": [("risks", ["a.txt", "1", "技术不及预期"]), ("risks", ["a.txt", "2", "需求不及预期。"])]},
     {"risks.csv": "file,seq,risk\na.txt,1,技术不及预期\na.txt,2,需求不及预期\n"},
     ["--min-f1", "0.5"], ["risks: P=0.500 R=0.500 F1=0.500 expected=2 actual=2 ok", "1 passed, 0 failed"], 0),
    ("an expected table the rules do not declare fails, naming the tables there are",
     {"risks": ["file", "v"], "ratings": ["file", "v"]},
     {"a.txt": []},
     {"risk.csv": "file,v\n"},
     [], ["risk: FAIL: {rules} declares no table 'risk' (its tables: risks, ratings)", "0 passed, 1 failed"], 1),
]


def run_cases(rulerun, shared):
    have_csvscore = os.path.exists(os.path.join(shared, "tools", "csvscore.py"))
    if not have_csvscore:
        print(f"note: {shared}/tools/csvscore.py is not there: the figures are checked against the hand-worked ones only")
    for what, tables, rows, expected, opts, want, status in CASES:
        tmp = tempfile.mkdtemp(prefix="rr-score-")
        rules = os.path.join(tmp, "rules.lua")
        write(rules, rules_for(tables, rows))
        for report in rows:
            write(os.path.join(tmp, "reports", report), "报告\n")
        for name, spec in expected.items():
            text, bom, newline = spec if isinstance(spec, tuple) else (spec, False, "\n")
            write(os.path.join(tmp, "expected", name), text, bom, newline)
        out = os.path.join(tmp, "out")
        p = subprocess.run([rulerun, "test", "-q", *opts, rules, os.path.join(tmp, "reports"),
                            os.path.join(tmp, "expected"), "-o", out], capture_output=True, text=True)
        lines = p.stdout.splitlines()
        for w in want:
            check(w.replace("{rules}", rules) in lines, f"{what}: prints {w!r}", p.stdout + p.stderr)
        check(p.returncode == status, f"{what}: exit {status}", f"exit {p.returncode}: {p.stderr}")
        check(re.match(r"^\d+ passed, \d+ failed$", lines[-1] if lines else ""), f"{what}: the last line", p.stdout)
        if have_csvscore and os.path.isdir(out):
            theirs = figures(csvscore(shared, os.path.join(tmp, "expected"), out).stdout)
            ours = figures(p.stdout)
            check(ours == theirs, f"{what}: csvscore's figures", f"csvscore {theirs}\nrulerun  {ours}")
    # without -o the outputs go to a temporary directory that is removed
    tmp = tempfile.mkdtemp(prefix="rr-score-")
    write(os.path.join(tmp, "rules.lua"), rules_for({"t": ["file", "v"]}, {"a.txt": [("t", ["a.txt", "1"])]}))
    write(os.path.join(tmp, "reports", "a.txt"), "报告\n")
    write(os.path.join(tmp, "expected", "t.csv"), "file,v\na.txt,1\n")
    env = dict(os.environ, TMPDIR=os.path.join(tmp, "tmpdir"))
    os.makedirs(env["TMPDIR"])
    p = subprocess.run([rulerun, "test", os.path.join(tmp, "rules.lua"), os.path.join(tmp, "reports"),
                        os.path.join(tmp, "expected")], capture_output=True, text=True, env=env)
    check(p.returncode == 0 and p.stdout.endswith("1 passed, 0 failed\n") and os.listdir(env["TMPDIR"]) == [],
          "without -o: a temporary output directory, removed", (p.returncode, p.stdout, os.listdir(env["TMPDIR"])))
    check("rows: t 1" in p.stderr, "the run's yield on stderr", p.stderr)
    # usage errors exit 2
    p = subprocess.run([rulerun, "test", os.path.join(tmp, "rules.lua"), os.path.join(tmp, "reports")],
                       capture_output=True, text=True)
    check(p.returncode == 2 and "no EXPECTED_DIR given" in p.stderr, "test without EXPECTED_DIR", p.stderr)
    p = subprocess.run([rulerun, "test", os.path.join(tmp, "rules.lua"), os.path.join(tmp, "reports"),
                        os.path.join(tmp, "reports")], capture_output=True, text=True)
    check(p.returncode == 2 and "no expected table" in p.stderr, "an EXPECTED_DIR without tables", p.stderr)
    write(os.path.join(tmp, "quote", "t.csv"), 'file,v\n"a.txt"x,1\n')
    p = subprocess.run([rulerun, "test", os.path.join(tmp, "rules.lua"), os.path.join(tmp, "reports"),
                        os.path.join(tmp, "quote")], capture_output=True, text=True)
    check(p.returncode == 2 and "t.csv:2: text after the closing quote" in p.stderr,
          "a field that goes on after its closing quote is refused, naming the line", p.stderr)


# ---- random CSV files: librulerun (score_dirs) against csvscore, every digit ----

POOL = ["1,000", "1000.0", "１０００", "1_000", "1__0", " a ", "a", "a\u3000", "ｆｕｌｌ", "full", "\ufeffa", "ℌ",
        "H", "ﬁ", "fi", "", "nan", "NaN", "-nan", "-0", "0", "0.0", "1e5", "100000", "1E+05", "inf", "Infinity",
        "-inf", "infinit", "٣", "3", "3.0", '"q"', "a,b", "ab", "line\nbreak", "linebreak", "x\ry", "tab\there",
        "x\x0cy", "xy", "x\x1cy", "x\u2028y", "x\u200by", "x\u00a0y", "1.0e", ".", "1_", "_1", "1.", ".5", "0.5",
        "+.5", "1e1_0", "10000000000", "１２３,４５６", "123456", "1.23456789", "1.23457", "0x10", "16", "𝟏", "1",
        "x\x00y", 'a"b', ' "x"', 'x"', 'x""y', "ﾊﾝｶｸ", "ハンカク", "가", "가", "a¨b", "äb", "1.0000005",
        "1.000001", "12345678", "1.23457e+07", "  ", "\t", "file", "seq"]
COLS = ["file", "seq", "risk", "a", "b", "file ", "ｆｉｌｅ"]
FILES = ["a.txt", "b.txt", "dir/a.txt", "c.txt", " a.txt", "a.txt ", "x/b.txt", "１.txt", "1.txt", "001", "1"]


def random_csv(path, header, rows, r):
    """rows as CSV with a random line end, quoting, BOM, blank lines, end."""
    term = r.choice(["\n", "\r\n", "\r"])
    lines = [] if header is None else [header]
    if r.random() < 0.3:   # cells bare where they can be: quotes inside, spaces around
        def bare(c):
            return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ",\r\n") or c.startswith('"') else c
        s = "".join(",".join(map(bare, row)) + term for row in lines + rows)
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator=term, quoting=r.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        for row in lines + rows:
            w.writerow(row)
            if r.random() < 0.05:
                buf.write(term)
        s = buf.getvalue()
        if r.random() < 0.05:
            s = s.rstrip("\r\n")
        if r.random() < 0.05:
            s += '"unterminated'
    if r.random() < 0.2:
        s = "\ufeff" + s
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(s)


def random_case(seed, root):
    r = random.Random(seed)
    exp, act = os.path.join(root, f"{seed}-exp"), os.path.join(root, f"{seed}-act")
    os.makedirs(exp)
    os.makedirs(act)
    cell = lambda: r.choice(FILES) if r.random() < 0.3 else r.choice(POOL)
    for t in range(r.randint(1, 3)):
        name = r.choice(["t", "a-b", "a", "x.y"]) + str(t)
        eh = [r.choice(COLS) for _ in range(r.randint(0, 4))]
        if r.random() < 0.6 and "file" not in eh:
            eh.insert(0, "file")
        ah = r.sample(eh, len(eh)) + ([r.choice(COLS + ["extra"])] if r.random() < 0.3 else [])
        if r.random() < 0.1 and ah:
            ah.pop()
        erows = [[cell() for _ in eh] for _ in range(r.randint(0, 8))]
        arows = [[dict(zip(eh, row)).get(c, cell()) if r.random() < 0.85 else cell() for c in ah]
                 for row in erows if r.random() < 0.7] + [[cell() for _ in ah] for _ in range(r.randint(0, 3))]
        for side in (erows, arows):
            side += [list(r.choice(side)) for _ in range(r.randint(0, 2)) if side]
            side[:] = [row[:r.randint(0, len(row))] if r.random() < 0.05 else row for row in side]
        random_csv(os.path.join(exp, name + ".csv"), eh if r.random() > 0.03 else None, erows, r)
        if r.random() < 0.95:
            random_csv(os.path.join(act, name + ".csv"), ah, arows, r)
    if r.random() < 0.4:
        term = r.choice(["\n", "\r\n", "\r"])
        names = term.join(r.choice(FILES) + r.choice(["", " ", "\t"]) for _ in range(r.randint(0, 4)))
        with open(os.path.join(exp, "files.txt"), "w", encoding="utf-8", newline="") as f:
            f.write(("\ufeff" if r.random() < 0.2 else "") + names + r.choice(["", term]))
    return exp, act


def full_figures(text):
    """{table: figures} with P, R and F1 as floats; a table not compared as None."""
    out = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            out[m.group(1)] = tuple(map(float, m.group(2, 3, 4))) + m.group(5, 6)
        elif re.match(r"^(\S+): (MISSING|actual lacks|PROBLEM)", line):
            out[line.split(":")[0]] = None
    return out


def run_random(score_dirs, shared, n):
    root = tempfile.mkdtemp(prefix="rr-score-random-")
    compared = crashed = 0
    for seed in range(n):
        exp, act = random_case(seed, root)
        theirs = csvscore(shared, exp, act, full=True)
        if "Traceback" in theirs.stderr:      # csvscore's IndexError on a row shorter than the file column
            crashed += 1
            continue
        ours = subprocess.run([score_dirs, exp, act], capture_output=True, text=True).stdout
        compared += 1
        check(full_figures(ours) == full_figures(theirs.stdout), f"random case {seed} ({exp})",
              f"csvscore {full_figures(theirs.stdout)}\nrulerun  {full_figures(ours)}")
    print(f"{compared} random cases: the same figures to the last digit ({crashed} more that csvscore cannot score)")


def run_shared(rulerun, score_dirs, root, shared):
    if not os.path.isdir(os.path.join(shared, "reports")) or not os.path.isdir(os.path.join(shared, "real")):
        print(f"skipped: {shared}/reports or {shared}/real is not there")
        sys.exit(77)
    sets = [("weekly.lua", os.path.join(shared, "reports"), os.path.join(shared, "expected", "weekly"))]
    sets += [("research.lua", os.path.join(shared, "real", k), os.path.join(shared, "real", k + "-gold"))
             for k in ("lines", "stripped")]
    for rules, reports, expected in sets:
        out = tempfile.mkdtemp(prefix="rr-score-shared-")
        p = subprocess.run([rulerun, "test", "-q", os.path.join(root, "rules", rules), reports, expected, "-o", out],
                           capture_output=True, text=True)
        ours = figures(p.stdout)
        theirs = figures(csvscore(shared, expected, out).stdout)
        check(p.returncode in (0, 1) and ours, f"{rules} on {reports}: rulerun test scored", p.stdout + p.stderr)
        check(ours == theirs, f"{rules} on {reports}: the same figures as csvscore",
              f"csvscore {theirs}\nrulerun  {ours}")
        exact = subprocess.run([score_dirs, expected, out], capture_output=True, text=True).stdout
        check(full_figures(exact) == full_figures(csvscore(shared, expected, out, full=True).stdout),
              f"{rules} on {reports}: the same figures as csvscore to the last digit", exact)
        print(f"{rules} over {reports} against {expected}:")
        for table in sorted(ours):
            print(f"  {table}: rulerun test P={ours[table][0]} R={ours[table][1]} F1={ours[table][2]} "
                  f"expected={ours[table][3]} actual={ours[table][4]}; csvscore the same: {ours[table] == theirs.get(table)}")
    run_random(score_dirs, shared, 150)


def main():
    if sys.argv[1] == "cases":
        run_cases(sys.argv[2], sys.argv[3])
    else:
        run_shared(*sys.argv[2:6])
    clitest.finish()


main()
