/* score_dirs.c - librulerun's scoring on two directories, for tests/test_score.py to set beside
 * csvscore.py on CSV files that rulerun would never write.
 *
 * usage: score_dirs EXPECTED_DIR ACTUAL_DIR
 * prints csvscore's line per table ("t: P=... R=... F1=... expected=N actual=N"),
 * "t: PROBLEM" when the two cannot be compared, "t: ERROR message" when a file cannot be read. */
#include <stdio.h>

#include "rr_internal.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: score_dirs EXPECTED_DIR ACTUAL_DIR\n");
    return 2;
  }
  char err[1024], path[4096];
  rr_expected *x = rr_expected_open(argv[1], err, sizeof err);
  if (!x) {
    printf("ERROR %s\n", err);
    return 1;
  }
  for (size_t i = 0; i < rr_expected_count(x); i++) {
    const char *table = rr_expected_table(x, i);
    snprintf(path, sizeof path, "%s/%s.csv", argv[2], table);
    rr_table_score s;
    if (rr_score_table(x, i, path, &s, err, sizeof err) != 0) printf("%s: ERROR %s\n", table, err);
    else if (s.problem[0]) printf("%s: PROBLEM\n", table);
    else
      printf("%s: P=%.17g R=%.17g F1=%.17g expected=%zu actual=%zu\n", table, s.precision, s.recall, s.f1,
             s.expected, s.actual);
    rr_table_score_free(&s);
  }
  rr_expected_free(x);
  return 0;
}
