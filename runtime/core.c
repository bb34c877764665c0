/* core.c - rulerun.core: declare tables and rules, emit rows (CSV through libcsv) into the document's batch. */
#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define RR_CTX "rulerun.ctx"
#define RR_TABLES "rulerun.tables"     /* name -> index (0-based) */
#define RR_COLMAPS "rulerun.colmaps"   /* [index + 1] -> { column -> position (0-based) } */
#define RR_RULES "rulerun.rules"       /* { {name=, fn=, line=, source=}, ... } */
#define MAX_OUTPUT_COLUMNS 256        /* of a table rr.table declares (a CSV file) */

/* ---- batches ------------------------------------------------------------- */

void rr_batch_init(rr_batch *b, size_t ntables) {
  size_t n = ntables ? ntables : 1;
  b->tables = calloc(n, sizeof *b->tables);
  b->rows = calloc(n, sizeof *b->rows);
  b->mark_len = calloc(n, sizeof *b->mark_len);
  b->mark_rows = calloc(n, sizeof *b->mark_rows);
  b->ntables = (b->tables && b->rows && b->mark_len && b->mark_rows) ? ntables : 0;
}

void rr_batch_mark(rr_batch *b) {
  for (size_t i = 0; i < b->ntables; i++) {
    b->mark_len[i] = b->tables[i].len;
    b->mark_rows[i] = b->rows[i];
  }
}

void rr_batch_rollback(rr_batch *b) {
  for (size_t i = 0; i < b->ntables; i++) {
    b->tables[i].len = b->mark_len[i];
    b->rows[i] = b->mark_rows[i];
  }
}

void rr_batch_free(rr_batch *b) {
  for (size_t i = 0; i < b->ntables; i++) rr_buf_free(&b->tables[i]);
  free(b->tables);
  free(b->rows);
  free(b->mark_len);
  free(b->mark_rows);
  memset(b, 0, sizeof *b);
}

/* ---- CSV ------------------------------------------------------------------ */

/* Bytes that make a CSV field need quotes anywhere in it (RFC 4180). */
static const unsigned char needs_quote[256] = {[','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

int rr_csv_field(rr_buf *b, const char *s, size_t n, int excel) {
  int kind = excel ? rr_cell_kind(s, n).kind : RR_CELL_TEXT;
  if (kind == RR_CELL_CODE)    /* a formula giving the text: the zeros stay */
    return rr_buf_add(b, "\"=\"\"", 4) || rr_buf_add(b, s, n) || rr_buf_add(b, "\"\"\"", 3);
  /* --excel: a spreadsheet would run =, +, -, @ (and tab/CR) at the start as a
   * formula; a plain number (-1.35) is no formula and stays a number */
  int guard = excel && n && kind != RR_CELL_NUMBER && strchr("=+-@\t\r", s[0]) != NULL;
  /* RFC 4180 quoting, and also around leading/trailing blanks, which some readers trim */
  int quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n && !quote; i++) quote = needs_quote[u[i]];
  if (!quote) {
    if (guard && rr_buf_add(b, "'", 1)) return -1;
    return rr_buf_add(b, s, n);
  }
  const char *src = s;
  char *tmp = NULL;
  if (guard) {
    if (!(tmp = malloc(n + 1))) return -1;
    tmp[0] = '\'';
    memcpy(tmp + 1, s, n);
    src = tmp;
    n++;
  }
  int rc = -1;
  if (n < SIZE_MAX / 2 - 2 && !rr_buf_reserve(b, 2 * n + 2)) {
    b->len += csv_write(b->s + b->len, b->cap - b->len, src, n);
    rc = 0;
  }
  free(tmp);
  return rc;
}

double rr_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the context ---------------------------------------------------------------- */

static int ctx_gc(lua_State *L) {
  rr_luactx *ctx = lua_touserdata(L, 1);
  for (int i = 0; i < ctx->ntables; i++) {
    for (int c = 0; c < ctx->tables[i].ncols; c++) free(ctx->tables[i].cols[c]);
    free(ctx->tables[i].cols);
    free(ctx->tables[i].name);
    free(ctx->tables[i].lua_cols);
  }
  free(ctx->tables);
  ctx->tables = NULL;
  ctx->ntables = 0;
  free(ctx->prof.rule);
  ctx->prof.rule = NULL;
  return 0;
}

/* The context lives in the registry; its address is kept in the thread's
 * extra space too (copied into coroutines made later), because helpers ask
 * for it on every call. */
rr_luactx *rr_luactx_get(lua_State *L) {
  rr_luactx **fast = lua_getextraspace(L);
  rr_luactx *ctx = *fast;
  if (ctx) return ctx;
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_CTX) == LUA_TUSERDATA) {
    ctx = lua_touserdata(L, -1);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 1);
    ctx = rr_new_scratch(L, sizeof *ctx, ctx_gc);
    lua_setfield(L, LUA_REGISTRYINDEX, RR_CTX);
  }
  *fast = ctx;
  return ctx;
}

