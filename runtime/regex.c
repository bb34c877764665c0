/* regex.c - rulerun.re: PCRE2 (UTF, UCP, JIT) regexes on strings and documents, cached per state. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define RR_REGEX "rulerun.regex"
#define RR_REGEX_STATE "rulerun.re.state"
#define RR_REGEX_CACHE "rulerun.re.cache"
#define RR_REGEX_CACHE_FLAGGED "rulerun.re.cache.flagged"
#define RR_REGEX_CHECKED "rulerun.re.checked"
#define CACHE_MAX 1024        /* a rule that builds patterns on the fly must not grow it forever */

/* Matching limits: a catastrophic pattern on a long line ends with an error. */
/* The JIT does not count the backtracking of a repeated character class
 * against the match limit, so "^[^\n]*(?:x|y)[^\n]*;" on one long line
 * backtracks for minutes.  A search through more than LONG_SUBJECT bytes of
 * a subject that has a line longer than LONG_LINE goes to the interpreter,
 * which counts every backtrack.  Only there: the interpreter is 2 to 7 times
 * slower at scanning (weekly.lua on a 200 MB report of normal lines: 4.9 s
 * on the JIT, 9.0 s without), and `.` and [^\n] stop at line ends, so
 * lines of normal length bound the JIT's backtracking (docs/DECISIONS.md). */
#define LONG_SUBJECT ((size_t)256 << 10)
#define LONG_LINE ((size_t)64 << 10)
#define MATCH_LIMIT 50000000u
/* Lua strings of at least CHECKED_MIN bytes are checked for UTF-8 once and
 * remembered (the last CHECKED_RING of them): a helper that searches one
 * window with ten regexes no longer pays ten checks of it. */
#define CHECKED_MIN 256
#define CHECKED_RING 16
#define DEPTH_LIMIT 100000u
/* The prefilter (prefilter.c) is used on subjects of PREFILTER_MIN bytes or
 * more, and for at most PREFILTER_MISSES failed candidates per search. */
#define PREFILTER_MIN 64
#define PREFILTER_MISSES 256

struct rr_regex {
  pcre2_code *code;
  pcre2_match_data *md;
  struct regex_state *st;      /* the state's, not owned */
  uint32_t ncap;
  rr_prefilter *pf;            /* candidate starts of an unanchored pattern, or NULL */
  pcre2_code *anchored;        /* with pf: the pattern compiled anchored (the JIT serves
                                * no PCRE2_ANCHORED given at match time) */
  char *pf_pattern;            /* a pattern that may get a prefilter, until its first long search */
  size_t pf_len;
  uint32_t pf_opts;
  int timed;                   /* --profile: time spent matching, and calls */
  double secs, calls;
};

typedef struct regex_state {   /* one per Lua state */
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;
  const char *seen;             /* the last long subject looked at, and whether it */
  size_t seen_len;              /* has a line longer than LONG_LINE */
  int seen_long_line;
  const char *checked[CHECKED_RING];  /* valid UTF-8 strings, held in the registry's */
  size_t checked_len[CHECKED_RING];   /* RR_REGEX_CHECKED table so that no other */
  unsigned checked_next;              /* string can take their address */
  const rr_luactx *ctx;               /* the state's (provenance: captures note their spans) */
} regex_state;

static int regex_state_gc(lua_State *L) {
  regex_state *st = lua_touserdata(L, 1);
  if (st->mctx) pcre2_match_context_free(st->mctx);
  if (st->jit_stack) pcre2_jit_stack_free(st->jit_stack);
  st->mctx = NULL;
  st->jit_stack = NULL;
  return 0;
}

static regex_state *state_get(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_REGEX_STATE) == LUA_TUSERDATA) {
    regex_state *st = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return st;
  }
  lua_pop(L, 1);
  regex_state *st = rr_new_scratch(L, sizeof *st, regex_state_gc);
  st->mctx = pcre2_match_context_create(NULL);
  st->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
  if (!st->mctx || !st->jit_stack) luaL_error(L, "out of memory");
  pcre2_jit_stack_assign(st->mctx, NULL, st->jit_stack);
  pcre2_set_match_limit(st->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit(st->mctx, DEPTH_LIMIT);
  st->ctx = rr_luactx_get(L);
  lua_setfield(L, LUA_REGISTRYINDEX, RR_REGEX_STATE);
  return st;
}

