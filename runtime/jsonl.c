/* jsonl.c - JSON lines: one document out of each line's object (--jsonl-text), and JSON strings for the jsonl output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rr_internal.h"

#define MAX_DEPTH 512    /* of nested arrays and objects skipped over */

typedef struct cursor {
  const char *s, *end;
  const char *why;       /* set on the first error */
} cursor;

static void ws(cursor *c) {
  while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\r' || *c->s == '\n')) c->s++;
}

static int fail(cursor *c, const char *why) {
  if (!c->why) c->why = why;
  return -1;
}

static int hex4(const char *s, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char h = s[i];
    int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
    if (d < 0) return -1;
    *v = *v * 16 + (unsigned)d;
  }
  return 0;
}

static int put_cp(rr_buf *b, unsigned cp) {
  char u[4];
  size_t k;
  if (cp < 0x80) u[0] = (char)cp, k = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
  return rr_buf_add(b, u, k);
}

/* A string at c->s (at its opening quote): unescaped into out when out is
 * not NULL, else skipped.  A lone surrogate becomes U+FFFD. */
static int string(cursor *c, rr_buf *out) {
  if (c->s >= c->end || *c->s != '"') return fail(c, "a string expected");
  c->s++;
  for (;;) {
    const char *run = c->s;
    while (c->s < c->end && *c->s != '"' && *c->s != '\\' && (unsigned char)*c->s >= 0x20) c->s++;
    if (out && c->s > run && rr_buf_add(out, run, (size_t)(c->s - run))) return fail(c, "out of memory");
    if (c->s >= c->end) return fail(c, "a string that does not end");
    if (*c->s == '"') {
      c->s++;
      return 0;
    }
    if ((unsigned char)*c->s < 0x20) return fail(c, "a control character inside a string");
    if (c->end - c->s < 2) return fail(c, "a string that does not end");
    char e = c->s[1];
    c->s += 2;
    const char *plain = strchr("\"\\/bfnrt", e);
    if (e && plain) {
      static const char to[] = "\"\\/\b\f\n\r\t";
      if (out && rr_buf_add(out, &to[plain - "\"\\/bfnrt"], 1)) return fail(c, "out of memory");
      continue;
    }
    unsigned cp, lo;
    if (e != 'u' || c->end - c->s < 4 || hex4(c->s, &cp)) return fail(c, "a bad escape in a string");
    c->s += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && c->end - c->s >= 6 && c->s[0] == '\\' && c->s[1] == 'u' &&
        !hex4(c->s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      c->s += 6;
    } else if (cp >= 0xD800 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    if (out && put_cp(out, cp)) return fail(c, "out of memory");
  }
}

/* Any value at c->s, skipped; a number or literal's text is copied to out when not NULL. */
static int value(cursor *c, rr_buf *out, int depth) {
  ws(c);
  if (c->s >= c->end) return fail(c, "a value expected");
  char k = *c->s;
  if (k == '"') return string(c, NULL);
  if (k == '{' || k == '[') {
    if (depth >= MAX_DEPTH) return fail(c, "nested too deep");
    char close = k == '{' ? '}' : ']';
    c->s++;
    ws(c);
    if (c->s < c->end && *c->s == close) { c->s++; return 0; }
    for (;;) {
      if (k == '{') {
        ws(c);
        if (string(c, NULL)) return -1;
        ws(c);
        if (c->s >= c->end || *c->s++ != ':') return fail(c, "':' expected");
      }
      if (value(c, NULL, depth + 1)) return -1;
      ws(c);
      if (c->s < c->end && *c->s == ',') { c->s++; continue; }
      if (c->s < c->end && *c->s == close) { c->s++; return 0; }
      return fail(c, k == '{' ? "',' or '}' expected" : "',' or ']' expected");
    }
  }
  const char *a = c->s;
  while (c->s < c->end && strchr("+-.0123456789eEtruefalsn", *c->s) && *c->s) c->s++;
  size_t n = (size_t)(c->s - a);
  if (!n) return fail(c, "a value expected");
  if (!(n == 4 && !memcmp(a, "true", 4)) && !(n == 5 && !memcmp(a, "false", 5)) && !(n == 4 && !memcmp(a, "null", 4))) {
    char *endp, tmp[64];
    if (n >= sizeof tmp) return fail(c, "a bad number");
    memcpy(tmp, a, n);
    tmp[n] = '\0';
    strtod(tmp, &endp);
    if (*endp || !(tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9'))) return fail(c, "a bad value");
    if (out && rr_buf_add(out, a, n)) return fail(c, "out of memory");
  }
  return 0;
}

int rr_jsonl_record(const char *s, size_t n, const char *text_field, const char *name_field, char **text,
                    size_t *tlen, char **name, char *why, size_t whylen) {
  cursor c = {s, s + n, NULL};
  rr_buf key = {0}, txt = {0}, nm = {0};
  int have_text = 0, have_name = 0, rc = -1;
  *text = *name = NULL;
  *tlen = 0;
  ws(&c);
  if (c.s >= c.end || *c.s != '{') {
    fail(&c, "not a JSON object");
    goto done;
  }
  c.s++;
  ws(&c);
  if (c.s < c.end && *c.s == '}') c.s++;
  else for (;;) {
    ws(&c);
    key.len = 0;
    if (string(&c, &key) || rr_buf_add(&key, "", 1)) goto done;
    ws(&c);
    if (c.s >= c.end || *c.s++ != ':') { fail(&c, "':' expected"); goto done; }
    ws(&c);
    int is_text = !have_text && strcmp(key.s, text_field) == 0;
    int is_name = name_field && !have_name && strcmp(key.s, name_field) == 0;
    if (is_text && c.s < c.end && *c.s == '"') {
      if (string(&c, &txt)) goto done;
      have_text = 1;
    } else if (is_name && c.s < c.end && *c.s == '"') {
      if (string(&c, &nm)) goto done;
      have_name = 1;
    } else if (value(&c, is_name ? &nm : NULL, 0)) {
      goto done;
    } else if (is_name && nm.len) {
      have_name = 1;     /* a number names it too */
    }
    ws(&c);
    if (c.s < c.end && *c.s == ',') { c.s++; continue; }
    if (c.s < c.end && *c.s == '}') { c.s++; break; }
    fail(&c, "',' or '}' expected");
    goto done;
  }
  ws(&c);
  if (c.s != c.end) { fail(&c, "more after the object"); goto done; }
  if (!have_text) {
    snprintf(why, whylen, "no string field '%s'", text_field);
    goto done;
  }
  if (rr_buf_add(&txt, "", 1) || (have_name && rr_buf_add(&nm, "", 1))) { fail(&c, "out of memory"); goto done; }
  *text = txt.s;
  *tlen = txt.len - 1;
  txt.s = NULL;
  if (have_name) {
    *name = nm.s;
    nm.s = NULL;
  }
  rc = 0;
done:
  if (rc && c.why) snprintf(why, whylen, "%s at byte %zu", c.why, (size_t)(c.s - s));
  rr_buf_free(&key);
  rr_buf_free(&txt);
  rr_buf_free(&nm);
  return rc;
}

int rr_json_string(rr_buf *b, const char *s, size_t n) {
  if (rr_buf_add(b, "\"", 1)) return -1;
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    if (rr_buf_add(b, s + run, i - run)) return -1;
    char esc[8];
    const char *named = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r"
                        : ch == '\t' ? "\\t" : NULL;
    if (!named) snprintf(esc, sizeof esc, "\\u%04x", ch);
    if (rr_buf_add(b, named ? named : esc, strlen(named ? named : esc))) return -1;
    run = i + 1;
  }
  return rr_buf_add(b, s + run, n - run) || rr_buf_add(b, "\"", 1);
}
