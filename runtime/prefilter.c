/* prefilter.c - where a regex can start matching: the literals every match begins with.
 *
 * A pattern that starts with an alternation of Chinese words ("建议关注|重点推荐|
 * (?:推荐|受益)标的|…") gives PCRE2 only the set of its first bytes, and in
 * Chinese text nearly every character starts with one of them: the whole
 * alternation is tried at each character.  Here the pattern is read (a
 * conservative subset of PCRE2 syntax; anything else gives no prefilter) for
 * the set of literal prefixes its matches start with, up to PF_MAX_LIT bytes
 * each; a top-level branch that starts with something else (a class, \d)
 * adds the first bytes PCRE2 computes for that branch alone.  The literals
 * go into a dense Aho-Corasick automaton over byte classes, so one pass over
 * the text finds the candidate starts; regex.c runs the pattern anchored at
 * each, in order, which finds the same leftmost match as an unanchored
 * search (every position skipped can start no match).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rr_internal.h"

#define PF_MAX_LIT 12      /* bytes of a literal prefix kept (4 CJK characters) */
#define PF_MAX_SET 640     /* prefixes of one pattern, at most */
#define PF_MAX_STATES 2048 /* automaton states, at most */
/* Matches must start with this many different characters (or a class) for
 * the prefilter to pay: PCRE2's JIT scans for a few first characters as fast
 * as the automaton does (measured with callgrind on the benchmark corpus:
 * 6 first characters lose, 7 and more win, by up to 3x; docs/PERFORMANCE.md). */
#define PF_MIN_FIRST 7

/* A set of prefixes being built; open ones may still grow. */
typedef struct lit { unsigned char s[PF_MAX_LIT]; uint8_t len, open; } lit;
#define PF_SLOTS 2048       /* hash slots of a set (a power of two above 2 * PF_MAX_SET) */
typedef struct litset {
  lit v[PF_MAX_SET];
  int n;
  uint16_t slot[PF_SLOTS];   /* index + 1 of a member by its hash, 0: empty */
} litset;

enum { ATOM_SET, ATOM_ZERO, ATOM_STOP, ATOM_FAIL };

typedef struct parser {
  const unsigned char *p;
  size_t i, n;
  int fail;
  int options;     /* an inline (?m) or (?s) was read: a branch alone would compile otherwise */
} parser;

#define PF_OUT 0x80000000u   /* a state where a literal ends */

struct rr_prefilter {
  uint32_t *next;            /* [state * nclass + class] -> next state * nclass, | PF_OUT */
  uint8_t *outlen;           /* per state: the longest literal ending here, 0: none */
  uint8_t cls[256];          /* byte -> class (0: in no literal) */
  uint8_t first[256];        /* bytes that start a match on their own (branch bitmaps) */
  uint8_t start[256];        /* bytes that leave the start state, or are in first */
  int nclass, maxlen, any_first;
};

/* Literals compare whole: the bytes after len are always zero. */
static int same(const lit *a, const lit *b) {
  uint64_t x, y;
  uint32_t u, v;
  memcpy(&x, a->s, 8), memcpy(&y, b->s, 8), memcpy(&u, a->s + 8, 4), memcpy(&v, b->s + 8, 4);
  return x == y && u == v && a->len == b->len && a->open == b->open;
}

static size_t lit_hash(const lit *l) {
  uint64_t x, h;
  uint32_t u;
  memcpy(&x, l->s, 8), memcpy(&u, l->s + 8, 4);
  h = (x ^ ((uint64_t)u << 29) ^ ((uint64_t)l->len << 60) ^ l->open) * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 40) & (PF_SLOTS - 1);
}

static void set_clear(litset *s) {
  s->n = 0;
  memset(s->slot, 0, sizeof s->slot);
}

/* Adds l unless the set has it (a hash table: sets reach hundreds). */
static void set_add(parser *ps, litset *out, const lit *l) {
  size_t i = lit_hash(l);
  for (; out->slot[i]; i = (i + 1) & (PF_SLOTS - 1))
    if (same(&out->v[out->slot[i] - 1], l)) return;
  if (out->n == PF_MAX_SET) { ps->fail = 1; return; }
  out->v[out->n++] = *l;
  out->slot[i] = (uint16_t)out->n;
}

