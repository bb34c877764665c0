/* cli_merge.c - rulerun merge DIR... -o OUT: the tables of --shard K/N runs as one run would have written them.
 *
 * Shard K of N took documents K, K+N, K+2N ... of the input order, and its
 * directory's shard.rulerun says how many rows each of them gave per table
 * (sink.c).  Document g of the whole run is document g / N of shard
 * g % N + 1, so the merge takes the documents round the shards in turn and
 * copies each one's rows of every table byte for byte (a row ends at a line
 * end outside quotes, CRLF and the --excel profile included).  The header
 * is the first shard's, and every shard's must be the same.  The outputs
 * are written to temp files and renamed in when all are complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define NOTES "shard.rulerun"   /* RR_SHARD_NOTES of rr_internal.h */
#define MAX_TABLES 256

typedef struct shard {
  const char *dir;
  int k, n;
  FILE *notes;
  FILE *table[MAX_TABLES];
  char *line;                /* the notes' line being read */
  size_t cap;
} shard;

static char *table_names;    /* the first shard's tables line, tab-separated */
static char *names[MAX_TABLES];
static int ntables;

static int fail(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "rulerun merge: ");
  fprintf(stderr, fmt, a, b);
  fprintf(stderr, "\n");
  return 2;
}

/* Copies one CSV row (or the header) of in to out: 1, 0 at the end of in,
 * -1 on a write error. */
static int copy_row(FILE *in, FILE *out) {
  int c, quoted = 0, any = 0;
  while ((c = getc_unlocked(in)) != EOF) {
    any = 1;
    if (putc_unlocked(c, out) == EOF) return -1;
    if (c == '"') quoted = !quoted;       /* "" inside a quoted field toggles twice */
    else if (c == '\n' && !quoted) return 1;
  }
  return any;
}

/* The header of f (up to its first line end outside quotes) into a malloc'd string. */
static char *header(FILE *f) {
  char *s = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&s, &n);
  if (!m) return NULL;
  int got = copy_row(f, m);
  fclose(m);
  if (got <= 0) {
    free(s);
    return NULL;
  }
  return s;
}

/* Opens a shard's notes and tables, checks them against the first shard's. */
static int open_shard(shard *s, const char *dir, int first, char **headers) {
  char path[4096];
  s->dir = dir;
  snprintf(path, sizeof path, "%s/" NOTES, dir);
  if (!(s->notes = fopen(path, "r")))
    return fail("%s: %s (not the output directory of a run with --shard K/N?)", path, strerror(errno));
  ssize_t got = getline(&s->line, &s->cap, s->notes);
  int end = 0;
  if (got <= 0 || sscanf(s->line, "rulerun shard %d/%d\n%n", &s->k, &s->n, &end) != 2 || end != got)
    return fail("%s: not a shard's notes (its first line: rulerun shard K/N)%s", path, "");
  if (getline(&s->line, &s->cap, s->notes) <= 0) return fail("%s: no tables line%s", path, "");
  if (first) {
    if (!(table_names = strdup(s->line))) return fail("out of memory%s%s", "", "");
    table_names[strcspn(table_names, "\n")] = '\0';
    for (char *t = table_names; *t;) {
      if (ntables == MAX_TABLES) return fail("%s: more than %s tables", path, "256");
      names[ntables++] = t;
      t += strcspn(t, "\t");
      if (*t) *t++ = '\0';
    }
  } else {
    char *want = NULL;
    size_t k = 0;
    for (int i = 0; i < ntables; i++) k += strlen(names[i]) + 1;
    if (!(want = malloc(k + 2))) return fail("out of memory%s%s", "", "");
    want[0] = '\0';
    for (int i = 0; i < ntables; i++) strcat(strcat(want, i ? "\t" : ""), names[i]);
    strcat(want, "\n");
    int same = strcmp(want, s->line) == 0;
    free(want);
    if (!same) return fail("%s: other tables than the first shard's (a run of another rule file?)%s", path, "");
  }
  for (int i = 0; i < ntables; i++) {
    snprintf(path, sizeof path, "%s/%s.csv", dir, names[i]);
    if (!(s->table[i] = fopen(path, "r"))) return fail("%s: %s", path, strerror(errno));
    char *h = header(s->table[i]);
    if (!h) return fail("%s: no header line%s", path, "");
    if (first) {
      headers[i] = h;
    } else {
      int same = strcmp(h, headers[i]) == 0;
      free(h);
      if (!same) return fail("%s: another header than the first shard's (other options, --excel?)%s", path, "");
    }
  }
  return 0;
}

/* The next document's rows per table from s's notes: 1, 0 at their end, -1 when bad. */
static int next_doc(shard *s, size_t *rows) {
  ssize_t got = getline(&s->line, &s->cap, s->notes);
  if (got <= 0) return 0;
  char *p = s->line;
  for (int i = 0; i < ntables; i++) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p || errno) return -1;
    rows[i] = (size_t)v;
    p = end;
  }
  return *p == '\n' || *p == '\0' ? 1 : -1;
}

static void usage(void) {
  fputs("usage: rulerun merge DIR... -o OUT\n"
        "  DIR...     the output directories of the runs with --shard 1/N ... N/N (any order)\n"
        "  -o, --out  where the merged CSV files go: the files one run without --shard\n"
        "             would have written, byte for byte\n", stdout);
}

