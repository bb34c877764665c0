/* test_oom.c - out of memory anywhere is a status, never an abort or a wrong row.
 *
 * 1. A Lua state's max_memory from 4 KB up to what the rules need: each load
 *    is RR_OK or RR_ENOMEM, and a document then gives its rows or a failure.
 * 2. A fault-injecting allocator (malloc, calloc and realloc of the whole
 *    process: Lua's, PCRE2's, libcsv's, the C library's): a host's session
 *    (new engine, rules with a dictionary, a document in memory, a run over a
 *    file into a directory) is repeated in a child process with allocation N
 *    failing, for N over every allocation the session makes (a stride when
 *    there are more than MAX_POINTS).  Each call returns a status with a
 *    message; what returns RR_OK gave exactly the rows it should; no block
 *    is left allocated once the engine is freed.  Not under
 *    AddressSanitizer, which owns malloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rulerun.h"
#include "check.h"

#if defined(__SANITIZE_ADDRESS__)
#define INJECT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INJECT 0
#endif
#endif
#ifndef INJECT
#define INJECT 1
#endif

#define MAX_POINTS 1500

static const char rules_src[] =
  "local rr = require 'rulerun'\n"
  "local names = rr.gazetteer('dict.csv')\n"
  "rr.table('names', {'file', 'name', 'code'})\n"
  "rr.rule('names', function(doc)\n"
  "  for _, line in doc:lines() do\n"
  "    local n = rr.re.match(line, '^name: (.+)$')\n"
  "    if n then rr.emit('names', {name = n, code = #n}) end\n"
  "  end\n"
  "end)\n";
static const char doc_text[] = "name: Alpha\nother\nname: Beta Corp\n";
static const char want_csv[] = "d.txt,Alpha,5\nd.txt,Beta Corp,9\n";
static const char want_file[] = "file,name,code\nd.txt,Alpha,5\nd.txt,Beta Corp,9\n";

static char dir[] = "/tmp/rr-test-oom-XXXXXX";
static char rules_name[300], doc_path[300], out_dir[300];

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) { perror(path); exit(2); }
  fputs(text, f);
  fclose(f);
}

typedef struct got { char csv[1024]; size_t len; } got;

static void on_csv(void *ud, const char *table, const char *csv, size_t len) {
  got *g = ud;
  (void)table;
  if (g->len + len < sizeof g->csv) {
    memcpy(g->csv + g->len, csv, len);
    g->len += len;
    g->csv[g->len] = '\0';
  }
}

static void quiet(void *ud, const char *msg, int is_progress) { (void)ud; (void)msg; (void)is_progress; }

/* ---- 1. max_memory ------------------------------------------------------------ */

static void test_max_memory(void) {
  int loaded = 0, refused = 0, steps = 0;
  size_t first_ok = 0;
  for (size_t kb = 4; kb <= 4096 && loaded < 8; kb += 8, steps++) {
    rr_options o;
    rr_options_init(&o);
    o.max_memory = kb << 10;
    o.on_message = quiet;
    rr_engine *e = rr_engine_new(&o);
    CHECK(e != NULL);
    if (!e) return;
    int rc = rr_engine_load_string(e, rules_name, rules_src, sizeof rules_src - 1);
    if (rc == RR_OK) {
      if (!loaded++) first_ok = kb;
      got g = {{0}, 0};
      rc = rr_engine_process(e, "d.txt", doc_text, sizeof doc_text - 1, on_csv, &g);
      CHECK(rc == RR_OK || rc == RR_EDOCS);
      if (rc == RR_OK) CHECK_STR(g.csv, want_csv);
    } else {
      refused++;
      CHECK(rc == RR_ENOMEM);
      CHECK(strstr(rr_engine_error(e), "out of memory") != NULL);
    }
    rr_engine_free(e);
  }
  fprintf(stderr, "max_memory from 4 KB in 8 KB steps: %d refused with RR_ENOMEM, loads from %zu KB on\n",
          refused, first_ok);
  CHECK(loaded > 0);
  CHECK(refused > 0);
  (void)steps;
}

/* ---- 2. the fault-injecting allocator ------------------------------------------ */

#if INJECT
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static int armed;
static long allocations, fail_at;   /* the allocation that fails (1-based); 0: none */
static long live;                   /* blocks allocated and not freed */

static int fail_now(void) {
  if (!armed) return 0;
  return ++allocations == fail_at;
}

static void *counted(void *p) {
  if (p) live++;
  return p;
}

void *malloc(size_t n) { return fail_now() ? NULL : counted(__libc_malloc(n)); }
void *calloc(size_t n, size_t k) { return fail_now() ? NULL : counted(__libc_calloc(n, k)); }
void *realloc(void *p, size_t n) {
  if (p && n == 0) {
    live--;
    return __libc_realloc(p, n);
  }
  if (fail_now()) return NULL;
  void *q = __libc_realloc(p, n);
  return p ? q : counted(q);
}
void free(void *p) {
  if (p) live--;
  __libc_free(p);
}

