/* engine.c - rr_engine: load the rules once per worker state, run documents on N threads, write in input order. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "rr_config.h"
#include "rr_internal.h"

#define MAX_DOCUMENT ((size_t)1 << 31)   /* 2 GiB: offsets in the text are 32-bit */
#define YIELD_NAMES 5        /* documents without rows named in the summary */
#define MAX_GROUPS 1000      /* distinct rule errors told apart; more are each reported */

struct rr_engine {
  rr_options opt;
  char *out_dir, *glob, *stdlib_dir, *rules_path, *rules_dir, *encoding;
  char *rules_source;          /* "@" rules_path: how Lua names the rule file's chunk */
  char *rules_text;            /* rr_engine_load_string: the rule file's text (NULL: read the file) */
  size_t rules_len;
  _Atomic int cancel;          /* rr_engine_cancel; sticky */
  lua_State *L0;               /* loaded by rr_engine_load; worker 0, explain, rr_engine_process */
  struct {                     /* rr_engine_process from several threads: a state each */
    pthread_mutex_t mu;
    lua_State **idle;          /* states free for a call (L0 among them) */
    size_t nidle;
    lua_State **all;           /* every state besides L0, closed with the engine */
    size_t nall, cap;
  } pool;
  int ntables;
  char **table_names;
  size_t *table_rows;
  size_t *table_ncols;         /* columns per table, the provenance ones included */
  char ***table_cols;
  rr_stats stats;
  rr_run_profile prof;         /* --profile, summed over the workers' states */
  struct {                     /* the yield of the last run */
    size_t nrules;
    char **rule_names;
    size_t *rule_empty;
    size_t empty_docs;
    char *empty_names[YIELD_NAMES];
    size_t nempty_names;
    struct err_group {         /* a rule error, and the documents it happened in */
      char *key;
      size_t count;
      char *docs[3];           /* the first few */
    } *groups;
    size_t ngroups;
    FILE *file;                /* --yield, written to file_tmp */
    char *file_tmp;
    int nomem;                 /* a line could not be built: the file fails as a whole */
  } yield;
  char err[4096];
};

const char *rr_version(void) { return RR_VERSION; }

/* rr_engine_process's message, in the thread that called it: concurrent
 * calls on one engine each keep their own. */
/* cppcheck-suppress unusedStructMember ; used through call_error, which cppcheck does not see as _Thread_local */
struct call_message { const rr_engine *e; char msg[1024]; };
static _Thread_local struct call_message call_error;

static void set_error(rr_engine *e, const char *fmt, ...) RR_PRINTF(2, 3);
static void set_error(rr_engine *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->err, sizeof e->err, fmt, ap);
  va_end(ap);
}

static void default_message(void *ud, const char *msg, int is_progress) {
  (void)ud;
  if (is_progress) fprintf(stderr, "\r%s\033[K", msg);
  else fprintf(stderr, "%s\n", msg);
}

static void message(rr_engine *e, int is_progress, const char *msg) {
  if (e->opt.on_message) e->opt.on_message(e->opt.message_ud, msg, is_progress);
  else default_message(NULL, msg, is_progress);
}

static void say_line(void *ud, const char *line) { message(ud, 0, line); }

static void yield_free(rr_engine *e);

rr_engine *rr_engine_new(const rr_options *opt) {
  if (opt && opt->size == 0) return NULL;   /* not made by rr_options_init */
  rr_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  rr_options_init(&e->opt);
  /* a caller built against an older header knows fewer fields: those it
   * does not know keep their defaults */
  if (opt) memcpy(&e->opt, opt, opt->size < sizeof e->opt ? opt->size : sizeof e->opt);
  e->opt.size = sizeof e->opt;
  int kind = rr_sink_kind(e->opt.format, e->opt.out_dir);
  e->out_dir = strdup(e->opt.out_dir ? e->opt.out_dir : kind == RR_SINK_JSONL ? "-" : "out");
  if (kind != RR_SINK_CSV) e->opt.excel = 0;   /* the CSV rows are read back; the sink types cells */
  e->glob = rr_globs_describe(e->opt.globs, e->opt.nglobs, e->opt.glob);
  e->stdlib_dir = strdup(rr_find_stdlib(e->opt.stdlib_dir));
  e->encoding = e->opt.encoding ? strdup(e->opt.encoding) : NULL;
  e->opt.encoding = e->encoding;
  if (!e->out_dir || !e->glob || !e->stdlib_dir || (e->opt.encoding && !e->encoding)) {
    rr_engine_free(e);
    return NULL;
  }
  if (e->opt.jobs <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    e->opt.jobs = n > 0 ? (int)n : 1;
  }
  if (pthread_mutex_init(&e->pool.mu, NULL) != 0) {
    free(e->out_dir);   /* the rest is NULL yet */
    free(e->glob);
    free(e->stdlib_dir);
    free(e->encoding);
    free(e);
    return NULL;
  }
  return e;
}

/* The loaded rules dropped: every state closed, the tables forgotten. */
static void unload(rr_engine *e) {
  for (size_t i = 0; i < e->pool.nall; i++) rr_lua_close(e->pool.all[i]);
  free(e->pool.all);
  free(e->pool.idle);
  e->pool.all = e->pool.idle = NULL;
  e->pool.nall = e->pool.nidle = e->pool.cap = 0;
  rr_lua_close(e->L0);
  e->L0 = NULL;
  for (int i = 0; i < e->ntables; i++) {
    free(e->table_names[i]);
    for (size_t c = 0; e->table_cols && e->table_cols[i] && c < e->table_ncols[i]; c++) free(e->table_cols[i][c]);
    if (e->table_cols) free(e->table_cols[i]);
  }
  free(e->table_names);
  free(e->table_rows);
  free(e->table_ncols);
  free(e->table_cols);
  e->table_names = NULL;
  e->table_rows = e->table_ncols = NULL;
  e->table_cols = NULL;
  e->ntables = 0;
  memset(&e->stats, 0, sizeof e->stats);
}

void rr_engine_free(rr_engine *e) {
  if (!e) return;
  if (call_error.e == e) call_error.e = NULL;
  unload(e);
  pthread_mutex_destroy(&e->pool.mu);
  rr_profile_free(&e->prof);
  yield_free(e);
  free(e->out_dir);
  free(e->glob);
  free(e->stdlib_dir);
  free(e->rules_path);
  free(e->rules_dir);
  free(e->rules_source);
  free(e->rules_text);
  free(e->encoding);
  free(e);
}

void rr_engine_cancel(rr_engine *e) { atomic_store_explicit(&e->cancel, 1, memory_order_relaxed); }

const char *rr_engine_error(const rr_engine *e) { return call_error.e == e ? call_error.msg : e->err; }
const rr_stats *rr_engine_stats(const rr_engine *e) { return &e->stats; }
const char *rr_engine_stdlib(const rr_engine *e) { return e->stdlib_dir; }

/* ---- loading ------------------------------------------------------------- */

/* First line of the message on top of the stack, into buf. */
static void first_line(lua_State *L, char *buf, size_t n) {
  const char *m = lua_tostring(L, -1);
  if (!m) m = "(error object is not a string)";
  size_t k = strcspn(m, "\n");
  snprintf(buf, n, "%.*s", (int)k, m);
}

/* A state with the rule file run in it, or NULL with the message in err. */
/* Whether the file at path looks like a report rather than Lua: not
 * named .lua and, in its first bytes, Chinese text or no Lua at all. */
static int looks_like_report(const char *path) {
  size_t n = strlen(path);
  if (n >= 4 && strcmp(path + n - 4, ".lua") == 0) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  unsigned char head[512];
  size_t k = fread(head, 1, sizeof head, f);
  fclose(f);
  size_t high = 0;
  for (size_t i = 0; i < k; i++) high += head[i] >= 0x80;
  return k == 0 || high * 4 >= k || !memmem(head, k, "rulerun", 7);
}

/* A load error made to say what to do: the stdlib not found, a report
 * given where the rule file belongs. */
