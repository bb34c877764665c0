/* sink.c - the CSV files of a run: written to temp files beside the targets, renamed in only when complete. */
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

struct rr_sink {
  sink_file *files;
  size_t *rows;
  int n;
  int failed;     /* a write failed: commit refuses */
  int err_no;
};

/* mkdir -p */
static int make_dirs(const char *path) {
  char *p = strdup(path);
  if (!p) return -1;
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST) { free(p); return -1; }
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

static void close_all(rr_sink *s, int remove_temps) {
  for (int i = 0; i < s->n; i++) {
    if (s->files[i].f) fclose(s->files[i].f);
    if (remove_temps && s->files[i].temp) unlink(s->files[i].temp);
    free(s->files[i].target);
    free(s->files[i].temp);
  }
  free(s->files);
  free(s->rows);
  free(s);
}

rr_sink *rr_sink_open(const char *out_dir, const rr_table_schema *tables, int ntables,
                      int excel, int provenance, char *err, size_t errlen) {
  if (make_dirs(out_dir) != 0) {
    snprintf(err, errlen, "%s: cannot create the output directory: %s", out_dir, strerror(errno));
    return NULL;
  }
  rr_sink *s = calloc(1, sizeof *s);
  if (!s || !(s->files = calloc((size_t)ntables + 1, sizeof *s->files)) ||
      !(s->rows = calloc((size_t)ntables + 1, sizeof *s->rows))) {
    if (s) free(s->files);
    free(s);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (int i = 0; i < ntables; i++, s->n++) {
    sink_file *f = &s->files[i];
    size_t n = strlen(out_dir) + strlen(tables[i].name) + 32;
    f->target = malloc(n);
    f->temp = malloc(n);
    if (!f->target || !f->temp) goto fail_errno;
    snprintf(f->target, n, "%s/%s.csv", out_dir, tables[i].name);
    snprintf(f->temp, n, "%s/.%s.csv.XXXXXX", out_dir, tables[i].name);
    int fd = mkstemp(f->temp);
    if (fd < 0) { free(f->temp); f->temp = NULL; goto fail_errno; }
    fchmod(fd, 0644);
    if (!(f->f = fdopen(fd, "w"))) { close(fd); goto fail_errno; }
    setvbuf(f->f, NULL, _IOFBF, 1 << 18);
    rr_buf head = {0};
    if (excel) rr_buf_add(&head, "\xEF\xBB\xBF", 3);
    for (int c = 0; c < tables[i].ncols; c++) {
      if (c) rr_buf_add(&head, ",", 1);
      rr_csv_field(&head, tables[i].cols[c], strlen(tables[i].cols[c]), excel);
    }
    if (provenance) rr_buf_add(&head, ",_rule,_line,_offset", 20);
    rr_buf_add(&head, excel ? "\r\n" : "\n", excel ? 2 : 1);
    size_t w = head.s ? fwrite(head.s, 1, head.len, f->f) : 0;
    int ok = head.s && w == head.len;
    rr_buf_free(&head);
    if (!ok) goto fail_errno;
  }
  return s;
fail_errno:
  snprintf(err, errlen, "%s: cannot write: %s", out_dir, strerror(errno ? errno : ENOMEM));
  s->n++;
  close_all(s, 1);
  return NULL;
}

int rr_sink_write(rr_sink *s, const rr_batch *b) {
  for (int i = 0; i < s->n && (size_t)i < b->ntables; i++) {
    if (!b->rows[i]) continue;
    if (fwrite(b->tables[i].s, 1, b->tables[i].len, s->files[i].f) != b->tables[i].len) {
      if (!s->failed) s->err_no = errno;
      s->failed = 1;
      return -1;
    }
    s->rows[i] += b->rows[i];
  }
  return 0;
}

const size_t *rr_sink_rows(const rr_sink *s) { return s->rows; }

int rr_sink_commit(rr_sink *s, char *err, size_t errlen) {
  int bad = -1;
  for (int i = 0; i < s->n && !s->failed; i++) {
    FILE *f = s->files[i].f;
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
    snprintf(err, errlen, "%s: write failed: %s (no output was changed)",
             bad >= 0 ? s->files[bad].target : "output", strerror(s->err_no));
    close_all(s, 1);
    return -1;
  }
  for (int i = 0; i < s->n; i++) {
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
