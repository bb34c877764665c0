/* document.c - rulerun.document: a report as rules see it (normalised text, lines, original bytes). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

typedef struct doc_ud {
  rr_document *doc;   /* NULL once detached */
  int owned;          /* made by document.new: freed by __gc */
} doc_ud;

rr_document *rr_document_check(lua_State *L, int idx) {
  doc_ud *u = rr_checkudata(L, idx, RR_DOCUMENT);
  if (!u->doc) luaL_error(L, "document used after its rules finished");
  return u->doc;
}

static void free_owned(doc_ud *u) {
  if (u->owned && u->doc) {
    rr_text_free(&u->doc->text);
    free((char *)u->doc->path);
    free((char *)u->doc->orig);
    free(u->doc);
  }
  u->doc = NULL;
  u->owned = 0;
}

static int doc_gc(lua_State *L) {
  free_owned(luaL_checkudata(L, 1, RR_DOCUMENT));
  return 0;
}

void rr_document_push(lua_State *L, rr_document *doc) {
  doc_ud *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->doc = NULL;
  u->owned = 0;
  luaL_setmetatable(L, RR_DOCUMENT);
  u->doc = doc;
}

void rr_document_detach(lua_State *L, int idx) {
  doc_ud *u = rr_checkudata(L, idx, RR_DOCUMENT);
  free_owned(u);
  u->doc = NULL;
  lua_pushnil(L);
  lua_setiuservalue(L, idx, 1);
}

/* The per-document cache table (uservalue 1), created on first use. */
static void push_cache(lua_State *L, int idx) {
  if (lua_getiuservalue(L, idx, 1) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, idx, 1);
  }
}

static int furniture_gc(lua_State *L) {
  rr_furniture_free(lua_touserdata(L, 1));
  return 0;
}

/* The scratch object cached with document idx under key, made (size bytes,
 * zeroed, freed by gc) and filled by fill on first use; fill raises its
 * errors, before anything is cached. */
typedef void (*fill_fn)(lua_State *L, const rr_document *d, void *p);
static void *cached(lua_State *L, int idx, const char *key, size_t size, lua_CFunction gc, fill_fn fill) {
  rr_document *d = rr_document_check(L, idx);
  idx = lua_absindex(L, idx);
  push_cache(L, idx);
  void *p;
  if (lua_getfield(L, -1, key) == LUA_TUSERDATA) {
    p = lua_touserdata(L, -1);
  } else {
    lua_pop(L, 1);
    p = rr_new_scratch(L, size, gc);
    fill(L, d, p);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, key);
  }
  lua_pop(L, 2);                 /* the cache keeps it */
  return p;
}

static void furniture_fill(lua_State *L, const rr_document *d, void *f) {
  if (rr_furniture_find(&d->text, f) != 0) luaL_error(L, "out of memory");
}

const rr_furniture *rr_document_furniture(lua_State *L, int idx) {
  return cached(L, idx, "furniture", sizeof(rr_furniture), furniture_gc, furniture_fill);
}

/* doc:furniture() -> list of {first, last}: the furniture's byte spans (1-based, inclusive) */
static int doc_furniture(lua_State *L) {
  const rr_furniture *f = rr_document_furniture(L, 1);
  lua_createtable(L, (int)f->n, 0);
  for (size_t k = 0; k < f->n; k++) {
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)f->span[2 * k] + 1);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)f->span[2 * k + 1]);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* doc:is_furniture(pos) -> whether byte pos is page furniture */
static int doc_is_furniture(lua_State *L) {
  lua_Integer pos = luaL_checkinteger(L, 2);
  const rr_furniture *f = rr_document_furniture(L, 1);
  lua_pushboolean(L, pos >= 1 && rr_furniture_has(f, (size_t)pos - 1));
  return 1;
}

/* The index of the last of start[0..n) (ascending, start[0] == 0) at or before at. */
static size_t last_start(const uint32_t *start, size_t n, size_t at) {
  size_t lo = 0, hi = n;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (start[mid] <= at) lo = mid; else hi = mid;
  }
  return lo;
}

/* ---- pages: form feeds in the original (PDFs, pdftotext's text files) ---- */
typedef struct doc_pages {
  uint32_t *start;    /* normalised offset where each page starts; start[0] == 0 */
  size_t n;
} doc_pages;

static int pages_gc(lua_State *L) {
  doc_pages *p = lua_touserdata(L, 1);
  free(p->start);
  p->start = NULL;
  return 0;
}

