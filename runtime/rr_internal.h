/* rr_internal.h - what the runtime's C files share with each other (not installed). */
#ifndef RR_INTERNAL_H
#define RR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <lua.h>

#include "rulerun.h"

#if defined(__GNUC__) || defined(__clang__)
#define RR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define RR_PRINTF(fmt, args)
#endif

/* ---- growable byte buffer ---------------------------------------------- */
typedef struct rr_buf {
  char *s;
  size_t len, cap;
} rr_buf;

int rr_buf_reserve(rr_buf *b, size_t extra);   /* 0 ok, -1 out of memory */
int rr_buf_add(rr_buf *b, const void *p, size_t n);
void rr_buf_free(rr_buf *b);

/* ---- normalised text (normalize.c) -------------------------------------- */
/* The text rules see.  map holds checkpoints (norm offset, original offset):
 * between two checkpoints both advance together.  lines[i] is the offset of
 * line i (0-based); lines[nlines] == len + 1 as a sentinel. */
typedef struct rr_text {
  char *s;            /* NUL-terminated */
  size_t len;
  uint32_t *map;      /* 2 * nmap entries */
  size_t nmap;
  uint32_t *lines;    /* nlines + 1 entries */
  size_t nlines;
} rr_text;

enum { RR_NORM_OK = 0, RR_NORM_EUTF8, RR_NORM_ENOMEM, RR_NORM_ETOOBIG };

/* Normalises n bytes of UTF-8 (a leading BOM is skipped).  On RR_NORM_EUTF8,
 * *bad is the byte offset of the first invalid sequence. */
int rr_normalize(const char *in, size_t n, rr_text *out, size_t *bad);
void rr_text_free(rr_text *t);
/* The original byte offset of normalised offset pos. */
size_t rr_text_orig_offset(const rr_text *t, size_t pos);
/* The normalised offset of original offset orig (where dropped bytes would have been). */
size_t rr_text_norm_offset(const rr_text *t, size_t orig);
/* How many bytes at the start of s[0..n) are valid UTF-8. */
size_t rr_utf8_valid_prefix(const char *s, size_t n);
/* A code point that begins at s (valid UTF-8 assumed); *len its byte length. */
uint32_t rr_utf8_decode(const unsigned char *s, size_t *len);

/* Whether s[0..n) starts with the literal lit.  Always inlined: callers pass
 * a string constant, whose length and compare then fold to a load or two
 * (the section and furniture scans call it on every line). */
static inline __attribute__((always_inline)) int rr_starts(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);
  return n >= k && memcmp(s, lit, k) == 0;
}

/* ---- decoding files (decode.c) ------------------------------------------ */
enum { RR_DECODE_OK = 0, RR_DECODE_EBAD, RR_DECODE_EBINARY, RR_DECODE_ENOMEM, RR_DECODE_ETOOBIG };

typedef struct rr_decoded {
  const char *utf8;        /* the text as UTF-8: the input itself, or converted */
  size_t len;
  const char *encoding;    /* what it was read as ("UTF-8", "GB18030", ...); NULL: nothing fitted */
  size_t bad;              /* EBAD: offset of the first bad byte (as UTF-8, or in the forced
                              encoding); EBINARY: of the first NUL */
  size_t legacy_bad;       /* EBAD when neither UTF-8 nor GB18030: GB18030's first bad byte */
  rr_text text;            /* normalised */
  char *converted;         /* owned */
} rr_decoded;

/* Decodes and normalises a file's n bytes; encoding NULL guesses (decode.c
 * says how), else forces that iconv name.  rr_decoded_free in every case. */
int rr_decode(const char *in, size_t n, const char *encoding, rr_decoded *d);
void rr_decoded_free(rr_decoded *d);
int rr_encoding_known(const char *name);     /* iconv can read it */
int rr_encoding_is_utf8(const char *name);
/* A file name that is not valid UTF-8, made valid (a new string; NULL
 * without memory): decoded as GB18030 (names from Chinese Windows), else
 * with each bad byte as \xNN. */
