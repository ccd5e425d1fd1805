/*
 * A launcher family in C: what launcher.ts's familyScript and launcherBody(true) do in bash,
 * at a fraction of bash's CPU per stage (no bash fork and copy-on-write faults, one
 * close_range instead of ~130 redirections, the orders split in one pass). Same protocol,
 * same fds, same limits, same exec: launcher.ts uses it when it is built (build.mjs), bash
 * otherwise.
 *
 *   pairpad-launcher <size> pairpad-launcher
 *
 * fd 0: the lifeline (the family exits when it reaches its end); fd 2: the family's own
 * errors; fds 10 + i*8 .. 10 + i*8 + 7: member i's stdin, stdout, stderr, control and data
 * sockets. Member i dups its 8 onto 0-7, closes every other, writes its pid and a newline to
 * fd 3, then reads its orders from fd 3 (a byte count, a newline, fields ended by \x02, \x03
 * escapes), opens the box files as fds 10.., closes the data sockets without a file, sets the
 * rlimits as bash's ulimit would (its units: -f and -d in KiB) and execs the command, whose
 * status (bwrap's --json-status-fd 3) goes back on fd 3; its own failures say so there too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAMILY_FD_BASE 10
#define MEMBER_FDS 8
#define DATA_FD_BASE 4
#define DATA_CHANNELS 4
#define LAUNCHER_FD_BASE 10
#define MAX_ORDERS (16 * 1024 * 1024)
#define END "pairpad-end"

static void close_from_to(unsigned first, unsigned last) {
  if (first > last) return;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, first, last, 0) == 0) return;
#endif
  long max = sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 65536) max = 65536;
  for (unsigned fd = first; fd <= last && fd < (unsigned)max; fd++) close((int)fd);
}

static void fail(const char *what, const char *detail) {
  dprintf(2, "pairpad-sandbox: %s%s\n", what, detail ? detail : "");
  dprintf(3, "{ \"exit-code\": 125 }\n");
  _exit(125);
}

/* read(2) until `n` bytes or the end; returns how many. */
static size_t read_full(int fd, char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  return got;
}

static int set_limit(int resource, rlim_t soft, rlim_t hard) {
  struct rlimit limit = {soft, hard};
  return setrlimit(resource, &limit);
}

/* A non-negative decimal, as bash's arithmetic would take it here; -1 when it is not one. */
static long long number(const char *text) {
  if (!*text) return -1;
  long long value = 0;
  for (const char *c = text; *c; c++) {
    if (*c < '0' || *c > '9' || value > (1LL << 50)) return -1;
    value = value * 10 + (*c - '0');
  }
  return value;
}

