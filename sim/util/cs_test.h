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
