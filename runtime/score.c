/* score.c - tables against expected ones, to the figure as ../shared/tools/csvscore.py scores them. */
#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <utf8proc.h>

#include "rr_internal.h"

#define BOM "\xEF\xBB\xBF"
#define MAX_EXPECTED_COLUMNS 100000   /* of an expected table: more is not a table rulerun writes */

/* Room for one more item in *a (n in use, *cap allocated): 0, or -1 out of memory. */
static int grow(size_t **a, size_t *cap, size_t n) {
  if (n < *cap) return 0;
  size_t c = *cap ? *cap * 2 : 64;
  size_t *p = realloc(*a, c * sizeof *p);
  if (!p) return -1;
  *a = p;
  *cap = c;
  return 0;
}

static int cell_cmp(const rr_cell *a, const rr_cell *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = n ? memcmp(a->s, b->s, n) : 0;
  return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int cell_is(const rr_cell *a, const char *s) {
  size_t n = strlen(s);
  return a->len == n && memcmp(a->s, s, n) == 0;
}

/* os.path.basename: what follows the last '/'. */
static rr_cell base_name(rr_cell c) {
  const char *slash = c.len ? memrchr(c.s, '/', c.len) : NULL;
  if (slash) {
    c.len -= (size_t)(slash + 1 - c.s);
    c.s = slash + 1;
  }
  return c;
}

/* ---- a CSV file, read as Python's csv module reads it ---------------------- */

typedef struct csv_rows {
  rr_buf text;          /* the cells' bytes, one after another */
  size_t *off;          /* cell i is text.s[off[i] .. off[i + 1]) */
  size_t ncells, offcap;
  size_t *row;          /* row r is cells [row[r], row[r + 1]) */
  size_t nrows, rowcap;
  int last_end;         /* the character that ended the last row */
  int nomem;
} csv_rows;

static void csv_rows_free(csv_rows *t) {
  rr_buf_free(&t->text);
  free(t->off);
  free(t->row);
}

static rr_cell csv_cell(const csv_rows *t, size_t r, size_t c) {
  size_t i = t->row[r] + c;
  if (i >= t->row[r + 1]) return (rr_cell){"", 0};   /* past the row's end: "" */
  return (rr_cell){t->text.s + t->off[i], t->off[i + 1] - t->off[i]};
}

static size_t csv_width(const csv_rows *t, size_t r) { return t->row[r + 1] - t->row[r]; }

static void on_cell(void *s, size_t len, void *data) {
  csv_rows *t = data;
  if (t->nomem) return;
  if (rr_buf_add(&t->text, s, len) || grow(&t->off, &t->offcap, t->ncells + 1)) {
    t->nomem = 1;
    return;
  }
  t->off[++t->ncells] = t->text.len;
}

/* A row without a cell is a line end alone (CSV_REPALL_NL): Python's csv
 * gives an empty row for it, except for the LF of a CRLF. */
static void on_row(int c, void *data) {
  csv_rows *t = data;
  int alone = t->row[t->nrows] == t->ncells;
  int crlf = alone && c == '\n' && t->last_end == '\r';
  t->last_end = c;
  if (crlf || t->nomem) return;
  if (grow(&t->row, &t->rowcap, t->nrows + 1)) {
    t->nomem = 1;
    return;
  }
  t->row[++t->nrows] = t->ncells;
}

static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

/* Parses s[0..n) (UTF-8, no BOM) into t as Python's csv.reader, excel
 * dialect, reads a file opened with newline="": white space kept, blank
 * lines as empty rows, a quote inside an unquoted field taken as it is (libcsv
 * strict, and lenient for that one quote).  A quoted field that goes on after
 * its closing quote ("ab"c) is refused naming the line: Python appends the
 * rest to the field, libcsv would take the quote into it. */
static int parse_csv(const char *s, size_t n, csv_rows *t, const char *path, char *err, size_t errlen) {
  enum { OPTS = CSV_STRICT | CSV_REPALL_NL };
  struct csv_parser p;
  if (!(t->off = calloc(1, sizeof *t->off)) || !(t->row = calloc(1, sizeof *t->row)) ||
      csv_init(&p, OPTS) != 0) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  t->offcap = t->rowcap = 1;
  csv_set_space_func(&p, no_space);
  size_t pos = 0;
  int rc = 0;
  while (pos < n && !t->nomem) {
    pos += csv_parse(&p, s + pos, n - pos, on_cell, on_row, t);
    if (pos == n || t->nomem) break;
    if (csv_error(&p) != CSV_EPARSE) {
      t->nomem = 1;
      break;
    }
    if (s[pos] != '"') {
      size_t line = 1;
      for (const char *q = s; (q = memchr(q, '\n', (size_t)(s + pos - q))) != NULL; q++) line++;
      snprintf(err, errlen, "%s:%zu: text after the closing quote of a field; quote the whole field",
               path, line);
      rc = -1;
      break;
    }
    csv_set_opts(&p, OPTS & ~CSV_STRICT);
    size_t k = csv_parse(&p, s + pos, 1, on_cell, on_row, t);
    csv_set_opts(&p, OPTS);
    if (k != 1) t->nomem = 1;
    pos += k;
  }
  if (rc == 0 && !t->nomem && csv_fini(&p, on_cell, on_row, t) != 0) t->nomem = 1;
  csv_free(&p);
  if (rc == 0 && t->nomem) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
  }
  return rc;
}

