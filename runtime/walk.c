/* walk.c - turn the command line's paths into the sorted list of documents to read. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rr_internal.h"

typedef struct dir_id { dev_t dev; ino_t ino; } dir_id;

static int push_input(rr_inputs *list, const char *path, const char *rel) {
  if (list->n == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 256;
    rr_input *v = realloc(list->v, cap * sizeof *v);
    if (!v) return -1;
    list->v = v;
    list->cap = cap;
  }
  rr_input *in = &list->v[list->n];
  in->path = strdup(path);
  in->rel = strdup(rel);
  if (!in->path || !in->rel) {
    free(in->path);
    free(in->rel);
    return -1;
  }
  list->n++;
  return 0;
}

static int cmp_input(const void *a, const void *b) {
  return strcmp(((const rr_input *)a)->rel, ((const rr_input *)b)->rel);
}

/* Walks dir (whose path relative to the root is rel, "" for the root).
 * ancestors holds the directories above, to stop at symlink loops. */
static int walk_dir(const char *dir, const char *rel, const char *glob, rr_inputs *list,
                    dir_id *ancestors, int depth, char *err, size_t errlen) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "%s: %s", dir, strerror(errno));
    return depth == 0 ? -1 : 0;   /* below the root: skip what cannot be listed */
  }
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d)) && rc == 0) {
    if (e->d_name[0] == '.') continue;   /* ., .., and hidden files such as our own temp files */
    size_t pl = strlen(dir) + strlen(e->d_name) + 2, rl = strlen(rel) + strlen(e->d_name) + 2;
    char *path = malloc(pl), *r = malloc(rl);
    if (!path || !r) { free(path); free(r); rc = -1; snprintf(err, errlen, "out of memory"); break; }
    snprintf(path, pl, "%s/%s", dir, e->d_name);
    snprintf(r, rl, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    struct stat st;
    if (stat(path, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        int loop = 0;
        for (int i = 0; i <= depth; i++)
          loop |= ancestors[i].dev == st.st_dev && ancestors[i].ino == st.st_ino;
        if (!loop && depth + 1 < 64) {
          ancestors[depth + 1].dev = st.st_dev;
          ancestors[depth + 1].ino = st.st_ino;
          rc = walk_dir(path, r, glob, list, ancestors, depth + 1, err, errlen);
        }
      } else if (S_ISREG(st.st_mode) && fnmatch(glob, e->d_name, 0) == 0) {
        if (push_input(list, path, r)) { rc = -1; snprintf(err, errlen, "out of memory"); }
      }
    }
    free(path);
    free(r);
  }
  closedir(d);
  return rc;
}

int rr_walk(const char *root, const char *glob, rr_inputs *list, char *err, size_t errlen) {
  struct stat st;
  if (stat(root, &st) != 0) {
    snprintf(err, errlen, "%s: %s", root, strerror(errno));
    return -1;
  }
  size_t first = list->n;
  if (S_ISDIR(st.st_mode)) {
    dir_id ancestors[64];
    ancestors[0].dev = st.st_dev;
    ancestors[0].ino = st.st_ino;
    char *dir = strdup(root);
    if (!dir) return -1;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') dir[--n] = '\0';   /* "reports/" -> "reports" */
    int rc = walk_dir(dir, "", glob, list, ancestors, 0, err, errlen);
    free(dir);
    if (rc) return rc;
  } else {
    /* a file named on the command line is taken whatever its name */
    const char *base = strrchr(root, '/');
    if (push_input(list, root, base ? base + 1 : root)) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  qsort(list->v + first, list->n - first, sizeof *list->v, cmp_input);
  return 0;
}

void rr_inputs_free(rr_inputs *list) {
  for (size_t i = 0; i < list->n; i++) {
    free(list->v[i].path);
    free(list->v[i].rel);
  }
  free(list->v);
  memset(list, 0, sizeof *list);
}
