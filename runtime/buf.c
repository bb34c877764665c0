/* buf.c - the growable byte buffer every part of the runtime writes into. */
#include <stdlib.h>
#include <string.h>

#include "rr_internal.h"

int rr_buf_reserve(rr_buf *b, size_t extra) {
  if (b->cap - b->len > extra) return 0;          /* keeps room for a NUL */
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len <= extra) {
    if (cap > SIZE_MAX / 2) return -1;
    cap *= 2;
  }
  char *s = realloc(b->s, cap);
  if (!s) return -1;
  b->s = s;
  b->cap = cap;
  return 0;
}

int rr_buf_add(rr_buf *b, const void *p, size_t n) {
  if (rr_buf_reserve(b, n)) return -1;
  memcpy(b->s + b->len, p, n);
  b->len += n;
  return 0;
}

void rr_buf_free(rr_buf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}
