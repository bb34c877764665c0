/* check.h - the few assertion macros the C unit tests need; a failure prints file:line and counts. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond)                                                              \
  do {                                                                           \
    check_count++;                                                               \
    if (!(cond)) {                                                               \
      check_failures++;                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
    }                                                                            \
  } while (0)

#define CHECK_STR(got, want)                                                     \
  do {                                                                           \
    const char *g_ = (got), *w_ = (want);                                        \
    check_count++;                                                               \
    if (!g_ || strcmp(g_, w_) != 0) {                                            \
      check_failures++;                                                          \
      fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,    \
              g_ ? g_ : "(null)", w_);                                           \
    }                                                                            \
  } while (0)

#define CHECK_DONE()                                                             \
  (fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures),       \
   check_failures ? 1 : 0)
#endif
