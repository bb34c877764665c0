/* fuzz_lua.c - the entry point of the Lua targets: one rule state per fuzz process, the target's chunk run on each input. */
#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>

#include "fuzz.h"
#include "rr_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lua_State *L;
  if (!L) {
    L = rr_lua_newstate(rr_find_stdlib(NULL), NULL, 0, 0, (size_t)256 << 20);
    if (!L || luaL_loadstring(L, fuzz_lua_script) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
      fprintf(stderr, "fuzz: the target's script does not load: %s\n", L ? lua_tostring(L, -1) : "no memory");
      abort();
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.fn");
    rr_guard_get(L)->budget = 20000000;   /* a slow input ends instead of timing out */
  }
  rr_guard_reset(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.fn");
  lua_pushlstring(L, (const char *)data, size);
  lua_pcall(L, 1, 0, 0);
  lua_settop(L, 0);
  return 0;
}
