/* replay.c - a main for the fuzz targets where libFuzzer is not there (gcc):
 * runs every file given (or in the directories given) through the target,
 * then mutates them (bit flips, byte changes, cuts, splices; a fixed seed)
 * for --seconds S.  The short fuzz run of the normal test suite. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

typedef struct input { uint8_t *b; size_t n; } input;

static input *inputs;
static size_t ninputs;

static void add_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  input in = {NULL, 0};
  size_t cap = 0, k;
  char chunk[65536];
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (in.n + k > cap) {
      cap = (in.n + k) * 2;
      uint8_t *b = realloc(in.b, cap);
      if (!b) abort();
      in.b = b;
    }
    memcpy(in.b + in.n, chunk, k);
    in.n += k;
  }
  fclose(f);
  input *v = realloc(inputs, (ninputs + 1) * sizeof *inputs);
  if (!v) abort();
  inputs = v;
  inputs[ninputs++] = in;
}

static void add_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) { perror(path); exit(2); }
  if (!S_ISDIR(st.st_mode)) { add_file(path); return; }
  struct dirent **names;
  int n = scandir(path, &names, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    if (names[i]->d_name[0] != '.') {
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", path, names[i]->d_name);
      add_path(p);
    }
    free(names[i]);
  }
  free(names);
}

/* The input being run, written to ./crash-replay when the target dies. */
static const uint8_t *current;
static size_t current_n;

static void on_crash(int sig) {
  int fd = open("crash-replay", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    if (write(fd, current, current_n) < 0) {}
    close(fd);
  }
  static const char msg[] = "replay: the target crashed; the input is in ./crash-replay\n";
  if (write(2, msg, sizeof msg - 1) < 0) {}
  signal(sig, SIG_DFL);
  raise(sig);
}

static void run_one(const uint8_t *b, size_t n) {
  current = b;
  current_n = n;
  LLVMFuzzerTestOneInput(b, n);
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void) {   /* xorshift64 */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static size_t mutate(uint8_t *b, size_t n, size_t cap) {
  const input *other = &inputs[next() % ninputs];
  for (int k = 1 + (int)(next() % 4); k > 0; k--) {
    size_t at = n ? next() % n : 0;
    switch (next() % 6) {
      case 0: if (n) b[at] ^= (uint8_t)(1u << (next() % 8)); break;
      case 1: if (n) b[at] = (uint8_t)next(); break;
      case 2: if (n) { size_t len = next() % (n - at) + 1; memmove(b + at, b + at + len, n - at - len); n -= len; } break;
      case 3: if (n < cap) { memmove(b + at + 1, b + at, n - at); b[at] = "\0\n\r\t\xff\xe4,\"|"[next() % 9]; n++; } break;
      case 4: if (other->n) {   /* splice a piece of another input in */
                size_t from = next() % other->n, len = next() % (other->n - from) + 1;
                if (len > cap - n) len = cap - n;
                memmove(b + at + len, b + at, n - at);
                memcpy(b + at, other->b + from, len);
                n += len;
              } break;
      case 5: n = at; break;   /* cut */
    }
  }
  return n;
}

int main(int argc, char **argv) {
  double seconds = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
    else add_path(argv[i]);
  }
  if (!ninputs) { fprintf(stderr, "usage: %s [--seconds S] CORPUS...\n", argv[0]); return 2; }
  signal(SIGABRT, on_crash);
  signal(SIGSEGV, on_crash);
  signal(SIGBUS, on_crash);
  for (size_t i = 0; i < ninputs; i++) run_one(inputs[i].b, inputs[i].n);
  size_t runs = 0, cap = 1 << 20;
  uint8_t *b = malloc(cap);
  if (!b) abort();
  clock_t stop = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
  while (seconds > 0 && clock() < stop) {
    for (int k = 0; k < 64; k++, runs++) {
      const input *in = &inputs[next() % ninputs];
      size_t n = in->n < cap ? in->n : cap;
      memcpy(b, in->b, n);
      n = mutate(b, n, cap);
      /* a copy of exactly n bytes, so a read past the end is caught */
      uint8_t *exact = malloc(n ? n : 1);
      if (!exact) abort();
      memcpy(exact, b, n);
      run_one(exact, n);
      free(exact);
    }
  }
  free(b);
  printf("%zu corpus inputs, %zu mutated runs: no crash\n", ninputs, runs);
  for (size_t i = 0; i < ninputs; i++) free(inputs[i].b);
  free(inputs);
  return 0;
}
