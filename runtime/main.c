/* main.c - the rulerun command: parse arguments, run the engine, map status to exit code.
 * The subcommands (check, test, explain) are in cli_*.c; what they share is here (cli.h). */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
  "usage: rulerun [options] RULES.lua PATH...\n"
  "       rulerun check RULES.lua\n"
  "                     the rule file's mistakes as file:line:col, without\n"
  "                     reports: syntax, tables and columns, rr.* and method\n"
  "                     names, option keys, regexes (exit 1 when any)\n"
  "       rulerun test [options] RULES.lua PATH... EXPECTED_DIR\n"
  "                     run, then score each table against EXPECTED_DIR/<table>.csv:\n"
  "                     precision, recall, F1, the missing and unexpected rows\n"
  "                     (--min-f1 X, default 1; exit 0 when every table passes)\n"
  "       rulerun explain [options] RULES.lua REPORT [-o page.html] [--format html|text]\n"
  "                     one report with the source of every row: an HTML page\n"
  "                     (-o FILE) or the lines with row markers (text, stdout)\n"
  "       rulerun merge DIR... -o OUT\n"
  "                     the CSV directories of runs with --shard 1/N ... N/N\n"
  "                     as one run would have written them, byte for byte\n"
  "\n"
  "Runs the Lua rule file RULES.lua over the reports in PATH (files, or\n"
  "directories walked recursively; text or PDF, a PDF's text read page by\n"
  "page through poppler) and writes one CSV per table the rules declare into\n"
  "the output directory (or a workbook, or JSON lines: -o).  A PATH of -\n"
  "is one report read from stdin.\n"
  "\n"
  "options:\n"
  "  -o, --out DIR      write the CSV files into DIR (default: out).  -o FILE.xlsx:\n"
  "                     one workbook, a sheet per table (codes as text, numbers\n"
  "                     as numbers, ISO dates as dates).  -o - or -o FILE.jsonl:\n"
  "                     JSON lines, one row an object with its table's name in\n"
  "                     \"_table\" (to stdout for -)\n"
  "      --format F     csv, xlsx or jsonl, whatever -o's name (jsonl without\n"
  "                     -o: stdout)\n"
  "  -j, --jobs N       use N worker threads (default: one per CPU)\n"
  "  -g, --glob PAT     which files to take from directories, as ripgrep's -g:\n"
  "                     repeatable, the last glob that matches wins, !PAT leaves\n"
  "                     out, {txt,md} braces, a PAT with '/' matches the path\n"
  "                     below the directory.  Default: *.{txt,pdf} in any case\n"
  "                     (also when every -g is a !PAT)\n"
  "      --iglob PAT    -g, case-insensitive\n"
  "      --files-from FILE  also read the reports (or directories) listed in\n"
  "                     FILE, one a line (- : stdin), after the PATHs\n"
  "  -0, --null         --files-from's names end with NUL (find -print0)\n"
  "      --jsonl-text FIELD  every input is JSON lines: each line an object\n"
  "                     whose string FIELD is one document (streamed)\n"
  "      --jsonl-name FIELD  the field naming a line's document in the file\n"
  "                     column (default: FILE:LINE)\n"
  "      --shard K/N    read only documents K, K+N, K+2N ... (1-based, in input\n"
  "                     order; every input is counted, read or not), and note\n"
  "                     their places in DIR/shard.rulerun for rulerun merge\n"
  "      --excel        spreadsheet profile: UTF-8 BOM, CRLF, codes with leading\n"
  "                     zeros written =\"000977\" (they stay text), cells that\n"
  "                     would run as formulas (=, +, -, @) prefixed with ';\n"
  "                     plain numbers (-1.35) stay numbers\n"
  "      --stdlib DIR   the rulerun Lua library (default: the installed one, or\n"
  "                     the source tree's for a binary in a build tree;\n"
  "                     RULERUN_STDLIB overrides)\n"
  "      --profile      at the end, print where the time went: reading,\n"
  "                     normalising, each rule, the slowest regexes\n"
  "      --encoding NAME  read every report as NAME (any iconv name: GBK,\n"
  "                     UTF-16LE, BIG5 ...).  Default: UTF-8 with or without\n"
  "                     BOM, UTF-16 with BOM, else GB18030 (which covers GBK)\n"
  "      --allow-io     let rules run programs and write files (os.execute,\n"
  "                     io.popen, io.open for writing, os.remove, C modules,\n"
  "                     debug).  Without it rules can only read and emit rows\n"
  "      --max-steps N  Lua instructions a document may take before its rules\n"
  "                     are stopped (default 1000000000: seconds of a tight\n"
  "                     loop; 0: no limit)\n"
  "      --max-memory MB  memory one worker's Lua state may hold (default 1024)\n"
  "      --provenance   add _rule, _line and _offset columns to every table: the\n"
  "                     rule that emitted the row, its line in the rule file, and\n"
  "                     the byte offset in the report where the row was found\n"
  "      --yield FILE   write FILE, a CSV with one line per document: its rows\n"
  "                     per table, the rules that emitted nothing for it, its error\n"
  "      --watch        run (or test) again each time the rule file, the stdlib\n"
  "                     or a report changes; print rows per table and the change\n"
  "  -q, --quiet        no summary at the end\n"
  "      --no-progress  no progress line, even on a terminal\n"
  "  -h, --help         this help\n"
  "      --version      the version\n"
  "\n"
  "Outputs appear complete or not at all: each CSV is written to a temporary\n"
  "file beside it and renamed into place when the run is done.  A document\n"
  "that fails (unreadable, undecodable, a rule error) is reported on stderr\n"
  "with the rule and the rule file line; the others still go through.\n"
  "\n"
  "Files that are binary (a NUL byte) or in no encoding above are reported\n"
  "with the offset of the first bad byte and skipped; empty files give no\n"
  "rows.  A rule that loops, eats memory or runs a runaway regex stops on\n"
  "that document only.  Ctrl-C (SIGINT) or SIGTERM stops the run and leaves\n"
  "the previous outputs as they were.\n"
  "\n"
  "exit status: 0 all documents done; 1 some documents failed or were\n"
  "             skipped; 2 bad usage, a rule file that does not load, or an\n"
  "             input or output error (nothing written); 128+N stopped by\n"
  "             signal N (130 for Ctrl-C).\n"
  "\n"
  "Rule files and the Lua API: docs/RULES.md.\n";