/* The form feeds of d's original as page starts in its normalised text. */
static void pages_fill(lua_State *L, const rr_document *d, void *pp) {
  doc_pages *p = pp;
  size_t cap = 16;
  if (!(p->start = malloc(cap * sizeof *p->start))) luaL_error(L, "out of memory");
  p->start[p->n++] = 0;
  for (const char *s = d->orig, *end = s + d->orig_len; (s = memchr(s, '\f', (size_t)(end - s))); s++) {
    size_t at = rr_text_norm_offset(&d->text, (size_t)(s + 1 - d->orig));
    if (at >= d->text.len) continue;   /* pdftotext ends every page with \f: no page after the last */
    if (p->n == cap) {
      uint32_t *v = realloc(p->start, 2 * cap * sizeof *v);
      if (!v) luaL_error(L, "out of memory");
      p->start = v;
      cap *= 2;
    }
    p->start[p->n++] = (uint32_t)at;
  }
}

/* The document's pages, found on first use and cached with it. */
static const doc_pages *document_pages(lua_State *L, int idx) {
  return cached(L, idx, "pages", sizeof(doc_pages), pages_gc, pages_fill);
}

/* doc:page_at(pos) -> the number of the page holding byte pos (1 for a text without form feeds) */
static int doc_page_at(lua_State *L) {
  lua_Integer pos = luaL_checkinteger(L, 2);
  const doc_pages *p = document_pages(L, 1);
  if (pos < 1 || (size_t)pos > rr_document_check(L, 1)->text.len) return 0;
  lua_pushinteger(L, (lua_Integer)last_start(p->start, p->n, (size_t)pos - 1) + 1);
  return 1;
}

/* doc:page_span(i) -> first and last byte position of page i */
static int doc_page_span(lua_State *L) {
  lua_Integer i = luaL_checkinteger(L, 2);
  const doc_pages *p = document_pages(L, 1);
  rr_document *d = rr_document_check(L, 1);
  if (i < 1 || (size_t)i > p->n) return 0;
  size_t a = p->start[i - 1], b = (size_t)i < p->n ? p->start[i] : d->text.len;
  while (b > a && d->text.s[b - 1] == '\n') b--;   /* the line end before the next page */
  lua_pushinteger(L, (lua_Integer)a + 1);
  lua_pushinteger(L, (lua_Integer)b);
  return 2;
}

/* Line i (1-based) as [a, b) byte offsets; 0 if out of range. */
static int line_span(const rr_text *t, lua_Integer i, size_t *a, size_t *b) {
  if (i < 1 || (size_t)i > t->nlines) return 0;
  *a = t->lines[i - 1];
  *b = t->lines[i] - 1;
  return 1;
}

static int doc_line(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  size_t a, b;
  if (!line_span(&d->text, luaL_checkinteger(L, 2), &a, &b)) return 0;
  lua_pushlstring(L, d->text.s + a, b - a);
  return 1;
}

static int lines_aux(lua_State *L) {
  rr_document *d = rr_document_check(L, lua_upvalueindex(1));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  lua_Integer last = lua_tointeger(L, lua_upvalueindex(3));
  size_t a, b;
  if (i > last || !line_span(&d->text, i, &a, &b)) return 0;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  lua_pushinteger(L, i);
  lua_pushlstring(L, d->text.s + a, b - a);
  return 2;
}

/* doc:lines([first [, last]]) -> iterator of (number, line) */
static int doc_lines(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  lua_Integer first = luaL_optinteger(L, 2, 1);
  lua_Integer last = luaL_optinteger(L, 3, (lua_Integer)d->text.nlines);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, first < 1 ? 0 : first - 1);
  lua_pushinteger(L, last);
  lua_pushcclosure(L, lines_aux, 3);
  return 1;
}

/* Lua-style string positions to [a, b) */
static void check_range(lua_State *L, int idx, size_t len, size_t *a, size_t *b) {
  lua_Integer i = luaL_optinteger(L, idx, 1), j = luaL_optinteger(L, idx + 1, -1);
  if (i < 0) i = (lua_Integer)len + i + 1;
  if (j < 0) j = (lua_Integer)len + j + 1;
  if (i < 1) i = 1;
  if (j > (lua_Integer)len) j = (lua_Integer)len;
  if (i > j) { *a = *b = 0; return; }
  *a = (size_t)i - 1;
  *b = (size_t)j;
}

