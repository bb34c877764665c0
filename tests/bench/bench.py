#!/usr/bin/env python3
"""The rulerun benchmark: rulerun side by side with the Python peer, ripgrep and cat.

usage: tests/bench/bench.py [--files N] [--runs R] [--big MB] [--oneline MB] [--corpus DIR] [--rulerun PATH]

Builds the corpus with ../shared/bench/gen_corpus.py (40,000 files, ~420 MB by
default; --files N for a quick run) under build/bench/ (kept between runs),
warms the page cache, runs every line R times (default 3) and prints the
median wall time, MB/s, peak RSS, and each line's ratio to the Python peer
(how many times faster) and to ripgrep (how many times slower).  It then
checks that rulerun's output is byte-identical at -j1 and on all cores, runs
one big report (--big MB, default 200: corpus files concatenated) and one
report without line breaks (--oneline MB, default 30: the same with every
line break taken out), prints the ratios issue 15 names (weekly.lua and
research.lua against the do-nothing rule, all cores against one, the peer
against weekly.lua) and checks the targets of issues 4 and 15.  research.lua
runs over ../shared/real/stripped (skipped when absent).  Exit status 1 if
outputs differ, 0 otherwise (a missed target is reported, not an error: the
figures are the result).
"""
import argparse, filecmp, os, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
RG_PATTERN = "建议关注|风险提示|投资评级"
WORK = os.path.join(ROOT, "build", "bench")


def run_once(cmd, peakrss):
    """(wall seconds, peak RSS in MB) of cmd.  Its output goes to a file, not
    /dev/null: ripgrep notices /dev/null and stops at the first match."""
    rss_file = os.path.join(WORK, "peakrss")
    with open(os.path.join(WORK, "stdout"), "wb") as sink:
        t0 = time.perf_counter()
        p = subprocess.run([peakrss, rss_file] + cmd, stdout=sink, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):   # ripgrep exits 1 when nothing matched
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr.decode('utf-8', 'replace')}")
    return wall, int(open(rss_file).read()) / 1024.0


def measure(cmd, runs, peakrss):
    res = [run_once(cmd, peakrss) for _ in range(runs)]
    return statistics.median(w for w, _ in res), max(r for _, r in res)


def corpus_bytes(d):
    n = 0
    for dp, _, fs in os.walk(d):
        for f in fs:
            n += os.path.getsize(os.path.join(dp, f))
    return n


def build_corpus(d, files):
    stamp = d + ".files"   # beside the corpus, so every program sees the same files
    if os.path.exists(stamp) and open(stamp).read() == str(files):
        return
    shutil.rmtree(d, ignore_errors=True)
    print(f"bench: building the corpus ({files} files) in {d} ...", file=sys.stderr)
    subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_corpus.py"), d, "--files", str(files)],
                   check=True)
    open(stamp, "w").write(str(files))


def warm(d):
    for dp, _, fs in os.walk(d):
        for f in fs:
            with open(os.path.join(dp, f), "rb") as fh:
                while fh.read(1 << 20):
                    pass


def build_big(corpus, path, mb, one_line=False):
    """One report of about mb MB: the corpus files concatenated, in path order
    (one_line: with every line break taken out)."""
    want = mb * 1000 * 1000
    if os.path.exists(path) and os.path.getsize(path) >= want:
        return
    files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(corpus) for f in fs if f.endswith(".txt"))
    n = 0
    with open(path + ".tmp", "wb") as out:
        while n < want:
            for f in files:
                data = open(f, "rb").read()
                if one_line:
                    data = data.replace(b"\r", b"").replace(b"\n", b"")
                out.write(data)
                n += len(data)
                if n >= want:
                    break
    os.replace(path + ".tmp", path)


def run_big(work, corpus, name, mb, one_line, cmd, runs, peakrss):
    """Builds (once) and runs cmd + [the big report]: (MB, median s, peak RSS MB)."""
    d = os.path.join(work, f"{name}-{mb}")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name + ".txt")
    build_big(corpus, path, mb, one_line)
    warm(d)
    size = os.path.getsize(path) / 1e6
    print(f"bench: one {size:.0f} MB report{' without line breaks' if one_line else ''} ...", file=sys.stderr)
    w, rss = measure(cmd(path), runs, peakrss)
    return size, w, rss


