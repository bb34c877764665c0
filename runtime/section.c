/* section.c - rulerun.section: find headings, the section under them, and the list items in it.
 *
 * A heading is a line that, after any bullet, number ("1." "1、" "(1)" "一、"
 * "（一）" "①"), Markdown "#" or "【" and bold "**", starts with one of the
 * given names and then ends, or goes on with ":" and the first of the body.
 * A section's body runs to the line before the next heading-like line, a line
 * matching one of the `stop` regexes, or max_lines.  Heading-like: short (at
 * most HEADING_MAX characters), no clause punctuation (, 、 ; 。 ! ?), and
 * either marked (bullet, number, #, 【) or standing after a line that ended
 * a sentence.  "- " items are list items, never headings.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define RR_SECTION "rulerun.section"
#define HEADING_MAX 30

enum { MK_NONE, MK_BULLET, MK_DASH, MK_NUM, MK_HEAD };

typedef struct span { const char *s; size_t len; } span;

static int starts(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);
  return n >= k && memcmp(s, lit, k) == 0;
}

static span trim(span x) {
  while (x.len && (x.s[0] == ' ' || x.s[0] == '\t')) x.s++, x.len--;
  while (x.len && (x.s[x.len - 1] == ' ' || x.s[x.len - 1] == '\t')) x.len--;
  return x;
}

static int is_cn_digit(const char *s, size_t n, size_t *k) {
  static const char *const d[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", NULL};
  for (int i = 0; d[i]; i++)
    if (starts(s, n, d[i])) { *k = 3; return 1; }
  return 0;
}

/* Length of a number marker at s ("1." "1、" "1)" "(1)" "一、" "(一)" "①"), 0 if none. */
static size_t number_marker(const char *s, size_t n) {
  size_t i = 0, k;
  int paren = 0;
  if (i < n && s[i] == '(') { paren = 1; i++; }
  size_t d0 = i;
  if (i < n && s[i] >= '0' && s[i] <= '9') {
    while (i < n && i - d0 < 3 && s[i] >= '0' && s[i] <= '9') i++;
  } else {
    while (i - d0 < 9 && is_cn_digit(s + i, n - i, &k)) i += k;
  }
  if (i == d0) {                                   /* ① .. ⑳, ⑴ .. ⒇ : E2 91 A0 .. E2 92 87 */
    if (!paren && n >= 3 && (unsigned char)s[0] == 0xE2 &&
        (((unsigned char)s[1] == 0x91 && (unsigned char)s[2] >= 0xA0) ||
         ((unsigned char)s[1] == 0x92 && (unsigned char)s[2] <= 0x87)))
      return 3;
    return 0;
  }
  if (paren) return (i < n && s[i] == ')') ? i + 1 : 0;
  if (starts(s + i, n - i, "、")) return i + 3;
  if (i < n && (s[i] == ')' || s[i] == '.')) {
    if (s[i] == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') return 0;   /* 2.5 */
    return i + 1;
  }
  return 0;
}

/* Strips list and heading markers from the front of x; returns the strongest kind seen. */
static int strip_markers(span *x) {
  int kind = MK_NONE;
  *x = trim(*x);
  if (x->len >= 2 && strchr("-*+", x->s[0]) && x->s[1] == ' ') {
    x->s += 2, x->len -= 2;
    kind = MK_DASH;
  }
  for (;;) {
    *x = trim(*x);
    size_t k;
    if (starts(x->s, x->len, "•")) { x->s += 3; x->len -= 3; if (kind != MK_DASH) kind = MK_BULLET; continue; }
    if (starts(x->s, x->len, "**")) { x->s += 2; x->len -= 2; continue; }
    if (starts(x->s, x->len, "【")) { x->s += 3; x->len -= 3; kind = MK_HEAD; continue; }
    if (x->len && x->s[0] == '#' && kind == MK_NONE) {
      k = 0;
      while (k < x->len && x->s[k] == '#') k++;
      if (k < x->len && x->s[k] == ' ') { x->s += k; x->len -= k; kind = MK_HEAD; continue; }
    }
    if ((k = number_marker(x->s, x->len)) != 0 && kind != MK_NUM && kind != MK_HEAD) {
      x->s += k; x->len -= k;
      if (kind != MK_DASH) kind = MK_NUM;
      continue;
    }
    return kind;
  }
}

static size_t count_chars(span x) {
  size_t n = 0;
  for (size_t i = 0; i < x.len; i++) n += ((unsigned char)x.s[i] & 0xC0) != 0x80;
  return n;
}

static int has_clause_punct(span x) {
  for (size_t i = 0; i < x.len; i++) {
    char c = x.s[i];
    if (c == ',' || c == ';' || c == '!' || c == '?') return 1;
    if (starts(x.s + i, x.len - i, "、") || starts(x.s + i, x.len - i, "。")) return 1;
  }
  return 0;
}

/* Does x end a sentence (。 ; ! ?, ignoring closing "**" and spaces)? */
static int ends_sentence(span x) {
  x = trim(x);
  while (x.len >= 2 && memcmp(x.s + x.len - 2, "**", 2) == 0) x.len -= 2;
  if (!x.len) return 0;
  char c = x.s[x.len - 1];
  if (c == ';' || c == '!' || c == '?') return 1;
  return x.len >= 3 && memcmp(x.s + x.len - 3, "。", 3) == 0;
}

/* item_kind: the marker of the section's first line; lines marked alike are
 * its sibling items, not headings. */
static int heading_like(span line, int after_sentence, int item_kind) {
  int kind = strip_markers(&line);
  if (kind == MK_DASH || !line.len || (kind != MK_NONE && kind == item_kind)) return 0;
  if (count_chars(line) > HEADING_MAX || has_clause_punct(line)) return 0;
  return kind != MK_NONE || after_sentence;
}

/* The heading names of spec (its array part), read once per search; the
 * strings stay referenced by spec.  Pushes the userdata that holds them. */
static span *heading_names(lua_State *L, int spec, int *n) {
  int count = (int)lua_rawlen(L, spec);
  span *names = lua_newuserdatauv(L, (size_t)(count ? count : 1) * sizeof *names, 0);
  *n = 0;
  for (int i = 1; i <= count; i++) {
    if (lua_rawgeti(L, spec, i) == LUA_TSTRING && lua_rawlen(L, -1) > 0) {
      names[*n].s = lua_tolstring(L, -1, &names[*n].len);
      (*n)++;
    }
    lua_pop(L, 1);
  }
  return names;
}

/* If line is a heading for one of the names, returns its index in names and
 * sets *inl to the text after ':' (may be empty); -1 if it is none. */
static int match_heading(const span *names, int nnames, span line, span *inl) {
  strip_markers(&line);
  for (int i = 0; i < nnames; i++) {
    size_t nl = names[i].len;
    if (line.len < nl || memcmp(line.s, names[i].s, nl) != 0) continue;
    span rest = {line.s + nl, line.len - nl};
    for (;;) {
      rest = trim(rest);
      if (starts(rest.s, rest.len, "**")) { rest.s += 2; rest.len -= 2; continue; }
      if (starts(rest.s, rest.len, "】")) { rest.s += 3; rest.len -= 3; continue; }
      break;
    }
    if (rest.len == 0) { inl->s = rest.s; inl->len = 0; return i; }
    if (rest.s[0] == ':') {
      rest.s++, rest.len--;
      while (rest = trim(rest), starts(rest.s, rest.len, "**")) rest.s += 2, rest.len -= 2;
      *inl = rest;
      return i;
    }
  }
  return -1;
}

/* ---- the scan ------------------------------------------------------------ */

typedef struct scan_opts {
  lua_Integer from, max_lines;
  int heading_like;     /* end at heading-like lines */
  int nstop;            /* stop regexes, on the stack at stop_base .. */
  int stop_base;
} scan_opts;

static span doc_line(const rr_document *d, size_t i /* 1-based */) {
  span x = {d->text.s + d->text.lines[i - 1], d->text.lines[i] - 1 - d->text.lines[i - 1]};
  return x;
}

/* Reads options from the table at spec (if any) and pushes the stop regexes. */
static void read_opts(lua_State *L, int spec, scan_opts *o) {
  o->from = 1;
  o->max_lines = 0;
  o->heading_like = 1;
  o->nstop = 0;
  o->stop_base = lua_gettop(L) + 1;
  if (!lua_istable(L, spec)) return;
  if (lua_getfield(L, spec, "from") != LUA_TNIL) o->from = luaL_checkinteger(L, -1);
  if (lua_getfield(L, spec, "max_lines") != LUA_TNIL) o->max_lines = luaL_checkinteger(L, -1);
  if (lua_getfield(L, spec, "heading_like") != LUA_TNIL) o->heading_like = lua_toboolean(L, -1);
  lua_pop(L, 3);
  o->stop_base = lua_gettop(L) + 1;
  int t = lua_getfield(L, spec, "stop");
  int stop = lua_gettop(L);
  if (t == LUA_TSTRING) {
    size_t n;
    const char *p = lua_tolstring(L, stop, &n);
    rr_regex_get(L, p, n, NULL);
    o->nstop = 1;
  } else if (t == LUA_TTABLE) {
    for (lua_Integer i = 1; lua_rawgeti(L, stop, i) == LUA_TSTRING; i++) {
      size_t n;
      const char *p = lua_tolstring(L, -1, &n);
      rr_regex_get(L, p, n, NULL);
      lua_remove(L, -2);
      o->nstop++;
    }
    lua_pop(L, 1);
  } else if (t != LUA_TNIL) {
    luaL_error(L, "section option 'stop' must be a regex string or a list of them");
  }
  lua_remove(L, stop);
  o->stop_base = stop;
}

static int stops_at(lua_State *L, const scan_opts *o, span line) {
  for (int k = 0; k < o->nstop; k++) {
    rr_regex *re = lua_touserdata(L, o->stop_base + k);
    size_t ms, me;
    if (rr_regex_exec(L, re, line.s, line.len, 0, 1, &ms, &me)) return 1;
  }
  return 0;
}

/* The last body line of a section whose body starts at line first. */
static size_t body_end(lua_State *L, const rr_document *d, size_t first, const scan_opts *o,
                       int after_sentence) {
  size_t j = first, last_text = first - 1;
  int item_kind = -1;     /* not known before the first body line */
  for (; j <= d->text.nlines; j++) {
    if (o->max_lines > 0 && (lua_Integer)(j - first) >= o->max_lines) break;
    span x = doc_line(d, j);
    if (!trim(x).len) continue;
    if (o->nstop && stops_at(L, o, x)) break;
    if (o->heading_like && heading_like(x, after_sentence, item_kind)) break;
    if (item_kind < 0) {
      span y = x;
      item_kind = strip_markers(&y);
    }
    after_sentence = ends_sentence(x);
    last_text = j;
  }
  return last_text;
}

/* Pushes a section table. */
static void push_section(lua_State *L, int docidx, const span *heading, size_t line,
                         size_t first, size_t last, span inl) {
  lua_createtable(L, 0, 7);
  lua_pushvalue(L, docidx);
  lua_setfield(L, -2, "doc");
  if (heading) {
    lua_pushlstring(L, heading->s, heading->len);
    lua_setfield(L, -2, "heading");
    lua_pushinteger(L, (lua_Integer)line);
    lua_setfield(L, -2, "line");
  }
  lua_pushinteger(L, (lua_Integer)first);
  lua_setfield(L, -2, "first");
  lua_pushinteger(L, (lua_Integer)last);
  lua_setfield(L, -2, "last");
  if (inl.len) {
    lua_pushlstring(L, inl.s, inl.len);
    lua_setfield(L, -2, "inline");
  }
  luaL_setmetatable(L, RR_SECTION);
}

/* Finds sections from spec (a name, or a table of names and options); pushes
 * the first (all = 0) or a list of all of them; returns the count pushed. */
static int find_sections(lua_State *L, int all) {
  rr_document *d = rr_document_check(L, 1);
  if (lua_type(L, 2) == LUA_TSTRING) {      /* a single name: wrap it */
    lua_createtable(L, 1, 0);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, 1);
    lua_replace(L, 2);
  }
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  scan_opts o;
  read_opts(L, 2, &o);
  int nnames;
  span *names = heading_names(L, 2, &nnames);
  if (all) lua_newtable(L);
  int result = lua_gettop(L);
  lua_Integer n = 0;
  for (size_t i = o.from < 1 ? 1 : (size_t)o.from; i <= d->text.nlines; i++) {
    span inl;
    int which = match_heading(names, nnames, doc_line(d, i), &inl);
    if (which < 0) continue;
    size_t last = body_end(L, d, i + 1, &o, inl.len ? ends_sentence(inl) : 0);
    push_section(L, 1, &names[which], i, i + 1, last, inl);
    if (!all) return 1;
    lua_rawseti(L, result, ++n);
    i = last > i ? last : i;
  }
  if (!all) lua_pushnil(L);
  return 1;
}

