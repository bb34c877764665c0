/* fuzz_decode.c - any bytes through decoding (BOM, UTF-16, GB18030, binary) and normalisation.
 * The first byte picks a forced encoding (or none, the common case); the
 * output must be valid UTF-8 whose line table and offset map agree with it. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rr_internal.h"

static void check(int ok) {
  if (!ok) abort();
}

static void check_text(const rr_text *t, size_t orig_len) {
  check(t->s[t->len] == '\0');
  /* lines[nlines] is one past the last line's end: len + 1, or len after a final newline */
  int final_nl = t->len && t->s[t->len - 1] == '\n';
  check((t->nlines == 0) == (t->len == 0) && (t->nlines == 0 || t->lines[0] == 0));
  check(t->lines[t->nlines] == t->len + !final_nl);
  for (size_t i = 1; i < t->nlines; i++) check(t->lines[i] > t->lines[i - 1] && t->s[t->lines[i] - 1] == '\n');
  for (size_t i = 0; i < t->len;) {   /* valid UTF-8, no controls but \t and \n */
    size_t n;
    unsigned char c = (unsigned char)t->s[i];
    check(c >= 0x20 || c == '\t' || c == '\n');
    uint32_t cp = rr_utf8_decode((const unsigned char *)t->s + i, &n);
    check(n >= 1 && i + n <= t->len && cp <= 0x10FFFF);
    i += n;
  }
  size_t prev = 0;
  for (size_t pos = 0; pos <= t->len; pos += 1 + pos / 8) {   /* the map is monotonic and in range */
    size_t o = rr_text_orig_offset(t, pos);
    check(o >= prev && o <= orig_len);
    prev = o;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const forced[] = {NULL, NULL, NULL, NULL, "GB18030", "UTF-16LE", "UTF-16BE", "UTF-8"};
  const char *enc = size ? forced[data[0] & 7] : NULL;
  rr_decoded d;
  int rc = rr_decode((const char *)data, size, enc, &d);
  if (rc == RR_DECODE_OK) check_text(&d.text, d.len);
  else if (rc == RR_DECODE_EBAD || rc == RR_DECODE_EBINARY) check(d.bad <= size);
  rr_decoded_free(&d);
  return 0;
}
