/* peakrss.c - runs a command and writes its peak resident set size (KB) to a file.
 *
 * The benchmark needs the RSS of the measured program alone.  A child forked
 * from Python inherits Python's resident pages, and Linux carries the
 * high-water mark across exec into ru_maxrss; forked from this small
 * program, the inherited part is a few hundred KB.  usage: peakrss FILE CMD ARGS... */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peakrss FILE CMD [ARGS...]  (peak RSS in KB goes to FILE)\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) return perror("peakrss: fork"), 2;
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return perror("peakrss: wait4"), 2;
  FILE *f = fopen(argv[1], "w");
  if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0) return perror(argv[1]), 2;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
