/* tables.c - rulerun.tables: rows of cells from the tables reports carry.
 *
 * tables.parse(text [, opts]) -> { header = {...}, rows = { {...}, ... },
 *                                  shape = "tab"|"space"|"markdown"|"html",
 *                                  first = i, stop = j }
 * for the first table in text at or after opts.init, or nil when there is
 * none.  text[first, stop) is what the table took; tables.all(text, opts)
 * gives every table in order.
 *
 * Four shapes, found by looking at the lines (opts.shape forces one):
 *   tab       lines with tabs; ends at the first line with text but no tab;
 *   markdown  lines "| a | b |", a "|---|" line under the header;
 *   html      <table> ... </table>, rowspan and colspan expanded (the cell's
 *             text is repeated in every slot it covers);
 *   space     two or more lines whose cells are separated by runs of two or
 *             more spaces; cells go to the column they overlap most, so
 *             empty cells stay empty.  Normalised text has runs of spaces
 *             collapsed, so this shape needs the original bytes (see
 *             rr.find_table) and opts.normalize = true to fold the cells.
 *
 * Header lines are given (markdown's separator, html's <th> rows, opts.header)
 * or else the leading lines with no numeric cell (at most 3).  Several header
 * lines are joined per column: "股价涨跌幅" over 本周/本月 gives "股价涨跌幅/本周";
 * a header cell left empty beside a filled one is a merged cell and takes its
 * left neighbour's name.  Each column gets a type (code, number, text) from
 * the majority of its cells; in tab and markdown tables a row that PDF
 * extraction shifted by one cell is moved back when that makes more of its
 * cells fit their columns, and a lone cell that landed in the empty column
 * beside its own is moved there.  opts.carry lists columns (1-based numbers or
 * header names) whose empty cells repeat the cell above; a column the table
 * does not have is left out (one rule reads many tables), never an error.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <utf8proc.h>

#include "rr_internal.h"

#define MAX_TEXT_TABLE_COLUMNS 64     /* of a table read from a report; cells beyond are dropped */
#define MAX_HEADER 3

enum { T_EMPTY, T_CODE, T_NUM, T_TEXT };
enum { S_NONE, S_TAB, S_SPACE, S_MARKDOWN, S_HTML };
static const char *const shape_names[] = {"auto", "tab", "space", "markdown", "html", NULL};

/* A cell is a slice of the input, or (off, len) in the arena when it had to
 * be rewritten (html entities, normalised space-table cells). */
typedef struct cell {
  const char *s;
  size_t off, len;
  int type;
  int col0, col1;        /* display columns (space shape) */
} cell;

typedef struct row {
  cell c[MAX_TEXT_TABLE_COLUMNS];
  int n;
  int head;              /* html: a row of <th> */
} row;

/* Parse state in a userdata, so a Lua error cannot leak it. */
typedef struct grid {
  row *rows;
  int nrows, cap;
  rr_buf arena;
} grid;

static int grid_gc(lua_State *L) {
  grid *g = lua_touserdata(L, 1);
  free(g->rows);
  rr_buf_free(&g->arena);
  g->rows = NULL;
  return 0;
}

static row *grid_add(lua_State *L, grid *g) {
  if (g->nrows == g->cap) {
    int cap = g->cap ? 2 * g->cap : 16;
    row *r = realloc(g->rows, (size_t)cap * sizeof *r);
    if (!r) luaL_error(L, "tables: out of memory");
    g->rows = r;
    g->cap = cap;
  }
  row *r = &g->rows[g->nrows++];
  r->n = 0;
  r->head = 0;
  return r;
}

static const char *cell_str(const grid *g, const cell *c) {
  return c->s ? c->s : g->arena.s ? g->arena.s + c->off : "";   /* no arena yet: only empty cells */
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* A security code as reports print them: 600519.SH, 0700.HK, NVDA.O, 000725 CH ... */
static int looks_code(const char *s, size_t n) {
  size_t i = 0, d = 0, u = 0;
  while (i < n && is_digit(s[i])) i++, d++;
  if (!d) while (i < n && is_upper(s[i])) i++, u++;
  if ((d < 4 || d > 6) && (u < 1 || u > 5)) return 0;
  if (i == n) return d == 6;                              /* bare A-share code */
  if (s[i] != '.' && s[i] != ' ') return 0;
  size_t k = ++i;
  while (i < n && (is_upper(s[i]) || (s[i] >= 'a' && s[i] <= 'z'))) i++;
  return i == n && i - k >= 1 && i - k <= 2;
}

/* A number: optional sign, digits with , separators, optional decimals, optional %. */
static int looks_number(const char *s, size_t n) {
  size_t i = 0, d = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) i++;
  else if (n >= 3 && (memcmp(s, "\xE2\x88\x92", 3) == 0 || memcmp(s, "\xE2\x80\x93", 3) == 0)) i = 3;
  while (i < n && (is_digit(s[i]) || (s[i] == ',' && d))) d += is_digit(s[i]), i++;
  if (i < n && s[i] == '.') {
    i++;
    while (i < n && is_digit(s[i])) i++, d++;
  }
  if (i < n && s[i] == '%') i++;
  return d > 0 && i == n;
}