/* Whether s[0..len) has a line longer than LONG_LINE; remembered for the
 * last subject, since rules search one document's text again and again.  (A
 * new string at a freed one's address and length is taken for it: that can
 * only pick the slower matcher, never change a result.) */
static int long_line(regex_state *st, const char *s, size_t len) {
  if (s == st->seen && len == st->seen_len) return st->seen_long_line;
  st->seen = s;
  st->seen_len = len;
  st->seen_long_line = 0;
  for (const char *p = s, *end = s + len; (size_t)(end - p) > LONG_LINE;) {
    const char *nl = memchr(p, '\n', LONG_LINE + 1);
    if (!nl) {
      st->seen_long_line = 1;
      break;
    }
    p = nl + 1;
  }
  return st->seen_long_line;
}

static int regex_gc(lua_State *L) {
  rr_regex *re = luaL_checkudata(L, 1, RR_REGEX);
  if (re->md) pcre2_match_data_free(re->md);
  if (re->code) pcre2_code_free(re->code);
  rr_prefilter_free(re->pf);
  if (re->anchored) pcre2_code_free(re->anchored);
  free(re->pf_pattern);
  re->pf = NULL;
  re->anchored = NULL;
  re->pf_pattern = NULL;
  re->md = NULL;
  re->code = NULL;
  return 0;
}

static uint32_t parse_flags(lua_State *L, const char *flags) {
  uint32_t opt = PCRE2_UTF | PCRE2_UCP;
  for (const char *f = flags ? flags : ""; *f; f++) {
    switch (*f) {
      case 'i': opt |= PCRE2_CASELESS; break;
      case 'm': opt |= PCRE2_MULTILINE; break;
      case 's': opt |= PCRE2_DOTALL; break;
      case 'x': opt |= PCRE2_EXTENDED; break;
      default: luaL_error(L, "unknown regex flag '%c' (use i, m, s, x)", *f);
    }
  }
  return opt;
}

/* Compiles and pushes a new regex userdata. */
static rr_regex *regex_compile(lua_State *L, const char *pat, size_t patlen, const char *flags) {
  uint32_t opt = parse_flags(L, flags);
  regex_state *st = state_get(L);
  rr_regex *re = lua_newuserdatauv(L, sizeof *re, 0);
  memset(re, 0, sizeof *re);
  luaL_setmetatable(L, RR_REGEX);
  int err;
  PCRE2_SIZE erroff;
  re->code = pcre2_compile((PCRE2_SPTR)pat, patlen, opt, &err, &erroff, NULL);
  if (!re->code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    luaL_error(L, "bad regex '%s' at offset %d: %s", pat, (int)erroff, (const char *)msg);
  }
  /* JIT code reads ahead with SIMD loads that valgrind reports as invalid:
   * RULERUN_NO_JIT=1 turns it off for such runs.  Without JIT support PCRE2
   * falls back to its interpreter. */
  if (!getenv("RULERUN_NO_JIT")) pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
  re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
  if (!re->md) luaL_error(L, "out of memory");
  pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->ncap);
  /* a prefilter where PCRE2 cannot skip with memchr for an ASCII first byte */
  uint32_t first_type = 0, first_unit = 0, all_opts = 0;
  pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTCODETYPE, &first_type);
  if (first_type == 1) pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTCODEUNIT, &first_unit);
  pcre2_pattern_info(re->code, PCRE2_INFO_ALLOPTIONS, &all_opts);
  const uint8_t *bits = NULL;
  int ascii_bits = 0;             /* PCRE2 skips to a set of ASCII bytes on its own */
  if (first_type == 0 && pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTBITMAP, &bits) == 0 && bits) {
    ascii_bits = 1;
    for (int b = 16; b < 32; b++) ascii_bits &= bits[b] == 0;
  }
  if (!(all_opts & PCRE2_ANCHORED) && !(first_type == 1 && first_unit < 0x80) && !ascii_bits &&
      !getenv("RULERUN_NO_PREFILTER"))
    if ((re->pf_pattern = malloc(patlen + 1))) {   /* built on the first long search */
      memcpy(re->pf_pattern, pat, patlen);
      re->pf_len = patlen;
      re->pf_opts = opt;
    }
  re->st = st;
  re->timed = rr_luactx_get(L)->prof.on;
  return re;
}

