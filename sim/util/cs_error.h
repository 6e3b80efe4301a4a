/* Error reporting for chansim: every failing call fills a cs_error with one line that names
 * what failed, where (file, offset, line, element) and why, and returns -1. Callers either
 * add context with cs_error_prefix() or hand the message to the user unchanged. */
#ifndef CS_ERROR_H
#define CS_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CS_ERROR_MAX 1024

/* Exit statuses of the chansim command (documented in docs/cli.md). */
enum cs_exit {
    CS_EXIT_OK = 0,
    CS_EXIT_FINDINGS = 1, /* conformance failures or a replay divergence */
    CS_EXIT_USAGE = 2,    /* usage error or bad input */
};

typedef struct cs_error {
    int set;
    char msg[CS_ERROR_MAX];
} cs_error;

/* Record an error; returns -1 so that "return cs_error_set(...)" reads naturally. A NULL err is
 * allowed for callers that only want the status. */
int cs_error_set(cs_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record an error ending in ": strerror(errnum)". */
int cs_error_errno(cs_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put context in front of an existing message: "<context>: <old message>". */
void cs_error_prefix(cs_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cs_error_clear(cs_error *err);

#ifdef __cplusplus
}
#endif

#endif