static int cell_type(const char *s, size_t n) {
  if (!n) return T_EMPTY;
  if (looks_code(s, n)) return T_CODE;
  if (looks_number(s, n)) return T_NUM;
  return T_TEXT;
}

static const cell empty_cell = {"", 0, 0, T_EMPTY, 0, 0};

static int is_blank(char c) { return c == ' ' || c == '\r' || c == '\n' || c == '\t'; }

/* A trimmed slice of the input with its type. */
static cell make_cell(const char *s, size_t n) {
  while (n && is_blank(*s)) s++, n--;
  while (n && is_blank(s[n - 1])) n--;
  cell c = {s, 0, n, cell_type(s, n), 0, 0};
  return c;
}

static void add_cell(row *r, cell c) {
  if (r->n < MAX_TEXT_TABLE_COLUMNS) r->c[r->n++] = c;
}

static void drop_trailing_empty(row *r) {
  while (r->n && !r->c[r->n - 1].len) r->n--;
}

/* ---- lines -------------------------------------------------------------- */

static size_t line_end(const char *s, size_t n, size_t a) {
  const char *nl = memchr(s + a, '\n', n - a);
  return nl ? (size_t)(nl - s) : n;
}

static int line_blank(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) if (!is_blank(s[i])) return 0;
  return 1;
}

static int has_tab(const char *s, size_t a, size_t b) { return memchr(s + a, '\t', b - a) != NULL; }

/* "| a | b |": starts with a pipe (after blanks) and has another. */
static int is_md_line(const char *s, size_t a, size_t b) {
  while (a < b && s[a] == ' ') a++;
  return a < b && s[a] == '|' && memchr(s + a + 1, '|', b - a - 1) != NULL;
}

/* "|---|:--:|": only pipes, dashes, colons and blanks, with a dash. */
static int is_md_separator(const char *s, size_t a, size_t b) {
  int dash = 0;
  for (size_t i = a; i < b; i++) {
    if (s[i] == '-') dash = 1;
    else if (s[i] != '|' && s[i] != ':' && !is_blank(s[i])) return 0;
  }
  return dash;
}

static int starts_ci(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != lit[i]) return 0;
  }
  return 1;
}

/* lit starts with '<' (a tag): memchr skips to each one. */
static const char *find_ci(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);
  for (const char *p = s, *end = s + n; (size_t)(end - p) >= k; p++) {
    p = memchr(p, lit[0], (size_t)(end - p) - k + 1);
    if (!p) return NULL;
    if (starts_ci(p, (size_t)(end - p), lit)) return p;
  }
  return NULL;
}

/* ---- space-aligned ------------------------------------------------------ */

/* Display columns of a code point: 2 for East Asian wide characters.  The
 * common ranges are answered here; utf8proc's table only for the rest. */
static int char_width(utf8proc_int32_t cp) {
  if (cp >= 0x4E00 && cp <= 0x9FFF) return 2;              /* CJK unified ideographs */
  if (cp < 0x1100) return 1;
  if ((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF60)) return 2;
  return utf8proc_charwidth(cp) == 2 ? 2 : 1;
}

/* Could the line hold two space-separated cells: a run of two blanks, a tab
 * or an ideographic space?  Most lines of prose cannot: they skip the split. */
static int has_gap(const char *s, size_t a, size_t b) {
  if (memchr(s + a, '\t', b - a)) return 1;
  for (const char *p = s + a, *end = s + b; (p = memchr(p, ' ', (size_t)(end - p))) && p + 1 < end; p++)
    if (p[1] == ' ') return 1;
  for (const char *p = s + a, *end = s + b; (p = memchr(p, 0xE3, (size_t)(end - p))) && p + 2 < end; p++)
    if ((unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80) return 1;
  return 0;
}

/* Adds the cell s[0, len) that spans display columns [col0, col1). */
static void add_spaced_cell(row *r, const char *s, size_t len, int col0, int col1) {
  cell x = make_cell(s, len);
  x.col0 = col0, x.col1 = col1;
  add_cell(r, x);
}

/* Splits a line on runs of two or more spaces (an ideographic space counts
 * as two); records each cell's display columns. */
static void split_spaced(const char *s, size_t a, size_t b, row *r) {
  r->n = 0;
  int col = 0, gap = 0, start_col = 0;
  size_t start = (size_t)-1, last = a;
  for (size_t i = a; i < b;) {
    unsigned char c = (unsigned char)s[i];
    size_t len = 1;
    int w = 1, space = 0;
    if (c == ' ' || c == '\t') space = c == '\t' ? 2 : 1;
    else if (c >= 0x80) {
      utf8proc_int32_t cp;
      utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(b - i), &cp);
      if (k <= 0) k = 1, cp = 0xFFFD;
      len = (size_t)k;
      if (cp == 0x3000) space = 2;
      else w = char_width(cp);
    }
    if (space) {
      gap += space;
      col += space;
    } else {
      if (start != (size_t)-1 && gap >= 2) {
        add_spaced_cell(r, s + start, last - start, start_col, col - gap);
        start = (size_t)-1;
      }
      if (start == (size_t)-1) start = i, start_col = col;
      gap = 0;
      col += w;
      last = i + len;
    }
    i += len;
  }
  if (start != (size_t)-1) add_spaced_cell(r, s + start, last - start, start_col, col - gap);
}

