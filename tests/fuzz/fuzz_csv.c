/* fuzz_csv.c - the CSV writer: any fields, written as one row by
 * rr_csv_field, read back by libcsv, must come back byte for byte (with
 * --excel's quote before a would-be formula that is not a plain number, and
 * its ="..." around a code).  The input's first byte sets
 * --excel; 0xFF bytes (never in UTF-8) separate the fields. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rr_internal.h"

typedef struct readback {
  const uint8_t *fields[64];
  size_t lens[64];
  size_t nfields, got, rows;
  int excel, mismatch;
} readback;

static void on_field(void *s, size_t len, void *ud) {
  readback *r = ud;
  if (r->got >= r->nfields) {
    r->mismatch = 1;
    r->got++;
    return;
  }
  const uint8_t *want = r->fields[r->got];
  size_t wlen = r->lens[r->got++];
  const char *got = s;
  int kind = r->excel ? rr_cell_kind((const char *)want, wlen).kind : RR_CELL_TEXT;
  if (kind == RR_CELL_CODE) {                               /* ="000977" */
    if (len != wlen + 3 || memcmp(got, "=\"", 2) != 0 || got[len - 1] != '"') { r->mismatch = 1; return; }
    got += 2;
    len -= 3;
  } else if (r->excel && kind != RR_CELL_NUMBER && wlen && strchr("=+-@\t\r", want[0])) {   /* the formula guard */
    if (len == 0 || got[0] != '\'') { r->mismatch = 1; return; }
    got++;
    len--;
  }
  if (len != wlen || (len && memcmp(got, want, len) != 0)) r->mismatch = 1;
}

static void on_row(int c, void *ud) {
  (void)c;
  ((readback *)ud)->rows++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  readback r = {.excel = data[0] & 1};
  r.fields[0] = (const uint8_t *)"file.txt";    /* rows always start with a file column */
  r.lens[0] = 8;
  r.nfields = 1;
  const uint8_t *p = data + 1, *end = data + size;
  while (r.nfields < 64) {
    const uint8_t *sep = memchr(p, 0xFF, (size_t)(end - p));
    r.fields[r.nfields] = p;
    r.lens[r.nfields++] = (size_t)((sep ? sep : end) - p);
    if (!sep) break;
    p = sep + 1;
  }
  rr_buf row = {0};
  for (size_t i = 0; i < r.nfields; i++) {
    if (i && rr_buf_add(&row, ",", 1)) abort();
    if (rr_csv_field(&row, (const char *)r.fields[i], r.lens[i], r.excel)) abort();
  }
  if (rr_buf_add(&row, "\n", 1)) abort();
  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) abort();
  size_t used = csv_parse(&parser, row.s, row.len, on_field, on_row, &r);
  if (used != row.len || csv_fini(&parser, on_field, on_row, &r) != 0) abort();   /* not well formed */
  if (r.mismatch || r.got != r.nfields || r.rows != 1) abort();
  csv_free(&parser);
  rr_buf_free(&row);
  return 0;
}
