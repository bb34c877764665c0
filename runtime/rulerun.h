/* rulerun.h - public API of librulerun: load a Lua rule file, run it over reports, get rows.
 *
 * Build against it with `cc prog.c $(pkg-config --cflags --libs rulerun)`;
 * docs/EMBEDDING.md walks through it.
 *
 * Ownership: every pointer the library returns belongs to the library; the
 * caller never frees one (the only exception, rr_engine_explain's *out, says
 * so).  Strings passed in are copied when the function needs them later,
 * unless a comment says otherwise.
 *
 * Threads: an engine is used by one thread at a time, with two exceptions:
 * rr_engine_process may be called from several threads at once on one engine
 * (each call runs on a Lua state of its own, taken from a pool the engine
 * keeps), and rr_engine_cancel may be called from anywhere, a signal handler
 * included.  Different engines are independent: the library keeps no state
 * outside them (but each thread's last rr_engine_process message), changes
 * no signal handler and never calls exit() or abort(): every failure,
 * running out of memory included, is a status returned. */
#ifndef RULERUN_H
#define RULERUN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; rr_version() is the library's. */
#define RR_VERSION_MAJOR 0
#define RR_VERSION_MINOR 1
#define RR_VERSION_PATCH 0
#define RR_VERSION_NUM (RR_VERSION_MAJOR * 10000 + RR_VERSION_MINOR * 100 + RR_VERSION_PATCH)

/* What the shared library exports (it is built with -fvisibility=hidden). */
#if defined(RR_BUILDING) && (defined(__GNUC__) || defined(__clang__))
#define RR_API __attribute__((visibility("default")))
#else
#define RR_API
#endif

/* Status codes returned by the engine functions; rr_strerror names them. */
enum {
  RR_OK = 0,
  RR_EDOCS = 1,    /* the run finished, but some documents failed */
  RR_ERULES = 2,   /* the rule file does not load */
  RR_EINPUT = 3,   /* an input path does not exist or cannot be listed */
  RR_EOUTPUT = 4,  /* the output directory or a CSV file cannot be written */
  RR_ENOMEM = 5,   /* out of memory (the process's, or a Lua state's max_memory) */
  RR_EUSAGE = 6,   /* the caller got the API wrong (no rules loaded, an unknown encoding, ...) */
  RR_ECANCELED = 7,  /* rr_engine_cancel stopped the run: no output was changed */
};

/* A status code in words ("out of memory"); a static string, never NULL. */
RR_API const char *rr_strerror(int status);

/* Limits of a rule (rr_options.max_steps, max_memory) when none is given. */
#define RR_DEFAULT_STEPS 1000000000LL              /* Lua instructions per document */
#define RR_DEFAULT_MEMORY ((size_t)1024 << 20)     /* bytes per Lua state (one per worker) */

/* Called with every message meant for a person (document failures,
 * progress, print() in rules); msg has no trailing newline and is valid
 * during the call only.  is_progress marks a progress line that the next
 * message may overwrite.  Called from the thread calling the engine
 * function, or during rr_engine_run from one of its worker threads (one call
 * at a time); during concurrent rr_engine_process calls, from each of their
 * threads at once. */
typedef void (*rr_message_fn)(void *ud, const char *msg, int is_progress);

/* Called with each row a rule emits, once the document's rules are done:
 * table is the table's name, cells[0..ncells) its cells in the order of
 * rr_engine_column_name (as they go into the CSV file), lens their lengths
 * (each cell is NUL-terminated too).  Everything is valid during the call
 * only.  During rr_engine_run it is called in input order, one call at a
 * time, from one of the worker threads; during rr_engine_process from the
 * thread calling it. */
typedef void (*rr_row_fn)(void *ud, const char *table, size_t ncells, const char *const *cells,
                          const size_t *lens);

/* A glob of rr_options.globs: ripgrep's -g (caseless 0) or --iglob (1). */
typedef struct rr_glob {
  const char *pattern;     /* "*.txt", "!draft*", "*.{txt,md}", "sub/x*" */
  int caseless;
} rr_glob;

/* Options of an engine.  Fill one with rr_options_init, then set fields: a
 * program built against an older header (a smaller struct, an older size)
 * keeps working with a newer library.  out_dir, glob, stdlib_dir and
 * encoding are copied by rr_engine_new; the other strings and arrays must
 * outlive the engine. */
