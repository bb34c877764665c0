#!/usr/bin/env python3
"""test_install.py BUILD_DIR SOURCE_ROOT - installs the build into a temporary
DESTDIR and builds examples/embed.c as a user of the package would
(cc embed.c $(pkg-config --cflags --libs rulerun)), then runs it on an example
report with the installed rules and stdlib: it must print the tables'
headers and rows.  Also checks the soname links and the man page."""
import os, shlex, shutil, subprocess, sys, tempfile

build, root = sys.argv[1:3]
dest = tempfile.mkdtemp(prefix="rulerun-install-")
try:
    subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    found = {}
    for d, _, files in os.walk(dest):
        for f in files + [x for x in os.listdir(d) if os.path.islink(os.path.join(d, x))]:
            found.setdefault(f, os.path.join(d, f))
    stdlib = [os.path.join(d, "lua") for d, subdirs, _ in os.walk(dest)
              if d.endswith("/share/rulerun") and os.path.isfile(os.path.join(d, "lua", "rulerun", "init.lua"))]
    bad = [f for f in ("rulerun.pc", "rulerun.h", "librulerun.so", "librulerun.so.0", "weekly.lua", "rulerun")
           if f not in found] + ([] if stdlib else ["share/rulerun/lua/rulerun/init.lua"])
    if bad:
        sys.exit(f"not installed: {', '.join(bad)}")
    if shutil.which("scdoc") and "rulerun.1" not in found:
        sys.exit("scdoc is there, but rulerun.1 was not installed")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(found["rulerun.pc"]), PKG_CONFIG_SYSROOT_DIR=dest)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "rulerun"], env=env, capture_output=True,
                           text=True, check=True).stdout
    exe = os.path.join(dest, "embed")
    cc = shlex.split(os.environ.get("CC", "cc"))
    cmd = cc + [os.path.join(root, "examples", "embed.c"), "-o", exe] + shlex.split(flags)
    print(" ".join(cmd))
    subprocess.run(cmd, check=True)
    run_env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(found["librulerun.so.0"]),
                   RULERUN_STDLIB=stdlib[0])
    ldd = subprocess.run(["ldd", exe], env=run_env, capture_output=True, text=True).stdout
    if dest not in ldd:
        sys.exit(f"embed does not use the installed library:\n{ldd}")
    report = os.path.join(root, "examples", "reports", "semis_weekly_2025-03-07.txt")
    out = subprocess.run([exe, found["weekly.lua"], report], env=run_env, capture_output=True, text=True)
    print(out.stderr, end="")
    if out.returncode != 0:
        sys.exit(f"embed exited {out.returncode}")
    lines = out.stdout.splitlines()
    headers = [l for l in lines if l.startswith("# ")]
    rows = [l for l in lines if l and not l.startswith("# ")]
    names = {h.split("\t")[0][2:] for h in headers}
    if not headers or not rows or any(r.split("\t")[0] not in names for r in rows):
        sys.exit("embed printed no tables or rows of unknown tables:\n" + out.stdout[:2000])
    print(f"installed into {dest}; embed built with pkg-config printed {len(headers)} tables, {len(rows)} rows")
finally:
    shutil.rmtree(dest, ignore_errors=True)
