#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H
#include "kshim/types.h"
/* User memory is the simulated process's buffers (ks_umalloc). A copy touching anything else
 * fails like a fault (returns the bytes not copied); copies may sleep, so a copy in atomic
 * context is reported (K1). */
unsigned long ks_copy_to_user(void __user *to, const void *from, unsigned long n, const char *file,
                              int line);
unsigned long ks_copy_from_user(void *to, const void __user *from, unsigned long n,
                                const char *file, int line);
int ks_user_access_ok(const void __user *p, unsigned long n);
#define copy_to_user(to, from, n)   ks_copy_to_user(to, from, n, __FILE__, __LINE__)
#define copy_from_user(to, from, n) ks_copy_from_user(to, from, n, __FILE__, __LINE__)
#define access_ok(p, n)             ks_user_access_ok(p, n)
#define put_user(x, p)                                                                             \
    ({                                                                                             \
        __typeof__(*(p)) __x = (x);                                                                \
        ks_copy_to_user(p, &__x, sizeof(__x), __FILE__, __LINE__) ? -EFAULT : 0;                   \
    })
#define get_user(x, p)                                                                             \
    ({                                                                                             \
        __typeof__(*(p)) __x;                                                                      \
        int __e = ks_copy_from_user(&__x, p, sizeof(__x), __FILE__, __LINE__) ? -EFAULT : 0;       \
        (x) = __e ? 0 : __x;                                                                       \
        __e;                                                                                       \
    })
#endif
