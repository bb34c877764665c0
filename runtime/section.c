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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define RR_SECTION "rulerun.section"
#define HEADING_MAX 30
#define INLINE_MAX_CHARS 1500   /* default cap of an inline section's body */

enum { MK_NONE, MK_BULLET, MK_DASH, MK_NUM, MK_HEAD };

typedef struct span { const char *s; size_t len; } span;

static span trim(span x) {
  while (x.len && (x.s[0] == ' ' || x.s[0] == '\t')) x.s++, x.len--;
  while (x.len && (x.s[x.len - 1] == ' ' || x.s[x.len - 1] == '\t')) x.len--;
  return x;
}

static int is_cn_digit(const char *s, size_t n, size_t *k) {
  if (n < 3) return 0;
  /* 一 二 三 四 五 六 七 八 九 十, as three bytes each */
  switch ((uint32_t)(unsigned char)s[0] << 16 | (uint32_t)(unsigned char)s[1] << 8 | (unsigned char)s[2]) {
  case 0xE4B880: case 0xE4BA8C: case 0xE4B889: case 0xE59B9B: case 0xE4BA94:
  case 0xE585AD: case 0xE4B883: case 0xE585AB: case 0xE4B99D: case 0xE58D81:
    *k = 3;
    return 1;
  default:
    return 0;
  }
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
  if (rr_starts(s + i, n - i, "、")) return i + 3;
  if (i < n && (s[i] == ')' || s[i] == '.')) {
    if (s[i] == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') return 0;   /* 2.5 */
    return i + 1;
  }
  return 0;
}

/* Strips list and heading markers from the front of x; returns the strongest
 * kind seen.  *sig (if not NULL) gets every kind seen, one bit each. */
static int strip_markers_sig(span *x, int *sig) {
  int kind = MK_NONE, seen = 0;
  *x = trim(*x);
  if (x->len >= 2 && strchr("-*+", x->s[0]) && x->s[1] == ' ') {
    x->s += 2, x->len -= 2;
    kind = MK_DASH;
    seen |= 1 << MK_DASH;
  }
  for (;;) {
    *x = trim(*x);
    size_t k;
    if (rr_starts(x->s, x->len, "•")) {
      x->s += 3; x->len -= 3; seen |= 1 << MK_BULLET;
      if (kind != MK_DASH) kind = MK_BULLET;
      continue;
    }
    if (rr_starts(x->s, x->len, "**")) { x->s += 2; x->len -= 2; continue; }
    if (rr_starts(x->s, x->len, "【")) { x->s += 3; x->len -= 3; kind = MK_HEAD; seen |= 1 << MK_HEAD; continue; }
    if (x->len && x->s[0] == '#' && kind == MK_NONE) {
      k = 0;
      while (k < x->len && x->s[k] == '#') k++;
      if (k < x->len && x->s[k] == ' ') { x->s += k; x->len -= k; kind = MK_HEAD; seen |= 1 << MK_HEAD; continue; }
    }
    if ((k = number_marker(x->s, x->len)) != 0 && kind != MK_NUM && kind != MK_HEAD) {
      x->s += k; x->len -= k; seen |= 1 << MK_NUM;
      if (kind != MK_DASH) kind = MK_NUM;
      continue;
    }
    if (sig) *sig = seen;
    return kind;
  }
}

static int strip_markers(span *x) { return strip_markers_sig(x, NULL); }

static size_t count_chars(span x) {
  size_t n = 0;
  for (size_t i = 0; i < x.len; i++) n += ((unsigned char)x.s[i] & 0xC0) != 0x80;
  return n;
}

static int has_clause_punct(span x) {
  for (size_t i = 0; i < x.len; i++) {
    char c = x.s[i];
    if (c == ',' || c == ';' || c == '!' || c == '?') return 1;
    if (rr_starts(x.s + i, x.len - i, "、") || rr_starts(x.s + i, x.len - i, "。")) return 1;
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

/* "title: ..." with a short title (no clause punctuation): a line marked like
 * a "- • 投资建议: ..." heading and shaped like it is its sibling heading. */
static int titled_line(span x) {
  const char *colon = memchr(x.s, ':', x.len);
  if (!colon) return 0;
  span title = {x.s, (size_t)(colon - x.s)};
  return title.len && count_chars(title) <= HEADING_MAX && !has_clause_punct(title);
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
      if (rr_starts(rest.s, rest.len, "**")) { rest.s += 2; rest.len -= 2; continue; }
      if (rr_starts(rest.s, rest.len, "】")) { rest.s += 3; rest.len -= 3; continue; }
      break;
    }
    if (rest.len == 0) { inl->s = rest.s; inl->len = 0; return i; }
    if (rest.s[0] == ':') {
      rest.s++, rest.len--;
      while (rest = trim(rest), rr_starts(rest.s, rest.len, "**")) rest.s += 2, rest.len -= 2;
      *inl = rest;
      return i;
    }
  }
  return -1;
}

/* ---- the scan ------------------------------------------------------------ */

typedef struct scan_opts {
  lua_Integer from, max_lines;
  lua_Integer max_chars;  /* an inline section's body at most (characters) */
  int inline_mode;        /* headings inside lines: -1 on long lines, 0 never, 1 on every line */
  int heading_like;     /* end at heading-like lines */
  int nstop;            /* stop regexes, on the stack at stop_base .. */
  int stop_base;
} scan_opts;

static span doc_line(const rr_document *d, size_t i /* 1-based */) {
  span x = {d->text.s + d->text.lines[i - 1], d->text.lines[i] - 1 - d->text.lines[i - 1]};
  return x;
}

/* The option keys of doc:section / sections / block, and of items. */
static const char *const SECTION_OPTIONS[] = {"from", "max_lines", "heading_like", "max_chars", "inline", "stop", NULL};
static const char *const ITEMS_OPTIONS[] = {"split", NULL};

/* Reads options from the table at spec (if any) and pushes the stop regexes;
 * func names the caller in errors, headings: spec holds heading names too. */
static void read_opts(lua_State *L, int spec, scan_opts *o, const char *func, int headings) {
  o->from = 1;
  o->max_lines = 0;
  o->heading_like = 1;
  o->max_chars = INLINE_MAX_CHARS;
  o->inline_mode = -1;
  o->nstop = 0;
  o->stop_base = lua_gettop(L) + 1;
  if (!lua_istable(L, spec)) return;
  rr_check_options(L, spec, func, SECTION_OPTIONS, headings);
  if (lua_getfield(L, spec, "from") != LUA_TNIL) o->from = luaL_checkinteger(L, -1);
  if (lua_getfield(L, spec, "max_lines") != LUA_TNIL) o->max_lines = luaL_checkinteger(L, -1);
  if (lua_getfield(L, spec, "heading_like") != LUA_TNIL) o->heading_like = lua_toboolean(L, -1);
  if (lua_getfield(L, spec, "max_chars") != LUA_TNIL) o->max_chars = luaL_checkinteger(L, -1);
  if (lua_getfield(L, spec, "inline") != LUA_TNIL) o->inline_mode = lua_toboolean(L, -1);
  lua_pop(L, 5);
  if (o->max_chars < 1) luaL_error(L, "%s: option 'max_chars' must be at least 1", func);
  o->stop_base = lua_gettop(L) + 1;
  int t = lua_getfield(L, spec, "stop");
  int stop = lua_gettop(L);
  if (t == LUA_TSTRING) {
    rr_regex_get(L, stop, NULL);
    o->nstop = 1;
  } else if (t == LUA_TTABLE) {
    for (lua_Integer i = 1; lua_rawgeti(L, stop, i) == LUA_TSTRING; i++) {
      rr_regex_get(L, -1, NULL);
      lua_remove(L, -2);
      o->nstop++;
    }
    lua_pop(L, 1);
  } else if (t != LUA_TNIL) {
    luaL_error(L, "%s: option 'stop' must be a regex string or a list of them", func);
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

/* Is the (trimmed, non-empty) line x page furniture as a whole? */
static int furniture_line(const rr_document *d, const rr_furniture *f, span x) {
  x = trim(x);
  if (!x.len || !f->n) return 0;
  size_t a = (size_t)(x.s - d->text.s), k = rr_furniture_next(f, a);
  return k < f->n && f->span[2 * k] <= a && f->span[2 * k + 1] >= a + x.len;
}

/* The last body line of a section whose body starts at line first.  sibling:
 * the marker bits of a "- • title: body" heading line (0: none); a line
 * marked alike and titled alike is the next such heading. */
static size_t body_end(lua_State *L, const rr_document *d, const rr_furniture *f, size_t first,
                       const scan_opts *o, int after_sentence, int sibling) {
  size_t j = first, last_text = first - 1;
  int item_kind = -1;     /* not known before the first body line */
  for (; j <= d->text.nlines; j++) {
    if (o->max_lines > 0 && (lua_Integer)(j - first) >= o->max_lines) break;
    span x = doc_line(d, j);
    if (!trim(x).len) continue;
    if (furniture_line(d, f, x)) break;
    if (o->nstop && stops_at(L, o, x)) break;
    if (sibling) {
      span y = x;
      int sig;
      strip_markers_sig(&y, &sig);
      if (sig == sibling && titled_line(y)) break;
    }
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

/* ---- headings inside a line (text without line breaks) -------------------- */

enum { ST_PAREN = 1, ST_DIGIT = 2, ST_DOT = 4, ST_CLOSE = 8, ST_COMMA = 16, ST_CIRCLED = 32 };

/* The style of the number marker at s ("1." "(1)" "一、" "①" ...), 0 if none:
 * items of one list share it. */
static int numbering_style(const char *s, size_t n, size_t *len) {
  size_t k = number_marker(s, n);
  if (len) *len = k;
  if (!k) return 0;
  if (k == 3 && (unsigned char)s[0] == 0xE2) return ST_CIRCLED;
  int st = s[0] == '(' ? ST_PAREN : 0;
  if (s[st ? 1 : 0] >= '0' && s[st ? 1 : 0] <= '9') st |= ST_DIGIT;
  if (s[k - 1] == '.') st |= ST_DOT;
  else if (s[k - 1] == ')') st |= ST_CLOSE;
  else st |= ST_COMMA;
  return st;
}

static int cn_numeral_before(const char *s, size_t lo, size_t q) {
  size_t k;
  return q >= lo + 3 && is_cn_digit(s + q - 3, 3, &k);
}

/* Does a number marker ("6.2." "4、" "(1)" "一、" "①") end at byte q (line from lo)? */
static int numbering_before(const char *s, size_t lo, size_t q) {
  if (q >= lo + 3 && (unsigned char)s[q - 3] == 0xE2 &&
      (((unsigned char)s[q - 2] == 0x91 && (unsigned char)s[q - 1] >= 0xA0) ||
       ((unsigned char)s[q - 2] == 0x92 && (unsigned char)s[q - 1] <= 0x87)))
    return 1;
  size_t e;
  if (q > lo && (s[q - 1] == '.' || s[q - 1] == ')')) e = q - 1;
  else if (q >= lo + 3 && memcmp(s + q - 3, "、", 3) == 0) e = q - 3;
  else return 0;
  size_t j = e, digits = 0;
  while (j > lo && e - j < 12 && ((s[j - 1] >= '0' && s[j - 1] <= '9') || (s[j - 1] == '.' && j < e))) {
    digits += s[j - 1] != '.';
    j--;
  }
  if (digits) return 1;
  return cn_numeral_before(s, lo, e);
}

/* Does an inline heading's boundary stand before byte p (its line starts at
 * lo): the line's start, a sentence end (。 ; ! ?), a tag end "]", "】",
 * furniture, a bullet or a number marker?  *marked: a marker stands there. */
static int inline_boundary(const rr_document *d, const rr_furniture *f, size_t lo, size_t p, int *marked) {
  const char *s = d->text.s;
  size_t q = p;
  *marked = 0;
  for (;;) {
    if (q > lo && s[q - 1] == ' ') { q--; continue; }
    if (q >= lo + 2 && s[q - 1] == '*' && s[q - 2] == '*') { q -= 2; continue; }
    break;
  }
  if (q == lo) return 1;
  if (q >= lo + 3 && (memcmp(s + q - 3, "•", 3) == 0 || memcmp(s + q - 3, "【", 3) == 0)) return *marked = 1;
  if (numbering_before(s, lo, q)) return *marked = 1;
  char c = s[q - 1];
  if (c == ';' || c == '!' || c == '?' || c == ']') return 1;
  if (q >= lo + 3 && (memcmp(s + q - 3, "。", 3) == 0 || memcmp(s + q - 3, "】", 3) == 0)) return 1;
  return rr_furniture_has(f, q - 1);
}

/* Where the body of an inline heading whose name ends at r starts: after its
 * ':' (or, when marked, right after the name: "6.风险提示行业政策风险"); 0: no heading. */
static size_t inline_body_start(const char *s, size_t r, size_t hi, int marked) {
  for (;;) {
    if (r < hi && s[r] == ' ') { r++; continue; }
    if (r + 2 <= hi && s[r] == '*' && s[r + 1] == '*') { r += 2; continue; }
    if (r + 3 <= hi && memcmp(s + r, "】", 3) == 0) { r += 3; continue; }
    break;
  }
  if (r < hi && s[r] == ':') {
    r++;
    while (r < hi && (s[r] == ' ' || s[r] == '*')) r++;
    return r;
  }
  if (!marked || r >= hi) return 0;
  if (r + 3 <= hi && (unsigned char)s[r] >= 0xE4 && (unsigned char)s[r] <= 0xE9) return r;
  return numbering_style(s + r, hi - r, NULL) ? r : 0;     /* "5.风险提示1)疫情…" */
}

/* Does a heading-shaped thing start at byte i of an inline body that began
 * at a: another of the names (boundary and ':'), or a number marker of
 * another style than the body's first item (after a sentence end, or a
 * "6.2." glued before a CJK character)? */
static int inline_heading_at(const rr_document *d, const rr_furniture *f, const span *names, int nnames,
                             size_t a, size_t i, size_t hi, int style0) {
  const char *s = d->text.s;
  int marked;
  for (int k = 0; k < nnames; k++) {
    size_t nl = names[k].len;
    if (i + nl <= hi && memcmp(s + i, names[k].s, nl) == 0 && inline_boundary(d, f, a, i, &marked) &&
        inline_body_start(s, i + nl, hi, marked))
      return 1;
  }
  char prev = s[i - 1];
  if ((prev >= '0' && prev <= '9') || prev == '.' || prev == '(' ||
      (prev >= 'A' && prev <= 'Z') || (prev >= 'a' && prev <= 'z'))
    return 0;
  size_t len;
  int st = numbering_style(s + i, hi - i, &len);
  if (!st || st == style0) return 0;
  int after_stop = prev == ';' || prev == '!' || prev == '?' || prev == ':' || prev == ' ' ||
                   (i >= a + 3 && memcmp(s + i - 3, "。", 3) == 0);
  if (after_stop) return 1;
  return (st & (ST_DIGIT | ST_DOT | ST_PAREN)) == (ST_DIGIT | ST_DOT) && i + len < hi &&
         (unsigned char)s[i + len] >= 0xE4 && (unsigned char)s[i + len] <= 0xE9;
}

/* The end (exclusive) of an inline body that starts at a: the sentence that
 * closes it (。 ! ?, kept), the next heading, furniture, the line's end or max_chars. */
static size_t inline_body_end(const rr_document *d, const rr_furniture *f, const span *names, int nnames,
                              const scan_opts *o, size_t a, size_t hi) {
  const char *s = d->text.s;
  size_t k = rr_furniture_next(f, a);
  size_t fstop = k < f->n ? f->span[2 * k] : hi;
  if (fstop > hi) fstop = hi;
  size_t a1 = a;
  while (a1 < hi && s[a1] == ' ') a1++;
  int style0 = numbering_style(s + a1, hi - a1, NULL);
  lua_Integer chars = 0;
  size_t i = a;
  while (i < fstop && chars < o->max_chars) {
    if (i + 3 <= hi && memcmp(s + i, "。", 3) == 0) return i + 3;
    if (s[i] == '!' || s[i] == '?') return i + 1;
    if (i > a1 && inline_heading_at(d, f, names, nnames, a1, i, hi, style0)) break;
    i++;
    while (i < hi && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    chars++;
  }
  return i;
}

typedef struct inline_hit { int which; size_t head, body, stop; } inline_hit;

#define NOT_FOUND ((size_t)-1)
#define UNKNOWN ((size_t)-2)

/* The first inline heading at or after byte from of the line [lo, hi).
 * next[] caches each name's next occurrence (UNKNOWN at a new line), so a
 * line is searched once per name however many sections it holds. */
static int next_inline(const rr_document *d, const rr_furniture *f, const span *names, int nnames,
                       size_t *next, const scan_opts *o, size_t lo, size_t hi, size_t from, inline_hit *h) {
  const char *s = d->text.s;
  while (from < hi) {
    size_t best = NOT_FOUND;
    for (int k = 0; k < nnames; k++) {
      if (next[k] == UNKNOWN || (next[k] != NOT_FOUND && next[k] < from)) {
        const char *p = memmem(s + from, hi - from, names[k].s, names[k].len);
        next[k] = p ? (size_t)(p - s) : NOT_FOUND;
      }
      if (next[k] < best) best = next[k];
    }
    if (best == NOT_FOUND) return 0;
    int found = 0;
    for (int k = 0; k < nnames; k++) {        /* the longest name that is a heading here */
      int marked;
      if (next[k] != best || (found && names[k].len <= names[h->which].len)) continue;
      if (rr_furniture_has(f, best) || !inline_boundary(d, f, lo, best, &marked)) continue;
      size_t body = inline_body_start(s, best + names[k].len, hi, marked);
      if (!body) continue;
      size_t stop = inline_body_end(d, f, names, nnames, o, body, hi);
      while (stop > body && s[stop - 1] == ' ') stop--;
      if (stop <= body) continue;             /* nothing under it: a table of contents, a mention */
      h->which = k, h->head = best, h->body = body, h->stop = stop;
      found = 1;
    }
    if (found) return 1;
    from = best + 1;
  }
  return 0;
}

/* Pushes a section table; pos and stop are the body's bytes [pos, stop). */
static void push_section(lua_State *L, int docidx, const span *heading, size_t line,
                         size_t first, size_t last, span inl, size_t pos, size_t stop, int in_line) {
  if (rr_luactx_get(L)->trace) {
    rr_trace_mark(L, "section", pos, stop > pos ? stop : pos, heading ? heading->s : NULL, heading ? heading->len : 0);
    const rr_document *d = rr_document_check(L, docidx);
    if (heading && line >= 1 && line <= d->text.nlines) {      /* the heading's own line or, inline, its name */
      size_t ha = in_line ? (pos > heading->len ? pos - heading->len : 0) : d->text.lines[line - 1];
      size_t hb = in_line ? pos : d->text.lines[line] - 1;
      if (in_line) {
        const char *p = memmem(d->text.s + (pos > 64 ? pos - 64 : 0), pos - (pos > 64 ? pos - 64 : 0), heading->s, heading->len);
        if (p) ha = (size_t)(p - d->text.s), hb = ha + heading->len;
      }
      rr_trace_mark(L, "heading", ha, hb, heading->s, heading->len);
    }
  }
  lua_createtable(L, 0, 10);
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
  lua_pushinteger(L, (lua_Integer)pos + 1);
  lua_setfield(L, -2, "pos");
  lua_pushinteger(L, (lua_Integer)(stop > pos ? stop : pos));
  lua_setfield(L, -2, "stop");
  if (in_line) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "span");
  }
  luaL_setmetatable(L, RR_SECTION);
}

/* The body bytes [*pos, *stop) of a line section. */
static void line_body_bytes(const rr_document *d, size_t heading_line, size_t first, size_t last, span inl,
                            size_t *pos, size_t *stop) {
  const rr_text *t = &d->text;
  if (inl.len) *pos = (size_t)(inl.s - t->s);
  else if (first <= t->nlines) *pos = t->lines[first - 1];
  else *pos = heading_line ? t->lines[heading_line] - 1 : t->len;
  if (*pos > t->len) *pos = t->len;
  if (last >= first && last <= t->nlines) *stop = t->lines[last] - 1;
  else if (inl.len) *stop = *pos + inl.len;
  else *stop = *pos;
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
  read_opts(L, 2, &o, all ? "doc:sections" : "doc:section", 1);
  const rr_furniture *f = rr_document_furniture(L, 1);
  int nnames;
  span *names = heading_names(L, 2, &nnames);
  size_t *next = lua_newuserdatauv(L, (size_t)(nnames ? nnames : 1) * sizeof *next, 0);
  if (all) lua_newtable(L);
  int result = lua_gettop(L);
  lua_Integer n = 0;
  for (size_t i = o.from < 1 ? 1 : (size_t)o.from; i <= d->text.nlines; i++) {
    span line = doc_line(d, i);
    int long_line = line.len > RR_LONG_LINE;
    int in_line = o.inline_mode > 0 || (o.inline_mode < 0 && long_line);
    if (!(long_line && in_line)) {
      span inl;
      int which = furniture_line(d, f, line) ? -1 : match_heading(names, nnames, line, &inl);
      if (which >= 0) {
        span marks = line;
        int sig = 0;
        strip_markers_sig(&marks, &sig);
        size_t last = body_end(L, d, f, i + 1, &o, inl.len ? ends_sentence(inl) : 0, inl.len ? sig : 0);
        size_t pos, stop;
        line_body_bytes(d, i, i + 1, last, inl, &pos, &stop);
        push_section(L, 1, &names[which], i, i + 1, last, inl, pos, stop, 0);
        if (!all) return 1;
        lua_rawseti(L, result, ++n);
        i = last > i ? last : i;
        continue;
      }
    }
    if (!in_line) continue;
    size_t lo = (size_t)(line.s - d->text.s), hi = lo + line.len, from = lo;
    for (int k = 0; k < nnames; k++) next[k] = UNKNOWN;
    inline_hit h;
    static const span none = {"", 0};
    while (next_inline(d, f, names, nnames, next, &o, lo, hi, from, &h)) {
      push_section(L, 1, &names[h.which], i, i, i, none, h.body, h.stop, 1);
      if (!all) return 1;
      lua_rawseti(L, result, ++n);
      from = h.stop;
    }
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
  read_opts(L, 3, &o, "doc:block", 0);
  const rr_furniture *f = rr_document_furniture(L, 1);
  /* the first line itself never ends the block */
  size_t last = (size_t)first;
  if ((size_t)first < d->text.nlines) {
    size_t e = body_end(L, d, f, (size_t)first + 1, &o, ends_sentence(doc_line(d, (size_t)first)), 0);
    if (e > last) last = e;
  }
  span none = {"", 0};
  size_t pos, stop;
  line_body_bytes(d, 0, (size_t)first, last, none, &pos, &stop);
  push_section(L, 1, NULL, 0, (size_t)first, last, none, pos, stop, 0);
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
  const char *text;         /* provenance: what lines come from (NULL: not a document's, or off), */
  size_t text_at;           /* at this offset in the document */
  size_t cur_a, cur_b;      /* the span of the document the current item's text came from */
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

/* with provenance, the item's span: from where its text starts in the
 * document (at of its item's) to the end of the item's text there */
static void add_item(itemizer *it, span x, size_t at) {
  x = trim_item(x);
  if (!x.len) return;
  lua_pushlstring(it->L, x.s, x.len);
  if (it->text) {
    size_t a = it->cur_a + at, b = a + x.len < it->cur_b ? a + x.len : it->cur_b;
    rr_trace_span(it->L, -1, a, b);
    rr_trace_mark(it->L, "item", a, b, NULL, 0);
  }
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
    add_item(it, all, 0);
    return;
  }
  size_t pos = 0, piece = 0, ms, me;
  while (pos <= all.len && rr_regex_exec(it->L, it->split, all.s, all.len, pos, 1, &ms, &me)) {
    if (me == ms) { pos = me + 1; continue; }
    span p = {all.s + piece, ms - piece};
    add_item(it, p, piece);
    piece = pos = me;
  }
  span p = {all.s + piece, all.len - piece};
  add_item(it, p, piece);
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
    if (it->text) it->cur_a = it->text_at + (size_t)(content.s - it->text);
  } else if (it->cur->len && is_word_byte(it->cur->s[it->cur->len - 1]) && is_word_byte(raw.s[0])) {
    if (rr_buf_add(it->cur, " ", 1)) luaL_error(it->L, "out of memory");
  }
  if (rr_buf_add(it->cur, content.s, content.len)) luaL_error(it->L, "out of memory");
  if (it->text) it->cur_b = it->text_at + (size_t)(content.s - it->text) + content.len;
}

/* Reads items options at opts (split = regex) and pushes the regex (if
 * any), the buffer box and the result table.  func names the caller in errors. */
static void itemizer_init(lua_State *L, itemizer *it, int opts, const char *func) {
  memset(it, 0, sizeof *it);
  it->L = L;
  if (lua_istable(L, opts)) {
    rr_check_options(L, opts, func, ITEMS_OPTIONS, 0);
    if (lua_getfield(L, opts, "split") != LUA_TNIL) {
      luaL_checktype(L, -1, LUA_TSTRING);
      it->split = rr_regex_get(L, -1, NULL);
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

/* A section that stands inside a line (sec.span): its body bytes [*a, *b).
 * Reads the section at stack index 1. */
static int section_span(lua_State *L, const rr_document *d, size_t *a, size_t *b) {
  int in_line = lua_getfield(L, 1, "span") != LUA_TNIL && lua_toboolean(L, -1);
  lua_getfield(L, 1, "pos");
  lua_getfield(L, 1, "stop");
  lua_Integer pos = lua_tointeger(L, -2), stop = lua_tointeger(L, -1);
  lua_pop(L, 3);
  if (!in_line) return 0;
  if (pos < 1) pos = 1;
  if (stop > (lua_Integer)d->text.len) stop = (lua_Integer)d->text.len;
  *a = (size_t)pos - 1;
  *b = stop >= pos ? (size_t)stop : *a;
  return 1;
}

/* The items of an inline body: a new item at each number marker of the
 * first item's style that follows a ; , 。 or space ("1)a;2)b;3)c"). */
static void add_span_items(itemizer *it, const char *s, size_t a, size_t b) {
  while (a < b && s[a] == ' ') a++;
  int style0 = numbering_style(s + a, b - a, NULL);
  size_t piece = a;
  for (size_t i = a + 1; style0 && i < b; i++) {
    char prev = s[i - 1];
    int after = prev == ';' || prev == ',' || prev == ' ' || (i >= a + 3 && memcmp(s + i - 3, "。", 3) == 0);
    if (after && numbering_style(s + i, b - i, NULL) == style0) {
      add_line(it, (span){s + piece, i - piece});
      piece = i;
    }
  }
  add_line(it, (span){s + piece, b - piece});
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
  size_t a, b;
  int trace = rr_luactx_get(L)->trace;
  if (section_span(L, d, &a, &b)) {   /* an inline section: its items, cut at sibling markers */
    itemizer_init(L, &it, 2, "sec:items");
    if (trace) it.text = d->text.s;
    add_span_items(&it, d->text.s, a, b);
    return itemize_done(L, &it);
  }
  itemizer_init(L, &it, 2, "sec:items");
  if (lua_type(L, 6) == LUA_TSTRING) {   /* the heading line's text after its colon: at sec.pos */
    size_t n;
    const char *s = lua_tolstring(L, 6, &n);
    if (trace) {
      lua_getfield(L, 1, "pos");
      it.text = s;
      it.text_at = (size_t)(lua_tointeger(L, -1) - 1);
      lua_pop(L, 1);
    }
    add_line(&it, (span){s, n});
  }
  if (trace) it.text = d->text.s, it.text_at = 0;
  for (lua_Integer i = first < 1 ? 1 : first; i <= last && (size_t)i <= d->text.nlines; i++)
    add_line(&it, doc_line(d, (size_t)i));
  return itemize_done(L, &it);
}

/* section.items(text [, opts]) -> the items of a string */
static int str_items(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  itemizer it;
  itemizer_init(L, &it, 2, "rr.items");
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
  size_t sa, sb;
  if (section_span(L, d, &sa, &sb)) {
    lua_pushlstring(L, d->text.s + sa, sb - sa);
    return 1;
  }
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

static int span_lines_aux(lua_State *L) {
  if (lua_toboolean(L, lua_upvalueindex(3))) return 0;
  lua_pushboolean(L, 1);
  lua_replace(L, lua_upvalueindex(3));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, lua_upvalueindex(2));
  return 2;
}

/* section:lines() -> iterator of (number, line) over the body; an inline
 * section's body is one "line": its span, with the number of the line holding it */
static int sec_lines(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "doc");
  const rr_document *d = rr_document_check(L, -1);
  size_t a, b;
  if (section_span(L, d, &a, &b)) {
    lua_getfield(L, 1, "first");
    lua_pushlstring(L, d->text.s + a, b - a);
    lua_pushboolean(L, 0);
    lua_pushcclosure(L, span_lines_aux, 3);
    return 1;
  }
  lua_pop(L, 1);
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
  lua_createtable(L, 0, 4);           /* OPTIONS: each function's option keys (rulerun.options) */
  static const char *const with_spec[] = {"section", "sections", "block", NULL};
  for (int i = 0; with_spec[i]; i++) {
    rr_push_names(L, SECTION_OPTIONS);
    lua_setfield(L, -2, with_spec[i]);
  }
  rr_push_names(L, ITEMS_OPTIONS);
  lua_setfield(L, -2, "items");
  lua_setfield(L, -2, "OPTIONS");
  return 1;
}
