/* luastate.c - a Lua state for rules: the standard libraries rules need, the C modules, the stdlib path. */
#include <limits.h>
#include <stdatomic.h>
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

/* ---- the sandbox ------------------------------------------------------------ */

/* What the sandbox puts where a library function was: an error that says why. */
static int not_allowed(lua_State *L) {
  return luaL_error(L, "%s is not allowed in rules (rulerun --allow-io allows it)",
                    lua_tostring(L, lua_upvalueindex(1)));
}

/* Replaces field of the table at index t (a global when t is 0) by not_allowed. */
static void refuse(lua_State *L, int t, const char *field, const char *shown) {
  lua_pushstring(L, shown);
  lua_pushcclosure(L, not_allowed, 1);
  if (t) lua_setfield(L, t, field);
  else lua_setglobal(L, field);
}

static void refuse_all(lua_State *L, const char *lib, const char *const *names) {
  lua_getglobal(L, lib);
  for (; *names; names++) {
    char shown[64];
    snprintf(shown, sizeof shown, "%s.%s", lib, *names);
    refuse(L, lua_gettop(L), *names, shown);
  }
  lua_pop(L, 1);
}

/* io.open for reading only (upvalue: the real io.open). */
static int open_for_reading(lua_State *L) {
  const char *mode = luaL_optstring(L, 2, "r");
  if (strcmp(mode, "r") != 0 && strcmp(mode, "rb") != 0)
    return luaL_error(L, "io.open with mode '%s' is not allowed in rules: rules read files, they "
                         "do not write them (rulerun --allow-io allows it)", mode);
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_pushstring(L, mode);
  lua_call(L, 2, LUA_MULTRET);
  return lua_gettop(L);
}

/* Rules read documents (and data files beside them) and emit rows, nothing
 * else: no processes, no writing, no C modules, no bytecode, no debug. */
static void sandbox(lua_State *L) {
  static const char *const os_keep[] = {"clock", "date", "time", "difftime", "getenv", NULL};
  static const char *const os_refused[] = {"execute", "remove", "rename", "exit", "tmpname",
                                           "setlocale", NULL};
  static const char *const io_keep[] = {"lines", "type", NULL};
  static const char *const io_refused[] = {"popen", "write", "read", "output", "input",
                                           "tmpfile", "close", NULL};
  keep_only(L, LUA_OSLIBNAME, os_keep);
  refuse_all(L, LUA_OSLIBNAME, os_refused);
  lua_getglobal(L, LUA_IOLIBNAME);
  lua_getfield(L, -1, "open");
  keep_only(L, LUA_IOLIBNAME, io_keep);
  lua_getglobal(L, LUA_IOLIBNAME);
  lua_insert(L, -2);
  lua_pushcclosure(L, open_for_reading, 1);
  lua_setfield(L, -2, "open");
  lua_pop(L, 2);
  refuse_all(L, LUA_IOLIBNAME, io_refused);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);   /* require "io" gives the same */
  lua_getglobal(L, LUA_IOLIBNAME);
  lua_setfield(L, -2, LUA_IOLIBNAME);
  lua_getglobal(L, LUA_OSLIBNAME);
  lua_setfield(L, -2, LUA_OSLIBNAME);
  lua_pop(L, 1);
  lua_newtable(L);                         /* debug: indexing it names the refusal */
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "debug");
  lua_pushcclosure(L, not_allowed, 1);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_setglobal(L, "debug");
  refuse(L, 0, "dofile", "dofile");
  refuse(L, 0, "loadfile", "loadfile");
  lua_getglobal(L, LUA_LOADLIBNAME);
  refuse(L, lua_gettop(L), "loadlib", "package.loadlib (C modules)");
  lua_getfield(L, -1, "searchers");        /* keep the preload and Lua-file searchers */
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
}

/* ---- limits: memory (the allocator) and instructions (a count hook) --------- */

#define GUARD_EVERY 1000        /* instructions between two looks at the budget */

static void *guarded_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  rr_guard *g = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    rr_pool_free(&g->pool, ptr, old);
    g->used -= old;
    return NULL;
  }
  if (nsize > old && g->used - old + nsize > g->limit) {   /* shrinking never fails */
    g->mem_hit = 1;
    return NULL;        /* Lua collects garbage and tries again before it gives up */
  }
  void *p = rr_pool_realloc(&g->pool, ptr, old, nsize);
  if (p) g->used = g->used - old + nsize;
  return p;
}

/* Every Lua call of the library is protected, so this never runs; if a bug
 * made it run, saying so beats Lua's silent abort(). */
static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "rulerun: Lua error outside a protected call (a bug in rulerun): %s\n", msg ? msg : "?");
  return 0;
}

rr_guard *rr_guard_get(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

static void guard_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  rr_guard *g = rr_guard_get(L);
  if (g->cancel && atomic_load_explicit(g->cancel, memory_order_relaxed)) g->stop = RR_STOP_CANCEL;
  else if (g->budget >= 0 && (g->steps -= GUARD_EVERY) < 0) g->stop = RR_STOP_BUDGET;
  if (!g->stop) return;
  /* from now on every instruction raises, so a pcall in the rule cannot swallow it */
  lua_sethook(L, guard_hook, LUA_MASKCOUNT, 1);
  luaL_where(L, 0);             /* in a hook, level 0 is the Lua function that was running */
  if (g->stop == RR_STOP_CANCEL) lua_pushliteral(L, "interrupted");
  else lua_pushfstring(L, "used up its budget of %I Lua instructions for one document (an endless "
                          "loop? rulerun --max-steps N changes it)", (lua_Integer)g->budget);
  lua_concat(L, 2);
  lua_error(L);
}