typedef struct rr_options {
  size_t size;             /* sizeof(rr_options) as the caller knows it: rr_options_init sets it */
  int jobs;                /* worker threads of rr_engine_run; <= 0: one per online CPU */
  const char *out_dir;     /* where <table>.csv go (or the workbook, the JSON-lines file, "-"
                              stdout: see format); NULL: "out" */
  const char *glob;        /* file names taken from directories; NULL: globs, or "*.{txt,pdf}"
                              in any case */
  const char *stdlib_dir;  /* the Lua stdlib; NULL: $RULERUN_STDLIB, else the installed one */
  int excel;               /* BOM, CRLF and formula guard for spreadsheets */
  int progress;            /* report progress through on_message */
  int profile;             /* at the end of a run, report where the time went through on_message */
  const char *encoding;    /* read every input as this iconv encoding; NULL: guess (UTF-8 with or
                              without BOM, UTF-16 with BOM, GB18030) */
  int allow_io;            /* give rules the whole io and os libraries (off: the sandbox) */
  long long max_steps;     /* Lua instructions a document may take; 0: RR_DEFAULT_STEPS, < 0: no limit */
  size_t max_memory;       /* bytes one Lua state may hold; 0: RR_DEFAULT_MEMORY */
  rr_message_fn on_message;  /* NULL: messages go to stderr */
  void *message_ud;
  const char *yield_path;  /* if set, a CSV with one line per document: its rows per table, the
                              rules that emitted nothing for it, its error (written atomically) */
  int provenance;          /* every row gets _rule, _line and _offset columns: the rule that
                              emitted it, the rule file's line, and the byte offset in the report
                              (0-based) where it was found (empty when not known) */
  rr_row_fn on_row;        /* if set, every row also goes to it (rr_engine_run and _process) */
  void *row_ud;
  int no_csv;              /* rr_engine_run writes no CSV file (the rows go to on_row only) */
  const rr_glob *globs;    /* which files directories give, as ripgrep's -g: in order, the last
                              match wins, '!' leaves out, {a,b} braces (with glob: after it);
                              the array must outlive the engine */
  size_t nglobs;
  const char *files_from;  /* inputs listed in this file ("-": stdin), one a line, after paths */
  int files_from_nul;      /* ... separated by NUL bytes instead (find -print0) */
  const char *format;      /* "csv" (out_dir a directory), "xlsx" (out_dir a workbook), "jsonl"
                              (out_dir a file; NULL or "-": stdout); NULL: from out_dir: "-" and
                              *.jsonl JSON lines, *.xlsx a workbook, else CSV files */
  const char *jsonl_text;  /* set: every input file is JSON lines, each line's string field of
                              this name one document (read as a stream) */
  const char *jsonl_name;  /* the field that names a line's document (else "FILE:LINE") */
  int shard, nshards;      /* nshards > 0: take documents shard, shard + nshards, ... (1-based,
                              in input order) and note their places for rulerun merge */
} rr_options;

/* Defaults in every field (all zero), and size set.  Inline, so that it
 * writes the struct the caller was compiled with, never a newer library's
 * bigger one. */
static inline void rr_options_init(rr_options *opt) {
  rr_options zero = {0};
  *opt = zero;
  opt->size = sizeof *opt;
}

/* What the last run did.  The pointers stay valid until the next
 * rr_engine_load*, rr_engine_run or rr_engine_free. */
typedef struct rr_stats {
  size_t files;          /* documents read */
  size_t failed;         /* documents with an error (rows of the failing rule dropped) */
  size_t bytes;          /* input bytes */
  double seconds;        /* wall time of the run */
  size_t ntables;        /* the tables the rules declare (known from rr_engine_load on) */
  const char *const *table_names;
  const size_t *table_rows;  /* rows each got in the last run */
  size_t nrules;                    /* the yield: per rule (in declaration order) */
  const char *const *rule_names;    /* its name */
  const size_t *rule_empty;         /* documents it ran on and emitted nothing for */
  size_t empty_docs;                /* documents that gave no row at all (and did not fail) */
  const char *const *empty_names;   /* the first few of them */
  size_t nempty_names;
} rr_stats;

typedef struct rr_engine rr_engine;

/* A new engine; opt may be NULL for defaults.  NULL when out of memory or
 * when opt->size is 0 (opt not made by rr_options_init).  The engine owns
 * copies of opt's strings; opt may go away. */