static int doc_sub(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  size_t a, b;
  check_range(L, 2, d->text.len, &a, &b);
  lua_pushlstring(L, d->text.s + a, b - a);
  rr_trace_span(L, -1, a, b);
  return 1;
}

/* doc:line_at(pos) -> number of the line holding byte pos */
static int doc_line_at(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  lua_Integer pos = luaL_checkinteger(L, 2);
  const rr_text *t = &d->text;
  if (pos < 1 || (size_t)pos > t->len || !t->nlines) return 0;
  lua_pushinteger(L, (lua_Integer)last_start(t->lines, t->nlines, (size_t)pos - 1) + 1);
  return 1;
}

/* doc:line_span(i) -> first and last byte position of line i */
static int doc_line_span(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  size_t a, b;
  if (!line_span(&d->text, luaL_checkinteger(L, 2), &a, &b)) return 0;
  lua_pushinteger(L, (lua_Integer)a + 1);
  lua_pushinteger(L, (lua_Integer)b);
  return 2;
}

/* doc:original([i [, j]]) -> the original bytes behind normalised bytes i..j */
static int doc_original(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  size_t a, b;
  if (lua_isnoneornil(L, 2) && lua_isnoneornil(L, 3)) {
    lua_pushlstring(L, d->orig, d->orig_len);
    return 1;
  }
  check_range(L, 2, d->text.len, &a, &b);
  size_t oa = rr_text_orig_offset(&d->text, a);
  size_t ob = b >= d->text.len ? d->orig_len : rr_text_orig_offset(&d->text, b);
  if (ob > d->orig_len) ob = d->orig_len;
  if (oa > ob) oa = ob;
  lua_pushlstring(L, d->orig + oa, ob - oa);
  return 1;
}

static int doc_orig_offset(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  lua_Integer pos = luaL_checkinteger(L, 2);
  luaL_argcheck(L, pos >= 1 && (size_t)pos <= d->text.len + 1, 2, "position out of range");
  lua_pushinteger(L, (lua_Integer)rr_text_orig_offset(&d->text, (size_t)pos - 1) + 1);
  return 1;
}

static int doc_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)rr_document_check(L, 1)->text.nlines);
  return 1;
}

static int doc_tostring(lua_State *L) {
  doc_ud *u = rr_checkudata(L, 1, RR_DOCUMENT);
  lua_pushfstring(L, "document (%s)", u->doc ? u->doc->path : "finished");
  return 1;
}

/* Fields: path, text (made once), nlines, size (bytes of the text), pages, vars (a table rules may share per document). */
static int doc_index(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  lua_getmetatable(L, 1);                  /* methods first: they are most of the lookups */
  lua_getfield(L, -1, "methods");
  lua_pushvalue(L, 2);
  if (lua_rawget(L, -2) != LUA_TNIL) return 1;
  lua_pop(L, 3);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "path") == 0) {
    lua_pushstring(L, d->path);
  } else if (strcmp(k, "nlines") == 0) {
    lua_pushinteger(L, (lua_Integer)d->text.nlines);
  } else if (strcmp(k, "size") == 0) {
    lua_pushinteger(L, (lua_Integer)d->text.len);
  } else if (strcmp(k, "pages") == 0) {
    lua_pushinteger(L, (lua_Integer)document_pages(L, 1)->n);
  } else if (strcmp(k, "text") == 0 || strcmp(k, "vars") == 0) {
    push_cache(L, 1);
    if (lua_getfield(L, -1, k) == LUA_TNIL) {
      lua_pop(L, 1);
      if (k[0] == 't') lua_pushlstring(L, d->text.s, d->text.len);
      else lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, k);
    }
  } else {
    lua_pushnil(L);
  }
  return 1;
}

const char *rr_text_arg(lua_State *L, int idx, size_t *len, int *is_doc) {
  *is_doc = lua_type(L, idx) != LUA_TSTRING;
  if (!*is_doc) return lua_tolstring(L, idx, len);
  rr_document *d = rr_document_check(L, idx);
  *len = d->text.len;
  return d->text.s;
}

