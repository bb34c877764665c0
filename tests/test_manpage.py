#!/usr/bin/env python3
"""test_manpage.py RULERUN MANPAGE.scd - rulerun(1) covers every command and
every option `rulerun --help` lists (and --watch, --min-f1, --format, which
the commands take)."""
import re, subprocess, sys

exe, scd = sys.argv[1:3]
page = open(scd, encoding="utf-8").read()
help_text = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
options = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", help_text)) | set(re.findall(r"(?m)^\s+(-[a-z]),", help_text))
options |= {"--watch", "--min-f1", "--format"}
# an option is covered when an item of the page (a line starting with *) names it
missing = [o for o in sorted(options)
           if not re.search(r"(?m)^\*[^\n]*(?<![\w-])" + re.escape(o) + r"(?![\w-])", page)]
for cmd in ("check", "test", "explain"):
    if not re.search(r"\*" + cmd + r"\*", page):
        missing.append(f"the command {cmd}")
for m in missing:
    print(f"{scd}: does not cover {m}")
print(f"{len(options)} options checked")
sys.exit(1 if missing else 0)
