/* normalize.c - UTF-8 validation and one-pass normalisation of report text, with an offset map.
 *
 * What the pass does (docs/RULES.md, "What rules see"):
 *   CRLF, CR, FF, VT -> LF; other control characters dropped;
 *   compatibility characters folded as NFKC folds them one code point at a
 *   time (full-width ASCII, Kangxi radicals, CJK compatibility ideographs ...),
 *   except circled numbers (kept: they number list items);
 *   ideographic and other wide spaces -> space; soft hyphen, zero-width
 *   characters -> removed; private-use and dingbat bullets -> U+2022 "•";
 *   runs of spaces -> one space, none at either end of a line, none next to a
 *   tab, and none between two CJK characters (a PDF extraction artefact).
 * Whether a character is CJK is decided on the original code point, so that
 * "，" still counts as CJK after it became ",".
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "rr_internal.h"

/* ---- the fold table ----------------------------------------------------- */

enum { F_KEEP = 0, F_DROP, F_SPACE, F_BULLET, F_POOL };  /* >= F_POOL: pool entry */

#define FOLD_LIMIT 0x30000u          /* nothing above folds under NFKC except tags */
#define FOLD_MAXLEN 64               /* longest folded form, in bytes */
static const uint16_t fold_zero_page[256];
static const uint16_t *fold_pages[FOLD_LIMIT >> 8];
static char *fold_pool;              /* folded forms, back to back */
static uint32_t *fold_off;           /* entry k: fold_pool[fold_off[k] .. fold_off[k + 1]) */
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static int fold_failed;

static int special_action(uint32_t cp) {
  if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF) return F_DROP;
  if ((cp >= 0x80 && cp <= 0x9F)) return F_DROP;                       /* C1 controls */
  if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
      cp == 0x205F || cp == 0x3000)
    return F_SPACE;
  if ((cp >= 0xE000 && cp <= 0xF8FF) ||                                 /* private use (Wingdings) */
      cp == 0x2022 || cp == 0x2023 || cp == 0x2043 || cp == 0x2219 ||
      (cp >= 0x25A0 && cp <= 0x25FF) ||                                 /* ■ □ ▶ ● ◆ ... */
      cp == 0x2605 || cp == 0x2606 || cp == 0x26AA || cp == 0x26AB ||   /* ★ ☆ ⚪ ⚫ */
      cp == 0x2713 || cp == 0x2714 || cp == 0x2726 || cp == 0x2727 || cp == 0x2756 ||
      (cp >= 0x2794 && cp <= 0x27BF))                                   /* ➔ ➢ ➤ ... */
    return F_BULLET;
  if (cp >= 0x2460 && cp <= 0x24FF) return F_KEEP;                     /* ① ⑴ ⒈ ... */
  return -1;
}

static size_t utf8_encode(uint32_t cp, char *o) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Builds the table once per process from utf8proc's data. */
static void fold_build(void) {
  rr_buf pool = {0};
  uint32_t *off = NULL;
  size_t noff = 0, capoff = 0;
  static uint16_t *pages[FOLD_LIMIT >> 8];
  for (uint32_t cp = 0x80; cp < FOLD_LIMIT; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    int act = special_action(cp);
    char form[FOLD_MAXLEN];
    size_t flen = 0;
    if (act < 0) {
      utf8proc_int32_t buf[32];
      utf8proc_ssize_t k = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, 32, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, NULL);
      if (k <= 0 || k > 32) continue;
      k = utf8proc_normalize_utf32(buf, k, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
      if (k <= 0 || (k == 1 && (uint32_t)buf[0] == cp)) continue;
      for (utf8proc_ssize_t j = 0; j < k && flen + 4 <= FOLD_MAXLEN; j++)
        flen += utf8_encode((uint32_t)buf[j], form + flen);
      if (noff + 2 > capoff) {
        capoff = capoff ? capoff * 2 : 1024;
        uint32_t *p = realloc(off, capoff * sizeof *off);
        if (!p) goto fail;
        off = p;
      }
      if (noff == 0) off[noff++] = 0;
      if (rr_buf_add(&pool, form, flen)) goto fail;
      off[noff++] = (uint32_t)pool.len;
      act = F_POOL + (int)(noff - 2);
      if (act > 0xFFFF) goto fail;
    }
    if (act == F_KEEP) continue;
    uint16_t **page = &pages[cp >> 8];
    if (!*page && !(*page = calloc(256, sizeof **page))) goto fail;
    (*page)[cp & 0xFF] = (uint16_t)act;
  }
  for (size_t p = 0; p < (FOLD_LIMIT >> 8); p++) fold_pages[p] = pages[p] ? pages[p] : fold_zero_page;
  fold_pool = pool.s;
  fold_off = off;
  return;
fail:
  fold_failed = 1;
}