static void explain_load_error(rr_engine *e, int syntax, char *err, size_t errlen) {
  size_t n = strlen(err);
  if (strstr(err, "module 'rulerun' not found")) {
    char where[1024];
    rr_stdlib_searched(e->opt.stdlib_dir, where, sizeof where);
    snprintf(err, errlen, "%s: cannot find rulerun's Lua library (rulerun/init.lua): looked in %s; "
             "give its directory with --stdlib DIR or RULERUN_STDLIB=DIR", e->rules_path, where);
  } else if (syntax && looks_like_report(e->rules_path) && n + 120 < errlen) {
    snprintf(err + n, errlen - n, " (is %s a report? The rule file comes first: rulerun RULES.lua PATH...)",
             e->rules_path);
  }
}

/* Message handler for rules: puts the rule file's line in front of errors
 * raised where Lua cannot say it (C functions such as emit). */
static int rule_msgh(lua_State *L) {
  const char *rules = lua_tostring(L, lua_upvalueindex(1));
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    rr_lua_traceback(L);
    return 1;
  }
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.source[0] == '@' && strcmp(ar.source + 1, rules) == 0 && ar.currentline > 0) {
      char where[512];
      snprintf(where, sizeof where, "%s:%d:", ar.short_src, ar.currentline);
      if (strncmp(msg, where, strlen(where)) != 0) {
        lua_pushfstring(L, "%s %s", where, msg);
        return 1;
      }
      break;
    }
  }
  lua_pushvalue(L, 1);
  return 1;
}

/* Loads and runs the rule file in a new state, under lua_pcall (everything
 * here may run out of memory).  Argument: the engine.  Returns the rule
 * file's status (LUA_OK, LUA_ERRSYNTAX, ...), its message (or nil) and the
 * number of rules it declared. */
static int load_rules(lua_State *L) {
  rr_engine *e = lua_touserdata(L, 1);
  lua_settop(L, 0);
  lua_pushstring(L, e->rules_path);        /* an error in a C function gets the rule file's line */
  lua_pushcclosure(L, rule_msgh, 1);       /* 1 */
  int rc = e->rules_text ? luaL_loadbufferx(L, e->rules_text, e->rules_len, e->rules_source, "t")
                         : luaL_loadfilex(L, e->rules_path, "t");
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 1);
  if (rc == LUA_OK) lua_pushnil(L);        /* 2: the message */
  lua_pushinteger(L, rc);
  lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules");
  lua_pushinteger(L, lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0);
  lua_remove(L, -2);
  return 3;
}

/* The message for a state that ran out of memory loading the rules. */
static void load_nomem(rr_engine *e, char *err, size_t errlen) {
  size_t mb = (e->opt.max_memory ? e->opt.max_memory : RR_DEFAULT_MEMORY) >> 20;
  snprintf(err, errlen, "%s: out of memory loading the rules (a Lua state may hold %zu MB; "
           "rulerun --max-memory MB changes it)", e->rules_path, mb);
}

/* quiet: the rule file's top level prints nothing (a worker state after
 * the first: the user sees its prints once).  keep: a state whose rule file
 * does not load is handed back all the same, err set, with what the file
 * declared before it failed (rulerun check reads it).  *status: RR_ERULES
 * or RR_ENOMEM when it returns NULL; *nrules the rules declared. */
static lua_State *load_state(rr_engine *e, int quiet, int keep, char *err, size_t errlen, int *status,
                             size_t *nrules) {
  *status = RR_ENOMEM;
  *nrules = 0;
  lua_State *L = rr_lua_newstate(e->stdlib_dir, e->rules_dir, e->opt.excel, e->opt.allow_io,
                                 e->opt.max_memory);
  if (!L) {
    load_nomem(e, err, errlen);
    return NULL;
  }
  rr_luactx *ctx = rr_luactx_get(L);       /* made by rr_lua_newstate: nothing to allocate */
  ctx->quiet_load = quiet;
  ctx->trace = ctx->provenance_cols = e->opt.provenance;
  ctx->rules_source = e->rules_source;
  rr_guard *g = rr_guard_get(L);
  g->budget = e->opt.max_steps == 0 ? RR_DEFAULT_STEPS : e->opt.max_steps < 0 ? -1 : e->opt.max_steps;
  g->cancel = &e->cancel;
  rr_guard_reset(L);           /* loading the rule file has a document's budget too */
  rr_profile *prof = &ctx->prof;
  prof->on = e->opt.profile;     /* before the rules compile their regexes */
  lua_pushcfunction(L, load_rules);        /* light values: nothing allocated outside the pcall */
  lua_pushlightuserdata(L, e);
  if (lua_pcall(L, 1, 3, 0) != LUA_OK) {   /* out of memory around the rule file */
    load_nomem(e, err, errlen);
    rr_lua_close(L);
    return NULL;
  }
  int rc = (int)lua_tointeger(L, -2);
  *nrules = (size_t)lua_tointeger(L, -1);
  lua_pop(L, 2);
  if (rc != LUA_OK) {
    /* require turns a module's out of memory into a runtime error that quotes it */
    const char *msg = lua_tostring(L, -1);
    if (rc == LUA_ERRMEM || (g->mem_hit && msg && strstr(msg, "not enough memory"))) {
      load_nomem(e, err, errlen);
    } else {
      first_line(L, err, errlen);
      explain_load_error(e, rc == LUA_ERRSYNTAX, err, errlen);
      *status = RR_ERULES;
    }
    lua_settop(L, 0);
    if (keep) return L;
    rr_lua_close(L);
    return NULL;
  }
  lua_pop(L, 1);
  if (prof->on) {
    prof->nrules = *nrules;
    prof->rule = calloc(prof->nrules + 1, sizeof *prof->rule);
    if (!prof->rule) {
      snprintf(err, errlen, "out of memory");
      rr_lua_close(L);
      return NULL;
    }
  }
  *status = RR_OK;
  return L;
}

/* The rule file the engine's states load, and its directory; text: its
 * source when it comes from memory (len bytes), else NULL. */
static int set_rules(rr_engine *e, const char *rules_path, const char *text, size_t len) {
  free(e->rules_path);
  free(e->rules_dir);
  free(e->rules_source);
  free(e->rules_text);
  e->rules_text = NULL;
  e->rules_len = len;
  e->rules_path = strdup(rules_path);
  e->rules_dir = strdup(rules_path);
  e->rules_source = malloc(strlen(rules_path) + 2);
  if (!e->rules_path || !e->rules_dir || !e->rules_source) return RR_ENOMEM;
  if (text) {
    if (!(e->rules_text = malloc(len ? len : 1))) return RR_ENOMEM;
    memcpy(e->rules_text, text, len);
  }
  e->rules_source[0] = '@';
  strcpy(e->rules_source + 1, rules_path);
  char *slash = strrchr(e->rules_dir, '/');
  if (slash) *slash = '\0';
  else strcpy(e->rules_dir, ".");
  return 0;
}

lua_State *rr_engine_load_to_check(rr_engine *e, const char *rules_path, char *err, size_t errlen) {
  err[0] = '\0';
  if (set_rules(e, rules_path, NULL, 0) != 0) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  int status;
  size_t nrules;
  return load_state(e, 1, 1, err, errlen, &status, &nrules);
}

/* The tables and columns of state L copied into the engine (the provenance
 * columns at the end when they are on): RR_OK or RR_ENOMEM. */
static int take_tables(rr_engine *e, lua_State *L) {
  static const char *const prov[] = {"_rule", "_line", "_offset"};
  rr_luactx *ctx = rr_luactx_get(L);
  int n = ctx->ntables;
  e->table_names = calloc((size_t)n, sizeof *e->table_names);
  e->table_rows = calloc((size_t)n, sizeof *e->table_rows);
  e->table_ncols = calloc((size_t)n, sizeof *e->table_ncols);
  e->table_cols = calloc((size_t)n, sizeof *e->table_cols);
  if (!e->table_names || !e->table_rows || !e->table_ncols || !e->table_cols) return RR_ENOMEM;
  e->ntables = n;
  for (int i = 0; i < n; i++) {
    const rr_table_schema *t = &ctx->tables[i];
    size_t ncols = (size_t)t->ncols + (e->opt.provenance ? 3 : 0);
    if (!(e->table_names[i] = strdup(t->name)) || !(e->table_cols[i] = calloc(ncols, sizeof(char *))))
      return RR_ENOMEM;
    for (size_t c = 0; c < ncols; c++, e->table_ncols[i]++)
      if (!(e->table_cols[i][c] = strdup(c < (size_t)t->ncols ? t->cols[c] : prov[c - (size_t)t->ncols])))
        return RR_ENOMEM;
  }
  e->stats.ntables = (size_t)n;
  e->stats.table_names = (const char *const *)e->table_names;
  e->stats.table_rows = e->table_rows;
  return RR_OK;
}