void rr_guard_reset(lua_State *L) {
  rr_guard *g = rr_guard_get(L);
  g->steps = g->budget;
  g->stop = 0;
  g->mem_hit = 0;
  lua_sethook(L, guard_hook, LUA_MASKCOUNT, GUARD_EVERY);
}

typedef struct state_setup {
  const char *stdlib_dir, *rules_dir;
  int excel, allow_io;
} state_setup;

/* Everything that fills a new state, run under lua_pcall: each step may
 * raise (out of memory), and a raise outside a protected call would end the
 * host process. */
static int setup_state(lua_State *L) {
  const state_setup *s = lua_touserdata(L, 1);
  lua_settop(L, 0);
  static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base}, {LUA_LOADLIBNAME, luaopen_package},
    {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
    {LUA_OSLIBNAME, luaopen_os}, {LUA_IOLIBNAME, luaopen_io}, {NULL, NULL}};
  for (const luaL_Reg *l = libs; l->name; l++) {
    luaL_requiref(L, l->name, l->func, 1);
    lua_pop(L, 1);
  }
  if (s->allow_io) {
    luaL_requiref(L, LUA_DBLIBNAME, luaopen_debug, 1);
    lua_pop(L, 1);
  } else {
    sandbox(L);
  }
  lua_getglobal(L, "load");
  lua_pushcclosure(L, safe_load, 1);
  lua_setglobal(L, "load");
  lua_register(L, "print", rr_lua_print);
  lua_getglobal(L, LUA_LOADLIBNAME);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua", s->stdlib_dir, s->stdlib_dir);
  luaL_addvalue(&b);
  if (s->rules_dir) {
    lua_pushfstring(L, ";%s/?.lua", s->rules_dir);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  lua_setfield(L, -2, "path");
  if (s->rules_dir) {                  /* data files (gazetteers) are found beside the rules */
    lua_pushstring(L, s->rules_dir);
    lua_setfield(L, LUA_REGISTRYINDEX, "rulerun.rules_dir");
  }
  lua_getfield(L, -1, "preload");
  static const luaL_Reg mods[] = {
    {"rulerun.re", luaopen_rulerun_re}, {"rulerun.document", luaopen_rulerun_document},
    {"rulerun.section", luaopen_rulerun_section}, {"rulerun.core", luaopen_rulerun_core},
    {"rulerun.tables", luaopen_rulerun_tables}, {"rulerun.gazetteer", luaopen_rulerun_gazetteer},
    {"rulerun.keys", luaopen_rulerun_keys},
    {NULL, NULL}};
  for (const luaL_Reg *m = mods; m->name; m++) {
    lua_pushcfunction(L, m->func);
    lua_setfield(L, -2, m->name);
  }
  lua_pop(L, 2);
  rr_luactx_get(L)->excel = s->excel;
  return 0;
}

lua_State *rr_lua_newstate(const char *stdlib_dir, const char *rules_dir, int excel, int allow_io,
                           size_t max_memory) {
  rr_guard *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->limit = max_memory ? max_memory : RR_DEFAULT_MEMORY;
  g->budget = -1;
  rr_pool_init(&g->pool);
  lua_State *L = lua_newstate(guarded_alloc, g);
  if (!L) {
    rr_pool_destroy(&g->pool);
    free(g);
    return NULL;
  }
  memset(lua_getextraspace(L), 0, LUA_EXTRASPACE);   /* Lua leaves it as it found it: rr_luactx_get uses it */
  lua_atpanic(L, panic);
  /* Generational: a document's rules make many short-lived strings and
   * tables and keep almost none; the young collections find them while they
   * are still in cache (weekly.lua on the 4,000-file corpus: 8 % less CPU
   * than incremental, same peak memory; docs/PERFORMANCE.md). */
  lua_gc(L, LUA_GCGEN, 0, 0);
  state_setup setup = {stdlib_dir, rules_dir, excel, allow_io};
  /* pushing a light C function and a light userdata allocates nothing */
  lua_pushcfunction(L, setup_state);
  lua_pushlightuserdata(L, &setup);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {   /* only out of memory can fail it */
    rr_lua_close(L);
    return NULL;
  }
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
  if (!L) return;
  rr_guard *g = rr_guard_get(L);
  lua_close(L);
  rr_pool_destroy(&g->pool);
  free(g);
}

/* The library never looks for a build or source tree (a host's binary is
 * not ours to inspect): the CLI and the tests pass the source tree's. */
void rr_stdlib_searched(const char *explicit_dir, char *buf, size_t n) {
  const char *env = getenv("RULERUN_STDLIB");
  if (explicit_dir) snprintf(buf, n, "%s (--stdlib)", explicit_dir);
  else if (env && *env) snprintf(buf, n, "%s ($RULERUN_STDLIB)", env);
  else snprintf(buf, n, "%s (where it is installed)", RR_INSTALL_STDLIB);
}

const char *rr_find_stdlib(const char *explicit_dir) {
  if (explicit_dir) return explicit_dir;
  const char *env = getenv("RULERUN_STDLIB");
  if (env && *env) return env;
  return RR_INSTALL_STDLIB;
}
