/* luastate.c - a Lua state for rules: the standard libraries rules need, the C modules, the stdlib path. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "rr_config.h"
#include "rr_internal.h"

int rr_lua_traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* load() that refuses precompiled chunks: bytecode can break the VM. */
static int safe_load(lua_State *L) {
  int nargs = lua_gettop(L);
  lua_settop(L, nargs < 4 ? 4 : nargs);
  if (!lua_isnil(L, 3)) {
    const char *mode = luaL_checkstring(L, 3);
    if (strchr(mode, 'b')) return luaL_error(L, "load: binary chunks are not allowed in rules");
  }
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 4, LUA_MULTRET);
  return lua_gettop(L);
}

static void keep_only(lua_State *L, const char *lib, const char *const *names) {
  lua_getglobal(L, lib);
  lua_newtable(L);
  for (; *names; names++) {
    lua_getfield(L, -2, *names);
    lua_setfield(L, -2, *names);
  }
  lua_setglobal(L, lib);
  lua_pop(L, 1);
}

lua_State *rr_lua_newstate(const char *stdlib_dir, const char *rules_dir, int excel) {
  lua_State *L = luaL_newstate();
  if (!L) return NULL;
  static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base}, {LUA_LOADLIBNAME, luaopen_package},
    {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
    {LUA_OSLIBNAME, luaopen_os}, {NULL, NULL}};
  for (const luaL_Reg *l = libs; l->name; l++) {
    luaL_requiref(L, l->name, l->func, 1);
    lua_pop(L, 1);
  }
  /* the sandbox: rules read documents and emit rows, nothing else */
  static const char *const os_keep[] = {"clock", "date", "time", "difftime", "getenv", NULL};
  keep_only(L, LUA_OSLIBNAME, os_keep);
  lua_pushnil(L);
  lua_setglobal(L, "dofile");
  lua_pushnil(L);
  lua_setglobal(L, "loadfile");
  lua_getglobal(L, "load");
  lua_pushcclosure(L, safe_load, 1);
  lua_setglobal(L, "load");

  lua_getglobal(L, LUA_LOADLIBNAME);
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pushnil(L);
  lua_setfield(L, -2, "loadlib");
  lua_getfield(L, -1, "searchers");       /* keep the preload and Lua-file searchers */
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);
  lua_pop(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua", stdlib_dir, stdlib_dir);
  luaL_addvalue(&b);
  if (rules_dir) {
    lua_pushfstring(L, ";%s/?.lua", rules_dir);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  lua_setfield(L, -2, "path");
  if (rules_dir) {                     /* data files (gazetteers) are found beside the rules */
    lua_pushstring(L, rules_dir);
    lua_setfield(L, LUA_REGISTRYINDEX, "rulerun.rules_dir");
  }
  lua_getfield(L, -1, "preload");
  static const luaL_Reg mods[] = {
    {"rulerun.re", luaopen_rulerun_re}, {"rulerun.document", luaopen_rulerun_document},
    {"rulerun.section", luaopen_rulerun_section}, {"rulerun.core", luaopen_rulerun_core},
    {"rulerun.tables", luaopen_rulerun_tables}, {"rulerun.gazetteer", luaopen_rulerun_gazetteer},
    {NULL, NULL}};
  for (const luaL_Reg *m = mods; m->name; m++) {
    lua_pushcfunction(L, m->func);
    lua_setfield(L, -2, m->name);
  }
  lua_pop(L, 2);
  rr_luactx_get(L)->excel = excel;
  return L;
}

void *rr_new_scratch(lua_State *L, size_t size, lua_CFunction gc) {
  void *p = lua_newuserdatauv(L, size, 0);
  memset(p, 0, size);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  return p;
}

void rr_lua_close(lua_State *L) {
  if (L) lua_close(L);
}

static int has_stdlib(const char *dir) {
  char p[PATH_MAX];
  struct stat st;
  return dir && snprintf(p, sizeof p, "%s/rulerun.lua", dir) < (int)sizeof p && stat(p, &st) == 0;
}

const char *rr_find_stdlib(const char *explicit_dir) {
  static char found[PATH_MAX];
  if (explicit_dir) return explicit_dir;
  const char *env = getenv("RULERUN_STDLIB");
  if (env && *env) return env;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char probe[PATH_MAX];
      struct stat st;
      /* a binary in a meson build tree uses the source tree's stdlib */
      if (snprintf(probe, sizeof probe, "%s/build.ninja", exe) < (int)sizeof probe &&
          stat(probe, &st) == 0 && has_stdlib(RR_SOURCE_STDLIB))
        return RR_SOURCE_STDLIB;
      if (snprintf(found, sizeof found, "%s/../share/rulerun/lua", exe) < (int)sizeof found &&
          has_stdlib(found))
        return found;
    }
  }
  if (has_stdlib(RR_INSTALL_STDLIB)) return RR_INSTALL_STDLIB;
  return RR_SOURCE_STDLIB;
}