/* rr_engine_load and rr_engine_load_string, once set_rules has run. */
static int load(rr_engine *e, int set) {
  call_error.e = NULL;
  e->err[0] = '\0';
  if (set != 0) {
    set_error(e, "out of memory");
    return RR_ENOMEM;
  }
  int status;
  size_t nrules;
  e->L0 = load_state(e, 0, 0, e->err, sizeof e->err, &status, &nrules);
  if (!e->L0) return status;
  rr_luactx *ctx = rr_luactx_get(e->L0);
  if (ctx->ntables == 0 || nrules == 0) {
    set_error(e, "%s: declares no %s (see docs/RULES.md: rr.table and rr.rule)", e->rules_path,
              ctx->ntables == 0 ? "table" : "rule");
    unload(e);
    return RR_ERULES;
  }
  if (take_tables(e, e->L0) != RR_OK || !(e->pool.idle = malloc(sizeof *e->pool.idle))) {
    unload(e);
    set_error(e, "out of memory");
    return RR_ENOMEM;
  }
  e->pool.idle[e->pool.nidle++] = e->L0;
  return RR_OK;
}

int rr_engine_load(rr_engine *e, const char *rules_path) {
  unload(e);
  return load(e, set_rules(e, rules_path, NULL, 0));
}

int rr_engine_load_string(rr_engine *e, const char *name, const char *rules, size_t len) {
  unload(e);
  return load(e, set_rules(e, name, rules, len));
}

size_t rr_engine_table_count(const rr_engine *e) { return (size_t)e->ntables; }

const char *rr_engine_table_name(const rr_engine *e, size_t table) {
  return table < (size_t)e->ntables ? e->table_names[table] : NULL;
}

size_t rr_engine_column_count(const rr_engine *e, size_t table) {
  return table < (size_t)e->ntables ? e->table_ncols[table] : 0;
}

const char *rr_engine_column_name(const rr_engine *e, size_t table, size_t column) {
  return column < rr_engine_column_count(e, table) ? e->table_cols[table][column] : NULL;
}

/* ---- one document --------------------------------------------------------- */

typedef struct doc_result {
  rr_batch batch;
  rr_buf msgs;          /* failure lines, each ending in '\n' */
  rr_buf keys;          /* for each failure line, what makes it the same error in another
                           document (the line without the document's name; "" for a file's
                           own problem), each ending in '\n' */
  rr_buf prints;        /* print() lines of the rules, each ending in '\n' */
  unsigned char *rule_empty;   /* per rule: it ran and emitted nothing */
  char *rel;            /* the document's name */
  int failed;
  size_t bytes;
} doc_result;

static void result_free(doc_result *r) {
  rr_batch_free(&r->batch);
  rr_buf_free(&r->msgs);
  rr_buf_free(&r->keys);
  rr_buf_free(&r->prints);
  free(r->rule_empty);
  free(r->rel);
}

/* A failure line; grouped (a rule's error): the same text after the
 * document's name in another document is the same error. */
static void result_fail(doc_result *r, int grouped, const char *fmt, ...) RR_PRINTF(3, 4);
static void result_fail(doc_result *r, int grouped, const char *fmt, ...) {
  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  for (int i = 0; i < n; i++)
    if (line[i] == '\n') line[i] = ' ';
  rr_buf_add(&r->msgs, line, (size_t)n);
  rr_buf_add(&r->msgs, "\n", 1);
  size_t skip = r->rel ? strlen(r->rel) + 2 : 0;
  if (grouped && skip <= (size_t)n) rr_buf_add(&r->keys, line + skip, (size_t)n - skip);
  rr_buf_add(&r->keys, "\n", 1);
  r->failed = 1;
}

/* Length of a "file:line: " location at the start of msg, 0 if none. */
static size_t location_prefix(const char *msg) {
  const char *p = msg;
  while (*p && *p != ':' && *p != '\n') p++;
  if (*p != ':' || p == msg || p[1] < '0' || p[1] > '9') return 0;
  p++;
  while (*p >= '0' && *p <= '9') p++;
  if (p[0] != ':' || p[1] != ' ') return 0;
  return (size_t)(p + 2 - msg);
}

#define RR_EXPLAIN_DOC "rulerun.explain.doc"

/* explain: the document's text and furniture, kept after its rules (the
 * document itself is detached). */
static void keep_for_explain(lua_State *L, int docidx) {
  lua_createtable(L, 0, 2);
  lua_getfield(L, docidx, "text");
  lua_setfield(L, -2, "text");
  lua_getfield(L, docidx, "furniture");
  lua_pushvalue(L, docidx);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {   /* out of memory: no furniture shown */
    lua_pop(L, 1);
    lua_newtable(L);
  }
  lua_setfield(L, -2, "furniture");
  lua_setfield(L, LUA_REGISTRYINDEX, RR_EXPLAIN_DOC);
}

#define RR_CURRENT_DOC "rulerun.current_doc"

typedef struct rules_job { rr_engine *e; rr_document *doc; doc_result *r; } rules_job;

/* Runs every rule of state L on the document, under lua_pcall (run_rules):
 * each rule runs in a pcall of its own, and what is around them may run out
 * of memory.  Rows of a rule that fails are dropped. */
static int run_rules_protected(lua_State *L) {
  rules_job *job = lua_touserdata(L, 1);
  rr_engine *e = job->e;
  rr_document *doc = job->doc;
  doc_result *r = job->r;
  lua_settop(L, 0);
  rr_luactx *ctx = rr_luactx_get(L);
  int base = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules");      /* base + 1 */
  lua_pushstring(L, e->rules_path);
  lua_pushcclosure(L, rule_msgh, 1);                         /* base + 2 */
  rr_document_push(L, doc);                                  /* base + 3 */
  lua_pushvalue(L, base + 3);        /* detached by run_rules whatever happens */
  lua_setfield(L, LUA_REGISTRYINDEX, RR_CURRENT_DOC);
  rr_guard *g = rr_guard_get(L);
  rr_guard_reset(L);
  ctx->batch = &r->batch;
  ctx->doc_path = doc->path;
  ctx->doc = doc;
  if (ctx->trace) rr_trace_begin(L);
  size_t nrules = lua_rawlen(L, base + 1);
  ctx->prints = &r->prints;
  r->rule_empty = calloc(nrules ? nrules : 1, 1);
  for (size_t i = 1; i <= nrules; i++) {
    double t0 = ctx->prof.on ? rr_now() : 0;
    rr_batch_mark(&r->batch);
    lua_rawgeti(L, base + 1, (lua_Integer)i);                /* the rule record */
    lua_getfield(L, -1, "name");
    ctx->rule_name = lua_tostring(L, -1);                    /* held by the rule record */
    lua_getfield(L, -2, "line");
    ctx->rule_line = (int)lua_tointeger(L, -1);
    ctx->trace_from = 0;
    lua_pop(L, 2);
    lua_getfield(L, -1, "fn");
    lua_pushvalue(L, base + 3);
    int rc = lua_pcall(L, 1, 0, base + 2);
    if (rc != LUA_OK && g->stop == RR_STOP_CANCEL) {   /* the run is over; nothing to report */
      rr_batch_rollback(&r->batch);
      break;
    }
    if (rc != LUA_OK) {
      char msg[1024];
      if (rc == LUA_ERRMEM && g->mem_hit)
        snprintf(msg, sizeof msg, "went over the memory limit of %zu MB for a Lua state (a table "
                 "that grows without end? rulerun --max-memory MB changes it)", g->limit >> 20);
      else
        first_line(L, msg, sizeof msg);
      lua_getfield(L, base + 4, "name");
      lua_getfield(L, base + 4, "source");
      lua_getfield(L, base + 4, "line");
      const char *later = g->stop == RR_STOP_BUDGET && i < nrules ? " (the document's later rules were not run)" : "";
      size_t loc = location_prefix(msg);
      if (loc)   /* "a.txt: rules.lua:12: rule 'risks': attempt to ..." */
        result_fail(r, 1, "%s: %.*s rule '%s': %s%s", doc->path, (int)loc - 1, msg, lua_tostring(L, -3),
                    msg + loc, later);
      else       /* no line to name: the rule's own */
        result_fail(r, 1, "%s: rule '%s' (%s:%d): %s%s", doc->path, lua_tostring(L, -3),
                    lua_tostring(L, -2), (int)lua_tointeger(L, -1), msg, later);
      rr_batch_rollback(&r->batch);
      if (rc == LUA_ERRMEM) lua_gc(L, LUA_GCCOLLECT);   /* give the next rule its memory back */
    } else if (r->rule_empty) {
      size_t added = 0;
      for (size_t t = 0; t < r->batch.ntables; t++) added += r->batch.rows[t] - r->batch.mark_rows[t];
      r->rule_empty[i - 1] = added == 0;
    }
    lua_settop(L, base + 3);
    if (ctx->prof.on && i <= ctx->prof.nrules) ctx->prof.rule[i - 1] += rr_now() - t0;
    if (g->stop) break;        /* the budget is the document's: later rules get none */
  }
  if (ctx->trace_rows) keep_for_explain(L, base + 3);
  return 0;
}

