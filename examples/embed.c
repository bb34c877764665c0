/* embed.c - librulerun from another C program: load a rule file, run it on
 * text held in memory, get each table's rows as cells.
 *
 *   cc embed.c $(pkg-config --cflags --libs rulerun) -o embed
 *   ./embed rules/weekly.lua examples/reports/semis_weekly_2025-03-07.txt
 *
 * The rulerun Lua library is found where it was installed, or in
 * RULERUN_STDLIB.  docs/EMBEDDING.md explains each call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rulerun.h>

/* One row: its cells separated by tabs, after the table's name. */
static void print_row(void *ud, const char *table, size_t ncells, const char *const *cells,
                      const size_t *lens) {
  (void)ud;
  (void)lens;
  printf("%s", table);
  for (size_t i = 0; i < ncells; i++) printf("\t%s", cells[i]);
  printf("\n");
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, k;
  char *buf = malloc(cap);
  while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      char *p = realloc(buf, cap *= 2);
      if (!p) { free(buf); buf = NULL; }
      else buf = p;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: embed RULES.lua REPORT.txt\n");
    return 2;
  }
  size_t n;
  char *text = read_all(argv[2], &n);
  if (!text) { perror(argv[2]); return 2; }

  rr_options opt;
  rr_options_init(&opt);                       /* defaults, and the struct's size */
  opt.on_row = print_row;                      /* every row, as cells */
  rr_engine *e = rr_engine_new(&opt);
  if (!e) { free(text); return 2; }
  int rc = rr_engine_load(e, argv[1]);         /* "rules/x.lua:12: ..." when it fails */
  if (rc != RR_OK) {
    fprintf(stderr, "embed: %s: %s\n", rr_strerror(rc), rr_engine_error(e));
    rr_engine_free(e);
    free(text);
    return 2;
  }
  for (size_t t = 0; t < rr_engine_table_count(e); t++) {   /* known before any document */
    printf("# %s", rr_engine_table_name(e, t));
    for (size_t c = 0; c < rr_engine_column_count(e, t); c++) printf("\t%s", rr_engine_column_name(e, t, c));
    printf("\n");
  }
  rc = rr_engine_process(e, argv[2], text, n, NULL, NULL);
  if (rc != RR_OK) fprintf(stderr, "embed: %s: %s\n", rr_strerror(rc), rr_engine_error(e));
  rr_engine_free(e);
  free(text);
  return rc == RR_OK ? 0 : 1;
}
