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
void cli_catch_signals(rr_engine *e);
int cli_caught_signal(void);
/* The exit status for rc of rr_engine_run, its message printed. */
int cli_exit_status(rr_engine *e, int rc);
/* The yield at the end of a run. */
void cli_summary(const rr_stats *st, const char *out_dir);
const char *cli_plural(size_t n, const char *one, const char *many);

/* The commands besides a run (argv[0] is the command's name); each returns
 * the exit status. */
int cli_check(int argc, char **argv);      /* cli_check.c */
int cli_explain(int argc, char **argv);    /* cli_explain.c */

#endif