/* The document run_rules_protected made refuses further use (a rule may
 * have kept it; the text it refers to goes away). */
static int detach_document(lua_State *L) {
  lua_settop(L, 0);
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_CURRENT_DOC) == LUA_TUSERDATA) rr_document_detach(L, 1);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, RR_CURRENT_DOC);
  return 0;
}

static void run_rules(rr_engine *e, lua_State *L, rr_document *doc, doc_result *r) {
  rules_job job = {e, doc, r};
  int top = lua_gettop(L);
  lua_pushcfunction(L, run_rules_protected);   /* light values: nothing to allocate */
  lua_pushlightuserdata(L, &job);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    result_fail(r, 0, "%s: out of memory around the rules (the rows of the rules that were done are kept)",
                doc->path);
    lua_gc(L, LUA_GCCOLLECT);
  }
  lua_settop(L, top);
  rr_luactx *ctx = rr_luactx_get(L);
  ctx->batch = NULL;
  ctx->doc_path = NULL;
  ctx->prints = NULL;
  ctx->doc = NULL;
  ctx->rule_name = NULL;
  lua_pushcfunction(L, detach_document);
  lua_pcall(L, 0, 0, 0);   /* finds what is there: no allocation, so no failure */
  lua_settop(L, top);
}

char *rr_read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) { close(fd); return NULL; }
  if ((size_t)st.st_size >= MAX_DOCUMENT) { close(fd); errno = EFBIG; return NULL; }
  /* room for the size fstat gave and a little more: the read that finds the
   * end of the file then needs no second buffer */
  size_t cap = (size_t)st.st_size + 4096, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (n + 1 >= cap) {        /* the file grew while we read it */
      if (cap >= MAX_DOCUMENT) { free(buf); buf = NULL; errno = EFBIG; break; }
      char *p = realloc(buf, cap * 2);
      if (!p) { free(buf); buf = NULL; break; }
      buf = p;
      cap *= 2;
    }
    ssize_t k = read(fd, buf + n, cap - n - 1);
    if (k < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      free(buf);
      buf = NULL;
      errno = saved;
      break;
    }
    if (k == 0) break;
    n += (size_t)k;
  }
  close(fd);
  if (buf) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

/* Loads, normalises and runs one document (bytes, or the file at in->path). */
static void process(rr_engine *e, lua_State *L, const char *path, const char *rel,
                    const char *bytes, size_t nbytes, doc_result *r) {
  rr_batch_init(&r->batch, (size_t)e->ntables);
  if (!r->rel) r->rel = strdup(rel);
  rr_profile *prof = &rr_luactx_get(L)->prof;
  double t0 = prof->on ? rr_now() : 0;
  char *owned = NULL;
  if (!bytes) {
    owned = rr_read_file(path, &nbytes);
    if (!owned) {
      result_fail(r, 0, "%s: cannot read: %s, skipped", rel, strerror(errno));
      return;
    }
    bytes = owned;
  }
  r->bytes = nbytes;
  const char *encoding = e->opt.encoding;
  char *pdf_text = NULL;
  if (rr_pdf_is(bytes, nbytes)) {        /* its text, as UTF-8 whatever --encoding says */
    char why[512];
    size_t npages;
    if (rr_pdf_text(bytes, nbytes, &pdf_text, &nbytes, &npages, why, sizeof why) != 0) {
      result_fail(r, 0, "%s: %s, skipped", rel, why);
      free(owned);
      return;
    }
    bytes = pdf_text;
    encoding = "UTF-8";
  }
  rr_decoded dec;
  double t1 = prof->on ? rr_now() : 0;
  int rc = rr_decode(bytes, nbytes, encoding, &dec);
  if (prof->on) {
    prof->read += t1 - t0;
    prof->normalize += rr_now() - t1;
  }
  if (rc == RR_DECODE_OK) {
    rr_document doc = {rel, dec.utf8, dec.len, dec.text};
    run_rules(e, L, &doc, r);
  } else if (rc == RR_DECODE_EBINARY) {
    result_fail(r, 0, "%s: binary file, skipped (a NUL byte at byte %zu; UTF-16 needs a byte-order "
               "mark or --encoding UTF-16LE/UTF-16BE)", rel, dec.bad);
  } else if (rc == RR_DECODE_EBAD && dec.encoding) {
    result_fail(r, 0, "%s: not valid %s at byte %zu, skipped", rel, dec.encoding, dec.bad);
  } else if (rc == RR_DECODE_EBAD) {
    result_fail(r, 0, "%s: neither UTF-8 (bad byte at %zu) nor GB18030 (bad byte at %zu), skipped; "
               "--encoding NAME reads it as NAME", rel, dec.bad, dec.legacy_bad);
  } else {
    result_fail(r, 0, "%s: cannot decode: %s, skipped", rel,
               rc == RR_DECODE_ETOOBIG ? "too big" : "out of memory");
  }
  rr_decoded_free(&dec);
  free(pdf_text);
  free(owned);
}

/* ---- the run --------------------------------------------------------------- */

typedef struct run {
  rr_engine *e;
  rr_walker *walker;      /* read under mu */
  size_t total;           /* inputs in all, known when the walk is done (SIZE_MAX before) */
  int walk_failed;
  rr_sink *sink;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t next;            /* next input to hand out */
  size_t written;         /* inputs written so far, in order */
  size_t window;          /* how far a worker may run ahead of the writer */
  doc_result **slots;     /* window slots, by input index % window */
  int flushing;
  int write_failed;
  int nomem;              /* a result or a row could not be had: the run fails (set under mu) */
  size_t *rows;           /* rows per table so far */
  double start, last_progress;
  const char *const *paths;   /* the roots, for the counting walk */
  size_t npaths;
  _Atomic size_t counted;     /* the counting walk: documents found so far */
  _Atomic int count_done, count_stop;
  pthread_t counter;
  int counting;
  int load_failed;        /* a worker's state did not load: the others stop (set under mu) */
} run;

typedef struct worker {
  run *run;
  lua_State *L;
  pthread_t th;
  int status;             /* of loading L, for a worker that loads its own */
  char err[4096];       /* as the engine's */
} worker;

/* "1 file", "3 files" */
static const char *plural(size_t n, const char *one, const char *many) { return n == 1 ? one : many; }

/* ---- progress ------------------------------------------------------------ */

/* The counting walk (progress on a terminal): a second walker over the
 * same roots that only counts, so that the progress line can say how far
 * the run is and how long it has left.  It stops when the run ends. */
static void *count_inputs(void *arg) {
  run *ru = arg;
  char err[256];
  rr_walker *w = rr_walker_new(ru->paths, ru->npaths, &ru->e->opt, err, sizeof err);
  rr_input in;
  int got = 0;
  while (w && !atomic_load(&ru->count_stop) && (got = rr_walker_next(w, &in, err, sizeof err)) > 0) {
    free(in.data);
    free(in.path);
    free(in.rel);
    free(in.problem);
    atomic_fetch_add(&ru->counted, 1);
  }
  if (w && got == 0) atomic_store(&ru->count_done, 1);
  rr_walker_free(w);
  return NULL;
}

