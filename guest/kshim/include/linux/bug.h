#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H
#include "kshim/types.h"
/* A BUG() is a driver asserting something impossible: the shim stops the simulation with the
 * place, as a kernel oops would stop the driver. WARN_ON only logs. */
void ks_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
void ks_warn(const char *file, int line, const char *cond);
#define BUG() ks_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(c)                                                                                  \
    do {                                                                                           \
        if (unlikely(c))                                                                           \
            ks_bug(__FILE__, __LINE__, #c);                                                        \
    } while (0)
#define WARN_ON(c)                                                                                 \
    ({                                                                                             \
        int __w = !!(c);                                                                           \
        if (unlikely(__w))                                                                         \
            ks_warn(__FILE__, __LINE__, #c);                                                       \
        unlikely(__w);                                                                             \
    })
#define WARN_ON_ONCE(c)   WARN_ON(c)
#define WARN(c, fmt, ...) WARN_ON(c)
#define BUILD_BUG_ON(c)   _Static_assert(!(c), #c)
#endif
