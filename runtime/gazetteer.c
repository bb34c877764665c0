/* gazetteer.c - rulerun.gazetteer: a dictionary of names (companies, people,
 * indices ...) found in a document in one pass.
 *
 *   g = gazetteer.new { {name=, code=, aliases={...}}, ... }   or  { [name] = code, ... }
 *   g = gazetteer.load(path [, {name=, code=, aliases=, sep=}])   -- from a CSV file
 *   g:find(text_or_doc [, init]) -> { {name=, code=, text=, first=, last=}, ... }
 *   g:lookup(s) -> code, name   (s a name or an alias; nil when absent)
 *   #g -> number of entries
 *
 * Names and aliases go through the normaliser, so they match normalised
 * documents whatever width or form the CSV writes them in.  find reports
 * leftmost-longest matches that do not overlap; a match whose first or last
 * byte is an ASCII letter or digit must not touch another one ("TCL" is not
 * found inside "TCLX").
 *
 * The matcher is Aho-Corasick over bytes: a trie whose transitions live in
 * one open-addressing hash (node, byte) -> child (the root has a direct
 * 256-way table), failure links, and for each node the nearest node on its
 * failure chain that ends a pattern.  One pass over the text costs the same
 * for ten names or ten thousand.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <lauxlib.h>
#include <lua.h>

#include "rr_internal.h"

#define RR_GAZETTEER "rulerun.gazetteer"

typedef struct node {
  uint32_t fail;
  uint32_t out;          /* nearest node (this or on the fail chain) ending a pattern; 0: none */
  int32_t pat;           /* pattern ending exactly here, or -1 */
  uint32_t first_child, next_sibling;   /* for the breadth-first walk that links the trie */
  unsigned char byte;    /* the byte that leads here */
} node;

typedef struct edge { uint32_t key_node; uint32_t child; unsigned char byte; } edge;

typedef struct pattern { uint32_t entry; uint32_t len; } pattern;

typedef struct gazetteer {
  node *nodes;
  size_t nnodes, cap_nodes;
  edge *edges;            /* hash: (node, byte) -> child; child 0 = empty slot */
  size_t cap_edges, nedges;
  uint32_t root_next[256];
  pattern *pats;
  size_t npats, cap_pats;
  /* entries: name and code strings, in one buffer */
  rr_buf strings;
  size_t *entry_off;      /* name at entry_off[2i], code at entry_off[2i+1] */
  size_t nentries, cap_entries;
} gazetteer;

static uint32_t hash(uint32_t n, unsigned char b) {
  uint32_t h = n * 2654435761u ^ (uint32_t)b * 40503u;
  return h ^ (h >> 15);
}

static uint32_t edge_get(const gazetteer *g, uint32_t n, unsigned char b) {
  if (n == 0) return g->root_next[b];
  if (!g->cap_edges) return 0;
  size_t mask = g->cap_edges - 1;
  for (size_t i = hash(n, b) & mask;; i = (i + 1) & mask) {
    const edge *e = &g->edges[i];
    if (!e->child) return 0;
    if (e->key_node == n && e->byte == b) return e->child;
  }
}

static int grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = realloc(*p, c * size);
  if (!q) return -1;
  *p = q;
  *cap = c;
  return 0;
}

static int edge_put(gazetteer *g, uint32_t n, unsigned char b, uint32_t child) {
  if (n == 0) { g->root_next[b] = child; return 0; }
  if ((g->nedges + 1) * 2 > g->cap_edges) {     /* keep the load under one half */
    size_t cap = g->cap_edges ? g->cap_edges * 2 : 1024;
    edge *old = g->edges, *e = calloc(cap, sizeof *e);
    if (!e) return -1;
    size_t oldcap = g->cap_edges;
    g->edges = e;
    g->cap_edges = cap;
    for (size_t i = 0; i < oldcap; i++) {
      if (!old[i].child) continue;
      size_t mask = cap - 1, k = hash(old[i].key_node, old[i].byte) & mask;
      while (e[k].child) k = (k + 1) & mask;
      e[k] = old[i];
    }
    free(old);
  }
  size_t mask = g->cap_edges - 1, k = hash(n, b) & mask;
  while (g->edges[k].child) k = (k + 1) & mask;
  g->edges[k] = (edge){n, child, b};
  g->nedges++;
  return 0;
}

