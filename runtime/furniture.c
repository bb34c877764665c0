/* furniture.c - page furniture of a document: what the PDF's pages, not the report, put in the text.
 *
 * Found once per document, in a few linear passes over the normalised text:
 *   lines (in line-structured text, lines of at most RR_LONG_LINE bytes):
 *     running headers and footers (a short line repeated on several pages),
 *     footer lines ("请务必阅读…声明", "敬请参阅…", "本报告仅供…"), page
 *     numbers ("3/25", "第3页", "- 3 -"), table-of-contents entries (a dot
 *     leader, a page number at the end), chart debris (only numbers and
 *     percentages);
 *   spans (in any line, and all there is in text whose white space was
 *     stripped, one long line): the footer phrases with a page number glued
 *     to them and the running header glued before them, "[Table_Xxx]" tags,
 *     dot leaders with their page number, runs of axis numbers and
 *     percentages.
 * The result is sorted, merged [a, b) byte ranges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "rr_internal.h"

#define REPEAT_MIN 3          /* a running header is on at least this many pages */
#define HEADER_MAX_BYTES 120  /* ... and at most this long */
#define FOOTER_REACH 90       /* bytes from a footer phrase to the end of its sentence */
#define GLUED_HEADER_MAX 90   /* a running header glued before a footer */

typedef struct spans {
  uint32_t *v;                /* 2 * n */
  size_t n, cap;
  int oom;
} spans;

static void add_span(spans *s, size_t a, size_t b) {
  if (b <= a || s->oom) return;
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    uint32_t *v = realloc(s->v, cap * 2 * sizeof *v);
    if (!v) { s->oom = 1; return; }
    s->v = v;
    s->cap = cap;
  }
  s->v[2 * s->n] = (uint32_t)a;
  s->v[2 * s->n + 1] = (uint32_t)b;
  s->n++;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static const char *find(const char *s, size_t n, const char *lit) {
  return memmem(s, n, lit, strlen(lit));
}

/* The first run of k dots in s[0..n) (memchr first: most lines have no dot
 * at all, and memmem's set-up costs more than a short line). */
static const char *find_dots(const char *s, size_t n, size_t k) {
  for (const char *p = s, *end = s + n; (p = memchr(p, '.', (size_t)(end - p)));) {
    size_t run = 1;
    while (p + run < end && p[run] == '.') run++;
    if (run >= k) return p;
    p += run;
  }
  return NULL;
}

/* ---- whole lines ---------------------------------------------------------- */

static const char *const footer_phrases[] = {
  "请务必阅读", "敬请参阅", "请参阅", "本报告仅供", "本报告版权属于", "各项声明请参见", NULL};

/* "3/25", "第3页", "第 3 页 共 25 页", "- 3 -", "Page 3" (spaces already trimmed at the ends). */
static int page_number_line(const char *s, size_t n) {
  size_t i = 0, d;
  if (rr_starts(s, n, "第")) {
    i = 3;
    while (i < n && s[i] == ' ') i++;
    for (d = 0; i < n && is_digit(s[i]); i++) d++;
    while (i < n && s[i] == ' ') i++;
    if (!d || !rr_starts(s + i, n - i, "页")) return 0;
    i += 3;
    while (i < n && s[i] == ' ') i++;
    if (i == n) return 1;
    if (!rr_starts(s + i, n - i, "共")) return 0;
    for (i += 3; i < n && (s[i] == ' ' || is_digit(s[i])); i++) {}
    return i + 3 == n && rr_starts(s + i, n - i, "页");
  }
  if (n > 2 && s[0] == '-' && s[n - 1] == '-') {
    for (i = 1, d = 0; i < n - 1; i++) {
      if (is_digit(s[i])) d++;
      else if (s[i] != ' ') return 0;
    }
    return d > 0 && d <= 4;
  }
  if (rr_starts(s, n, "Page ")) i = 5;
  for (d = 0; i < n && is_digit(s[i]); i++) d++;
  if (!d || d > 4) return 0;
  if (i == n) return i > 5 && s[0] == 'P';
  while (i < n && s[i] == ' ') i++;
  if (i < n && s[i] == '/') {
    for (i++; i < n && s[i] == ' '; i++) {}
    for (d = 0; i < n && is_digit(s[i]); i++) d++;
    return d && d <= 4 && i == n;
  }
  return 0;
}

