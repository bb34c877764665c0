/* globs.c - which files a directory walk takes, as ripgrep's -g and --iglob: repeatable, ! excludes, {a,b} braces, the last match wins.
 *
 * A glob without '/' is matched against the file's name, one with '/'
 * against its path below the directory given (a/b/x*.txt; a leading '/'
 * or a leading double-star-slash anchors nothing more); '*' crosses '/' in
 * the latter, so a/x* takes everything under a whose path starts with x.
 * A file is taken when the last glob that matches it is not a '!' one.
 * Without any glob that takes files, the default "*.{txt,pdf}",
 * case-insensitive, comes first, so that "-g '!draft*'" only leaves files
 * out.  A '!' glob that matches a directory's name (or path) keeps the walk
 * out of it; "name/" matches directories only. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rr_internal.h"

#define MAX_ALTERNATIVES 256   /* of one glob's braces */

typedef struct glob_alt {
  char *pattern;
  int path;        /* has a '/': matched against the path, else the name */
} glob_alt;

typedef struct glob_one {
  glob_alt *alt;
  size_t nalt;
  int negated, caseless, dir_only;
} glob_one;

struct rr_globs {
  glob_one *v;
  size_t n;
  int any_path;    /* some glob needs the path, not only the name */
};

/* Expands the first {a,b,...} of p (and, recursively, the rest) into g. */
static int expand(glob_one *g, const char *p, char *err, size_t errlen) {
  const char *open = NULL;
  int depth = 0;
  for (const char *s = p; *s; s++) {
    if (*s == '\\' && s[1]) { s++; continue; }
    if (*s == '{' && depth++ == 0) open = s;
    if (*s == '}' && depth > 0 && --depth == 0) {
      size_t head = (size_t)(open - p);
      const char *item = open + 1;
      int d = 0;
      for (const char *q = item;; q++) {
        if (*q == '\\' && q[1]) { q++; continue; }
        if (*q == '{') d++;
        if (*q == '}' && d > 0) { d--; continue; }
        if ((*q == ',' && d == 0) || q == s) {
          size_t k = (size_t)(q - item), tail = strlen(s + 1);
          char *one = malloc(head + k + tail + 1);
          if (!one) { snprintf(err, errlen, "out of memory"); return -1; }
          memcpy(one, p, head);
          memcpy(one + head, item, k);
          memcpy(one + head + k, s + 1, tail + 1);
          int rc = expand(g, one, err, errlen);
          free(one);
          if (rc) return rc;
          item = q + 1;
          if (q == s) break;
        }
      }
      return 0;
    }
  }
  if (g->nalt == MAX_ALTERNATIVES) {
    snprintf(err, errlen, "a glob with more than %d alternatives", MAX_ALTERNATIVES);
    return -1;
  }
  glob_alt *v = realloc(g->alt, (g->nalt + 1) * sizeof *v);
  if (!v) { snprintf(err, errlen, "out of memory"); return -1; }
  g->alt = v;
  while (p[0] == '/') p++;                             /* anchored at the directory given */
  while (strncmp(p, "**/", 3) == 0 && p[3]) p += 3;    /* any depth: '*' crosses '/' anyway */
  char *pat = strdup(p);
  if (!pat) { snprintf(err, errlen, "out of memory"); return -1; }
  g->alt[g->nalt++] = (glob_alt){pat, strchr(pat, '/') != NULL};
  return 0;
}

static int add(rr_globs *gs, const char *pattern, int caseless, char *err, size_t errlen) {
  glob_one *v = realloc(gs->v, (gs->n + 1) * sizeof *v);
  if (!v) { snprintf(err, errlen, "out of memory"); return -1; }
  gs->v = v;
  glob_one *g = &gs->v[gs->n++];
  memset(g, 0, sizeof *g);
  g->caseless = caseless;
  if (pattern[0] == '!') { g->negated = 1; pattern++; }
  size_t n = strlen(pattern);
  char *p = strdup(pattern);
  if (!p) { snprintf(err, errlen, "out of memory"); return -1; }
  if (n > 1 && p[n - 1] == '/') { g->dir_only = 1; p[n - 1] = '\0'; }
  int rc = expand(g, p, err, errlen);
  free(p);
  if (rc == 0 && !g->nalt) { snprintf(err, errlen, "an empty glob"); rc = -1; }
  for (size_t i = 0; i < g->nalt; i++) gs->any_path |= g->alt[i].path;
  return rc;
}

rr_globs *rr_globs_new(const rr_glob *globs, size_t n, const char *single, char *err, size_t errlen) {
  rr_globs *gs = calloc(1, sizeof *gs);
  if (!gs) { snprintf(err, errlen, "out of memory"); return NULL; }
  int takes = single != NULL;
  for (size_t i = 0; i < n; i++) takes |= globs[i].pattern[0] != '!';
  int rc = 0;
  if (!takes) rc = add(gs, RR_DEFAULT_GLOB, 1, err, errlen);
  if (rc == 0 && single) rc = add(gs, single, 0, err, errlen);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (!globs[i].pattern[0] || strcmp(globs[i].pattern, "!") == 0) {
      snprintf(err, errlen, "an empty glob");
      rc = -1;
    } else {
      rc = add(gs, globs[i].pattern, globs[i].caseless, err, errlen);
    }
  }
  if (rc) {
    char why[256];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errlen, "-g: %s", why);
    rr_globs_free(gs);
    return NULL;
  }
  return gs;
}

char *rr_globs_describe(const rr_glob *globs, size_t n, const char *single) {
  int takes = single != NULL;
  for (size_t i = 0; i < n; i++) takes |= globs[i].pattern[0] != '!';
  rr_buf b = {0};
  if (!takes) rr_buf_add(&b, RR_DEFAULT_GLOB " in any case", strlen(RR_DEFAULT_GLOB " in any case"));
  if (single) rr_buf_add(&b, single, strlen(single));
  for (size_t i = 0; i < n; i++) {
    if (b.len) rr_buf_add(&b, ", ", 2);
    if (globs[i].caseless) rr_buf_add(&b, "--iglob ", 8);
    rr_buf_add(&b, globs[i].pattern, strlen(globs[i].pattern));
  }
  rr_buf_add(&b, "", 1);
  return b.s;
}

int rr_globs_need_path(const rr_globs *gs) { return gs->any_path; }

static int matches(const glob_one *g, const char *path, const char *name) {
  int flags = g->caseless ? FNM_CASEFOLD : 0;
  for (size_t i = 0; i < g->nalt; i++)
    if (fnmatch(g->alt[i].pattern, g->alt[i].path ? path : name, flags) == 0) return 1;
  return 0;
}

int rr_globs_take(const rr_globs *gs, const char *path, const char *name, int dir) {
  for (size_t i = gs->n; i-- > 0;) {
    const glob_one *g = &gs->v[i];
    if (g->dir_only && !dir) continue;
    if (dir && !g->negated) continue;      /* globs that take files do not keep the walk out */
    if (matches(g, path ? path : name, name)) return !g->negated;
  }
  return dir;
}

void rr_globs_free(rr_globs *gs) {
  if (!gs) return;
  for (size_t i = 0; i < gs->n; i++) {
    for (size_t k = 0; k < gs->v[i].nalt; k++) free(gs->v[i].alt[k].pattern);
    free(gs->v[i].alt);
  }
  free(gs->v);
  free(gs);
}
