#!/usr/bin/env python3
"""run_bad.py RULERUN - hostile input, hostile rules, interrupted runs.

One case per kind of trouble a real folder or a colleague's rule file brings
(docs/TESTING.md lists them).  Every case runs rulerun over a folder that
holds good reports beside the bad thing and checks three things:
  - the exit code;
  - the message (a regular expression over stderr);
  - that every good report's rows are in the output (when the run writes
    output), or that the output of the run before is untouched and no temp
    file is left (when it must not write).
--list prints each case with what it produced (the closing note's table)."""
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RULERUN = os.path.abspath(sys.argv[1])
LIST = "--list" in sys.argv
ROOT = os.geteuid() == 0

GOOD = "某证券研究所 行业周报\n风险提示\n需求不及预期；技术迭代风险。\n"
GOOD_RISKS = ["需求不及预期", "技术迭代风险"]

RULES = '''local rr = require "rulerun"
rr.table("risks", {"file", "seq", "risk"})
rr.table("docs", {"file", "lines", "bytes"})
rr.rule("docs", function(doc)
  if doc.nlines > 0 then rr.emit("docs", {lines = doc.nlines, bytes = #doc.text}) end
end)
rr.rule("risks", function(doc)
  local sec = doc:section {"风险提示"}
  if not sec then return end
  for i, r in ipairs(sec:items {split = ";"}) do rr.emit("risks", {seq = i, risk = r}) end
end)
'''

# A rule that misbehaves only on documents whose name has "bad" in it.
def bad_rule(body):
    return RULES + 'rr.rule("bad", function(doc)\n  if doc.path:find("bad") then\n' + body + '\n  end\nend)\n'

PREVIOUS = "file,seq,risk\nprevious.txt,1,the run before\n"

