/* xlsx.c - -o out.xlsx: one workbook, a sheet per table, cells typed as a spreadsheet user expects.
 *
 * Each cell is typed by rr_cell_kind (cells.c), the same reading the --excel
 * CSV profile uses: a plain number (-1.35, 12%) is a number with as many
 * decimals as it was written with, an ISO date a date, and everything else
 * text, so a code (000977, 000977.SZ, a long ID) keeps every digit.  The
 * header row is bold, frozen and filtered; column widths follow the widest
 * cell (CJK characters count double, capped at MAX_WIDTH).  libxlsxwriter
 * runs in constant-memory mode (rows go to temp files as they come), and
 * the workbook is written to a temp name beside the target and renamed in,
 * so it appears complete or not at all as the CSV files do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rr_features.h"
#include "rr_internal.h"

#if RR_HAVE_XLSX
#include <xlsxwriter.h>

#define MAX_WIDTH 60.0
#define MAX_ROWS 1048576     /* a sheet's rows, the header's included */
#define MAX_DECIMALS 10      /* number formats made, "0" to "0.0000000000" */

typedef struct sheet {
  lxw_worksheet *ws;
  int ncols;
  double *width;
  size_t rows;             /* data rows written */
  int full;                /* a row did not fit */
} sheet;

struct rr_xlsx {
  lxw_workbook *wb;
  char *target, *temp;
  sheet *sheets;
  int n;
  lxw_format *header, *date, *number[MAX_DECIMALS + 1], *percent[MAX_DECIMALS + 1];
  char *scratch;           /* a cell as a NUL-terminated string */
  size_t scratch_cap;
  char err[512];           /* the first write error */
};

/* How wide a string shows: a CJK (3- or 4-byte UTF-8) character counts 2. */
static double shown_width(const char *s, size_t n) {
  double w = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) w += 1;
    else if (c >= 0xE0) w += 2;
    else if (c >= 0xC0) w += 1;
  }
  return w;
}

/* A sheet name Excel takes: at most 31 characters, none of []:*?/\ . */
static void sheet_name(const char *table, char *out, size_t n) {
  size_t k = 0;
  for (const char *s = table; *s && k + 1 < n && k < 31; s++) out[k++] = strchr("[]:*?/\\", *s) ? '_' : *s;
  out[k] = '\0';
}

static void free_all(rr_xlsx *x) {
  for (int i = 0; x->sheets && i < x->n; i++) free(x->sheets[i].width);
  free(x->sheets);
  free(x->target);
  free(x->temp);
  free(x->scratch);
  free(x);
}

