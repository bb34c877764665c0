"""clitest.py - what the CLI test scripts share: counted checks that report each failure, and files to write."""
import os
import sys

failures = 0
count = 0


def check(cond, what, detail=""):
    """Counts one check; a failed one is printed with what it was and detail."""
    global failures, count
    count += 1
    if not cond:
        failures += 1
        print(f"FAIL {what}\n    {detail}")


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        f.write(data)


def finish():
    """Prints the counts and exits 1 when a check failed."""
    print(f"{count - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)
