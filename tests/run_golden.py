#!/usr/bin/env python3
"""Golden cases: each folder under tests/golden holds `args` (the rulerun
arguments, with {root} for the project and {case} for the folder) and
expected/*.csv.  Each runs as `rulerun test ARGS... expected/`, which must
pass every table (F1 1), and its outputs must be exactly those files, byte
for byte, at -j1 and at -j4 (output order never depends on threads)."""
import os, subprocess, sys, tempfile

def run_case(rulerun, root, case):
    with open(os.path.join(case, "args"), encoding="utf-8") as f:
        args = f.read().replace("{root}", root).replace("{case}", case).split()
    expected_dir = os.path.join(case, "expected")
    want = sorted(n for n in os.listdir(expected_dir) if n.endswith(".csv"))
    outputs = []
    for jobs in ("1", "4"):
        out = tempfile.mkdtemp(prefix="golden-")
        p = subprocess.run([rulerun, "test", "-q", "-j", jobs, "-o", out] + args + [expected_dir],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return [f"rulerun test exited {p.returncode} at -j{jobs}:\n{p.stdout}{p.stderr.strip()}"]
        if not p.stdout.endswith(f" passed, 0 failed\n") or p.stdout.startswith("0 passed"):
            return [f"rulerun test at -j{jobs} says:\n{p.stdout}"]
        got = sorted(n for n in os.listdir(out) if n.endswith(".csv"))
        outputs.append({n: open(os.path.join(out, n), "rb").read() for n in got})
    errors = []
    if outputs[0] != outputs[1]:
        errors.append("-j1 and -j4 outputs differ")
    got = outputs[0]
    if sorted(got) != want:
        errors.append(f"files: got {sorted(got)}, want {want}")
    for n in want:
        exp = open(os.path.join(expected_dir, n), "rb").read()
        if got.get(n) != exp:
            errors.append(f"{n} differs:\n--- want\n{exp.decode()}\n--- got\n{(got.get(n) or b'').decode()}")
    return errors

def main():
    rulerun, golden = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(golden)))
    cases = sorted(d for d in os.listdir(golden) if os.path.isdir(os.path.join(golden, d)))
    failed = 0
    for c in cases:
        errs = run_case(rulerun, root, os.path.join(golden, c))
        print(f"{'ok' if not errs else 'FAIL'} {c}")
        for e in errs:
            print("   ", e)
        failed += bool(errs)
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not cases else 0)

main()
