#!/usr/bin/env python3
"""smoke.py FUZZER CORPUS MODE - the short fuzz run of the test suite.

MODE libfuzzer: FUZZER runs under libFuzzer for a few seconds on a copy of
CORPUS (so the source tree gets no new files); replay: the replay driver runs
CORPUS and a few seconds of mutations.  Fails when the target crashes."""
import os
import shutil
import subprocess
import sys
import tempfile

fuzzer, corpus, mode = sys.argv[1:4]
fuzzer = os.path.abspath(fuzzer)
seconds = os.environ.get("FUZZ_SECONDS", "10")
if not os.path.isdir(corpus) or not os.listdir(corpus):
    sys.exit(f"smoke: no corpus in {corpus}")
if mode == "libfuzzer":
    with tempfile.TemporaryDirectory(prefix="rr-fuzz-") as tmp:
        work = os.path.join(tmp, "corpus")
        shutil.copytree(corpus, work)
        cmd = [fuzzer, f"-max_total_time={seconds}", "-seed=1", "-timeout=20", "-rss_limit_mb=2048",
               "-print_final_stats=1", work]
        p = subprocess.run(cmd, cwd=tmp)
else:
    p = subprocess.run([fuzzer, "--seconds", str(float(seconds) / 2), corpus])
print(f"smoke: {os.path.basename(fuzzer)} ({mode}) exited {p.returncode}")
sys.exit(0 if p.returncode == 0 else 1)