void cli_usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "rulerun: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'rulerun --help'.\n");
  exit(2);
}

/* optarg as a whole number in [lo, hi], or a usage error naming the option. */
static long long number(const char *arg, long long lo, long long hi, const char *option) {
  char *end;
  errno = 0;
  long long n = strtoll(arg, &end, 10);
  if (errno || end == arg || *end || n < lo || n > hi) {
    fprintf(stderr, "rulerun: %s wants a whole number from %lld to %lld, not '%s'\n"
                    "Try 'rulerun --help'.\n", option, lo, hi, arg);
    exit(2);
  }
  return n;
}

static double fraction(const char *arg, const char *option) {
  char *end;
  errno = 0;
  double x = strtod(arg, &end);
  if (errno || end == arg || *end || !(x >= 0 && x <= 1)) {
    fprintf(stderr, "rulerun: %s wants a number from 0 to 1, not '%s'\nTry 'rulerun --help'.\n", option, arg);
    exit(2);
  }
  return x;
}

/* -g and --iglob, in order; the array lives as long as the process. */
static rr_glob *globs;
static void free_globs(void) { free(globs); }

static void add_glob(cli *c, const char *pattern, int caseless) {
  if (!globs) atexit(free_globs);
  rr_glob *v = realloc(globs, (c->opt.nglobs + 1) * sizeof *v);
  if (!v) {
    fprintf(stderr, "rulerun: out of memory\n");
    exit(2);
  }
  globs = v;
  v[c->opt.nglobs++] = (rr_glob){pattern, caseless};
  c->opt.globs = v;
}

/* --shard K/N, 1 <= K <= N. */
static void shard(const char *arg, cli *c) {
  int k, n, end = 0;
  if (sscanf(arg, "%d/%d%n", &k, &n, &end) != 2 || arg[end] || n < 1 || k < 1 || k > n)
    cli_usage_error("--shard wants K/N with 1 <= K <= N (2/8: the second of eight), not '%s'", arg);
  c->opt.shard = k;
  c->opt.nshards = n;
}