/* A dot leader (four dots or more) and a page number, or a leader at the end. */
static int toc_line(const char *s, size_t n) {
  const char *dots = find_dots(s, n, 4);
  if (!dots) return 0;
  size_t i = n;
  while (i && (is_digit(s[i - 1]) || s[i - 1] == ' ')) i--;
  while (i && s[i - 1] == '.') i--;
  return i < n && s + i >= dots;          /* only dots, spaces and digits after the first leader */
}

/* Only numbers, percentages, signs and spaces, and several numbers: axis labels. */
static int debris_line(const char *s, size_t n) {
  int groups = 0, pct = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (is_digit(c)) { if (!i || !is_digit(s[i - 1])) groups++; continue; }
    if (c == '%') { pct++; continue; }
    if (c != '.' && c != ',' && c != '-' && c != '+' && c != ' ') return 0;
  }
  return groups >= 4 || (groups >= 3 && pct >= 2);
}

static size_t footer_end(const char *s, size_t n, size_t a, size_t plen);
static int cmp_size(const void *x, const void *y);

/* The length of the footer phrase s starts with, else 0. */
static inline size_t footer_phrase_at(const char *s, size_t n) {
  if (n < 6) return 0;
  unsigned char b0 = (unsigned char)s[0], b1 = (unsigned char)s[1];
  if (!((b0 == 0xE8 && b1 == 0xAF) || (b0 == 0xE6 && (b1 == 0x95 || b1 == 0x9C)) || (b0 == 0xE5 && b1 == 0x90)))
    return 0;                                 /* not 请 敬 本 各 (nor a character like them) */
  for (int k = 0; footer_phrases[k]; k++)
    if (rr_starts(s, n, footer_phrases[k])) return strlen(footer_phrases[k]);
  return 0;
}

/* A line of footer sentences only (a running header of up to 60 bytes may
 * stand before them, a page number after): "请务必阅读…声明。本报告仅供参考。".
 * first: where the line's first footer phrase starts (within 75 bytes).
 * A disclaimer paragraph that merely starts like one is not furniture. */
static int footer_line(const char *s, size_t n, size_t first) {
  if (n > 300) return 0;
  for (size_t i = 0; i < first; i++)   /* a header has no sentence: "风险提示:…;…。请务必阅读…" is text */
    if (s[i] == ';' || s[i] == ':' || s[i] == ',' || rr_starts(s + i, first - i, "。") || rr_starts(s + i, first - i, "、"))
      return 0;
  for (size_t i = first; i < n;) {
    size_t plen = footer_phrase_at(s + i, n - i);
    if (!plen) return 0;
    i = footer_end(s, n, i, plen);
    while (i < n && (s[i] == ' ' || s[i] == '/' || is_digit(s[i]))) i++;
  }
  return 1;
}

/* The next place at or after i (before end) where a footer phrase starts,
 * and its length in *plen; end when none.  One pass for all phrases: SSE2
 * finds their first characters 请 敬 本 各 16 positions at a time (no
 * phrase starts with another, so one position has at most one phrase). */
static size_t next_phrase(const char *s, size_t i, size_t end, size_t *plen) {
  while (i < end) {
#ifdef __SSE2__
#define B(x) _mm_set1_epi8((char)(x))
#define EQ3(a, b, c) _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(v0, B(a)), _mm_cmpeq_epi8(v1, B(b))), _mm_cmpeq_epi8(v2, B(c)))
    while (i + 18 <= end) {                 /* 请 E8 AF B7, 敬 E6 95 AC, 本 E6 9C AC, 各 E5 90 84 */
      __m128i v0 = _mm_loadu_si128((const __m128i *)(s + i)), v1 = _mm_loadu_si128((const __m128i *)(s + i + 1)),
              v2 = _mm_loadu_si128((const __m128i *)(s + i + 2));
      __m128i hit = _mm_or_si128(_mm_or_si128(EQ3(0xE8, 0xAF, 0xB7), EQ3(0xE6, 0x95, 0xAC)),
                                 _mm_or_si128(EQ3(0xE6, 0x9C, 0xAC), EQ3(0xE5, 0x90, 0x84)));
      int m = _mm_movemask_epi8(hit);
      if (m) { i += (size_t)__builtin_ctz((unsigned)m); break; }
      i += 16;
    }
#undef EQ3
#undef B
#endif
    unsigned char c = (unsigned char)s[i];
    if (c == 0xE5 || c == 0xE6 || c == 0xE8) {
      size_t k = footer_phrase_at(s + i, end - i);
      if (k) { *plen = k; return i; }
    }
    i++;
  }
  return end;
}

