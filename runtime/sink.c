/* sink.c - a run's output: CSV files, an xlsx workbook (xlsx.c) or JSON lines, complete or not at all.
 *
 * The rows come as CSV text per table (core.c); for CSV they are written as
 * they are, for the other formats each row is read back into its cells
 * (the CSV is the plain one then: the engine turns --excel off) and written
 * cell by cell.  Files go to temp names beside the targets and are renamed
 * in at commit; JSON lines on stdout (-o -) stream, as a pipe must. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rr_internal.h"

typedef struct sink_file {
  char *target, *temp;
  FILE *f;
} sink_file;

#define MADE_DIRS 8

/* Directories make_dirs created, outermost first (an abort removes them). */
typedef struct made_dirs { char *path[MADE_DIRS]; int n; } made_dirs;

struct rr_sink {
  int kind;       /* RR_SINK_* */
  const rr_table_schema *tables;
  int provenance;
  sink_file *files;   /* CSV: one per table; JSON lines: files[0] (f stdout, no target for -o -) */
  size_t *rows;
  int n;
  int nfiles;
  int failed;     /* a write failed: commit refuses */
  int err_no;
  rr_xlsx *xlsx;
  rr_buf cell;    /* a row's cells, unquoted, one after another */
  const char **v;   /* ... where each starts, and its length */
  size_t *len;
  int ncap;
  rr_buf line;    /* a JSON line */
  char why[512];  /* why a write failed */
  FILE *notes;    /* --shard: files[n], RR_SHARD_NOTES */
  made_dirs made;   /* an aborted run removes them again (those left empty) */
};

int rr_sink_kind(const char *format, const char *out) {
  if (format) {
    return strcmp(format, "csv") == 0 ? RR_SINK_CSV : strcmp(format, "xlsx") == 0 ? RR_SINK_XLSX
           : strcmp(format, "jsonl") == 0 ? RR_SINK_JSONL : -1;
  }
  size_t n = out ? strlen(out) : 0;
  if (out && strcmp(out, "-") == 0) return RR_SINK_JSONL;
  if (n > 6 && strcmp(out + n - 6, ".jsonl") == 0) return RR_SINK_JSONL;
  if (n > 5 && strcmp(out + n - 5, ".xlsx") == 0) return RR_SINK_XLSX;
  return RR_SINK_CSV;
}

/* mkdir -p; the directories it made go into made (the first MADE_DIRS) */
static int make_dirs(const char *path, made_dirs *made) {
  char *p = strdup(path);
  if (!p) return -1;
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0777) == 0) {
        if (made->n < MADE_DIRS && (made->path[made->n] = strdup(p))) made->n++;
      } else if (errno != EEXIST) {
        free(p);
        return -1;
      }
      *s = c;
      if (!c) break;
    }
  }
  free(p);
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
  return 0;
}

/* Removes the directories of made that are empty, innermost first; forgets them all. */
static void remove_made(made_dirs *made) {
  while (made->n > 0) {
    char *p = made->path[--made->n];
    rmdir(p);              /* fails, as it should, on one that holds anything */
    free(p);
  }
}

static void close_all(rr_sink *s, int remove_temps) {
  for (int i = 0; s->files && i < s->nfiles; i++) {
    if (s->files[i].f && s->files[i].f != stdout) fclose(s->files[i].f);
    if (remove_temps && s->files[i].temp) unlink(s->files[i].temp);
    free(s->files[i].target);
    free(s->files[i].temp);
  }
  free(s->files);
  free(s->rows);
  if (remove_temps) {
    rr_xlsx_abort(s->xlsx);
    remove_made(&s->made);
  }
  for (int i = 0; i < s->made.n; i++) free(s->made.path[i]);
  rr_buf_free(&s->cell);
  rr_buf_free(&s->line);
  free(s->v);
  free(s->len);
  free(s);
}

