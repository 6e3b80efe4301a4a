#include "cs_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_error_set(cs_error *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->set = 1;
    return -1;
}

int cs_error_errno(cs_error *err, int errnum, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(err->msg))
        snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
    err->set = 1;
    return -1;
}

void cs_error_prefix(cs_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char ctx[CS_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    /* Room for both parts, then cut to size: the context matters more than the tail. */
    char both[2 * CS_ERROR_MAX + 2];
    if (err->set)
        snprintf(both, sizeof(both), "%s: %s", ctx, err->msg);
    else
        snprintf(both, sizeof(both), "%s", ctx);
    snprintf(err->msg, sizeof(err->msg), "%.*s", (int)sizeof(err->msg) - 1, both);
    err->set = 1;
}

void cs_error_clear(cs_error *err)
{
    if (!err)
        return;
    err->set = 0;
    err->msg[0] = '\0';
}