tmp = tempfile.mkdtemp(prefix="rr-bad-")
os.chmod(tmp, 0o755)          # the permission cases run as nobody
results = []
failures = 0


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def rows(out, table):
    path = os.path.join(out, table + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def as_nobody():
    os.setgid(65534)
    os.setuid(65534)


def nobody_can_run():
    """The command and environment nobody runs (None when not root).  When
    nobody cannot reach the build tree (a clone under /root), a copy of the
    binary, its library and the stdlib goes into tmp."""
    if not ROOT:
        return None
    try:                       # can nobody run the binary and read the stdlib where they are?
        subprocess.run([RULERUN, "--version"], check=True, capture_output=True, preexec_fn=as_nobody)
        subprocess.run(["ls", os.environ.get("RULERUN_STDLIB", "/")], check=True, capture_output=True,
                       preexec_fn=as_nobody)
        return RULERUN, {}
    except (OSError, subprocess.CalledProcessError):
        pass
    copy = os.path.join(tmp, "nobody-bin")
    os.makedirs(os.path.join(copy, "runtime"))
    shutil.copy2(RULERUN, copy)
    lib_dir = os.path.join(os.path.dirname(RULERUN), "runtime")
    for f in os.listdir(lib_dir):
        if ".so" in f and os.path.isfile(os.path.join(lib_dir, f)):
            shutil.copy2(os.path.join(lib_dir, f), os.path.join(copy, "runtime"))
    shutil.copytree(os.environ["RULERUN_STDLIB"], os.path.join(copy, "stdlib"))
    for d, _, fs in os.walk(copy):
        os.chmod(d, 0o755)
        for f in fs:
            os.chmod(os.path.join(d, f), 0o755)
    return os.path.join(copy, os.path.basename(RULERUN)), {"RULERUN_STDLIB": os.path.join(copy, "stdlib")}


def run_case(name, files, rc, msg, args=(), rules=RULES, goods=("good.txt", "sub/good2.txt"),
             writes=None, check=None, user=False, signal_after=None, env=None, preexec=None,
             paths=None, out_mode=None):
    """files: rel -> bytes/str, or a function(dir) that makes the bad thing."""
    global failures
    case_dir = os.path.join(tmp, name)
    docs = os.path.join(case_dir, "docs")
    out = os.path.join(case_dir, "out")
    os.makedirs(docs)
    for g in goods:
        write(os.path.join(docs, g), GOOD)
    if callable(files):
        files(docs)
    else:
        for rel, data in files.items():
            write(os.path.join(docs, rel), data)
    write(os.path.join(case_dir, "rules.lua"), rules)
    write(os.path.join(out, "risks.csv"), PREVIOUS)
    if user:                   # nobody writes the output beside the case's files
        os.chmod(case_dir, 0o777)
        os.chmod(out, 0o777)
    if out_mode is not None:
        os.chmod(out, out_mode)
    exe, exe_env = NOBODY if user else (RULERUN, {})
    cmd = [exe, "rules.lua", *(paths(docs) if paths else [docs]),
           "-o", out, "-j2", "--no-progress", *args]
    e = dict(os.environ, **exe_env, **{k: v.replace("%DOCS%", docs) for k, v in (env or {}).items()})
    pre = as_nobody if user else preexec
    start = time.monotonic()
    if signal_after is not None:
        p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=e,
                             preexec_fn=pre, cwd=case_dir)
        time.sleep(signal_after[1])
        p.send_signal(signal_after[0])
        _, err = p.communicate(timeout=60)
        code = p.returncode
    else:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=e, preexec_fn=pre,
                           cwd=case_dir)
        err, code = p.stderr, p.returncode
    secs = time.monotonic() - start
    problems = []
    if code != rc:
        problems.append(f"exit {code}, wanted {rc}")
    m = re.search(msg, err, re.M) if msg else None
    if msg and not m:
        problems.append(f"no message matching {msg!r}")
    if writes is None:
        writes = rc in (0, 1)
    if writes:     # with several roots, names start with the root: compare within docs
        got = [[r[0][len(docs) + 1:] if r[0].startswith(docs + "/") else r[0]] + r[1:] for r in rows(out, "risks")]
        for g in goods:
            want = [[g, str(i + 1), r] for i, r in enumerate(GOOD_RISKS)]
            if any(w not in got for w in want):
                problems.append(f"rows of {g} missing")
    else:
        if open(os.path.join(out, "risks.csv"), encoding="utf-8").read() != PREVIOUS:
            problems.append("the previous output was changed")
        left = [f for f in os.listdir(out) if f.startswith(".")]
        if left:
            problems.append(f"temp files left: {left}")
    if check and not problems:
        why = check(out, err)
        if why:
            problems.append(why)
    shown = (m.group(0) if m else err.strip().split("\n")[0] if err.strip() else "(no message)")
    results.append((name, code, shown, secs))
    if problems:
        failures += 1
        print(f"FAIL {name}: {'; '.join(problems)}\n    stderr: {err.strip()[:1500]}")
    elif not LIST:
        print(f"ok   {name}")


TEXT = GOOD      # the bad files' text, where their encoding or shape is the trouble


def no_rows_for(name, silent=False):
    def check(out, err):
        for t in ("risks", "docs"):
            if any(r[0] == name for r in rows(out, t)):
                return f"{name} has rows in {t}"
        if silent and re.search("^" + re.escape(name), err, re.M):
            return f"a message about {name}: {err}"
    return check


def rows_for(name, n_risks=2, lines=None):
    def check(out, err):
        got = [r for r in rows(out, "risks") if r[0] == name]
        if [r[2] for r in got] != GOOD_RISKS[:n_risks]:
            return f"{name}: risks {got}"
        if lines is not None:
            d = [r for r in rows(out, "docs") if r[0] == name]
            if not d or d[0][1] != str(lines):
                return f"{name}: docs {d}"
    return check


NOBODY = nobody_can_run()