/* Closes every member (the hash of each changes: the table is rebuilt,
 * and members that became equal are merged). */
static void close_all(litset *s) {
  int n = s->n;
  s->n = 0;
  memset(s->slot, 0, sizeof s->slot);
  for (int k = 0; k < n; k++) {
    lit l = s->v[k];
    l.open = 0;
    size_t i = lit_hash(&l);
    int dup = 0;
    for (; s->slot[i] && !dup; i = (i + 1) & (PF_SLOTS - 1)) dup = same(&s->v[s->slot[i] - 1], &l);
    if (dup) continue;
    s->v[s->n++] = l;
    s->slot[i] = (uint16_t)s->n;
  }
}

/* s followed by one of item, into out; closed members of s stay as they are. */
static void concat(parser *ps, const litset *s, const litset *item, int close, litset *out) {
  for (int k = 0; k < s->n && !ps->fail; k++) {
    const lit *a = &s->v[k];
    if (!a->open) { set_add(ps, out, a); continue; }
    for (int j = 0; j < item->n && !ps->fail; j++) {
      const lit *b = &item->v[j];
      lit c = *a;
      size_t take = b->len;
      c.open = b->open && !close;
      if (c.len + take > PF_MAX_LIT) {   /* a prefix of a prefix is one too */
        take = PF_MAX_LIT - c.len;
        c.open = 0;
      }
      memcpy(c.s + c.len, b->s, take);
      c.len = (uint8_t)(c.len + take);
      set_add(ps, out, &c);
    }
  }
}

static int peek(const parser *ps, size_t k) { return ps->i + k < ps->n ? ps->p[ps->i + k] : -1; }

/* Skips a bracketed class from '['; returns 1 and its characters in out when
 * it is a plain list of literal characters ("[“\"]", "[,;。:]"), else 0. */
static int parse_class(parser *ps, litset *out) {
  int plain = 1;
  ps->i++;
  if (peek(ps, 0) == '^') plain = 0, ps->i++;
  if (peek(ps, 0) == ']') plain = 0, ps->i++;          /* a literal ] first */
  set_clear(out);
  while (ps->i < ps->n && ps->p[ps->i] != ']') {
    unsigned char c = ps->p[ps->i];
    if (c == '[' && peek(ps, 1) == ':') {               /* [:alpha:] */
      plain = 0;
      const unsigned char *e = memmem(ps->p + ps->i, ps->n - ps->i, ":]", 2);
      if (!e) { ps->fail = 1; return 0; }
      ps->i = (size_t)(e - ps->p) + 2;
      continue;
    }
    lit l = {.open = 1};
    if (c == '\\') {
      int e = peek(ps, 1);
      if (e < 0) { ps->fail = 1; return 0; }
      if (e < 0x80 && strchr("\\]-[^.$|()?*+{}/,;:\"'", e)) l.s[0] = (unsigned char)e, l.len = 1;
      else plain = 0;
      if (e == 'p' || e == 'P' || e == 'x') {         /* \p{..}, \x{..} */
        ps->i += 2;
        if (peek(ps, 0) == '{') {
          const unsigned char *b = memchr(ps->p + ps->i, '}', ps->n - ps->i);
          if (!b) { ps->fail = 1; return 0; }
          ps->i = (size_t)(b - ps->p) + 1;
        }
        continue;
      }
      ps->i += e < 0x80 ? 2 : 1;
      if (e >= 0x80) plain = 0;
    } else {
      size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (ps->i + k > ps->n) { ps->fail = 1; return 0; }
      if (c == '-' && l.len == 0 && out->n && peek(ps, 1) != ']') plain = 0;   /* a range */
      memcpy(l.s, ps->p + ps->i, k);
      l.len = (uint8_t)k;
      ps->i += k;
    }
    if (plain && l.len) set_add(ps, out, &l);
  }
  if (ps->i >= ps->n) { ps->fail = 1; return 0; }
  ps->i++;                                              /* ] */
  return plain && out->n > 0;
}