static int spaced_cells(const char *s, size_t a, size_t b) {
  if (!has_gap(s, a, b)) return b > a;   /* one cell at most */
  row r;
  split_spaced(s, a, b, &r);
  return r.n;
}

/* ---- html --------------------------------------------------------------- */

/* The value of attribute name in a tag, or 1. */
static int tag_span(const char *t, size_t n, const char *name) {
  const char *p = find_ci(t, n, name);
  if (!p) return 1;
  p += strlen(name);
  while (p < t + n && (*p == ' ' || *p == '=' || *p == '"' || *p == '\'')) p++;
  int v = 0;
  while (p < t + n && is_digit(*p) && v < 1000) v = v * 10 + (*p++ - '0');
  return v < 1 ? 1 : v > MAX_TEXT_TABLE_COLUMNS ? MAX_TEXT_TABLE_COLUMNS : v;
}

static void put_utf8(rr_buf *b, unsigned long cp) {
  utf8proc_uint8_t tmp[4];
  utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
  if (k > 0) rr_buf_add(b, tmp, (size_t)k);
}

/* The code point of the entity named e[0, k) ("amp", "#38", "#x26"), or 0. */
static unsigned long html_entity(const char *e, size_t k) {
  if (k > 1 && e[0] == '#')
    return (e[1] == 'x' || e[1] == 'X') ? strtoul(e + 2, NULL, 16) : strtoul(e + 1, NULL, 10);
  if (k == 3 && !memcmp(e, "amp", 3)) return '&';
  if (k == 2 && !memcmp(e, "lt", 2)) return '<';
  if (k == 2 && !memcmp(e, "gt", 2)) return '>';
  if (k == 4 && !memcmp(e, "quot", 4)) return '"';
  if (k == 4 && !memcmp(e, "apos", 4)) return '\'';
  if (k == 4 && !memcmp(e, "nbsp", 4)) return ' ';
  return 0;
}

/* Cell text: tags dropped (<br> becomes a space), entities decoded, white
 * space folded to one space.  Written to the arena; returns the cell. */
static cell html_text(grid *g, const char *s, size_t n) {
  rr_buf *b = &g->arena;
  size_t off = b->len;
  int space = 0;
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (c == '<') {
      const char *gt = memchr(s + i, '>', n - i);
      i = gt ? (size_t)(gt - s) + 1 : n;
      space = 1;
      continue;
    }
    if (is_blank(c)) { space = 1; i++; continue; }
    if (space && b->len > off) rr_buf_add(b, " ", 1);
    space = 0;
    if (c == '&') {
      const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
      if (semi) {
        unsigned long cp = html_entity(s + i + 1, (size_t)(semi - s - i - 1));
        if (cp && cp <= 0x10FFFF) {
          if (cp == ' ') space = 1;
          else put_utf8(b, cp);
          i = (size_t)(semi - s) + 1;
          continue;
        }
      }
    }
    rr_buf_add(b, &s[i], 1);
    i++;
  }
  cell x = {NULL, off, b->len - off, T_EMPTY, 0, 0};
  x.type = cell_type(b->s ? b->s + off : "", x.len);   /* an empty buffer has no pointer yet */
  return x;
}

/* Ends an html row: slots that rowspans above still cover are filled. */
static void finish_row(grid *g, row *r, int col, const cell *pending, int *left) {
  if (!r) return;
  for (; col < MAX_TEXT_TABLE_COLUMNS; col++) {
    if (!left[col]) continue;
    for (int k = r->n; k < col; k++) r->c[k] = empty_cell;
    r->c[col] = pending[col];
    left[col]--;
    if (col >= r->n) r->n = col + 1;
  }
  if (!r->n) g->nrows--;
}

/* Where the content of a cell starting at a ends: at the next cell, row or
 * table tag (a missing </td> is common), or at n. */
static size_t cell_content_end(const char *s, size_t n, size_t a) {
  size_t b = a;
  while (b < n) {
    const char *q = memchr(s + b, '<', n - b);
    if (!q) return n;
    b = (size_t)(q - s);
    if (starts_ci(q, n - b, "</t") || starts_ci(q, n - b, "<td") || starts_ci(q, n - b, "<th") ||
        starts_ci(q, n - b, "<tr"))
      break;
    b++;
  }
  return b;
}