static inline int fold_action(uint32_t cp) {
  return cp < FOLD_LIMIT ? fold_pages[cp >> 8][cp & 0xFF] : F_KEEP;
}

/* CJK for the purpose of "no space between two CJK characters". */
static inline int is_cjk(uint32_t cp) {
  if (cp < 0x2014) return 0;
  if (cp >= 0x4E00) {
    return cp <= 0x9FFF || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) ||
           /* full-width punctuation is CJK; full-width letters and digits are not */
           (cp >= 0xFF00 && cp <= 0xFFEF && !(cp >= 0xFF10 && cp <= 0xFF19) &&
            !(cp >= 0xFF21 && cp <= 0xFF3A) && !(cp >= 0xFF41 && cp <= 0xFF5A)) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
  }
  return cp == 0x2014 || cp == 0x2015 || (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2026 ||
         (cp >= 0x2E80 && cp <= 0x2FDF) || (cp >= 0x3000 && cp <= 0x4DBF);
}

/* ---- UTF-8 ------------------------------------------------------------- */

/* Length of the valid sequence at s (0 if invalid), its code point in *cp. */
static inline size_t utf8_valid(const unsigned char *s, size_t avail, uint32_t *cp) {
  unsigned c = s[0];
  if (c < 0xC2) return 0;
  if (c < 0xE0) {
    if (avail < 2 || (s[1] & 0xC0) != 0x80) return 0;
    *cp = ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    return 2;
  }
  if (c < 0xF0) {
    if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    uint32_t v = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return 3;
  }
  if (c < 0xF5) {
    if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
      return 0;
    uint32_t v = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
    if (v < 0x10000 || v > 0x10FFFF) return 0;
    *cp = v;
    return 4;
  }
  return 0;
}

/* Hot (every long Lua string a regex searches is checked once): ASCII
 * eight bytes at a time, and the 3-byte sequences of CJK text whose lead
 * byte needs no range check of its own (E1..EC, EE..EF) without decoding. */
size_t rr_utf8_valid_prefix(const char *s_, size_t n) {
  const unsigned char *s = (const unsigned char *)s_;
  size_t i = 0;
  uint32_t cp;
  while (i < n) {
    if (n - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (!(w & 0x8080808080808080ull)) { i += 8; continue; }
    }
    unsigned c = s[i];
    if (c < 0x80) { i++; continue; }
    if (c >= 0xE1 && c != 0xED && c <= 0xEF && n - i >= 3 && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80) {
      i += 3;
      continue;
    }
    size_t len = utf8_valid(s + i, n - i, &cp);
    if (!len) break;
    i += len;
  }
  return i;
}

uint32_t rr_utf8_decode(const unsigned char *s, size_t *len) {
  unsigned c = s[0];
  if (c < 0x80) { *len = 1; return c; }
  if (c < 0xE0) { *len = 2; return ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu); }
  if (c < 0xF0) { *len = 3; return ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu); }
  *len = 4;
  return ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

/* ---- the pass ------------------------------------------------------------ */

typedef struct u32vec { uint32_t *v; size_t n, cap; } u32vec;

static int u32_grow(u32vec *a) {
  size_t cap = a->cap ? a->cap * 2 : 64;
  uint32_t *v = realloc(a->v, cap * sizeof *v);
  if (!v) return -1;
  a->v = v;
  a->cap = cap;
  return 0;
}