/* Skips a parenthesised group whose "(" and opener are already read, to after its ")". */
static void skip_group(parser *ps) {
  int depth = 1;
  while (ps->i < ps->n && depth) {
    unsigned char c = ps->p[ps->i];
    if (c == '\\') { ps->i += 2; continue; }
    if (c == '[') { litset tmp; parse_class(ps, &tmp); if (ps->fail) return; continue; }
    if (c == '(') depth++;
    if (c == ')') depth--;
    ps->i++;
  }
  if (depth) ps->fail = 1;
}

static void parse_alt(parser *ps, litset *out);

/* One atom: its literals in item (ATOM_SET), or what kind of thing it is. */
static int parse_atom(parser *ps, litset *item) {
  unsigned char c = ps->p[ps->i];
  set_clear(item);
  if (c == '\\') {
    int e = peek(ps, 1);
    if (e < 0) return ATOM_FAIL;
    ps->i += 2;
    if (e == 'Q') {                                     /* \Q...\E */
      lit l = {.open = 1};
      const unsigned char *q = ps->p + ps->i, *end = memmem(q, ps->n - ps->i, "\\E", 2);
      size_t k = end ? (size_t)(end - q) : ps->n - ps->i;
      ps->i += k + (end ? 2 : 0);
      if (k == 0) return ATOM_ZERO;
      if (k > PF_MAX_LIT) k = PF_MAX_LIT, l.open = 0;
      memcpy(l.s, q, k);
      l.len = (uint8_t)k;
      set_add(ps, item, &l);
      return ATOM_SET;
    }
    if (strchr("bBAzZ", e)) return ATOM_ZERO;
    if (strchr("GKE", e) || (e >= '0' && e <= '9') || e == 'g' || e == 'k') return ATOM_FAIL;
    if (e == 'p' || e == 'P' || e == 'x' || e == 'N') {
      if (peek(ps, 0) == '{') {
        const unsigned char *b = memchr(ps->p + ps->i, '}', ps->n - ps->i);
        if (!b) return ATOM_FAIL;
        ps->i = (size_t)(b - ps->p) + 1;
      } else if (e == 'x') {
        return ATOM_FAIL;
      } else if (e != 'N') {
        ps->i++;                                        /* \pL */
      }
      return ATOM_STOP;
    }
    if (e == 'd') {
      /* \d is any Unicode digit: the ASCII ones, the fullwidth ones (the only
       * digits in U+F000-U+FFFF, whose lead byte EF Chinese punctuation
       * shares), and the rest by their first byte: D9 DB DF (Arabic, N'Ko),
       * E0 E1 EA (Indic, Southeast Asian, the rest of the BMP's scripts) and
       * F0 (every supplementary plane that has scripts).  Lead bytes C2-D8
       * and E2-E9 (U+2000-U+9FFF, Chinese text) hold no digit in any Unicode
       * version; new scripts go to those ranges (docs/DECISIONS.md). */
      for (int b = '0'; b <= '9'; b++) set_add(ps, item, &(lit){.s = {(unsigned char)b}, .len = 1, .open = 1});
      for (int b = 0x90; b <= 0x99; b++) set_add(ps, item, &(lit){.s = {0xEF, 0xBC, (unsigned char)b}, .len = 3, .open = 0});
      static const unsigned char lead[] = {0xD9, 0xDB, 0xDF, 0xE0, 0xE1, 0xEA, 0xF0};
      for (size_t k = 0; k < sizeof lead; k++) set_add(ps, item, &(lit){.s = {lead[k]}, .len = 1, .open = 0});
      return ATOM_SET;
    }
    lit l = {.open = 1, .len = 1};
    if (e == 'n') l.s[0] = '\n';
    else if (e == 't') l.s[0] = '\t';
    else if (e == 'r') l.s[0] = '\r';
    else if (e < 0x80 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))) l.s[0] = (unsigned char)e;
    else return e < 0x80 ? ATOM_STOP : ATOM_FAIL;       /* \d \s \w \h …: a class */
    set_add(ps, item, &l);
    return ATOM_SET;
  }
  if (c == '[') {
    if (parse_class(ps, item)) return ATOM_SET;
    return ps->fail ? ATOM_FAIL : ATOM_STOP;
  }
  if (c == '.') { ps->i++; return ATOM_STOP; }
  if (c == '^' || c == '$') { ps->i++; return ATOM_ZERO; }
  if (c == '*' || c == '+' || c == '?' || c == '{') return ATOM_FAIL;
  if (c == '(') {
    ps->i++;
    if (peek(ps, 0) == '*') return ATOM_FAIL;           /* (*VERB) */
    if (peek(ps, 0) == '?') {
      int a = peek(ps, 1), b = peek(ps, 2);
      if (a == ':' || a == '>' || a == '|') {
        ps->i += 2;
      } else if (a == '<' && (b == '=' || b == '!')) {  /* a look-behind consumes nothing */
        ps->i += 3;
        skip_group(ps);
        return ps->fail ? ATOM_FAIL : ATOM_ZERO;
      } else if (a == '=' || a == '!') {                /* a look-ahead: the prefix ends here */
        ps->i += 2;
        skip_group(ps);
        return ps->fail ? ATOM_FAIL : ATOM_STOP;
      } else if (a == '#') {
        const unsigned char *e = memchr(ps->p + ps->i, ')', ps->n - ps->i);
        if (!e) return ATOM_FAIL;
        ps->i = (size_t)(e - ps->p) + 1;
        return ATOM_ZERO;
      } else if (a == '<' || a == 'P' || a == '\'') {  /* a named group */
        const unsigned char *e = memchr(ps->p + ps->i, a == '\'' ? '\'' : '>', ps->n - ps->i);
        if (!e || a == 'P') return ATOM_FAIL;
        ps->i = (size_t)(e - ps->p) + 1;
        if (a == '\'' && ps->i < ps->n && ps->p[ps->i - 1] != '\'') return ATOM_FAIL;
      } else {                                          /* inline options: only m and s */
        size_t j = ps->i + 1;
        while (j < ps->n && (ps->p[j] == 'm' || ps->p[j] == 's' || ps->p[j] == '-')) j++;
        if (j >= ps->n || j == ps->i + 1) return ATOM_FAIL;
        ps->options = 1;
        if (ps->p[j] == ')') { ps->i = j + 1; return ATOM_ZERO; }
        if (ps->p[j] != ':') return ATOM_FAIL;
        ps->i = j + 1;
      }
    }
    parse_alt(ps, item);
    if (ps->fail || peek(ps, 0) != ')') return ATOM_FAIL;
    ps->i++;
    return ATOM_SET;
  }
  lit l = {.open = 1};
  size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (ps->i + k > ps->n) return ATOM_FAIL;
  memcpy(l.s, ps->p + ps->i, k);
  l.len = (uint8_t)k;
  ps->i += k;
  set_add(ps, item, &l);
  return ATOM_SET;
}