/* Rows of an html table in s[0, n): rowspan/colspan expanded. */
static void read_html(lua_State *L, grid *g, const char *s, size_t n) {
  cell pending[MAX_TEXT_TABLE_COLUMNS];
  int left[MAX_TEXT_TABLE_COLUMNS] = {0};          /* rows a rowspan still covers */
  row *r = NULL;
  int col = 0;
  for (size_t i = 0; i < n;) {
    const char *lt = memchr(s + i, '<', n - i);
    if (!lt) break;
    i = (size_t)(lt - s);
    const char *gt = memchr(s + i, '>', n - i);
    if (!gt) break;
    size_t tag_len = (size_t)(gt - lt) + 1;
    if (starts_ci(lt, tag_len, "<tr")) {
      finish_row(g, r, col, pending, left);
      r = grid_add(L, g);
      r->head = 1;
      col = 0;
    } else if (r && (starts_ci(lt, tag_len, "<td") || starts_ci(lt, tag_len, "<th"))) {
      int th = lt[2] == 'h' || lt[2] == 'H';
      int cs = tag_span(lt, tag_len, "colspan"), rs = tag_span(lt, tag_len, "rowspan");
      size_t a = i + tag_len, b = cell_content_end(s, n, a);
      cell x = html_text(g, s + a, b - a);
      r->head &= th;
      while (col < MAX_TEXT_TABLE_COLUMNS && left[col]) {
        r->c[col] = pending[col];
        left[col]--;
        col++;
      }
      for (int k = 0; k < cs && col < MAX_TEXT_TABLE_COLUMNS; k++, col++) {
        r->c[col] = x;
        if (rs > 1) pending[col] = x, left[col] = rs - 1;
      }
      if (col > r->n) r->n = col;
      i = b;
      continue;
    } else if (r && starts_ci(lt, tag_len, "</tr")) {
      finish_row(g, r, col, pending, left);
      r = NULL;
    }
    i += tag_len;
  }
  finish_row(g, r, col, pending, left);
}

/* ---- finding a table ---------------------------------------------------- */

/* The shape of the table that starts on the line at a, or S_NONE. */
static int shape_at(const char *s, size_t n, size_t a, int want) {
  size_t b = line_end(s, n, a);
  if ((want == S_NONE || want == S_HTML) && find_ci(s + a, b - a, "<table")) return S_HTML;
  if ((want == S_NONE || want == S_MARKDOWN) && is_md_line(s, a, b)) return S_MARKDOWN;
  if ((want == S_NONE || want == S_TAB) && has_tab(s, a, b)) return S_TAB;
  if ((want == S_NONE || want == S_SPACE) && spaced_cells(s, a, b) >= 2 && b < n) {
    size_t c = b + 1, d = line_end(s, n, c);
    if (spaced_cells(s, c, d) >= 2) return S_SPACE;
  }
  return S_NONE;
}

/* Where the table of shape that starts at line a ends (the first byte after it). */
static size_t table_stop(const char *s, size_t n, size_t a, int shape) {
  if (shape == S_HTML) {        /* the </table> after the <table> (shape_at saw one on this line) */
    const char *t = find_ci(s + a, n - a, "<table");
    const char *e = find_ci(t, (size_t)(s + n - t), "</table>");
    return e ? (size_t)(e - s) + 8 : n;
  }
  size_t last = a;   /* the end of the last line that belongs */
  for (size_t p = a; p < n;) {
    size_t b = line_end(s, n, p);
    int blank = line_blank(s, p, b), in;
    switch (shape) {
    case S_TAB:
      in = has_tab(s, p, b);
      if (!in && blank) { p = b + 1; continue; }   /* blank lines inside a tab table */
      break;
    case S_MARKDOWN: in = is_md_line(s, p, b); break;
    default: in = !blank && spaced_cells(s, p, b) >= 2; break;
    }
    if (!in) break;
    last = b < n ? b + 1 : n;
    p = b + 1;
  }
  return last;
}

/* Rows of a line-shaped table in s[a, stop). Returns the markdown header count or -1. */
static int read_lines(lua_State *L, grid *g, const char *s, size_t a, size_t stop, int shape) {
  int nhead = -1;
  for (size_t p = a; p < stop;) {
    size_t b = line_end(s, stop, p);
    if (shape == S_MARKDOWN && is_md_separator(s, p, b)) {
      if (nhead < 0) nhead = g->nrows;
    } else if (!line_blank(s, p, b)) {
      row *r = grid_add(L, g);
      if (shape == S_SPACE) {
        split_spaced(s, p, b, r);
      } else {
        char sep = shape == S_TAB ? '\t' : '|';
        size_t x = p, y = b;
        if (shape == S_MARKDOWN) {   /* drop the outer pipes */
          while (x < y && s[x] == ' ') x++;
          if (x < y && s[x] == '|') x++;
          while (y > x && is_blank(s[y - 1])) y--;
          if (y > x && s[y - 1] == '|' && !(y - 1 > x && s[y - 2] == '\\')) y--;
        }
        size_t c0 = x;
        for (size_t i = x; i <= y; i++) {
          if (i == y || (s[i] == sep && !(sep == '|' && i > x && s[i - 1] == '\\'))) {
            add_cell(r, make_cell(s + c0, i - c0));
            c0 = i + 1;
          }
        }
        drop_trailing_empty(r);
      }
      if (!r->n) g->nrows--;
    }
    p = b + 1;
  }
  return nhead;
}