static int has_stdlib(const char *dir) {
  char p[PATH_MAX];
  struct stat st;
  return snprintf(p, sizeof p, "%s/rulerun/init.lua", dir) < (int)sizeof p && stat(p, &st) == 0;
}

/* The stdlib for this binary when neither --stdlib nor RULERUN_STDLIB says:
 * the source tree's for a binary in a meson build tree, ../share/rulerun/lua
 * beside a binary installed elsewhere than its prefix, else NULL (the
 * library then uses the installed one).  The CLI looks, never the library:
 * a host program's whereabouts say nothing about rulerun's. */
static const char *stdlib_beside_binary(void) {
  static char found[PATH_MAX];
  const char *env = getenv("RULERUN_STDLIB");
  if (env && *env) return NULL;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return NULL;
  *slash = '\0';
  char probe[PATH_MAX];
  struct stat st;
  if (snprintf(probe, sizeof probe, "%s/build.ninja", exe) < (int)sizeof probe && stat(probe, &st) == 0 &&
      has_stdlib(RR_SOURCE_STDLIB))
    return RR_SOURCE_STDLIB;
  if (snprintf(found, sizeof found, "%s/../share/rulerun/lua", exe) < (int)sizeof found && has_stdlib(found))
    return found;
  return NULL;
}