/* document.new(bytes [, path]) -> document, or nil, message when bytes are not UTF-8 */
static int doc_new(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  const char *path = luaL_optstring(L, 2, "(string)");
  doc_ud *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->doc = NULL;
  u->owned = 0;
  luaL_setmetatable(L, RR_DOCUMENT);
  rr_document *d = calloc(1, sizeof *d);
  char *orig = malloc(n + 1), *p = strdup(path);
  if (!d || !orig || !p) {
    free(d); free(orig); free(p);
    return luaL_error(L, "out of memory");
  }
  memcpy(orig, s, n);
  orig[n] = '\0';
  d->orig = orig;
  d->orig_len = n;
  d->path = p;
  u->doc = d;
  u->owned = 1;
  size_t bad = 0;
  int rc = rr_normalize(orig, n, &d->text, &bad);
  if (rc == RR_NORM_EUTF8) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: not valid UTF-8 at byte %d", path, (int)bad);
    return 2;
  }
  if (rc != RR_NORM_OK) return luaL_error(L, "%s: cannot normalise (out of memory or too big)", path);
  return 1;
}

/* document.normalize(s) -> normalised string, or nil, message */
static int text_normalize(lua_State *L) {
  size_t n, bad = 0;
  const char *s = luaL_checklstring(L, 1, &n);
  rr_text t;
  int rc = rr_normalize(s, n, &t, &bad);
  if (rc == RR_NORM_EUTF8) {
    lua_pushnil(L);
    lua_pushfstring(L, "not valid UTF-8 at byte %d", (int)bad);
    return 2;
  }
  if (rc != RR_NORM_OK) return luaL_error(L, "cannot normalise (out of memory or too big)");
  lua_pushlstring(L, t.s, t.len);
  rr_text_free(&t);
  return 1;
}

/* Length of the white space (Unicode White_Space, as PCRE2's \s with UCP)
 * that starts at s[0..n), 0 if none. */
static size_t space_at(const unsigned char *s, size_t n) {
  if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) return 1;
  if (s[0] < 0xC2 || n < 2) return 0;
  size_t len;
  uint32_t cp = rr_utf8_decode(s, &len);
  if (len > n) return 0;
  return (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
          cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000) ? len : 0;
}

/* The bounds [*a, *b) of s[0..n) without white space at either end. */
static void trim_bounds(const unsigned char *s, size_t n, size_t *ap, size_t *bp) {
  size_t a = 0, b = n, k;
  while (a < b && (k = space_at(s + a, b - a))) a += k;
  while (b > a) {                          /* back up over one character at a time */
    size_t c = b - 1;
    while (c > a && (s[c] & 0xC0) == 0x80 && b - c < 4) c--;
    if ((k = space_at(s + c, b - c)) && c + k == b) b = c;
    else break;
  }
  *ap = a;
  *bp = b;
}

/* document.trim(s) -> s without white space at either end (rr.trim) */
static int text_trim(lua_State *L) {
  size_t n, a, b;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
  trim_bounds(s, n, &a, &b);
  if (a == 0 && b == n) lua_settop(L, 1);  /* nothing to take off: the same string */
  else lua_pushlstring(L, (const char *)s + a, b - a);
  return 1;
}

static int is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Adds line s[0..n) trimmed to the joined text (*last: its last byte so far). */
static void join_add(luaL_Buffer *out, const char *s, size_t n, int *last) {
  size_t a, b;
  trim_bounds((const unsigned char *)s, n, &a, &b);
  if (a == b) return;
  if (*last >= 0 && is_alnum((unsigned char)*last) && is_alnum((unsigned char)s[a])) luaL_addchar(out, ' ');
  luaL_addlstring(out, s + a, b - a);
  *last = (unsigned char)s[b - 1];
}

/* document.join_lines(lines) -> the lines (a list, or a string cut at \n)
 * trimmed and joined without a space, except between two ASCII letters or
 * digits (rr.join_lines: in C because every risk item and title goes
 * through it). */
static int text_join_lines(lua_State *L) {
  luaL_Buffer out;
  int last = -1;
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, 1, &n), *end = s + n;
    luaL_buffinit(L, &out);
    for (;;) {
      const char *nl = memchr(s, '\n', (size_t)(end - s));
      join_add(&out, s, (size_t)((nl ? nl : end) - s), &last);
      if (!nl) break;
      s = nl + 1;
    }
  } else {
    /* the lines go on the stack first: a buffer's box must stay on top, and
     * a number's string lives only in its stack slot */
    luaL_checktype(L, 1, LUA_TTABLE);
    int base = lua_gettop(L) + 1, n = 0;
    for (lua_Integer i = 1; lua_geti(L, 1, i) != LUA_TNIL; i++, n++) {
      luaL_checklstring(L, -1, NULL);
      luaL_checkstack(L, 2, "too many lines");
    }
    lua_pop(L, 1);
    luaL_buffinit(L, &out);
    for (int k = 0; k < n; k++) {
      size_t len;
      const char *line = lua_tolstring(L, base + k, &len);
      join_add(&out, line, len, &last);
    }
  }
  luaL_pushresult(&out);
  return 1;
}