/* ---- repairs ------------------------------------------------------------ */

/* How many non-empty cells of r fit their column when read shifted by sh
 * (cell k goes to column k - sh). */
static int fit(const row *r, int sh, const int *type, int ncols) {
  int score = 0;
  for (int k = 0; k < r->n; k++) {
    int col = k - sh, t = r->c[k].type;
    if (t == T_EMPTY) continue;
    if (col < 0 || col >= ncols) score -= 2;
    else score += type[col] == t ? 1 : -1;
  }
  return score;
}

static void pad(row *r, int ncols) {
  while (r->n < ncols && r->n < MAX_TEXT_TABLE_COLUMNS) r->c[r->n++] = empty_cell;
}

static void repair(row *r, const int *type, int ncols) {
  int best = 0, best_score = fit(r, 0, type, ncols);
  for (int sh = -1; sh <= 1; sh += 2) {
    int s = fit(r, sh, type, ncols);
    if (s > best_score) best = sh, best_score = s;
  }
  if (best) {
    row out = {.n = ncols};
    for (int col = 0; col < ncols && col < MAX_TEXT_TABLE_COLUMNS; col++) {
      int k = col + best;
      out.c[col] = (k >= 0 && k < r->n) ? r->c[k] : empty_cell;
    }
    *r = out;
  }
  pad(r, ncols);
  /* a lone cell beside its own empty column */
  for (int k = 0; k < r->n; k++) {
    int t = r->c[k].type;
    if (t == T_EMPTY || t == type[k]) continue;
    for (int d = -1; d <= 1; d += 2) {
      int j = k + d;
      if (j >= 0 && j < ncols && !r->c[j].len && type[j] == t) {
        r->c[j] = r->c[k];
        r->c[k] = empty_cell;
        break;
      }
    }
  }
}

static int overlap(const cell *c, int lo, int hi) {
  int a = c->col0 > lo ? c->col0 : lo, b = c->col1 < hi ? c->col1 : hi;
  return b - a;
}

/* Space tables: each cell goes to the column whose extent it overlaps most
 * (header cells to every column they overlap, like a colspan). */
static void place_spaced(row *r, const int *lo, const int *hi, int ncols, int header) {
  row out = {.n = ncols};
  for (int k = 0; k < ncols; k++) out.c[k] = empty_cell;
  int next = 0;
  for (int i = 0; i < r->n; i++) {
    const cell *c = &r->c[i];
    int best = -1, best_ov = 0;
    for (int k = next; k < ncols; k++) {
      int ov = overlap(c, lo[k], hi[k]);
      if (ov > best_ov) best = k, best_ov = ov;
      if (header && ov > 0 && !out.c[k].len) out.c[k] = *c;
    }
    if (best < 0) {   /* in a gap: the nearest column not yet taken */
      int dist = 1 << 30;
      for (int k = next; k < ncols; k++) {
        int d = c->col0 >= hi[k] ? c->col0 - hi[k] : lo[k] - c->col1;
        if (d < dist) best = k, dist = d;
      }
    }
    if (best < 0) break;
    out.c[best] = *c;
    next = best + 1;
  }
  *r = out;
}

/* ---- from rows to the Lua table ----------------------------------------- */

/* With provenance, a cell read in place from the document notes its span
 * (and widens [*lo, *hi), the table's). */
static void push_cells(lua_State *L, const grid *g, const row *r, int n, size_t *lo, size_t *hi) {
  const rr_luactx *ctx = rr_luactx_get(L);
  const rr_document *d = ctx->trace ? ctx->doc : NULL;
  lua_createtable(L, n, 0);
  for (int k = 0; k < n; k++) {
    if (k < r->n) {
      const cell *c = &r->c[k];
      lua_pushlstring(L, cell_str(g, c), c->len);
      if (d && c->s && c->len && c->s >= d->text.s && c->s + c->len <= d->text.s + d->text.len) {
        size_t a = (size_t)(c->s - d->text.s);
        rr_trace_span(L, -1, a, a + c->len);
        if (a < *lo) *lo = a;
        if (a + c->len > *hi) *hi = a + c->len;
      }
    } else {
      lua_pushliteral(L, "");
    }
    lua_rawseti(L, -2, k + 1);
  }
}

/* Column index (0-based) for a carry entry at the top of the stack: a number,
 * or a header name (header table at hdr). */