# ---- encodings ------------------------------------------------------------
run_case("utf8-bom", {"bad.txt": b"\xef\xbb\xbf" + TEXT.encode()}, 0, None, check=rows_for("bad.txt"))
run_case("utf16le-bom", {"bad.txt": b"\xff\xfe" + TEXT.encode("utf-16-le")}, 0, None, check=rows_for("bad.txt"))
run_case("utf16be-bom", {"bad.txt": b"\xfe\xff" + TEXT.encode("utf-16-be")}, 0, None, check=rows_for("bad.txt"))
run_case("gbk", {"bad.txt": TEXT.encode("gbk")}, 0, None, check=rows_for("bad.txt"))
run_case("gb18030-4byte", {"bad.txt": (TEXT + "€𠀀\n").encode("gb18030")}, 0, None, check=rows_for("bad.txt"))


def big5_all(docs):
    for rel in ("good.txt", "sub/good2.txt", "bad.txt"):
        write(os.path.join(docs, rel), "某證券研究所 行業週報\n風險提示\n需求不及預期；技術迭代風險。\n".encode("big5"))


run_case("encoding-forced", big5_all, 0, None, args=["--encoding", "BIG5"],
         rules=RULES.replace('"风险提示"', '"風險提示"'),
         goods=(), check=lambda out, err: None if len(rows(out, "risks")) == 6 else f"rows {rows(out, 'risks')}")
run_case("encoding-unknown", {}, 2, r"^rulerun: unknown encoding 'NOPE' \(iconv -l lists the names\)$",
         args=["--encoding", "NOPE"])
undecodable = "风险".encode("gbk") + b"\x80abc\xff"
run_case("undecodable", {"bad.txt": undecodable}, 1,
         r"^bad\.txt: neither UTF-8 \(bad byte at 0\) nor GB18030 \(bad byte at 4\), skipped; --encoding NAME reads it as NAME$",
         check=no_rows_for("bad.txt"))
cut = len(TEXT.split("\n")[0].encode()) + 1        # after the first line
damaged = TEXT.encode()[:cut] + b"\xff" + TEXT.encode()[cut:]
run_case("utf8-damaged", {"bad.txt": damaged}, 1, r"^bad\.txt: not valid UTF-8 at byte %d, skipped$" % cut,
         check=no_rows_for("bad.txt"))
run_case("utf16-odd-length", {"bad.txt": b"\xff\xfe" + TEXT.encode("utf-16-le") + b"!"}, 1,
         r"^bad\.txt: not valid UTF-16LE at byte %d, skipped$" % (2 + len(TEXT.encode("utf-16-le"))))
run_case("binary-nul", {"bad.txt": b"PK\x03\x04\x14\x00\x06\x00"}, 1,
         r"^bad\.txt: binary file, skipped \(a NUL byte at byte 5;", check=no_rows_for("bad.txt"))
run_case("image-as-txt", {"bad.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"}, 1,
         r"^bad\.txt: binary file, skipped \(a NUL byte at byte 8;")
run_case("utf16-without-bom", {"bad.txt": TEXT.encode("utf-16-le")}, 1,
         r"^bad\.txt: binary file, skipped \(a NUL byte at byte %d; UTF-16 needs a byte-order mark"
         % TEXT.encode("utf-16-le").index(b"\0"))

# ---- shapes of text ----------------------------------------------------------
run_case("empty-file", {"bad.txt": b""}, 0, None, check=no_rows_for("bad.txt", silent=True))
run_case("cr-only", {"bad.txt": TEXT.replace("\n", "\r").encode()}, 0, None, check=rows_for("bad.txt", lines=3))
run_case("crlf", {"bad.txt": TEXT.replace("\n", "\r\n").encode()}, 0, None, check=rows_for("bad.txt", lines=3))
run_case("single-line-50mb", {"bad.txt": ("风险提示 需求不及预期，" * 3_500_000).encode()[:50_000_000].rsplit(b"\xe9", 1)[0]},
         0, None, check=lambda out, err: None if [r for r in rows(out, "docs") if r[0] == "bad.txt" and r[1] == "1"]
         else "no docs row with 1 line for the 50 MB line")

# ---- the folder ----------------------------------------------------------------


def vanishing(docs):
    write(os.path.join(docs, "a-bad-remover.txt"), TEXT)
    write(os.path.join(docs, "c-victim.txt"), TEXT)