/* Whether s[*i..n) starts with the bytes of lit; skips them if so. */
static inline __attribute__((always_inline)) int take(const char *s, size_t n, size_t *i, const char *lit) {
  if (!rr_starts(s + *i, n - *i, lit)) return 0;
  *i += strlen(lit);
  return 1;
}

static void skip_ascii_space(const char *s, size_t n, size_t *i) {
  while (*i < n && (s[*i] == ' ' || (s[*i] >= '\t' && s[*i] <= '\r'))) (*i)++;
}

/* text_number's answers: no number, or characters for numbers.lua's pattern */
static int no_number(lua_State *L) {
  lua_pushnil(L);
  return 1;
}

static int pattern_decides(lua_State *L) {
  lua_pushboolean(L, 0);
  return 1;
}

/* document.number(s) -> rr.number's value of s when s holds only ASCII
 * besides the signs and units rr.number knows (− – — 亿 万 元), nil when
 * it is then no number, false when s holds other characters (Unicode
 * spaces and digits: numbers.lua's pattern decides those).  Numbers are
 * parsed as that pattern reads them: [sign] [\d,]*\.?\d+ [unit], or an
 * account's (1,234); the value as Lua's tonumber, scaled, integral floats
 * as integers (math.tointeger). */
static int text_number(lua_State *L) {
  if (lua_type(L, 1) != LUA_TSTRING) return no_number(L);
  size_t n, i = 0;
  const char *s = lua_tolstring(L, 1, &n);
  for (size_t k = 0; k < n; k++) {          /* other characters: the pattern's to read */
    if (!((unsigned char)s[k] & 0x80)) continue;
    size_t at = k;
    if (take(s, n, &at, "\u2212") || take(s, n, &at, "\u2013") || take(s, n, &at, "\u2014") ||
        take(s, n, &at, "\u4EBF") || take(s, n, &at, "\u4E07") || take(s, n, &at, "\u5143")) {
      k = at - 1;
      continue;
    }
    return pattern_decides(L);
  }
  int negative = 0, paren = 0;
  double scale = 1;
  skip_ascii_space(s, n, &i);
  if (i < n && s[i] == '(') {
    paren = 1;
    i++;
  } else if (i < n && (s[i] == '+' || s[i] == '-')) {
    negative = s[i++] == '-';
  } else if (take(s, n, &i, "\u2212") || take(s, n, &i, "\u2013") || take(s, n, &i, "\u2014")) {
    negative = 1;
  }
  skip_ascii_space(s, n, &i);
  char digits[64];
  size_t nd = 0, ndot = 0;
  int last_digit = 0;
  for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ',' || s[i] == '.'); i++) {
    if (s[i] == ',') {
      if (ndot) break;                       /* no comma after the point */
      last_digit = 0;
      continue;
    }
    if (s[i] == '.' && ndot++) break;
    if (nd + 1 >= sizeof digits) return pattern_decides(L);   /* longer than any number printed */
    digits[nd++] = s[i];
    last_digit = s[i] != '.';
  }
  if (!last_digit) return no_number(L);
  skip_ascii_space(s, n, &i);
  if (paren) {
    if (i >= n || s[i] != ')') return no_number(L);
    i++;
    negative = 1;
  } else if (take(s, n, &i, "\u4EBF")) {
    take(s, n, &i, "\u5143");
    scale = 1e8;
  } else if (take(s, n, &i, "\u4E07")) {
    take(s, n, &i, "\u5143");
    scale = 1e4;
  } else if (!take(s, n, &i, "%") && !take(s, n, &i, "pct") && !take(s, n, &i, "bps")) {
    take(s, n, &i, "bp");
  }
  skip_ascii_space(s, n, &i);
  if (i != n) return no_number(L);
  digits[nd] = '\0';
  if (lua_stringtonumber(L, digits) == 0) return no_number(L);
  if (negative) lua_arith(L, LUA_OPUNM);
  if (scale != 1) {
    lua_pushnumber(L, scale);
    lua_arith(L, LUA_OPMUL);
  }
  if (!lua_isinteger(L, -1)) {               /* math.tointeger */
    lua_Number f = lua_tonumber(L, -1);
    lua_Integer v;
    if (f == floor(f) && lua_numbertointeger(f, &v)) {
      lua_pop(L, 1);
      lua_pushinteger(L, v);
    }
  }
  return 1;
}