static int sec_find(lua_State *L) { return find_sections(L, 0); }
static int sec_find_all(lua_State *L) { return find_sections(L, 1); }

/* doc:block(line [, opts]) -> the section whose body starts at line (no heading) */
static int sec_block(lua_State *L) {
  rr_document *d = rr_document_check(L, 1);
  lua_Integer first = luaL_checkinteger(L, 2);
  if (first < 1 || (size_t)first > d->text.nlines) return 0;
  lua_settop(L, 3);
  scan_opts o;
  read_opts(L, 3, &o);
  /* the first line itself never ends the block */
  size_t last = (size_t)first;
  if ((size_t)first < d->text.nlines) {
    size_t e = body_end(L, d, (size_t)first + 1, &o, ends_sentence(doc_line(d, (size_t)first)));
    if (e > last) last = e;
  }
  span none = {"", 0};
  push_section(L, 1, NULL, 0, (size_t)first, last, none);
  return 1;
}

/* ---- items ---------------------------------------------------------------- */

typedef struct itemizer {
  lua_State *L;
  rr_buf *cur;              /* boxed in a userdata, so a Lua error cannot leak it */
  int have;
  rr_regex *split;          /* NULL: no splitting */
  int out;                  /* result table index */
  lua_Integer n;
} itemizer;

