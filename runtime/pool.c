/* pool.c - small blocks for a Lua state, from free lists instead of malloc.
 *
 * A rule makes many short-lived strings and tables (a 6-field table is two
 * blocks, 56 and 256 bytes), and glibc's malloc and free of such a pair
 * cost ~600 instructions: about 6 % of weekly.lua's.  Lua tells the
 * allocator the size of every block it frees, so blocks need no header:
 * a free list per 16-byte size class over one reserved region, and taking
 * or giving back a block is a few instructions.
 *
 * The region is RR_POOL_BYTES of address space (pages are touched, and so
 * counted in RSS, only as it fills); blocks of more than RR_POOL_MAX bytes,
 * and every block once the region is full, come from malloc.  So a document
 * whose rule ate memory leaves the pool holding at most RR_POOL_BYTES: its
 * other blocks go back to malloc.  One pool serves one Lua state, which one
 * thread uses at a time: no locks.
 *
 * Sanitizer builds take every block from malloc, so that ASan sees Lua's
 * use of its memory (rr_pool_init then reserves nothing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rr_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define POOL_OFF 1
#endif
#endif

#define STEP 16                                  /* bytes: size classes and alignment */
#define CLASS(n) (((n) - 1) / STEP)              /* n >= 1 */

void rr_pool_init(rr_pool *p) {
  memset(p, 0, sizeof *p);
#ifndef POOL_OFF
  void *base = mmap(NULL, RR_POOL_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
  if (base != MAP_FAILED) {                      /* else every block comes from malloc */
    p->base = base;
    p->size = RR_POOL_BYTES;
  }
#endif
}

void rr_pool_destroy(rr_pool *p) {
  if (p->base) munmap(p->base, p->size);
  memset(p, 0, sizeof *p);
}

static int owns(const rr_pool *p, const void *b) {
  return (uintptr_t)b - (uintptr_t)p->base < p->size;   /* no region: size 0, owns nothing */
}

/* A block of n (1..RR_POOL_MAX) bytes from the pool, or NULL when it is full. */
static void *take(rr_pool *p, size_t n) {
  size_t c = CLASS(n);
  void *b = p->free[c];
  if (b) {
    memcpy(&p->free[c], b, sizeof(void *));      /* the next free block is stored in this one */
    return b;
  }
  size_t sz = (c + 1) * STEP;
  if (p->size - p->top < sz) return NULL;
  b = p->base + p->top;
  p->top += sz;
  return b;
}

static void give(rr_pool *p, void *b, size_t n) {
  size_t c = CLASS(n);
  memcpy(b, &p->free[c], sizeof(void *));
  p->free[c] = b;
}

void rr_pool_free(rr_pool *p, void *b, size_t n) {
  if (!b) return;
  if (owns(p, b)) give(p, b, n);
  else free(b);
}

void *rr_pool_realloc(rr_pool *p, void *b, size_t old, size_t n) {
  int pooled = b && owns(p, b);
  if (n <= RR_POOL_MAX && p->size) {
    if (pooled && CLASS(old) == CLASS(n)) return b;   /* the block already has room */
    void *nb = take(p, n);
    if (nb) {
      if (b) {
        memcpy(nb, b, old < n ? old : n);
        rr_pool_free(p, b, old);
      }
      return nb;
    }
  }
  if (pooled && n < old) return b;               /* shrinking in place never fails (freed as n) */
  if (!pooled) return realloc(b, n);
  void *nb = malloc(n);                          /* a pooled block grown past the pool */
  if (!nb) return NULL;
  memcpy(nb, b, old < n ? old : n);
  give(p, b, old);
  return nb;
}