/* document.window(s, a, b) -> bytes a..b of s (a string or a document)
 * narrowed to whole UTF-8 characters, and the offset to add to positions
 * in it (a position p in the window is p + offset in s).  A window of a
 * document, valid UTF-8 cut at character starts, is valid itself: regexes
 * take it without checking it again. */
static int text_window(lua_State *L) {
  size_t n;
  int is_doc;
  const char *s = rr_text_arg(L, 1, &n, &is_doc);
  lua_Integer a = luaL_checkinteger(L, 2), b = luaL_checkinteger(L, 3);
  if (a < 1) a = 1;
  if (b > (lua_Integer)n) b = (lua_Integer)n;
  size_t i = (size_t)a - 1, j = b >= a ? (size_t)b : i;
  while (i < j && ((unsigned char)s[i] & 0xC0) == 0x80) i++;     /* not inside a character */
  if (i < j) {
    size_t k = j - 1;
    while (k > i && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    unsigned char lead = (unsigned char)s[k];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (j - k < need) j = k;                                     /* a character cut at the end */
  }
  if (j < i) j = i;
  lua_pushlstring(L, s + i, j - i);
  if (is_doc) {
    rr_regex_trust(L, -1);
    rr_trace_span(L, -1, i, j);
  }
  lua_pushinteger(L, (lua_Integer)i);
  return 2;
}

/* document.find_plain(s, literal [, init]) -> first, last of the first
 * occurrence of literal in s (a string or a document) at or after byte
 * init, or nil: a literal search needs no regex compiled for it (a
 * helper that looks for each of a report's names would compile one per
 * name).  Both valid UTF-8: a match starts on a character. */
static int text_find_plain(lua_State *L) {
  size_t n, k;
  int is_doc;
  const char *s = rr_text_arg(L, 1, &n, &is_doc);
  const char *lit = luaL_checklstring(L, 2, &k);
  size_t from = rr_check_init(L, 3, n);
  const char *p = from > n ? NULL : k == 0 ? s + from : memmem(s + from, n - from, lit, k);
  if (!p) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)(p - s) + 1);
  lua_pushinteger(L, (lua_Integer)(p - s) + (lua_Integer)k);
  return 2;
}

static const luaL_Reg doc_methods[] = {
  {"line", doc_line}, {"lines", doc_lines}, {"sub", doc_sub}, {"line_at", doc_line_at},
  {"line_span", doc_line_span}, {"original", doc_original}, {"orig_offset", doc_orig_offset},
  {"furniture", doc_furniture}, {"is_furniture", doc_is_furniture}, {"page_at", doc_page_at},
  {"page_span", doc_page_span}, {NULL, NULL}};

static const luaL_Reg doc_funcs[] = {
  {"new", doc_new}, {"normalize", text_normalize}, {"trim", text_trim}, {"window", text_window},
  {"number", text_number}, {"join_lines", text_join_lines}, {"find_plain", text_find_plain},
  {NULL, NULL}};

static const luaL_Reg doc_meta[] = {
  {"__index", doc_index}, {"__len", doc_len}, {"__gc", doc_gc}, {"__close", doc_gc},
  {"__tostring", doc_tostring}, {NULL, NULL}};

/* Copies the functions of module `mod` named in names into the table on top. */
static void borrow(lua_State *L, const char *mod, lua_CFunction open, const char *const *names) {
  luaL_requiref(L, mod, open, 0);
  for (; *names; names++) {
    lua_getfield(L, -1, *names);
    lua_setfield(L, -3, *names);
  }
  lua_pop(L, 1);
}

int luaopen_rulerun_document(lua_State *L) {
  if (luaL_newmetatable(L, RR_DOCUMENT)) {
    luaL_setfuncs(L, doc_meta, 0);
    luaL_newlib(L, doc_methods);
    static const char *const re_names[] = {"find", "match", "test", "gmatch", "gsub", "split", NULL};
    static const char *const sec_names[] = {"section", "sections", "block", NULL};
    borrow(L, "rulerun.re", luaopen_rulerun_re, re_names);
    borrow(L, "rulerun.section", luaopen_rulerun_section, sec_names);
    lua_setfield(L, -2, "methods");
  }
  lua_pop(L, 1);
  luaL_newlib(L, doc_funcs);
  return 1;
}
