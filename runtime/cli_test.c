/* cli_test.c - rulerun test: run the rules, then score every expected table as ../shared/tools/csvscore.py does. */
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rr_internal.h"

#define SHOW 10    /* rows shown each way for a failing table */

static int same(const rr_cell *a, const rr_cell *b) {
  return a->len == b->len && (!a->len || memcmp(a->s, b->s, a->len) == 0);
}

/* Whether v is a number as the comparison writes one ("%.6g"). */
static int is_number(rr_cell v) {
  size_t i = v.len && v.s[0] == '-', digits = 0;
  for (; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++) digits++;
  if (i < v.len && v.s[i] == '.')
    for (i++; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++) digits++;
  if (digits && i + 2 < v.len && v.s[i] == 'e' && (v.s[i + 1] == '+' || v.s[i + 1] == '-'))
    for (i += 2; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++) {}
  return digits && i == v.len;
}

/* A compared cell as the report shows it: a number bare, anything else quoted. */
static void put_cell(rr_cell v) { printf(is_number(v) ? "%.*s" : "'%.*s'", (int)v.len, v.s); }

/* "  table: file: " before a row */
static void put_place(const char *table, const rr_table_score *s, const rr_cell *row) {
  printf("  %s: ", table);
  if (s->file_col >= 0) printf("%.*s: ", (int)row[s->file_col].len, row[s->file_col].s);
}

/* The columns of row but the file as "name value, name value": those equal
 * in other (at most 3) when other is given, else all. */
static void put_columns(const rr_table_score *s, const rr_cell *row, const rr_cell *other) {
  for (int c = 0, shown = 0; c < s->ncols && (!other || shown < 3); c++) {
    if (c == s->file_col || (other && !same(&row[c], &other[c]))) continue;
    printf("%s%.*s ", shown++ ? ", " : "", (int)s->cols[c].len, s->cols[c].s);
    put_cell(row[c]);
  }
}

static void put_times(size_t times) {
  if (times > 1) printf(" (%zu times)", times);
  printf("\n");
}

/* A missing row beside its twin: the columns they share, then those that differ. */
static void put_twin(const char *table, const rr_table_score *s, const rr_cell *want, const rr_cell *got,
                     size_t times) {
  put_place(table, s, want);
  put_columns(s, want, got);
  int shown = 0;
  for (int c = 0; c < s->ncols; c++) {
    if (same(&want[c], &got[c])) continue;
    printf("%s%.*s ", shown++ ? ", " : ": ", (int)s->cols[c].len, s->cols[c].s);
    put_cell(want[c]);
    printf(" != ");
    put_cell(got[c]);
  }
  put_times(times);
}

/* The near twin of a missing row among the unexpected rows some of whose
 * times are left: the same file and more than half the cells equal, the
 * most of them (the first such); -1 when there is none. */
static long twin_of(const rr_table_score *s, const rr_cell *row, const size_t *left) {
  long best = -1;
  int best_equal = s->ncols / 2;
  for (size_t j = 0; j < s->unexpected.n; j++) {
    const rr_cell *other = s->unexpected.row[j];
    if (!left[j] || (s->file_col >= 0 && !same(&row[s->file_col], &other[s->file_col]))) continue;
    int equal = 0;
    for (int c = 0; c < s->ncols; c++) equal += same(&row[c], &other[c]);
    if (equal > best_equal) {
      best = (long)j;
      best_equal = equal;
    }
  }
  return best;
}

/* The rows of one side that no twin took, the first SHOW of them. */
static void put_rest(const char *table, const rr_table_score *s, const rr_score_rows *rows,
                     const size_t *left, const char *what) {
  size_t shown = 0, more = 0;
  for (size_t i = 0; i < rows->n; i++) {
    if (!left[i]) continue;
    if (shown++ >= SHOW) {
      more += left[i];
      continue;
    }
    put_place(table, s, rows->row[i]);
    printf("%s: ", what);
    put_columns(s, rows->row[i], NULL);
    put_times(left[i]);
  }
  if (more) printf("  %s: %zu more %s\n", table, more, what);
}

/* A failing table's rows: each missing row that has a near twin among the
 * unexpected ones with the columns that differ, then the other missing and
 * unexpected rows. */
static void put_differences(const char *table, const rr_table_score *s) {
  size_t nm = s->missing.n, nu = s->unexpected.n;
  size_t *mleft = malloc((nm + 1) * sizeof *mleft), *uleft = malloc((nu + 1) * sizeof *uleft);
  if (!mleft || !uleft) {
    fprintf(stderr, "rulerun: out of memory\n");
    free(mleft);
    free(uleft);
    return;
  }
  memcpy(mleft, s->missing.times, nm * sizeof *mleft);
  memcpy(uleft, s->unexpected.times, nu * sizeof *uleft);
  size_t twins = 0;
  for (size_t i = 0; i < nm; i++) {
    long j;
    while (mleft[i] && (j = twin_of(s, s->missing.row[i], uleft)) >= 0) {
      size_t k = mleft[i] < uleft[j] ? mleft[i] : uleft[j];
      mleft[i] -= k;
      uleft[j] -= k;
      if (twins++ < SHOW) put_twin(table, s, s->missing.row[i], s->unexpected.row[j], k);
    }
  }
  if (twins > SHOW) printf("  %s: %zu more rows that differ\n", table, twins - SHOW);
  put_rest(table, s, &s->missing, mleft, "missing");
  put_rest(table, s, &s->unexpected, uleft, "unexpected");
  free(mleft);
  free(uleft);
}

