/* tables.c - rulerun.tables: rows of cells from the tables reports carry (tab-separated for now).
 *
 * tables.parse(text [, opts]) -> { header = {...}, rows = { {...}, ... } }
 * for the first table in text: its lines have tabs; it ends at the first
 * line with text but no tab.
 *
 * Header lines are the leading lines with no numeric cell (at most 3); a
 * header cell left empty beside a filled one is a merged cell and takes its
 * name ("股价涨跌幅" over 本周/本月/本年 gives 股价涨跌幅/本周 ...).  Each
 * column gets a type (code, number, text) from the majority of its cells; a
 * row that PDF extraction shifted by one cell is moved back when that makes
 * more of its cells fit their columns, and a lone cell that landed in the
 * empty column beside its own is moved there.  opts.carry lists columns
 * (1-based numbers or header names) whose empty cells repeat the cell above.
 */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define MAX_COLS 64
#define MAX_HEADER 3

enum { T_EMPTY, T_CODE, T_NUM, T_TEXT };

typedef struct cell { const char *s; size_t len; int type; } cell;

typedef struct row {
  cell c[MAX_COLS];
  int n;
} row;

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

static const cell empty_cell = {"", 0, T_EMPTY};

/* A trimmed cell with its type. */
static cell make_cell(const char *s, size_t n) {
  while (n && (*s == ' ')) s++, n--;
  while (n && s[n - 1] == ' ') n--;
  cell c = {s, n, cell_type(s, n)};
  return c;
}

/* Splits one line on tabs; trailing empty cells are dropped. */
static void split_line(const char *s, size_t n, row *r) {
  r->n = 0;
  size_t a = 0;
  for (size_t i = 0; i <= n && r->n < MAX_COLS; i++) {
    if (i == n || s[i] == '\t') {
      r->c[r->n++] = make_cell(s + a, i - a);
      a = i + 1;
    }
  }
  while (r->n && !r->c[r->n - 1].len) r->n--;
}

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

