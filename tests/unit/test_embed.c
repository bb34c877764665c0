/* test_embed.c - librulerun as a host sees it: rules from a string, the tables
 * before a run, rows as cells, status messages, the options' size, no
 * descriptor or memory leaked by failed loads, and rr_engine_process from
 * four threads on one engine.  Links the static library; uses only rulerun.h. */
#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rulerun.h"
#include "check.h"

/* One table of names with the line they are on, and a second table of the
 * document's line count: enough to tell documents and rows apart. */
static const char rules_src[] =
  "local rr = require 'rulerun'\n"
  "rr.table('names', {'file', 'name', 'line'})\n"
  "rr.table('sizes', {'file', 'lines'})\n"
  "rr.rule('names', function(doc)\n"
  "  for i, line in doc:lines() do\n"
  "    local name = rr.re.match(line, '^name: (.+)$')\n"
  "    if name then rr.emit('names', {name = name, line = i}) end\n"
  "  end\n"
  "end)\n"
  "rr.rule('sizes', function(doc) rr.emit('sizes', {lines = doc.nlines}) end)\n";

static char dir[] = "/tmp/rr-test-embed-XXXXXX";

static void write_file(const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) { perror(path); exit(2); }
  fputs(text, f);
  fclose(f);
}

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  for (struct dirent *de; d && (de = readdir(d));) n += de->d_name[0] != '.';
  if (d) closedir(d);
  return n - 1;   /* the directory stream's own */
}

/* ---- rows as cells ---------------------------------------------------------- */

typedef struct rows { char text[8192]; size_t len; int calls; } rows;

/* Cells joined as "table|a|b|c\n". */
static void on_row(void *ud, const char *table, size_t ncells, const char *const *cells, const size_t *lens) {
  rows *r = ud;
  r->calls++;
  r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%s", table);
  for (size_t i = 0; i < ncells; i++) {
    CHECK(strlen(cells[i]) == lens[i]);
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "|%s", cells[i]);
  }
  r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "\n");
}

static void on_csv(void *ud, const char *table, const char *csv, size_t len) {
  rows *r = ud;
  r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "== %s\n%.*s", table, (int)len, csv);
}

static void test_api(void) {
  CHECK_STR(rr_strerror(RR_ENOMEM), "out of memory");
  for (int i = RR_OK; i <= RR_ECANCELED; i++)
    for (int j = RR_OK; j < i; j++) CHECK(strcmp(rr_strerror(i), rr_strerror(j)) != 0);
  CHECK_STR(rr_strerror(99), "unknown status");
  char v[32];
  snprintf(v, sizeof v, "%d.%d.%d", RR_VERSION_MAJOR, RR_VERSION_MINOR, RR_VERSION_PATCH);
  CHECK_STR(rr_version(), v);

  rr_options bad;
  memset(&bad, 0, sizeof bad);                  /* size 0: not made by rr_options_init */
  CHECK(rr_engine_new(&bad) == NULL);

  rr_options o;
  rows got = {{0}, 0, 0};
  rr_options_init(&o);
  CHECK(o.size == sizeof o);
  o.on_row = on_row;
  o.row_ud = &got;
  o.on_message = NULL;
  rr_engine *e = rr_engine_new(&o);
  CHECK(e != NULL);
  CHECK(rr_engine_table_count(e) == 0);
  CHECK(rr_engine_table_name(e, 0) == NULL);
  CHECK(rr_engine_process(e, "x", "a", 1, NULL, NULL) == RR_EUSAGE);
  CHECK_STR(rr_engine_error(e), "no rules loaded");

  char name[300];
  snprintf(name, sizeof name, "%s/inline.lua", dir);
  CHECK(rr_engine_load_string(e, name, rules_src, sizeof rules_src - 1) == RR_OK);
  CHECK(rr_engine_table_count(e) == 2);
  CHECK(rr_engine_stats(e)->ntables == 2);
  CHECK_STR(rr_engine_table_name(e, 1), "sizes");
  CHECK(rr_engine_column_count(e, 0) == 3);
  CHECK_STR(rr_engine_column_name(e, 0, 2), "line");
  CHECK(rr_engine_column_name(e, 0, 3) == NULL);
  CHECK(rr_engine_column_count(e, 2) == 0);

  /* a quote and a comma in a cell come back as they were */
  const char doc[] = "name: Ann\nnothing\nname: \"B\", Inc.\n";
  rows csv = {{0}, 0, 0};
  CHECK(rr_engine_process(e, "d.txt", doc, sizeof doc - 1, on_csv, &csv) == RR_OK);
  CHECK_STR(rr_engine_error(e), "");
  CHECK_STR(got.text, "names|d.txt|Ann|1\nnames|d.txt|\"B\", Inc.|3\nsizes|d.txt|3\n");
  CHECK_STR(csv.text, "== names\nd.txt,Ann,1\nd.txt,\"\"\"B\"\", Inc.\",3\n== sizes\nd.txt,3\n");

  /* a rule file with a mistake, from a string: its name and line */
  const char broken[] = "local rr = require 'rulerun'\nrr.table('t', {'a'})\nrr.nope()\n";
  CHECK(rr_engine_load_string(e, "broken.lua", broken, sizeof broken - 1) == RR_ERULES);
  CHECK(strncmp(rr_engine_error(e), "broken.lua:3:", 13) == 0);
  CHECK(rr_engine_table_count(e) == 0);
  rr_engine_free(e);

  /* a caller built against an older header: its struct ends before on_row */
  rr_options old;
  rr_options_init(&old);
  old.size = offsetof(rr_options, on_row);
  old.provenance = 1;
  old.on_row = on_row;    /* beyond the size it gave: not looked at */
  got.len = 0;
  got.calls = 0;
  e = rr_engine_new(&old);
  CHECK(e != NULL);
  CHECK(rr_engine_load_string(e, name, rules_src, sizeof rules_src - 1) == RR_OK);
  CHECK(rr_engine_column_count(e, 1) == 5);     /* file, lines, _rule, _line, _offset */
  CHECK_STR(rr_engine_column_name(e, 1, 4), "_offset");
  CHECK(rr_engine_process(e, "d.txt", doc, sizeof doc - 1, NULL, NULL) == RR_OK);
  CHECK(got.calls == 0);
  rr_engine_free(e);
}

