#!/usr/bin/env python3
"""bench_pdf.py RULERUN [--copies N] [--repeat R] - PDF pages per second (docs/PERFORMANCE.md, "PDF reports").

Makes PDFs from the project's sample reports (examples/, every format) with
LibreOffice headless, as tests/test_pdf.py does: one PDF per report (copied
--copies times: many short documents) and one long PDF of all of them
twenty times over (few long documents).  Runs rules/weekly.lua over each set
at -j1 and -j2, best of --repeat, and prints pages per second of wall time
and per CPU second (user + system of the run: steadier on a shared machine),
beside the same reports as text files."""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ap = argparse.ArgumentParser()
ap.add_argument("rulerun")
ap.add_argument("--copies", type=int, default=100)
ap.add_argument("--repeat", type=int, default=3)
a = ap.parse_args()
for tool in ("soffice", "pdfinfo"):
    if not shutil.which(tool):
        sys.exit(f"{tool} not found (./bootstrap test installs it)")
tmp = tempfile.mkdtemp(prefix="rr-bench-pdf-")
src = f"{tmp}/src"
os.makedirs(src)
texts = []
for d, _, files in sorted(os.walk(os.path.join(ROOT, "examples"))):
    for n in sorted(files):
        if n.endswith((".txt", ".md")):
            texts.append(open(os.path.join(d, n), encoding="utf-8").read())
for i, t in enumerate(texts):
    open(f"{src}/r{i}.txt", "w", encoding="utf-8").write(t)
open(f"{src}/long.txt", "w", encoding="utf-8").write("\n".join(texts * 20))
subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--infilter=Text (encoded):UTF8,LF,,,",
                "--convert-to", "pdf", "--outdir", src] + [f"{src}/{n}" for n in sorted(os.listdir(src))],
               capture_output=True, timeout=600)


def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


sets = {"short": (f"{tmp}/short", f"{tmp}/short-txt"), "long": (f"{tmp}/long", f"{tmp}/long-txt")}
for d in (*sets["short"], *sets["long"]):
    os.makedirs(d)
npages = {"short": 0, "long": 0}
for c in range(a.copies):
    for i in range(len(texts)):
        shutil.copy(f"{src}/r{i}.pdf", f"{tmp}/short/{c}-r{i}.pdf")
        shutil.copy(f"{src}/r{i}.txt", f"{tmp}/short-txt/{c}-r{i}.txt")
        npages["short"] += pages(f"{src}/r{i}.pdf") if c == 0 else 0
npages["short"] *= a.copies
for c in range(8):
    shutil.copy(f"{src}/long.pdf", f"{tmp}/long/{c}.pdf")
    shutil.copy(f"{src}/long.txt", f"{tmp}/long-txt/{c}.txt")
npages["long"] = 8 * pages(f"{src}/long.pdf")


def run(path, jobs):
    best_wall = best_cpu = None
    for _ in range(a.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        subprocess.run([a.rulerun, os.path.join(ROOT, "rules", "weekly.lua"), path, f"-j{jobs}", "-q",
                        "-o", f"{tmp}/out"], check=False)
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu


print(f"{'set':<6} {'files':>5} {'pages':>6} {'input':<5} {'-j':>2} {'wall s':>7} {'pages/s':>8} {'CPU s':>6} {'pages/CPU s':>11}")
for name, (pdf, txt) in sets.items():
    nfiles = len(os.listdir(pdf))
    for kind, path in (("pdf", pdf), ("text", txt)):
        for jobs in (1, 2):
            wall, cpu = run(path, jobs)
            print(f"{name:<6} {nfiles:>5} {npages[name]:>6} {kind:<5} {jobs:>2} {wall:>7.2f} {npages[name] / wall:>8.0f} "
                  f"{cpu:>6.2f} {npages[name] / cpu:>11.0f}")
shutil.rmtree(tmp)