# with -j1 the walk has listed c-victim.txt before a-bad-remover.txt's rule deletes it
run_case("file-vanishes-mid-run", vanishing, 1,
         r"^c-victim\.txt: cannot read: No such file or directory, skipped$", args=["-j1", "--allow-io"],
         rules=bad_rule('    assert(os.remove(os.getenv("RR_DOCS") .. "/c-victim.txt"))'),
         env={"RR_DOCS": "%DOCS%"})
run_case("read-error-mid-read", {}, 1, r"^/proc/self/mem: cannot read: Input/output error, skipped$",
         paths=lambda docs: [docs, "/proc/self/mem"])
run_case("dangling-symlink", lambda d: os.symlink("/nonexistent/report.txt", os.path.join(d, "bad.txt")), 1,
         r"^bad\.txt: cannot read: No such file or directory \(a dangling symlink\?\)$")
run_case("fifo", lambda d: os.mkfifo(os.path.join(d, "bad.txt")), 1,
         r"^bad\.txt: not a regular file \(a named pipe\), skipped$")
run_case("symlink-loop", lambda d: os.symlink("..", os.path.join(d, "sub", "loop")), 1,
         r"^sub/loop: a symlink loop back to a directory above it, not followed$")


def unreadable(docs):
    write(os.path.join(docs, "bad.txt"), TEXT)
    os.chmod(os.path.join(docs, "bad.txt"), 0)


def unlistable(docs):
    write(os.path.join(docs, "locked", "bad.txt"), TEXT)
    os.chmod(os.path.join(docs, "locked"), 0)


run_case("permission-denied-file", unreadable, 1, r"^bad\.txt: cannot read: Permission denied, skipped$",
         user=ROOT)
run_case("permission-denied-directory", unlistable, 1,
         r"^locked: cannot list the directory: Permission denied$", user=ROOT)
run_case("name-in-gbk", lambda d: write(d.encode() + b"/" + "研报".encode("gbk") + b".txt", TEXT),
         0, None, check=rows_for("研报.txt"))
run_case("name-in-no-encoding", lambda d: write(d.encode() + b"/bad\xff\xfe.txt", TEXT),
         0, None, check=rows_for("bad\\xFF\\xFE.txt"))

# ---- rules that misbehave --------------------------------------------------------
BAD = {"bad.txt": TEXT}
run_case("rule-os-execute", BAD, 1,
         r"^bad\.txt: rules\.lua:\d+: rule 'bad': os\.execute is not allowed in rules \(rulerun --allow-io allows it\)$",
         rules=bad_rule('    os.execute("touch /tmp/rulerun-was-here")'),
         check=lambda out, err: "the command ran" if os.path.exists("/tmp/rulerun-was-here") else None)
# what the sandbox refuses: (case, the rule's line, the message after "rule 'bad' ... ")
REFUSED = [
    ("rule-io-popen", 'io.popen("ls")', r"io\.popen is not allowed in rules"),
    ("rule-io-open-write", 'io.open(doc.path .. ".written", "w")', r"io\.open with mode 'w' is not allowed in rules"),
    ("rule-require-c-module", 'require "lpeg"', r"module 'lpeg' not found"),
    ("rule-package-loadlib", 'package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")',
     r"package\.loadlib \(C modules\) is not allowed"),
    ("rule-load-bytecode", "assert(load(string.dump(function() end)))", r"attempt to load a binary chunk \(mode is 't'\)"),
    ("rule-debug", 'debug.sethook(print, "l")', r"debug is not allowed in rules"),
]
for name, line, msg in REFUSED:
    run_case(name, BAD, 1, r"^bad\.txt: (?:rules\.lua:\d+: )?rule 'bad'.*" + msg, rules=bad_rule("    " + line))
run_case("rule-allow-io", BAD, 0, None, args=["--allow-io"],
         rules=bad_rule('    local f = assert(io.open(doc.path .. ".written", "w")) f:write("x") f:close()'),
         check=lambda out, err: None if any(f.endswith(".written") for f in os.listdir(os.path.join(out, "..")))
         else "--allow-io did not let the rule write")