static int read_all(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t k = fread(buf, 1, n - 1, f);
  buf[k] = '\0';
  fclose(f);
  return 0;
}

/* The host's session; returns 0 when every call behaved (a status and a
 * message, or RR_OK with the right rows), 1 when one did not. */
static int session(void) {
  int bad = 0;
  rr_options o;
  rr_options_init(&o);
  o.out_dir = out_dir;
  o.jobs = 1;
  o.on_message = quiet;
  rr_engine *e = rr_engine_new(&o);
  if (!e) return 0;                          /* out of memory said so */
  int rc = rr_engine_load_string(e, rules_name, rules_src, sizeof rules_src - 1);
  if (rc != RR_OK) {
    bad |= rc != RR_ENOMEM && rc != RR_ERULES;
    bad |= !rr_engine_error(e)[0];
  } else {
    bad |= rr_engine_table_count(e) != 1 || rr_engine_column_count(e, 0) != 3;
    got g = {{0}, 0};
    rc = rr_engine_process(e, "d.txt", doc_text, sizeof doc_text - 1, on_csv, &g);
    if (rc == RR_OK) bad |= strcmp(g.csv, want_csv) != 0;
    else bad |= (rc != RR_EDOCS && rc != RR_ENOMEM) || !rr_engine_error(e)[0];
    const char *paths[] = {doc_path};
    rc = rr_engine_run(e, paths, 1);
    char csv[1024], path[400];
    snprintf(path, sizeof path, "%s/names.csv", out_dir);
    if (rc == RR_OK) {
      int was = armed;         /* the test's own reading back must not be the allocation that fails */
      armed = 0;
      bad |= read_all(path, csv, sizeof csv) != 0 || strcmp(csv, want_file) != 0;
      armed = was;
    }
    else bad |= !rr_engine_error(e)[0];
  }
  rr_engine_free(e);
  return bad;
}

/* Runs the session in a child with allocation n failing: 0 handled, 1
 * misbehaved, 2 crashed, 3 the session made fewer than n allocations, 4
 * blocks were left allocated after it (the parent's session made what the
 * C library keeps once, stdio's buffers and the like, before the fork). */
static int child(long n) {
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    fail_at = n;
    allocations = 0;
    long before = live;
    armed = 1;
    int bad = session();
    armed = 0;
    _exit(allocations < n ? 3 : bad ? bad : live > before ? 4 : 0);
  }
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) return 2;
  if (WIFSIGNALED(st)) return 2;
  return WEXITSTATUS(st);
}

static void test_injected(void) {
  armed = 1;                                  /* counts only: fail_at is 0 */
  allocations = 0;
  fail_at = 0;
  CHECK(session() == 0);
  armed = 0;
  long total = allocations;
  long stride = total > MAX_POINTS ? (total + MAX_POINTS - 1) / MAX_POINTS : 1;
  long tested = 0, crashed = 0, misbehaved = 0, leaked = 0;
  for (long n = 1; n <= total; n += stride) {
    int rc = child(n);
    tested++;
    if (rc == 2) {
      crashed++;
      if (crashed <= 5) fprintf(stderr, "allocation %ld failing: the session crashed\n", n);
    } else if (rc == 4) {
      leaked++;
      if (leaked <= 5) fprintf(stderr, "allocation %ld failing: blocks were left allocated\n", n);
    } else if (rc == 1) {
      misbehaved++;
      if (misbehaved <= 5) fprintf(stderr, "allocation %ld failing: a call gave no status or a wrong row\n", n);
    }
  }
  fprintf(stderr, "fault injection: %ld allocations in the session, %ld failure points tested "
          "(every %ld), %ld crashed, %ld misbehaved, %ld leaked\n", total, tested, stride, crashed, misbehaved,
          leaked);
  CHECK(total > 100);
  CHECK(crashed == 0);
  CHECK(misbehaved == 0);
  CHECK(leaked == 0);
}
#endif

int main(void) {
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
  char dict[300];
  snprintf(rules_name, sizeof rules_name, "%s/rules.lua", dir);
  snprintf(doc_path, sizeof doc_path, "%s/d.txt", dir);
  snprintf(out_dir, sizeof out_dir, "%s/out", dir);
  snprintf(dict, sizeof dict, "%s/dict.csv", dir);
  write_file(dict, "name,code\nAlpha,1\nBeta Corp,2\n");
  write_file(doc_path, doc_text);
  test_max_memory();
#if INJECT
  test_injected();
#else
  fprintf(stderr, "fault injection skipped: AddressSanitizer owns malloc\n");
#endif
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return CHECK_DONE();
}