static void repair(row *r, const int *type, int ncols) {
  int best = 0, best_score = fit(r, 0, type, ncols);
  for (int sh = -1; sh <= 1; sh += 2) {
    int s = fit(r, sh, type, ncols);
    if (s > best_score) best = sh, best_score = s;
  }
  if (best) {
    row out = {0};
    for (int col = 0; col < ncols && col < MAX_COLS; col++) {
      int k = col + best;
      out.c[col] = (k >= 0 && k < r->n) ? r->c[k] : empty_cell;
    }
    out.n = ncols;
    *r = out;
  }
  while (r->n < ncols) r->c[r->n++] = empty_cell;
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

static void push_cells(lua_State *L, const row *r, int n) {
  lua_createtable(L, n, 0);
  for (int k = 0; k < n; k++) {
    lua_pushlstring(L, k < r->n ? r->c[k].s : "", k < r->n ? r->c[k].len : 0);
    lua_rawseti(L, -2, k + 1);
  }
}

/* Column index (0-based) for a carry entry: a number, or a header name. */
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

/* Where the first table in s ends: at the first line with text but no tab
 * after a line with a tab (blank lines inside a table are allowed). */
static size_t table_end(const char *s, size_t n) {
  int in_table = 0;
  for (size_t a = 0; a < n;) {
    const char *nl = memchr(s + a, '\n', n - a);
    size_t b = nl ? (size_t)(nl - s) : n;
    int tab = memchr(s + a, '\t', b - a) != NULL, blank = 1;
    for (size_t i = a; i < b && blank; i++) blank = s[i] == ' ';
    if (tab) in_table = 1;
    else if (in_table && !blank) return a;
    a = b + 1;
  }
  return n;
}

static int tables_parse(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  int has_opts = lua_istable(L, 2);
  lua_settop(L, 2);
  /* the lines with at least one tab, in a userdata so that errors cannot leak them */
  size_t end = table_end(s, n);
  int cap = 0, nrows = 0;
  for (size_t a = 0; a < end;) {
    const char *nl = memchr(s + a, '\n', end - a);
    size_t b = nl ? (size_t)(nl - s) : end;
    cap += memchr(s + a, '\t', b - a) != NULL;
    a = b + 1;
  }
  row *rows = lua_newuserdatauv(L, (size_t)(cap ? cap : 1) * sizeof *rows, 0);   /* 3 */
  for (size_t a = 0; a < end;) {
    const char *nl = memchr(s + a, '\n', end - a);
    size_t b = nl ? (size_t)(nl - s) : end;
    if (memchr(s + a, '\t', b - a)) {
      split_line(s + a, b - a, &rows[nrows]);
      if (rows[nrows].n) nrows++;
    }
    a = b + 1;
  }
  /* header lines: leading rows without a number or a code */
  int nhead = 0;
  if (has_opts && lua_getfield(L, 2, "header") != LUA_TNIL) {
    nhead = (int)luaL_checkinteger(L, -1);
    if (nhead < 0 || nhead > nrows) nhead = 0;
  } else {
    while (nhead < nrows && nhead < MAX_HEADER) {
      int numeric = 0;
      for (int k = 0; k < rows[nhead].n; k++)
        numeric |= rows[nhead].c[k].type == T_CODE || rows[nhead].c[k].type == T_NUM;
      if (numeric) break;
      nhead++;
    }
  }
  lua_settop(L, 3);
  /* columns: the most common width of the body rows, at least the header's */
  int ncols = 0, count[MAX_COLS + 1] = {0};
  for (int i = nhead; i < nrows; i++) count[rows[i].n]++;
  for (int k = 1; k <= MAX_COLS; k++) if (count[k] > count[ncols]) ncols = k;
  for (int i = 0; i < nhead; i++) if (rows[i].n > ncols) ncols = rows[i].n;
  /* column types from the body */
  int type[MAX_COLS] = {0};
  for (int k = 0; k < ncols; k++) {
    int votes[4] = {0};
    for (int i = nhead; i < nrows; i++)
      if (k < rows[i].n) votes[rows[i].c[k].type]++;
    type[k] = T_TEXT;
    if (votes[T_CODE] > votes[T_TEXT] && votes[T_CODE] >= votes[T_NUM]) type[k] = T_CODE;
    else if (votes[T_NUM] > votes[T_TEXT] && votes[T_NUM] > votes[T_CODE]) type[k] = T_NUM;
  }
  lua_createtable(L, 0, 2);                                   /* 4: result */
  /* the header, merged cells named after their left neighbour */
  lua_createtable(L, ncols, 0);                               /* 5: header */
  luaL_Buffer b;
  for (int k = 0; k < ncols; k++) {
    luaL_buffinit(L, &b);
    for (int h = 0; h < nhead; h++) {
      cell c = k < rows[h].n ? rows[h].c[k] : empty_cell;
      if (!c.len && h + 1 < nhead) {            /* merged: the nearest name to the left */
        for (int j = k - 1; j >= 0 && !c.len; j--) c = j < rows[h].n ? rows[h].c[j] : c;
        int below = k < rows[h + 1].n && rows[h + 1].c[k].len;
        if (!below) c = empty_cell;
      }
      if (!c.len) continue;
      if (luaL_bufflen(&b)) luaL_addchar(&b, '/');
      luaL_addlstring(&b, c.s, c.len);
    }
    luaL_pushresult(&b);
    lua_rawseti(L, 5, k + 1);
  }
  lua_pushvalue(L, 5);
  lua_setfield(L, 4, "header");
  /* carried columns */
  int carry[MAX_COLS] = {0};
  if (has_opts && lua_getfield(L, 2, "carry") == LUA_TTABLE) {
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
      int k = column_of(L, 5, ncols);
      if (k < 0) luaL_error(L, "tables.parse: no column '%s' to carry", lua_tostring(L, -1));
      carry[k] = 1;
      lua_pop(L, 1);
    }
  }
  lua_settop(L, 5);
  lua_createtable(L, nrows - nhead, 0);                        /* 6: rows */
  row last = {0};
  for (int i = nhead, out = 0; i < nrows; i++) {
    repair(&rows[i], type, ncols);
    for (int k = 0; k < ncols; k++) {
      if (carry[k] && !rows[i].c[k].len && k < last.n) rows[i].c[k] = last.c[k];
    }
    last = rows[i];
    push_cells(L, &rows[i], ncols);
    lua_rawseti(L, 6, ++out);
  }
  lua_setfield(L, 4, "rows");
  lua_settop(L, 4);
  return 1;
}

/* tables.cells(line) -> the tab-separated cells of one line, trimmed */
static int tables_cells(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  row r;
  split_line(s, n, &r);
  push_cells(L, &r, r.n);
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
  {"parse", tables_parse}, {"cells", tables_cells}, {"is_code", tables_is_code}, {NULL, NULL}};

int luaopen_rulerun_tables(lua_State *L) {
  luaL_newlib(L, tables_funcs);
  return 1;
}
