#!/usr/bin/env python3
"""docs/RULES.md names every public function: each `function M.x` and field of
the stdlib table (stdlib/rulerun/init.lua and the topic modules it installs
from stdlib/rulerun/), and each entry of the C modules' function lists."""
import os
import re
import sys

root = sys.argv[1]
doc = open(os.path.join(root, "docs", "RULES.md"), encoding="utf-8").read()
modules = os.path.join(root, "stdlib", "rulerun")
lua = open(os.path.join(modules, "init.lua"), encoding="utf-8").read()
# the topic modules, require("rulerun.x")(M, private), install their functions
# into the same M (other files there, such as check.lua, are modules of their own)
topics = re.findall(r'require\("rulerun\.(\w+)"\)\(M\b', lua)
if len(topics) < 2:
    print("stdlib/rulerun/init.lua installs no topic modules: has the facade changed shape?")
    sys.exit(1)
for name in topics:
    lua += "\n" + open(os.path.join(modules, name + ".lua"), encoding="utf-8").read()

names = set(re.findall(r"^function M\.(\w+)", lua, re.M))
table = re.search(r"^local M = \{(.*?)^\}", lua, re.M | re.S).group(1)
names |= set(re.findall(r"^\s+(\w+)\s*=", table, re.M))
names |= set(re.findall(r"^M\.(\w+)\s*=", lua, re.M))
missing = sorted(n for n in names if not re.search(r"rr\." + n + r"\b", doc))

# C modules: every name in a luaL_Reg list except metamethods
for c in ("regex.c", "document.c", "section.c", "tables.c", "gazetteer.c"):
    src = open(os.path.join(root, "runtime", c), encoding="utf-8").read()
    for n in re.findall(r'\{"(\w+)",\s*\w+\}', src):
        if n.startswith("__"):
            continue
        if not re.search(r"[.:]" + n + r"\b", doc):
            missing.append(f"{c}: {n}")

if missing:
    print("not in docs/RULES.md:", ", ".join(missing))
    sys.exit(1)
print(f"{len(names)} stdlib names and the C modules' functions are documented")
