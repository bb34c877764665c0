/* cli.h - what the rulerun command's parts share: options, the engine, messages, exit status. */
#ifndef RR_CLI_H
#define RR_CLI_H

#include <stddef.h>

#include "rulerun.h"

/* The command line, parsed: options for the engine and for the commands. */
typedef struct cli {
  rr_options opt;
  int quiet, progress;
  const char *out;        /* -o: the output directory (run, test), the page (explain) */
  double min_f1;          /* test --min-f1 (default 1) */
  const char *format;     /* explain --format (html, text) */
  int watch;              /* --watch: run again when a rule file, the stdlib or a report changes */
  int provenance;         /* --provenance: _rule, _line, _offset columns */
  char **args;            /* the positional arguments */
  int nargs;
} cli;

/* Parses argv (argv[0] is the command's name); exits 2 on bad usage, 0 after --help. */
void cli_parse(int argc, char **argv, cli *c);
void cli_usage_error(const char *fmt, const char *arg);   /* prints, exits 2 */
/* A new engine with c's options and the rules loaded, its cancel wired to
 * SIGINT/SIGTERM; NULL (the message printed) when the rules do not load. */
rr_engine *cli_engine(cli *c, const char *rules);
void cli_engine_free(rr_engine *e);     /* and signals stop cancelling it */
void cli_catch_signals(rr_engine *e);
int cli_caught_signal(void);
/* The exit status for rc of rr_engine_run, its message printed. */
int cli_exit_status(rr_engine *e, int rc);
/* The yield at the end of a run (out_dir NULL: the outputs are not kept). */
void cli_summary(const rr_stats *st, const char *out_dir);
const char *cli_plural(size_t n, const char *one, const char *many);

/* What one run gave, for --watch to set beside the next: per table its rows
 * and, under test, its F1 (NAN where there is no expected table). */
typedef struct cli_tally {
  size_t n;
  char **table;
  size_t *rows;
  double *f1;
} cli_tally;
/* *t from a run's stats, every F1 NAN: 0, or -1 out of memory. */
int cli_tally_take(cli_tally *t, const rr_stats *st);
void cli_tally_free(cli_tally *t);

/* One run of a command with a fresh engine: fills *t (left empty when the
 * rules do not load or the run fails) and returns the exit status. */
typedef int (*cli_run_fn)(cli *c, cli_tally *t);
/* --watch: run, then run again each time the rule file, a Lua file of the
 * stdlib, a report under the npaths paths (c->args + 1) or a file of
 * expected_dir (may be NULL) changed and nothing else changed for 200 ms;
 * after each run print the tally beside the last one.  Returns 0 when
 * SIGINT ends it, 143 for SIGTERM, 2 when inotify cannot be had. */
int cli_watch(cli *c, size_t npaths, const char *expected_dir, cli_run_fn run);

/* The commands besides a run (argv[0] is the command's name); each returns
 * the exit status. */
int cli_check(int argc, char **argv);      /* cli_check.c */
int cli_explain(int argc, char **argv);    /* cli_explain.c */
int cli_test(int argc, char **argv);       /* cli_test.c */

#endif
