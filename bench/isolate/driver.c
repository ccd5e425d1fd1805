/*
 * The lean driver of raw isolate for bench/executor-vs-isolate.mjs (issue 21: "raw isolate
 * 1.10.1 driven by a lean driver, not a Node server"). One process, no threads, no event loop
 * library: it posix_spawn()s isolate and reaps it with waitpid(), nothing else.
 *
 *   cc -O2 -o driver driver.c && ISOLATE_BIN=/path/to/isolate ./driver
 *
 * Per job, what Piston's api/src/job.js does: `isolate --init --cg -bN` (its stdout is the box
 * directory), <box>/box/submission/main.py written, `isolate --run -bN --meta=… --cg -s -c
 * /box/submission -E HOME=/tmp -E PISTON_LANGUAGE=python --dir=/etc:noexec --processes=64
 * --open-files=2048 --fsize=10000 --wall-time=3 --time=3 --extra-time=0 --cg-mem=262144 --
 * /usr/bin/python3 main.py` with "\n" on stdin, its stdout checked ("hello, world\n"), the meta
 * file read (exitcode:0), then `isolate --cleanup --cg -bN`, which (as in Piston) does not hold
 * back the job's result; the box id is reused once its cleanup is over.
 *
 * Commands, one a line on stdin; one JSON answer a line on stdout:
 *   job                 one job alone: {"ok":true,"ms":…,"resultMs":…} (ms includes the cleanup)
 *   round <inflight> <count>
 *                       keeps <inflight> jobs going until <count> are done (cleanups included):
 *                       {"ok":true,"ok_jobs":…,"failed":…,"seconds":…,"error":"first error"}
 *   close (or EOF)      exits
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_JOBS 128
#define FIRST_BOX 100
#define NUM_BOXES 200
#define OUT_MAX 4096

static const char *isolate_bin;
static const char SOURCE[] = "print(\"hello, world\")\n";
static const char EXPECTED[] = "hello, world\n";
static char *const ENV[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};

enum step { IDLE, INIT, RUN, CLEANUP };

struct job {
  enum step step;
  pid_t pid;
  int box;
  int out_fd, err_fd; /* read ends of the running step's stdout and stderr */
  double started;
  int failed;
  char error[512];
};

static struct job jobs[MAX_JOBS];
static int box_free[NUM_BOXES];

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int take_box(void) {
  for (int i = 0; i < NUM_BOXES; i++)
    if (box_free[i]) {
      box_free[i] = 0;
      return FIRST_BOX + i;
    }
  return -1;
}

static void fail(struct job *j, const char *fmt, ...) {
  if (j->failed) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(j->error, sizeof j->error, fmt, ap);
  va_end(ap);
  j->failed = 1;
}

/* Reads what a finished step wrote (pipes hold 64 KiB; isolate's answers are a few bytes). */
static size_t drain(int fd, char *buf, size_t size) {
  size_t n = 0;
  ssize_t r;
  while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  close(fd);
  return n;
}

/* Spawns isolate with `args` for job j; stdin gets `input` (or /dev/null). */
static void spawn_step(struct job *j, enum step step, char **args, const char *input) {
  int out[2], err[2], in[2];
  if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(in, O_CLOEXEC)) {
    perror("pipe");
    exit(1);
  }
  if (input) write(in[1], input, strlen(input));
  close(in[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  int rc = posix_spawn(&j->pid, isolate_bin, &fa, NULL, args, ENV);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc) {
    fprintf(stderr, "driver: spawn %s: %s\n", isolate_bin, strerror(rc));
    exit(1);
  }
  j->out_fd = out[0];
  j->err_fd = err[0];
  j->step = step;
}

static void start_init(struct job *j) {
  char box[16];
  snprintf(box, sizeof box, "-b%d", j->box);
  char *args[] = {"isolate", "--init", "--cg", box, NULL};
  spawn_step(j, INIT, args, NULL);
}

static void start_run(struct job *j) {
  char box[16], meta[96];
  snprintf(box, sizeof box, "-b%d", j->box);
  snprintf(meta, sizeof meta, "--meta=/tmp/pairpad-bench-isolate-%d-metadata.txt", j->box);
  char *args[] = {"isolate", "--run", box, meta, "--cg", "-s", "-c", "/box/submission",
                  "-E", "HOME=/tmp", "-E", "PISTON_LANGUAGE=python", "--dir=/etc:noexec",
                  "--processes=64", "--open-files=2048", "--fsize=10000", "--wall-time=3",
                  "--time=3", "--extra-time=0", "--cg-mem=262144", "--", "/usr/bin/python3",
                  "main.py", NULL};
  spawn_step(j, RUN, args, "\n");
}

static void start_cleanup(struct job *j) {
  char box[16];
  snprintf(box, sizeof box, "-b%d", j->box);
  char *args[] = {"isolate", "--cleanup", "--cg", box, NULL};
  spawn_step(j, CLEANUP, args, NULL);
}