void *rr_testudata(lua_State *L, int idx, const char *tname) {
  void *p = lua_touserdata(L, idx);
  if (!p || !lua_getmetatable(L, idx)) return NULL;
  const void *mt = lua_topointer(L, -1);
  lua_pop(L, 1);
  rr_luactx *ctx = rr_luactx_get(L);
  size_t n = sizeof ctx->mt_seen / sizeof ctx->mt_seen[0], i = 0;
  for (; i < n && ctx->mt_seen[i].tname; i++)
    if (ctx->mt_seen[i].tname == tname) return mt == ctx->mt_seen[i].mt ? p : NULL;
  luaL_getmetatable(L, tname);
  const void *want = lua_topointer(L, -1);
  lua_pop(L, 1);
  if (i < n && want) {     /* the registry keeps the metatable: its address stays */
    ctx->mt_seen[i].tname = tname;
    ctx->mt_seen[i].mt = want;
  }
  return want && mt == want ? p : NULL;
}

void *rr_checkudata(lua_State *L, int idx, const char *tname) {
  void *p = rr_testudata(L, idx, tname);
  if (!p) luaL_typeerror(L, idx, tname);
  return p;
}

static void push_registry_table(lua_State *L, const char *name) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, name);
  }
}

static int valid_table_name(const char *s, size_t n) {
  if (n == 0 || n > 64 || s[0] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          c == '_' || c == '-' || c == '.'))
      return 0;
  }
  return 1;
}