/* The cache: RR_REGEX_CACHE maps a pattern string to its regex (no flags:
 * the pattern itself is the key, so a rule's literal pattern is looked up
 * by its own string, hash cached, with nothing built per call);
 * RR_REGEX_CACHE_FLAGGED maps "flags/pattern".  Each keeps its entry count
 * at [0]. */

/* Pushes the cached regex for the pattern string at idx and flags,
 * compiling it on a miss. */
static rr_regex *regex_cached(lua_State *L, int idx, const char *flags) {
  idx = lua_absindex(L, idx);
  size_t patlen;
  const char *pat = lua_tolstring(L, idx, &patlen);
  int flagged = flags && *flags;
  const char *name = flagged ? RR_REGEX_CACHE_FLAGGED : RR_REGEX_CACHE;
  int top = lua_gettop(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, name);
  }
  int cache = top + 1;
  if (flagged) {
    lua_pushstring(L, flags);
    lua_pushliteral(L, "/");
    lua_pushvalue(L, idx);
    lua_concat(L, 3);
  } else {
    lua_pushvalue(L, idx);
  }
  int key = top + 2;
  lua_pushvalue(L, key);
  if (lua_rawget(L, cache) == LUA_TUSERDATA) {
    rr_regex *re = lua_touserdata(L, -1);
    lua_replace(L, cache);
    lua_settop(L, cache);
    return re;
  }
  lua_pop(L, 1);
  lua_rawgeti(L, cache, 0);
  lua_Integer n = lua_tointeger(L, -1);
  lua_pop(L, 1);
  if (n >= CACHE_MAX) {                        /* start afresh; regexes in use stay referenced */
    lua_newtable(L);
    lua_replace(L, cache);
    lua_pushvalue(L, cache);
    lua_setfield(L, LUA_REGISTRYINDEX, name);
    n = 0;
  }
  rr_regex *re = regex_compile(L, pat, patlen, flags);
  lua_pushvalue(L, key);
  lua_pushvalue(L, -2);
  lua_rawset(L, cache);
  lua_pushinteger(L, n + 1);
  lua_rawseti(L, cache, 0);
  lua_replace(L, cache);
  lua_settop(L, cache);
  return re;
}

rr_regex *rr_regex_get(lua_State *L, int idx, const char *flags) {
  return regex_cached(L, idx, flags);
}

/* The prefilter of re and its anchored twin, or none. */
static void build_prefilter(rr_regex *re) {
  re->pf = rr_prefilter_new(re->pf_pattern, re->pf_len, re->pf_opts);
  if (re->pf) {
    int err;
    PCRE2_SIZE erroff;
    re->anchored = pcre2_compile((PCRE2_SPTR)re->pf_pattern, re->pf_len, re->pf_opts | PCRE2_ANCHORED, &err,
                                 &erroff, NULL);
    if (!re->anchored) {
      rr_prefilter_free(re->pf);
      re->pf = NULL;
    } else if (!getenv("RULERUN_NO_JIT")) {
      pcre2_jit_compile(re->anchored, PCRE2_JIT_COMPLETE);
    }
  }
  free(re->pf_pattern);
  re->pf_pattern = NULL;
}

