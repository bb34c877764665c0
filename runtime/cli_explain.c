/* cli_explain.c - rulerun explain: one report, with each row's source span, as a page or as text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Writes len bytes to path through a temp file beside it (the page appears whole or not at all). */
static int write_whole(const char *path, const char *s, size_t len) {
  size_t n = strlen(path) + 32;
  char *tmp = malloc(n);
  if (!tmp) return -1;
  snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  int ok = f && fwrite(s, 1, len, f) == len;
  if (f && fclose(f) != 0) ok = 0;
  if (ok && rename(tmp, path) != 0) ok = 0;
  if (!ok) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
  }
  free(tmp);
  return ok ? 0 : -1;
}

/* rulerun explain [options] RULES.lua REPORT [-o page.html] [--format html|text] */
int cli_explain(int argc, char **argv) {
  cli c;
  cli_parse(argc, argv, &c);
  if (c.nargs != 2)
    cli_usage_error("%s", "explain takes a rule file and one report: rulerun explain RULES.lua REPORT -o page.html");
  const char *format = c.format ? c.format : c.out ? "html" : "text";
  if (strcmp(format, "html") != 0 && strcmp(format, "text") != 0)
    cli_usage_error("--format is html or text, not '%s'", format);
  rr_engine *e = cli_engine(&c, c.args[0]);
  if (!e) return 2;
  char *out = NULL;
  size_t len = 0;
  int rc = rr_engine_explain(e, c.args[1], format, &out, &len);
  int status = rc == RR_OK ? 0 : rc == RR_EDOCS ? 1 : 2;
  if (rc != RR_OK) fprintf(stderr, "rulerun: %s\n", rr_engine_error(e));
  if (out) {
    if (!c.out || strcmp(c.out, "-") == 0) {
      fwrite(out, 1, len, stdout);
    } else if (write_whole(c.out, out, len) != 0) {
      fprintf(stderr, "rulerun: %s: cannot write: %s\n", c.out, strerror(errno));
      status = 2;
    } else if (!c.quiet) {
      fprintf(stderr, "rulerun: %s -> %s\n", c.args[1], c.out);
    }
  }
  free(out);
  rr_engine_free(e);
  return status;
}
