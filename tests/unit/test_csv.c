/* test_csv.c - CSV fields are quoted only where RFC 4180 needs it, and read back unchanged with libcsv. */
#include <csv.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "rr_internal.h"

typedef struct fields { char v[16][256]; int n; int rows; } fields;

static void on_field(void *s, size_t len, void *ud) {
  fields *f = ud;
  if (f->n < 16) {
    snprintf(f->v[f->n], sizeof f->v[f->n], "%.*s", (int)len, (const char *)s);
    f->n++;
  }
}
static void on_row(int c, void *ud) { (void)c; ((fields *)ud)->rows++; }

/* What a cell has always held for a number: %.0f when integral below 1e15, else %.14g. */
static void reference(char *out, size_t n, double d) {
  if (d == floor(d) && fabs(d) < 1e15) snprintf(out, n, "%.0f", d);
  else snprintf(out, n, "%.14g", d);
}

/* rr_format_number against the reference, over short decimals (the values
 * reports print), random doubles and the edges; returns the mismatches. */
static int number_mismatches(void) {
  static const double edges[] = {0.0, -0.0, 1e15, -1e15, 999999999999999.0, 1e-3, 9.99e-4, 1e8, 99999999.999999,
                                 0.1 + 0.2, 1.0 / 3, -5.33, 1e300, -1e-300, 5e-324, 123456.7890125};
  static const double powers[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  uint64_t x = 88172645463325252ULL;
  int bad = 0;
  char got[64], want[64];
  for (int i = 0; i < 600000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double d;
    if (i < (int)(sizeof edges / sizeof *edges)) d = edges[i];
    else if (i % 3 == 0) memcpy(&d, &x, sizeof d);  /* any bit pattern, NaN and inf included */
    else d = (double)(int64_t)(x % 2000000000000ULL - 1000000000000LL) / powers[(x >> 60) % 9];
    rr_format_number(got, sizeof got, d);
    reference(want, sizeof want, d);
    if (strcmp(got, want) != 0 && bad++ < 5) fprintf(stderr, "number %a: got %s, want %s\n", d, got, want);
  }
  return bad;
}

int main(void) {
  static const char *cells[] = {
    "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "", "=SUM(A1)", "007", "寒武纪、海光信息",
    " padded ", "12345678901234567890"};
  int n = (int)(sizeof cells / sizeof *cells);
  rr_buf b = {0};
  for (int i = 0; i < n; i++) {
    if (i) rr_buf_add(&b, ",", 1);
    CHECK(rr_csv_field(&b, cells[i], strlen(cells[i]), 0) == 0);
  }
  rr_buf_add(&b, "\n", 1);
  rr_buf_add(&b, "", 1);
  /* quoting only where needed */
  CHECK(strncmp(b.s, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",,=SUM(A1),007,", 60) == 0);
  /* round trip */
  struct csv_parser p;
  fields f = {0};
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
  CHECK(csv_parse(&p, b.s, b.len - 1, on_field, on_row, &f) == b.len - 1);
  csv_fini(&p, on_field, on_row, &f);
  csv_free(&p);
  CHECK(f.rows == 1);
  CHECK(f.n == n);
  for (int i = 0; i < n && i < f.n; i++) CHECK_STR(f.v[i], cells[i]);

  /* the --excel profile guards formula starts */
  rr_buf x = {0};
  CHECK(rr_csv_field(&x, "=1+1", 4, 1) == 0);
  rr_buf_add(&x, "|", 1);
  CHECK(rr_csv_field(&x, "-5,3", 4, 1) == 0);
  rr_buf_add(&x, "|", 1);
  CHECK(rr_csv_field(&x, "-1.35", 5, 1) == 0);      /* a number is no formula */
  rr_buf_add(&x, "|", 1);
  CHECK(rr_csv_field(&x, "000977", 6, 1) == 0);     /* a code keeps its zeros */
  rr_buf_add(&x, "|", 1);
  CHECK(rr_csv_field(&x, "000977", 6, 0) == 0);     /* the default profile writes it bare */
  rr_buf_add(&x, "", 1);
  CHECK_STR(x.s, "'=1+1|\"'-5,3\"|-1.35|\"=\"\"000977\"\"\"|000977");

  /* what a cell is to a spreadsheet */
  static const struct { const char *s; int kind; } kinds[] = {
    {"-1.35", RR_CELL_NUMBER}, {"0", RR_CELL_NUMBER}, {"0.5", RR_CELL_NUMBER}, {"12%", RR_CELL_NUMBER},
    {"2.5e3", RR_CELL_NUMBER}, {"123456789012345", RR_CELL_NUMBER}, {"000977", RR_CELL_CODE},
    {"1234567890123456", RR_CELL_CODE}, {"2025-03-07", RR_CELL_DATE}, {"2025-02-29", RR_CELL_TEXT},
    {"000977.SZ", RR_CELL_TEXT}, {"1,234", RR_CELL_TEXT}, {"-", RR_CELL_TEXT}, {"1.", RR_CELL_TEXT},
    {"-007", RR_CELL_TEXT}, {"", RR_CELL_TEXT}, {"1.2345678901234567", RR_CELL_TEXT}};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    CHECK(rr_cell_kind(kinds[i].s, strlen(kinds[i].s)).kind == kinds[i].kind);
  rr_buf_free(&b);
  rr_buf_free(&x);

  /* numbers are written as they always were, by a faster route */
  CHECK(number_mismatches() == 0);
  return CHECK_DONE();
}