/* ---- rr_engine_run to on_row only ------------------------------------------ */

static void test_run_rows(void) {
  write_file("r1.txt", "name: One\n");
  write_file("r2.txt", "x\nname: Two\n");
  char rules[300], out[300];
  snprintf(rules, sizeof rules, "%s/rules.lua", dir);
  snprintf(out, sizeof out, "%s/out-none", dir);
  write_file("rules.lua", rules_src);
  rows got = {{0}, 0, 0};
  rr_options o;
  rr_options_init(&o);
  o.on_row = on_row;
  o.row_ud = &got;
  o.no_csv = 1;
  o.out_dir = out;
  o.jobs = 2;
  o.glob = "r*.txt";
  const char *paths[] = {dir};
  rr_engine *e = rr_engine_new(&o);
  CHECK(rr_engine_load(e, rules) == RR_OK);
  CHECK(rr_engine_run(e, paths, 1) == RR_OK);
  CHECK_STR(got.text, "names|r1.txt|One|1\nsizes|r1.txt|1\nnames|r2.txt|Two|2\nsizes|r2.txt|2\n");
  CHECK(rr_engine_stats(e)->table_rows[0] == 2);
  CHECK(access(out, F_OK) != 0);                /* no_csv: not even the directory */
  rr_engine_free(e);
}

/* ---- failed loads leak nothing ---------------------------------------------- */

