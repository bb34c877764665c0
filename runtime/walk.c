/* walk.c - the command line's paths (and --files-from's, and JSON lines) as a stream of documents, in path order.
 *
 * The walk is lazy: a directory is listed when the walk reaches it, so memory
 * holds the listings of the directories on the current path, not a list of
 * every file (40,000 reports or 4,000 take the same memory).  Entries are
 * sorted with a '/' after directory names, which gives the same order as
 * sorting every relative path ("a.txt" before "a/x.txt").  Lists (--files-from)
 * and JSON lines are read one record at a time, so they take no more memory
 * than their longest record.  With a shard, only every N-th document is
 * handed out; the others are counted and skipped unread. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rr_internal.h"

#define MAX_DEPTH 64
#define STRINGIFY(x) #x
#define TO_STRING(x) STRINGIFY(x)   /* MAX_DEPTH in a message, as a literal */

typedef struct entry {
  char *key;        /* name, with '/' appended for a directory */
  dev_t dev;        /* of a directory: to stop at symlink loops */
  ino_t ino;
  const char *problem;   /* why a matching name cannot be read as a document, or NULL */
} entry;

typedef struct frame {  /* one directory on the current path */
  char *path, *rel;     /* rel "" for the root */
  dev_t dev;            /* the directory itself: a symlink back to it is a loop */
  ino_t ino;
  entry *v;
  size_t n, next;
} frame;

struct rr_walker {
  const char *const *roots;
  struct stat *root_st;   /* taken once, by rr_walker_new */
  size_t nroots, next_root;
  int nfiles;             /* roots that are files; all of them: the count is known */
  int uses_stdin;         /* "-", or a list or JSON lines read from stdin */
  rr_globs *globs;
  size_t root_skip;       /* what the current root puts before rel: globs see what follows */
  frame stack[MAX_DEPTH];
  int depth;            /* frames in use */
  FILE *list;           /* --files-from */
  int list_sep;         /* '\n' or '\0' */
  char *record;         /* the list's record, or the JSON line, being read */
  size_t record_cap;
  const char *jsonl_text, *jsonl_name;
  FILE *jsonl;          /* the JSON-lines file being read, and its name */
  char *jsonl_rel;
  size_t jsonl_line;
  int shard, nshards;   /* nshards > 1: documents seen % nshards == shard - 1 are ours */
  size_t seen;
};

/* Whether the next document in input order is this shard's (and counts it). */
static int ours(rr_walker *w) {
  return w->nshards <= 1 || w->seen++ % (size_t)w->nshards == (size_t)w->shard - 1;
}

static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 2);
  if (!s) return NULL;
  memcpy(s, a, la);
  size_t k = la;
  if (la && lb) s[k++] = '/';
  memcpy(s + k, b, lb + 1);
  return s;
}

static int cmp_entry(const void *a, const void *b) {
  return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static void frame_free(frame *f) {
  for (size_t i = 0; i < f->n; i++) free(f->v[i].key);
  free(f->v);
  free(f->path);
  free(f->rel);
  memset(f, 0, sizeof *f);
}

/* Whether the globs take the entry name of frame f (dir: a directory to walk). */
static int take(const rr_walker *w, const frame *f, const char *name, int dir) {
  if (!rr_globs_need_path(w->globs)) return rr_globs_take(w->globs, NULL, name, dir);
  const char *below = strlen(f->rel) > w->root_skip ? f->rel + w->root_skip : "";
  char path[8192];
  snprintf(path, sizeof path, "%s%s%s", below, *below ? "/" : "", name);
  return rr_globs_take(w->globs, path, name, dir);
}

/* Lists directory path (dev/ino) into a new frame: the files the globs
 * take and the subdirectories, sorted.  Takes path and rel on success; -1
 * (path and rel still the caller's) when it cannot be listed or memory runs
 * out. */
static int push_frame(rr_walker *w, char *path, char *rel, dev_t dev, ino_t ino, char *err, size_t errlen) {
  frame *f = &w->stack[w->depth];
  memset(f, 0, sizeof *f);
  f->path = path;
  f->rel = rel;
  f->dev = dev;
  f->ino = ino;
  DIR *d = opendir(path);
  if (!d) {
    snprintf(err, errlen, "%s", strerror(errno));
    goto fail;
  }
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;   /* ., .., and hidden files such as our own temp files */
    struct stat st;                      /* follows symlinks, as stat(2) */
    const char *problem = NULL;
    int dir = 0;
    if (fstatat(dirfd(d), e->d_name, &st, 0) != 0) {
      /* a dangling symlink, a file gone since readdir: reported if it is one we would read */
      if (!take(w, f, e->d_name, 0)) continue;
      problem = errno == ENOENT ? "cannot read: No such file or directory (a dangling symlink?)"
                                : "cannot read: cannot stat it";
    } else {
      dir = S_ISDIR(st.st_mode);
      if (!take(w, f, e->d_name, dir)) continue;
      if (!dir && !S_ISREG(st.st_mode))   /* a FIFO would block the worker for ever */
        problem = S_ISFIFO(st.st_mode) ? "not a regular file (a named pipe), skipped"
                  : S_ISSOCK(st.st_mode) ? "not a regular file (a socket), skipped"
                                        : "not a regular file (a device), skipped";
    }
    if (f->n == cap) {
      cap = cap ? cap * 2 : 64;
      entry *v = realloc(f->v, cap * sizeof *v);
      if (!v) goto nomem;
      f->v = v;
    }
    size_t k = strlen(e->d_name);
    char *key = malloc(k + 2);
    if (!key) goto nomem;
    memcpy(key, e->d_name, k);
    key[k] = dir ? '/' : '\0';
    key[k + 1] = '\0';
    f->v[f->n++] = (entry){key, dir ? st.st_dev : 0, dir ? st.st_ino : 0, problem};
  }
  closedir(d);
  if (f->n > 1) qsort(f->v, f->n, sizeof *f->v, cmp_entry);   /* an empty directory has no array */
  w->depth++;
  return 0;
nomem:
  closedir(d);
  snprintf(err, errlen, "out of memory");
fail:
  f->path = f->rel = NULL;     /* still the caller's */
  frame_free(f);
  return -1;
}

