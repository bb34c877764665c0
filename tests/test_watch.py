#!/usr/bin/env python3
"""--watch: `rulerun --watch` and `rulerun test --watch` as subprocesses on a
temp folder.  After the first summary: an edited rule file (written in
place, then replaced by a rename as editors do), an edited report, a report
in a new subdirectory, a rule file that no longer loads (its error printed,
the watch goes on) and is mended; for test, an edited expected table moves
the F1.  Each change must be followed by a run whose lines give the rows and
their change; SIGINT ends the watch with exit 0.  Timeouts are generous and
nothing is timed."""
import os, queue, re, signal, subprocess, sys, tempfile, threading, time

RULERUN = sys.argv[1]
TIMEOUT = 60
failures = 0

RULES = """local rr = require "rulerun"
rr.table("risks", {"file", "seq", "risk"})
rr.rule("risks", function(doc)
  local sec = doc:section("风险提示")
  if not sec then return end
  for i, r in ipairs(sec:items{split = ";"}) do rr.emit("risks", {seq = i, risk = r}) end%s
end)
"""


def check(cond, what, detail=""):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL {what}\n    {detail}")
    return cond


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class Watch:
    """rulerun with --watch, its stdout and stderr read line by line."""

    def __init__(self, args):
        self.p = subprocess.Popen([RULERUN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out, self.err = queue.Queue(), []
        threading.Thread(target=self._read, args=(self.p.stdout, self.out.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.p.stderr, self.err.append), daemon=True).start()

    @staticmethod
    def _read(stream, put):
        for line in stream:
            put(line.rstrip("\n"))

    def run_lines(self, what, ntables=1):
        """The next run's tally: "run N:" and a line per table (of ntables),
        or the one line of a run that failed."""
        try:
            line = self.out.get(timeout=TIMEOUT)
            while not line.startswith("run "):
                line = self.out.get(timeout=TIMEOUT)
            lines = [line]
            if not line.endswith(")"):
                lines += [self.out.get(timeout=TIMEOUT) for _ in range(ntables)]
            return lines
        except queue.Empty:
            check(False, f"{what}: a run within {TIMEOUT} s", "\n".join(self.err))
            return []

    def said(self, test):
        """Whether a stderr line passes test within TIMEOUT (stderr is read
        by its own thread: it may come after the stdout line waited for)."""
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            if any(test(l) for l in list(self.err)):
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        try:
            return self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None


tmp = tempfile.mkdtemp(prefix="rr-watch-")
rules, reports, out = f"{tmp}/rules.lua", f"{tmp}/reports", f"{tmp}/out"
write(rules, RULES % "")
write(f"{reports}/a.txt", "风险提示\n技术不及预期；需求不及预期。\n")

w = Watch(["--watch", "--no-progress", rules, reports, "-o", out])
lines = w.run_lines("first run")
check(lines[:2] == ["run 1:", "  risks 2"], "the first run's tally", lines)

write(rules, RULES % '\n  rr.emit("risks", {seq = 0, risk = "总体"})')
lines = w.run_lines("rule file edited")
check("  risks 3 (+1)" in lines, "an edited rule file is loaded again", lines)

write(f"{reports}/a.txt", "风险提示\n技术不及预期；需求不及预期；政策风险。\n")
lines = w.run_lines("report edited")
check("  risks 4 (+1)" in lines, "an edited report runs again", lines)

write(f"{reports}/sub/b.txt", "风险提示\n汇率波动。\n")
lines = w.run_lines("new report in a new directory")
check("  risks 6 (+2)" in lines, "a report in a new subdirectory is taken", lines)

write(f"{reports}/notes.md", "not a report\n")      # not *.txt: no run
write(f"{tmp}/rules.lua.tmp", "this is not Lua (")
os.replace(f"{tmp}/rules.lua.tmp", rules)            # as editors save: a new file renamed over the old
lines = w.run_lines("rule file broken")
check(lines == ["run 5: failed (exit 2)"], "a rule file that does not load: no tally", lines)
check(w.said(lambda l: l.startswith(f"rulerun: {rules}:1:")), "its error is printed", "\n".join(w.err))
check(w.p.poll() is None, "the watch goes on after a rule file that does not load")

write(f"{tmp}/rules.lua.tmp", RULES % "")
os.replace(f"{tmp}/rules.lua.tmp", rules)
lines = w.run_lines("rule file mended")
check("  risks 4 (-2)" in lines, "the mended rule file runs, set beside the last good run", lines)
check(w.said(lambda l: "rules.lua changed: running again" in l), "the change is named", "\n".join(w.err))
write(f"{reports}/c.TXT", "风险提示\n竞争加剧。\n")   # the walk's default glob takes any case: so does the watch
lines = w.run_lines("a report the default glob takes in upper case")
check("  risks 5 (+1)" in lines, "a file the walk takes is watched as the walk takes it", lines)
status = w.stop()
check(status == 0, "SIGINT ends the watch with exit 0", status)
check(open(f"{out}/risks.csv", encoding="utf-8").read().count("\n") == 6, "the last run's output is there")
os.remove(f"{reports}/c.TXT")

# rulerun test --watch: the F1 per table and its change
expected = f"{tmp}/expected"
write(f"{expected}/risks.csv", "file,seq,risk\na.txt,1,技术不及预期\n")
w = Watch(["test", "--watch", "--no-progress", "-q", rules, reports, expected])
lines = w.run_lines("test: first run")
check(any(re.match(r"^  risks 4  F1 0\.500$", l) for l in lines), "test: rows and F1", lines)
write(f"{expected}/risks.csv", "file,seq,risk\na.txt,1,技术不及预期\na.txt,2,需求不及预期\n"
      "a.txt,3,政策风险\nsub/b.txt,1,汇率波动\n")
lines = w.run_lines("test: expected table edited")
check("  risks 4 (+0)  F1 1.000 (+0.500)" in lines, "test: the F1 moves with the expected table", lines)
status = w.stop()
check(status == 0, "test --watch: SIGINT exits 0", status)

print("FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
