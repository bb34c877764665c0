/* cli_watch.c - --watch: run again when the rule file, the stdlib or a report changes (inotify). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define SETTLE_MS 200       /* a change is acted on once nothing else changed for this long */
#define MAX_DEPTH 64
#define EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | \
                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* A watched directory and which of its names count: those matching pattern,
 * or the one name; a tree's subdirectories are watched too. */
typedef struct watch {
  int wd;
  char *dir;
  const char *pattern;
  const char *name;
  const char *path;      /* with name: the path as given, for messages */
  int tree;
} watch;

typedef struct watcher {
  int fd;
  watch *v;
  size_t n, cap;
  const char *out_dir;   /* never watched: the run writes there */
  int said;              /* a directory could not be watched (said once) */
  char first[PATH_MAX];  /* the first change since the last run */
  size_t changes;
} watcher;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000 + ts.tv_nsec / 1e6;
}

static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Whether watch descriptor wd already has this pattern or name. */
static int watched(const watcher *w, int wd, const char *pattern, const char *name) {
  for (size_t i = 0; i < w->n; i++)
    if (w->v[i].wd == wd && w->v[i].pattern == pattern && w->v[i].name == name) return 1;
  return 0;
}

/* Watches dir (and, for a tree, every directory below it but the output
 * directory), unless it is watched so already; what cannot be watched is
 * said once, the rest goes on. */
static void watch_dir(watcher *w, const char *dir, const char *pattern, const char *name, const char *shown,
                      int tree, int depth) {
  if (same_file(dir, w->out_dir)) return;
  int wd = inotify_add_watch(w->fd, dir, EVENTS);
  if (wd < 0) {
    if (errno != ENOENT && errno != ENOTDIR && !w->said)   /* a path not there yet: its run says so */
      fprintf(stderr, "rulerun: --watch: cannot watch %s: %s%s\n", dir, strerror(errno),
              errno == ENOSPC ? " (fs.inotify.max_user_watches)" : "");
    w->said |= errno != ENOENT && errno != ENOTDIR;
    return;
  }
  int known = watched(w, wd, pattern, name);
  if (known && !tree) return;
  if (!known && w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    watch *v = realloc(w->v, cap * sizeof *v);
    if (!v) {
      fprintf(stderr, "rulerun: --watch: out of memory\n");
      return;
    }
    w->v = v;
    w->cap = cap;
  }
  if (!known) {
    char *copy = strdup(dir);
    if (!copy) {
      fprintf(stderr, "rulerun: --watch: out of memory\n");
      return;
    }
    w->v[w->n++] = (watch){.wd = wd, .dir = copy, .pattern = pattern, .name = name, .path = shown,
                           .tree = tree};
  }
  DIR *d = tree && depth < MAX_DEPTH ? opendir(dir) : NULL;
  if (!d) return;
  struct dirent *ent;
  char path[PATH_MAX];
  struct stat st;
  while ((ent = readdir(d)) != NULL) {
    if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
    if (snprintf(path, sizeof path, "%s/%s", dir, ent->d_name) >= (int)sizeof path) continue;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) watch_dir(w, path, pattern, NULL, NULL, 1, depth + 1);
  }
  closedir(d);
}

/* Watches one path: a directory as a tree of files matching pattern, a
 * file by its name in its directory. */
static void watch_path(watcher *w, const char *path, const char *pattern) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    watch_dir(w, path, pattern, NULL, NULL, 1, 0);
    return;
  }
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  if (slash == dir) slash[1] = '\0';
  else if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  watch_dir(w, dir, NULL, name, path, 0, 0);
}

static void note(watcher *w, const char *dir, const char *name) {
  if (!w->changes++) snprintf(w->first, sizeof w->first, "%s%s%s", dir, *dir && *name ? "/" : "", name);
}

/* Whether event ev on watch i is a change that counts; a directory made in
 * a tree gets watched. */