static ssize_t table_index(const rr_stats *st, const char *table) {
  for (size_t i = 0; i < st->ntables; i++)
    if (strcmp(st->table_names[i], table) == 0) return (ssize_t)i;
  return -1;
}

/* Scores every expected table against the run's output in out: prints a
 * line per table (and its differences when it fails) and the count; puts
 * the F1s into t.  The exit status: 1 when a table fails, 2 when a file
 * cannot be read, else run_status. */
static int score_all(cli *c, const rr_expected *x, const rr_stats *st, const char *out, cli_tally *t,
                     int run_status) {
  size_t passed = 0, failed = 0;
  char err[1024], path[PATH_MAX];
  for (size_t i = 0; i < rr_expected_count(x); i++) {
    const char *table = rr_expected_table(x, i);
    ssize_t k = table_index(st, table);
    if (k < 0) {
      printf("%s: FAIL: %s declares no table '%s' (its tables:", table, c->args[0], table);
      for (size_t j = 0; j < st->ntables; j++) printf("%s %s", j ? "," : "", st->table_names[j]);
      printf(")\n");
      failed++;
      continue;
    }
    rr_table_score s;
    snprintf(path, sizeof path, "%s/%s.csv", out, table);
    if (rr_score_table(x, i, path, &s, err, sizeof err) != 0) {
      fflush(stdout);
      fprintf(stderr, "rulerun: %s\n", err);
      rr_table_score_free(&s);
      return 2;
    }
    int ok = !s.problem[0] && s.f1 >= c->min_f1;
    if (s.problem[0]) {
      printf("%s: FAIL: %s\n", table, s.problem);
    } else {
      printf("%s: P=%.3f R=%.3f F1=%.3f expected=%zu actual=%zu %s\n", table, s.precision, s.recall, s.f1,
             s.expected, s.actual, ok ? "ok" : "FAIL");
      if (!ok) put_differences(table, &s);
    }
    if (t && (size_t)k < t->n) t->f1[k] = s.problem[0] ? 0.0 : s.f1;
    passed += ok;
    failed += !ok;
    rr_table_score_free(&s);
  }
  printf("%zu passed, %zu failed\n", passed, failed);
  return failed ? 1 : run_status;
}

/* Removes a directory of the run's outputs that nobody asked to keep. */
static void remove_outputs(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    char path[PATH_MAX];
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
      if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
      if (snprintf(path, sizeof path, "%s/%s", dir, ent->d_name) < (int)sizeof path) unlink(path);
    }
    closedir(d);
  }
  if (rmdir(dir) != 0) fprintf(stderr, "rulerun: %s: cannot remove the temporary outputs\n", dir);
}

/* One rulerun test: the rules over the reports into -o DIR (or a temporary
 * directory removed afterwards), then every expected table scored. */
static int test_once(cli *c, cli_tally *t) {
  const char *expected_dir = c->args[c->nargs - 1];
  char err[1024], tmp[PATH_MAX] = "";
  rr_expected *x = rr_expected_open(expected_dir, err, sizeof err);
  if (!x) {
    fprintf(stderr, "rulerun: %s\n", err);
    return 2;
  }
  if (!rr_expected_count(x)) {
    fprintf(stderr, "rulerun: %s: no expected table (<table>.csv) there\n", expected_dir);
    rr_expected_free(x);
    return 2;
  }
  if (!c->out) {
    const char *base = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/rulerun-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmp)) {
      fprintf(stderr, "rulerun: %s: cannot make a temporary directory for the outputs\n", tmp);
      rr_expected_free(x);
      return 2;
    }
  }
  const char *out = c->out ? c->out : tmp;
  c->opt.out_dir = out;
  int status = 2;
  rr_engine *e = cli_engine(c, c->args[0]);
  if (e) {
    int rc = rr_engine_run(e, (const char *const *)c->args + 1, (size_t)(c->nargs - 2));
    int done = rc == RR_OK || rc == RR_EDOCS;
    const rr_stats *st = rr_engine_stats(e);
    if (!c->quiet && done) cli_summary(st, c->out);
    status = cli_exit_status(e, rc);
    if (done && t && cli_tally_take(t, st)) fprintf(stderr, "rulerun: out of memory\n");
    if (done) status = score_all(c, x, st, out, t, status);
    cli_engine_free(e);
  }
  c->opt.out_dir = c->out;
  if (tmp[0]) remove_outputs(tmp);
  rr_expected_free(x);
  return status;
}

/* rulerun test [options] RULES.lua PATH... EXPECTED_DIR */
int cli_test(int argc, char **argv) {
  cli c;
  cli_parse(argc, argv, &c);
  if (c.nargs < 3)
    cli_usage_error("test: %s (rulerun test [options] RULES.lua PATH... EXPECTED_DIR)",
                    c.nargs < 1 ? "no rule file given" : c.nargs < 2 ? "no report given" : "no EXPECTED_DIR given");
  c.opt.progress = c.progress;
  if (c.watch) return cli_watch(&c, (size_t)(c.nargs - 2), c.args[c.nargs - 1], test_once);
  return test_once(&c, NULL);
}