char *rr_utf8_name(const char *name);

/* ---- PDF (pdf.c) ------------------------------------------------------------ */
/* Whether the bytes are a PDF (its header in the first 1024 bytes). */
int rr_pdf_is(const char *s, size_t n);
/* The text of the PDF in[0..n): pages in reading order, a form feed between
 * two pages, a line end at the end; *text is malloc'd and NUL-terminated.
 * 0, or -1 with why ("an encrypted PDF ...", "a damaged PDF ...", no text,
 * or a build without poppler). */
int rr_pdf_text(const char *in, size_t n, char **text, size_t *len, size_t *npages, char *why, size_t whylen);

/* ---- Lua helpers (luastate.c) -------------------------------------------- */
/* Pushes a zeroed userdata of size bytes whose finaliser is gc: C memory
 * hung off it is freed even when a Lua error unwinds past its owner. */
void *rr_new_scratch(lua_State *L, size_t size, lua_CFunction gc);

/* ---- names and option keys (keys.c) --------------------------------------- */
/* The name of names[0..n) closest to word (a misspelling of it), or NULL when none is close. */
const char *rr_closest(const char *word, const char *const *names, size_t n);
/* Pushes "(did you mean 'x'? label: a, b, c)" for word, a name that is not in names. */
void rr_push_hint(lua_State *L, const char *word, const char *const *names, size_t n, const char *label);
/* Raises "func: unknown option 'k' (did you mean ...? options: ...)" when the
 * options table at idx has a key not in keys (NULL-terminated); integer keys
 * are allowed when headings is set (a section spec's heading names). */
void rr_check_options(lua_State *L, int idx, const char *func, const char *const *keys, int headings);
/* Pushes a Lua list of the NULL-terminated names. */
void rr_push_names(lua_State *L, const char *const *names);

/* ---- files (engine.c) --------------------------------------------------- */
/* The whole file, NUL-terminated (*len without the NUL); NULL with errno set
 * on failure (EFBIG past 2 GiB). */
char *rr_read_file(const char *path, size_t *len);

/* ---- documents (document.c) --------------------------------------------- */
typedef struct rr_document {
  const char *path;      /* as it goes into the `file` column */
  const char *orig;      /* original bytes (not owned) */
  size_t orig_len;
  rr_text text;
} rr_document;

/* ---- page furniture (furniture.c) ---------------------------------------- */
/* Lines longer than this are not line-structured text (white space stripped):
 * furniture is looked for inside them, and sections find headings inline. */
#define RR_LONG_LINE 2048
/* Running headers/footers, page numbers, tables of contents, [Table_Xxx]
 * tags, chart debris: sorted, disjoint [a, b) byte ranges of the text. */
typedef struct rr_furniture {
  uint32_t *span;     /* 2 * n */
  size_t n;
} rr_furniture;
int rr_furniture_find(const rr_text *t, rr_furniture *f);   /* 0, or -1 out of memory */
void rr_furniture_free(rr_furniture *f);
/* The index of the first span that ends after byte pos (f->n when none). */
size_t rr_furniture_next(const rr_furniture *f, size_t pos);
int rr_furniture_has(const rr_furniture *f, size_t pos);

#define RR_DOCUMENT "rulerun.document"
/* Pushes a userdata that refers to doc (not owned); rr_document_detach
 * makes it refuse further use once the engine is done with doc. */
void rr_document_push(lua_State *L, rr_document *doc);
void rr_document_detach(lua_State *L, int idx);
rr_document *rr_document_check(lua_State *L, int idx);
/* The document's furniture, found on first use and cached with it (it lives
 * as long as the document at idx). */