rr_xlsx *rr_xlsx_open(const char *path, const rr_table_schema *tables, int ntables, int provenance, char *err,
                      size_t errlen) {
  rr_xlsx *x = calloc(1, sizeof *x);
  size_t k = strlen(path);
  if (!x || !(x->target = strdup(path)) || !(x->temp = malloc(k + 16)) ||
      !(x->sheets = calloc((size_t)ntables + 1, sizeof *x->sheets))) {
    if (x) free_all(x);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  const char *slash = strrchr(path, '/');
  size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
  snprintf(x->temp, k + 16, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
  int fd = mkstemp(x->temp);   /* a unique name; libxlsxwriter writes it at close */
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    free_all(x);
    return NULL;
  }
  close(fd);
  lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
  if (!(x->wb = workbook_new_opt(x->temp, &o))) {
    snprintf(err, errlen, "%s: cannot start the workbook", path);
    unlink(x->temp);
    free_all(x);
    return NULL;
  }
  x->header = workbook_add_format(x->wb);
  format_set_bold(x->header);
  x->date = workbook_add_format(x->wb);
  format_set_num_format(x->date, "yyyy-mm-dd");
  for (int d = 0; d <= MAX_DECIMALS; d++) {
    char f[32] = "0";
    if (d) {
      f[1] = '.';
      memset(f + 2, '0', (size_t)d);
      f[d + 2] = '\0';
    }
    x->number[d] = workbook_add_format(x->wb);
    format_set_num_format(x->number[d], f);
    strcat(f, "%");
    x->percent[d] = workbook_add_format(x->wb);
    format_set_num_format(x->percent[d], f);
  }
  for (int i = 0; i < ntables; i++, x->n++) {
    char name[32];
    sheet_name(tables[i].name, name, sizeof name);
    sheet *s = &x->sheets[i];
    s->ncols = tables[i].ncols + (provenance ? 3 : 0);
    s->width = calloc((size_t)s->ncols + 1, sizeof *s->width);
    s->ws = workbook_add_worksheet(x->wb, name);
    if (!s->width || !s->ws) {
      snprintf(err, errlen, "%s: cannot add a sheet for table '%s'%s", path, tables[i].name,
               s->width ? " (a name Excel refuses, or the same first 31 characters as another)" : "");
      x->n++;
      rr_xlsx_abort(x);
      return NULL;
    }
    static const char *const prov[] = {"_rule", "_line", "_offset"};
    for (int c = 0; c < s->ncols; c++) {
      const char *h = c < tables[i].ncols ? tables[i].cols[c] : prov[c - tables[i].ncols];
      worksheet_write_string(s->ws, 0, (lxw_col_t)c, h, x->header);
      s->width[c] = shown_width(h, strlen(h)) + 3;   /* room for the filter's button */
    }
    worksheet_freeze_panes(s->ws, 1, 0);
  }
  return x;
}

/* The cell as a C string (libxlsxwriter's calls take one). */
static const char *c_string(rr_xlsx *x, const char *v, size_t n) {
  if (n + 1 > x->scratch_cap) {
    char *p = realloc(x->scratch, n + 1);
    if (!p) return NULL;
    x->scratch = p;
    x->scratch_cap = n + 1;
  }
  memcpy(x->scratch, v, n);
  x->scratch[n] = '\0';
  return x->scratch;
}

static void write_error(rr_xlsx *x, const char *table, lxw_error rc) {
  if (!x->err[0]) snprintf(x->err, sizeof x->err, "table '%s': %s", table, lxw_strerror(rc));
}

int rr_xlsx_row(rr_xlsx *x, int table, const char *name, const char *const *v, const size_t *len, int n) {
  sheet *s = &x->sheets[table];
  if (s->full || x->err[0]) return -1;
  if (s->rows + 1 >= MAX_ROWS) {
    s->full = 1;
    snprintf(x->err, sizeof x->err, "table '%s' has more rows than a sheet holds (%d): write CSV or JSON lines",
             name, MAX_ROWS - 1);
    return -1;
  }
  lxw_row_t row = (lxw_row_t)++s->rows;
  for (int c = 0; c < n && c < s->ncols; c++) {
    const char *cell = c_string(x, v[c], len[c]);
    if (!cell) {
      snprintf(x->err, sizeof x->err, "out of memory");
      return -1;
    }
    if (!len[c]) continue;               /* an empty cell stays empty */
    rr_cell_type k = rr_cell_kind(v[c], len[c]);
    lxw_error rc;
    if (k.kind == RR_CELL_NUMBER) {
      double d = strtod(cell, NULL) / (k.percent ? 100.0 : 1.0);
      int dec = k.decimals > MAX_DECIMALS ? MAX_DECIMALS : k.decimals;
      /* as many decimals as written; 2.5e3 in the General format */
      lxw_format *f = strpbrk(cell, "eE") ? NULL : k.percent ? x->percent[dec] : x->number[dec];
      rc = worksheet_write_number(s->ws, row, (lxw_col_t)c, d, f);
    } else if (k.kind == RR_CELL_DATE) {
      lxw_datetime dt = {k.year, (uint8_t)k.month, (uint8_t)k.day, 0, 0, 0};
      rc = worksheet_write_datetime(s->ws, row, (lxw_col_t)c, &dt, x->date);
    } else {
      rc = worksheet_write_string(s->ws, row, (lxw_col_t)c, cell, NULL);
    }
    if (rc != LXW_NO_ERROR) {
      write_error(x, name, rc);
      return -1;
    }
    double w = shown_width(v[c], len[c]) + 1;
    if (w > s->width[c]) s->width[c] = w > MAX_WIDTH ? MAX_WIDTH : w;
  }
  return 0;
}

void rr_xlsx_why(const rr_xlsx *x, char *buf, size_t n) { snprintf(buf, n, "%s", x->err); }

int rr_xlsx_commit(rr_xlsx *x, char *err, size_t errlen) {
  if (x->err[0]) {
    snprintf(err, errlen, "%s: %s (no output was changed)", x->target, x->err);
    rr_xlsx_abort(x);
    return -1;
  }
  for (int i = 0; i < x->n; i++) {
    sheet *s = &x->sheets[i];
    for (int c = 0; c < s->ncols; c++) worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, s->width[c], NULL);
    worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)s->rows, (lxw_col_t)(s->ncols ? s->ncols - 1 : 0));
  }
  lxw_error rc = workbook_close(x->wb);
  x->wb = NULL;
  if (rc != LXW_NO_ERROR || rename(x->temp, x->target) != 0) {
    snprintf(err, errlen, "%s: write failed: %s (no output was changed)", x->target,
             rc != LXW_NO_ERROR ? lxw_strerror(rc) : strerror(errno));
    unlink(x->temp);
    free_all(x);
    return -1;
  }
  free_all(x);
  return 0;
}

void rr_xlsx_abort(rr_xlsx *x) {
  if (!x) return;
  if (x->wb) workbook_close(x->wb);   /* frees it (and its temp files); the file goes next */
  unlink(x->temp);
  free_all(x);
}

#else   /* a build without libxlsxwriter says which option it needs */

rr_xlsx *rr_xlsx_open(const char *path, const rr_table_schema *tables, int ntables, int provenance, char *err,
                      size_t errlen) {
  (void)tables, (void)ntables, (void)provenance;
  snprintf(err, errlen, "%s: this rulerun was built without xlsx output: build it with -Dxlsx=enabled "
           "(libxlsxwriter-dev), or write CSV (-o DIR) or JSON lines (-o -)", path);
  return NULL;
}
int rr_xlsx_row(rr_xlsx *x, int table, const char *name, const char *const *v, const size_t *len, int n) {
  (void)x, (void)table, (void)name, (void)v, (void)len, (void)n;
  return -1;
}
int rr_xlsx_commit(rr_xlsx *x, char *err, size_t errlen) {
  (void)x;
  snprintf(err, errlen, "no xlsx output in this build");
  return -1;
}
void rr_xlsx_abort(rr_xlsx *x) { (void)x; }
void rr_xlsx_why(const rr_xlsx *x, char *buf, size_t n) { (void)x; snprintf(buf, n, "no xlsx output"); }

#endif