int rr_regex_exec(lua_State *L, rr_regex *re, const char *s, size_t len, size_t start,
                  int trusted_utf8, size_t *ms, size_t *me) {
  if (!re->code) luaL_error(L, "regex used after it was freed");
  double t0 = re->timed ? rr_now() : 0;
  uint32_t opts = trusted_utf8 ? PCRE2_NO_UTF_CHECK : 0;
  if (len - start > LONG_SUBJECT && long_line(re->st, s, len)) opts |= PCRE2_NO_JIT;
  int rc;
  if (re->pf_pattern && trusted_utf8 && len - start >= PREFILTER_MIN) build_prefilter(re);
  if (re->pf && trusted_utf8 && len - start >= PREFILTER_MIN) {
    /* anchored at each candidate start in turn: the leftmost match, as an
     * unanchored search finds it; after PREFILTER_MISSES candidates that
     * fail, the rest is left to PCRE2 (the literals are too common here) */
    size_t pos = start;
    for (int misses = 0;; misses++) {
      if (misses == PREFILTER_MISSES) {
        rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, pos, opts, re->md, re->st->mctx);
        break;
      }
      pos = rr_prefilter_next(re->pf, s, len, pos);
      if (pos >= len) { rc = PCRE2_ERROR_NOMATCH; break; }
      rc = pcre2_match(re->anchored, (PCRE2_SPTR)s, len, pos, opts, re->md, re->st->mctx);
      if (rc != PCRE2_ERROR_NOMATCH) break;
      pos++;                                    /* candidates are character starts */
    }
  } else {
    rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts, re->md, re->st->mctx);
  }
  if (re->timed) {
    re->secs += rr_now() - t0;
    re->calls++;
  }
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
      luaL_error(L, "regex subject is not valid UTF-8 at byte %d: %s",
                 (int)pcre2_get_startchar(re->md) + 1, (const char *)msg);
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
        rc == PCRE2_ERROR_JIT_STACKLIMIT)
      luaL_error(L, "regex gave up searching from byte %d: %s (the pattern backtracks too much on this text; "
                    "anchor it or make its repeats more specific)", (int)start, (const char *)msg);
    luaL_error(L, "regex match failed: %s", (const char *)msg);
  }
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
  *ms = ov[0];
  *me = ov[1];
  return 1;
}

/* Calls fn for every regex timed since the last call, with its pattern (a
 * flagged one as "(?flags)pattern"), and resets its counts. */
void rr_regex_take_stats(lua_State *L, rr_regex_stat_fn fn, void *ud) {
  static const char *const caches[] = {RR_REGEX_CACHE, RR_REGEX_CACHE_FLAGGED};
  for (int c = 0; c < 2; c++) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, caches[c]) == LUA_TTABLE) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        rr_regex *re = rr_testudata(L, -1, RR_REGEX);
        if (re && re->timed && re->calls > 0 && lua_type(L, -2) == LUA_TSTRING) {
          const char *key = lua_tostring(L, -2), *slash = c ? strchr(key, '/') : NULL;
          if (slash) lua_pushfstring(L, "(?%s)%s", lua_pushlstring(L, key, (size_t)(slash - key)), slash + 1);
          else lua_pushvalue(L, -2);
          fn(ud, lua_tostring(L, -1), re->secs, re->calls);
          lua_pop(L, slash ? 2 : 1);
          re->secs = re->calls = 0;
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
}

/* ---- subjects, arguments, results ---------------------------------------- */

typedef struct subject {
  const char *s;
  size_t len;
  int trusted;     /* known valid UTF-8: documents, or a string checked once */
} subject;

/* Whether the Lua string at idx is known valid UTF-8: one of the last
 * strings checked (the same string: the ring holds a reference to each, so
 * its address cannot be reused), or checked now and remembered.  An invalid
 * string is left to PCRE2, whose error names the bad byte. */
/* Remembers the string at idx as valid UTF-8 (it must be). */
static void remember_checked(lua_State *L, regex_state *st, int idx, const char *s, size_t len) {
  idx = lua_absindex(L, idx);
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_REGEX_CHECKED) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, CHECKED_RING, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, RR_REGEX_CHECKED);
  }
  unsigned slot = st->checked_next++ % CHECKED_RING;
  lua_pushvalue(L, idx);
  lua_rawseti(L, -2, (lua_Integer)slot + 1);
  lua_pop(L, 1);
  st->checked[slot] = s;
  st->checked_len[slot] = len;
}

static int string_checked(lua_State *L, int idx, const char *s, size_t len) {
  if (len < CHECKED_MIN) return 0;
  regex_state *st = state_get(L);
  for (unsigned i = 0; i < CHECKED_RING; i++)
    if (st->checked[i] == s && st->checked_len[i] == len) return 1;
  if (rr_utf8_valid_prefix(s, len) != len) return 0;
  remember_checked(L, st, idx, s, len);
  return 1;
}