RR_API rr_engine *rr_engine_new(const rr_options *opt);

/* Loads and checks the rule file (it must declare a table and a rule).
 * RR_ERULES with the message ("rules/x.lua:12: ...") in rr_engine_error()
 * when it does not load, RR_ENOMEM when memory runs out (max_memory
 * included).  A new load replaces the rules loaded before. */
RR_API int rr_engine_load(rr_engine *e, const char *rules_path);

/* The same with the rule file's text in memory (len bytes; copied).  name
 * is what messages call it ("name:12: ..."); modules and data files the
 * rules open are looked for in name's directory (the current one when name
 * has no '/'). */
RR_API int rr_engine_load_string(rr_engine *e, const char *name, const char *rules, size_t len);

/* The tables the loaded rules declare, and their columns (with the
 * provenance columns when opt.provenance is set): 0 / NULL out of range or
 * before a load.  The strings stay valid until the next load or
 * rr_engine_free. */
RR_API size_t rr_engine_table_count(const rr_engine *e);
RR_API const char *rr_engine_table_name(const rr_engine *e, size_t table);
RR_API size_t rr_engine_column_count(const rr_engine *e, size_t table);
RR_API const char *rr_engine_column_name(const rr_engine *e, size_t table, size_t column);

/* Runs the loaded rules over the files and directories in paths (directories
 * are walked recursively for opt.glob and opt.globs; "-" is stdin) on opt.jobs threads
 * and writes one CSV per declared table into opt.out_dir (unless opt.no_csv), and each row
 * to opt.on_row.  Outputs appear complete or not at all.  paths are read during the call only. */
RR_API int rr_engine_run(rr_engine *e, const char *const *paths, size_t npaths);

/* Runs the loaded rules over one document held in memory (data, len bytes,
 * read during the call only; name fills the `file` column), in the calling
 * thread, and hands each table's rows to fn as CSV text without a header
 * (fn may be NULL; its arguments are valid during the call only) and each
 * row to opt.on_row.  Safe to call from several threads at once on one
 * engine.  RR_EDOCS when a rule failed: the message is then in
 * rr_engine_error() called from the same thread. */
typedef void (*rr_rows_fn)(void *ud, const char *table, const char *csv, size_t len);
RR_API int rr_engine_process(rr_engine *e, const char *name, const char *data, size_t len,
                             rr_rows_fn fn, void *ud);

/* Runs the loaded rules over the report at path in the calling thread with
 * provenance on, and renders where each row came from: format "html" (one
 * self-contained page: the text with each row's span highlighted, the
 * headings, sections, list items and tables the helpers found, page
 * furniture greyed, the rows per table) or "text" (the lines with row
 * markers).  *out is malloc'd (the caller frees it), *len its length.
 * RR_EDOCS when a rule failed on it (the page says so too). */
RR_API int rr_engine_explain(rr_engine *e, const char *path, const char *format, char **out,
                             size_t *len);

/* Stops a run: the workers finish the rule they are in (a Lua rule at its
 * next instruction), no output is changed and rr_engine_run returns
 * RR_ECANCELED.  Sticky: later runs on the engine stop at once.  Safe to
 * call from a signal handler or another thread. */
RR_API void rr_engine_cancel(rr_engine *e);

/* The message of the last failure, or "": in the thread that called
 * rr_engine_process, that call's.  Valid until the next call on the engine
 * from the same thread. */
RR_API const char *rr_engine_error(const rr_engine *e);
/* The last run's figures (and the tables, from rr_engine_load on). */
RR_API const rr_stats *rr_engine_stats(const rr_engine *e);
/* The stdlib directory the engine loads rules with: opt.stdlib_dir,
 * $RULERUN_STDLIB, or the installed one.  Valid until rr_engine_free. */
RR_API const char *rr_engine_stdlib(const rr_engine *e);
/* Frees the engine and everything it handed out (NULL is fine).  Not
 * during a call on it from another thread. */
RR_API void rr_engine_free(rr_engine *e);

/* The library's version, "MAJOR.MINOR.PATCH" (a static string). */
RR_API const char *rr_version(void);
/* The optional parts this build has, space-separated: "pdf" (poppler), "xlsx" (libxlsxwriter). */
RR_API const char *rr_features(void);

#ifdef __cplusplus
}
#endif
#endif
