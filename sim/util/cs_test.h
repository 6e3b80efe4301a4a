/* Shared scaffolding for chansim's Check tests. */
#ifndef CS_TEST_H
#define CS_TEST_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* ck_assert that a string contains a fragment, showing both on failure. */
#define cs_assert_contains(hay, needle)                                                            \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        ck_assert_msg(h_ &&strstr(h_, n_), "expected \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)");   \
    } while (0)

/* A new, empty scratch directory below $CHANSIM_TEST_TMP (or /tmp), unique even when a
 * process id comes back in a later run. */
#include <stdio.h>
static inline void cs_test_tmpdir(char *buf, size_t len, const char *prefix)
{
    const char *t = getenv("CHANSIM_TEST_TMP");
    snprintf(buf, len, "%s/%s-XXXXXX", t && *t ? t : "/tmp", prefix);
    ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp %s failed", buf);
}

/* The helpers below are in cs_test.c (library cs_test_support, which every test registered
 * with chansim_check_test links). Each fails the running test on error. */

/* The whole of a file, with a NUL after its *len bytes; free() it. */
void *cs_test_read_file(const char *path, size_t *len);

/* Remove dir and everything below it. */
void cs_test_rmtree(const char *dir);

/* Run fn(arg) in a forked child and assert that it returned 0: for work that must have a
 * process of its own, such as a SystemC simulation, which elaborates once per process. */
void cs_test_in_child(int (*fn)(void *arg), void *arg);

/* Run fn(arg) in a forked child whose stderr is captured: the child exits 0 when fn returns.
 * Returns the child's wait status; buf (size bytes, NUL-terminated) receives what the child
 * wrote on stderr, which is also echoed on this process's stderr. For runs expected to crash
 * or to print what the test then checks. */
int cs_test_child_stderr(void (*fn)(void *arg), void *arg, char *buf, size_t size);

/* Compare every file of directory a with the file of the same name in b, byte for byte,
 * failing at the first that differs or is missing from b. Returns the number of files
 * compared; *total and *smallest, when not NULL, receive the sum and the least of their sizes
 * (SIZE_MAX when there are none). */
int cs_test_dirs_identical(const char *a, const char *b, size_t *total, size_t *smallest);

/* main() for a test program made of one suite. */
#define CS_TEST_MAIN(suite_fn)                                                                     \
    int main(void)                                                                                 \
    {                                                                                              \
        SRunner *sr = srunner_create(suite_fn());                                                  \
        srunner_run_all(sr, CK_NORMAL);                                                            \
        int failed = srunner_ntests_failed(sr);                                                    \
        srunner_free(sr);                                                                          \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                               \
    }

#endif