static void human_duration(double s, char *buf, size_t n) {
  if (s < 90) snprintf(buf, n, "%.0f s", s);
  else if (s < 5400) snprintf(buf, n, "%.0f min", s / 60);
  else snprintf(buf, n, "%.1f h", s / 3600);
}

/* The progress line after done documents (at most five a second). */
static void progress(run *ru, size_t done) {
  rr_engine *e = ru->e;
  double t = rr_now(), spent = t - ru->start;
  if (spent < 1.0 || t - ru->last_progress < 0.2) return;
  char line[200], took[32];
  human_duration(spent, took, sizeof took);
  if (atomic_load(&ru->count_done) && atomic_load(&ru->counted) >= done) {
    size_t total = atomic_load(&ru->counted);
    char left[32];
    human_duration(spent * (double)(total - done) / (double)done, left, sizeof left);
    snprintf(line, sizeof line, "rulerun: %zu of %zu files (%.0f%%), %.0f MB, %s, about %s left", done,
             total, 100.0 * (double)done / (double)(total ? total : 1), e->stats.bytes / 1e6, took, left);
  } else {
    snprintf(line, sizeof line, "rulerun: %zu %s, %.0f MB, %s", done, plural(done, "file", "files"),
             e->stats.bytes / 1e6, took);
  }
  message(e, 1, line);
  ru->last_progress = t;
}

/* ---- the yield: what each rule and document gave ------------------------ */

static void yield_free(rr_engine *e) {
  for (size_t i = 0; i < e->yield.nrules; i++) free(e->yield.rule_names[i]);
  free(e->yield.rule_names);
  free(e->yield.rule_empty);
  for (size_t i = 0; i < e->yield.nempty_names; i++) free(e->yield.empty_names[i]);
  for (size_t i = 0; i < e->yield.ngroups; i++) {
    free(e->yield.groups[i].key);
    for (int k = 0; k < 3; k++) free(e->yield.groups[i].docs[k]);
  }
  free(e->yield.groups);
  if (e->yield.file) fclose(e->yield.file);
  if (e->yield.file_tmp) unlink(e->yield.file_tmp);
  free(e->yield.file_tmp);
  memset(&e->yield, 0, sizeof e->yield);
}

/* Writes fields as one CSV line of the --yield file. */
static void yield_line(rr_engine *e, const char *const *fields, size_t n) {
  rr_buf b = {0};
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) bad |= rr_buf_add(&b, ",", 1);
    bad |= rr_csv_field(&b, fields[i], strlen(fields[i]), 0);
  }
  bad |= rr_buf_add(&b, "\n", 1);
  if (bad) e->yield.nomem = 1;
  else fwrite(b.s, 1, b.len, e->yield.file);
  rr_buf_free(&b);
}

/* The run's yield counters (the rule names from state L), and the --yield
 * file's temp with its header.  -1 with the message in err. */
