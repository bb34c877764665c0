/* cli_check.c - rulerun check RULES.lua...: a rule file's mistakes as file:line:col, found without a report.
 *
 * Each file is loaded as a run loads it (the sandbox, the limits, the
 * engine's options); the facts of that state (tables and columns, rules, the
 * names of rulerun's modules, the methods of each kind of object) are copied
 * into a second, clean state where stdlib/rulerun/check.lua reads the source
 * with them.  Exit 0 when no file has a problem, 1 when one has, 2 when a
 * file cannot be read or checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "rr_internal.h"

#define MAX_DEPTH 8            /* of the facts table */

/* Pushes a list of the string keys of the table at idx (an empty list when it is none). */
static void push_key_list(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  if (!lua_istable(L, idx)) return;
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, ++n);
  }
}

/* Pushes the method names of objects whose metatable is registered as mt:
 * the keys of its field (__index, or a document's methods). */
static void push_methods(lua_State *L, const char *mt, const char *field) {
  luaL_getmetatable(L, mt);
  if (lua_istable(L, -1)) lua_getfield(L, -1, field);
  else lua_pushnil(L);
  push_key_list(L, -1);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

static int is_rulerun_module(const char *name) {
  return strcmp(name, "rulerun") == 0 || strncmp(name, "rulerun.", 8) == 0;
}

/* Pushes the facts of a loaded rule state (run in it, protected):
 * { tables = { {name=, columns={...}}, ... }, rules = {...},
 *   modules = { [module] = {names...} },  members = { [module] = { [field] = module } },
 *   methods = { document = {...}, section =, regex =, gazetteer =, file =, string = } } */
static int collect_facts(lua_State *L) {
  static const luaL_Reg mods[] = {
    {"rulerun.re", luaopen_rulerun_re}, {"rulerun.document", luaopen_rulerun_document},
    {"rulerun.section", luaopen_rulerun_section}, {"rulerun.tables", luaopen_rulerun_tables},
    {"rulerun.gazetteer", luaopen_rulerun_gazetteer}, {"rulerun.core", luaopen_rulerun_core},
    {NULL, NULL}};
  rr_guard_reset(L);                      /* a load that used up its budget leaves some to us */
  for (const luaL_Reg *m = mods; m->name; m++) {   /* their metatables, however far the file got */
    luaL_requiref(L, m->name, m->func, 0);
    lua_pop(L, 1);
  }
  lua_getglobal(L, "require");            /* rulerun's names even when the file failed before */
  lua_pushliteral(L, "rulerun");
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1);
  lua_newtable(L);
  int facts = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_getfield(L, -1, "rulerun.core");
  lua_getfield(L, -1, "tables");
  lua_call(L, 0, 1);                      /* core.tables(): { {name=, columns=}, ... } */
  lua_replace(L, -3);
  lua_pop(L, 1);
  lua_setfield(L, facts, "tables");
  lua_newtable(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules") == LUA_TTABLE) {
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
      lua_getfield(L, -1, "name");
      lua_rawseti(L, -4, i);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_setfield(L, facts, "rules");
  /* rulerun's modules, and which fields of one are another (rr.re, rr.tables) */
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  int loaded = lua_gettop(L);
  lua_newtable(L);
  lua_newtable(L);
  int modules = loaded + 1, members = loaded + 2;
  lua_pushnil(L);
  while (lua_next(L, loaded)) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) && is_rulerun_module(lua_tostring(L, -2))) {
      const char *name = lua_tostring(L, -2);
      push_key_list(L, -1);
      lua_setfield(L, modules, name);
      lua_newtable(L);                    /* its fields that are modules */
      int fields = lua_gettop(L);
      lua_pushnil(L);
      while (lua_next(L, fields - 1)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1)) {
          lua_pushnil(L);
          while (lua_next(L, loaded)) {
            if (lua_type(L, -2) == LUA_TSTRING && is_rulerun_module(lua_tostring(L, -2)) && lua_rawequal(L, -1, -3)) {
              lua_pushvalue(L, -4);
              lua_pushvalue(L, -3);
              lua_rawset(L, fields);
            }
            lua_pop(L, 1);
          }
        }
        lua_pop(L, 1);
      }
      lua_setfield(L, members, name);
    }
    lua_pop(L, 1);
  }
  lua_setfield(L, facts, "members");
  lua_setfield(L, facts, "modules");
  lua_pop(L, 1);
  lua_newtable(L);
  push_methods(L, RR_DOCUMENT, "methods");
  lua_setfield(L, -2, "document");
  push_methods(L, "rulerun.section", "__index");
  lua_setfield(L, -2, "section");
  push_methods(L, "rulerun.regex", "__index");
  lua_setfield(L, -2, "regex");
  push_methods(L, "rulerun.gazetteer", "__index");
  lua_setfield(L, -2, "gazetteer");
  push_methods(L, LUA_FILEHANDLE, "__index");
  lua_setfield(L, -2, "file");
  lua_getglobal(L, "string");
  push_key_list(L, -1);
  lua_remove(L, -2);
  lua_setfield(L, -2, "string");
  lua_setfield(L, facts, "methods");
  return 1;
}

