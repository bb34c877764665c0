/* embed.c - librulerun from another C program: load a rule file, run it on text held in memory.
 *
 *   build/examples/embed rules/weekly.lua examples/reports/semis_weekly_2025-03-07.txt
 */
#include <stdio.h>
#include <stdlib.h>

#include <rulerun.h>

static void print_rows(void *ud, const char *table, const char *csv, size_t len) {
  (void)ud;
  printf("== %s\n%.*s", table, (int)len, csv);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: embed RULES.lua REPORT.txt\n");
    return 2;
  }
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 2; }
  static char text[1 << 20];
  size_t n = fread(text, 1, sizeof text, f);
  fclose(f);

  rr_engine *e = rr_engine_new(NULL);          /* default options */
  if (!e) return 2;
  if (rr_engine_load(e, argv[1]) != RR_OK) {   /* "rules/x.lua:12: ..." */
    fprintf(stderr, "%s\n", rr_engine_error(e));
    rr_engine_free(e);
    return 2;
  }
  int rc = rr_engine_process(e, argv[2], text, n, print_rows, NULL);
  if (rc != RR_OK) fprintf(stderr, "%s\n", rr_engine_error(e));
  rr_engine_free(e);
  return rc == RR_OK ? 0 : 1;
}
