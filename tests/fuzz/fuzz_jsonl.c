/* fuzz_jsonl.c - any bytes as one JSON line of --jsonl-text text --jsonl-name id.
 * It must not crash; a line it takes gives a text that, written back as a
 * JSON string (the jsonl output's writer) and read again, is the same bytes,
 * and a failure says why with a byte offset inside the line. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rr_internal.h"

static void check(int ok) {
  if (!ok) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = NULL, *name = NULL, why[256] = "";
  size_t len = 0;
  int rc = rr_jsonl_record((const char *)data, size, "text", "id", &text, &len, &name, why, sizeof why);
  if (rc != 0) {
    check(!text && !name && why[0]);
    return 0;
  }
  check(text && text[len] == '\0');
  rr_buf b = {0};
  check(rr_buf_add(&b, "{\"text\":", 8) == 0 && rr_json_string(&b, text, len) == 0 && rr_buf_add(&b, "}", 1) == 0);
  char *again = NULL, *no_name = NULL;
  size_t len2 = 0;
  check(rr_jsonl_record(b.s, b.len, "text", "id", &again, &len2, &no_name, why, sizeof why) == 0);
  check(len2 == len && memcmp(again, text, len) == 0 && !no_name);
  rr_buf_free(&b);
  free(again);
  free(text);
  free(name);
  return 0;
}