static int gaz_gc(lua_State *L) {
  gazetteer *g = luaL_checkudata(L, 1, RR_GAZETTEER);
  free(g->nodes);
  free(g->edges);
  free(g->pats);
  free(g->entry_off);
  rr_buf_free(&g->strings);
  memset(g, 0, sizeof *g);
  return 0;
}

static gazetteer *gaz_push(lua_State *L) {
  gazetteer *g = lua_newuserdatauv(L, sizeof *g, 0);
  memset(g, 0, sizeof *g);
  luaL_setmetatable(L, RR_GAZETTEER);
  if (grow((void **)&g->nodes, &g->cap_nodes, 1, sizeof *g->nodes)) luaL_error(L, "gazetteer: out of memory");
  g->nodes[0] = (node){0, 0, -1, 0, 0, 0};
  g->nnodes = 1;
  return g;
}

static const char *entry_name(const gazetteer *g, size_t i) { return g->strings.s + g->entry_off[2 * i]; }
static const char *entry_code(const gazetteer *g, size_t i) { return g->strings.s + g->entry_off[2 * i + 1]; }

static void nomem(lua_State *L) { luaL_error(L, "gazetteer: out of memory"); }

static size_t add_string(lua_State *L, gazetteer *g, const char *s, size_t n) {
  size_t off = g->strings.len;
  if (rr_buf_add(&g->strings, s, n) || rr_buf_add(&g->strings, "", 1)) nomem(L);
  return off;
}

static size_t add_entry(lua_State *L, gazetteer *g, const char *name, size_t nlen, const char *code, size_t clen) {
  if (grow((void **)&g->entry_off, &g->cap_entries, 2 * (g->nentries + 1), sizeof *g->entry_off)) nomem(L);
  g->entry_off[2 * g->nentries] = add_string(L, g, name, nlen);
  g->entry_off[2 * g->nentries + 1] = add_string(L, g, code, clen);
  return g->nentries++;
}

/* Inserts the normalised form of s as a pattern of entry; the first entry to
 * claim a pattern keeps it. */
static void add_pattern(lua_State *L, gazetteer *g, const char *s, size_t n, size_t entry) {
  rr_text t;
  size_t bad;
  if (rr_normalize(s, n, &t, &bad) != RR_NORM_OK) luaL_error(L, "gazetteer: '%s' is not valid UTF-8", s);
  uint32_t cur = 0;
  for (size_t i = 0; i < t.len; i++) {
    unsigned char b = (unsigned char)t.s[i];
    uint32_t next = edge_get(g, cur, b);
    if (!next) {
      if (grow((void **)&g->nodes, &g->cap_nodes, g->nnodes + 1, sizeof *g->nodes)) { rr_text_free(&t); nomem(L); }
      next = (uint32_t)g->nnodes++;
      g->nodes[next] = (node){0, 0, -1, 0, g->nodes[cur].first_child, b};
      g->nodes[cur].first_child = next;
      if (edge_put(g, cur, b, next)) { rr_text_free(&t); nomem(L); }
    }
    cur = next;
  }
  size_t len = t.len;
  rr_text_free(&t);
  if (cur == 0 || g->nodes[cur].pat >= 0) return;      /* empty, or taken */
  if (grow((void **)&g->pats, &g->cap_pats, g->npats + 1, sizeof *g->pats)) nomem(L);
  g->pats[g->npats] = (pattern){(uint32_t)entry, (uint32_t)len};
  g->nodes[cur].pat = (int32_t)g->npats++;
}

/* Failure and output links, breadth first. */
static void build_links(lua_State *L, gazetteer *g) {
  uint32_t *queue = malloc(g->nnodes * sizeof *queue);
  if (!queue) nomem(L);
  size_t head = 0, tail = 0;
  for (int b = 0; b < 256; b++) {
    uint32_t c = g->root_next[b];
    if (!c) continue;
    g->nodes[c].fail = 0;
    g->nodes[c].out = g->nodes[c].pat >= 0 ? c : 0;
    queue[tail++] = c;
  }
  while (head < tail) {
    uint32_t n = queue[head++];
    for (uint32_t c = g->nodes[n].first_child; c; c = g->nodes[c].next_sibling) {
      unsigned char b = g->nodes[c].byte;
      uint32_t f = g->nodes[n].fail, to;
      while (f && !edge_get(g, f, b)) f = g->nodes[f].fail;
      to = edge_get(g, f, b);
      g->nodes[c].fail = to == c ? 0 : to;
      g->nodes[c].out = g->nodes[c].pat >= 0 ? c : g->nodes[g->nodes[c].fail].out;
      queue[tail++] = c;
    }
  }
  free(queue);
}