/* Where footer phrases start in the text, in order (one pass rather than a
 * search on every line).  NULL with *n = 0 when there are none; *oom on a
 * failed allocation. */
static size_t *phrase_starts(const rr_text *t, size_t *n, int *oom) {
  size_t *v = NULL, cap = 0, plen;
  *n = 0;
  for (size_t p = 0; (p = next_phrase(t->s, p, t->len, &plen)) < t->len; p++) {   /* 敬请参阅 holds 请参阅 */
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      size_t *w = realloc(v, cap * sizeof *w);
      if (!w) { free(v); *n = 0; *oom = 1; return NULL; }
      v = w;
    }
    v[(*n)++] = p;
  }
  return v;
}

/* A line's hash, 8 bytes at a time (the groups are told apart by memcmp:
 * the hash only spreads them over the table). */
static uint64_t line_hash(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
  }
  if (i < n) {
    w = 0;
    memcpy(&w, s + i, n - i);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
  }
  return h;
}

/* Candidates for a running header: short lines that are not list items or table rows. */
static int header_candidate(const char *s, size_t n) {
  if (n < 6 || n > HEADER_MAX_BYTES || memchr(s, '\t', n)) return 0;
  if (s[0] == '-' || s[0] == '*' || s[0] == '|' || rr_starts(s, n, "•")) return 0;
  char c = s[n - 1];                       /* a sentence is text, not a header */
  return !(c == ';' || c == '!' || c == '?' || c == ',' || (n >= 3 && memcmp(s + n - 3, "。", 3) == 0));
}

/* A candidate line for a running header, and the group of equal lines it
 * belongs to (the first candidate with its text). */
typedef struct line_key { uint32_t a, b, line, group; } line_key;
typedef struct line_group { uint32_t first, apart, last_line; } line_group;

/* Running headers: candidates grouped by their text through an open-address
 * table of hashes (no sort); a group repeated on REPEAT_MIN pages or more,
 * apart (not a run of equal lines), is furniture. */
static void running_headers(const rr_text *t, line_key *keys, size_t nkeys, spans *out) {
  size_t cap = 16;
  while (cap < 2 * nkeys) cap *= 2;
  uint32_t *slot = calloc(cap, sizeof *slot);           /* group index + 1, 0 when empty */
  uint64_t *slot_hash = malloc(cap * sizeof *slot_hash);
  line_group *groups = malloc((nkeys ? nkeys : 1) * sizeof *groups);
  if (!slot || !slot_hash || !groups) { out->oom = 1; goto done; }
  uint32_t ngroups = 0;
  for (size_t k = 0; k < nkeys; k++) {
    const char *s = t->s + keys[k].a;
    size_t n = keys[k].b - keys[k].a;
    uint64_t h = line_hash(s, n);
    size_t i = (size_t)h & (cap - 1);
    for (;; i = (i + 1) & (cap - 1)) {
      if (!slot[i]) {
        groups[ngroups] = (line_group){(uint32_t)k, 1, keys[k].line};
        slot[i] = ++ngroups;
        slot_hash[i] = h;
        keys[k].group = ngroups - 1;
        break;
      }
      line_group *g = &groups[slot[i] - 1];
      const line_key *f = &keys[g->first];
      if (slot_hash[i] == h && f->b - f->a == n && memcmp(t->s + f->a, s, n) == 0) {
        g->apart += keys[k].line > g->last_line + 2;
        g->last_line = keys[k].line;
        keys[k].group = slot[i] - 1;
        break;
      }
    }
  }
  for (size_t k = 0; k < nkeys; k++)
    if (groups[keys[k].group].apart >= REPEAT_MIN) add_span(out, keys[k].a, keys[k].b);
done:
  free(slot);
  free(slot_hash);
  free(groups);
}