static int box_gc(lua_State *L) {
  rr_buf_free(lua_touserdata(L, 1));
  return 0;
}

/* Trims spaces and list punctuation at both ends. */
static span trim_item(span x) {
  for (;;) {
    x = trim(x);
    if (x.len && strchr(";,", x.s[x.len - 1])) { x.len--; continue; }
    if (x.len >= 3 && (memcmp(x.s + x.len - 3, "。", 3) == 0 || memcmp(x.s + x.len - 3, "、", 3) == 0)) {
      x.len -= 3;
      continue;
    }
    return x;
  }
}

static void add_item(itemizer *it, span x) {
  x = trim_item(x);
  if (!x.len) return;
  lua_pushlstring(it->L, x.s, x.len);
  lua_rawseti(it->L, it->out, ++it->n);
}

static void flush_item(itemizer *it) {
  if (!it->have) return;
  it->have = 0;
  /* drop Markdown bold markers */
  size_t w = 0;
  for (size_t r = 0; r < it->cur->len; r++) {
    if (it->cur->s[r] == '*' && r + 1 < it->cur->len && it->cur->s[r + 1] == '*') { r++; continue; }
    it->cur->s[w++] = it->cur->s[r];
  }
  it->cur->len = w;
  span all = {it->cur->s, it->cur->len};
  if (!it->split) {
    add_item(it, all);
    return;
  }
  size_t pos = 0, piece = 0, ms, me;
  while (pos <= all.len && rr_regex_exec(it->L, it->split, all.s, all.len, pos, 1, &ms, &me)) {
    if (me == ms) { pos = me + 1; continue; }
    span p = {all.s + piece, ms - piece};
    add_item(it, p);
    piece = pos = me;
  }
  span p = {all.s + piece, all.len - piece};
  add_item(it, p);
}