static void member(void) {
  /* The length line: digits then a newline, read a byte at a time (nothing past it is ours). */
  char line[32];
  size_t used = 0;
  for (;;) {
    char c;
    ssize_t r = read(3, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (used == 0) _exit(0); /* orders closed without a job: the pool is shutting down */
      fail("truncated launch orders", NULL);
    }
    if (c == '\n') break;
    if (used + 1 >= sizeof line) fail("truncated launch orders", NULL);
    line[used++] = c;
  }
  line[used] = 0;
  long long len = number(line);
  if (len < 0 || len > MAX_ORDERS) fail("truncated launch orders", NULL);
  char *orders = malloc((size_t)len + 1);
  if (!orders || read_full(3, orders, (size_t)len) != (size_t)len) fail("truncated launch orders", NULL);
  orders[len] = 0;
  if (memchr(orders, 0, (size_t)len)) fail("truncated launch orders", NULL);

  /* Split on \x02 (each field ends with one) and unescape \x03\x04 -> \x02, \x03\x05 -> \x03, in place. */
  size_t count = 0;
  for (long long i = 0; i < len; i++)
    if (orders[i] == '\x02') count++;
  char **a = calloc(count + 1, sizeof *a);
  if (!a) fail("out of memory", NULL);
  size_t n_fields = 0;
  char *field = orders, *out = orders;
  for (long long i = 0; i < len; i++) {
    char c = orders[i];
    if (c == '\x02') {
      *out++ = 0;
      a[n_fields++] = field;
      field = out;
    } else if (c == '\x03' && i + 1 < len && (orders[i + 1] == '\x04' || orders[i + 1] == '\x05')) {
      *out++ = orders[i + 1] == '\x04' ? '\x02' : '\x03';
      i++;
    } else {
      *out++ = c;
    }
  }
  if (n_fields == 0 || strcmp(a[n_fields - 1], END) != 0) fail("truncated launch orders", NULL);
  n_fields--; /* END */

  long long n = number(a[0]);
  if (n < 0 || (size_t)n + 7 > n_fields) fail("truncated launch orders", NULL);
  for (long long i = 1; i <= n; i++) {
    int fd = open(a[i], O_RDONLY);
    int target = (int)(i + LAUNCHER_FD_BASE - 1);
    if (fd < 0) fail("cannot open box file ", a[i]);
    if (fd != target) {
      if (dup2(fd, target) < 0) fail("cannot open box file ", a[i]);
      close(fd);
    }
  }
  long long used_channels = number(a[n + 1]);
  if (used_channels < 0) fail("truncated launch orders", NULL);
  for (long long k = DATA_FD_BASE + used_channels; k < DATA_FD_BASE + DATA_CHANNELS; k++) close((int)k);

  long long fsize = number(a[n + 2]), nofile = number(a[n + 3]), cpu = number(a[n + 4]);
  if (fsize < 0 || nofile < 0 || cpu < 0 || set_limit(RLIMIT_CORE, 0, 0) || set_limit(RLIMIT_FSIZE, fsize * 1024, fsize * 1024) ||
      set_limit(RLIMIT_NOFILE, nofile, nofile) || set_limit(RLIMIT_CPU, cpu, cpu + 1))
    fail("cannot set rlimits", NULL);
  /* No cgroups: per-process memory is all we have (RLIMIT_DATA); a failure is ignored, as bash's 2>/dev/null. */
  if (a[n + 5][0]) {
    long long data = number(a[n + 5]);
    if (data >= 0) set_limit(RLIMIT_DATA, data * 1024, data * 1024);
  }
  char **argv = a + n + 6;
  a[n_fields] = NULL;
  if (!argv[0]) fail("cannot run ", "");
  execvp(argv[0], argv);
  fail("cannot run ", argv[0]);
}

int main(int argc, char **argv) {
  long size = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
  if (size < 1 || size > 64) {
    dprintf(2, "pairpad-launcher: usage: pairpad-launcher <size 1-64> pairpad-launcher\n");
    return 2;
  }
  unsigned last = FAMILY_FD_BASE + (unsigned)size * MEMBER_FDS - 1;
  /* What we inherited beyond our sockets (without close-on-exec) goes. */
  close_from_to(3, FAMILY_FD_BASE - 1);
  close_from_to(last + 1, ~0U);
  /* Members are reaped by the kernel (bash reaps them itself); they reset this before exec. */
  signal(SIGCHLD, SIG_IGN);
  for (long k = 0; k < size; k++) {
    int base = FAMILY_FD_BASE + (int)k * MEMBER_FDS;
    pid_t pid = fork();
    if (pid < 0) {
      dprintf(2, "pairpad-launcher: fork: %s\n", strerror(errno));
      break;
    }
    if (pid == 0) {
      signal(SIGCHLD, SIG_DFL);
      for (int fd = 0; fd < MEMBER_FDS; fd++)
        if (dup2(base + fd, fd) < 0) _exit(125);
      close_from_to(FAMILY_FD_BASE, last);
      dprintf(3, "%d\n", (int)getpid());
      member();
    }
  }
  close_from_to(FAMILY_FD_BASE, last);
  /* The lifeline: a line or its end, and the family goes. */
  char c;
  for (;;) {
    ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || c == '\n') break;
  }
  return 0;
}
