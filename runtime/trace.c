/* trace.c - provenance: where the strings helpers return came from, what they found, and each row's span.
 *
 * Off unless a run asks for it (--provenance, rulerun explain): then, for
 * the document being processed, helpers that take a string out of the
 * document note its span (a value may be taken twice: the last note wins),
 * and helpers that find structure (headings, sections, list items, tables)
 * note it as a mark.  rr.emit asks for a row's span: the one its rule gave
 * (rr.emit(t, row, {at = ...})), else the span of one of its cells as a
 * helper took it, else the first place a cell's text occurs. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define RR_TRACE_SPANS "rulerun.trace.spans"   /* value -> a * 2^32 + b */
#define RR_TRACE_MARKS "rulerun.trace.marks"   /* { {kind, a, b, label}, ... } */
#define RR_TRACE_ROWS "rulerun.trace.rows"     /* explain: { {table, cells, rule, line, a, b}, ... } */

static void fresh_table(lua_State *L, const char *name) {
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, name);
}

#define RECENT_SPAN_MAX 4096   /* a longer span (a window, a whole section) says too little */
#define NEAR 120               /* bytes from a row's span in which its other cells are looked for */

void rr_trace_begin(lua_State *L) {
  rr_luactx *ctx = rr_luactx_get(L);
  ctx->trace_next = 0;
  memset(ctx->trace_recent, 0, sizeof ctx->trace_recent);
  fresh_table(L, RR_TRACE_SPANS);
  fresh_table(L, RR_TRACE_MARKS);
  fresh_table(L, RR_TRACE_ROWS);
}

void rr_trace_span(lua_State *L, int idx, size_t a, size_t b) {
  rr_luactx *ctx = rr_luactx_get(L);
  if (!ctx->trace || b <= a) return;
  if (ctx->doc) {                /* whole characters (a helper's offsets may drift inside one) */
    const char *t = ctx->doc->text.s;
    size_t n = ctx->doc->text.len;
    if (b > n) b = n;
    while (a < b && ((unsigned char)t[a] & 0xC0) == 0x80) a++;
    while (b < n && ((unsigned char)t[b] & 0xC0) == 0x80) b++;
    if (b <= a) return;
  }
  unsigned slot = ctx->trace_next++ % RR_TRACE_RECENT;
  ctx->trace_recent[2 * slot] = (uint32_t)a;
  ctx->trace_recent[2 * slot + 1] = (uint32_t)b;
  idx = lua_absindex(L, idx);
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_TRACE_SPANS) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_pushvalue(L, idx);
  lua_pushinteger(L, (lua_Integer)(((uint64_t)a << 32) | (uint32_t)b));
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void rr_trace_mark(lua_State *L, const char *kind, size_t a, size_t b, const char *label, size_t label_len) {
  if (!rr_luactx_get(L)->trace) return;
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_TRACE_MARKS) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_createtable(L, 4, 0);
  lua_pushstring(L, kind);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, (lua_Integer)a + 1);
  lua_rawseti(L, -2, 2);
  lua_pushinteger(L, (lua_Integer)b);
  lua_rawseti(L, -2, 3);
  lua_pushlstring(L, label ? label : "", label ? label_len : 0);
  lua_rawseti(L, -2, 4);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
}

