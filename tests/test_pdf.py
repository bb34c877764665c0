#!/usr/bin/env python3
"""test_pdf.py RULERUN ROOT - PDF reports as a user meets them.

The project's sample reports are made into PDFs by LibreOffice headless
(fonts-noto-cjk for the Chinese), every rule file runs on the PDFs and on the
text versions, and the rows must be the same but for the differences listed
in KNOWN (each with its reason; docs/DECISIONS.md has them too).  Then bad
PDFs (encrypted, damaged, image-only, junk after a PDF header) are reported
and skipped while the good one still gives its rows, and a report of many
pages has its pages.  Skipped (77) without soffice or qpdf; in a build
without PDF support it checks only that a .pdf is reported with the option
it needs."""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

RULERUN, ROOT = sys.argv[1], sys.argv[2]
features = subprocess.run([RULERUN, "--version"], capture_output=True, text=True).stdout.split("features:")[-1]
if "pdf" not in features.split():      # "none (no pdf, no xlsx)" in a build without
    # all there is to test: a PDF is reported with the option it needs, the text still read
    d = tempfile.mkdtemp(prefix="rr-nopdf-")
    open(f"{d}/a.pdf", "wb").write(b"%PDF-1.4\n%%EOF\n")
    open(f"{d}/b.txt", "w", encoding="utf-8").write("风险提示\n1.甲。\n")
    p = subprocess.run([RULERUN, "-q", os.path.join(ROOT, "examples", "quickstart.lua"), d, "-o", f"{d}/out"],
                       capture_output=True, text=True)
    ok = p.returncode == 1 and "a.pdf: a PDF, and this rulerun was built without PDF support" in p.stderr \
        and "-Dpdf=enabled" in p.stderr and os.path.exists(f"{d}/out/risks.csv")
    print(("ok   " if ok else "FAIL ") + "a build without PDF support names the option a .pdf needs\n    " + p.stderr)
    sys.exit(0 if ok else 1)
for tool in ("soffice", "qpdf"):
    if not shutil.which(tool):
        print(f"{tool} not found (./bootstrap test installs it)")
        sys.exit(77)

# (rule file, examples folder, glob of the text versions)
CASES = [("weekly.lua", "reports", "*.txt"), ("deep.lua", "deep", "*.txt"),
         ("company.lua", "company", "*.txt"), ("converted.lua", "converted", "*.md")]
# Tables whose rows differ between the PDF and the text, and why.  Anything
# else that differs fails the test.
KNOWN = {
    ("reports", "quotes"): "the tab-separated quote table: reading order gives one block per column",
    ("reports", "recommendations"): "the tickers came from that quote table",
    ("reports", "ratings"): "the tab-separated rating table of semis_series: its 持有 row is lost",
    ("company", "forecasts"): "the space-aligned forecast table: reading order gives one block per column",
}

failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1
        print(f"    {detail}")


tmp = tempfile.mkdtemp(prefix="rr-pdf-")
profile = f"file://{tmp}/lo-profile"     # a profile of its own: soffice runs do not share one


def to_pdf(folder, names):
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--infilter=Text (encoded):UTF8,LF,,,", "--convert-to", "pdf", "--outdir", folder]
                   + [os.path.join(folder, n) for n in names], capture_output=True, timeout=300)


def rows(out):
    """Every table's rows, the file column without its extension."""
    got = {}
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name), encoding="utf-8", newline="") as f:
            got[name[:-4]] = [[re.sub(r"\.(txt|md|pdf)$", "", c) if i == 0 else c for i, c in enumerate(r)]
                              for r in list(csv.reader(f))[1:]]
    return got


def squeeze(table):
    return [[re.sub(r"\s", "", c) for c in r] for r in table]


def run(*args):
    return subprocess.run([RULERUN, "-q", "-j2", *args], capture_output=True, text=True)


# ---- the round trip ----------------------------------------------------------
summary = []
for rules, folder, glob in CASES:
    d = os.path.join(tmp, folder)
    shutil.copytree(os.path.join(ROOT, "examples", folder), d)
    texts = sorted(n for n in os.listdir(d) if n.endswith(glob[1:]))
    to_pdf(d, texts)
    pdfs = sorted(n for n in os.listdir(d) if n.endswith(".pdf"))
    check(len(pdfs) == len(texts), f"{folder}: LibreOffice made a PDF of each report", (texts, pdfs))
    want = run(os.path.join(ROOT, "rules", rules), "-g", glob, d, "-o", f"{tmp}/out-{folder}-text")
    got = run(os.path.join(ROOT, "rules", rules), d, "-g", "*.pdf", "-o", f"{tmp}/out-{folder}-pdf")
    check(want.returncode == 0 and got.returncode == 0, f"{folder}: both runs succeed", want.stderr + got.stderr)
    t, p = rows(f"{tmp}/out-{folder}-text"), rows(f"{tmp}/out-{folder}-pdf")
    for table in t:
        same = t[table] == p.get(table)
        spaced = not same and squeeze(t[table]) == squeeze(p.get(table, []))
        known = KNOWN.get((folder, table))
        summary.append(f"  {folder}/{table}: {len(t[table])} rows from the text, {len(p.get(table, []))} from the PDF"
                       + ("" if same else " (white space only: 6个月 is 6 个月 in the PDF)" if spaced
                          else f" (differs: {known})" if known else " (DIFFERS)"))
        check(same or spaced or known, f"{folder}/{table}: the PDF gives the text's rows",
              f"text: {t[table]}\n    pdf:  {p.get(table)}")
    for (f, table), why in KNOWN.items():
        if f == folder:
            check(t[table] != p.get(table), f"{folder}/{table}: the known difference is still there "
                                              "(remove it from KNOWN if it is gone)")