const rr_furniture *rr_document_furniture(lua_State *L, int idx);
/* The text at idx: a string, or a document's normalised text (*is_doc = 1). */
const char *rr_text_arg(lua_State *L, int idx, size_t *len, int *is_doc);
/* Argument idx as a Lua-style init (1-based, negative from the end, default
 * 1) into a text of len bytes: a byte offset, len + 1 when past the end
 * (regex.c; string.find's reading, which document.find_plain shares). */
size_t rr_check_init(lua_State *L, int idx, size_t len);

/* ---- regex (regex.c) ---------------------------------------------------- */
typedef struct rr_regex rr_regex;

/* prefilter.c: the literal prefixes a regex's matches start with, found in
 * one pass (NULL when the pattern is outside what it reads, or gains
 * nothing).  next: the first byte at or after from where a match may start,
 * len when none. */
typedef struct rr_prefilter rr_prefilter;
rr_prefilter *rr_prefilter_new(const char *pattern, size_t len, uint32_t pcre2_options);
void rr_prefilter_free(rr_prefilter *pf);
size_t rr_prefilter_next(const rr_prefilter *pf, const char *s, size_t len, size_t from);
/* Pushes the compiled regex for pattern/flags from the state's cache
 * (compiling on a miss) and returns it; it lives while it is on the stack.
 * A bad pattern raises a Lua error naming the pattern and the offset. */
rr_regex *rr_regex_get(lua_State *L, int idx, const char *flags);   /* the pattern string at idx */
/* The string at idx is known valid UTF-8 (a document's text cut at
 * character starts): searches of it skip the check, while it is among the
 * last few strings so marked or checked. */
void rr_regex_trust(lua_State *L, int idx);
/* Searches s[start..len); returns 1 and sets [*ms, *me) on a match, 0 when
 * none; raises on a matching error. */
int rr_regex_exec(lua_State *L, rr_regex *re, const char *s, size_t len, size_t start,
                  int trusted_utf8, size_t *ms, size_t *me);
/* --profile: hands fn the figures of every timed regex in L's cache, and zeroes them. */
typedef void (*rr_regex_stat_fn)(void *ud, const char *pattern, double secs, double calls);
void rr_regex_take_stats(lua_State *L, rr_regex_stat_fn fn, void *ud);

/* ---- per-state context (core.c) ----------------------------------------- */
typedef struct rr_table_schema {
  char *name;
  char **cols;
  int ncols;
  int file_col;          /* index of the "file" column or -1 */
  /* The declaring state's own strings of the name and the columns (keys of
   * registry tables, so they live as long as the state): rr.emit knows a
   * name by its address, as Lua interns short strings; NULL elsewhere. */
  const char *lua_name;
  const char **lua_cols;
} rr_table_schema;

typedef struct rr_batch {   /* the rows one document produced */
  rr_buf *tables;          /* CSV text per table */
  size_t *rows;            /* row count per table */
  size_t *mark_len, *mark_rows;   /* rr_batch_mark: where a rule started */
  size_t ntables;
} rr_batch;

typedef struct rr_profile {   /* --profile: where one state's time went, in seconds */
  int on;
  double read, normalize;
  double *rule;             /* per rule, in declaration order */
  size_t nrules;
} rr_profile;

#define RR_TRACE_RECENT 1024   /* spans in rr_luactx's ring of recent ones (trace.c) */

typedef struct rr_luactx {
  rr_table_schema *tables;
  int ntables;
  rr_batch *batch;          /* where emit writes; NULL outside a document */
  const char *doc_path;     /* fills the file column */
  rr_buf *prints;           /* where print() writes during a document */
  const rr_document *doc;   /* the document being processed (NULL outside one) */
  const char *rule_name;    /* the rule running, and its line in the rule file */
  int rule_line;
  const char *rules_source; /* the rule file as Lua names it ("@path"): emit finds its line */
  int trace;                /* provenance on: helpers note spans (trace.c) */
  int provenance_cols;      /* --provenance: every row gets _rule, _line, _offset */
  int trace_rows;           /* explain: every row is noted with its cells and span */
  size_t trace_from;        /* where the running rule's last row was found */
  uint32_t trace_recent[2 * RR_TRACE_RECENT];   /* the spans helpers noted last (a ring), for */
  unsigned trace_next;              /* values cut out of what they returned */
  int quiet_load;           /* print() while the rule file loads says nothing (worker states
                               after the first: the rule file's top level runs in each) */
  int excel;
  rr_profile prof;
  struct { const char *tname; const void *mt; } mt_seen[4];   /* rr_testudata's cache */
} rr_luactx;