static int column_of(lua_State *L, int hdr, int ncols) {
  if (lua_isinteger(L, -1)) {
    lua_Integer k = lua_tointeger(L, -1);
    return k >= 1 && k <= ncols ? (int)k - 1 : -1;
  }
  const char *name = lua_tostring(L, -1);
  for (int k = 1; name && k <= ncols; k++) {
    lua_rawgeti(L, hdr, k);
    int same = strcmp(lua_tostring(L, -1), name) == 0;
    lua_pop(L, 1);
    if (same) return k - 1;
  }
  return -1;
}

static int same_cell(const grid *g, const cell *a, const cell *b) {
  return a->len == b->len && memcmp(cell_str(g, a), cell_str(g, b), a->len) == 0;
}

/* Folds each cell through the normaliser (space tables read from the original bytes). */
static void normalize_cells(grid *g) {
  for (int i = 0; i < g->nrows; i++) {
    for (int k = 0; k < g->rows[i].n; k++) {
      cell *c = &g->rows[i].c[k];
      if (!c->len) continue;
      rr_text t;
      size_t bad;
      if (rr_normalize(cell_str(g, c), c->len, &t, &bad) != RR_NORM_OK) continue;
      c->off = g->arena.len;
      c->s = NULL;
      c->len = rr_buf_add(&g->arena, t.s, t.len) == 0 ? t.len : 0;
      c->type = cell_type(t.s, t.len);
      rr_text_free(&t);
    }
  }
}

/* The option keys of parse and all (and so of rr.find_table). */
static const char *const TABLE_OPTIONS[] = {"shape", "header", "carry", "init", "normalize", "original", NULL};

static int opt_int(lua_State *L, int opts, const char *key, int dflt) {
  if (!opts) return dflt;
  int v = lua_getfield(L, opts, key) == LUA_TNIL ? dflt : (int)luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  return v;
}

/* ---- parse: where, header, columns, types --------------------------------- */

/* The first table at or after byte init: its shape (S_NONE when there is
 * none), where it starts (*first) and the byte after it (*stop). */
static int locate(const char *s, size_t n, size_t init, int want, size_t *first, size_t *stop) {
  int shape = S_NONE;
  size_t a = init;
  while (a < n && (shape = shape_at(s, n, a, want)) == S_NONE) a = line_end(s, n, a) + 1;
  if (shape == S_NONE) return S_NONE;
  size_t z = table_stop(s, n, a, shape);
  if (z <= a) z = line_end(s, n, a) + 1;      /* always move on */
  if (z > n) z = n;
  *first = a;
  *stop = z;
  return shape;
}

/* Reads the table s[a, stop) into g's rows; the number of header rows its
 * markup marks (html's <th> rows, markdown's separator), or -1 for none. */
static int read_table(lua_State *L, grid *g, const char *s, size_t a, size_t stop, int shape) {
  if (shape != S_HTML) return read_lines(L, g, s, a, stop, shape);
  const char *t = find_ci(s + a, stop - a, "<table");
  read_html(L, g, t, (size_t)(s + stop - t));
  int h = 0;
  while (h < g->nrows && g->rows[h].head) h++;
  return h ? h : -1;
}

/* The number of header rows: opts.header, else those the markup marked,
 * else the leading rows (at most MAX_HEADER) without a number or a code. */
static int header_rows(lua_State *L, int opts, const grid *g, int marked) {
  int nhead = opt_int(L, opts, "header", marked);
  if (nhead < 0) {
    nhead = 0;
    while (nhead < g->nrows && nhead < MAX_HEADER) {
      const row *r = &g->rows[nhead];
      int numeric = 0;
      for (int k = 0; k < r->n; k++) numeric |= r->c[k].type == T_CODE || r->c[k].type == T_NUM;
      if (numeric) break;
      nhead++;
    }
  }
  return nhead > g->nrows ? g->nrows : nhead;
}

/* The most common width of the body rows. */
static int common_width(const row *rows, int nrows, int nhead) {
  int ncols = 0, count[MAX_TEXT_TABLE_COLUMNS + 1] = {0};
  for (int i = nhead; i < nrows; i++) count[rows[i].n]++;
  for (int k = 1; k <= MAX_TEXT_TABLE_COLUMNS; k++) if (count[k] > count[ncols]) ncols = k;
  return ncols;
}

/* Space tables: as many columns as the widest body row (a short row has
 * empty cells, not fewer columns); each column's extent from the rows of
 * that width, and every other row placed by them.  The number of columns. */
static int place_by_extents(row *rows, int nrows, int nhead) {
  int lo[MAX_TEXT_TABLE_COLUMNS], hi[MAX_TEXT_TABLE_COLUMNS], ncols = 0;
  for (int k = 0; k < MAX_TEXT_TABLE_COLUMNS; k++) lo[k] = 1 << 30, hi[k] = -1;
  for (int i = nhead; i < nrows; i++) if (rows[i].n > ncols) ncols = rows[i].n;
  for (int i = 0; i < nrows; i++) {
    if (rows[i].n != ncols) continue;
    for (int k = 0; k < ncols; k++) {
      if (rows[i].c[k].col0 < lo[k]) lo[k] = rows[i].c[k].col0;
      if (rows[i].c[k].col1 > hi[k]) hi[k] = rows[i].c[k].col1;
    }
  }
  for (int i = 0; i < nrows; i++)
    if (rows[i].n != ncols) place_spaced(&rows[i], lo, hi, ncols, i < nhead);
  return ncols;
}