static int is_word_byte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void add_line(itemizer *it, span line) {
  span raw = trim(line);
  if (!raw.len) return;
  span content = raw;
  int kind = strip_markers(&content);
  int marked = kind == MK_BULLET || kind == MK_DASH || kind == MK_NUM;
  if (marked || !it->have || ends_sentence((span){it->cur->s, it->cur->len})) {
    flush_item(it);
    it->cur->len = 0;
    it->have = 1;
    if (!marked) content = raw;
  } else if (it->cur->len && is_word_byte(it->cur->s[it->cur->len - 1]) && is_word_byte(raw.s[0])) {
    if (rr_buf_add(it->cur, " ", 1)) luaL_error(it->L, "out of memory");
  }
  if (rr_buf_add(it->cur, content.s, content.len)) luaL_error(it->L, "out of memory");
}

/* Reads items options at opts (split = regex) and pushes the regex (if
 * any), the buffer box and the result table. */
static void itemizer_init(lua_State *L, itemizer *it, int opts) {
  memset(it, 0, sizeof *it);
  it->L = L;
  if (lua_istable(L, opts)) {
    if (lua_getfield(L, opts, "split") != LUA_TNIL) {
      size_t n;
      const char *p = luaL_checklstring(L, -1, &n);
      it->split = rr_regex_get(L, p, n, NULL);
      lua_remove(L, -2);
    } else {
      lua_pop(L, 1);
    }
  }
  it->cur = rr_new_scratch(L, sizeof *it->cur, box_gc);
  lua_newtable(L);
  it->out = lua_gettop(L);
}