/* --profile over a run (profile.c): the figures of the workers' states summed. */
typedef struct rr_run_profile {
  double read, normalize, *rule;
  size_t nrules;
  struct rr_prof_regex *re;
  size_t nre;
} rr_run_profile;
void rr_profile_free(rr_run_profile *run);
/* Adds the figures of state L to the run's, and zeroes L's. */
void rr_profile_collect(rr_run_profile *run, lua_State *L);
/* The profile as lines to say (L: a state with the rules, for their names). */
typedef void (*rr_line_fn)(void *ud, const char *line);
void rr_profile_report(rr_run_profile *run, lua_State *L, rr_line_fn say, void *ud);

/* print() for rules: a line on stderr prefixed with the document's name,
 * delivered with the document's results (in input order, once). */
int rr_lua_print(lua_State *L);

/* Monotonic seconds (cheap: no system call). */
double rr_now(void);

/* The state's context (created on first use).  The C modules need a state
 * made by rr_lua_newstate (its extra space holds the context's address). */
rr_luactx *rr_luactx_get(lua_State *L);
/* luaL_testudata and luaL_checkudata without a registry lookup by name per
 * call: the metatable's address is remembered per state (the helpers check
 * a regex or a document on every call; tname: a string constant). */
void *rr_testudata(lua_State *L, int idx, const char *tname);
void *rr_checkudata(lua_State *L, int idx, const char *tname);
/* Pushes { {name=, columns={...}}, ... }: the declared tables, in declaration order. */
void rr_push_tables(lua_State *L);
void rr_batch_init(rr_batch *b, size_t ntables);
/* Remembers the end of every table; rollback drops what was added since. */
void rr_batch_mark(rr_batch *b);
void rr_batch_rollback(rr_batch *b);
void rr_batch_free(rr_batch *b);
/* Appends one CSV field (quoted only where needed) to b.  excel: the
 * spreadsheet profile (docs/DECISIONS.md): a plain number as it is, a code
 * a spreadsheet would turn into a number as ="000977", other cells that
 * start like a formula guarded with '. */
int rr_csv_field(rr_buf *b, const char *s, size_t n, int excel);
/* d as a CSV cell writes it (as Lua's %.14g, integral values as %.0f below
 * 1e15), without going through snprintf for the usual short decimals. */
size_t rr_format_number(char *out, size_t size, double d);

/* ---- what a cell is to a spreadsheet (cells.c) ---------------------------- */
enum { RR_CELL_TEXT = 0, RR_CELL_NUMBER, RR_CELL_CODE, RR_CELL_DATE };
typedef struct rr_cell_type {
  int kind;
  int percent;            /* NUMBER: written with a trailing % */
  int decimals;           /* NUMBER: digits after the point */
  int year, month, day;   /* DATE */
} rr_cell_type;
/* NUMBER: read back as the same number (-1.35, 2.5e3, 12%; at most 15
 * significant digits, no leading zero); CODE: digits a spreadsheet would
 * change as a number (000977, or more than 15 digits); DATE: YYYY-MM-DD;
 * else TEXT (000977.SZ, 1,234, -). */
rr_cell_type rr_cell_kind(const char *s, size_t n);

