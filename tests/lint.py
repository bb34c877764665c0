#!/usr/bin/env python3
"""lint.py TOOL ARGS... - runs a linter (luacheck, cppcheck) in the current
directory and passes its verdict on; exit 77 (meson's "skipped") with a
message when the tool is not installed, so a machine without it still runs
the rest of the suite (./bootstrap test installs both)."""
import shutil
import subprocess
import sys

DEBIAN_PACKAGE = {"luacheck": "lua-check", "cppcheck": "cppcheck"}

tool = sys.argv[1]
if shutil.which(tool) is None:
    print(f"{tool} is not installed (Debian package {DEBIAN_PACKAGE.get(tool, tool)}): skipped")
    sys.exit(77)
status = subprocess.run([tool] + sys.argv[2:]).returncode
if status != 0:
    print(f"{tool}: findings above (fix them, or suppress one with its reason: .luacheckrc, "
          f"// cppcheck-suppress ID ; why)")
sys.exit(status)