static int yield_start(rr_engine *e, lua_State *L) {
  yield_free(e);
  lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules");
  size_t n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
  e->yield.rule_names = calloc(n ? n : 1, sizeof *e->yield.rule_names);
  e->yield.rule_empty = calloc(n ? n : 1, sizeof *e->yield.rule_empty);
  if (!e->yield.rule_names || !e->yield.rule_empty) {
    lua_pop(L, 1);
    set_error(e, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    lua_getfield(L, -1, "name");
    e->yield.rule_names[i] = strdup(lua_tostring(L, -1));
    lua_pop(L, 2);
    if (!e->yield.rule_names[i]) break;
    e->yield.nrules++;
  }
  lua_pop(L, 1);
  if (e->yield.nrules != n) {
    set_error(e, "out of memory");
    return -1;
  }
  if (!e->opt.yield_path) return 0;
  size_t k = strlen(e->opt.yield_path);
  if (!(e->yield.file_tmp = malloc(k + 16))) {
    set_error(e, "out of memory");
    return -1;
  }
  snprintf(e->yield.file_tmp, k + 16, "%s.tmp%ld", e->opt.yield_path, (long)getpid());
  if (!(e->yield.file = fopen(e->yield.file_tmp, "w"))) {
    set_error(e, "%s: cannot write: %s", e->opt.yield_path, strerror(errno));
    free(e->yield.file_tmp);
    e->yield.file_tmp = NULL;
    return -1;
  }
  const char **h = calloc((size_t)e->ntables + 3, sizeof *h);
  if (!h) {
    set_error(e, "out of memory");
    return -1;
  }
  h[0] = "file";
  for (int i = 0; i < e->ntables; i++) h[i + 1] = e->table_names[i];
  h[e->ntables + 1] = "rules_without_rows";
  h[e->ntables + 2] = "error";
  yield_line(e, h, (size_t)e->ntables + 3);
  free(h);
  return 0;
}

/* The --yield line of one document. */
static void yield_document(rr_engine *e, const doc_result *r) {
  size_t n = (size_t)e->ntables + 3;
  const char **f = calloc(n, sizeof *f);
  char *nums = malloc((size_t)e->ntables * 24 + 1);
  rr_buf empty = {0}, err = {0};
  if (f && nums) {
    f[0] = r->rel ? r->rel : "";
    for (int i = 0; i < e->ntables; i++) {
      char *num = nums + (size_t)i * 24;
      snprintf(num, 24, "%zu", (size_t)i < r->batch.ntables ? r->batch.rows[i] : 0);
      f[i + 1] = num;
    }
    for (size_t i = 0; r->rule_empty && i < e->yield.nrules; i++) {
      if (!r->rule_empty[i]) continue;
      if (empty.len) rr_buf_add(&empty, ";", 1);
      rr_buf_add(&empty, e->yield.rule_names[i], strlen(e->yield.rule_names[i]));
    }
    rr_buf_add(&empty, "", 1);
    if (r->msgs.len) rr_buf_add(&err, r->msgs.s, r->msgs.len - 1);   /* without the last newline */
    rr_buf_add(&err, "", 1);
    f[e->ntables + 1] = empty.s ? empty.s : "";
    f[e->ntables + 2] = err.s ? err.s : "";
    yield_line(e, f, n);
  }
  free(f);
  free(nums);
  rr_buf_free(&empty);
  rr_buf_free(&err);
}

/* Renames the --yield file into place (0), or -1 with the message in err. */
static int yield_commit(rr_engine *e) {
  if (!e->yield.file) return 0;
  int bad = ferror(e->yield.file) || e->yield.nomem;
  bad |= fclose(e->yield.file) != 0;
  e->yield.file = NULL;
  if (bad || rename(e->yield.file_tmp, e->opt.yield_path) != 0) {
    set_error(e, "%s: %s", e->opt.yield_path, e->yield.nomem ? "out of memory" : "write failed");
    return -1;
  }
  free(e->yield.file_tmp);
  e->yield.file_tmp = NULL;
  return 0;
}

/* A rule error seen again: counted, not told again.  Returns whether key
 * was seen before (1), or is new (0, remembered when there is room). */
static int seen_error(rr_engine *e, const char *key, size_t len, const char *doc) {
  for (size_t i = 0; i < e->yield.ngroups; i++) {
    struct err_group *g = &e->yield.groups[i];
    if (strlen(g->key) == len && memcmp(g->key, key, len) == 0) {
      if (g->count < 3 && doc) g->docs[g->count] = strdup(doc);
      g->count++;
      return 1;
    }
  }
  if (e->yield.ngroups < MAX_GROUPS) {
    struct err_group *g = realloc(e->yield.groups, (e->yield.ngroups + 1) * sizeof *g);
    if (g) {
      e->yield.groups = g;
      g += e->yield.ngroups;
      memset(g, 0, sizeof *g);
      if ((g->key = strndup(key, len)) != NULL) {
        g->docs[0] = doc ? strdup(doc) : NULL;
        g->count = 1;
        e->yield.ngroups++;
      }
    }
  }
  return 0;
}

/* At the end: the errors that were told once for several documents. */
static void report_repeats(rr_engine *e) {
  for (size_t i = 0; i < e->yield.ngroups; i++) {
    const struct err_group *g = &e->yield.groups[i];
    if (g->count < 2) continue;
    char line[1600];
    int n = snprintf(line, sizeof line, "rulerun: %zu documents failed with: %.900s (", g->count, g->key);
    for (int k = 0; k < 3 && k < (int)g->count && n > 0 && (size_t)n < sizeof line; k++)
      n += snprintf(line + n, sizeof line - (size_t)n, "%s%s", k ? ", " : "", g->docs[k] ? g->docs[k] : "?");
    if (n > 0 && (size_t)n < sizeof line)
      snprintf(line + n, sizeof line - (size_t)n, "%s)", g->count > 3 ? ", ..." : "");
    message(e, 0, line);
  }
}

/* ---- rows as cells (opt.on_row) ------------------------------------------ */

/* One CSV field of the text core.c's emit wrote (rr_csv_field: quoted with
 * doubled quotes where needed) from *p, unquoted into cell (NUL added);
 * *p is left after the separator.  -1 without memory. */
static int take_field(const char **p, const char *end, rr_buf *cell) {
  const char *q = *p;
  cell->len = 0;
  if (q < end && *q == '"') {
    for (q++; q < end; q++) {
      if (*q == '"' && (q + 1 >= end || q[1] != '"')) { q++; break; }
      if (*q == '"') q++;                   /* "" is one quote */
      if (rr_buf_add(cell, q, 1)) return -1;
    }
  } else {
    const char *f = q;
    while (q < end && *q != ',' && *q != '\n' && *q != '\r') q++;
    if (rr_buf_add(cell, f, (size_t)(q - f))) return -1;
  }
  if (rr_buf_add(cell, "", 1)) return -1;
  cell->len--;
  if (q < end && *q == ',') q++;
  else {                                  /* the end of the row: \n or \r\n */
    if (q < end && *q == '\r') q++;
    if (q < end && *q == '\n') q++;
  }
  *p = q;
  return 0;
}

/* Hands every row of the batch to opt.on_row as cells: each table's CSV
 * text cut into its columns' fields.  -1 without memory (rows not given). */
static int deliver_rows(rr_engine *e, const rr_batch *b) {
  if (!e->opt.on_row) return 0;
  int rc = 0;
  for (size_t t = 0; t < b->ntables && t < (size_t)e->ntables && !rc; t++) {
    size_t n = e->table_ncols[t];
    rr_buf *cells = calloc(n, sizeof *cells);
    const char **ptr = calloc(n, sizeof *ptr);
    size_t *lens = calloc(n, sizeof *lens);
    if (!cells || !ptr || !lens) rc = -1;
    const char *p = b->tables[t].s, *end = p ? p + b->tables[t].len : NULL;
    for (size_t row = 0; !rc && row < b->rows[t] && p < end; row++) {
      for (size_t c = 0; c < n && !rc; c++) rc = take_field(&p, end, &cells[c]);
      for (size_t c = 0; c < n && !rc; c++) {
        ptr[c] = cells[c].s;
        lens[c] = cells[c].len;
      }
      if (!rc) e->opt.on_row(e->opt.row_ud, e->table_names[t], n, ptr, lens);
    }
    for (size_t c = 0; cells && c < n; c++) rr_buf_free(&cells[c]);
    free(cells);
    free(ptr);
    free(lens);
  }
  return rc;
}

/* The print() lines of a document's rules, as messages. */
static void deliver_prints(rr_engine *e, rr_buf *prints) {
  if (!prints->s) return;
  for (char *line = prints->s, *end = line + prints->len; line < end;) {
    char *nl = memchr(line, '\n', (size_t)(end - line));
    *nl = '\0';
    message(e, 0, line);
    line = nl + 1;
  }
}

static void deliver(run *ru, size_t idx, doc_result *r) {
  rr_engine *e = ru->e;
  deliver_prints(e, &r->prints);
  for (char *line = r->msgs.s, *end = line ? line + r->msgs.len : NULL, *key = r->keys.s; line && line < end;) {
    char *nl = memchr(line, '\n', (size_t)(end - line)), *knl = key ? strchr(key, '\n') : NULL;
    *nl = '\0';
    size_t klen = knl ? (size_t)(knl - key) : 0;
    if (!klen || !seen_error(e, key, klen, r->rel)) message(e, 0, line);
    *nl = '\n';
    line = nl + 1;
    key = knl ? knl + 1 : NULL;
  }
  e->stats.files++;
  e->stats.bytes += r->bytes;
  if (r->failed) e->stats.failed++;
  size_t rows = 0;
  for (size_t i = 0; i < r->batch.ntables; i++) rows += r->batch.rows[i];
  for (size_t i = 0; r->rule_empty && i < e->yield.nrules; i++) e->yield.rule_empty[i] += r->rule_empty[i];
  if (!rows && !r->failed) {
    e->yield.empty_docs++;
    if (e->yield.nempty_names < YIELD_NAMES && r->rel &&
        (e->yield.empty_names[e->yield.nempty_names] = strdup(r->rel)) != NULL)
      e->yield.nempty_names++;
  }
  if (e->yield.file) yield_document(e, r);
  for (size_t i = 0; i < r->batch.ntables && i < (size_t)e->ntables; i++) ru->rows[i] += r->batch.rows[i];
  if (deliver_rows(e, &r->batch) != 0) ru->nomem = 1;
  if (ru->sink && !ru->write_failed && rr_sink_write(ru->sink, &r->batch) != 0) ru->write_failed = 1;
  if (e->opt.progress) progress(ru, idx + 1);
  result_free(r);
  free(r);
}

/* Stores r for input idx; whoever finds the next input ready writes it. */
static void submit(run *ru, size_t idx, doc_result *r) {
  pthread_mutex_lock(&ru->mu);
  if (r) ru->slots[idx % ru->window] = r;      /* NULL: only write what is ready */
  while (!ru->flushing && ru->written < ru->total && ru->slots[ru->written % ru->window]) {
    size_t w = ru->written;
    doc_result *ready = ru->slots[w % ru->window];
    ru->slots[w % ru->window] = NULL;
    ru->flushing = 1;
    pthread_mutex_unlock(&ru->mu);
    deliver(ru, w, ready);
    pthread_mutex_lock(&ru->mu);
    ru->flushing = 0;
    ru->written++;
    pthread_cond_broadcast(&ru->cv);
  }
  pthread_mutex_unlock(&ru->mu);
}

static void *work(void *arg) {
  worker *w = arg;
  run *ru = w->run;
  for (;;) {
    pthread_mutex_lock(&ru->mu);
    while (ru->next < ru->total && ru->next >= ru->written + ru->window) pthread_cond_wait(&ru->cv, &ru->mu);
    size_t idx = ru->next;
    rr_input in;
    doc_result *r = ru->nomem || ru->load_failed ? NULL : calloc(1, sizeof *r);
    if (!r && !ru->load_failed) ru->nomem = 1;   /* the run ends here, and fails: no output is changed */
    int got = r && idx < ru->total && !atomic_load(&ru->e->cancel)
                  ? rr_walker_next(ru->walker, &in, ru->e->err, sizeof ru->e->err) : 0;
    if (got <= 0) {
      free(r);
      if (got < 0) ru->walk_failed = 1;
      if (ru->total == SIZE_MAX) ru->total = idx;   /* the walk is over: flush what is ready */
      pthread_cond_broadcast(&ru->cv);
      pthread_mutex_unlock(&ru->mu);
      submit(ru, SIZE_MAX, NULL);
      break;
    }
    ru->next++;
    pthread_mutex_unlock(&ru->mu);
    r->rel = in.rel;   /* the result's now */
    if (in.problem) {
      rr_batch_init(&r->batch, (size_t)ru->e->ntables);
      result_fail(r, 0, "%s: %s", in.rel, in.problem);
    } else {
      process(ru->e, w->L, in.path, in.rel, in.data, in.len, r);
    }
    submit(ru, idx, r);
    free(in.data);
    free(in.path);     /* the result holds its own copies of messages; rows carry no path */
    free(in.problem);
  }
  return NULL;
}

/* A worker thread after the first: it loads its own state, so that the
 * state's memory comes from the thread's own malloc arena (a state loaded
 * by the main thread has its objects freed and grown across arenas, under
 * the main arena's lock, for the whole run) and the loads run side by side. */
static void *load_and_work(void *arg) {
  worker *w = arg;
  run *ru = w->run;
  size_t nrules;
  w->L = load_state(ru->e, 1, 0, w->err, sizeof w->err, &w->status, &nrules);
  if (!w->L) {
    pthread_mutex_lock(&ru->mu);
    ru->load_failed = 1;
    pthread_cond_broadcast(&ru->cv);
    pthread_mutex_unlock(&ru->mu);
    return NULL;
  }
  return work(w);
}

int rr_engine_run(rr_engine *e, const char *const *paths, size_t npaths) {
  call_error.e = NULL;
  if (!e->L0) {
    set_error(e, "no rules loaded");
    return RR_EUSAGE;
  }
  if (e->encoding && !rr_encoding_known(e->encoding)) {
    set_error(e, "unknown encoding '%s' (iconv -l lists the names)", e->encoding);
    return RR_EUSAGE;
  }
  double t0 = rr_now();
  memset(&e->stats, 0, sizeof e->stats);
  e->stats.ntables = (size_t)e->ntables;
  e->stats.table_names = (const char *const *)e->table_names;
  e->stats.table_rows = e->table_rows;
  rr_profile_free(&e->prof);
  run ru;
  memset(&ru, 0, sizeof ru);
  ru.e = e;
  ru.start = t0;
  ru.total = SIZE_MAX;
  if (!(ru.rows = calloc((size_t)e->ntables, sizeof *ru.rows))) {
    set_error(e, "out of memory");
    return RR_ENOMEM;
  }
  ru.walker = rr_walker_new(paths, npaths, &e->opt, e->err, sizeof e->err);
  if (!ru.walker) {
    free(ru.rows);
    return RR_EINPUT;
  }
  if (yield_start(e, e->L0) != 0) {
    rr_walker_free(ru.walker);
    free(ru.rows);
    yield_free(e);
    return RR_EOUTPUT;
  }
  rr_luactx *ctx = rr_luactx_get(e->L0);
  if (!e->opt.no_csv)
    ru.sink = rr_sink_open(e->out_dir, ctx->tables, ctx->ntables, &e->opt, e->err, sizeof e->err);
  if (!ru.sink && !e->opt.no_csv) {
    rr_walker_free(ru.walker);
    free(ru.rows);
    yield_free(e);
    return RR_EOUTPUT;
  }
  int jobs = e->opt.jobs, known = rr_walker_count(ru.walker);
  ru.paths = paths;
  ru.npaths = npaths;
  if (known >= 0) {
    atomic_store(&ru.counted, (size_t)known);
    atomic_store(&ru.count_done, 1);
  } else if (e->opt.progress && known == -1) {   /* not stdin: a second walk would wait on it */
    ru.counting = pthread_create(&ru.counter, NULL, count_inputs, &ru) == 0;
  }
  if (known >= 0 && jobs > known) jobs = known ? known : 1;   /* no idle states for a few files */
  ru.window = (size_t)jobs * 4 + 4;
  ru.slots = calloc(ru.window, sizeof *ru.slots);
  worker *ws = calloc((size_t)jobs, sizeof *ws);
  int status = RR_OK;
  if (!ru.slots || !ws) {
    status = RR_ENOMEM;
    set_error(e, "out of memory");
    goto done;
  }
  pthread_mutex_init(&ru.mu, NULL);
  pthread_cond_init(&ru.cv, NULL);
  for (int i = 0; i < jobs; i++) ws[i].run = &ru;
  ws[0].L = e->L0;
  int started = 0;
  for (int i = 1; i < jobs; i++) {
    if (pthread_create(&ws[i].th, NULL, load_and_work, &ws[i]) != 0) break;
    started = i;
  }
  work(&ws[0]);
  for (int i = 1; i <= started; i++) pthread_join(ws[i].th, NULL);
  for (int i = 1; i <= started && status == RR_OK; i++) {
    if (!ws[i].L) {            /* the first failure is the run's */
      status = ws[i].status;
      snprintf(e->err, sizeof e->err, "%s", ws[i].err);
    }
  }
  for (int i = 0; i < jobs && e->opt.profile; i++)
    if (ws[i].L) rr_profile_collect(&e->prof, ws[i].L);
  for (int i = 1; i < jobs; i++) rr_lua_close(ws[i].L);
  pthread_cond_destroy(&ru.cv);
  pthread_mutex_destroy(&ru.mu);
done:
  if (ru.counting) {
    atomic_store(&ru.count_stop, 1);
    pthread_join(ru.counter, NULL);
  }
  if (e->opt.progress && e->stats.files) message(e, 1, "");
  if (status == RR_OK && ru.nomem) {
    status = RR_ENOMEM;
    set_error(e, "out of memory after %zu documents; no output was changed", e->stats.files);
  }
  if (status == RR_OK && ru.walk_failed) status = RR_EINPUT;
  /* as ripgrep: say so (a shard may have none of a few documents: merge needs its empty tables) */
  if (status == RR_OK && ru.total == 0 && !e->opt.nshards && !atomic_load(&e->cancel)) {
    status = RR_EINPUT;
    set_error(e, "no report to read in %s%s (files taken from directories: %s; -g changes it); no "
              "output was changed", paths[0], npaths > 1 ? " ..." : "", e->glob);
  }
  if (status == RR_OK && atomic_load(&e->cancel)) {
    status = RR_ECANCELED;
    set_error(e, "interrupted after %zu documents; no output was changed", e->stats.files);
  }
  if (status == RR_OK && ru.written == ru.total && !ru.write_failed) {
    memcpy(e->table_rows, ru.rows, (size_t)e->ntables * sizeof *e->table_rows);
    if ((ru.sink && rr_sink_commit(ru.sink, e->err, sizeof e->err) != 0) || yield_commit(e) != 0)
      status = RR_EOUTPUT;
  } else {
    if (status == RR_OK) {
      status = RR_EOUTPUT;
      const char *why = rr_sink_why(ru.sink);
      set_error(e, "%s: write failed%s%s (no output was changed)", e->out_dir, *why ? ": " : "", why);
    }
    if (ru.sink) rr_sink_abort(ru.sink);
  }
  free(ru.rows);
  free(ws);
  free(ru.slots);
  rr_walker_free(ru.walker);
  e->stats.seconds = rr_now() - t0;
  e->stats.ntables = (size_t)e->ntables;
  e->stats.table_names = (const char *const *)e->table_names;
  e->stats.table_rows = e->table_rows;
  e->stats.nrules = e->yield.nrules;
  e->stats.rule_names = (const char *const *)e->yield.rule_names;
  e->stats.rule_empty = e->yield.rule_empty;
  e->stats.empty_docs = e->yield.empty_docs;
  e->stats.empty_names = (const char *const *)e->yield.empty_names;
  e->stats.nempty_names = e->yield.nempty_names;
  report_repeats(e);
  if (e->yield.file) {         /* not committed: the run did not finish */
    fclose(e->yield.file);
    e->yield.file = NULL;
    unlink(e->yield.file_tmp);
  }
  if (e->opt.profile) rr_profile_report(&e->prof, e->L0, say_line, e);
  if (status == RR_OK && e->stats.failed) {
    set_error(e, "%zu of %zu %s failed", e->stats.failed, e->stats.files, plural(e->stats.files, "document", "documents"));
    status = RR_EDOCS;
  }
  return status;
}

/* The data explain.lua renders: the document, its rows and marks, the
 * tables and rules, what each rule gave. */
static void push_explain_data(rr_engine *e, lua_State *L, const char *path, const doc_result *r) {
  lua_createtable(L, 0, 10);
  lua_pushstring(L, path);
  lua_setfield(L, -2, "path");
  lua_pushstring(L, e->rules_path);
  lua_setfield(L, -2, "rules");
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_EXPLAIN_DOC) == LUA_TTABLE) {
    lua_getfield(L, -1, "text");
    lua_setfield(L, -3, "text");
    lua_getfield(L, -1, "furniture");
    lua_setfield(L, -3, "furniture");
  }
  lua_pop(L, 1);
  rr_trace_push(L);
  lua_getfield(L, -1, "marks");
  lua_setfield(L, -3, "marks");
  lua_getfield(L, -1, "rows");
  lua_setfield(L, -3, "rows");
  lua_pop(L, 1);
  rr_push_tables(L);
  lua_setfield(L, -2, "tables");
  lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules");
  size_t n = lua_rawlen(L, -1);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 3);
    lua_rawgeti(L, -3, (lua_Integer)i + 1);
    lua_getfield(L, -1, "name");
    lua_setfield(L, -3, "name");
    lua_getfield(L, -1, "line");
    lua_setfield(L, -3, "line");
    lua_pop(L, 1);
    lua_pushboolean(L, r->rule_empty && r->rule_empty[i]);
    lua_setfield(L, -2, "empty");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -3, "rule_list");
  lua_pop(L, 1);
  lua_pushlstring(L, r->msgs.s ? r->msgs.s : "", r->msgs.len);
  lua_setfield(L, -2, "errors");
}

