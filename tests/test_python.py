#!/usr/bin/env python3
"""test_python.py RULERUN SOURCE_ROOT LIBRULERUN - python/rulerun.py over the
library gives the rows the CLI writes, row for row and cell for cell (the
example reports with rules/weekly.lua), a document in memory, and the errors;
with pandas (Debian's python3-pandas) when it can be imported, the
DataFrames equal the CSV files read by pandas (skipped with a message
otherwise)."""
import csv, os, subprocess, sys, tempfile

exe, root, lib = sys.argv[1:4]
os.environ["RULERUN_LIB"] = lib
sys.path.insert(0, os.path.join(root, "python"))
import rulerun  # noqa: E402

rules = os.path.join(root, "rules", "weekly.lua")
reports = os.path.join(root, "examples", "reports")
bad = []

def expect(cond, what):
    if not cond:
        bad.append(what)
        print("FAIL:", what)

with tempfile.TemporaryDirectory() as out:
    subprocess.run([exe, rules, reports, "-o", out, "-q", "--no-progress"], check=False)
    tables = rulerun.run(rules, [reports], jobs=2)
    pairs = rulerun.run(rules, reports, as_dicts=False, jobs=1)
    expect(list(tables) == list(pairs), "the same tables either way")
    total = 0
    for name in tables:
        with open(os.path.join(out, name + ".csv"), newline="", encoding="utf-8") as f:
            want = list(csv.reader(f))
        cols, rows = pairs[name]
        expect(cols == want[0], f"{name}: columns {cols} == CSV header {want[0]}")
        expect([list(r) for r in rows] == want[1:], f"{name}: rows equal the CSV's, in order")
        expect([[d[c] for c in cols] for d in tables[name]] == want[1:], f"{name}: dicts equal the CSV rows")
        total += len(rows)
    expect(total > 0, "some rows at all")
    print(f"{len(tables)} tables, {total} rows equal to the CLI's CSV files")

    # one document in memory, rules from a string
    src = ("local rr = require 'rulerun'\nrr.table('t', {'file', 'word'})\n"
           "rr.rule('w', function(doc) for w in rr.re.gmatch(doc, '[a-z]+') do rr.emit('t', {word = w}) end end)\n")
    got = rulerun.process("inline.lua", "ab, cd\n", name="m.txt", source=src)
    expect(got["t"] == [{"file": "m.txt", "word": "ab"}, {"file": "m.txt", "word": "cd"}], f"process: {got}")
    try:
        rulerun.process("broken.lua", "x", source="local rr = require 'rulerun'\nrr.nope()\n")
        expect(False, "a broken rule file raises")
    except rulerun.Error as e:
        expect(e.status == rulerun.RR_ERULES and "broken.lua:2:" in str(e), f"the error names the line: {e}")
    try:
        rulerun.run(rules, [reports], jobz=2)
        expect(False, "an unknown option raises")
    except TypeError as e:
        expect("jobz" in str(e), "the unknown option is named")

    try:
        import pandas
    except ImportError:
        print(f"pandas: skipped, not importable by {sys.executable} (Debian: apt-get install python3-pandas)")
    else:
        frames = rulerun.frames(rules, [reports])
        for name, df in frames.items():
            want = pandas.read_csv(os.path.join(out, name + ".csv"), dtype=str, keep_default_na=False)
            expect(df.equals(want), f"pandas: {name} equals read_csv of the CLI's file")
        print(f"pandas {pandas.__version__}: {len(frames)} DataFrames equal to read_csv")
sys.exit(1 if bad else 0)