/* The file's bytes without a leading BOM, checked to be UTF-8 (Python reads
 * with encoding="utf-8-sig"): the buffer to free, *s and *n what is in it;
 * NULL with the message in err (errno kept from the read). */
static char *read_utf8(const char *path, int drop_bom, const char **s, size_t *n, char *err,
                       size_t errlen) {
  size_t len;
  char *raw = rr_read_file(path, &len);
  if (!raw) {
    snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    return NULL;
  }
  size_t skip = drop_bom && len >= 3 && memcmp(raw, BOM, 3) == 0 ? 3 : 0;
  size_t valid = rr_utf8_valid_prefix(raw + skip, len - skip);
  if (valid < len - skip) {
    snprintf(err, errlen, "%s: not UTF-8 (byte %zu)", path, skip + valid);
    free(raw);
    errno = EILSEQ;
    return NULL;
  }
  *s = raw + skip;
  *n = len - skip;
  return raw;
}

static int read_csv(const char *path, csv_rows *t, char *err, size_t errlen) {
  const char *s;
  size_t n;
  char *raw = read_utf8(path, 1, &s, &n, err, errlen);
  if (!raw) return -1;
  int rc = parse_csv(s, n, t, path, err, errlen);
  free(raw);
  return rc;
}

/* ---- a cell as it is compared ------------------------------------------- */

/* Python's str.isspace(): what str.split() with no argument splits on. */
static int py_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The value of a decimal digit (category Nd: Python's float() reads every
 * one), or -1.  Unicode puts each set of ten in a run, 0 first. */
static int decimal_digit(uint32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9' ? (int)(c - '0') : -1;
  if (utf8proc_category((utf8proc_int32_t)c) != UTF8PROC_CATEGORY_ND) return -1;
  uint32_t first = c;
  while (utf8proc_category((utf8proc_int32_t)first - 1) == UTF8PROC_CATEGORY_ND) first--;
  return (int)((c - first) % 10);
}

static int ascii_digit(char c) { return c >= '0' && c <= '9'; }

/* Whether s is a float literal as Python's float() takes one (after its
 * digits were made ASCII): a sign, then inf, infinity or nan in any case, or
 * digits with an optional point and exponent; an underscore only between two
 * digits.  The underscores are taken out of s. */