static inline int u32_push(u32vec *a, uint32_t x) {
  if (a->n == a->cap && u32_grow(a)) return -1;
  a->v[a->n++] = x;
  return 0;
}

enum { K_START, K_TAB, K_CJK, K_OTHER };   /* what was last written on the line */

/* The pass's state: the output so far, the offset map, the last checkpoint,
 * and the space pending since the last thing written.  Only inline functions
 * take its address, so the compiler keeps its fields in registers; the
 * vectors, which u32_grow takes, live outside it. */
typedef struct norm {
  char *out;
  size_t o, cap;
  u32vec *map;
  size_t cp_in, cp_out;     /* last checkpoint */
  int prev;                 /* kind of the last thing written on this line */
  int pend;                 /* spaces seen since then */
  size_t pend_in;           /* where the first of them was */
} norm;

/* Records a checkpoint when input position pos no longer lines up with the
 * output position; -1 when out of memory. */
static inline int checkpoint(norm *s, size_t pos) {
  if (pos - s->cp_in == s->o - s->cp_out) return 0;
  if (u32_push(s->map, (uint32_t)s->o) || u32_push(s->map, (uint32_t)pos)) return -1;
  s->cp_in = pos;
  s->cp_out = s->o;
  return 0;
}

/* Writes the pending space if the character that follows (of kind k) wants
 * it; -1 when out of memory. */
static inline int flush_space(norm *s, int k) {
  if (!s->pend) return 0;
  s->pend = 0;
  if ((s->prev == K_OTHER || s->prev == K_CJK) && !(s->prev == K_CJK && k == K_CJK)) {
    if (checkpoint(s, s->pend_in)) return -1;
    s->out[s->o++] = ' ';
  }
  return 0;
}

/* A space (or a character that becomes one) at input position i. */
static inline void pend_space(norm *s, size_t i) {
  if (!s->pend) { s->pend = 1; s->pend_in = i; }
}