/* A quantifier after an atom, as min and max (-1: unbounded); 1, 1 when none. */
static void parse_quant(parser *ps, int *min, int *max) {
  *min = *max = 1;
  int c = peek(ps, 0);
  if (c == '?') *min = 0, *max = 1, ps->i++;
  else if (c == '*') *min = 0, *max = -1, ps->i++;
  else if (c == '+') *min = 1, *max = -1, ps->i++;
  else if (c == '{') {
    size_t j = ps->i + 1;
    long lo = 0, hi;
    int digits = 0;
    while (j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9') lo = lo * 10 + (ps->p[j++] - '0'), digits++;
    hi = lo;
    if (j < ps->n && ps->p[j] == ',') {
      j++;
      hi = -1;
      if (j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9')
        for (hi = 0; j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9';) hi = hi * 10 + (ps->p[j++] - '0');
    }
    if (!digits || j >= ps->n || ps->p[j] != '}') { ps->fail = 1; return; }   /* a literal {: not read */
    ps->i = j + 1;
    *min = lo > 100 ? 100 : (int)lo;
    *max = hi < 0 || hi > 100 ? -1 : (int)hi;
  } else {
    return;
  }
  if (peek(ps, 0) == '?' || peek(ps, 0) == '+') ps->i++;   /* lazy, possessive */
}

/* s followed by min to max (-1: any number of) copies of item, into out.
 * Up to MAX_REPEAT copies each count is spelled out ("\d{1,2}月" gives
 * "1月", "12月" …); beyond, or where the set would grow too large, the
 * prefixes stop after the copies spelled out. */
#define MAX_REPEAT 3
static void repeat(parser *ps, const litset *s, const litset *item, int min, int max, litset *out) {
  litset *cur = malloc(sizeof *cur), *nxt = malloc(sizeof *nxt);
  if (!cur || !nxt) { ps->fail = 1; goto done; }
  *cur = *s;
  int exact = max >= 0 && max <= MAX_REPEAT;
  int last = exact ? max : min < 1 ? 1 : min > MAX_REPEAT ? MAX_REPEAT : min;
  for (int k = 0;; k++) {
    if (k >= min && exact) for (int j = 0; j < cur->n && !ps->fail; j++) set_add(ps, out, &cur->v[j]);
    if (k == 0 && min == 0 && !exact) for (int j = 0; j < cur->n && !ps->fail; j++) set_add(ps, out, &cur->v[j]);
    if (k == last || ps->fail) break;
    long open = 0;
    for (int j = 0; j < cur->n; j++) open += cur->v[j].open;
    if (cur->n - open + open * item->n > PF_MAX_SET) {  /* too many: stop here, as prefixes */
      close_all(cur);                                /* every longer count starts with these */
      for (int j = 0; j < cur->n && !ps->fail; j++) set_add(ps, out, &cur->v[j]);
      goto done;
    }
    set_clear(nxt);
    concat(ps, cur, item, 0, nxt);
    litset *x = cur; cur = nxt; nxt = x;
  }
  if (!exact && !ps->fail) {                         /* more copies may follow */
    close_all(cur);
    for (int j = 0; j < cur->n && !ps->fail; j++) set_add(ps, out, &cur->v[j]);
  }
done:
  free(cur);
  free(nxt);
}

/* A sequence up to | or ) or the end: the prefixes it can start with. */
static void parse_seq(parser *ps, litset *out) {
  static _Thread_local int depth;
  depth++;
  litset *s = malloc(sizeof *s), *item = malloc(sizeof *item), *t = malloc(sizeof *t);
  if (!s || !item || !t || depth > 32) { ps->fail = 1; goto done; }
  set_clear(s);
  set_add(ps, s, &(lit){.len = 0, .open = 1});
  while (!ps->fail && ps->i < ps->n && ps->p[ps->i] != '|' && ps->p[ps->i] != ')') {
    int kind = parse_atom(ps, item), min, max;
    if (kind == ATOM_FAIL) { ps->fail = 1; break; }
    parse_quant(ps, &min, &max);
    if (ps->fail) break;
    if (kind == ATOM_ZERO) continue;
    set_clear(t);
    if (kind == ATOM_STOP) {
      if (min == 0) for (int k = 0; k < s->n && !ps->fail; k++) set_add(ps, t, &s->v[k]);
      close_all(s);
      for (int k = 0; k < s->n && !ps->fail; k++) set_add(ps, t, &s->v[k]);
    } else {
      repeat(ps, s, item, min, max, t);
    }
    litset *x = s; s = t; t = x;
  }
  if (!ps->fail) for (int k = 0; k < s->n && !ps->fail; k++) set_add(ps, out, &s->v[k]);
done:
  depth--;
  free(s), free(item), free(t);
}

static void parse_alt(parser *ps, litset *out) {
  set_clear(out);
  for (;;) {
    parse_seq(ps, out);
    if (ps->fail || peek(ps, 0) != '|') return;
    ps->i++;
  }
}

/* The first bytes of the one top-level branch pat[0..n) as PCRE2 computes
 * them, into first; 0 when PCRE2 has none (the branch may start anywhere). */
static int branch_bytes(const unsigned char *pat, size_t n, uint32_t opts, uint8_t *first) {
  int err;
  PCRE2_SIZE off;
  pcre2_code *code = pcre2_compile(pat, n, opts, &err, &off, NULL);
  if (!code) return 0;
  uint32_t type = 0;
  int ok = 0;
  pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type);
  if (type == 1) {
    uint32_t unit;
    pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit);
    if (unit < 0x80) first[unit] = 1, ok = 1;
  } else {
    const uint8_t *bits = NULL;
    if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bits) == 0 && bits) {
      ok = 1;
      for (int b = 0; b < 256; b++)
        if (bits[b / 8] & (1u << (b % 8))) {
          if (b >= 0xE2 && b <= 0xE9) ok = 0;           /* CJK lead bytes: no better than PCRE2 */
          first[b] = 1;
        }
    }
  }
  pcre2_code_free(code);
  return ok;
}