static int py_float_syntax(char *s) {
  size_t w = 0;
  for (size_t i = 0; s[i]; i++)
    if (s[i] == '_' && !(i && ascii_digit(s[i - 1]) && ascii_digit(s[i + 1]))) return 0;
  for (size_t i = 0; s[i]; i++)
    if (s[i] != '_') s[w++] = s[i];
  s[w] = '\0';
  const char *p = s + (*s == '+' || *s == '-');
  if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity") || !strcasecmp(p, "nan")) return 1;
  size_t digits = 0;
  for (; ascii_digit(*p); p++) digits++;
  if (*p == '.')
    for (p++; ascii_digit(*p); p++) digits++;
  if (!digits) return 0;
  if (*p == 'e' || *p == 'E') {
    p += 1 + (p[1] == '+' || p[1] == '-');
    if (!ascii_digit(*p)) return 0;
    while (ascii_digit(*p)) p++;
  }
  return *p == '\0';
}

/* csvscore's norm() of a cell into out: NFKC, every white space out, and a
 * cell that float() takes once its commas are gone written back as "%.6g".
 * 0, or -1 out of memory. */
static int score_cell(const char *cell, size_t len, rr_buf *out) {
  out->len = 0;
  utf8proc_uint8_t *folded = NULL;
  const unsigned char *s = (const unsigned char *)cell;
  size_t n = len, i;
  for (i = 0; i < n && s[i] < 0x80; i++) {}
  if (i < n) {     /* ASCII is its own NFKC */
    utf8proc_ssize_t k = utf8proc_map(s, (utf8proc_ssize_t)n, &folded,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (k < 0) return -1;
    s = folded;
    n = (size_t)k;
  }
  int rc = 0;
  for (i = 0; i < n && rc == 0;) {
    size_t k;
    uint32_t c = rr_utf8_decode(s + i, &k);
    if (!py_space(c)) rc = rr_buf_add(out, s + i, k);
    i += k;
  }
  free(folded);
  if (rc) return -1;
  /* the number float() would see, after the text */
  size_t text_len = out->len;
  int number = 1;
  for (i = 0; i < text_len && number;) {
    size_t k;
    uint32_t c = rr_utf8_decode((const unsigned char *)out->s + i, &k);
    i += k;
    if (c == ',') continue;
    int d = decimal_digit(c);
    char a = d >= 0 ? (char)('0' + d) : (char)c;
    if (d < 0 && (c >= 0x80 || c == 0)) number = 0;
    else if (rr_buf_add(out, &a, 1)) return -1;
  }
  if (number && rr_buf_add(out, "", 1)) return -1;
  if (number && py_float_syntax(out->s + text_len)) {
    char *end;
    double v = strtod(out->s + text_len, &end);
    char buf[32];
    int k = isnan(v) ? snprintf(buf, sizeof buf, "nan") : snprintf(buf, sizeof buf, "%.6g", v);
    out->len = 0;
    return rr_buf_add(out, buf, (size_t)k);
  }
  out->len = text_len;
  return 0;
}

/* ---- sets of file names ---------------------------------------------------- */

typedef struct name_set {
  rr_cell *v;        /* base names, sorted */
  size_t n, cap;
} name_set;

static int name_add(name_set *s, rr_cell c) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    rr_cell *v = realloc(s->v, cap * sizeof *v);
    if (!v) return -1;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = base_name(c);
  return 0;
}

static int cell_cmp_q(const void *a, const void *b) { return cell_cmp(a, b); }

static void name_sort(name_set *s) {
  if (s->n) qsort(s->v, s->n, sizeof *s->v, cell_cmp_q);
}

static int name_has(const name_set *s, rr_cell c) {
  return s->n && bsearch(&c, s->v, s->n, sizeof *s->v, cell_cmp_q) != NULL;
}

/* ---- the expected directory ---------------------------------------------------- */