void cli_parse(int argc, char **argv, cli *c) {
  enum { OPT_EXCEL = 256, OPT_STDLIB, OPT_NO_PROGRESS, OPT_VERSION, OPT_PROFILE, OPT_ENCODING,
         OPT_ALLOW_IO, OPT_MAX_STEPS, OPT_MAX_MEMORY, OPT_YIELD, OPT_MIN_F1, OPT_FORMAT, OPT_WATCH,
         OPT_PROVENANCE, OPT_IGLOB, OPT_FILES_FROM, OPT_JSONL_TEXT, OPT_JSONL_NAME, OPT_SHARD };
  static const struct option longopts[] = {
    {"out", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
    {"glob", required_argument, NULL, 'g'}, {"excel", no_argument, NULL, OPT_EXCEL},
    {"stdlib", required_argument, NULL, OPT_STDLIB}, {"quiet", no_argument, NULL, 'q'},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {"profile", no_argument, NULL, OPT_PROFILE},
    {"encoding", required_argument, NULL, OPT_ENCODING}, {"allow-io", no_argument, NULL, OPT_ALLOW_IO},
    {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"yield", required_argument, NULL, OPT_YIELD},
    {"min-f1", required_argument, NULL, OPT_MIN_F1},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"watch", no_argument, NULL, OPT_WATCH},
    {"provenance", no_argument, NULL, OPT_PROVENANCE},
    {"iglob", required_argument, NULL, OPT_IGLOB},
    {"files-from", required_argument, NULL, OPT_FILES_FROM}, {"null", no_argument, NULL, '0'},
    {"jsonl-text", required_argument, NULL, OPT_JSONL_TEXT},
    {"jsonl-name", required_argument, NULL, OPT_JSONL_NAME},
    {"shard", required_argument, NULL, OPT_SHARD},
    {NULL, 0, NULL, 0}};
  memset(c, 0, sizeof *c);
  rr_options_init(&c->opt);
  c->progress = isatty(2);
  c->min_f1 = 1.0;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "o:j:g:qh0", longopts, NULL)) != -1) {
    switch (opt) {
      case 'o': c->out = optarg; break;
      case 'j': c->opt.jobs = (int)number(optarg, 1, 1024, "-j"); break;
      case 'g':
      case OPT_IGLOB: add_glob(c, optarg, opt == OPT_IGLOB); break;
      case 'q': c->quiet = 1; break;
      case OPT_FILES_FROM: c->opt.files_from = optarg; break;
      case '0': c->opt.files_from_nul = 1; break;
      case OPT_JSONL_TEXT: c->opt.jsonl_text = optarg; break;
      case OPT_JSONL_NAME: c->opt.jsonl_name = optarg; break;
      case OPT_SHARD: shard(optarg, c); break;
      case OPT_EXCEL: c->opt.excel = 1; break;
      case OPT_STDLIB: c->opt.stdlib_dir = optarg; break;
      case OPT_NO_PROGRESS: c->progress = 0; break;
      case OPT_PROFILE: c->opt.profile = 1; break;
      case OPT_ENCODING: c->opt.encoding = optarg; break;
      case OPT_ALLOW_IO: c->opt.allow_io = 1; break;
      case OPT_MAX_STEPS: {
        long long n = number(optarg, 0, (long long)1 << 62, "--max-steps");
        c->opt.max_steps = n ? n : -1;
        break;
      }
      case OPT_MAX_MEMORY:
        c->opt.max_memory = (size_t)number(optarg, 1, (long long)1 << 40, "--max-memory") << 20;
        break;
      case OPT_YIELD: c->opt.yield_path = optarg; break;
      case OPT_MIN_F1: c->min_f1 = fraction(optarg, "--min-f1"); break;
      case OPT_FORMAT: c->format = optarg; break;
      case OPT_WATCH: c->watch = 1; break;
      case OPT_PROVENANCE: c->provenance = 1; break;
      case 'h': fputs(usage_text, stdout); exit(0);
      case OPT_VERSION:
        printf("rulerun %s\nfeatures: %s\n", rr_version(), *rr_features() ? rr_features() : "none (no pdf, no xlsx)");
        exit(0);
      case '?':
        if (optopt) {
          char o[2] = {(char)optopt, 0};
          cli_usage_error(strchr("ojg", optopt) ? "option -%s needs an argument" : "unknown option -%s", o);
        }
        cli_usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        break;
      default: cli_usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  c->args = argv + optind;
  c->nargs = argc - optind;
  c->progress = c->progress && !c->quiet;
  if (!c->opt.stdlib_dir) c->opt.stdlib_dir = stdlib_beside_binary();
}

/* SIGINT/SIGTERM: the engine stops and keeps the old outputs.  A second
 * signal kills at once (SA_RESETHAND). */
static rr_engine *running;
static volatile sig_atomic_t caught;

static void on_signal(int sig) {
  caught = sig;
  if (running) rr_engine_cancel(running);
}

void cli_catch_signals(rr_engine *e) {
  running = e;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

int cli_caught_signal(void) { return caught; }

rr_engine *cli_engine(cli *c, const char *rules) {
  rr_engine *e = rr_engine_new(&c->opt);
  if (!e) {
    fprintf(stderr, "rulerun: out of memory\n");
    return NULL;
  }
  cli_catch_signals(e);
  if (rr_engine_load(e, rules) != RR_OK) {
    fprintf(stderr, "rulerun: %s\n", rr_engine_error(e));
    cli_engine_free(e);
    return NULL;
  }
  return e;
}

void cli_engine_free(rr_engine *e) {
  if (running == e) running = NULL;
  rr_engine_free(e);
}

int cli_exit_status(rr_engine *e, int rc) {
  if (rc == RR_ECANCELED) {
    fprintf(stderr, "rulerun: %s: %s\n", caught == SIGTERM ? "SIGTERM" : "SIGINT", rr_engine_error(e));
    return 128 + (caught ? caught : SIGINT);
  }
  if (rc != RR_OK) fprintf(stderr, "rulerun: %s\n", rr_engine_error(e));
  return rc == RR_OK ? 0 : rc == RR_EDOCS ? 1 : 2;
}

static void human_bytes(double b, char *buf, size_t n) {
  const char *unit[] = {"B", "KB", "MB", "GB"};
  int u = 0;
  while (b >= 1000 && u < 3) b /= 1000, u++;
  snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

const char *cli_plural(size_t n, const char *one, const char *many) { return n == 1 ? one : many; }

/* The yield of a run: files, rows per table, the rules that emitted nothing
 * for some documents, the documents that gave no row at all. */
void cli_summary(const rr_stats *st, const char *out_dir) {
  char size[32];
  human_bytes((double)st->bytes, size, sizeof size);
  fprintf(stderr, "rulerun: %zu %s (%s) in %.2f s, %zu failed%s%s\n", st->files,
          cli_plural(st->files, "file", "files"), size, st->seconds, st->failed,
          out_dir ? " -> " : "", out_dir ? out_dir : "");
  fprintf(stderr, "  rows:");
  for (size_t i = 0; i < st->ntables; i++)
    fprintf(stderr, "%s %s %zu", i ? "," : "", st->table_names[i], st->table_rows[i]);
  fprintf(stderr, "\n");
  int any = 0;
  for (size_t i = 0; i < st->nrules; i++) {
    if (!st->rule_empty[i]) continue;
    fprintf(stderr, "%s rule '%s' for %zu %s", any ? "," : "  emitted nothing:", st->rule_names[i],
            st->rule_empty[i], cli_plural(st->rule_empty[i], "file", "files"));
    any = 1;
  }
  if (any) fprintf(stderr, "\n");
  if (st->empty_docs) {
    fprintf(stderr, "  no row at all: %zu %s (", st->empty_docs, cli_plural(st->empty_docs, "file", "files"));
    for (size_t i = 0; i < st->nempty_names; i++) fprintf(stderr, "%s%s", i ? ", " : "", st->empty_names[i]);
    fprintf(stderr, "%s)\n", st->empty_docs > st->nempty_names ? ", ..." : "");
  }
}

/* Where a run's output went, for the summary: "out/", "x.xlsx", "stdout". */
static const char *output_name(const cli *c) {
  static char name[4096];
  const char *o = c->out, *f = c->format;
  size_t n = o ? strlen(o) : 0;
  int file = (f && strcmp(f, "csv") != 0) || (o && strcmp(o, "-") == 0) ||
             (n > 6 && strcmp(o + n - 6, ".jsonl") == 0) || (n > 5 && strcmp(o + n - 5, ".xlsx") == 0);
  if (file && (!o || strcmp(o, "-") == 0)) return "stdout";
  snprintf(name, sizeof name, "%s%s", o ? o : "out", file ? "" : "/");
  return name;
}

/* One run of the rules over the reports; t (for --watch) gets the rows. */
static int run_once(cli *c, cli_tally *t) {
  rr_engine *e = cli_engine(c, c->args[0]);
  if (!e) return 2;
  int rc = rr_engine_run(e, (const char *const *)c->args + 1, (size_t)(c->nargs - 1));
  int done = rc == RR_OK || rc == RR_EDOCS;
  if (!c->quiet && done) cli_summary(rr_engine_stats(e), output_name(c));
  if (done && t && cli_tally_take(t, rr_engine_stats(e))) fprintf(stderr, "rulerun: out of memory\n");
  int status = cli_exit_status(e, rc);
  cli_engine_free(e);
  return status;
}

/* rulerun [options] RULES.lua PATH... */
static int cmd_run(int argc, char **argv) {
  cli c;
  cli_parse(argc, argv, &c);
  if (c.nargs < 2 && !(c.nargs == 1 && c.opt.files_from))
    cli_usage_error("%s", c.nargs < 1 ? "no rule file given" : "no report file or directory given");
  if (c.opt.jsonl_name && !c.opt.jsonl_text) cli_usage_error("%s", "--jsonl-name needs --jsonl-text");
  c.opt.out_dir = c.out;
  c.opt.format = c.format;
  if (c.format && strcmp(c.format, "csv") && strcmp(c.format, "xlsx") && strcmp(c.format, "jsonl"))
    cli_usage_error("--format wants csv, xlsx or jsonl, not '%s'", c.format);
  c.opt.progress = c.progress;
  c.opt.provenance = c.provenance;
  if (c.watch) return cli_watch(&c, (size_t)(c.nargs - 1), NULL, run_once);
  return run_once(&c, NULL);
}

int main(int argc, char **argv) {
  static const struct { const char *name; int (*fn)(int, char **); } commands[] = {
    {"check", cli_check},
    {"explain", cli_explain},
    {"merge", cli_merge},
    {"test", cli_test},
    {NULL, NULL}};
  for (int i = 0; argc > 1 && commands[i].name; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].fn(argc - 1, argv + 1);
  return cmd_run(argc, argv);
}