static int counts(watcher *w, size_t i, const struct inotify_event *ev) {
  watch x = w->v[i];
  const char *name = ev->len ? ev->name : "";
  if (!*name) {                          /* the directory itself went */
    if (!x.tree) return 0;
    note(w, x.dir, "");
    return 1;
  }
  if (x.name) {                          /* one file (or a directory not there yet) */
    if (strcmp(name, x.name) != 0) return 0;
    note(w, "", x.path);
    return 1;
  }
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", x.dir, name) >= (int)sizeof path) return 0;
  if (ev->mask & IN_ISDIR) {
    if (!x.tree || same_file(path, w->out_dir)) return 0;
    if (ev->mask & (IN_CREATE | IN_MOVED_TO)) watch_dir(w, path, x.pattern, NULL, NULL, 1, 0);
  } else if (x.pattern && fnmatch(x.pattern, name, 0) != 0) {
    return 0;
  }
  note(w, x.dir, name);
  return 1;
}

static void forget(watcher *w, int wd) {
  for (size_t i = 0; i < w->n;) {
    if (w->v[i].wd == wd) {
      free(w->v[i].dir);
      w->v[i] = w->v[--w->n];
    } else {
      i++;
    }
  }
}

/* Reads the events waiting: 1 when one of them counts, 0 when none, -1 on a read error. */
static int take_events(watcher *w) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  ssize_t len = read(w->fd, buf, sizeof buf);
  if (len < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
  int changed = 0;
  for (char *p = buf; p < buf + len;) {
    const struct inotify_event *ev = (const struct inotify_event *)p;
    p += sizeof *ev + ev->len;
    if (ev->mask & IN_Q_OVERFLOW) {
      note(w, "many files", "");
      changed = 1;
    } else if (ev->mask & IN_IGNORED) {
      forget(w, ev->wd);
    } else {
      for (size_t i = 0; i < w->n; i++)
        if (w->v[i].wd == ev->wd) changed |= counts(w, i, ev);
    }
  }
  return changed;
}

/* Waits for a change that counts and then for SETTLE_MS of quiet: 0, or -1
 * when a signal came or inotify failed. */
static int settle(watcher *w) {
  double last = -1;
  w->changes = 0;
  for (;;) {
    if (cli_caught_signal()) return -1;
    int timeout = 500;
    if (last >= 0) {
      double left = SETTLE_MS - (now_ms() - last);
      if (left <= 0) return 0;
      timeout = (int)left + 1;
    }
    struct pollfd pfd = {w->fd, POLLIN, 0};
    int k = poll(&pfd, 1, timeout);
    if (k < 0 && errno != EINTR) return -1;
    if (k > 0) {
      int changed = take_events(w);
      if (changed < 0) return -1;
      if (changed) last = now_ms();
    }
  }
}

void cli_tally_free(cli_tally *t) {
  for (size_t i = 0; i < t->n; i++) free(t->table[i]);
  free(t->table);
  free(t->rows);
  free(t->f1);
  memset(t, 0, sizeof *t);
}

int cli_tally_take(cli_tally *t, const rr_stats *st) {
  cli_tally_free(t);
  t->table = calloc(st->ntables + 1, sizeof *t->table);
  t->rows = calloc(st->ntables + 1, sizeof *t->rows);
  t->f1 = calloc(st->ntables + 1, sizeof *t->f1);
  if (!t->table || !t->rows || !t->f1) {
    cli_tally_free(t);
    return -1;
  }
  for (size_t i = 0; i < st->ntables; i++, t->n++) {
    if (!(t->table[i] = strdup(st->table_names[i]))) {
      cli_tally_free(t);
      return -1;
    }
    t->rows[i] = st->table_rows[i];
    t->f1[i] = NAN;
  }
  return 0;
}

/* f (from 0 to 1) in thousandths, to the nearest. */
static long long thousandths(double f) { return (long long)(f * 1000 + 0.5); }