/* core.table(name, {columns}) */
static int core_table(lua_State *L) {
  size_t nlen;
  const char *name = luaL_checklstring(L, 1, &nlen);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_argcheck(L, valid_table_name(name, nlen), 1,
                "table names are letters, digits, '_', '-' or '.' (they name the CSV file)");
  rr_luactx *ctx = rr_luactx_get(L);
  if (ctx->batch) return luaL_error(L, "rr.table must be called when the rule file loads, not inside a rule");
  push_registry_table(L, RR_TABLES);                       /* 3 */
  if (lua_getfield(L, 3, name) != LUA_TNIL) return luaL_error(L, "table '%s' is declared twice", name);
  lua_pop(L, 1);
  lua_Integer ncols = (lua_Integer)lua_rawlen(L, 2);
  if (ncols < 1 || ncols > MAX_OUTPUT_COLUMNS)
    return luaL_argerror(L, 2, lua_pushfstring(L, "a table needs 1 to %d columns", (int)MAX_OUTPUT_COLUMNS));
  lua_newtable(L);                                         /* 4: column -> position */
  int file_col = -1;
  for (lua_Integer i = 1; i <= ncols; i++) {
    if (lua_rawgeti(L, 2, i) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
      return luaL_error(L, "table '%s': column %d must be a non-empty string", name, (int)i);
    const char *col = lua_tostring(L, -1);
    if (lua_getfield(L, 4, col) != LUA_TNIL)
      return luaL_error(L, "table '%s': column '%s' is declared twice", name, col);
    lua_pop(L, 1);
    lua_pushvalue(L, -1);             /* the key is the column's own string (rr.emit compares addresses) */
    lua_pushinteger(L, i - 1);
    lua_rawset(L, 4);
    if (strcmp(col, "file") == 0) file_col = (int)(i - 1);
    lua_pop(L, 1);
  }
  rr_table_schema sc = {NULL, calloc((size_t)ncols, sizeof(char *)), 0, file_col, NULL,
                        calloc((size_t)ncols, sizeof(char *))};
  sc.name = strdup(name);
  rr_table_schema *grown = realloc(ctx->tables, (size_t)(ctx->ntables + 1) * sizeof *grown);
  if (grown) ctx->tables = grown;
  for (lua_Integer i = 1; sc.cols && sc.lua_cols && i <= ncols; i++) {
    lua_rawgeti(L, 2, i);
    sc.lua_cols[sc.ncols] = lua_tostring(L, -1);              /* a key of the column map: it lives on */
    if ((sc.cols[sc.ncols] = strdup(lua_tostring(L, -1))) != NULL) sc.ncols++;
    lua_pop(L, 1);
  }
  if (!sc.name || !sc.cols || !sc.lua_cols || !grown || sc.ncols != ncols) {
    for (int c = 0; c < sc.ncols; c++) free(sc.cols[c]);
    free(sc.cols);
    free(sc.name);
    free(sc.lua_cols);
    return luaL_error(L, "out of memory");
  }
  sc.lua_name = lua_tostring(L, 1);                        /* the key of RR_TABLES, set just below */
  ctx->tables[ctx->ntables] = sc;
  lua_pushvalue(L, 1);
  lua_pushinteger(L, ctx->ntables);
  lua_rawset(L, 3);
  push_registry_table(L, RR_COLMAPS);
  lua_pushvalue(L, 4);
  lua_rawseti(L, -2, ctx->ntables + 1);
  ctx->ntables++;
  return 0;
}

/* core.rule([name,] fn) */
static int core_rule(lua_State *L) {
  rr_luactx *ctx = rr_luactx_get(L);
  if (ctx->batch) return luaL_error(L, "rr.rule must be called when the rule file loads, not inside a rule");
  if (lua_type(L, 1) == LUA_TFUNCTION) {
    lua_pushnil(L);
    lua_insert(L, 1);
  }
  luaL_checktype(L, 2, LUA_TFUNCTION);
  push_registry_table(L, RR_RULES);                        /* 3 */
  lua_Integer n = (lua_Integer)lua_rawlen(L, 3);
  if (lua_isnoneornil(L, 1)) {
    lua_pushfstring(L, "rule %d", (int)(n + 1));
    lua_replace(L, 1);
  }
  const char *name = luaL_checkstring(L, 1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 3, i);
    lua_getfield(L, -1, "name");
    if (strcmp(lua_tostring(L, -1), name) == 0) return luaL_error(L, "rule '%s' is declared twice", name);
    lua_pop(L, 2);
  }
  lua_Debug ar;
  lua_pushvalue(L, 2);
  lua_getinfo(L, ">S", &ar);
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "name");
  lua_pushvalue(L, 2);
  lua_setfield(L, -2, "fn");
  lua_pushinteger(L, ar.linedefined);
  lua_setfield(L, -2, "line");
  lua_pushstring(L, ar.short_src);
  lua_setfield(L, -2, "source");
  lua_rawseti(L, 3, n + 1);
  return 0;
}

/* v in decimal into out (at least 21 bytes); returns the length. */
static size_t format_integer(char *out, long long v) {
  char tmp[24];
  size_t n = 0, len = 0;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do tmp[n++] = (char)('0' + u % 10); while (u /= 10);
  if (v < 0) out[len++] = '-';
  while (n) out[len++] = tmp[--n];
  out[len] = '\0';
  return len;
}