/* phrase: where footer phrases start (phrase_starts), nphrases of them. */
static void line_furniture(const rr_text *t, const size_t *phrase, size_t nphrases, spans *out) {
  line_key *keys = NULL;
  size_t nkeys = 0, upcoming = 0;
  if (t->nlines) keys = malloc(t->nlines * sizeof *keys);
  for (size_t i = 0; i < t->nlines; i++) {
    size_t a = t->lines[i], b = t->lines[i + 1] - 1;
    if (b > t->len) b = t->len;
    if (b - a > RR_LONG_LINE) continue;
    while (a < b && is_space(t->s[a])) a++;
    while (b > a && is_space(t->s[b - 1])) b--;
    if (a == b) continue;
    const char *s = t->s + a;
    size_t n = b - a;
    while (upcoming < nphrases && phrase[upcoming] < a) upcoming++;
    int footer = upcoming < nphrases && phrase[upcoming] < a + (n < 60 + 15 ? n : 60 + 15) &&
                 footer_line(s, n, phrase[upcoming] - a);
    if (footer || page_number_line(s, n) || toc_line(s, n) || debris_line(s, n)) {
      add_span(out, a, b);
    } else if (keys && header_candidate(s, n)) {
      line_key k = {(uint32_t)a, (uint32_t)b, (uint32_t)i, 0};
      keys[nkeys++] = k;
    }
  }
  if (keys) running_headers(t, keys, nkeys, out);
  free(keys);
}

/* ---- spans inside lines ---------------------------------------------------- */

typedef struct footer_hit { size_t a, b; } footer_hit;

/* The end of the footer sentence that starts at a: its 声明 / 说明 / 条款 (with
 * 及说明, 。 after it), else its 。, within FOOTER_REACH bytes. */
static size_t footer_end(const char *s, size_t n, size_t a, size_t plen) {
  a += plen;                                    /* "各项声明请参见…": not the phrase's own 声明 */
  size_t lim = a + FOOTER_REACH < n ? a + FOOTER_REACH : n, best = 0;
  static const char *const ends[] = {"声明", "说明", "条款", "尾页", NULL};
  for (int k = 0; ends[k]; k++) {
    const char *p = find(s + a, lim - a, ends[k]);
    if (p && (!best || (size_t)(p - s) + 6 < best)) best = (size_t)(p - s) + 6;
  }
  if (!best) {
    const char *p = find(s + a, lim - a, "。");
    best = p ? (size_t)(p - s) : a;
  }
  for (;;) {
    if (rr_starts(s + best, n - best, "及说明") || rr_starts(s + best, n - best, "和说明")) best += 9;
    else if (rr_starts(s + best, n - best, "。")) best += 3;
    else break;
  }
  return best > n ? n : best;
}

/* A page number glued after a footer: "/total" may follow; when the page
 * before was p, the digits of p + 1 are taken ("声明。8201" is page 8 before
 * 2019...), else up to 3 digits, one left to a numbering ("275.风险提示"). */
static size_t glued_page(const char *s, size_t n, size_t b, long *page) {
  size_t i = b;
  while (i < n && i - b < 4 && is_digit(s[i])) i++;
  if (i == b) return b;
  if (*page > 0) {
    char want[24];
    int k = snprintf(want, sizeof want, "%ld", *page + 1);
    if (k > 0 && (size_t)k <= i - b && memcmp(s + b, want, (size_t)k) == 0) {
      *page += 1;
      i = b + (size_t)k;
      if (i < n && s[i] == '/') while (i + 1 < n && is_digit(s[i + 1])) i++;
      return i;
    }
  }
  if (i < n && s[i] == '/') {
    size_t j = i + 1;
    while (j < n && j - i <= 4 && is_digit(s[j])) j++;
    if (j > i + 1) { *page = strtol(s + b, NULL, 10); return j; }
  }
  if (i - b == 4) i--;
  if (i < n && (s[i] == '.' || s[i] == ')' || rr_starts(s + i, n - i, "、"))) i = i - b >= 2 ? i - 1 : b;
  *page = i > b ? strtol(s + b, NULL, 10) : 0;
  return i;
}

/* Bytes that the text before two footers has in common (a running header glued before them). */
static size_t common_before(const char *s, size_t a1, size_t a2) {
  size_t k = 0;
  while (k < GLUED_HEADER_MAX && k < a1 && k < a2 && s[a1 - 1 - k] == s[a2 - 1 - k] && s[a1 - 1 - k] != '\n') k++;
  for (;;) {
    while (k && ((unsigned char)s[a1 - k] & 0xC0) == 0x80) k--;   /* whole characters */
    if (k && strchr(";,.:!?)", s[a1 - k])) { k--; continue; }    /* the sentence before it ended */
    if (k >= 3 && (memcmp(s + a1 - k, "。", 3) == 0 || memcmp(s + a1 - k, "、", 3) == 0)) { k -= 3; continue; }
    return k;
  }
}

/* Before a footer: a page number glued to it ("…生物医药10本报告版权…"). */
static size_t skip_page_back(const char *s, size_t a) {
  size_t i = a;
  while (i && a - i < 4 && is_digit(s[i - 1])) i--;
  return i;
}