/* Writes the submission into the box isolate --init answered with. */
static int write_submission(struct job *j, const char *box_dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/box/submission", box_dir);
  if (mkdir(path, 0755)) return fail(j, "mkdir %s: %s", path, strerror(errno)), -1;
  snprintf(path, sizeof path, "%s/box/submission/main.py", box_dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(j, "open %s: %s", path, strerror(errno)), -1;
  ssize_t w = write(fd, SOURCE, sizeof SOURCE - 1);
  close(fd);
  if (w != (ssize_t)(sizeof SOURCE - 1)) return fail(j, "write %s", path), -1;
  return 0;
}

static int meta_ok(struct job *j) {
  char path[96], buf[OUT_MAX];
  snprintf(path, sizeof path, "/tmp/pairpad-bench-isolate-%d-metadata.txt", j->box);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(j, "meta %s: %s", path, strerror(errno)), 0;
  drain(fd, buf, sizeof buf);
  unlink(path);
  char *code = strstr(buf, "exitcode:");
  if (!code || (code != buf && code[-1] != '\n') || code[9] != '0' || (code[10] != '\n' && code[10] != 0)) {
    for (char *c = buf; *c; c++)
      if (*c == '\n') *c = ' ';
    return fail(j, "isolate meta: %s", buf), 0;
  }
  return 1;
}

/*
 * One step of job j ended with `status`. Returns 1 when the job's result is known (after its
 * run step, or a failure), so the caller may start the next job; the job itself lives on
 * until its cleanup is reaped (step IDLE again).
 */
static int step_done(struct job *j, int status) {
  char out[OUT_MAX], err[OUT_MAX];
  drain(j->out_fd, out, sizeof out);
  drain(j->err_fd, err, sizeof err);
  int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  switch (j->step) {
  case INIT: {
    char *nl = strchr(out, '\n');
    if (nl) *nl = 0;
    if (!ok || !*out) fail(j, "isolate --init: status %d: %s", status, err);
    if (!j->failed && write_submission(j, out) == 0) {
      start_run(j);
      return 0;
    }
    start_cleanup(j);
    return 1;
  }
  case RUN:
    if (!ok || strcmp(out, EXPECTED) != 0) fail(j, "isolate --run: status %d, stdout \"%.100s\", stderr %.200s", status, out, err);
    meta_ok(j);
    start_cleanup(j);
    return 1;
  case CLEANUP:
    if (!ok) fail(j, "isolate --cleanup: status %d: %s", status, err);
    box_free[j->box - FIRST_BOX] = 1;
    j->step = IDLE;
    return 0;
  default:
    return 0;
  }
}

static struct job *by_pid(pid_t pid) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (jobs[i].step != IDLE && jobs[i].pid == pid) return &jobs[i];
  return NULL;
}

static struct job *start_job(void) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (jobs[i].step == IDLE) {
      struct job *j = &jobs[i];
      int box = take_box();
      if (box < 0) return NULL;
      memset(j, 0, sizeof *j);
      j->box = box;
      j->started = now_ms();
      start_init(j);
      return j;
    }
  return NULL;
}

static int busy(void) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (jobs[i].step != IDLE) return 1;
  return 0;
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
    else putchar(*s);
  }
  putchar('"');
}

static void one_job(void) {
  double started = now_ms(), result_ms = -1;
  struct job *j = start_job();
  if (!j) {
    printf("{\"ok\":false,\"error\":\"no free job slot\"}\n");
    return;
  }
  while (busy()) {
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    struct job *k = by_pid(pid);
    if (k && step_done(k, status)) result_ms = now_ms() - started;
  }
  double ms = now_ms() - started;
  if (j->failed) {
    printf("{\"ok\":false,\"error\":");
    json_string(j->error);
    printf("}\n");
  } else
    printf("{\"ok\":true,\"ms\":%.3f,\"resultMs\":%.3f}\n", ms, result_ms);
}

static void round_of(int inflight, int count) {
  if (inflight > MAX_JOBS / 2) inflight = MAX_JOBS / 2; /* cleanups overlap the next jobs */
  double started = now_ms();
  int launched = 0, ok = 0, running = 0;
  char first_error[512] = "";
  for (;;) {
    /* Top up: a slot frees when a job's result is known, a box when its cleanup is over. */
    while (launched < count && running < inflight && start_job()) {
      launched++;
      running++;
    }
    if (!busy()) break;
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    struct job *k = by_pid(pid);
    if (!k) continue;
    enum step was = k->step;
    int finished = step_done(k, status);
    if (finished) {
      running--;
      if (!k->failed) ok++;
      else if (!*first_error) snprintf(first_error, sizeof first_error, "%s", k->error);
    } else if (was == CLEANUP && k->failed && !*first_error)
      snprintf(first_error, sizeof first_error, "%s", k->error);
  }
  double seconds = (now_ms() - started) / 1e3;
  printf("{\"ok\":true,\"ok_jobs\":%d,\"failed\":%d,\"seconds\":%.6f,\"error\":", ok, count - ok, seconds);
  json_string(first_error);
  printf("}\n");
}

int main(void) {
  isolate_bin = getenv("ISOLATE_BIN");
  if (!isolate_bin) {
    fprintf(stderr, "driver: ISOLATE_BIN is not set\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < NUM_BOXES; i++) box_free[i] = 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("{\"ok\":true,\"ready\":true}\n");
  char line[128];
  while (fgets(line, sizeof line, stdin)) {
    int inflight, count;
    if (strncmp(line, "job", 3) == 0) one_job();
    else if (sscanf(line, "round %d %d", &inflight, &count) == 2) round_of(inflight, count);
    else if (strncmp(line, "close", 5) == 0) break;
    else printf("{\"ok\":false,\"error\":\"unknown command\"}\n");
  }
  printf("{\"ok\":true}\n");
  return 0;
}