run_case("rule-endless-loop", BAD, 1,
         r"^bad\.txt: rules\.lua:\d+: rule 'bad': used up its budget of 1000000 Lua instructions for one document \(an endless loop\? rulerun --max-steps N changes it\)",
         args=["--max-steps", "1000000"], rules=bad_rule("    while true do end"))
run_case("rule-loop-in-pcall", BAD, 1, r"^bad\.txt: (?:rules\.lua:\d+: )?rule 'bad'.*used up its budget",
         args=["--max-steps", "1000000"],
         rules=bad_rule("    while true do pcall(function() while true do end end) end"))
run_case("rule-eats-memory", BAD, 1,
         r"^bad\.txt: rule 'bad' \(rules\.lua:\d+\): went over the memory limit of 64 MB for a Lua state",
         args=["--max-memory", "64"],
         rules=bad_rule('    local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end'))
run_case("rule-catastrophic-regex", {"bad.txt": TEXT + "a" * 100000 + "!\n"}, 1,
         r"^bad\.txt: (?:rules\.lua:\d+: )?rule 'bad'.*regex gave up searching from byte \d+: (match limit exceeded|JIT stack limit reached)",
         rules=bad_rule('    require("rulerun.re").find(doc.text, "(?m)^(a|aa)+$")'))
# a long line where the JIT would backtrack without counting: the interpreter's limit stops it
run_case("rule-backtracking-long-line", {"bad.txt": "正文\n;" + "不及预期" * 300000 + "\n"}, 1,
         r"^bad\.txt: (?:rules\.lua:\d+: )?rule 'bad'.*regex gave up searching from byte \d+: match limit exceeded",
         rules=bad_rule('    require("rulerun.re").find(doc.text, "(?m)^[^\\n]*(?:不及预期|风险)[^\\n]*;[^\\n]*;")'))
run_case("rule-runtime-error", BAD, 1, r"^bad\.txt: rules\.lua:\d+: rule 'bad': attempt to index a nil value",
         rules=bad_rule("    local x = nil; x.y = 1"))
run_case("rules-do-not-load", BAD, 2, r"^rulerun: .*rules\.lua:\d+: .*expected", rules="rr.table(\n")
run_case("rules-loop-while-loading", BAD, 2,
         r"^rulerun: rules\.lua:\d+: used up its budget of 1000000 Lua instructions",
         args=["--max-steps", "1000000"], rules=RULES + "while true do end\n")

# ---- output that survives ------------------------------------------------------------
SLOW = bad_rule("").replace('doc.path:find("bad")', "true") + \
    'rr.rule("slow", function(doc) local t = os.clock() while os.clock() - t < 0.05 do end end)\n'


def many(docs):
    for i in range(200):
        write(os.path.join(docs, f"r{i:03d}.txt"), TEXT)


run_case("sigint", many, 130, r"^rulerun: SIGINT: interrupted after \d+ documents; no output was changed$",
         rules=SLOW, signal_after=(signal.SIGINT, 1.0))
run_case("sigterm", many, 143, r"^rulerun: SIGTERM: interrupted after \d+ documents; no output was changed$",
         rules=SLOW, signal_after=(signal.SIGTERM, 1.0))


run_case("output-dir-unwritable", BAD, 2, r"^rulerun: .*/out: cannot write: Permission denied$",
         user=ROOT, out_mode=0o555)


def limit_file_size():
    import resource
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def lots(docs):
    for i in range(100):
        write(os.path.join(docs, f"r{i:03d}.txt"), TEXT)


run_case("disk-full", lots, 2, r"^rulerun: .*write failed: File too large \(no output was changed\)$",
         preexec=limit_file_size)

shutil.rmtree(tmp, ignore_errors=True)
if LIST:
    for name, code, shown, secs in results:
        print(f"| {name} | {code} | {shown} |")
print(f"{len(results) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