print("\n".join(summary))

# ---- bad PDFs are reported and skipped; the good one still goes through ------
bad = os.path.join(tmp, "bad")
os.makedirs(bad)
good = os.path.join(tmp, "reports", "semis_weekly_2025-03-07.pdf")
shutil.copy(good, f"{bad}/good.pdf")
subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", good, f"{bad}/encrypted.pdf"], check=True)
subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--extract=n", "--", good, f"{bad}/nocopy.pdf"], check=True)
data = open(good, "rb").read()
open(f"{bad}/damaged.pdf", "wb").write(data[:len(data) // 2])
open(f"{bad}/junk.pdf", "wb").write(b"%PDF-1.7\nnot a PDF at all\n")
# one page that is a picture and nothing else, as a scanner makes it
pixels = zlib.compress(bytes([0x80]) * 64 * 64)
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream",
        b"<< /Length 35 >>\nstream\nq 500 0 0 700 40 60 cm /Im0 Do Q\nendstream"]
pdf, offsets = bytearray(b"%PDF-1.4\n"), []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(f"{bad}/scanned.pdf", "wb").write(pdf)
p = run(os.path.join(ROOT, "rules", "weekly.lua"), bad, "-g", "*.pdf", "-o", f"{tmp}/out-bad")
check(p.returncode == 1, "bad PDFs: exit 1", p.returncode)
for name, why in [("encrypted.pdf", "an encrypted PDF (it needs a password to open), skipped"),
                  ("damaged.pdf", "a damaged PDF (poppler: "), ("junk.pdf", "a damaged PDF (poppler: "),
                  ("scanned.pdf", "a PDF with no text on its 1 page (scanned images? it needs OCR first")]:
    check(f"{name}: {why}" in p.stderr, f"{name} is reported with the reason", p.stderr)
risks = rows(f"{tmp}/out-bad")["risks"]
check({r[0] for r in risks} == {"good", "nocopy"}, "the good PDF and the one that forbids copying give rows",
      risks)

# ---- pages ------------------------------------------------------------------
long = os.path.join(tmp, "long")
os.makedirs(long)
body = open(os.path.join(ROOT, "examples", "reports", "semis_weekly_2025-03-07.txt"), encoding="utf-8").read()
open(f"{long}/long.txt", "w", encoding="utf-8").write("\n".join(f"第{i}段\n{body}" for i in range(1, 9)))
to_pdf(long, ["long.txt"])
with open(f"{tmp}/pages.lua", "w", encoding="utf-8") as f:
    f.write('''local rr = require "rulerun"
rr.table("pages", {"file", "pages", "page", "first", "last", "mark"})
rr.rule("pages", function(doc)
  for i = 1, doc.pages do
    local a, b = doc:page_span(i)
    local s, e = doc:find([[第\\d+段]], a)
    rr.emit("pages", {pages = doc.pages, page = i, first = doc:page_at(a), last = doc:page_at(b),
                      mark = s and doc:page_at(s) == i and doc:sub(s, e) or ""})
  end
end)
''')
os.remove(f"{long}/long.txt")
if shutil.which("pdftotext"):   # the same pages from pdftotext's text file (a form feed after each page)
    subprocess.run(["pdftotext", f"{long}/long.pdf", f"{long}/long-pdftotext.txt"], check=True)
p = run(f"{tmp}/pages.lua", long, "-g", "long*", "-o", f"{tmp}/out-pages")
pages = rows(f"{tmp}/out-pages")["pages"] if p.returncode == 0 else []
from_pdf = [r for r in pages if r[0] == "long"]
n = int(from_pdf[0][1]) if from_pdf else 0
info = subprocess.run(["pdfinfo", f"{long}/long.pdf"], capture_output=True, text=True).stdout \
    if shutil.which("pdfinfo") else ""
want_pages = int(re.search(r"Pages:\s+(\d+)", info).group(1)) if info else n
check(n > 1 and n == want_pages, "doc.pages is the PDF's number of pages", (n, want_pages, p.stderr))
check(all(r[3] == r[2] and r[4] == r[2] for r in from_pdf), "page_span(i) lies on page i by page_at",
      from_pdf)
if shutil.which("pdftotext"):
    txt = [r for r in pages if r[0] == "long-pdftotext"]
    check([r[1:] for r in txt] == [r[1:] for r in from_pdf], "pdftotext's text file has the same pages",
          (txt, from_pdf))

print(f"{failures} failed")
sys.exit(1 if failures else 0)
