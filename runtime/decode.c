/* decode.c - a file's bytes -> normalised text: byte-order marks, UTF-16, GB18030 through iconv, binary files.
 *
 * The order of the guesses (docs/DECISIONS.md, "Encodings"):
 *   --encoding NAME          that encoding and nothing else;
 *   a UTF-8 BOM              UTF-8 (the BOM is dropped);
 *   a UTF-16 LE or BE BOM    UTF-16 of that byte order;
 *   a NUL byte               binary: skipped (images, UTF-16 without a BOM; PDFs are read before, pdf.c);
 *   valid UTF-8              UTF-8, read in place (the common case costs nothing more);
 *   valid GB18030            GB18030, a superset of GBK and GB2312 (Chinese Windows),
 *                            unless the bytes before the first bad one hold
 *                            UTF-8 characters (then it is damaged UTF-8);
 *   anything else            reported with the offset of the first bad byte, skipped.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rr_internal.h"

int rr_encoding_is_utf8(const char *name) {
  return strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0;
}

int rr_encoding_known(const char *name) {
  if (rr_encoding_is_utf8(name)) return 1;
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) return 0;
  iconv_close(cd);
  return 1;
}

/* in[0..n) from encoding `from` into a new UTF-8 buffer (*out, *outlen).
 * RR_DECODE_OK, RR_DECODE_EBAD with *bad the offset of the first byte iconv
 * refused, or RR_DECODE_ENOMEM. */
static int convert(const char *from, const char *in, size_t n, char **out, size_t *outlen, size_t *bad) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == (iconv_t)-1) return RR_DECODE_ENOMEM;   /* names are checked before a run */
  /* every encoding taken here needs at most 3 UTF-8 bytes per 2 input bytes, 4 per 4 */
  size_t cap = n + n / 2 + 16;
  char *buf = malloc(cap);
  if (!buf) {
    iconv_close(cd);
    return RR_DECODE_ENOMEM;
  }
  char *ip = (char *)in, *op = buf;
  size_t il = n, ol = cap - 1;
  int rc = RR_DECODE_OK;
  while (il > 0) {
    if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) break;
    if (errno == E2BIG) {             /* an encoding that expands more than we thought */
      size_t used = (size_t)(op - buf);
      char *p = cap < ((size_t)1 << 32) ? realloc(buf, cap * 2) : NULL;
      if (!p) { rc = RR_DECODE_ENOMEM; break; }
      buf = p;
      op = buf + used;
      ol += cap;
      cap *= 2;
      continue;
    }
    *bad = (size_t)(ip - in);         /* EILSEQ, or EINVAL: cut off at the end */
    rc = RR_DECODE_EBAD;
    break;
  }
  iconv_close(cd);
  if (rc != RR_DECODE_OK) {
    free(buf);
    return rc;
  }
  *op = '\0';
  *out = buf;
  *outlen = (size_t)(op - buf);
  return RR_DECODE_OK;
}

/* GB18030 text seldom looks like UTF-8 for long: the first two-byte pair
 * that is not valid UTF-8 usually comes within the first few characters.  So
 * this many multi-byte UTF-8 characters before the first bad byte say the
 * file is UTF-8 with damage, and it is reported rather than read as GB18030
 * mojibake. */
#define UTF8_EVIDENCE 4

static size_t utf8_before(const unsigned char *u, size_t end) {
  size_t k = 0;
  for (size_t i = 0; i < end && k < UTF8_EVIDENCE; i++) k += u[i] >= 0xC2;
  return k;
}

static int norm_status(int rc) {
  return rc == RR_NORM_ENOMEM ? RR_DECODE_ENOMEM : rc == RR_NORM_ETOOBIG ? RR_DECODE_ETOOBIG : RR_DECODE_EBAD;
}

/* Converts from `from` (skipping skip bytes of BOM) and normalises the result. */
static int convert_and_normalize(const char *from, const char *in, size_t n, size_t skip,
                                 rr_decoded *d) {
  size_t bad = 0;
  d->encoding = from;
  int rc = convert(from, in + skip, n - skip, &d->converted, &d->len, &bad);
  if (rc == RR_DECODE_EBAD) d->bad = skip + bad;
  if (rc != RR_DECODE_OK) return rc;
  d->utf8 = d->converted;
  rc = rr_normalize(d->converted, d->len, &d->text, &bad);
  return rc == RR_NORM_OK ? RR_DECODE_OK : norm_status(rc);
}

int rr_decode(const char *in, size_t n, const char *encoding, rr_decoded *d) {
  memset(d, 0, sizeof *d);
  d->utf8 = in;
  d->len = n;
  d->encoding = "UTF-8";
  const unsigned char *u = (const unsigned char *)in;
  size_t bad = 0;
  if (encoding && !rr_encoding_is_utf8(encoding)) return convert_and_normalize(encoding, in, n, 0, d);
  if (!encoding && n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
    return convert_and_normalize(u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE", in, n, 2, d);
  const char *nul = memchr(in, '\0', n);
  if (nul) {
    d->bad = (size_t)(nul - in);
    return RR_DECODE_EBINARY;
  }
  int rc = rr_normalize(in, n, &d->text, &bad);   /* checks UTF-8 as it goes */
  if (rc == RR_NORM_OK) return RR_DECODE_OK;
  if (rc != RR_NORM_EUTF8 || encoding) {
    d->bad = bad;
    return norm_status(rc);
  }
  if (utf8_before(u, bad) >= UTF8_EVIDENCE) {   /* UTF-8 with a bad byte, not GB18030 */
    d->bad = bad;
    return RR_DECODE_EBAD;
  }
  rc = convert_and_normalize("GB18030", in, n, 0, d);
  if (rc == RR_DECODE_EBAD) {        /* neither: both offsets go into the message */
    d->legacy_bad = d->bad;
    d->bad = bad;
    d->encoding = NULL;
  }
  return rc;
}

void rr_decoded_free(rr_decoded *d) {
  rr_text_free(&d->text);
  free(d->converted);
  d->converted = NULL;
}

char *rr_utf8_name(const char *name) {
  size_t n = strlen(name);
  char *out = NULL;
  size_t len, bad;
  if (convert("GB18030", name, n, &out, &len, &bad) == RR_DECODE_OK) return out;
  rr_buf b = {0};
  for (size_t i = 0; i < n;) {
    size_t k = rr_utf8_valid_prefix(name + i, n - i);
    if (rr_buf_add(&b, name + i, k)) break;
    i += k;
    if (i < n) {
      char esc[5];
      snprintf(esc, sizeof esc, "\\x%02X", (unsigned char)name[i++]);
      if (rr_buf_add(&b, esc, 4)) break;
    }
  }
  if (rr_buf_add(&b, "", 1)) {
    rr_buf_free(&b);
    return NULL;
  }
  return b.s;
}