def same_outputs(a, b):
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return False
    return all(filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False) for n in names)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=40000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big", type=int, default=200, help="MB of the single big report (0: skip)")
    ap.add_argument("--oneline", type=int, default=30, help="MB of the report without line breaks (0: skip)")
    ap.add_argument("--corpus", help="corpus folder (default build/bench/corpus-N)")
    ap.add_argument("--rulerun", default=os.path.join(ROOT, "build", "rulerun"))
    args = ap.parse_args()
    peakrss = os.path.join(os.path.dirname(args.rulerun), "tests", "peakrss")
    if not os.access(peakrss, os.X_OK):
        sys.exit(f"bench: {peakrss} is missing: build first (ninja -C build)")
    if not os.path.isdir(SHARED):
        sys.exit(f"bench: needs {SHARED} (gen_corpus.py and peer_extract.py)")
    rg = shutil.which("rg")
    if not rg:
        sys.exit("bench: needs ripgrep (apt-get install ripgrep)")
    work = WORK
    corpus = args.corpus or os.path.join(work, f"corpus-{args.files}")
    os.makedirs(work, exist_ok=True)
    build_corpus(corpus, args.files)
    size = corpus_bytes(corpus)
    mb = size / 1e6
    cores = os.cpu_count() or 1
    warm(corpus)
    rulerun = [args.rulerun, "-q", "--no-progress"]
    weekly = os.path.join(ROOT, "rules", "weekly.lua")
    nothing = os.path.join(HERE, "nothing.lua")
    peer = os.path.join(SHARED, "bench", "peer_extract.py")
    out = lambda name: os.path.join(work, "out-" + name)
    lines = [
        ("rulerun -j1 weekly.lua", rulerun + ["-j1", weekly, corpus, "-o", out("j1")]),
        (f"rulerun -j{cores} weekly.lua", rulerun + [f"-j{cores}", weekly, corpus, "-o", out("jn")]),
        ("rulerun -j1 do-nothing rule", rulerun + ["-j1", nothing, corpus, "-o", out("nothing")]),
        ("python peer, 1 process", [sys.executable, peer, corpus, out("peer1")]),
        (f"python peer, {cores} processes", [sys.executable, peer, "-j", str(cores), corpus, out("peern")]),
        ("rg -j1 -c", [rg, "-j1", "-c", "--no-ignore", RG_PATTERN, corpus]),   # build/ is git-ignored
        ("cat > /dev/null", ["sh", "-c", 'find "$1" -type f -exec cat {} + >/dev/null', "sh", corpus]),
    ]
    stripped = os.path.join(SHARED, "real", "stripped")
    research = os.path.join(ROOT, "rules", "research.lua")
    if os.path.isdir(stripped):
        warm(stripped)
        lines += [
            ("research.lua, real/stripped", rulerun + ["-j1", research, stripped, "-o", out("research")]),
            ("do-nothing rule, real/stripped", rulerun + ["-j1", nothing, stripped, "-o", out("nothing-r")]),
        ]
    res = {}
    for name, cmd in lines:
        print(f"bench: {name} ...", file=sys.stderr)
        res[name] = measure(cmd, args.runs, peakrss)
    peer1 = res["python peer, 1 process"][0]
    rgt = res["rg -j1 -c"][0]
    print(f"\ncorpus: {args.files} files, {mb:.1f} MB, {cores} cores; median of {args.runs} runs, warm cache\n")
    print(f"| {'what':32} | {'wall s':>8} | {'MB/s':>8} | {'peak RSS MB':>11} | {'× faster than peer':>18} | {'× rg time':>9} |")
    print(f"|{'-' * 34}|{'-' * 10}:|{'-' * 10}:|{'-' * 13}:|{'-' * 20}:|{'-' * 11}:|")
    for name, _ in lines[:7]:
        w, rss = res[name]
        print(f"| {name:32} | {w:8.3f} | {mb / w:8.1f} | {rss:11.1f} | {peer1 / w:18.1f} | {w / rgt:9.2f} |")
    if len(lines) > 7:
        smb = corpus_bytes(stripped) / 1e6
        print(f"\nreal/stripped ({smb:.1f} MB), -j1:")
        for name, _ in lines[7:]:
            w, rss = res[name]
            print(f"  {name:32} {w:8.3f} s {smb / w:8.1f} MB/s  peak RSS {rss:.1f} MB")

    identical = same_outputs(out("j1"), out("jn"))
    print(f"\noutput -j1 vs -j{cores}: {'byte-identical' if identical else 'DIFFERENT'}")

    big = oneline = None
    weekly_on = lambda name: (lambda path: rulerun + ["-j1", weekly, path, "-o", out(name)])
    if args.big:
        big = run_big(work, corpus, "big", args.big, False, weekly_on("big"), args.runs, peakrss)
        bsize, w, rss = big
        print(f"one report of {bsize:.1f} MB, -j1 weekly.lua: {w:.3f} s, {bsize / w:.1f} MB/s, peak RSS {rss:.1f} MB")
    if args.oneline:
        oneline = run_big(work, corpus, "oneline", args.oneline, True, weekly_on("oneline"), args.runs, peakrss)
        osize, w, rss = oneline
        print(f"one report of {osize:.1f} MB without line breaks, -j1 weekly.lua: {w:.3f} s, "
              f"{osize / w:.1f} MB/s, peak RSS {rss:.1f} MB ({rss / osize:.2f}x its size)")

    j1, jn, none = (res["rulerun -j1 weekly.lua"], res[f"rulerun -j{cores} weekly.lua"],
                    res["rulerun -j1 do-nothing rule"])
    research_ratio = None
    if "research.lua, real/stripped" in res:
        research_ratio = res["research.lua, real/stripped"][0] / res["do-nothing rule, real/stripped"][0]
    print("\nratios (issue 15, medians of this run):")
    print(f"  weekly.lua -j1 / do-nothing rule: {j1[0] / none[0]:.2f}x")
    if research_ratio:
        print(f"  research.lua / do-nothing rule over real/stripped: {research_ratio:.2f}x")
    print(f"  -j{cores} / -j1 (speed-up): {j1[0] / jn[0]:.2f}x")
    print(f"  python peer (1 process) / weekly.lua -j1: {peer1 / j1[0]:.2f}x")
    targets = [
        ("weekly -j1 >= 50x the peer (1 process)", peer1 / j1[0] >= 50, f"{peer1 / j1[0]:.1f}x"),
        ("do-nothing <= 2x rg -j1", none[0] / rgt <= 2, f"{none[0] / rgt:.2f}x"),
        ("weekly -j1 <= 4x rg -j1", j1[0] / rgt <= 4, f"{j1[0] / rgt:.2f}x"),
        (f"-j{cores} >= 1.8x -j1", j1[0] / jn[0] >= 1.8, f"{j1[0] / jn[0]:.2f}x"),
        ("peak RSS <= 64 MB", max(j1[1], jn[1], none[1]) <= 64, f"{max(j1[1], jn[1], none[1]):.1f} MB"),
        ("output identical across -j", identical, "yes" if identical else "no"),
    ]
    if big:
        bsize, w, rss = big
        limit = 2.5 * bsize + 64
        targets.append((f"big report RSS <= 2.5 x size + 64 MB ({limit:.0f} MB)", rss <= limit, f"{rss:.1f} MB"))
        ratio = (bsize / w) / (mb / j1[0])
        targets.append(("big report speed within 20% of many files", ratio >= 0.8, f"{ratio:.2f} of the MB/s"))
    targets.append(("weekly -j1 <= 4x the do-nothing rule (issue 15)", j1[0] / none[0] <= 4, f"{j1[0] / none[0]:.2f}x"))
    if research_ratio:
        targets.append(("research.lua <= 5x the do-nothing rule on real/stripped", research_ratio <= 5,
                        f"{research_ratio:.2f}x"))
    if oneline:
        osize, w, rss = oneline
        targets.append((f"one-line report peak RSS <= 3x its size ({3 * osize:.0f} MB)", rss <= 3 * osize, f"{rss:.1f} MB"))
    print("\ntargets:")
    for what, ok, fig in targets:
        print(f"  {'met   ' if ok else 'MISSED'} {what}: {fig}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
