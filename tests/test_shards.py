#!/usr/bin/env python3
"""test_shards.py RULERUN ROOT - a sharded job through GNU parallel equals one plain run, byte for byte.

rules/weekly.lua runs over the project's sample reports (examples/, every
format) as four shards (--shard K/4) started by GNU parallel, and `rulerun
merge` joins their directories; every table must be the plain run's, byte
for byte, with --excel too and for JSON-lines input.  A shard's documents
are every fourth of the input order, and merge refuses shards that do not
fit together.  Skipped (77) without GNU parallel (Debian's parallel)."""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import json
import shlex

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, finish, write  # noqa: E402

RULERUN, ROOT = sys.argv[1], sys.argv[2]
if not shutil.which("parallel"):
    print("GNU parallel not found (Debian's parallel; ./bootstrap test installs it)")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="rr-shards-")
RULES = os.path.join(ROOT, "rules", "weekly.lua")
EXAMPLES = os.path.join(ROOT, "examples")


def same_dirs(a, b):
    if not os.path.isdir(a):
        return False, f"no {a}"
    names = sorted(n for n in os.listdir(b))
    got = sorted(n for n in os.listdir(a))
    bad = [n for n in names if not filecmp.cmp(f"{a}/{n}", f"{b}/{n}", shallow=False)]
    return got == names and not bad, f"{got} vs {names}, differing: {bad}"


def sharded(name, inputs, extra=()):
    """Runs the shards through GNU parallel, merges them; (merge's process, the merged dir)."""
    cmd = [RULERUN, RULES, *inputs, "-q", "-j1", *extra, "--shard", "{}/4", "-o", f"{tmp}/{name}-{{}}"]
    p = subprocess.run(["parallel", "--will-cite", "--halt", "never", "-j2", " ".join(shlex.quote(c) if c != "{}/4" and "{}" not in c else c for c in cmd), ":::", "1", "2", "3", "4"],
                       capture_output=True)
    check(p.returncode in (0, 1, 2, 3, 4), f"{name}: GNU parallel ran the four shards", p.stderr.decode()[-500:])
    m = subprocess.run([RULERUN, "merge", *(f"{tmp}/{name}-{k}" for k in (3, 1, 4, 2)), "-o", f"{tmp}/{name}-merged"],
                       capture_output=True)
    return m, f"{tmp}/{name}-merged"


def plain(name, inputs, extra=()):
    subprocess.run([RULERUN, RULES, *inputs, "-q", *extra, "-o", f"{tmp}/{name}-plain"], capture_output=True)
    return f"{tmp}/{name}-plain"


inputs = [EXAMPLES, "-g", "*.{txt,md}"]
m, merged = sharded("txt", inputs)
ok, why = same_dirs(merged, plain("txt", inputs))
check(m.returncode == 0 and ok, "four shards merged = one plain run, byte for byte", m.stderr.decode() + why)
n = sum(1 for _ in open(f"{tmp}/txt-1/shard.rulerun")) - 2
total = sum(sum(1 for _ in open(f"{tmp}/txt-{k}/shard.rulerun")) - 2 for k in (1, 2, 3, 4))
check(n > 1 and total > 4 and all(abs(n - (sum(1 for _ in open(f"{tmp}/txt-{k}/shard.rulerun")) - 2)) <= 1
                                  for k in (2, 3, 4)),
      "every fourth document: the shards differ by at most one document", f"{n} of {total}")

m, merged = sharded("excel", inputs, ["--excel"])
ok, why = same_dirs(merged, plain("excel", inputs, ["--excel"]))
check(m.returncode == 0 and ok, "--excel shards (BOM, CRLF, quoted line breaks) merge byte for byte",
      m.stderr.decode() + why)

# JSON lines in: the sample reports as one corpus.jsonl, one document a line
corpus = f"{tmp}/corpus.jsonl"
with open(corpus, "w", encoding="utf-8") as f:
    for d, _, files in sorted(os.walk(EXAMPLES)):
        for name in sorted(files):
            if name.endswith((".txt", ".md")):
                text = open(os.path.join(d, name), encoding="utf-8", errors="replace").read()
                f.write(json.dumps({"name": name, "text": text}, ensure_ascii=False) + "\n")
jl = [corpus, "--jsonl-text", "text", "--jsonl-name", "name"]
m, merged = sharded("jsonl", jl)
ok, why = same_dirs(merged, plain("jsonl", jl))
check(m.returncode == 0 and ok, "shards of a JSON-lines corpus merge byte for byte", m.stderr.decode() + why)

# merge refuses what does not fit together
p = subprocess.run([RULERUN, "merge", f"{tmp}/txt-1", f"{tmp}/txt-2", f"{tmp}/txt-3", "-o", f"{tmp}/bad"],
                   capture_output=True, text=True)
check(p.returncode == 2 and "every shard 1/N ... N/N is needed" in p.stderr and not os.path.exists(f"{tmp}/bad/risks.csv"),
      "a missing shard: refused, nothing written", p.stderr)
p = subprocess.run([RULERUN, "merge", f"{tmp}/txt-1", f"{tmp}/excel-2", f"{tmp}/txt-3", f"{tmp}/txt-4",
                    "-o", f"{tmp}/bad"], capture_output=True, text=True)
check(p.returncode == 2 and "another header than the first shard's" in p.stderr, "shards of other options: refused",
      p.stderr)
p = subprocess.run([RULERUN, "merge", f"{tmp}/txt-plain", "-o", f"{tmp}/bad"], capture_output=True, text=True)
check(p.returncode == 2 and "shard.rulerun" in p.stderr, "a plain run's directory is no shard", p.stderr)
p = subprocess.run([RULERUN, RULES, EXAMPLES, "--shard", "5/4"], capture_output=True, text=True)
check(p.returncode == 2 and "--shard wants K/N" in p.stderr, "--shard 5/4 is a usage error", p.stderr)
p = subprocess.run([RULERUN, RULES, EXAMPLES, "--shard", "1/2", "-o", "-"], capture_output=True, text=True)
check(p.returncode == 2 and "--shard writes a CSV directory" in p.stderr, "--shard with JSON lines out: said why",
      p.stderr)

finish()