static void add_aliases(lua_State *L, gazetteer *g, const char *s, size_t n, size_t entry, const char *seps) {
  size_t a = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || strchr(seps, s[i])) {
      size_t x = a, y = i;
      while (x < y && s[x] == ' ') x++;
      while (y > x && s[y - 1] == ' ') y--;
      if (y > x) add_pattern(L, g, s + x, y - x, entry);
      a = i + 1;
    }
  }
}

/* gazetteer.new(entries) */
static int gaz_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  gazetteer *g = gaz_push(L);                      /* 2 */
  if (lua_rawlen(L, 1) > 0) {
    for (lua_Integer i = 1; lua_rawgeti(L, 1, i) == LUA_TTABLE; i++) {
      size_t nlen, clen = 0;
      lua_getfield(L, 3, "name");
      const char *name = lua_tolstring(L, -1, &nlen);
      if (!name) return luaL_error(L, "gazetteer.new: entry %d has no name", (int)i);
      lua_getfield(L, 3, "code");
      const char *code = lua_tolstring(L, -1, &clen);
      size_t e = add_entry(L, g, name, nlen, code ? code : "", clen);
      add_pattern(L, g, name, nlen, e);
      if (lua_getfield(L, 3, "aliases") == LUA_TTABLE) {
        for (lua_Integer k = 1; lua_rawgeti(L, -1, k) == LUA_TSTRING; k++) {
          size_t alen;
          const char *al = lua_tolstring(L, -1, &alen);
          add_pattern(L, g, al, alen, e);
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
      lua_settop(L, 2);
    }
  } else {
    for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
      size_t nlen, clen;
      if (lua_type(L, -2) != LUA_TSTRING) continue;
      const char *name = lua_tolstring(L, -2, &nlen);
      const char *code = luaL_tolstring(L, -1, &clen);
      size_t e = add_entry(L, g, name, nlen, code, clen);
      lua_pop(L, 1);
      add_pattern(L, g, name, nlen, e);
    }
  }
  lua_settop(L, 2);
  build_links(L, g);
  return 1;
}

/* ---- CSV ------------------------------------------------------------------ */

/* The file and the parser of read_csv, owned by a Lua value as liolib owns
 * its FILE*: an error anywhere in the read (a bad row, out of memory in a
 * callback) leaves them to __gc, so no descriptor or buffer leaks. */
typedef struct csv_box { struct csv_parser p; int live; FILE *f; } csv_box;

static int csv_box_gc(lua_State *L) {
  csv_box *b = lua_touserdata(L, 1);
  if (b->live) csv_free(&b->p);
  b->live = 0;
  if (b->f) fclose(b->f);
  b->f = NULL;
  return 0;
}

typedef struct csv_reader { lua_State *L; int rows; lua_Integer nrow, ncol; } csv_reader;

static void on_field(void *s, size_t n, void *data) {
  csv_reader *r = data;
  if (r->ncol == 0) {
    lua_newtable(r->L);
  }
  lua_pushlstring(r->L, s ? s : "", s ? n : 0);
  lua_rawseti(r->L, -2, ++r->ncol);
}

static void on_row(int c, void *data) {
  (void)c;
  csv_reader *r = data;
  if (r->ncol == 0) return;                       /* blank line */
  lua_rawseti(r->L, r->rows, ++r->nrow);
  r->ncol = 0;
}

/* Reads a CSV file into a list of rows (lists of strings) at the top of the stack. */
static void read_csv(lua_State *L, const char *path) {
  csv_box *box = rr_new_scratch(L, sizeof *box, csv_box_gc);
  FILE *f = box->f = fopen(path, "rbe");
  if (!f) luaL_error(L, "gazetteer: cannot open '%s'", path);
  if (csv_init(&box->p, CSV_APPEND_NULL) != 0) luaL_error(L, "gazetteer: out of memory");
  box->live = 1;
  lua_newtable(L);
  csv_reader r = {L, lua_gettop(L), 0, 0};
  char buf[65536];
  size_t n;
  int bom = 1;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    char *p = buf;
    if (bom && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3, n -= 3;
    bom = 0;
    if (csv_parse(&box->p, p, n, on_field, on_row, &r) != n) break;
  }
  int err = ferror(f) || csv_error(&box->p) != CSV_SUCCESS;
  fclose(f);
  box->f = NULL;
  if (err || csv_fini(&box->p, on_field, on_row, &r) != 0)
    luaL_error(L, "gazetteer: '%s': %s near row %d", path,
               csv_strerror(csv_error(&box->p)), (int)r.nrow + 1);
  lua_remove(L, -2);      /* the box; its __gc frees the parser */
}

