/* walk.c - the command line's paths as a stream of documents, in path order.
 *
 * The walk is lazy: a directory is listed when the walk reaches it, so memory
 * holds the listings of the directories on the current path, not a list of
 * every file (40,000 reports or 4,000 take the same memory).  Entries are
 * sorted with a '/' after directory names, which gives the same order as
 * sorting every relative path ("a.txt" before "a/x.txt"). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
  char *glob;
  frame stack[MAX_DEPTH];
  int depth;            /* frames in use */
};

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

/* Lists directory path (dev/ino) into a new frame: the files that match
 * glob and the subdirectories, sorted.  Takes path and rel on success; -1
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
      if (fnmatch(w->glob, e->d_name, 0) != 0) continue;
      problem = errno == ENOENT ? "cannot read: No such file or directory (a dangling symlink?)"
                                : "cannot read: cannot stat it";
    } else {
      dir = S_ISDIR(st.st_mode);
      if (!dir && fnmatch(w->glob, e->d_name, 0) != 0) continue;
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

rr_walker *rr_walker_new(const char *const *roots, size_t nroots, const char *glob, char *err,
                         size_t errlen) {
  rr_walker *w = calloc(1, sizeof *w);
  if (!w || !(w->glob = strdup(glob)) || !(w->root_st = calloc(nroots + 1, sizeof *w->root_st))) {
    rr_walker_free(w);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->roots = roots;
  w->nroots = nroots;
  for (size_t i = 0; i < nroots; i++) {   /* a missing root is an error before anything runs */
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

int rr_walker_next(rr_walker *w, rr_input *in, char *err, size_t errlen) {
  for (;;) {
    if (w->depth == 0) {                   /* the next root */
      if (w->next_root == w->nroots) return 0;
      const struct stat st = w->root_st[w->next_root];
      const char *root = w->roots[w->next_root++];
      /* With one root, names are relative to it; with several, two roots may
       * hold the same relative name (a/x.txt, b/x.txt), so each name starts
       * with its root as given. */
      int several = w->nroots > 1;
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

int rr_walker_count(const rr_walker *w) {
  return (size_t)w->nfiles == w->nroots ? w->nfiles : -1;
}

void rr_walker_free(rr_walker *w) {
  if (!w) return;
  while (w->depth > 0) frame_free(&w->stack[--w->depth]);
  free(w->root_st);
  free(w->glob);
  free(w);
}