/* Each column's type (code, number, text) by the majority of its body cells. */
static void column_types(const row *rows, int nrows, int nhead, int ncols, int *type) {
  for (int k = 0; k < ncols; k++) {
    int votes[4] = {0};
    for (int i = nhead; i < nrows; i++)
      if (k < rows[i].n) votes[rows[i].c[k].type]++;
    type[k] = T_TEXT;
    if (votes[T_CODE] > votes[T_TEXT] && votes[T_CODE] >= votes[T_NUM]) type[k] = T_CODE;
    else if (votes[T_NUM] > votes[T_TEXT] && votes[T_NUM] > votes[T_CODE]) type[k] = T_NUM;
  }
}

/* Pushes the header: one name per column, the header lines joined with "/". */
static void push_header(lua_State *L, const grid *g, int nhead, int ncols) {
  const row *rows = g->rows;
  int hdr = lua_gettop(L) + 1;
  lua_createtable(L, ncols, 0);
  luaL_Buffer b;
  for (int k = 0; k < ncols; k++) {
    luaL_buffinit(L, &b);
    cell prev = empty_cell;
    for (int h = 0; h < nhead; h++) {
      cell c = k < rows[h].n ? rows[h].c[k] : empty_cell;
      if (!c.len && h + 1 < nhead) {            /* merged: the nearest name to the left */
        for (int j = k - 1; j >= 0 && !c.len; j--) c = j < rows[h].n ? rows[h].c[j] : c;
        int below = k < rows[h + 1].n && rows[h + 1].c[k].len;
        if (!below) c = empty_cell;
      }
      if (!c.len || same_cell(g, &prev, &c)) continue;   /* a rowspan repeats its name */
      if (luaL_bufflen(&b)) luaL_addchar(&b, '/');
      luaL_addlstring(&b, cell_str(g, &c), c.len);
      prev = c;
    }
    luaL_pushresult(&b);
    lua_rawseti(L, hdr, k + 1);
  }
}

/* carry[k] = 1 for each column opts.carry names (header table at hdr);
 * leaves the stack as it was. */