/* A temp file beside target (f->temp), open for writing in f->f. */
static int open_temp(sink_file *f, const char *target) {
  size_t n = strlen(target) + 16;
  const char *slash = strrchr(target, '/');
  size_t dir = slash ? (size_t)(slash - target) + 1 : 0;
  if (!(f->target = strdup(target)) || !(f->temp = malloc(n))) return -1;
  snprintf(f->temp, n, "%.*s.%s.XXXXXX", (int)dir, target, target + dir);
  int fd = mkstemp(f->temp);
  if (fd < 0) {
    free(f->temp);
    f->temp = NULL;
    return -1;
  }
  fchmod(fd, 0644);
  if (!(f->f = fdopen(fd, "w"))) {
    close(fd);
    return -1;
  }
  setvbuf(f->f, NULL, _IOFBF, 1 << 18);
  return 0;
}

/* The CSV files' temps, each with its header. */
static int open_csv(rr_sink *s, const char *out_dir, int excel) {
  for (int i = 0; i < s->n; i++) {
    sink_file *f = &s->files[i];
    s->nfiles = i + 1;         /* closed (its temp removed) on failure too */
    size_t n = strlen(out_dir) + strlen(s->tables[i].name) + 8;
    char *target = malloc(n);
    if (!target) return -1;
    snprintf(target, n, "%s/%s.csv", out_dir, s->tables[i].name);
    int rc = open_temp(f, target);
    free(target);
    if (rc) return -1;
    rr_buf head = {0};
    int bad = excel && rr_buf_add(&head, "\xEF\xBB\xBF", 3);   /* any add that fails fails the header */
    for (int c = 0; c < s->tables[i].ncols; c++) {
      if (c) bad |= rr_buf_add(&head, ",", 1);
      bad |= rr_csv_field(&head, s->tables[i].cols[c], strlen(s->tables[i].cols[c]), excel);
    }
    if (s->provenance) bad |= rr_buf_add(&head, ",_rule,_line,_offset", 20);
    bad |= rr_buf_add(&head, excel ? "\r\n" : "\n", excel ? 2 : 1);
    int ok = !bad && fwrite(head.s, 1, head.len, f->f) == head.len;
    rr_buf_free(&head);
    if (!ok) return -1;
  }
  return 0;
}

/* --shard: RR_SHARD_NOTES's temp as files[n]: "rulerun shard K/N", the
 * tables tab-separated, then a line per document with its rows per table. */
static int open_notes(rr_sink *s, const char *out_dir, int shard, int nshards) {
  size_t n = strlen(out_dir) + sizeof RR_SHARD_NOTES + 2;
  char *target = malloc(n);
  if (!target) return -1;
  snprintf(target, n, "%s/%s", out_dir, RR_SHARD_NOTES);
  int rc = open_temp(&s->files[s->n], target);
  free(target);
  s->nfiles = s->n + 1;
  if (rc) return -1;
  s->notes = s->files[s->n].f;
  fprintf(s->notes, "rulerun shard %d/%d\n", shard, nshards);
  for (int i = 0; i < s->n; i++) fprintf(s->notes, "%s%s", i ? "\t" : "", s->tables[i].name);
  return fputc('\n', s->notes) == EOF ? -1 : 0;
}

/* The parent directory of a file output, made when missing. */
static int make_parent(const char *path, made_dirs *made) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return 0;
  char *dir = strndup(path, (size_t)(slash - path));
  int rc = dir ? make_dirs(dir, made) : -1;
  free(dir);
  return rc;
}