/* The span a helper noted for the string s, or 0. */
static int noted_span(lua_State *L, const char *s, size_t n, size_t *a, size_t *b) {
  int found = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_TRACE_SPANS) == LUA_TTABLE) {
    lua_pushlstring(L, s, n);
    if (lua_rawget(L, -2) == LUA_TNUMBER) {
      uint64_t v = (uint64_t)lua_tointeger(L, -1);
      *a = (size_t)(v >> 32);
      *b = (size_t)(v & 0xFFFFFFFFu);
      found = 1;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return found;
}

/* The first place at or after from where s[0..n) occurs, else before it. */
static const char *find_text(const rr_document *d, size_t from, const char *s, size_t n) {
  const char *p = from < d->text.len ? memmem(d->text.s + from, d->text.len - from, s, n) : NULL;
  return p ? p : memmem(d->text.s, d->text.len, s, n);
}

/* How many bytes of s[0..n) make its first whole characters up to max bytes. */
static size_t char_prefix(const char *s, size_t n, size_t max) {
  if (n <= max) return n;
  size_t k = max;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  return k;
}

/* The last noted span [*x, *y) that holds s[0..n) in the text: where s is in it. */
static int in_recent(const rr_luactx *ctx, const rr_document *d, const char *s, size_t n, size_t *a,
                     size_t *x_out, size_t *y_out) {
  unsigned count = ctx->trace_next < RR_TRACE_RECENT ? ctx->trace_next : RR_TRACE_RECENT;
  for (unsigned i = 1; i <= count; i++) {
    unsigned slot = (ctx->trace_next - i) % RR_TRACE_RECENT;
    size_t x = ctx->trace_recent[2 * slot], y = ctx->trace_recent[2 * slot + 1];
    if (y > d->text.len || y - x < n || y - x > RECENT_SPAN_MAX) continue;
    const char *p = memmem(d->text.s + x, y - x, s, n);
    if (p) {
      *a = (size_t)(p - d->text.s);
      *x_out = x;
      *y_out = y;
      return 1;
    }
  }
  return 0;
}

int rr_trace_row_span(lua_State *L, const rr_document *d, const char *const *vals, const size_t *lens,
                      int n, int skip, size_t from, size_t *a, size_t *b) {
  /* the longest cell first: it says most about where the row is */
  int order[256], k = 0;
  for (int c = 0; c < n && k < 256; c++)
    if (c != skip && vals[c] && lens[c] >= 2) order[k++] = c;
  for (int i = 1; i < k; i++)      /* longest first; of equal ones the later column (more specific) */
    for (int j = i; j > 0 && lens[order[j]] >= lens[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  const rr_luactx *ctx = rr_luactx_get(L);
  size_t x, y;
  for (int i = 0; i < k; i++) {            /* in what a helper returned last (maybe cut out of it) */
    if (lens[order[i]] >= 3 && in_recent(ctx, d, vals[order[i]], lens[order[i]], a, &x, &y)) {
      *b = *a + lens[order[i]];
      for (int j = 0; j < k; j++) {        /* and the row's other cells close by: the span covers them */
        if (j == i || lens[order[j]] < 3) continue;
        size_t lo = *a > x + NEAR ? *a - NEAR : x, hi = *b + NEAR < y ? *b + NEAR : y;
        const char *p = memmem(d->text.s + lo, hi - lo, vals[order[j]], lens[order[j]]);
        if (!p) continue;
        size_t pa = (size_t)(p - d->text.s);
        if (pa < *a) *a = pa;
        if (pa + lens[order[j]] > *b) *b = pa + lens[order[j]];
      }
      return 1;
    }
  }
  for (int i = 0; i < k; i++)              /* a value as a helper returned it, long ago */
    if (noted_span(L, vals[order[i]], lens[order[i]], a, b)) return 1;
  /* else where its text is: from where the rule's last row was (rows come
   * in the text's order), else anywhere; a value joined from wrapped lines
   * by its first characters */
  for (int i = 0; i < k; i++) {
    size_t len = lens[order[i]];
    if (len < 3) continue;                  /* a digit or two is found anywhere */
    for (int whole = 1; whole >= 0; whole--) {
      size_t m = whole ? len : char_prefix(vals[order[i]], len, 12);
      if (!whole && m == len) break;
      const char *p = find_text(d, from, vals[order[i]], m);
      if (p) {
        *a = (size_t)(p - d->text.s);
        *b = *a + m;
        return 1;
      }
    }
  }
  return 0;
}

void rr_trace_row(lua_State *L, const char *table, const rr_table_schema *sc, const char *const *vals,
                  const size_t *lens, const char *rule, int line, int have_span, size_t a, size_t b) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_TRACE_ROWS) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_createtable(L, 0, 6);
  lua_pushstring(L, table);
  lua_setfield(L, -2, "table");
  lua_createtable(L, sc->ncols, 0);
  for (int c = 0; c < sc->ncols; c++) {
    lua_pushlstring(L, vals[c] ? vals[c] : "", vals[c] ? lens[c] : 0);
    lua_rawseti(L, -2, c + 1);
  }
  lua_setfield(L, -2, "cells");
  lua_pushstring(L, rule ? rule : "");
  lua_setfield(L, -2, "rule");
  lua_pushinteger(L, line);
  lua_setfield(L, -2, "line");
  if (have_span) {
    lua_pushinteger(L, (lua_Integer)a + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)b);
    lua_setfield(L, -2, "last");
  }
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
}

void rr_trace_push(lua_State *L) {
  lua_createtable(L, 0, 2);
  lua_getfield(L, LUA_REGISTRYINDEX, RR_TRACE_MARKS);
  lua_setfield(L, -2, "marks");
  lua_getfield(L, LUA_REGISTRYINDEX, RR_TRACE_ROWS);
  lua_setfield(L, -2, "rows");
}