int cli_merge(int argc, char **argv) {
  const char *out = NULL;
  const char *dirs[1024];
  int ndirs = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage();
      return 0;
    }
    if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) {
      if (++i == argc) cli_usage_error("%s needs a directory", argv[i - 1]);
      out = argv[i];
    } else if (strncmp(argv[i], "--out=", 6) == 0) {
      out = argv[i] + 6;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      cli_usage_error("merge: unknown option '%s'", argv[i]);
    } else if (ndirs < (int)(sizeof dirs / sizeof *dirs)) {
      dirs[ndirs++] = argv[i];
    } else {
      cli_usage_error("merge: more than %s shard directories", "1024");
    }
  }
  if (!out) cli_usage_error("%s", "merge: no -o OUT given");
  if (!ndirs) cli_usage_error("%s", "merge: no shard directory given");
  shard *sh = calloc((size_t)ndirs, sizeof *sh);
  shard **by_k = calloc((size_t)ndirs + 1, sizeof *by_k);
  char *headers[MAX_TABLES] = {0};
  char *temps[MAX_TABLES] = {0}, *targets[MAX_TABLES] = {0};
  FILE *outs[MAX_TABLES] = {0};
  size_t rows[MAX_TABLES], total[MAX_TABLES] = {0}, docs = 0;
  int status = 2;
  if (!sh || !by_k) {
    fail("out of memory%s%s", "", "");
    goto done;
  }
  for (int i = 0; i < ndirs; i++) {
    if (open_shard(&sh[i], dirs[i], i == 0, headers)) goto done;
    if (sh[i].n != ndirs || (i && sh[i].n != sh[0].n)) {
      char what[64];
      snprintf(what, sizeof what, "%d/%d", sh[i].k, sh[i].n);
      fprintf(stderr, "rulerun merge: %s is shard %s, but %d %s given: every shard 1/N ... N/N is needed\n",
              dirs[i], what, ndirs, cli_plural((size_t)ndirs, "directory is", "directories are"));
      goto done;
    }
    if (by_k[sh[i].k]) {
      fail("%s and %s are the same shard", by_k[sh[i].k]->dir, dirs[i]);
      goto done;
    }
    by_k[sh[i].k] = &sh[i];
  }
  if (mkdir(out, 0777) != 0 && errno != EEXIST) {
    fail("%s: cannot create the output directory: %s", out, strerror(errno));
    goto done;
  }
  for (int t = 0; t < ntables; t++) {
    size_t n = strlen(out) + strlen(names[t]) + 32;
    if (!(targets[t] = malloc(n)) || !(temps[t] = malloc(n))) {
      fail("out of memory%s%s", "", "");
      goto done;
    }
    snprintf(targets[t], n, "%s/%s.csv", out, names[t]);
    snprintf(temps[t], n, "%s/.%s.csv.XXXXXX", out, names[t]);
    int fd = mkstemp(temps[t]);
    if (fd < 0 || !(outs[t] = fdopen(fd, "w"))) {
      if (fd >= 0) close(fd);
      free(temps[t]);
      temps[t] = NULL;
      fail("%s: cannot write: %s", out, strerror(errno));
      goto done;
    }
    fchmod(fd, 0644);
    fputs(headers[t], outs[t]);
  }
  for (int k = 1;; k = k % ndirs + 1) {   /* document g is shard g % N + 1's */
    shard *s = by_k[k];
    int got = next_doc(s, rows);
    if (got < 0) {
      fail("%s/" NOTES ": a bad line%s", s->dir, "");
      goto done;
    }
    if (got == 0) {                   /* the end: every other shard must be at its end too */
      for (int j = 1; j <= ndirs; j++)
        if (j != k && next_doc(by_k[j], rows) != 0) {
          fail("%s/" NOTES ": more documents than shard %s could have (the shards come from other runs?)",
               by_k[j]->dir, by_k[k]->dir);
          goto done;
        }
      break;
    }
    docs++;
    for (int t = 0; t < ntables; t++)
      for (size_t r = 0; r < rows[t]; r++) {
        int c = copy_row(s->table[t], outs[t]);
        if (c <= 0) {
          fail(c < 0 ? "%s: write failed: %s" : "%s: fewer rows than its notes say (%s)", c < 0 ? out : s->dir,
               c < 0 ? strerror(errno) : names[t]);
          goto done;
        }
        total[t]++;
      }
  }
  for (int i = 0; i < ndirs; i++)
    for (int t = 0; t < ntables; t++)
      if (getc_unlocked(sh[i].table[t]) != EOF) {
        fail("%s: more rows of %s than its notes say", sh[i].dir, names[t]);
        goto done;
      }
  for (int t = 0; t < ntables; t++) {
    FILE *f = outs[t];
    outs[t] = NULL;
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
      fail("%s: write failed: %s (no output was changed)", targets[t], strerror(errno));
      goto done;
    }
  }
  for (int t = 0; t < ntables; t++) {
    if (rename(temps[t], targets[t]) != 0) {
      fail("%s: cannot rename into place: %s", targets[t], strerror(errno));
      goto done;
    }
    free(temps[t]);
    temps[t] = NULL;
  }
  fprintf(stderr, "rulerun merge: %zu %s from %d shards -> %s/\n  rows:", docs, cli_plural(docs, "document", "documents"),
          ndirs, out);
  for (int t = 0; t < ntables; t++) fprintf(stderr, "%s %s %zu", t ? "," : "", names[t], total[t]);
  fprintf(stderr, "\n");
  status = 0;
done:
  for (int t = 0; t < MAX_TABLES; t++) {
    if (outs[t]) fclose(outs[t]);
    if (temps[t]) unlink(temps[t]);
    free(temps[t]);
    free(targets[t]);
    free(headers[t]);
  }
  for (int i = 0; sh && i < ndirs; i++) {
    if (sh[i].notes) fclose(sh[i].notes);
    for (int t = 0; t < ntables; t++)
      if (sh[i].table[t]) fclose(sh[i].table[t]);
    free(sh[i].line);
  }
  free(sh);
  free(by_k);
  free(table_names);
  return status;
}