/* ---- provenance (trace.c) ------------------------------------------------ */
/* Fresh notes for a new document (when ctx->trace is on). */
void rr_trace_begin(lua_State *L);
/* The string at idx was taken from the document's text [a, b). */
void rr_trace_span(lua_State *L, int idx, size_t a, size_t b);
/* A helper found kind ("heading", "section", "item", "table") at [a, b). */
void rr_trace_mark(lua_State *L, const char *kind, size_t a, size_t b, const char *label, size_t label_len);
/* The span [*a, *b) of a row from its cells (skip: the file column; from:
 * where the rule's row before was): 1, or 0 when none is known. */
int rr_trace_row_span(lua_State *L, const rr_document *d, const char *const *vals, const size_t *lens,
                      int n, int skip, size_t from, size_t *a, size_t *b);
/* explain: notes a row with its cells, rule, emit line and span. */
void rr_trace_row(lua_State *L, const char *table, const rr_table_schema *sc, const char *const *vals,
                  const size_t *lens, const char *rule, int line, int have_span, size_t a, size_t b);
/* Pushes {marks = {...}, rows = {...}}: what was noted for the document. */
void rr_trace_push(lua_State *L);

/* ---- Lua state (luastate.c) --------------------------------------------- */
/* A state with the libraries rules may use (all of them with allow_io, else
 * the sandbox's), the C modules in package.preload and package.path pointing
 * at stdlib_dir (and rules_dir, if not NULL).  It may hold max_memory bytes
 * (0: RR_DEFAULT_MEMORY). */
lua_State *rr_lua_newstate(const char *stdlib_dir, const char *rules_dir, int excel, int allow_io,
                           size_t max_memory);

/* What a state may use; its allocator's user data. */
enum { RR_STOP_BUDGET = 1, RR_STOP_CANCEL };
/* pool.c: a Lua state's blocks of up to RR_POOL_MAX bytes, from free lists
 * over a region of RR_POOL_BYTES (address space, touched as it fills);
 * larger blocks, and all once it is full, from malloc.  n, old: the sizes
 * Lua gives its allocator. */
#define RR_POOL_MAX 512
#define RR_POOL_BYTES ((size_t)8 << 20)
typedef struct rr_pool {
  char *base;
  size_t size, top;                  /* the region, and how much of it was handed out */
  void *free[RR_POOL_MAX / 16];      /* a free list per 16-byte size class */
} rr_pool;
void rr_pool_init(rr_pool *p);
void rr_pool_destroy(rr_pool *p);
void *rr_pool_realloc(rr_pool *p, void *b, size_t old, size_t n);
void rr_pool_free(rr_pool *p, void *b, size_t n);

typedef struct rr_guard {
  size_t used, limit;       /* bytes held by the state, and the cap */
  int mem_hit;              /* an allocation was refused since the last reset */
  long long budget, steps;  /* instructions per document (< 0: no limit), and those left */
  int stop;                 /* RR_STOP_*: the document was stopped */
  const _Atomic int *cancel;  /* set when the run is cancelled (may be NULL) */
  rr_pool pool;             /* where the state's small blocks come from */
} rr_guard;
rr_guard *rr_guard_get(lua_State *L);
/* A new document: a full budget, and the count hook set. */
void rr_guard_reset(lua_State *L);
void rr_lua_close(lua_State *L);
/* Message handler for lua_pcall: appends a traceback. */
int rr_lua_traceback(lua_State *L);
/* The stdlib directory: explicit, $RULERUN_STDLIB, installed, or source tree. */
const char *rr_find_stdlib(const char *explicit_dir);
/* Where rr_find_stdlib looks, in words, into buf (for a message). */
void rr_stdlib_searched(const char *explicit_dir, char *buf, size_t n);

int luaopen_rulerun_re(lua_State *L);
int luaopen_rulerun_document(lua_State *L);
int luaopen_rulerun_section(lua_State *L);
int luaopen_rulerun_core(lua_State *L);
int luaopen_rulerun_tables(lua_State *L);
int luaopen_rulerun_gazetteer(lua_State *L);
int luaopen_rulerun_keys(lua_State *L);