/* Copies in[i, i + len) as it is, after the pending space, as a thing of kind
 * k.  Always inlined: called from three places, the compiler would otherwise
 * make it a call, and the state would leave registers (10% more instructions here). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int copy_run(norm *s, const unsigned char *in, size_t i, size_t len, int k) {
  if (flush_space(s, k) || checkpoint(s, i)) return -1;
  memcpy(s->out + s->o, in + i, len);
  s->o += len;
  s->prev = k;
  return 0;
}

int rr_normalize(const char *in_, size_t n, rr_text *t, size_t *bad) {
  const unsigned char *in = (const unsigned char *)in_;
  memset(t, 0, sizeof *t);
  if (n >= UINT32_MAX - FOLD_MAXLEN) return RR_NORM_ETOOBIG;
  pthread_once(&fold_once, fold_build);
  if (fold_failed) return RR_NORM_ENOMEM;

  u32vec map = {0}, lines = {0};
  norm s = { .cap = n + FOLD_MAXLEN, .map = &map, .prev = K_START };
  s.out = malloc(s.cap + 1);
  if (!s.out) return RR_NORM_ENOMEM;
  size_t i = 0;
  if (n >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) i = 3;
  s.cp_in = i;
  if (u32_push(&map, 0) || u32_push(&map, (uint32_t)i) || u32_push(&lines, 0)) goto nomem;

  while (i < n) {
    unsigned c = in[i];
    if (c < 0x80) {
      if (c > 0x20 && c < 0x7F) {          /* a run of printable ASCII */
        size_t j = i + 1;
        while (j < n && in[j] > 0x20 && in[j] < 0x7F) j++;
        if (copy_run(&s, in, i, j - i, K_OTHER)) goto nomem;
        i = j;
      } else if (c == ' ') {
        pend_space(&s, i);
        i++;
      } else if (c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        s.pend = 0;
        if (checkpoint(&s, i)) goto nomem;
        s.out[s.o++] = '\n';
        if (u32_push(&lines, (uint32_t)s.o)) goto nomem;
        s.prev = K_START;
        i += (c == '\r' && i + 1 < n && in[i + 1] == '\n') ? 2 : 1;
      } else if (c == '\t') {
        s.pend = 0;
        if (checkpoint(&s, i)) goto nomem;
        s.out[s.o++] = '\t';
        s.prev = K_TAB;
        i++;
      } else {
        i++;                                /* other control characters */
      }
      continue;
    }
    if (c >= 0xE4 && c <= 0xE9) {          /* a run of CJK ideographs U+4E00..U+9FFF: kept as they are */
      size_t j = i;
      while (j + 2 < n && in[j] >= 0xE4 && in[j] <= 0xE9 && (in[j] != 0xE4 || in[j + 1] >= 0xB8) &&
             (in[j + 1] & 0xC0) == 0x80 && (in[j + 2] & 0xC0) == 0x80)
        j += 3;
      if (j > i) {
        if (copy_run(&s, in, i, j - i, K_CJK)) goto nomem;
        i = j;
        continue;
      }
    }
    uint32_t cp;
    size_t len = utf8_valid(in + i, n - i, &cp);
    if (!len) {
      if (bad) *bad = i;
      free(s.out); free(map.v); free(lines.v);
      return RR_NORM_EUTF8;
    }
    int act = fold_action(cp);
    if (act == F_DROP) { i += len; continue; }
    if (act == F_SPACE) {
      pend_space(&s, i);
      i += len;
      continue;
    }
    int kind = is_cjk(cp) ? K_CJK : K_OTHER;
    if (act == F_KEEP) {
      if (copy_run(&s, in, i, len, kind)) goto nomem;
      i += len;
      continue;
    }
    if (flush_space(&s, kind) || checkpoint(&s, i)) goto nomem;
    if (act == F_BULLET) {
      memcpy(s.out + s.o, "\xE2\x80\xA2", 3);   /* every bullet takes >= 3 bytes in */
      s.o += 3;
    } else {
      uint32_t a = fold_off[act - F_POOL], b = fold_off[act - F_POOL + 1];
      if (s.o + (b - a) + (n - i) + FOLD_MAXLEN > s.cap) {   /* keep out <= room for the rest */
        size_t ncap = s.cap + (s.cap >> 1) + (b - a) + FOLD_MAXLEN;
        char *p = realloc(s.out, ncap + 1);
        if (!p) goto nomem;
        s.out = p;
        s.cap = ncap;
      }
      memcpy(s.out + s.o, fold_pool + a, b - a);
      s.o += b - a;
    }
    i += len;
    s.prev = kind;
  }
  if (checkpoint(&s, n)) goto nomem;    /* the end lines up with the end: offsets never pass it */
  size_t o = s.o;
  s.out[o] = '\0';
  /* a final newline ends the last line rather than starting an empty one */
  if (o == 0) lines.n = 0;
  else if (s.out[o - 1] == '\n') lines.n--;
  if (u32_push(&lines, (uint32_t)(o && s.out[o - 1] == '\n' ? o : o + 1))) goto nomem;
  t->s = s.out;
  t->len = o;
  t->map = map.v;
  t->nmap = map.n / 2;
  t->lines = lines.v;
  t->nlines = lines.n - 1;
  return RR_NORM_OK;
nomem:
  free(s.out); free(map.v); free(lines.v);
  return RR_NORM_ENOMEM;
}

size_t rr_text_orig_offset(const rr_text *t, size_t pos) {
  size_t lo = 0, hi = t->nmap;          /* last checkpoint with norm offset <= pos */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (t->map[2 * mid] <= pos) lo = mid; else hi = mid;
  }
  if (!t->nmap) return pos;
  size_t o = t->map[2 * lo + 1] + (pos - t->map[2 * lo]);
  /* inside a character that grew when folded ("㈰" -> "(日)") the two no
   * longer advance together: stop at the next checkpoint, so offsets stay
   * in order */
  if (lo + 1 < t->nmap && o > t->map[2 * lo + 3]) o = t->map[2 * lo + 3];
  return o;
}

void rr_text_free(rr_text *t) {
  free(t->s);
  free(t->map);
  free(t->lines);
  memset(t, 0, sizeof *t);
}
