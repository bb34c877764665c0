#!/usr/bin/env python3
"""test_exports.py LIBRULERUN.so RULERUN.h SOURCE_ROOT - the shared library
exports the public API and nothing else (every RR_API function of the header,
no internal rr_* or luaopen_* symbol), has a soname, and bakes in no path of
the source or build tree (the library must not look for one)."""
import re, subprocess, sys

lib, header, source_root = sys.argv[1:4]
text = open(header, encoding="utf-8").read()
declared = set(re.findall(r"^RR_API [^;(]*?\**\b(\w+)\(", text, re.M))
nm = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True)
# "rr_x@@RULERUN_0": the name without its version node (runtime/librulerun.map)
exported = {line.split()[-1].split("@")[0] for line in nm.stdout.splitlines()
            if len(line.split()) == 3 and line.split()[1] in "TDBRW"}
bad = 0
if not declared:
    print(f"{header}: no RR_API function found"); bad = 1
for name in sorted(exported - declared):
    print(f"{lib}: exports {name}, which rulerun.h does not declare with RR_API"); bad = 1
for name in sorted(declared - exported):
    print(f"{lib}: does not export {name} (declared in rulerun.h)"); bad = 1
dyn = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True, check=True).stdout
if "librulerun.so." not in dyn or "SONAME" not in dyn:
    print(f"{lib}: no versioned soname:\n{dyn}"); bad = 1
for section in (".rodata", ".data"):
    dump = subprocess.run(["readelf", "-p", section, lib], capture_output=True, text=True, errors="replace").stdout
    if source_root in dump:
        print(f"{lib}: {section} holds the source tree's path {source_root}"); bad = 1
print(f"{len(exported)} symbols exported, {len(declared)} declared")
sys.exit(bad)