/* ---- rulerun check (engine.c) ---------------------------------------------- */
/* A state with the rule file run in it as a run's would be (the engine's
 * options, the sandbox, the limits; its top level printing nothing).  When
 * the file does not load, err holds the message and the state what the file
 * declared before it failed; "" when it loaded.  NULL only without memory.
 * The caller closes it (rr_lua_close). */
lua_State *rr_engine_load_to_check(rr_engine *e, const char *rules_path, char *err, size_t errlen);

/* ---- output: CSV files, a workbook, JSON lines (sink.c) ------------------ */
/* CSV: one temp file per table beside its target, renamed into place by
 * commit; XLSX: a workbook (xlsx.c); JSON lines: a file, or stdout for "-". */
enum { RR_SINK_CSV = 0, RR_SINK_XLSX, RR_SINK_JSONL };
/* The format opt->format names, else the one out implies ("-" and *.jsonl
 * JSON lines, *.xlsx a workbook, else a CSV directory); -1: unknown. */
int rr_sink_kind(const char *format, const char *out);
typedef struct rr_sink rr_sink;
/* opt gives the format, --excel (CSV only), provenance and the shard: a
 * shard's CSV directory also gets RR_SHARD_NOTES, the rows each of its
 * documents gave per table, for rulerun merge. */
#define RR_SHARD_NOTES "shard.rulerun"
rr_sink *rr_sink_open(const char *out, const rr_table_schema *tables, int ntables, const rr_options *opt,
                      char *err, size_t errlen);
int rr_sink_write(rr_sink *s, const rr_batch *b);            /* 0, or -1: write error (rr_sink_why) */
const char *rr_sink_why(const rr_sink *s);                   /* why a write failed, or "" */
int rr_sink_commit(rr_sink *s, char *err, size_t errlen);     /* closes s; 0 or -1 */
void rr_sink_abort(rr_sink *s);                               /* removes the temps, closes s */
const size_t *rr_sink_rows(const rr_sink *s);

/* ---- -o out.xlsx (xlsx.c) ------------------------------------------------- */
typedef struct rr_xlsx rr_xlsx;
/* A workbook to be written at path, a sheet per table with its header. */
rr_xlsx *rr_xlsx_open(const char *path, const rr_table_schema *tables, int ntables, int provenance, char *err,
                      size_t errlen);
/* One row of table (named name): cells v[i] of len[i] bytes; 0, or -1 (why at commit). */
int rr_xlsx_row(rr_xlsx *x, int table, const char *name, const char *const *v, const size_t *len, int n);
int rr_xlsx_commit(rr_xlsx *x, char *err, size_t errlen);    /* frees x; 0, or -1 with why */
void rr_xlsx_why(const rr_xlsx *x, char *buf, size_t n);     /* why a row was refused */
void rr_xlsx_abort(rr_xlsx *x);                              /* frees x, no file left */

/* ---- which files directories give (globs.c) -------------------------------- */
#define RR_DEFAULT_GLOB "*.{txt,pdf}"   /* in any case, when no glob takes files */
typedef struct rr_globs rr_globs;
/* globs[0..n) in order after single (a plain -g of the API, NULL if none);
 * NULL with a message in err for a glob that cannot be used. */
rr_globs *rr_globs_new(const rr_glob *globs, size_t n, const char *single, char *err, size_t errlen);
/* Whether a file (dir 0) is taken, or a directory (dir 1) walked into.  path
 * is below the directory given ("a/b.txt"; may be NULL when no glob needs it:
 * rr_globs_need_path), name the last part. */
int rr_globs_take(const rr_globs *gs, const char *path, const char *name, int dir);
int rr_globs_need_path(const rr_globs *gs);
/* The globs in words, for a message ("*.md, !draft*"); malloc'd, NULL without memory. */
char *rr_globs_describe(const rr_glob *globs, size_t n, const char *single);
void rr_globs_free(rr_globs *gs);