void rr_regex_trust(lua_State *L, int idx) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  if (len >= CHECKED_MIN) remember_checked(L, state_get(L), idx, s, len);
}

static subject check_subject(lua_State *L, int idx) {
  subject sub;
  sub.s = rr_text_arg(L, idx, &sub.len, &sub.trusted);
  if (!sub.trusted) sub.trusted = string_checked(L, idx, sub.s, sub.len);
  return sub;
}

size_t rr_check_init(lua_State *L, int idx, size_t len) {
  lua_Integer init = luaL_optinteger(L, idx, 1);
  if (init < 0) init = (lua_Integer)len + init + 1;
  if (init < 1) init = 1;
  if ((size_t)init > len + 1) return len + 1;
  return (size_t)init - 1;
}

/* The regex for argument idx: a compiled regex, or a pattern (flags at fidx),
 * which is then compiled or taken from the cache and pushed. */
static rr_regex *check_regex(lua_State *L, int idx, int fidx) {
  rr_regex *re = rr_testudata(L, idx, RR_REGEX);
  if (re) return re;
  luaL_checktype(L, idx, LUA_TSTRING);
  const char *flags = luaL_optstring(L, fidx, NULL);
  lua_settop(L, fidx);                     /* the regex goes above every argument */
  return rr_regex_get(L, idx, flags);
}

/* Pushes capture i of the last match (false when unset). */
static void push_capture(lua_State *L, rr_regex *re, const char *s, uint32_t i) {
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
  if (ov[2 * i] == PCRE2_UNSET) {
    lua_pushboolean(L, 0);
    return;
  }
  lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
  const rr_luactx *ctx = re->st->ctx;
  if (ctx->trace && ctx->doc && s == ctx->doc->text.s) rr_trace_span(L, -1, ov[2 * i], ov[2 * i + 1]);
}

/* Pushes the captures, or the whole match when there are none. */
static int push_captures(lua_State *L, rr_regex *re, const char *s) {
  if (re->ncap == 0) {
    push_capture(L, re, s, 0);
    return 1;
  }
  luaL_checkstack(L, (int)re->ncap, "too many captures");
  for (uint32_t i = 1; i <= re->ncap; i++) push_capture(L, re, s, i);
  return (int)re->ncap;
}

/* One search; the first search of an unchecked string also checks it. */
static int exec_sub(lua_State *L, rr_regex *re, subject *sub, size_t start, size_t *ms, size_t *me) {
  int r = rr_regex_exec(L, re, sub->s, sub->len, start, sub->trusted, ms, me);
  sub->trusted = 1;   /* PCRE2 checked the part it read; later starts are within it */
  return r;
}

/* Next start after an empty match at pos: one character on. */
static size_t step_char(const char *s, size_t len, size_t pos) {
  pos++;
  while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80) pos++;
  return pos;
}

/* ---- the functions ----------------------------------------------------------
 * Each takes (subject, regex-or-pattern, ...) where subject is a string or a
 * document; the pattern forms also take flags as the last argument. */

/* One search from the init argument (3) of a call: 1 with [*ms, *me) on a match. */
static int search_call(lua_State *L, rr_regex *re, subject *sub, size_t *ms, size_t *me) {
  *sub = check_subject(L, 1);
  size_t start = rr_check_init(L, 3, sub->len);
  return start <= sub->len && exec_sub(L, re, sub, start, ms, me);
}

static int re_find_impl(lua_State *L, rr_regex *re) {
  subject sub;
  size_t ms, me;
  if (!search_call(L, re, &sub, &ms, &me)) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)ms + 1);
  lua_pushinteger(L, (lua_Integer)me);
  return re->ncap == 0 ? 2 : 2 + push_captures(L, re, sub.s);
}

static int re_match_impl(lua_State *L, rr_regex *re) {
  subject sub;
  size_t ms, me;
  if (!search_call(L, re, &sub, &ms, &me)) {
    lua_pushnil(L);
    return 1;
  }
  return push_captures(L, re, sub.s);
}

