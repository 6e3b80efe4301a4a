/* Running a program as a user would, with its output captured, for the tests of the chansim
 * command (here and in conformance/). Every helper fails the running test on error. */
#ifndef TEST_CLI_UTIL_H
#define TEST_CLI_UTIL_H

#include <stddef.h>

/* The test's scratch directory, which its setup creates with cs_test_tmpdir(); the captured
 * output goes to "stdout" and "stderr" in it. */
extern char cli_tmpdir[512];

/* cli_tmpdir + "/" + name, in one of eight buffers used in turn, so that a call may take a
 * few paths at once. */
const char *cli_tmp_path(const char *name);

/* Spawn argv[0] (a path) with argv and wait for it; it must exit normally. out and err receive
 * what it wrote to stdout and stderr, NUL-terminated and cut to fit. Returns its exit status. */
int cli_spawn(const char *const *argv, char *out, size_t out_cap, char *err, size_t err_cap);

/* cli_spawn into *r, a struct with an int status and char arrays out and err: each test sizes
 * them for the output it expects. */
#define cli_run(r, argv)                                                                           \
    ((r)->status = cli_spawn((argv), (r)->out, sizeof((r)->out), (r)->err, sizeof((r)->err)))

/* cli_run with the program and arguments written out, into the struct r. */
#define CLI_RUN(r, ...)                                                                            \
    do {                                                                                           \
        const char *const argv_[] = {__VA_ARGS__, NULL};                                           \
        cli_run(&(r), argv_);                                                                      \
    } while (0)

/* A text file into buf, NUL-terminated and cut to cap - 1 bytes. */
void cli_read_all(const char *path, char *buf, size_t cap);

/* How many lines of s start with prefix. */
int cli_count_lines(const char *s, const char *prefix);

/* Whether s is exactly one line, ending in its newline. */
int cli_one_line(const char *s);

int cli_exists(const char *path);

#endif
