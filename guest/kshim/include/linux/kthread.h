#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H
#include <linux/err.h>
#include <linux/sched.h>
struct task_struct *ks_kthread_create(int (*fn)(void *data), void *data, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define kthread_create(fn, data, fmt, ...) ks_kthread_create(fn, data, fmt, ##__VA_ARGS__)
#define kthread_run(fn, data, fmt, ...)                                                            \
    ({                                                                                             \
        struct task_struct *__k = kthread_create(fn, data, fmt, ##__VA_ARGS__);                    \
        if (!IS_ERR(__k))                                                                          \
            wake_up_process(__k);                                                                  \
        __k;                                                                                       \
    })
int ks_kthread_stop(struct task_struct *t, const char *file, int line);
#define kthread_stop(t) ks_kthread_stop(t, __FILE__, __LINE__)
bool kthread_should_stop(void);
#endif