/* The index (1-based) of the header column named by opts[key] or by one of
 * the usual names, or 0. */
static int header_column(lua_State *L, int hdr, int opts, const char *key, const char *const *usual) {
  const char *want = NULL;
  if (opts) {
    lua_getfield(L, opts, key);
    want = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  lua_Integer n = (lua_Integer)lua_rawlen(L, hdr);
  for (lua_Integer k = 1; k <= n; k++) {
    lua_rawgeti(L, hdr, k);
    const char *h = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (!h) continue;
    if (want) { if (strcmp(h, want) == 0) return (int)k; continue; }
    for (const char *const *u = usual; *u; u++)
      if (strcasecmp(h, *u) == 0) return (int)k;
  }
  if (want) luaL_error(L, "gazetteer: no column '%s' in the header", want);
  return 0;
}

static const char *const NAME_COLS[] = {"name", "名称", "简称", "公司", "公司名称", "证券简称", "company", NULL};
static const char *const CODE_COLS[] = {"code", "代码", "证券代码", "股票代码", "ticker", NULL};
static const char *const ALIAS_COLS[] = {"aliases", "alias", "别名", NULL};

static const char *const LOAD_OPTIONS[] = {"name", "code", "aliases", "sep", NULL};

/* gazetteer.load(path [, opts]): the first row is the header; a relative
 * path is taken from the rule file's directory. */
static int gaz_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int opts = lua_istable(L, 2) ? 2 : 0;
  if (opts) rr_check_options(L, opts, "gazetteer.load", LOAD_OPTIONS, 0);
  lua_settop(L, 2);
  if (path[0] != '/' && lua_getfield(L, LUA_REGISTRYINDEX, "rulerun.rules_dir") == LUA_TSTRING)
    lua_pushfstring(L, "%s/%s", lua_tostring(L, -1), path);
  else
    lua_pushstring(L, path);
  lua_replace(L, 3);                                   /* 3: the path opened */
  lua_settop(L, 3);
  read_csv(L, lua_tostring(L, 3));                     /* 4: rows */
  if (lua_rawgeti(L, 4, 1) != LUA_TTABLE) return luaL_error(L, "gazetteer: '%s' is empty", lua_tostring(L, 3));
  int ncol = header_column(L, 5, opts, "name", NAME_COLS);
  int ccol = header_column(L, 5, opts, "code", CODE_COLS);
  int acol = header_column(L, 5, opts, "aliases", ALIAS_COLS);
  if (!ncol) ncol = 1;
  if (!ccol) ccol = ncol == 1 ? 2 : 1;
  const char *seps = "|;";
  if (opts && lua_getfield(L, opts, "sep") == LUA_TSTRING) seps = lua_tostring(L, -1);
  lua_settop(L, 5);
  gazetteer *g = gaz_push(L);                          /* 6 */
  for (lua_Integer i = 2; lua_rawgeti(L, 4, i) == LUA_TTABLE; i++) {
    size_t nlen = 0, clen = 0, alen = 0;
    lua_rawgeti(L, 7, ncol);
    lua_rawgeti(L, 7, ccol);
    lua_rawgeti(L, 7, acol ? acol : 0);
    const char *name = lua_tolstring(L, 8, &nlen), *code = lua_tolstring(L, 9, &clen);
    const char *al = lua_tolstring(L, 10, &alen);
    if (name && nlen) {
      size_t e = add_entry(L, g, name, nlen, code ? code : "", code ? clen : 0);
      add_pattern(L, g, name, nlen, e);
      if (al) add_aliases(L, g, al, alen, e, seps);
    }
    lua_settop(L, 6);
  }
  lua_settop(L, 6);
  build_links(L, g);
  return 1;
}

/* ---- matching ------------------------------------------------------------- */

static int is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

typedef struct hit { size_t start, end; uint32_t pat; } hit;

static int by_start_then_longest(const void *a, const void *b) {
  const hit *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end;
}