static void test_failed_loads(void) {
  /* a dictionary, then an error; and a dictionary too big for max_memory
   * (out of memory in the middle of reading it) */
  write_file("dict_error.lua", "local rr = require 'rulerun'\nlocal g = rr.gazetteer('dict.csv')\n"
                               "rr.table('t', {'a'})\nerror('after the dictionary')\n");
  write_file("dict_oom.lua", "local rr = require 'rulerun'\nlocal g = rr.gazetteer('big.csv')\n"
                             "rr.table('t', {'a'})\nrr.rule(function() end)\n");
  write_file("dict.csv", "name,code\nAlpha,1\nBeta,2\n");
  char path[300];
  snprintf(path, sizeof path, "%s/big.csv", dir);
  FILE *f = fopen(path, "w");
  fputs("name,code\n", f);
  for (int i = 0; i < 20000; i++) fprintf(f, "company number %d,%06d\n", i, i);
  fclose(f);
  char err_rules[300], oom_rules[300];
  snprintf(err_rules, sizeof err_rules, "%s/dict_error.lua", dir);
  snprintf(oom_rules, sizeof oom_rules, "%s/dict_oom.lua", dir);
  rr_options o;
  rr_options_init(&o);
  rr_engine *e = rr_engine_new(&o);
  rr_options small;
  rr_options_init(&small);
  small.max_memory = (size_t)2 << 20;
  rr_engine *es = rr_engine_new(&small);
  /* warm up: what the C library keeps once (stdio, iconv, PCRE2's JIT) is not a leak */
  int rc_err = 0, rc_oom = 0;
  for (int i = 0; i < 20; i++) {
    rc_err = rr_engine_load(e, err_rules);
    rc_oom = rr_engine_load(es, oom_rules);
  }
  CHECK(rc_err == RR_ERULES);
  CHECK(strstr(rr_engine_error(e), "after the dictionary") != NULL);
  CHECK(rc_oom == RR_ENOMEM);
  CHECK(strstr(rr_engine_error(es), "out of memory") != NULL);
  int fds0 = count_fds();
  /* (glibc's per-thread cache is off for this test, tests/meson.build: it counts
   * the chunks it keeps as in use) */
  size_t mem0 = mallinfo2().uordblks;
  int bad = 0;
  for (int i = 0; i < 1000; i++)
    bad += i % 2 ? rr_engine_load(e, err_rules) != RR_ERULES : rr_engine_load(es, oom_rules) != RR_ENOMEM;
  int fds1 = count_fds();
  size_t mem1 = mallinfo2().uordblks;
  fprintf(stderr, "1000 failed loads: %d descriptors before, %d after; %zu bytes in use before, %zu after\n",
          fds0, fds1, mem0, mem1);
  CHECK(bad == 0);
  CHECK(fds1 == fds0);
  CHECK(mem1 <= mem0 + 4096);   /* 0 and 0 under ASan, whose LeakSanitizer checks instead */
  rr_engine_free(e);
  rr_engine_free(es);
}

/* ---- four threads, one engine ------------------------------------------------ */

#define THREADS 4
#define CALLS 100

typedef struct job { rr_engine *e; int id, wrong, failed; } job;

static void doc_text(char *buf, size_t n, int id, int k) {
  snprintf(buf, n, "name: t%d-c%d\n%sname: second %d\n", id, k, k % 3 ? "line\n" : "", k);
}

static void *hammer(void *arg) {
  job *j = arg;
  for (int k = 0; k < CALLS; k++) {
    char text[128], name[32], want[512];
    doc_text(text, sizeof text, j->id, k);
    snprintf(name, sizeof name, "t%d-%d.txt", j->id, k);
    snprintf(want, sizeof want, "== names\n%s,t%d-c%d,1\n%s,second %d,%d\n== sizes\n%s,%d\n", name, j->id, k,
             name, k, k % 3 ? 3 : 2, name, k % 3 ? 3 : 2);
    rows got = {{0}, 0, 0};
    if (rr_engine_process(j->e, name, text, strlen(text), on_csv, &got) != RR_OK) j->failed++;
    if (strcmp(got.text, want) != 0) j->wrong++;
  }
  /* the error is this thread's: a bad call here says nothing to the others */
  if (j->id == 0) {
    rr_engine_process(j->e, "bad.txt", "\0\0\0\0", 4, NULL, NULL);
    if (!strstr(rr_engine_error(j->e), "binary")) j->wrong++;
  } else if (rr_engine_error(j->e)[0]) {
    j->wrong++;
  }
  return NULL;
}

static void test_threads(void) {
  rr_options o;
  rr_options_init(&o);
  rr_engine *e = rr_engine_new(&o);
  char name[300];
  snprintf(name, sizeof name, "%s/inline.lua", dir);
  CHECK(rr_engine_load_string(e, name, rules_src, sizeof rules_src - 1) == RR_OK);
  pthread_t th[THREADS];
  job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (job){e, i, 0, 0};
    CHECK(pthread_create(&th[i], NULL, hammer, &jobs[i]) == 0);
  }
  int wrong = 0, failed = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    wrong += jobs[i].wrong;
    failed += jobs[i].failed;
  }
  fprintf(stderr, "%d threads x %d rr_engine_process calls on one engine: %d failed, %d wrong\n", THREADS,
          CALLS, failed, wrong);
  CHECK(wrong == 0);
  CHECK(failed == 0);
  rr_engine_free(e);
}

int main(void) {
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
  test_api();
  test_run_rows();
  test_failed_loads();
  test_threads();
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return CHECK_DONE();
}
