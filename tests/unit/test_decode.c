/* test_decode.c - which encoding a file's bytes are read as, and what is reported when none fits. */
#include <stdlib.h>

#include "check.h"
#include "rr_internal.h"

/* Decodes in[0..n) (forcing enc when not NULL); returns the status and, when
 * it succeeded, the normalised text in out. */
static int decode(const char *in, size_t n, const char *enc, char *out, size_t outlen, rr_decoded *d) {
  int rc = rr_decode(in, n, enc, d);
  snprintf(out, outlen, "%s", rc == RR_DECODE_OK ? d->text.s : "");
  return rc;
}

int main(void) {
  char out[256];
  rr_decoded d;
  /* "风险提示" in each encoding */
  static const char utf8[] = "\xE9\xA3\x8E\xE9\x99\xA9\xE6\x8F\x90\xE7\xA4\xBA";
  static const char gbk[] = "\xB7\xE7\xCF\xD5\xCC\xE1\xCA\xBE";
  static const char utf16le[] = "\xFF\xFE\xCE\x98\x69\x96\xD0\x63\x3A\x79";
  static const char utf16be[] = "\xFE\xFF\x98\xCE\x96\x69\x63\xD0\x79\x3A";

  CHECK(decode(utf8, 12, NULL, out, sizeof out, &d) == RR_DECODE_OK && strcmp(out, utf8) == 0);
  CHECK(strcmp(d.encoding, "UTF-8") == 0 && d.converted == NULL);   /* read in place */
  rr_decoded_free(&d);

  char bom[32] = "\xEF\xBB\xBF";
  memcpy(bom + 3, utf8, 12);
  CHECK(decode(bom, 15, NULL, out, sizeof out, &d) == RR_DECODE_OK && strcmp(out, utf8) == 0);
  rr_decoded_free(&d);

  CHECK(decode(gbk, 8, NULL, out, sizeof out, &d) == RR_DECODE_OK && strcmp(out, utf8) == 0);
  CHECK(strcmp(d.encoding, "GB18030") == 0);
  rr_decoded_free(&d);

  CHECK(decode(utf16le, 10, NULL, out, sizeof out, &d) == RR_DECODE_OK && strcmp(out, utf8) == 0);
  CHECK(strcmp(d.encoding, "UTF-16LE") == 0);
  rr_decoded_free(&d);
  CHECK(decode(utf16be, 10, NULL, out, sizeof out, &d) == RR_DECODE_OK && strcmp(out, utf8) == 0);
  rr_decoded_free(&d);

  /* UTF-16 cut in the middle of a unit: the offset is in the file */
  CHECK(decode(utf16le, 9, NULL, out, sizeof out, &d) == RR_DECODE_EBAD && d.bad == 8);
  CHECK(strcmp(d.encoding, "UTF-16LE") == 0);
  rr_decoded_free(&d);

  /* forced: GBK bytes read as GBK, and UTF-8 forced on GBK bytes fails at 0 */
  CHECK(decode(gbk, 8, "GBK", out, sizeof out, &d) == RR_DECODE_OK && strcmp(out, utf8) == 0);
  rr_decoded_free(&d);
  CHECK(decode(gbk, 8, "utf-8", out, sizeof out, &d) == RR_DECODE_EBAD && d.bad == 0);
  rr_decoded_free(&d);

  /* binary: the first NUL */
  CHECK(decode("PK\x03\x04\x00\x00", 6, NULL, out, sizeof out, &d) == RR_DECODE_EBINARY && d.bad == 4);
  rr_decoded_free(&d);

  /* neither UTF-8 nor GB18030: both offsets */
  CHECK(decode("ab\xB7\xE7\x80x", 6, NULL, out, sizeof out, &d) == RR_DECODE_EBAD);
  CHECK(d.encoding == NULL && d.bad == 2 && d.legacy_bad == 4);
  rr_decoded_free(&d);

  /* UTF-8 damaged after four UTF-8 characters: reported, not read as GB18030 */
  char damaged[32];
  memcpy(damaged, utf8, 12);
  damaged[12] = '\xB7';
  CHECK(decode(damaged, 13, NULL, out, sizeof out, &d) == RR_DECODE_EBAD);
  CHECK(strcmp(d.encoding, "UTF-8") == 0 && d.bad == 12);
  rr_decoded_free(&d);

  /* empty */
  CHECK(decode("", 0, NULL, out, sizeof out, &d) == RR_DECODE_OK && d.text.len == 0);
  rr_decoded_free(&d);

  /* file names */
  char *name = rr_utf8_name("a/\xE9\xA3\x8E.txt");
  CHECK(name && strcmp(name, "a/\xE9\xA3\x8E.txt") == 0);
  free(name);
  name = rr_utf8_name("\xB7\xE7\xCF\xD5.txt");   /* GBK */
  CHECK(name && strcmp(name, "\xE9\xA3\x8E\xE9\x99\xA9.txt") == 0);
  free(name);
  name = rr_utf8_name("bad\xFF\xFE.txt");
  CHECK(name && strcmp(name, "bad\\xFF\\xFE.txt") == 0);
  free(name);

  CHECK(rr_encoding_known("GB18030") && rr_encoding_known("utf8") && !rr_encoding_known("NOPE"));
  return CHECK_DONE();
}