/* g:find(text_or_doc [, init]) */
static int gaz_find(lua_State *L) {
  gazetteer *g = luaL_checkudata(L, 1, RR_GAZETTEER);
  size_t n;
  int is_doc;
  const char *s = rr_text_arg(L, 2, &n, &is_doc);
  lua_Integer init = luaL_optinteger(L, 3, 1);
  luaL_argcheck(L, init >= 1, 3, "init must be at least 1");
  rr_buf hits = {0};
  uint32_t cur = 0;
  for (size_t i = (size_t)init - 1; i < n; i++) {
    unsigned char b = (unsigned char)s[i];
    uint32_t next = 0;
    while (cur && !(next = edge_get(g, cur, b))) cur = g->nodes[cur].fail;
    cur = cur ? next : g->root_next[b];
    for (uint32_t o = g->nodes[cur].out; o; o = g->nodes[g->nodes[o].fail].out) {
      const pattern *p = &g->pats[g->nodes[o].pat];
      hit h = {i + 1 - p->len, i + 1, (uint32_t)g->nodes[o].pat};
      if ((is_alnum((unsigned char)s[h.start]) && h.start && is_alnum((unsigned char)s[h.start - 1])) ||
          (is_alnum(b) && h.end < n && is_alnum((unsigned char)s[h.end])))
        continue;
      if (rr_buf_add(&hits, &h, sizeof h)) { rr_buf_free(&hits); return luaL_error(L, "gazetteer: out of memory"); }
    }
  }
  hit *v = (hit *)hits.s;
  size_t nh = hits.len / sizeof *v;
  if (nh) qsort(v, nh, sizeof *v, by_start_then_longest);
  lua_newtable(L);
  size_t taken_end = 0;
  lua_Integer k = 0;
  for (size_t i = 0; i < nh; i++) {
    if (v[i].start < taken_end) continue;
    taken_end = v[i].end;
    uint32_t e = g->pats[v[i].pat].entry;
    lua_createtable(L, 0, 5);
    lua_pushstring(L, entry_name(g, e));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, entry_code(g, e));
    lua_setfield(L, -2, "code");
    lua_pushlstring(L, s + v[i].start, v[i].end - v[i].start);
    if (is_doc) rr_trace_span(L, -1, v[i].start, v[i].end);
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)v[i].start + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)v[i].end);
    lua_setfield(L, -2, "last");
    lua_rawseti(L, -2, ++k);
  }
  rr_buf_free(&hits);
  return 1;
}

/* g:lookup(s) -> code, name, or nil */
static int gaz_lookup(lua_State *L) {
  gazetteer *g = luaL_checkudata(L, 1, RR_GAZETTEER);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  rr_text t;
  size_t bad;
  if (rr_normalize(s, n, &t, &bad) != RR_NORM_OK) return 0;
  uint32_t cur = 0;
  for (size_t i = 0; i < t.len && (i == 0 || cur); i++) cur = edge_get(g, cur, (unsigned char)t.s[i]);
  rr_text_free(&t);
  if (!cur || g->nodes[cur].pat < 0) return 0;
  uint32_t e = g->pats[g->nodes[cur].pat].entry;
  lua_pushstring(L, entry_code(g, e));
  lua_pushstring(L, entry_name(g, e));
  return 2;
}

static int gaz_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)((gazetteer *)luaL_checkudata(L, 1, RR_GAZETTEER))->nentries);
  return 1;
}

static int gaz_tostring(lua_State *L) {
  gazetteer *g = luaL_checkudata(L, 1, RR_GAZETTEER);
  lua_pushfstring(L, "gazetteer (%d entries, %d names)", (int)g->nentries, (int)g->npats);
  return 1;
}

static const luaL_Reg gaz_methods[] = {{"find", gaz_find}, {"lookup", gaz_lookup}, {NULL, NULL}};
static const luaL_Reg gaz_meta[] = {
  {"__gc", gaz_gc}, {"__len", gaz_len}, {"__tostring", gaz_tostring}, {NULL, NULL}};
static const luaL_Reg gaz_funcs[] = {{"new", gaz_new}, {"load", gaz_load}, {NULL, NULL}};

int luaopen_rulerun_gazetteer(lua_State *L) {
  if (luaL_newmetatable(L, RR_GAZETTEER)) {
    luaL_setfuncs(L, gaz_meta, 0);
    luaL_newlib(L, gaz_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, gaz_funcs);
  lua_createtable(L, 0, 1);           /* OPTIONS: each function's option keys (rulerun.options) */
  rr_push_names(L, LOAD_OPTIONS);
  lua_setfield(L, -2, "load");
  lua_setfield(L, -2, "OPTIONS");
  return 1;
}
