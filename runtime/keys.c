/* keys.c - rulerun.keys: the check every options table gets, and "did you mean" for a misspelled name.
 *
 * A misspelled option key, column, table or function name is told with the
 * closest name there is (by edit distance, a swap of two neighbours counting
 * one) and the names there are.  The C modules call rr_check_options on
 * their options tables; stdlib/rulerun/options.lua calls keys.unknown for
 * the Lua helpers, and rulerun check (stdlib/rulerun/check.lua) all three,
 * so that a mistake reads the same found early or at run time.
 */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define MAX_NAME 64          /* code points; a longer word gets no suggestion */

/* The code points of s, ASCII letters lower-cased, into cp; their count, or -1 when too long. */
static int code_points(const char *s, uint32_t *cp) {
  int n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    if (n == MAX_NAME) return -1;
    uint32_t c = *p++;
    if (c >= 0xC0)           /* a lead byte and its continuation bytes; bad UTF-8 only weighs more */
      while ((*p & 0xC0) == 0x80) c = (c << 6) | (*p++ & 0x3F);
    else if (c >= 'A' && c <= 'Z')
      c += 'a' - 'A';
    cp[n++] = c;
  }
  return n;
}

/* Edit distance of a and b (insertions, deletions, substitutions, and a swap of neighbours). */
static int distance(const uint32_t *a, int na, const uint32_t *b, int nb) {
  int d[MAX_NAME + 1][MAX_NAME + 1];
  for (int i = 0; i <= na; i++) d[i][0] = i;
  for (int j = 0; j <= nb; j++) d[0][j] = j;
  for (int i = 1; i <= na; i++) {
    for (int j = 1; j <= nb; j++) {
      int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  }
  return d[na][nb];
}

const char *rr_closest(const char *word, const char *const *names, size_t n) {
  uint32_t w[MAX_NAME], c[MAX_NAME];
  int nw = code_points(word, w);
  if (nw < 1) return NULL;
  int limit = (nw + 1) / 3 < 1 ? 1 : (nw + 1) / 3 > 3 ? 3 : (nw + 1) / 3;   /* a third of it, 1 to 3 edits */
  const char *best = NULL;
  int best_d = limit + 1;
  for (size_t i = 0; i < n; i++) {
    int nc = code_points(names[i], c);
    if (nc < 0 || strcmp(names[i], word) == 0) continue;
    int d = distance(w, nw, c, nc);
    if (d < best_d && d < nc) best = names[i], best_d = d;
  }
  return best;
}

void rr_push_hint(lua_State *L, const char *word, const char *const *names, size_t n, const char *label) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addchar(&b, '(');
  const char *near = rr_closest(word, names, n);
  if (near) {
    luaL_addstring(&b, "did you mean '");
    luaL_addstring(&b, near);
    luaL_addstring(&b, "'? ");
  }
  luaL_addstring(&b, label);
  luaL_addchar(&b, ':');
  for (size_t i = 0; i < n; i++) {
    luaL_addstring(&b, i ? ", " : " ");
    luaL_addstring(&b, names[i]);
  }
  if (!n) luaL_addstring(&b, " none");
  luaL_addchar(&b, ')');
  luaL_pushresult(&b);
}

static size_t count_names(const char *const *names) {
  size_t n = 0;
  while (names[n]) n++;
  return n;
}

/* Pushes the message for the first key of the options table at idx that is
 * not in keys and returns 1; 0 (nothing pushed) when every key is known. */
static int unknown_option(lua_State *L, int idx, const char *func, const char *const *keys, int headings) {
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -1);
      const char *const *p = keys;
      while (*p && strcmp(*p, k) != 0) p++;
      if (*p) continue;
      rr_push_hint(L, k, keys, count_names(keys), "options");
      lua_pushfstring(L, "%s: unknown option '%s' %s", func, k, lua_tostring(L, -1));
    } else if (headings && lua_isinteger(L, -1)) {    /* a section spec's heading names */
      continue;
    } else {
      lua_pushfstring(L, "%s: an options table holds name = value pairs, not a value at [%s]", func,
                      luaL_tolstring(L, -1, NULL));
    }
    lua_replace(L, -3);
    lua_pop(L, 1);
    return 1;
  }
  return 0;
}

void rr_check_options(lua_State *L, int idx, const char *func, const char *const *keys, int headings) {
  if (!unknown_option(L, idx, func, keys, headings)) return;
  luaL_where(L, 1);
  lua_insert(L, -2);
  lua_concat(L, 2);
  lua_error(L);
}

/* The strings of the list at idx as a NULL-terminated array, held by a
 * userdata pushed on the stack (the strings stay referenced by the list);
 * *n their count. */
static const char **list_arg(lua_State *L, int idx, size_t *n) {
  luaL_checktype(L, idx, LUA_TTABLE);
  *n = lua_rawlen(L, idx);
  const char **names = lua_newuserdatauv(L, (*n + 1) * sizeof *names, 0);
  for (size_t i = 0; i < *n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    names[i] = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (!names[i]) luaL_argerror(L, idx, "a list of strings expected");
  }
  names[*n] = NULL;
  return names;
}

/* keys.closest(word, names) -> the name closest to word, or nil when none is close */
static int keys_closest(lua_State *L) {
  const char *word = luaL_checkstring(L, 1);
  size_t n;
  const char **names = list_arg(L, 2, &n);
  const char *near = rr_closest(word, names, n);
  if (near) lua_pushstring(L, near);
  else lua_pushnil(L);
  return 1;
}

/* keys.hint(word, names, label) -> "(did you mean 'x'? label: a, b, c)" */
static int keys_hint(lua_State *L) {
  const char *word = luaL_checkstring(L, 1);
  size_t n;
  const char **names = list_arg(L, 2, &n);
  rr_push_hint(L, word, names, n, luaL_checkstring(L, 3));
  return 1;
}

/* keys.unknown(opts, func, keys [, headings]) -> the message for a key of
 * opts not in keys ("func: unknown option 'k' (did you mean ...)"), or nil */
static int keys_unknown(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const char *func = luaL_checkstring(L, 2);
  size_t n;
  const char **names = list_arg(L, 3, &n);
  if (!unknown_option(L, 1, func, names, lua_toboolean(L, 4))) lua_pushnil(L);
  return 1;
}

void rr_push_names(lua_State *L, const char *const *names) {
  lua_newtable(L);
  for (lua_Integer i = 0; names[i]; i++) {
    lua_pushstring(L, names[i]);
    lua_rawseti(L, -2, i + 1);
  }
}

static const luaL_Reg keys_funcs[] = {
  {"closest", keys_closest}, {"hint", keys_hint}, {"unknown", keys_unknown}, {NULL, NULL}};

int luaopen_rulerun_keys(lua_State *L) {
  luaL_newlib(L, keys_funcs);
  return 1;
}