rr_walker *rr_walker_new(const char *const *roots, size_t nroots, const rr_options *opt, char *err,
                         size_t errlen) {
  rr_walker *w = calloc(1, sizeof *w);
  if (!w || !(w->root_st = calloc(nroots + 1, sizeof *w->root_st))) {
    rr_walker_free(w);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->roots = roots;
  w->nroots = nroots;
  w->jsonl_text = opt->jsonl_text;
  w->jsonl_name = opt->jsonl_name;
  w->shard = opt->shard;
  w->nshards = opt->nshards;
  if (!(w->globs = rr_globs_new(opt->globs, opt->nglobs, opt->glob, err, errlen))) {
    rr_walker_free(w);
    return NULL;
  }
  if (opt->files_from) {
    w->list_sep = opt->files_from_nul ? '\0' : '\n';
    w->uses_stdin = strcmp(opt->files_from, "-") == 0;
    w->list = w->uses_stdin ? stdin : fopen(opt->files_from, "r");
    if (!w->list) {
      snprintf(err, errlen, "%s: %s", opt->files_from, strerror(errno));
      rr_walker_free(w);
      return NULL;
    }
  }
  for (size_t i = 0; i < nroots; i++) {   /* a missing root is an error before anything runs */
    if (strcmp(roots[i], "-") == 0) {     /* stdin: one report, or JSON lines */
      if (w->uses_stdin) {
        snprintf(err, errlen, "-: stdin given twice (as a path and --files-from -, or twice)");
        rr_walker_free(w);
        return NULL;
      }
      w->uses_stdin = 1;
      w->nfiles++;
      continue;
    }
    if (stat(roots[i], &w->root_st[i]) != 0) {
      snprintf(err, errlen, "%s: %s", roots[i], strerror(errno));
      rr_walker_free(w);
      return NULL;
    }
    w->nfiles += !S_ISDIR(w->root_st[i].st_mode);
  }
  return w;
}

/* Hands out one input: path and rel are taken (path may be NULL when there is
 * a problem), problem copied.  rel becomes valid UTF-8 for the file column. */
static int hand_out(rr_input *in, char *path, char *rel, const char *problem, char *err, size_t errlen) {
  memset(in, 0, sizeof *in);
  if (rel && strcmp(rel, "-") == 0) {     /* stdin: named so, its bytes read here */
    free(rel);
    rel = strdup("<stdin>");
  }
  in->path = path;
  in->rel = rel;
  size_t n = rel ? strlen(rel) : 0;
  if (rel && rr_utf8_valid_prefix(rel, n) != n) {
    in->rel = rr_utf8_name(rel);
    free(rel);
  }
  in->problem = problem ? strdup(problem) : NULL;
  if (in->rel && (!problem || in->problem)) return 1;
  free(in->path);
  free(in->rel);
  free(in->problem);
  snprintf(err, errlen, "out of memory");
  return -1;
}

/* Whether an ancestor of the current frame is the directory dev/ino. */
static int on_path(const rr_walker *w, dev_t dev, ino_t ino) {
  for (int i = 0; i < w->depth; i++)
    if (w->stack[i].dev == dev && w->stack[i].ino == ino) return 1;
  return 0;
}

/* The list's next record (an empty one skipped, a CR before a newline
 * dropped): 1, 0 at its end, -1 on a read error. */
static int list_record(rr_walker *w, char *err, size_t errlen) {
  for (;;) {
    errno = 0;
    ssize_t n = getdelim(&w->record, &w->record_cap, w->list_sep, w->list);
    if (n < 0) {
      if (ferror(w->list)) {
        snprintf(err, errlen, "--files-from: cannot read the list: %s", strerror(errno ? errno : EIO));
        return -1;
      }
      return 0;
    }
    if (n > 0 && w->record[n - 1] == w->list_sep) w->record[--n] = '\0';
    if (w->list_sep == '\n' && n > 0 && w->record[n - 1] == '\r') w->record[--n] = '\0';
    if (n > 0) return 1;
  }
}

/* Reads all of f into in->data (stdin as a report). */
static int slurp(FILE *f, rr_input *in, char *err, size_t errlen) {
  rr_buf b = {0};
  char chunk[65536];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (rr_buf_add(&b, chunk, k)) {
      rr_buf_free(&b);
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  if (rr_buf_add(&b, "", 1)) {
    rr_buf_free(&b);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (ferror(f)) {
    rr_buf_free(&b);
    in->problem = strdup("cannot read stdin, skipped");
    return in->problem ? 1 : -1;
  }
  in->data = b.s;
  in->len = b.len - 1;
  return 1;
}

/* The next file or problem of the walk, as if every input were a file. */
static int next_file(rr_walker *w, rr_input *in, char *err, size_t errlen) {
  for (;;) {
    if (w->depth == 0 && w->next_root == w->nroots && w->list) {   /* the next entry of the list */
      int got = list_record(w, err, errlen);
      if (got <= 0) return got;
      struct stat st;
      char *path = strdup(w->record), *rel = strdup(w->record);
      if (!path || !rel) {
        free(path);
        free(rel);
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      if (stat(path, &st) != 0) {          /* a listed file that is not there costs only itself */
        char why[300];
        snprintf(why, sizeof why, "cannot read: %s, skipped", strerror(errno));
        free(path);
        return hand_out(in, NULL, rel, why, err, errlen);
      }
      if (!S_ISDIR(st.st_mode)) return hand_out(in, path, rel, NULL, err, errlen);
      size_t n = strlen(path);
      while (n > 1 && path[n - 1] == '/') {
        n--;
        path[n] = rel[n] = '\0';
      }
      w->root_skip = n + 1;
      if (push_frame(w, path, rel, st.st_dev, st.st_ino, err, errlen) == 0) continue;
      char why[300];
      snprintf(why, sizeof why, "cannot list the directory: %s", err);
      err[0] = '\0';
      free(path);
      return hand_out(in, NULL, rel, why, err, errlen);
    }
    if (w->depth == 0) {                   /* the next root */
      if (w->next_root == w->nroots) return 0;
      const struct stat st = w->root_st[w->next_root];
      const char *root = w->roots[w->next_root++];
      /* With one root, names are relative to it; with several, two roots may
       * hold the same relative name (a/x.txt, b/x.txt), so each name starts
       * with its root as given. */
      int several = w->nroots > 1 || w->list;
      if (strcmp(root, "-") == 0) return hand_out(in, strdup(root), strdup(root), NULL, err, errlen);
      if (!S_ISDIR(st.st_mode)) {          /* a file named on the command line is taken whatever its name */
        const char *base = strrchr(root, '/');
        return hand_out(in, strdup(root), strdup(several || !base ? root : base + 1), NULL, err, errlen);
      }
      char *dir = strdup(root), *rel = strdup(several ? root : "");
      if (!dir || !rel) {
        free(dir);
        free(rel);
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      size_t n = strlen(dir);
      while (n > 1 && dir[n - 1] == '/') dir[--n] = '\0';   /* "reports/" -> "reports" */
      for (n = strlen(rel); n > 1 && rel[n - 1] == '/';) rel[--n] = '\0';
      w->root_skip = n ? n + 1 : 0;
      if (push_frame(w, dir, rel, st.st_dev, st.st_ino, err, errlen) == 0) continue;
      char why[256];                       /* the root must list */
      snprintf(why, sizeof why, "%s", err);
      snprintf(err, errlen, "%s: %s", dir, why);
      free(dir);
      free(rel);
      return -1;
    }
    frame *f = &w->stack[w->depth - 1];
    if (f->next == f->n) {
      frame_free(f);
      w->depth--;
      continue;
    }
    entry *e = &f->v[f->next++];
    size_t k = strlen(e->key);
    int dir = e->key[k - 1] == '/';
    if (dir) e->key[k - 1] = '\0';
    char *path = join(f->path, e->key), *rel = join(f->rel, e->key);
    if (!path || !rel) {
      free(path);
      free(rel);
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    if (!dir) return hand_out(in, path, rel, e->problem, err, errlen);
    if (on_path(w, e->dev, e->ino))
      return hand_out(in, path, rel, "a symlink loop back to a directory above it, not followed", err, errlen);
    if (w->depth >= MAX_DEPTH)
      return hand_out(in, path, rel, "more than " TO_STRING(MAX_DEPTH) " directories deep, not walked", err, errlen);
    if (push_frame(w, path, rel, e->dev, e->ino, err, errlen) == 0) continue;
    /* below the root, a directory that cannot be listed costs only its own files */
    char why[300];
    snprintf(why, sizeof why, "cannot list the directory: %s", err);
    err[0] = '\0';
    free(path);
    return hand_out(in, NULL, rel, why, err, errlen);
  }
}

/* The next line of the JSON-lines file being read as a document: 1, 0 at
 * its end (closed), -1 on a read error or without memory. */
static int next_line(rr_walker *w, rr_input *in, char *err, size_t errlen) {
  for (;;) {
    errno = 0;
    ssize_t n = getline(&w->record, &w->record_cap, w->jsonl);
    if (n < 0) {
      int bad = ferror(w->jsonl);
      if (bad) snprintf(err, errlen, "%s: cannot read it: %s", w->jsonl_rel, strerror(errno ? errno : EIO));
      if (w->jsonl != stdin) fclose(w->jsonl);
      w->jsonl = NULL;
      free(w->jsonl_rel);
      w->jsonl_rel = NULL;
      return bad ? -1 : 0;
    }
    w->jsonl_line++;
    while (n > 0 && (w->record[n - 1] == '\n' || w->record[n - 1] == '\r')) n--;
    size_t blank = 0;
    while (blank < (size_t)n && strchr(" \t", w->record[blank])) blank++;
    if (blank == (size_t)n || !ours(w)) continue;    /* an empty line is no document */
    char why[300], *name = NULL, *text = NULL, where[64];
    size_t len;
    int rc = rr_jsonl_record(w->record, (size_t)n, w->jsonl_text, w->jsonl_name, &text, &len, &name, why,
                             sizeof why);
    snprintf(where, sizeof where, ":%zu", w->jsonl_line);
    size_t k = strlen(w->jsonl_rel);
    char *rel = name ? name : malloc(k + strlen(where) + 1);
    if (!rel) {
      free(text);
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    if (!name) {
      memcpy(rel, w->jsonl_rel, k);
      strcpy(rel + k, where);
    }
    if (rc != 0) {                       /* (a name is only had from a good line) */
      char msg[400];
      snprintf(msg, sizeof msg, "%s, skipped", why);
      return hand_out(in, NULL, rel, msg, err, errlen);
    }
    int got = hand_out(in, NULL, rel, NULL, err, errlen);
    if (got < 0) {
      free(text);
      return got;
    }
    in->data = text;
    in->len = len;
    return 1;
  }
}

int rr_walker_next(rr_walker *w, rr_input *in, char *err, size_t errlen) {
  for (;;) {
    if (w->jsonl) {
      int got = next_line(w, in, err, errlen);
      if (got != 0) return got;
    }
    int got = next_file(w, in, err, errlen);
    if (got <= 0) return got;
    int is_stdin = in->path && strcmp(in->path, "-") == 0;
    if (w->jsonl_text && !in->problem) {   /* the file's lines are the documents */
      w->jsonl = is_stdin ? stdin : fopen(in->path, "r");
      if (w->jsonl) {
        w->jsonl_rel = in->rel;
        w->jsonl_line = 0;
        free(in->path);
        continue;
      }
      char why[300];
      snprintf(why, sizeof why, "cannot read: %s, skipped", strerror(errno));
      if (!(in->problem = strdup(why))) {
        snprintf(err, errlen, "out of memory");
        return -1;
      }
    }
    if (!ours(w)) {                        /* another shard's: not read */
      free(in->path);
      free(in->rel);
      free(in->problem);
      continue;
    }
    if (is_stdin && !in->problem) return slurp(stdin, in, err, errlen);
    return 1;
  }
}

int rr_walker_count(const rr_walker *w) {
  if (w->jsonl_text || w->list) return w->uses_stdin ? -2 : -1;
  if ((size_t)w->nfiles != w->nroots) return w->uses_stdin ? -2 : -1;
  if (w->nshards <= 1) return w->nfiles;
  size_t n = w->nroots, k = (size_t)w->shard - 1, N = (size_t)w->nshards;
  return n > k ? (int)((n - k + N - 1) / N) : 0;
}

void rr_walker_free(rr_walker *w) {
  if (!w) return;
  while (w->depth > 0) frame_free(&w->stack[--w->depth]);
  if (w->list && w->list != stdin) fclose(w->list);
  if (w->jsonl && w->jsonl != stdin) fclose(w->jsonl);
  free(w->jsonl_rel);
  free(w->record);
  free(w->root_st);
  rr_globs_free(w->globs);
  free(w);
}