/* The automaton over the literals in set (each non-empty). */
static int build(rr_prefilter *pf, const litset *set) {
  int nclass = 1, nstates = 1;
  for (int k = 0; k < set->n; k++)
    for (int j = 0; j < set->v[k].len; j++)
      if (!pf->cls[set->v[k].s[j]]) pf->cls[set->v[k].s[j]] = (uint8_t)nclass++;
  if (nclass > 255) return -1;
  size_t cap = 64;
  int32_t *trie = malloc(cap * (size_t)nclass * sizeof *trie);   /* -1: no edge */
  uint8_t *own = calloc(cap, 1);
  if (!trie || !own) goto fail;
  memset(trie, 0xFF, cap * (size_t)nclass * sizeof *trie);
  for (int k = 0; k < set->n; k++) {
    int st = 0;
    for (int j = 0; j < set->v[k].len; j++) {
      int c = pf->cls[set->v[k].s[j]];
      if (trie[st * nclass + c] < 0) {
        if (nstates == PF_MAX_STATES) goto fail;
        if ((size_t)nstates == cap) {
          int32_t *t = realloc(trie, 2 * cap * (size_t)nclass * sizeof *t);
          uint8_t *o = realloc(own, 2 * cap);
          if (t) trie = t;
          if (o) own = o;
          if (!t || !o) goto fail;
          memset(trie + cap * (size_t)nclass, 0xFF, cap * (size_t)nclass * sizeof *trie);
          memset(own + cap, 0, cap);
          cap *= 2;
        }
        trie[st * nclass + c] = nstates++;
      }
      st = trie[st * nclass + c];
    }
    if (set->v[k].len > own[st]) own[st] = set->v[k].len;
  }
  /* breadth first: failure links folded into a full transition table */
  pf->next = malloc((size_t)nstates * (size_t)nclass * sizeof *pf->next);   /* states, then offsets */
  pf->outlen = calloc((size_t)nstates, 1);
  int32_t *fail = calloc((size_t)nstates, sizeof *fail), *queue = malloc((size_t)nstates * sizeof *queue);
  if (!pf->next || !pf->outlen || !fail || !queue) { free(fail); free(queue); goto fail; }
  int qh = 0, qt = 0;
  for (int c = 0; c < nclass; c++) {
    int32_t to = c ? trie[c] : -1;
    pf->next[c] = (uint16_t)(to < 0 ? 0 : to);
    if (to > 0) fail[to] = 0, queue[qt++] = to;
  }
  pf->outlen[0] = 0;
  while (qh < qt) {
    int st = queue[qh++];
    pf->outlen[st] = own[st] > pf->outlen[fail[st]] ? own[st] : pf->outlen[fail[st]];
    for (int c = 0; c < nclass; c++) {
      int32_t to = c ? trie[st * nclass + c] : -1;
      if (to > 0) {
        fail[to] = pf->next[fail[st] * nclass + c];
        queue[qt++] = to;
        pf->next[st * nclass + c] = (uint16_t)to;
      } else {
        pf->next[st * nclass + c] = pf->next[fail[st] * nclass + c];
      }
    }
  }
  free(fail);
  free(queue);
  free(trie);
  free(own);
  pf->nclass = nclass;
  for (size_t k = 0; k < (size_t)nstates * (size_t)nclass; k++) {
    uint32_t to = pf->next[k];
    pf->next[k] = to * (uint32_t)nclass | (pf->outlen[to] ? PF_OUT : 0);
  }
  for (int b = 0; b < 256; b++) pf->start[b] = pf->first[b] || pf->next[pf->cls[b]] != 0;
  return 0;
fail:
  free(trie);
  free(own);
  return -1;
}