typedef struct explain_job {
  rr_engine *e;
  const char *path, *format;
  const doc_result *r;
} explain_job;

/* Renders the explain page of the document process() ran, under lua_pcall
 * (everything here may run out of memory).  Returns a status (RR_OK,
 * RR_ERULES: the renderer does not load, RR_EUSAGE: it refused, RR_EINPUT:
 * the report was not read) and the page or the message. */
static int explain_render(lua_State *L) {
  const explain_job *job = lua_touserdata(L, 1);
  lua_settop(L, 0);
  if (lua_getfield(L, LUA_REGISTRYINDEX, RR_EXPLAIN_DOC) != LUA_TTABLE) {   /* not read, not decoded */
    lua_pushinteger(L, RR_EINPUT);
    lua_pushnil(L);
    return 2;
  }
  lua_settop(L, 0);
  lua_pushcfunction(L, rr_lua_traceback);                 /* 1 */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "rulerun.explain");
  if (lua_pcall(L, 1, 1, 1) != LUA_OK) {
    lua_pushinteger(L, RR_ERULES);
    lua_insert(L, -2);
    return 2;
  }
  lua_getfield(L, -1, "render");
  lua_remove(L, -2);
  push_explain_data(job->e, L, job->path, job->r);
  lua_pushstring(L, job->format ? job->format : "html");
  if (lua_pcall(L, 2, 1, 1) != LUA_OK) {
    char msg[1024];
    first_line(L, msg, sizeof msg);
    lua_pushinteger(L, RR_EUSAGE);
    lua_pushfstring(L, "explain: %s", msg);
    return 2;
  }
  lua_pushinteger(L, RR_OK);
  lua_insert(L, -2);
  return 2;
}