struct rr_expected {
  char *dir;
  char **files;          /* <table>.csv, sorted as Python sorts names */
  char **tables;         /* the same without .csv */
  size_t n;
  int has_list;          /* files.txt is there */
  char *list_text;
  name_set listed;       /* its names' base names */
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The length of line[0..n) without Python's white space at either end. */
static rr_cell py_strip(const char *line, size_t n) {
  const unsigned char *s = (const unsigned char *)line;
  size_t a = 0, b = n, k;
  while (a < b && py_space(rr_utf8_decode(s + a, &k))) a += k;
  while (b > a) {
    size_t start = b - 1;
    while (start > a && (s[start] & 0xC0) == 0x80) start--;
    if (!py_space(rr_utf8_decode(s + start, &k))) break;
    b = start;
  }
  return (rr_cell){line + a, b - a};
}

/* files.txt as csvscore reads it: lines (CR, LF or CRLF) stripped of white
 * space, the empty ones left out, a BOM kept (it opens it as "utf-8"). */
static int read_list(rr_expected *x, const char *path, char *err, size_t errlen) {
  const char *s;
  size_t n;
  if (!(x->list_text = read_utf8(path, 0, &s, &n, err, errlen))) return -1;
  for (size_t i = 0, k; i < n; i += k + 1) {
    for (k = 0; i + k < n && s[i + k] != '\r' && s[i + k] != '\n'; k++) {}
    rr_cell name = py_strip(s + i, k);
    if (name.len && name_add(&x->listed, name)) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  name_sort(&x->listed);
  return 0;
}

rr_expected *rr_expected_open(const char *dir, char *err, size_t errlen) {
  rr_expected *x = calloc(1, sizeof *x);
  DIR *d = NULL;
  if (!x || !(x->dir = strdup(dir))) goto nomem;
  if (!(d = opendir(dir))) {
    snprintf(err, errlen, "%s: cannot list the expected tables: %s", dir, strerror(errno));
    goto fail;
  }
  size_t cap = 0;
  struct dirent *ent;
  while ((ent = readdir(d)) != NULL) {
    size_t len = strlen(ent->d_name);
    if (len < 4 || strcmp(ent->d_name + len - 4, ".csv") != 0) continue;
    if (x->n == cap) {
      cap = cap ? cap * 2 : 16;
      char **v = realloc(x->files, cap * sizeof *v);
      if (!v) goto nomem;
      x->files = v;
    }
    if (!(x->files[x->n] = strdup(ent->d_name))) goto nomem;
    x->n++;
  }
  closedir(d);
  d = NULL;
  if (x->n) qsort(x->files, x->n, sizeof *x->files, cmp_str);
  if (!(x->tables = calloc(x->n + 1, sizeof *x->tables))) goto nomem;
  for (size_t i = 0; i < x->n; i++)
    if (!(x->tables[i] = strndup(x->files[i], strlen(x->files[i]) - 4))) goto nomem;
  size_t k = strlen(dir) + 16;
  char *list = malloc(k);
  if (!list) goto nomem;
  snprintf(list, k, "%s/files.txt", dir);
  x->has_list = access(list, F_OK) == 0;
  int bad = x->has_list && read_list(x, list, err, errlen) != 0;
  free(list);
  if (bad) goto fail;
  return x;
nomem:
  snprintf(err, errlen, "out of memory");
fail:
  if (d) closedir(d);
  rr_expected_free(x);
  return NULL;
}

size_t rr_expected_count(const rr_expected *x) { return x->n; }

const char *rr_expected_table(const rr_expected *x, size_t i) { return x->tables[i]; }

void rr_expected_free(rr_expected *x) {
  if (!x) return;
  for (size_t i = 0; i < x->n; i++) {
    free(x->files[i]);
    if (x->tables) free(x->tables[i]);
  }
  free(x->files);
  free(x->tables);
  free(x->list_text);
  free(x->listed.v);
  free(x->dir);
  free(x);
}

/* ---- scoring one table --------------------------------------------------------- */

struct score_mem {
  csv_rows exp, act;
  rr_cell *header;       /* the expected file's */
  rr_buf text;           /* the compared cells, ncols a row: expected rows, then actual ones */
  size_t *span;          /* cell i is text.s[span[2i] ..][.. span[2i + 1] bytes] */
  size_t nspan, spancap;
  rr_cell *cells;        /* the same as pointers, once every row is in */
  size_t nexp, nact;
  name_set files;        /* the expected rows' files, when there is no files.txt */
  const rr_cell **rows;  /* missing and unexpected rows, and their counts */
  size_t *times;
  rr_buf scratch;
};

void rr_table_score_free(rr_table_score *s) {
  struct score_mem *m = s->mem;
  if (!m) return;
  csv_rows_free(&m->exp);
  csv_rows_free(&m->act);
  free(m->header);
  rr_buf_free(&m->text);
  free(m->span);
  free(m->cells);
  free(m->files.v);
  free(m->rows);
  free(m->times);
  rr_buf_free(&m->scratch);
  free(m);
  s->mem = NULL;
}

/* Appends the compared cells of row r of t: columns pick[0..ncols), the file
 * column fcol by base name.  1 when the row's file is not among files (the
 * row is left out), 0 when it is in, -1 out of memory. */
static int add_row(struct score_mem *m, const csv_rows *t, size_t r, const int *pick, int ncols,
                   int fcol, const name_set *files) {
  size_t len0 = m->text.len, nspan0 = m->nspan;
  for (int c = 0; c < ncols; c++) {
    rr_cell raw = csv_cell(t, r, (size_t)pick[c]);
    if (score_cell(raw.s, raw.len, &m->scratch)) return -1;
    rr_cell v = {m->scratch.s, m->scratch.len};
    if (c == fcol) {
      v = base_name(v);
      if (files && !name_has(files, v)) {
        m->text.len = len0;
        m->nspan = nspan0;
        return 1;
      }
    }
    if (grow(&m->span, &m->spancap, m->nspan + 2)) return -1;
    m->span[m->nspan++] = m->text.len;
    m->span[m->nspan++] = v.len;
    if (v.len && rr_buf_add(&m->text, v.s, v.len)) return -1;
  }
  return 0;
}

typedef struct row_ref { const rr_cell *cells; size_t index; int actual; } row_ref;

static int cells_cmp(const rr_cell *a, const rr_cell *b, int ncols) {
  for (int c = 0; c < ncols; c++) {
    int d = cell_cmp(&a[c], &b[c]);
    if (d) return d;
  }
  return 0;
}

/* By the cells, then expected before actual, then in file order. */
static int row_cmp(const void *a, const void *b, void *ncols) {
  const row_ref *x = a, *y = b;
  int d = cells_cmp(x->cells, y->cells, *(const int *)ncols);
  if (d) return d;
  if (x->actual != y->actual) return x->actual - y->actual;
  return (x->index > y->index) - (x->index < y->index);
}

typedef struct surplus { size_t index, times; } surplus;

static int by_index(const void *a, const void *b) {
  const surplus *x = a, *y = b;
  return (x->index > y->index) - (x->index < y->index);
}

/* The rows of refs[0..n) (sorted) that one side holds more often than the
 * other: tp and the surpluses of each side (by first index). */
static void count_rows(const row_ref *refs, size_t n, int ncols, size_t *tp, surplus *miss,
                       size_t *nmiss, surplus *extra, size_t *nextra) {
  for (size_t i = 0, j; i < n; i = j) {
    size_t ne = 0, na = 0, first_e = 0, first_a = 0;
    for (j = i; j < n && cells_cmp(refs[i].cells, refs[j].cells, ncols) == 0; j++) {
      if (refs[j].actual) {
        if (!na++) first_a = refs[j].index;
      } else if (!ne++) {
        first_e = refs[j].index;
      }
    }
    *tp += ne < na ? ne : na;
    if (ne > na) miss[(*nmiss)++] = (surplus){first_e, ne - na};
    if (na > ne) extra[(*nextra)++] = (surplus){first_a, na - ne};
  }
}

/* The missing and unexpected rows into s, in the order their files have them. */
static int compare_rows(rr_table_score *s, struct score_mem *m) {
  size_t n = m->nexp + m->nact, ncols = (size_t)s->ncols;
  row_ref *refs = calloc(n + 1, sizeof *refs);
  surplus *sp = calloc(2 * n + 1, sizeof *sp);
  m->rows = calloc(n + 1, sizeof *m->rows);
  m->times = calloc(n + 1, sizeof *m->times);
  if (!refs || !sp || !m->rows || !m->times) {
    free(refs);
    free(sp);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    refs[i] = (row_ref){m->cells + i * ncols, i < m->nexp ? i : i - m->nexp, i >= m->nexp};
  if (n) qsort_r(refs, n, sizeof *refs, row_cmp, &s->ncols);
  size_t nmiss = 0, nextra = 0;
  surplus *miss = sp, *extra = sp + n;
  count_rows(refs, n, s->ncols, &s->matched, miss, &nmiss, extra, &nextra);
  if (nmiss) qsort(miss, nmiss, sizeof *miss, by_index);
  if (nextra) qsort(extra, nextra, sizeof *extra, by_index);
  s->missing = (rr_score_rows){nmiss, m->rows, m->times};
  s->unexpected = (rr_score_rows){nextra, m->rows + nmiss, m->times + nmiss};
  for (size_t i = 0; i < nmiss; i++) {
    m->rows[i] = m->cells + miss[i].index * ncols;
    m->times[i] = miss[i].times;
  }
  for (size_t i = 0; i < nextra; i++) {
    m->rows[nmiss + i] = m->cells + (m->nexp + extra[i].index) * ncols;
    m->times[nmiss + i] = extra[i].times;
  }
  free(refs);
  free(sp);
  return 0;
}

/* Every compared row of one side; *kept counts them. */
static int add_rows(struct score_mem *m, const csv_rows *t, const int *pick, int ncols, int fcol,
                    const name_set *files, size_t *kept) {
  for (size_t r = 1; r < t->nrows; r++) {
    int rc = add_row(m, t, r, pick, ncols, fcol, files);
    if (rc < 0) return -1;
    if (rc == 0) (*kept)++;
  }
  return 0;
}

/* Appends the names of cols[0..n) to b as "a, b, c" (those where pick is
 * -1 only, when pick is given). */
static int add_names(rr_buf *b, const rr_cell *cols, size_t n, const int *pick) {
  int any = 0;
  for (size_t c = 0; c < n; c++) {
    if (pick && pick[c] >= 0) continue;
    if ((any++ && rr_buf_add(b, ", ", 2)) || rr_buf_add(b, cols[c].s, cols[c].len)) return -1;
  }
  return 0;
}

/* Which columns of the actual header the expected ones are (the first of
 * that name); the ones it lacks named in s->problem. */
static int *pick_columns(rr_table_score *s, struct score_mem *m) {
  int *pick = calloc((size_t)s->ncols + 1, sizeof *pick);
  size_t na = m->act.nrows ? csv_width(&m->act, 0) : 0;
  rr_cell *have = calloc(na + 1, sizeof *have);
  int lacks = 0;
  if (!pick || !have) goto nomem;
  for (size_t k = 0; k < na; k++) have[k] = csv_cell(&m->act, 0, k);
  for (int c = 0; c < s->ncols; c++) {
    pick[c] = -1;
    for (size_t k = 0; k < na && pick[c] < 0; k++)
      if (cell_cmp(&have[k], &s->cols[c]) == 0) pick[c] = (int)k;
    lacks |= pick[c] < 0;
  }
  if (lacks) {
    rr_buf *b = &m->scratch;
    b->len = 0;
    static const char *const words[] = {"the actual table has no column ", " (its columns: ", ")"};
    if (rr_buf_add(b, words[0], strlen(words[0])) || add_names(b, s->cols, (size_t)s->ncols, pick) ||
        rr_buf_add(b, words[1], strlen(words[1])) || add_names(b, have, na, NULL) ||
        rr_buf_add(b, words[2], strlen(words[2])))
      goto nomem;
    snprintf(s->problem, sizeof s->problem, "%.*s", (int)b->len, b->s);
  }
  free(have);
  return pick;
nomem:
  free(pick);
  free(have);
  return NULL;
}

int rr_score_table(const rr_expected *x, size_t i, const char *actual_csv, rr_table_score *s,
                   char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  s->file_col = -1;
  struct score_mem *m = s->mem = calloc(1, sizeof *m);
  size_t k = strlen(x->dir) + strlen(x->files[i]) + 2;
  char *path = malloc(k);
  int *pick = NULL, *all = NULL, rc = -1;
  if (!m || !path) goto nomem;
  snprintf(path, k, "%s/%s", x->dir, x->files[i]);
  if (read_csv(path, &m->exp, err, errlen)) goto done;
  size_t ne = m->exp.nrows ? csv_width(&m->exp, 0) : 0;
  if (ne > MAX_EXPECTED_COLUMNS) {
    snprintf(err, errlen, "%s: more than %d columns", path, MAX_EXPECTED_COLUMNS);
    goto done;
  }
  if (!(m->header = calloc(ne + 1, sizeof *m->header))) goto nomem;
  for (size_t c = 0; c < ne; c++) m->header[c] = csv_cell(&m->exp, 0, c);
  s->cols = m->header;
  s->ncols = (int)ne;
  for (int c = 0; c < s->ncols && s->file_col < 0; c++)
    if (cell_is(&s->cols[c], "file")) s->file_col = c;
  if (access(actual_csv, F_OK) != 0 && errno == ENOENT) {
    snprintf(s->problem, sizeof s->problem, "no actual table %s", actual_csv);
    rc = 0;
    goto done;
  }
  if (read_csv(actual_csv, &m->act, err, errlen)) goto done;
  if (!(pick = pick_columns(s, m)) || !(all = calloc(ne + 1, sizeof *all))) goto nomem;
  if (s->problem[0]) {
    rc = 0;
    goto done;
  }
  for (size_t c = 0; c < ne; c++) all[c] = (int)c;
  const name_set *files = NULL;
  if (s->file_col >= 0 && x->has_list) files = &x->listed;
  if (s->file_col >= 0 && !x->has_list) {   /* the files the expected table has rows for */
    for (size_t r = 1; r < m->exp.nrows; r++)
      if (name_add(&m->files, csv_cell(&m->exp, r, (size_t)s->file_col))) goto nomem;
    name_sort(&m->files);
    files = &m->files;
  }
  if (add_rows(m, &m->exp, all, s->ncols, s->file_col, files, &m->nexp) ||
      add_rows(m, &m->act, pick, s->ncols, s->file_col, files, &m->nact))
    goto nomem;
  if (!(m->cells = calloc(m->nspan / 2 + 1, sizeof *m->cells))) goto nomem;
  for (size_t c = 0; c < m->nspan / 2; c++)
    m->cells[c] = (rr_cell){m->text.s ? m->text.s + m->span[2 * c] : "", m->span[2 * c + 1]};
  if (compare_rows(s, m)) goto nomem;
  /* csvscore's figures, computed as it computes them */
  s->expected = m->nexp;
  s->actual = m->nact;
  double p = s->actual ? (double)s->matched / (double)s->actual : 1.0;
  double r = s->expected ? (double)s->matched / (double)s->expected : 1.0;
  s->precision = p;
  s->recall = r;
  s->f1 = p + r != 0 ? 2 * p * r / (p + r) : 0.0;
  rc = 0;
  goto done;
nomem:
  snprintf(err, errlen, "out of memory");
done:
  free(path);
  free(pick);
  free(all);
  return rc;
}