rr_prefilter *rr_prefilter_new(const char *pattern, size_t len, uint32_t opts) {
  if (opts & (PCRE2_CASELESS | PCRE2_EXTENDED)) return NULL;
  rr_prefilter *pf = calloc(1, sizeof *pf);
  litset *all = malloc(sizeof *all), *branch = malloc(sizeof *branch);
  if (!pf || !all || !branch) goto fail;
  set_clear(all);
  parser ps = {(const unsigned char *)pattern, 0, len, 0, 0};
  for (;;) {                                            /* the top-level branches */
    size_t from = ps.i;
    set_clear(branch);
    parse_seq(&ps, branch);
    if (ps.fail) goto fail;
    for (int k = 0; k < branch->n; k++) {
      if (branch->v[k].len == 0) {                      /* starts with a class: PCRE2's first bytes */
        if (ps.options || !branch_bytes(ps.p + from, ps.i - from, opts, pf->first)) goto fail;
        pf->any_first = 1;
      } else {
        lit l = branch->v[k];
        l.open = 0;
        set_add(&ps, all, &l);
        if (ps.fail) goto fail;
        if (l.len > pf->maxlen) pf->maxlen = l.len;
      }
    }
    if (ps.i >= ps.n) break;
    if (ps.p[ps.i] != '|') goto fail;                   /* an unmatched ) */
    ps.i++;
  }
  if (all->n == 0 && !pf->any_first) goto fail;
  int firsts = pf->any_first ? PF_MIN_FIRST : 0;   /* distinct first characters */
  for (int k = 0; k < all->n && firsts < PF_MIN_FIRST; k++) {
    const lit *l = &all->v[k];
    size_t c = l->s[0] < 0x80 ? 1 : l->s[0] >= 0xF0 ? 4 : l->s[0] >= 0xE0 ? 3 : 2;
    int seen = 0;
    for (int j = 0; j < k && !seen; j++) seen = all->v[j].len >= c && memcmp(all->v[j].s, l->s, c) == 0;
    firsts += !seen;
  }
  if (firsts < PF_MIN_FIRST) goto fail;
  if (build(pf, all) != 0) goto fail;
  free(all);
  free(branch);
  return pf;
fail:
  free(all);
  free(branch);
  rr_prefilter_free(pf);
  return NULL;
}