static int clear_explain_doc(lua_State *L) {
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, RR_EXPLAIN_DOC);
  return 0;
}

int rr_engine_explain(rr_engine *e, const char *path, const char *format, char **out, size_t *len) {
  call_error.e = NULL;
  *out = NULL;
  *len = 0;
  if (!e->L0) {
    set_error(e, "no rules loaded");
    return RR_EUSAGE;
  }
  lua_State *L = e->L0;
  int top = lua_gettop(L);
  rr_luactx *ctx = rr_luactx_get(L);
  int trace = ctx->trace, rows = ctx->trace_rows;
  ctx->trace = ctx->trace_rows = 1;
  doc_result r;
  memset(&r, 0, sizeof r);
  const char *base = strrchr(path, '/');
  int status = RR_ENOMEM;
  lua_pushcfunction(L, clear_explain_doc);
  if (lua_pcall(L, 0, 0, 0) == LUA_OK) {
    process(e, L, path, base ? base + 1 : path, NULL, 0, &r);
    explain_job job = {e, path, format, &r};
    lua_pushcfunction(L, explain_render);
    lua_pushlightuserdata(L, &job);
    if (lua_pcall(L, 1, 2, 0) == LUA_OK) status = (int)lua_tointeger(L, -2);
  }
  ctx->trace = trace;
  ctx->trace_rows = rows;
  if (status == RR_OK) {
    size_t n;
    const char *page = lua_tolstring(L, -1, &n);
    if ((*out = malloc(n + 1)) != NULL) {
      memcpy(*out, page, n + 1);
      *len = n;
    } else {
      status = RR_ENOMEM;
    }
  }
  if (status == RR_ENOMEM) {
    set_error(e, "%s: out of memory", path);
  } else if (status == RR_EINPUT) {
    if (r.msgs.len) r.msgs.s[r.msgs.len - 1] = '\0';
    set_error(e, "%s", r.msgs.s ? r.msgs.s : "cannot read it");
  } else if (status != RR_OK) {
    set_error(e, "%s", lua_tostring(L, -1));
  }
  lua_settop(L, top);
  lua_pushcfunction(L, clear_explain_doc);
  lua_pcall(L, 0, 0, 0);    /* the key is there: nothing to allocate */
  lua_settop(L, top);
  if (status == RR_OK && r.failed) {
    status = RR_EDOCS;
    if (r.msgs.len) r.msgs.s[r.msgs.len - 1] = '\0';
    set_error(e, "%s", r.msgs.s);
  }
  result_free(&r);
  return status;
}

/* A state for one rr_engine_process call: an idle one, else a new one
 * (several threads may be in rr_engine_process at once).  NULL with the
 * message in err. */
static lua_State *take_state(rr_engine *e, char *err, size_t errlen, int *status) {
  pthread_mutex_lock(&e->pool.mu);
  lua_State *L = e->pool.nidle ? e->pool.idle[--e->pool.nidle] : NULL;
  pthread_mutex_unlock(&e->pool.mu);
  if (L) return L;
  size_t nrules;
  L = load_state(e, 1, 0, err, errlen, status, &nrules);
  if (!L) return NULL;
  pthread_mutex_lock(&e->pool.mu);
  int room = 1;
  if (e->pool.nall == e->pool.cap) {    /* idle has room for every state, L0 included */
    size_t cap = e->pool.cap ? 2 * e->pool.cap : 4;
    lua_State **all = realloc(e->pool.all, cap * sizeof *all);
    if (all) e->pool.all = all;
    lua_State **idle = all ? realloc(e->pool.idle, (cap + 1) * sizeof *idle) : NULL;
    if (idle) e->pool.idle = idle;
    if (all && idle) e->pool.cap = cap;
    else room = 0;
  }
  if (room) e->pool.all[e->pool.nall++] = L;
  pthread_mutex_unlock(&e->pool.mu);
  if (!room) {
    rr_lua_close(L);
    snprintf(err, errlen, "out of memory");
    *status = RR_ENOMEM;
    return NULL;
  }
  return L;
}

static void give_back_state(rr_engine *e, lua_State *L) {
  pthread_mutex_lock(&e->pool.mu);
  e->pool.idle[e->pool.nidle++] = L;
  pthread_mutex_unlock(&e->pool.mu);
}

int rr_engine_process(rr_engine *e, const char *name, const char *data, size_t len,
                      rr_rows_fn fn, void *ud) {
  char *err = call_error.msg;
  size_t errlen = sizeof call_error.msg;
  call_error.e = e;
  err[0] = '\0';
  if (!e->L0) {
    snprintf(err, errlen, "no rules loaded");
    return RR_EUSAGE;
  }
  int status = RR_OK;
  lua_State *L = take_state(e, err, errlen, &status);
  if (!L) return status;
  doc_result r;
  memset(&r, 0, sizeof r);
  process(e, L, name, name, data ? data : "", data ? len : 0, &r);
  give_back_state(e, L);
  for (int i = 0; i < e->ntables && (size_t)i < r.batch.ntables; i++)
    if (r.batch.rows[i] && fn) fn(ud, e->table_names[i], r.batch.tables[i].s, r.batch.tables[i].len);
  if (deliver_rows(e, &r.batch) != 0) {
    snprintf(err, errlen, "%s: out of memory handing over the rows", name);
    status = RR_ENOMEM;
  }
  deliver_prints(e, &r.prints);
  if (r.failed) {
    if (r.msgs.len) r.msgs.s[r.msgs.len - 1] = '\0';
    snprintf(err, errlen, "%s", r.msgs.s ? r.msgs.s : "failed");
    if (status == RR_OK) status = RR_EDOCS;
  }
  result_free(&r);
  return status;
}

const char *rr_strerror(int status) {
  switch (status) {
    case RR_OK: return "success";
    case RR_EDOCS: return "some documents failed";
    case RR_ERULES: return "the rule file does not load";
    case RR_EINPUT: return "an input cannot be read or listed";
    case RR_EOUTPUT: return "an output cannot be written";
    case RR_ENOMEM: return "out of memory";
    case RR_EUSAGE: return "the library was called the wrong way";
    case RR_ECANCELED: return "the run was cancelled";
    default: return "unknown status";
  }
}