/* Pushes onto to a copy of the value at idx of from: strings, numbers,
 * booleans and tables of them (anything else becomes nil). */
static void copy_value(lua_State *from, int idx, lua_State *to, int depth) {
  luaL_checkstack(to, 4, "facts too deep");
  switch (lua_type(from, idx)) {
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(from, idx, &n);
      lua_pushlstring(to, s, n);
      break;
    }
    case LUA_TNUMBER:
      if (lua_isinteger(from, idx)) lua_pushinteger(to, lua_tointeger(from, idx));
      else lua_pushnumber(to, lua_tonumber(from, idx));
      break;
    case LUA_TBOOLEAN:
      lua_pushboolean(to, lua_toboolean(from, idx));
      break;
    case LUA_TTABLE:
      if (depth > MAX_DEPTH || !lua_checkstack(from, 3)) luaL_error(to, "the facts of the rule file are too deep");
      idx = lua_absindex(from, idx);
      lua_newtable(to);
      lua_pushnil(from);
      while (lua_next(from, idx)) {
        copy_value(from, -2, to, depth + 1);
        copy_value(from, -1, to, depth + 1);
        if (lua_isnil(to, -2)) lua_pop(to, 2);
        else lua_rawset(to, -3);
        lua_pop(from, 1);
      }
      break;
    default:
      lua_pushnil(to);
  }
}

typedef struct check_job {
  lua_State *rules;           /* the loaded rule state, its facts on top */
  const char *path, *source, *load_error;
  size_t len;
  size_t problems;
} check_job;

/* Runs check.lua on one file and prints what it finds (run protected in the checker's state). */
static int run_checker(lua_State *L) {
  check_job *job = lua_touserdata(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "rulerun.check");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "run");
  lua_pushlstring(L, job->source, job->len);
  copy_value(job->rules, -1, L, 0);
  if (*job->load_error) {
    lua_pushstring(L, job->load_error);
    lua_setfield(L, -2, "load_error");
  }
  lua_call(L, 2, 2);
  int problems = lua_gettop(L) - 1, summary = problems + 1;
  for (lua_Integer i = 1; lua_rawgeti(L, problems, i) == LUA_TTABLE; i++) {
    lua_getfield(L, -1, "line");
    lua_getfield(L, -2, "col");
    lua_getfield(L, -3, "message");
    printf("%s:%d:%d: %s\n", job->path, (int)lua_tointeger(L, -3), (int)lua_tointeger(L, -2), lua_tostring(L, -1));
    lua_pop(L, 4);
    job->problems++;
  }
  if (!job->problems) printf("%s: no problem found: %s\n", job->path, lua_tostring(L, summary));
  return 0;
}

/* The whole file at path, NUL-terminated, or NULL (errno set). */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    char *grown = cap < ((size_t)1 << 30) ? realloc(buf, cap * 2) : NULL;
    if (!grown) {
      free(buf);
      buf = NULL;
      errno = ENOMEM;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (buf && bad) {
    free(buf);
    errno = EIO;
    return NULL;
  }
  if (buf) buf[n] = '\0';
  *len = n;
  return buf;
}

/* Checks one rule file with the engine e in the checker state L: 0 no
 * problem, 1 problems (printed), 2 it could not be checked. */
static int check_file(rr_engine *e, lua_State *L, const char *path) {
  size_t len = 0;
  char *source = slurp(path, &len);
  if (!source) {
    fprintf(stderr, "rulerun: check: cannot read %s: %s\n", path, strerror(errno));
    return 2;
  }
  char err[4096];
  lua_State *R = rr_engine_load_to_check(e, path, err, sizeof err);
  int status = 2;
  if (!R) {
    fprintf(stderr, "rulerun: check: %s\n", err);
  } else if (lua_pushcfunction(R, collect_facts), lua_pcall(R, 0, 1, 0) != LUA_OK) {
    fprintf(stderr, "rulerun: check: %s: %s\n", path, lua_tostring(R, -1));
  } else {
    check_job job = {R, path, source, err, len, 0};
    lua_pushcfunction(L, run_checker);
    lua_pushlightuserdata(L, &job);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
      fprintf(stderr, "rulerun: check: %s: %s\n", path, lua_tostring(L, -1));
      lua_pop(L, 1);
    } else {
      status = job.problems ? 1 : 0;
    }
  }
  fflush(stdout);
  rr_lua_close(R);
  free(source);
  return status;
}

/* rulerun check [options] RULES.lua... */
int cli_check(int argc, char **argv) {
  cli c;
  cli_parse(argc, argv, &c);
  if (c.nargs < 1) cli_usage_error("%s", "check: no rule file given");
  rr_engine *e = rr_engine_new(&c.opt);
  const char *stdlib = rr_find_stdlib(c.opt.stdlib_dir);
  lua_State *L = e ? rr_lua_newstate(stdlib, NULL, 0, 0, 0) : NULL;
  if (!L) {
    fprintf(stderr, "rulerun: out of memory\n");
    rr_engine_free(e);
    return 2;
  }
  int status = 0;
  for (int i = 0; i < c.nargs; i++) {
    int s = check_file(e, L, c.args[i]);
    if (s > status) status = s;
  }
  rr_lua_close(L);
  rr_engine_free(e);
  return status;
}