void rr_prefilter_free(rr_prefilter *pf) {
  if (!pf) return;
  free(pf->next);
  free(pf->outlen);
  free(pf);
}

size_t rr_prefilter_next(const rr_prefilter *pf, const char *s, size_t len, size_t from) {
  const unsigned char *u = (const unsigned char *)s;
  const uint32_t *next = pf->next;
  size_t best = len, stop = len;
  uint32_t st = 0;
  for (size_t i = from; i < stop; i++) {
    if (st == 0) {                                     /* skip what cannot start a literal */
      while (i < stop && !pf->start[u[i]]) i++;
      if (i >= stop) break;
    }
    if (pf->any_first && pf->first[u[i]] && i < best) {
      best = i;
      if (best + (size_t)pf->maxlen < stop) stop = best + (size_t)pf->maxlen;
    }
    st = next[(st & ~PF_OUT) + pf->cls[u[i]]];
    if (st & PF_OUT) {
      size_t k = pf->outlen[(st & ~PF_OUT) / (uint32_t)pf->nclass];
      if (i + 1 - k < best) {
        best = i + 1 - k;                              /* no literal ending later starts before it */
        if (best + (size_t)pf->maxlen < stop) stop = best + (size_t)pf->maxlen;
      }
    }
    st &= ~PF_OUT;
  }
  return best;
}