static void carried_columns(lua_State *L, int opts, int hdr, int ncols, int *carry) {
  int top = lua_gettop(L);
  if (opts && lua_getfield(L, opts, "carry") == LUA_TTABLE) {
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
      if (!lua_isinteger(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "tables.parse: carry entries are column numbers or header names");
      int k = column_of(L, hdr, ncols);
      if (k >= 0) carry[k] = 1;          /* a column this table lacks: nothing to carry */
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
}

/* Pushes the body rows, each repaired (tab, markdown) or padded to ncols
 * cells and the carried columns filled from the row above. */
static void push_rows(lua_State *L, grid *g, int nhead, int ncols, int shape, const int *type,
                      const int *carry) {
  row *rows = g->rows;
  lua_createtable(L, g->nrows - nhead, 0);
  row last = {0};
  size_t lo = SIZE_MAX, hi = 0;
  for (int i = nhead, out = 0; i < g->nrows; i++) {
    if (shape == S_TAB || shape == S_MARKDOWN) repair(&rows[i], type, ncols);
    else pad(&rows[i], ncols);
    for (int k = 0; k < ncols; k++)
      if (carry[k] && !rows[i].c[k].len && k < last.n) rows[i].c[k] = last.c[k];
    last = rows[i];
    push_cells(L, g, &rows[i], ncols, &lo, &hi);
    lua_rawseti(L, -2, ++out);
  }
  if (hi > lo) rr_trace_mark(L, "table", lo, hi, NULL, 0);
}

/* Parses the first table in s at or after byte init (0-based); pushes it, or
 * nothing and returns 0.  opts: stack index of the options or 0. */
static int parse_at(lua_State *L, const char *s, size_t n, size_t init, int opts) {
  int want = S_NONE, normalize = 0;
  if (opts) {
    lua_getfield(L, opts, "shape");
    want = luaL_checkoption(L, -1, "auto", shape_names);
    lua_getfield(L, opts, "normalize");
    normalize = lua_toboolean(L, -1);
    lua_pop(L, 2);
  }
  size_t a, stop;
  int shape = locate(s, n, init, want, &a, &stop);
  if (shape == S_NONE) return 0;
  int base = lua_gettop(L);
  grid *g = rr_new_scratch(L, sizeof *g, grid_gc);
  int marked = read_table(L, g, s, a, stop, shape);
  if (normalize) normalize_cells(g);
  if (g->nrows == 0) {          /* nothing but separators or empty tags: look further */
    lua_settop(L, base);
    return stop < n ? parse_at(L, s, n, stop, opts) : 0;
  }
  int nhead = header_rows(L, opts, g, marked);
  int ncols = shape == S_SPACE ? place_by_extents(g->rows, g->nrows, nhead)
                               : common_width(g->rows, g->nrows, nhead);
  for (int i = 0; i < nhead; i++) if (g->rows[i].n > ncols) ncols = g->rows[i].n;
  int type[MAX_TEXT_TABLE_COLUMNS] = {0}, carry[MAX_TEXT_TABLE_COLUMNS] = {0};
  column_types(g->rows, g->nrows, nhead, ncols, type);

  int result = lua_gettop(L) + 1;
  lua_createtable(L, 0, 5);
  lua_pushstring(L, shape_names[shape]);
  lua_setfield(L, result, "shape");
  lua_pushinteger(L, (lua_Integer)a + 1);
  lua_setfield(L, result, "first");
  lua_pushinteger(L, (lua_Integer)stop + 1);
  lua_setfield(L, result, "stop");
  int hdr = result + 1;
  push_header(L, g, nhead, ncols);
  lua_pushvalue(L, hdr);
  lua_setfield(L, result, "header");
  carried_columns(L, opts, hdr, ncols, carry);
  push_rows(L, g, nhead, ncols, shape, type, carry);
  lua_setfield(L, result, "rows");
  lua_settop(L, result);
  lua_remove(L, base + 1);   /* the grid */
  return 1;
}

static size_t check_init(lua_State *L, int opts, size_t n) {
  lua_Integer init = opt_int(L, opts, "init", 1);
  luaL_argcheck(L, init >= 1, 2, "init must be at least 1");
  return (size_t)init - 1 > n ? n : (size_t)init - 1;
}

/* The text at argument 1: a string, or a document's normalised text (its
 * original bytes with opts.original) read in place, without a copy. */
static const char *table_text(lua_State *L, int opts, size_t *n) {
  int is_doc;
  const char *s = rr_text_arg(L, 1, n, &is_doc);
  if (is_doc && opts) {
    lua_getfield(L, opts, "original");
    if (lua_toboolean(L, -1)) {
      const rr_document *d = rr_document_check(L, 1);
      *n = d->orig_len;
      s = d->orig;
    }
    lua_pop(L, 1);
  }
  return s;
}

/* The options table of a call (argument 2), checked; its index or 0. */
static int table_opts(lua_State *L, const char *func) {
  if (!lua_istable(L, 2)) return 0;
  rr_check_options(L, 2, func, TABLE_OPTIONS, 0);
  return 2;
}

/* tables.parse(text [, opts]) -> the first table, or nil */
static int tables_parse(lua_State *L) {
  size_t n;
  int opts = table_opts(L, "rr.tables.parse");
  const char *s = table_text(L, opts, &n);
  lua_settop(L, 2);
  if (!parse_at(L, s, n, check_init(L, opts, n), opts)) lua_pushnil(L);
  return 1;
}

/* tables.all(text [, opts]) -> every table, in order */
static int tables_all(lua_State *L) {
  size_t n;
  int opts = table_opts(L, "rr.tables.all");
  const char *s = table_text(L, opts, &n);
  lua_settop(L, 2);
  lua_newtable(L);
  size_t at = check_init(L, opts, n);
  for (lua_Integer i = 1; at < n && parse_at(L, s, n, at, opts); i++) {
    lua_getfield(L, -1, "stop");
    size_t stop = (size_t)lua_tointeger(L, -1) - 1;
    lua_pop(L, 1);
    lua_rawseti(L, 3, i);
    at = stop > at ? stop : n;
  }
  return 1;
}

/* tables.cells(line [, sep]) -> the cells of one line, trimmed; sep "\t" (default) or "|" */
static int tables_cells(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  const char *sep = luaL_optstring(L, 2, "\t");
  row r = {0};
  size_t a = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == sep[0]) {
      add_cell(&r, make_cell(s + a, i - a));
      a = i + 1;
    }
  }
  drop_trailing_empty(&r);
  grid g = {0};
  size_t lo = SIZE_MAX, hi = 0;
  push_cells(L, &g, &r, r.n, &lo, &hi);
  return 1;
}

/* tables.is_code(s) -> whether s looks like a security code */
static int tables_is_code(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushboolean(L, looks_code(s, n));
  return 1;
}

static const luaL_Reg tables_funcs[] = {
  {"parse", tables_parse}, {"all", tables_all}, {"cells", tables_cells},
  {"is_code", tables_is_code}, {NULL, NULL}};

int luaopen_rulerun_tables(lua_State *L) {
  luaL_newlib(L, tables_funcs);
  lua_createtable(L, 0, 2);           /* OPTIONS: each function's option keys (rulerun.options) */
  rr_push_names(L, TABLE_OPTIONS);
  lua_setfield(L, -2, "parse");
  rr_push_names(L, TABLE_OPTIONS);
  lua_setfield(L, -2, "all");
  lua_setfield(L, -2, "OPTIONS");
  return 1;
}