static int re_test_impl(lua_State *L, rr_regex *re) {
  subject sub;
  size_t ms, me;
  lua_pushboolean(L, search_call(L, re, &sub, &ms, &me));
  return 1;
}

/* gmatch iterator: upvalues subject, regex, position, trusted */
static int gmatch_aux(lua_State *L) {
  subject sub = check_subject(L, lua_upvalueindex(1));
  rr_regex *re = lua_touserdata(L, lua_upvalueindex(2));
  lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
  sub.trusted = lua_toboolean(L, lua_upvalueindex(4));
  size_t ms, me;
  if (pos < 0 || (size_t)pos > sub.len || !exec_sub(L, re, &sub, (size_t)pos, &ms, &me)) {
    lua_pushinteger(L, -1);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
  }
  size_t next = me > ms ? me : step_char(sub.s, sub.len, me);
  lua_pushinteger(L, (lua_Integer)next);
  lua_replace(L, lua_upvalueindex(3));
  lua_pushboolean(L, 1);
  lua_replace(L, lua_upvalueindex(4));
  return push_captures(L, re, sub.s);
}

static int re_gmatch_impl(lua_State *L, int regex_idx) {
  subject sub = check_subject(L, 1);
  size_t start = rr_check_init(L, 3, sub.len);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, regex_idx);   /* keeps the regex alive */
  lua_pushinteger(L, (lua_Integer)start);
  lua_pushboolean(L, sub.trusted);
  lua_pushcclosure(L, gmatch_aux, 4);
  return 1;
}

/* Appends the replacement for the current match to b. */
static void add_replacement(lua_State *L, luaL_Buffer *b, rr_regex *re, const char *s,
                            size_t ms, size_t me, int repl) {
  int t = lua_type(L, repl);
  if (t == LUA_TSTRING || t == LUA_TNUMBER) {
    size_t rl;
    const char *r = lua_tolstring(L, repl, &rl);
    for (size_t i = 0; i < rl; i++) {
      if (r[i] != '%' || i + 1 == rl) { luaL_addchar(b, r[i]); continue; }
      char d = r[++i];
      if (d == '%') luaL_addchar(b, '%');
      else if (d >= '0' && d <= '9') {
        uint32_t k = (uint32_t)(d - '0');
        if (k > re->ncap) luaL_error(L, "invalid capture index %%%d in replacement", (int)k);
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
        if (ov[2 * k] != PCRE2_UNSET) luaL_addlstring(b, s + ov[2 * k], ov[2 * k + 1] - ov[2 * k]);
      } else luaL_error(L, "invalid use of '%%' in replacement (use %%%% or %%0-%%9)");
    }
    return;
  }
  if (t == LUA_TFUNCTION) {
    lua_pushvalue(L, repl);
    int n = push_captures(L, re, s);
    lua_call(L, n, 1);
  } else if (t == LUA_TTABLE) {
    if (re->ncap) push_capture(L, re, s, 1); else push_capture(L, re, s, 0);
    lua_gettable(L, repl);
  } else {
    luaL_typeerror(L, repl, "string, function or table");
  }
  if (!lua_toboolean(L, -1)) {             /* nil or false: keep the match */
    lua_pop(L, 1);
    luaL_addlstring(b, s + ms, me - ms);
  } else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
    luaL_addvalue(b);
  } else {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
}

