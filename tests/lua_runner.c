/* lua_runner.c - runs a Lua test file in a rule state (stdlib and C modules loaded); exit 0 iff it finishes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "rr_internal.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lua_runner TEST.lua\n");
    return 2;
  }
  char *dir = strdup(argv[1]);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0'; else strcpy(dir, ".");
  lua_State *L = rr_lua_newstate(rr_find_stdlib(NULL), dir, 0, 1, 0);   /* allow_io: tests report on stderr */
  if (!L) return 2;
  lua_pushcfunction(L, rr_lua_traceback);
  int rc = luaL_loadfilex(L, argv[1], "t");
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, -2);
  if (rc != LUA_OK) fprintf(stderr, "%s\n", lua_tostring(L, -1));
  rr_lua_close(L);
  free(dir);
  return rc == LUA_OK ? 0 : 1;
}
