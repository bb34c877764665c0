/* rulerun.h - public API of librulerun: load a Lua rule file, run it over reports, get CSV. */
#ifndef RULERUN_H
#define RULERUN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by the engine functions. */
enum {
  RR_OK = 0,
  RR_EDOCS = 1,    /* the run finished, but some documents failed */
  RR_ERULES = 2,   /* the rule file does not load */
  RR_EINPUT = 3,   /* an input path does not exist or cannot be listed */
  RR_EOUTPUT = 4,  /* the output directory or a CSV file cannot be written */
  RR_ENOMEM = 5,
  RR_EUSAGE = 6,   /* the caller got the API wrong (no rules loaded, an unknown encoding, ...) */
  RR_ECANCELED = 7,  /* rr_engine_cancel stopped the run: no output was changed */
};

/* Limits of a rule (rr_options.max_steps, max_memory) when none is given. */
#define RR_DEFAULT_STEPS 1000000000LL              /* Lua instructions per document */
#define RR_DEFAULT_MEMORY ((size_t)1024 << 20)     /* bytes per Lua state (one per worker) */

/* Called with every message meant for a person (document failures,
 * progress); msg has no trailing newline.  is_progress marks a progress line
 * that the next message may overwrite. */
typedef void (*rr_message_fn)(void *ud, const char *msg, int is_progress);

typedef struct rr_options {
  int jobs;                /* worker threads; <= 0: one per online CPU */
  const char *out_dir;     /* where <table>.csv go; NULL: "out" */
  const char *glob;        /* file names taken from directories; NULL: "*.txt" */
  const char *stdlib_dir;  /* the Lua stdlib; NULL: RULERUN_STDLIB or the built-in search */
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
} rr_options;

typedef struct rr_stats {
  size_t files;          /* documents read */
  size_t failed;         /* documents with an error (rows of the failing rule dropped) */
  size_t bytes;          /* input bytes */
  double seconds;        /* wall time of the run */
  size_t ntables;
  const char *const *table_names;
  const size_t *table_rows;
  size_t nrules;                    /* the yield: per rule (in declaration order) */
  const char *const *rule_names;    /* its name */
  const size_t *rule_empty;         /* documents it ran on and emitted nothing for */
  size_t empty_docs;                /* documents that gave no row at all (and did not fail) */
  const char *const *empty_names;   /* the first few of them */
  size_t nempty_names;
} rr_stats;

typedef struct rr_engine rr_engine;

/* A new engine; opt may be NULL for defaults.  NULL only when out of memory. */
rr_engine *rr_engine_new(const rr_options *opt);

/* Loads and checks the rule file.  RR_ERULES with the message
 * ("rules/x.lua:12: ...") in rr_engine_error() when it does not load. */
int rr_engine_load(rr_engine *e, const char *rules_path);

/* Runs the loaded rules over the files and directories in paths (directories
 * are walked recursively for opt.glob) and writes one CSV per declared table
 * into opt.out_dir.  Outputs appear complete or not at all. */
int rr_engine_run(rr_engine *e, const char *const *paths, size_t npaths);

/* Runs the loaded rules over one document held in memory, in the calling
 * thread, and hands each table's rows (CSV text, no header) to fn. */
typedef void (*rr_rows_fn)(void *ud, const char *table, const char *csv, size_t len);
int rr_engine_process(rr_engine *e, const char *name, const char *data, size_t len,
                      rr_rows_fn fn, void *ud);

/* Runs the loaded rules over the report at path in the calling thread with
 * provenance on, and renders where each row came from: format "html" (one
 * self-contained page: the text with each row's span highlighted, the
 * headings, sections, list items and tables the helpers found, page
 * furniture greyed, the rows per table) or "text" (the lines with row
 * markers).  *out is malloc'd (the caller frees it), *len its length.
 * RR_EDOCS when a rule failed on it (the page says so too). */
int rr_engine_explain(rr_engine *e, const char *path, const char *format, char **out, size_t *len);

/* Stops a run: the workers finish the rule they are in (a Lua rule at its
 * next instruction), no output is changed and rr_engine_run returns
 * RR_ECANCELED.  Safe to call from a signal handler or another thread. */
void rr_engine_cancel(rr_engine *e);

/* The message of the last failure, or "" */
const char *rr_engine_error(const rr_engine *e);
const rr_stats *rr_engine_stats(const rr_engine *e);
/* The stdlib directory the engine loads rules with: opt.stdlib_dir,
 * RULERUN_STDLIB, or the installed one (the source tree's for a binary in a
 * build tree). */
const char *rr_engine_stdlib(const rr_engine *e);
void rr_engine_free(rr_engine *e);

const char *rr_version(void);

#ifdef __cplusplus
}
#endif
#endif