static int re_gsub_impl(lua_State *L, rr_regex *re) {
  subject sub = check_subject(L, 1);
  lua_Integer maxn = luaL_optinteger(L, 4, LUA_MAXINTEGER);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  size_t pos = 0, copied = 0, ms, me;
  lua_Integer n = 0;
  while (n < maxn && pos <= sub.len && exec_sub(L, re, &sub, pos, &ms, &me)) {
    luaL_addlstring(&b, sub.s + copied, ms - copied);
    add_replacement(L, &b, re, sub.s, ms, me, 3);
    n++;
    copied = me;
    pos = me > ms ? me : step_char(sub.s, sub.len, me);
    if (me == ms && ms < sub.len) {       /* empty match: keep the character we step over */
      luaL_addlstring(&b, sub.s + ms, pos - ms);
      copied = pos;
    }
  }
  if (copied < sub.len) luaL_addlstring(&b, sub.s + copied, sub.len - copied);
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

static int re_split_impl(lua_State *L, rr_regex *re) {
  subject sub = check_subject(L, 1);
  lua_Integer maxn = luaL_optinteger(L, 3, LUA_MAXINTEGER);
  lua_newtable(L);
  size_t pos = 0, piece = 0, ms, me;
  lua_Integer n = 0;
  while (n + 1 < maxn && pos <= sub.len && exec_sub(L, re, &sub, pos, &ms, &me)) {
    if (me == ms) {                        /* an empty match does not split */
      pos = step_char(sub.s, sub.len, me);
      continue;
    }
    lua_pushlstring(L, sub.s + piece, ms - piece);
    lua_rawseti(L, -2, ++n);
    piece = pos = me;
  }
  lua_pushlstring(L, sub.s + piece, sub.len - piece);
  lua_rawseti(L, -2, ++n);
  return 1;
}

/* Module functions: (subject, pattern, ..., flags) */
static int re_find(lua_State *L) { return re_find_impl(L, check_regex(L, 2, 4)); }
static int re_match(lua_State *L) { return re_match_impl(L, check_regex(L, 2, 4)); }
static int re_test(lua_State *L) { return re_test_impl(L, check_regex(L, 2, 4)); }
static int re_gmatch(lua_State *L) {
  check_regex(L, 2, 4);
  if (!rr_testudata(L, 2, RR_REGEX)) lua_replace(L, 2);   /* the iterator keeps the regex */
  return re_gmatch_impl(L, 2);
}
static int re_gsub(lua_State *L) { return re_gsub_impl(L, check_regex(L, 2, 5)); }
static int re_split(lua_State *L) { return re_split_impl(L, check_regex(L, 2, 4)); }

/* Methods on a compiled regex: re:find(subject, init) ... */
static rr_regex *self(lua_State *L) {
  rr_regex *re = rr_checkudata(L, 1, RR_REGEX);
  lua_rotate(L, 1, -1);                    /* (re, subject, ...) -> (subject, ..., re) */
  lua_insert(L, 2);                        /* -> (subject, re, ...) */
  return re;
}
static int m_find(lua_State *L) { return re_find_impl(L, self(L)); }
static int m_match(lua_State *L) { return re_match_impl(L, self(L)); }
static int m_test(lua_State *L) { return re_test_impl(L, self(L)); }
static int m_gmatch(lua_State *L) { self(L); return re_gmatch_impl(L, 2); }
static int m_gsub(lua_State *L) { return re_gsub_impl(L, self(L)); }
static int m_split(lua_State *L) { return re_split_impl(L, self(L)); }

static int re_compile(lua_State *L) {
  luaL_checktype(L, 1, LUA_TSTRING);
  regex_cached(L, 1, luaL_optstring(L, 2, NULL));
  return 1;
}

static int re_escape(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < n; i++) {
    if (strchr("\\^$.|?*+()[]{}-/#", s[i]) && s[i]) luaL_addchar(&b, '\\');
    luaL_addchar(&b, s[i]);
  }
  luaL_pushresult(&b);
  return 1;
}

static int regex_tostring(lua_State *L) {
  rr_checkudata(L, 1, RR_REGEX);
  lua_pushfstring(L, "regex (%p)", lua_topointer(L, 1));
  return 1;
}

static const luaL_Reg regex_methods[] = {
  {"find", m_find}, {"match", m_match}, {"test", m_test}, {"gmatch", m_gmatch},
  {"gsub", m_gsub}, {"split", m_split}, {NULL, NULL}};

static const luaL_Reg re_funcs[] = {
  {"compile", re_compile}, {"find", re_find}, {"match", re_match}, {"test", re_test},
  {"gmatch", re_gmatch}, {"gsub", re_gsub}, {"split", re_split}, {"escape", re_escape},
  {NULL, NULL}};

int luaopen_rulerun_re(lua_State *L) {
  if (luaL_newmetatable(L, RR_REGEX)) {
    luaL_newlib(L, regex_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, regex_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, regex_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_newlib(L, re_funcs);
  return 1;
}