size_t rr_format_number(char *out, size_t size, double d) {
  if (d == floor(d) && fabs(d) < 1e15) {
    if (d == 0) return (size_t)snprintf(out, size, signbit(d) ? "-0" : "0");
    return format_integer(out, (long long)d);
  }
  /* A short decimal (at most 6 places, 14 significant digits) whose nearest
   * double is d: %.14g would print exactly its digits, without trailing
   * zeros.  n / 10^k is correctly rounded, so the test is exact. */
  double a = fabs(d);
  if (a >= 1e-3 && a < 1e8) {
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    for (int k = 1; k <= 6; k++) {
      long long n = (long long)(a * scale[k] + 0.5);  /* a > 0; the test below checks it */
      if ((double)n / scale[k] != a) continue;
      size_t len = 0;
      if (d < 0) out[len++] = '-';
      long long ip = n / (long long)scale[k], fp = n % (long long)scale[k];
      len += format_integer(out + len, ip);
      char frac[8];
      for (int i = k - 1; i >= 0; i--, fp /= 10) frac[i] = (char)('0' + fp % 10);
      int f = k;
      // cppcheck-suppress uninitvar ; frac[0..k) is set just above, and k >= 1
      while (f > 0 && frac[f - 1] == '0') f--;
      out[len++] = '.';
      memcpy(out + len, frac, (size_t)f);
      len += (size_t)f;
      out[len] = '\0';
      return len;
    }
  }
  return (size_t)snprintf(out, size, "%.14g", d);
}

/* The value on top as a cell: a string's own bytes (the row table holds the
 * string, so they stay valid once the value is popped), a number written
 * into num (at least 64 bytes), or "true" / "false". */
static const char *cell_string(lua_State *L, const char *table, const char *col, size_t *len, char *num) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING:
      return lua_tolstring(L, -1, len);
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) *len = format_integer(num, (long long)lua_tointeger(L, -1));
      else *len = rr_format_number(num, 64, lua_tonumber(L, -1));
      return num;
    case LUA_TBOOLEAN: {
      const char *b = lua_toboolean(L, -1) ? "true" : "false";
      *len = strlen(b);
      return b;
    }
    default:
      luaL_error(L, "table '%s', column '%s': a %s cannot go into a CSV cell", table, col,
                 luaL_typename(L, -1));
      return NULL;
  }
}

/* The error for a row key that is not a column: the closest and the columns there are. */
static int no_column(lua_State *L, const rr_table_schema *sc, const char *key) {
  rr_push_hint(L, key, (const char *const *)sc->cols, (size_t)sc->ncols, "its columns");
  return luaL_error(L, "table '%s' has no column '%s' %s", sc->name, key, lua_tostring(L, -1));
}

/* The error for emit to a table never declared: the closest and the tables there are. */
static int no_table(lua_State *L, const rr_luactx *ctx, const char *name) {
  const char **names = lua_newuserdatauv(L, ((size_t)ctx->ntables + 1) * sizeof *names, 0);
  for (int i = 0; i < ctx->ntables; i++) names[i] = ctx->tables[i].name;
  rr_push_hint(L, name, names, (size_t)ctx->ntables, "tables");
  return luaL_error(L, "no table '%s' declared with rr.table %s", name, lua_tostring(L, -1));
}

/* The span opts.at gives (a position, or {first, last}), as [*a, *b): 1,
 * or 0 when there is no opts or no at.  Any other key is an error. */
static int emit_at(lua_State *L, int opts, const rr_document *d, size_t *a, size_t *b) {
  if (lua_isnoneornil(L, opts)) return 0;
  luaL_checktype(L, opts, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, opts)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING || strcmp(lua_tostring(L, -1), "at") != 0)
      return luaL_error(L, "rr.emit: unknown option '%s' (options: at)", luaL_tolstring(L, -1, NULL));
  }
  int t = lua_getfield(L, opts, "at");
  lua_Integer first, last;
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  } else if (t == LUA_TNUMBER) {
    first = last = luaL_checkinteger(L, -1);
  } else if (t == LUA_TTABLE) {
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    first = luaL_checkinteger(L, -2);
    last = lua_isnil(L, -1) ? first : luaL_checkinteger(L, -1);
    lua_pop(L, 2);
  } else {
    return luaL_error(L, "rr.emit: option 'at' is a position or {first, last}, not a %s", luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  size_t len = d ? d->text.len : 0;
  if (first < 1) first = 1;
  if (last < first) last = first;
  if ((size_t)first > len) return 0;
  if ((size_t)last > len) last = (lua_Integer)len;
  *a = (size_t)first - 1;
  *b = (size_t)last;
  return 1;
}

/* The rule file's line that called emit (through helpers, perhaps), else
 * the running rule's own line. */
static int emit_line(lua_State *L, const rr_luactx *ctx) {
  lua_Debug ar;
  for (int level = 1; ctx->rules_source && lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0 && strcmp(ar.source, ctx->rules_source) == 0) return ar.currentline;
  }
  return ctx->rule_line;
}