static int cmp_size(const void *x, const void *y) {
  size_t p = *(const size_t *)x, q = *(const size_t *)y;
  return p < q ? -1 : p > q;
}

static void footer_spans(const rr_text *t, const size_t *phrase, size_t nphrases, spans *out) {
  const char *s = t->s;
  size_t n = t->len;
  footer_hit *hits = NULL;
  size_t nh = 0, cap = 0, k = 0;
  for (size_t line = 0; line < t->nlines && k < nphrases; line++) {   /* line text has footer lines instead */
    size_t la = t->lines[line], lb = t->lines[line + 1] - 1;
    if (lb > n) lb = n;
    if (lb - la <= RR_LONG_LINE) continue;
    while (k < nphrases && phrase[k] < la) k++;
    for (; k < nphrases && phrase[k] < lb; k++) {
      size_t p = phrase[k], plen = footer_phrase_at(s + p, lb - p);   /* no phrase holds a line break */
      if (!plen) continue;
      if (nh == cap) {
        cap = cap ? 2 * cap : 32;
        footer_hit *h = realloc(hits, cap * sizeof *h);
        if (!h) { out->oom = 1; free(hits); return; }
        hits = h;
      }
      hits[nh].a = p;
      hits[nh].b = footer_end(s, n, p, plen);
      nh++;
    }
  }
  size_t w = 0;                                  /* drop hits inside the one before */
  for (size_t i = 0; i < nh; i++) {
    if (w && hits[i].a < hits[w - 1].b) {
      if (hits[i].b > hits[w - 1].b) hits[w - 1].b = hits[i].b;
      continue;
    }
    hits[w++] = hits[i];
  }
  nh = w;
  long page = 0;
  for (size_t i = 0; i < nh; i++) {
    if (i && hits[i].a > hits[i - 1].b + 4000) page = 0;
    hits[i].b = glued_page(s, n, hits[i].b, &page);
  }
  /* the running header glued before the footers: the longest length that
   * most neighbouring footers (3 in 5, two at least) have in common before them */
  size_t *common = nh > 1 ? malloc((nh - 1) * sizeof *common) : NULL, head = 0;
  if (common) {
    for (size_t i = 0; i + 1 < nh; i++)
      common[i] = common_before(s, skip_page_back(s, hits[i].a), skip_page_back(s, hits[i + 1].a));
    qsort(common, nh - 1, sizeof *common, cmp_size);
    size_t m = (3 * (nh - 1) + 4) / 5;
    if (m < 2) m = 2;
    if (m <= nh - 1) head = common[nh - 1 - m];         /* the m-th largest */
    if (head < 6) head = 0;                             /* two characters at least */
    free(common);
  }
  const char *ref = NULL;
  for (size_t i = 0; i < nh; i++) {
    size_t a = hits[i].a, pa = skip_page_back(s, a), h = 0;
    if (head && pa >= head) {
      if (!ref) {
        for (size_t j = 0; j < nh && !ref; j++) {
          size_t pj = skip_page_back(s, hits[j].a);
          size_t c = pj >= head ? common_before(s, pj, j + 1 < nh ? skip_page_back(s, hits[j + 1].a) : 0) : 0;
          if (c >= head) ref = s + pj - head;
        }
      }
      if (ref && memcmp(s + pa - head, ref, head) == 0) h = head;
    }
    add_span(out, pa - h, hits[i].b);
  }
  free(hits);
}

/* "[Table_Xxx]" (any case) and bare "Table_Xxx" of stripped extractions. */
static void tag_spans(const rr_text *t, spans *out) {
  const char *s = t->s;
  size_t n = t->len;
  for (const char *p = s; (p = memchr(p, '_', (size_t)(s + n - p))); p++) {
    size_t u = (size_t)(p - s);
    if (u < 5 || (memcmp(p - 5, "Table", 5) != 0 && memcmp(p - 5, "table", 5) != 0)) continue;
    size_t a = u - 5, b = u + 1;
    while (b < n && b - u < 40 && ((s[b] >= 'A' && s[b] <= 'Z') || (s[b] >= 'a' && s[b] <= 'z') ||
                                   s[b] == '_'))
      b++;
    if (a > 0 && s[a - 1] == '[' && b < n && s[b] == ']') a--, b++;
    add_span(out, a, b);
    p = s + b - 1;
  }
}

