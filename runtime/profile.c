/* profile.c - --profile: where a run's time went (reading, normalising, each
 * rule, the slowest regexes), summed over the workers' Lua states. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "rr_internal.h"

struct rr_prof_regex { char *pattern; double secs, calls; };

void rr_profile_free(rr_run_profile *run) {
  free(run->rule);
  for (size_t i = 0; i < run->nre; i++) free(run->re[i].pattern);
  free(run->re);
  memset(run, 0, sizeof *run);
}

static void profile_regex(void *ud, const char *pattern, double secs, double calls) {
  rr_run_profile *run = ud;
  size_t i = 0;
  while (i < run->nre && strcmp(run->re[i].pattern, pattern) != 0) i++;
  if (i == run->nre) {
    struct rr_prof_regex *v = realloc(run->re, (i + 1) * sizeof *v);
    char *p = strdup(pattern);
    if (v) run->re = v;
    if (!v || !p) { free(p); return; }   /* a profile line less; the run goes on */
    v[i] = (struct rr_prof_regex){p, 0, 0};
    run->nre++;
  }
  run->re[i].secs += secs;
  run->re[i].calls += calls;
}

/* rr_regex_take_stats under lua_pcall: it makes strings of the patterns. */
static int take_regex_stats(lua_State *L) {
  rr_run_profile *run = lua_touserdata(L, 1);
  lua_settop(L, 0);
  rr_regex_take_stats(L, profile_regex, run);
  return 0;
}

/* Adds the figures of state L to the run's, and zeroes L's. */
void rr_profile_collect(rr_run_profile *run, lua_State *L) {
  rr_profile *p = &rr_luactx_get(L)->prof;
  if (!p->on) return;
  if (!run->rule) {
    run->rule = calloc(p->nrules + 1, sizeof *run->rule);
    run->nrules = run->rule ? p->nrules : 0;
  }
  run->read += p->read;
  run->normalize += p->normalize;
  for (size_t i = 0; i < p->nrules && i < run->nrules; i++) run->rule[i] += p->rule[i];
  p->read = p->normalize = 0;
  memset(p->rule, 0, p->nrules * sizeof *p->rule);
  lua_pushcfunction(L, take_regex_stats);   /* light values: nothing allocated outside the pcall */
  lua_pushlightuserdata(L, run);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1);   /* out of memory: the regex lines are short */
}

/* pattern made printable on one line: control characters as \n \t, cut
 * on a character boundary after about max bytes. */
static void printable(char *out, size_t max, const char *pattern) {
  size_t n = 0;
  for (const char *p = pattern; *p && n + 4 < max; p++) {
    if (*p == '\n' || *p == '\t') {
      out[n++] = '\\';
      out[n++] = *p == '\n' ? 'n' : 't';
    } else if ((unsigned char)*p >= 0x20 || *p < 0) {
      out[n++] = *p;
    }
  }
  while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) n--;   /* drop a cut character */
  if (n > 0 && (unsigned char)out[n - 1] >= 0xC0) n--;
  out[n] = '\0';
}

static int by_secs(const void *a, const void *b) {
  double x = ((const struct rr_prof_regex *)a)->secs, y = ((const struct rr_prof_regex *)b)->secs;
  return (x < y) - (x > y);
}

/* The profile as messages: seconds summed over the workers, so on N
 * threads they add up to about N times the wall time. */
void rr_profile_report(rr_run_profile *run, lua_State *L, rr_line_fn say, void *ud) {
  char line[512];
  double total = run->read + run->normalize;
  for (size_t i = 0; i < run->nrules; i++) total += run->rule[i];
  if (total <= 0) total = 1e-9;
  say(ud, "rulerun: profile (seconds summed over worker threads)");
  snprintf(line, sizeof line, "  %8.3f s %5.1f%%  reading files", run->read, 100 * run->read / total);
  say(ud, line);
  snprintf(line, sizeof line, "  %8.3f s %5.1f%%  decoding and normalising", run->normalize,
           100 * run->normalize / total);
  say(ud, line);
  lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules");
  for (size_t i = 0; i < run->nrules; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    lua_getfield(L, -1, "name");
    lua_getfield(L, -2, "source");
    lua_getfield(L, -3, "line");
    snprintf(line, sizeof line, "  %8.3f s %5.1f%%  rule '%s' (%s:%d)", run->rule[i],
             100 * run->rule[i] / total, lua_tostring(L, -3), lua_tostring(L, -2),
             (int)lua_tointeger(L, -1));
    say(ud, line);
    lua_pop(L, 4);
  }
  lua_pop(L, 1);
  qsort(run->re, run->nre, sizeof *run->re, by_secs);
  if (run->nre) say(ud, "  regexes by time spent matching (part of the rules' time):");
  for (size_t i = 0; i < run->nre && i < 15; i++) {
    char shown[160];
    printable(shown, sizeof shown, run->re[i].pattern);
    snprintf(line, sizeof line, "  %8.3f s %9.0f calls  %s", run->re[i].secs, run->re[i].calls, shown);
    say(ud, line);
  }
}