/* The cells of the row at argument 2 by column position, for table ti:
 * val[c] NULL where the row has none.  Raises on an unknown column or a
 * value that is no cell (so returns only 0); the strings are the row's
 * own, which it holds while the row is written. */
static int row_cells(lua_State *L, const char *tname, const rr_table_schema *sc, int ti,
                     const char **val, size_t *len, char (*num)[64]) {
  for (int c = 0; c < sc->ncols; c++) val[c] = NULL, len[c] = 0;
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    int pos = -1;
    if (lua_type(L, -2) == LUA_TSTRING) {
      /* a column's name is this state's string of it (short strings are
       * interned): found by address; else by the column map */
      const char *key = lua_tostring(L, -2);
      for (int c = 0; c < sc->ncols && pos < 0; c++)
        if (sc->lua_cols[c] == key) pos = c;
      if (pos < 0) {
        push_registry_table(L, RR_COLMAPS);
        lua_rawgeti(L, -1, ti + 1);
        lua_pushvalue(L, -4);
        if (lua_rawget(L, -2) == LUA_TNUMBER) pos = (int)lua_tointeger(L, -1);
        lua_pop(L, 3);
        if (pos < 0) return no_column(L, sc, key);
      }
    } else if (lua_isinteger(L, -2)) {
      lua_Integer k = lua_tointeger(L, -2);
      if (k < 1 || k > sc->ncols)
        return luaL_error(L, "table '%s' has %d columns, not %d", tname, sc->ncols, (int)k);
      pos = (int)k - 1;
    } else {
      return luaL_error(L, "table '%s': row keys must be column names", tname);
    }
    val[pos] = cell_string(L, tname, sc->cols[pos], &len[pos], num[pos]);
    lua_pop(L, 1);
  }
  return 0;
}

/* The --provenance columns after a row's cells: rule, rule file line, and
 * the offset in the original bytes where the row came from; -1 when out of memory. */
static int add_provenance(rr_buf *out, const rr_luactx *ctx, int line, int have_span, size_t at_a) {
  char num[32], off[32] = "";
  snprintf(num, sizeof num, "%d", line);
  if (have_span && ctx->doc) snprintf(off, sizeof off, "%zu", rr_text_orig_offset(&ctx->doc->text, at_a));
  const char *rule = ctx->rule_name ? ctx->rule_name : "";
  if (rr_buf_add(out, ",", 1) || rr_csv_field(out, rule, strlen(rule), ctx->excel) ||
      rr_buf_add(out, ",", 1) || rr_buf_add(out, num, strlen(num)) || rr_buf_add(out, ",", 1) ||
      rr_buf_add(out, off, strlen(off)))
    return -1;
  return 0;
}

/* core.emit(table, row [, {at = pos | {first, last}}]): row maps column names
 * (or positions 1..n) to values; at says where in the document the row came
 * from (provenance: --provenance, rulerun explain). */