/* ---- JSON lines (jsonl.c) --------------------------------------------------- */
/* One line's object: its string field text_field unescaped into *text
 * (malloc'd, NUL-terminated), and name_field's string or number into *name
 * (NULL when absent).  0, or -1 with why ("no string field 'text'", "',' or
 * '}' expected at byte 12"). */
int rr_jsonl_record(const char *s, size_t n, const char *text_field, const char *name_field, char **text,
                    size_t *tlen, char **name, char *why, size_t whylen);
/* Appends s[0..n) as a JSON string. */
int rr_json_string(rr_buf *b, const char *s, size_t n);

/* ---- input listing (walk.c) ----------------------------------------------- */
typedef struct rr_input {
  char *data;     /* set: the document's bytes are here, not at path (stdin, a JSON line) */
  size_t len;
  char *path;     /* to open */
  char *rel;      /* relative to the root given on the command line (with several roots:
                     starting with the root as given), as valid UTF-8 */
  char *problem;  /* set: not to be read, say this instead (a FIFO, a symlink loop, a
                     directory that cannot be listed ...) */
} rr_input;

/* The documents under roots (files, or directories walked recursively for
 * glob), one at a time in path order; roots must outlive the walker.  NULL
 * with a message in err when a root does not exist. */
typedef struct rr_walker rr_walker;
/* opt gives the globs, --files-from, JSON lines and the shard. */
rr_walker *rr_walker_new(const char *const *roots, size_t nroots, const rr_options *opt, char *err,
                         size_t errlen);
/* 1 with *in set (the caller frees data, path, rel and problem), 0 at the
 * end, -1 with a message in err (a root directory that cannot be listed, a
 * list that cannot be read, no memory). */
int rr_walker_next(rr_walker *w, rr_input *in, char *err, size_t errlen);
/* How many documents, when every root is a file; -1 when it is not known
 * before the walk, -2 when a second walk cannot count them either (stdin). */
int rr_walker_count(const rr_walker *w);
void rr_walker_free(rr_walker *w);

/* ---- tables against expected ones (score.c) ------------------------------ */
/* The comparison of ../shared/tools/csvscore.py, to the figure: rows as
 * multisets of cells, cells compared after NFKC and with no white space
 * (Python's str.split() white space), numbers (commas dropped, Python's
 * float() syntax) as "%.6g", the `file` column by base name. */
typedef struct rr_cell { const char *s; size_t len; } rr_cell;

/* Rows that one side holds more often than the other, in the order the
 * file first has them; row[i][c] is the compared cell of expected column c. */
typedef struct rr_score_rows {
  size_t n;
  const rr_cell **row;
  size_t *times;            /* how many times more */
} rr_score_rows;

typedef struct rr_table_score {
  char problem[512];        /* set: not compared, and why (no actual file, columns it lacks) */
  const rr_cell *cols;      /* the expected file's header */
  int ncols;
  int file_col;             /* its `file` column, or -1 */
  size_t expected, actual, matched;   /* rows compared on each side, and those in both */
  double precision, recall, f1;
  rr_score_rows missing, unexpected;
  struct score_mem *mem;
} rr_table_score;

/* An EXPECTED_DIR: its <table>.csv files (sorted) and files.txt. */
typedef struct rr_expected rr_expected;
/* NULL with the message in err when dir cannot be listed or files.txt read. */
rr_expected *rr_expected_open(const char *dir, char *err, size_t errlen);
size_t rr_expected_count(const rr_expected *x);
const char *rr_expected_table(const rr_expected *x, size_t i);
/* Scores actual_csv against expected table i into s (rr_table_score_free
 * it in every case): 0, with s->problem set when the two cannot be
 * compared; -1 with the message in err when a file cannot be read or is not
 * UTF-8, or memory runs out. */
int rr_score_table(const rr_expected *x, size_t i, const char *actual_csv, rr_table_score *s,
                   char *err, size_t errlen);
void rr_table_score_free(rr_table_score *s);
void rr_expected_free(rr_expected *x);

#endif