static int itemize_done(lua_State *L, itemizer *it) {
  flush_item(it);
  rr_buf_free(it->cur);
  lua_pushvalue(L, it->out);
  return 1;
}

/* section:items([opts]) -> list of strings */
static int sec_items(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  lua_getfield(L, 1, "doc");                     /* 3 */
  rr_document *d = rr_document_check(L, 3);
  lua_getfield(L, 1, "first");                   /* 4 */
  lua_getfield(L, 1, "last");                    /* 5 */
  lua_getfield(L, 1, "inline");                  /* 6 */
  lua_Integer first = lua_tointeger(L, 4), last = lua_tointeger(L, 5);
  itemizer it;
  itemizer_init(L, &it, 2);
  if (lua_type(L, 6) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, 6, &n);
    add_line(&it, (span){s, n});
  }
  for (lua_Integer i = first < 1 ? 1 : first; i <= last && (size_t)i <= d->text.nlines; i++)
    add_line(&it, doc_line(d, (size_t)i));
  return itemize_done(L, &it);
}

/* section.items(text [, opts]) -> the items of a string */
static int str_items(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  itemizer it;
  itemizer_init(L, &it, 2);
  size_t a = 0;
  while (a <= n) {
    const char *nl = memchr(s + a, '\n', n - a);
    size_t b = nl ? (size_t)(nl - s) : n;
    add_line(&it, (span){s + a, b - a});
    a = b + 1;
  }
  return itemize_done(L, &it);
}

/* section:text() -> the body (inline part first), lines joined with "\n" */
static int sec_text(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "doc");
  rr_document *d = rr_document_check(L, -1);
  lua_getfield(L, 1, "first");
  lua_getfield(L, 1, "last");
  lua_Integer first = lua_tointeger(L, -2), last = lua_tointeger(L, -1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  int any = 0;
  if (lua_getfield(L, 1, "inline") == LUA_TSTRING) {
    luaL_addvalue(&b);
    any = 1;
  } else {
    lua_pop(L, 1);
  }
  if (first >= 1 && first <= last && (size_t)last <= d->text.nlines) {
    if (any) luaL_addchar(&b, '\n');
    size_t a = d->text.lines[first - 1], e = d->text.lines[last] - 1;
    luaL_addlstring(&b, d->text.s + a, e - a);
  }
  luaL_pushresult(&b);
  return 1;
}

/* section:lines() -> iterator of (number, line) over the body */
static int sec_lines(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "doc");
  lua_getfield(L, -1, "lines");
  lua_insert(L, -2);
  lua_getfield(L, 1, "first");
  lua_getfield(L, 1, "last");
  lua_call(L, 3, 1);
  return 1;
}

static const luaL_Reg sec_methods[] = {
  {"items", sec_items}, {"text", sec_text}, {"lines", sec_lines}, {NULL, NULL}};

static const luaL_Reg sec_funcs[] = {
  {"section", sec_find}, {"sections", sec_find_all}, {"block", sec_block},
  {"items", str_items}, {NULL, NULL}};

int luaopen_rulerun_section(lua_State *L) {
  if (luaL_newmetatable(L, RR_SECTION)) {
    luaL_newlib(L, sec_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, sec_funcs);
  return 1;
}