static int core_emit(lua_State *L) {
  const char *tname = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 3);
  rr_luactx *ctx = rr_luactx_get(L);
  int ti = -1;
  for (int i = 0; i < ctx->ntables && ti < 0; i++)        /* by address, as row_cells' columns */
    if (ctx->tables[i].lua_name == tname) ti = i;
  if (ti < 0) {
    push_registry_table(L, RR_TABLES);
    if (lua_getfield(L, -1, tname) != LUA_TNUMBER) return no_table(L, ctx, tname);
    ti = (int)lua_tointeger(L, -1);
    lua_settop(L, 3);
  }
  if (!ctx->batch || (size_t)ti >= ctx->batch->ntables)
    return luaL_error(L, "rr.emit can only be called from a rule while a document is processed");
  size_t at_a = 0, at_b = 0;
  int have_span = emit_at(L, 3, ctx->doc, &at_a, &at_b);
  rr_table_schema *sc = &ctx->tables[ti];
  const char *val[MAX_OUTPUT_COLUMNS];
  size_t len[MAX_OUTPUT_COLUMNS];
  char num[MAX_OUTPUT_COLUMNS][64];   /* the cells written from numbers */
  row_cells(L, tname, sc, ti, val, len, num);
  if (sc->file_col >= 0 && !val[sc->file_col]) {
    val[sc->file_col] = ctx->doc_path ? ctx->doc_path : "";
    len[sc->file_col] = strlen(val[sc->file_col]);
  }
  rr_buf *out = &ctx->batch->tables[ti];
  for (int c = 0; c < sc->ncols; c++) {
    if ((c && rr_buf_add(out, ",", 1)) || rr_csv_field(out, val[c] ? val[c] : "", len[c], ctx->excel))
      return luaL_error(L, "out of memory");
  }
  if (ctx->trace) {
    if (!have_span && ctx->doc)
      have_span = rr_trace_row_span(L, ctx->doc, val, len, sc->ncols, sc->file_col, ctx->trace_from, &at_a, &at_b);
    if (have_span) ctx->trace_from = at_a;
    int line = emit_line(L, ctx);
    if (ctx->provenance_cols && add_provenance(out, ctx, line, have_span, at_a))
      return luaL_error(L, "out of memory");
    if (ctx->trace_rows) rr_trace_row(L, tname, sc, val, len, ctx->rule_name, line, have_span, at_a, at_b);
  }
  if (rr_buf_add(out, ctx->excel ? "\r\n" : "\n", ctx->excel ? 2 : 1)) return luaL_error(L, "out of memory");
  ctx->batch->rows[ti]++;
  return 0;
}

int rr_lua_print(lua_State *L) {
  rr_luactx *ctx = rr_luactx_get(L);
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (ctx->doc_path) {
    luaL_addstring(&b, ctx->doc_path);
    luaL_addstring(&b, ": ");
  }
  for (int i = 1; i <= n; i++) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, NULL);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  size_t len;
  const char *line = lua_tolstring(L, -1, &len);
  if (ctx->prints) {
    if (rr_buf_add(ctx->prints, line, len) || rr_buf_add(ctx->prints, "\n", 1))
      return luaL_error(L, "out of memory");
  } else if (!ctx->quiet_load) {
    fprintf(stderr, "%s\n", line);
  }
  return 0;
}

void rr_push_tables(lua_State *L) {
  rr_luactx *ctx = rr_luactx_get(L);
  lua_createtable(L, ctx->ntables, 0);
  for (int i = 0; i < ctx->ntables; i++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, ctx->tables[i].name);
    lua_setfield(L, -2, "name");
    lua_createtable(L, ctx->tables[i].ncols, 0);
    for (int c = 0; c < ctx->tables[i].ncols; c++) {
      lua_pushstring(L, ctx->tables[i].cols[c]);
      lua_rawseti(L, -2, c + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_rawseti(L, -2, i + 1);
  }
}

/* core.tables() -> { {name=, columns={...}}, ... } in declaration order */
static int core_tables(lua_State *L) {
  rr_push_tables(L);
  return 1;
}

/* core.rules() -> the declared rules (the registry list itself) */
static int core_rules(lua_State *L) {
  push_registry_table(L, RR_RULES);
  return 1;
}

static const luaL_Reg core_funcs[] = {
  {"table", core_table}, {"rule", core_rule}, {"emit", core_emit},
  {"tables", core_tables}, {"rules", core_rules}, {NULL, NULL}};

int luaopen_rulerun_core(lua_State *L) {
  rr_luactx_get(L);
  luaL_newlib(L, core_funcs);
  return 1;
}
