/* test_pool.c - pool.c: blocks keep their bytes through every realloc (within
 * a size class, across classes, past RR_POOL_MAX and back, shrinking), freed
 * blocks are reused, and a full region hands blocks from malloc. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rr_internal.h"

static void fill(unsigned char *b, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(seed + i * 7);
}

static int holds(const unsigned char *b, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    if (b[i] != (unsigned char)(seed + i * 7)) return 0;
  return 1;
}

static int in_region(const rr_pool *p, const void *b) {
  return p->base && (const char *)b >= p->base && (const char *)b < p->base + p->size;
}

/* A sanitizer build takes every block from malloc (ASan checks them, and
 * LeakSanitizer does not scan a pool's region for pointers). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

int main(void) {
  rr_pool p;
  rr_pool_init(&p);
  int pooled = p.base != NULL;
  CHECK(pooled == !SANITIZED);

  /* a block keeps its bytes as it grows from 1 byte to 4 KB and shrinks back */
  unsigned char *b = rr_pool_realloc(&p, NULL, 0, 1);
  fill(b, 1, 3);
  size_t n = 1;
  for (size_t m = 2; m <= 4096; m = m * 3 / 2 + 1) {
    b = rr_pool_realloc(&p, b, n, m);
    CHECK(b != NULL);
    CHECK(holds(b, n, 3));
    CHECK((uintptr_t)b % 16 == 0);
    fill(b, m, 3);
    n = m;
  }
  CHECK(!in_region(&p, b));                       /* 4 KB: from malloc */
  for (size_t m = n; m >= 1; m = m / 2) {
    b = rr_pool_realloc(&p, b, n, m);
    CHECK(b != NULL);
    CHECK(holds(b, m, 3));
    n = m;
  }
  CHECK(in_region(&p, b) == pooled);              /* 1 byte: back in the pool */
  rr_pool_free(&p, b, n);

  /* within a size class a block stays where it is; a freed block is reused */
  unsigned char *a = rr_pool_realloc(&p, NULL, 0, 20);
  unsigned char *a32 = rr_pool_realloc(&p, a, 20, 32);
  CHECK(a32 == a || !pooled);
  rr_pool_free(&p, a32, 32);
  unsigned char *again = rr_pool_realloc(&p, NULL, 0, 17);
  CHECK(again == a32 || !pooled);
  rr_pool_free(&p, again, 17);

  /* fill the region: the blocks after it come from malloc, and all keep their bytes */
  size_t count = RR_POOL_BYTES / RR_POOL_MAX + 100;
  unsigned char **blocks = malloc(count * sizeof *blocks);
  size_t outside = 0;
  for (size_t i = 0; i < count; i++) {
    blocks[i] = rr_pool_realloc(&p, NULL, 0, RR_POOL_MAX);
    CHECK(blocks[i] != NULL);
    fill(blocks[i], RR_POOL_MAX, (unsigned)i);
    outside += !in_region(&p, blocks[i]);
  }
  CHECK(outside >= 100);
  CHECK(!pooled || outside < 200);
  /* a pooled block that must grow in a full region moves to malloc */
  blocks[0] = rr_pool_realloc(&p, blocks[0], RR_POOL_MAX, 100);
  CHECK(holds(blocks[0], 100, 0));
  blocks[1] = rr_pool_realloc(&p, blocks[1], RR_POOL_MAX, 2 * RR_POOL_MAX);
  CHECK(holds(blocks[1], RR_POOL_MAX, 1) && !in_region(&p, blocks[1]));
  size_t bad = 0;
  for (size_t i = 2; i < count; i++) bad += !holds(blocks[i], RR_POOL_MAX, (unsigned)i);
  CHECK(bad == 0);
  rr_pool_free(&p, blocks[0], 100);
  rr_pool_free(&p, blocks[1], 2 * RR_POOL_MAX);
  for (size_t i = 2; i < count; i++) rr_pool_free(&p, blocks[i], RR_POOL_MAX);
  free(blocks);
  rr_pool_free(&p, NULL, 0);
  rr_pool_destroy(&p);
  return CHECK_DONE();
}