/* Per table its rows and F1, and the change since the last run (before). */
static void put_tally(const cli_tally *t, const cli_tally *before, int round) {
  printf("run %d:\n", round);
  for (size_t i = 0; i < t->n; i++) {
    ssize_t b = -1;
    for (size_t j = 0; before && j < before->n && b < 0; j++)
      if (strcmp(before->table[j], t->table[i]) == 0) b = (ssize_t)j;
    printf("  %s %zu", t->table[i], t->rows[i]);
    if (round > 1 && b < 0) printf(" (new)");
    else if (b >= 0) printf(" (%+lld)", (long long)t->rows[i] - (long long)before->rows[b]);
    if (!isnan(t->f1[i])) {
      printf("  F1 %.3f", t->f1[i]);
      if (b >= 0 && !isnan(before->f1[b]))
        printf(" (%+.3f)", (double)(thousandths(t->f1[i]) - thousandths(before->f1[b])) / 1000);
    }
    printf("\n");
  }
  fflush(stdout);
}

/* Watches what a run reads, again before each run: a directory removed and
 * made again is watched anew. */
static void arm(watcher *w, const cli *c, size_t npaths, const char *expected_dir, const char *stdlib) {
  watch_path(w, c->args[0], NULL);
  watch_dir(w, stdlib, "*.lua", NULL, NULL, 1, 0);
  for (size_t i = 0; i < npaths; i++) watch_path(w, c->args[1 + i], c->opt.glob ? c->opt.glob : "*.txt");
  if (expected_dir) {
    watch_dir(w, expected_dir, "*.csv", NULL, NULL, 0, 0);
    watch_dir(w, expected_dir, NULL, "files.txt", NULL, 0, 0);
  }
}

int cli_watch(cli *c, size_t npaths, const char *expected_dir, cli_run_fn run) {
  watcher w = {.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), .out_dir = c->out ? c->out : "out"};
  if (w.fd < 0) {
    fprintf(stderr, "rulerun: --watch: no inotify: %s\n", strerror(errno));
    return 2;
  }
  rr_engine *probe = rr_engine_new(&c->opt);
  char *stdlib = probe ? strdup(rr_engine_stdlib(probe)) : NULL;
  rr_engine_free(probe);
  if (!stdlib) {
    fprintf(stderr, "rulerun: out of memory\n");
    close(w.fd);
    return 2;
  }
  fprintf(stderr, "rulerun: watching %s, the stdlib in %s and %zu report %s%s; Ctrl-C stops\n", c->args[0],
          stdlib, npaths, cli_plural(npaths, "path", "paths"), expected_dir ? " and the expected tables" : "");
  cli_tally last = {0}, now = {0};
  cli_catch_signals(NULL);
  for (int round = 1;; round++) {
    if (round > 1) {
      fprintf(stderr, "rulerun: %s changed", w.first);
      if (w.changes > 1) fprintf(stderr, " (and %zu more)", w.changes - 1);
      fprintf(stderr, ": running again\n");
    }
    arm(&w, c, npaths, expected_dir, stdlib);
    cli_tally_free(&now);
    int status = run(c, &now);
    fflush(stdout);
    if (cli_caught_signal()) break;
    if (now.n || status < 2) {
      put_tally(&now, round > 1 ? &last : NULL, round);
      cli_tally tmp = last;
      last = now;
      now = tmp;
    } else {
      printf("run %d: failed (exit %d)\n", round, status);
      fflush(stdout);
    }
    fprintf(stderr, "rulerun: waiting for a change (Ctrl-C stops)\n");
    cli_catch_signals(NULL);
    if (settle(&w) < 0) break;
  }
  int sig = cli_caught_signal();
  cli_tally_free(&last);
  cli_tally_free(&now);
  for (size_t i = 0; i < w.n; i++) free(w.v[i].dir);
  free(w.v);
  free(stdlib);
  close(w.fd);
  return sig == SIGTERM ? 128 + SIGTERM : sig ? 0 : 2;
}