rr_sink *rr_sink_open(const char *out, const rr_table_schema *tables, int ntables, const rr_options *opt,
                      char *err, size_t errlen) {
  int kind = rr_sink_kind(opt->format, out);
  if (kind < 0) {
    snprintf(err, errlen, "unknown output format '%s' (csv, xlsx or jsonl)", opt->format);
    return NULL;
  }
  int to_stdout = kind == RR_SINK_JSONL && strcmp(out, "-") == 0;
  made_dirs made = {{NULL}, 0};
  if (kind == RR_SINK_CSV ? make_dirs(out, &made) != 0 : !to_stdout && make_parent(out, &made) != 0) {
    snprintf(err, errlen, "%s: cannot create the output directory: %s", out, strerror(errno));
    remove_made(&made);
    return NULL;
  }
  rr_sink *s = calloc(1, sizeof *s);
  if (!s || !(s->files = calloc((size_t)ntables + 1, sizeof *s->files)) ||
      !(s->rows = calloc((size_t)ntables + 1, sizeof *s->rows))) {
    if (s) free(s->files);
    free(s);
    remove_made(&made);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  s->made = made;
  s->kind = kind;
  s->tables = tables;
  s->n = ntables;
  s->provenance = opt->provenance;
  errno = 0;
  if (opt->nshards > 0 && kind != RR_SINK_CSV) {
    snprintf(err, errlen, "%s: --shard writes a CSV directory (for rulerun merge), not %s", out,
             kind == RR_SINK_XLSX ? "a workbook" : "JSON lines");
    close_all(s, 1);
    return NULL;
  }
  if (kind == RR_SINK_XLSX) {
    if (!(s->xlsx = rr_xlsx_open(out, tables, ntables, opt->provenance, err, errlen))) {
      close_all(s, 1);
      return NULL;
    }
    return s;
  }
  int rc;
  if (kind == RR_SINK_CSV) {
    rc = open_csv(s, out, opt->excel);
    if (rc == 0 && opt->nshards > 0) rc = open_notes(s, out, opt->shard, opt->nshards);
  } else if (to_stdout) {
    s->files[0].f = stdout;
    s->nfiles = 1;
    rc = 0;
  } else {
    rc = open_temp(&s->files[0], out);
    s->nfiles = 1;
  }
  if (rc == 0) return s;
  snprintf(err, errlen, "%s: cannot write: %s", out, strerror(errno ? errno : ENOMEM));
  close_all(s, 1);
  return NULL;
}

/* The cells of the CSV row at p (as core.c writes it: plain, quoted only
 * where needed, ending in '\n') into s->v/len; returns where the next row
 * starts, or NULL without memory. */
static const char *read_row(rr_sink *s, const char *p, const char *end, int *ncells) {
  s->cell.len = 0;
  size_t start[4096 / sizeof(size_t)], *at = start;   /* offsets into s->cell, as it may move */
  size_t nat = sizeof start / sizeof *start, n = 0;
  size_t *heap = NULL;
  for (;;) {
    if (n == nat) {
      size_t *v = realloc(heap, 2 * nat * sizeof *v);
      if (!v) { free(heap); return NULL; }
      if (!heap) memcpy(v, start, sizeof start);
      at = heap = v;
      nat *= 2;
    }
    at[n++] = s->cell.len;
    if (p < end && *p == '"') {
      for (p++; p < end; p++) {
        if (*p == '"' && (p + 1 >= end || p[1] != '"')) { p++; break; }
        if (*p == '"') p++;
        if (rr_buf_add(&s->cell, p, 1)) { free(heap); return NULL; }
      }
    } else {
      const char *q = p;
      while (q < end && *q != ',' && *q != '\n') q++;
      if (rr_buf_add(&s->cell, p, (size_t)(q - p))) { free(heap); return NULL; }
      p = q;
    }
    if (p < end && *p == ',') { p++; continue; }
    if (p < end && *p == '\n') p++;
    break;
  }
  if ((int)n > s->ncap) {
    const char **v = realloc(s->v, n * sizeof *v);
    size_t *len = v ? realloc(s->len, n * sizeof *len) : NULL;
    if (v) s->v = v;
    if (!v || !len) { free(heap); return NULL; }
    s->len = len;
    s->ncap = (int)n;
  }
  for (size_t i = 0; i < n; i++) {
    s->v[i] = s->cell.s ? s->cell.s + at[i] : "";
    s->len[i] = (i + 1 < n ? at[i + 1] : s->cell.len) - at[i];
  }
  free(heap);
  *ncells = (int)n;
  return p;
}

/* One row as a JSON object on one line: the table's name, then the columns. */
static int json_row(rr_sink *s, int table, int n) {
  static const char *const prov[] = {"_rule", "_line", "_offset"};
  const rr_table_schema *t = &s->tables[table];
  rr_buf *b = &s->line;
  b->len = 0;
  int bad = rr_buf_add(b, "{\"_table\":", 10) || rr_json_string(b, t->name, strlen(t->name));
  for (int c = 0; c < n && c < t->ncols + (s->provenance ? 3 : 0) && !bad; c++) {
    const char *key = c < t->ncols ? t->cols[c] : prov[c - t->ncols];
    bad = rr_buf_add(b, ",", 1) || rr_json_string(b, key, strlen(key)) || rr_buf_add(b, ":", 1) ||
          rr_json_string(b, s->v[c], s->len[c]);
  }
  if (bad || rr_buf_add(b, "}\n", 2)) return -1;
  return fwrite(b->s, 1, b->len, s->files[0].f) == b->len ? 0 : -1;
}

int rr_sink_write(rr_sink *s, const rr_batch *b) {
  for (int i = 0; s->notes && i < s->n; i++)   /* this document's place, for rulerun merge */
    if (fprintf(s->notes, i + 1 < s->n ? "%zu " : "%zu\n", (size_t)i < b->ntables ? b->rows[i] : 0) < 0) {
      s->failed = 1;
      s->err_no = errno;
      snprintf(s->why, sizeof s->why, "%s", strerror(errno ? errno : EIO));
      return -1;
    }
  for (int i = 0; i < s->n && (size_t)i < b->ntables; i++) {
    if (!b->rows[i]) continue;
    const char *p = b->tables[i].s, *end = p + b->tables[i].len;
    int rc = 0;
    if (s->kind == RR_SINK_CSV) {
      rc = fwrite(p, 1, b->tables[i].len, s->files[i].f) == b->tables[i].len ? 0 : -1;
    } else {
      while (p < end && rc == 0) {
        int n;
        if (!(p = read_row(s, p, end, &n))) {
          errno = ENOMEM;
          rc = -1;
        } else {
          rc = s->kind == RR_SINK_XLSX ? rr_xlsx_row(s->xlsx, i, s->tables[i].name, s->v, s->len, n)
                                       : json_row(s, i, n);
        }
      }
    }
    if (rc != 0) {
      if (!s->failed) {
        s->err_no = errno;
        if (s->kind == RR_SINK_XLSX) rr_xlsx_why(s->xlsx, s->why, sizeof s->why);
        else snprintf(s->why, sizeof s->why, "%s", strerror(errno ? errno : EIO));
      }
      s->failed = 1;
      return -1;
    }
    s->rows[i] += b->rows[i];
  }
  return 0;
}

const size_t *rr_sink_rows(const rr_sink *s) { return s->rows; }
const char *rr_sink_why(const rr_sink *s) { return s->why; }

int rr_sink_commit(rr_sink *s, char *err, size_t errlen) {
  if (s->kind == RR_SINK_XLSX) {
    rr_xlsx *x = s->xlsx;
    s->xlsx = NULL;
    int rc = rr_xlsx_commit(x, err, errlen);   /* says why itself */
    close_all(s, 1);
    return rc;
  }
  int bad = -1;
  for (int i = 0; i < s->nfiles && !s->failed; i++) {
    FILE *f = s->files[i].f;
    if (f == stdout) {
      if (fflush(f) != 0) s->err_no = errno, s->failed = 1, bad = i;
      continue;
    }
    s->files[i].f = NULL;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
      s->err_no = errno;
      s->failed = 1;
      bad = i;
    }
    if (fclose(f) != 0 && !s->failed) {
      s->err_no = errno;
      s->failed = 1;
      bad = i;
    }
  }
  if (s->failed) {
    if (s->xlsx) rr_xlsx_abort(s->xlsx);
    snprintf(err, errlen, "%s: write failed: %s (no output was changed)",
             bad >= 0 && s->files[bad].target ? s->files[bad].target : "output", strerror(s->err_no));
    close_all(s, 1);
    return -1;
  }
  for (int i = 0; i < s->nfiles; i++) {
    if (!s->files[i].temp) continue;     /* stdout */
    if (rename(s->files[i].temp, s->files[i].target) != 0) {
      snprintf(err, errlen, "%s: cannot rename into place: %s", s->files[i].target, strerror(errno));
      close_all(s, 1);
      return -1;
    }
    free(s->files[i].temp);
    s->files[i].temp = NULL;
  }
  close_all(s, 0);
  return 0;
}

void rr_sink_abort(rr_sink *s) {
  if (s) close_all(s, 1);
}