/* Dot leaders (six dots or more: "……" is normalised to "......") and the page number after them. */
static void leader_spans(const rr_text *t, spans *out) {
  const char *s = t->s;
  size_t n = t->len;
  for (const char *p = s; (p = find_dots(p, (size_t)(s + n - p), 6));) {
    size_t a = (size_t)(p - s), b = a;
    while (b < n && (s[b] == '.' || s[b] == ' ')) b++;
    size_t d = b;
    while (d < n && d - b < 3 && is_digit(s[d])) d++;
    add_span(out, a, d);
    p = s + (d > b ? d : b);
  }
}

/* The first byte at or after i that may start a run of debris (a digit,
 * - or +), else n.  SSE2 tests 16 bytes at once for '+' .. '9' (a few
 * false hits, checked byte by byte); no byte of a multi-byte character is in
 * that range, so the skip need not follow character starts. */
static size_t skip_to_run(const char *s, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i lo = _mm_set1_epi8('+' - 1), hi = _mm_set1_epi8('9' + 1);
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
    int m = _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi)));
    if (!m) { i += 16; continue; }
    i += (size_t)__builtin_ctz((unsigned)m);
    if (is_digit(s[i]) || s[i] == '-' || s[i] == '+') return i;
    i++;
  }
#endif
  while (i < n && !(is_digit(s[i]) || s[i] == '-' || s[i] == '+')) i++;
  return i;
}

/* Runs of numbers and percentages glued together (axis labels, table rows of
 * stripped text): 12 bytes or more of digits . , % + - /, with 4 numbers or 3 percentages. */
static void debris_spans(const rr_text *t, spans *out) {
  const char *s = t->s;
  size_t n = t->len;
  for (size_t i = 0; i < n;) {
    if (!is_digit(s[i]) && s[i] != '-' && s[i] != '+') {
      i = skip_to_run(s, i + 1, n);
      continue;
    }
    size_t a = i;
    int groups = 0, pct = 0;
    for (; i < n; i++) {
      char c = s[i];
      if (is_digit(c)) { if (i == a || !is_digit(s[i - 1])) groups++; }
      else if (c == '%') pct++;
      else if (c != '.' && c != ',' && c != '-' && c != '+' && c != '/') break;
    }
    size_t b = i;
    while (b > a && (s[b - 1] == '.' || s[b - 1] == ',' || s[b - 1] == '-')) b--;
    /* cppcheck-suppress knownConditionTrueFalse ; b - a grows with the run: cppcheck 2.10 loses it */
    if (b - a >= 12 && (groups >= 5 || pct >= 3)) add_span(out, a, b);
  }
}

static int cmp_span(const void *x, const void *y) {
  const uint32_t *p = x, *q = y;
  if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;
  return p[1] < q[1] ? -1 : p[1] > q[1];
}

int rr_furniture_find(const rr_text *t, rr_furniture *f) {
  spans out = {0};
  memset(f, 0, sizeof *f);
  if (t->len > UINT32_MAX - 1) return 0;        /* offsets are 32-bit (as the line index) */
  size_t nphrases = 0, *phrase = phrase_starts(t, &nphrases, &out.oom);   /* for both */
  line_furniture(t, phrase, nphrases, &out);
  footer_spans(t, phrase, nphrases, &out);
  free(phrase);
  tag_spans(t, &out);
  leader_spans(t, &out);
  debris_spans(t, &out);
  if (out.oom) { free(out.v); return -1; }
  if (out.n > 1) qsort(out.v, out.n, 2 * sizeof *out.v, cmp_span);
  size_t w = 0;
  for (size_t r = 0; r < out.n; r++) {            /* merge overlapping and touching spans */
    if (w && out.v[2 * r] <= out.v[2 * w - 1]) {
      if (out.v[2 * r + 1] > out.v[2 * w - 1]) out.v[2 * w - 1] = out.v[2 * r + 1];
      continue;
    }
    out.v[2 * w] = out.v[2 * r];
    out.v[2 * w + 1] = out.v[2 * r + 1];
    w++;
  }
  f->span = out.v;
  f->n = w;
  return 0;
}

void rr_furniture_free(rr_furniture *f) {
  free(f->span);
  f->span = NULL;
  f->n = 0;
}

size_t rr_furniture_next(const rr_furniture *f, size_t pos) {
  size_t lo = 0, hi = f->n;                       /* the first span whose end is after pos */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (f->span[2 * mid + 1] <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

int rr_furniture_has(const rr_furniture *f, size_t pos) {
  size_t k = rr_furniture_next(f, pos);
  return k < f->n && f->span[2 * k] <= pos;
}
