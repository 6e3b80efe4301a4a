#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H
#include "kshim/types.h"
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq, unsigned mode, int flags, void *key);
typedef struct wait_queue_entry {
    unsigned int flags;
    void *private;
    wait_queue_func_t func;
    struct list_head entry;
} wait_queue_entry_t;
#define WQ_FLAG_EXCLUSIVE 0x01
typedef struct wait_queue_head {
    spinlock_t lock;
    struct list_head head;
} wait_queue_head_t;

int default_wake_function(struct wait_queue_entry *wq, unsigned mode, int flags, void *key);
int autoremove_wake_function(struct wait_queue_entry *wq, unsigned mode, int flags, void *key);

#define __WAIT_QUEUE_HEAD_INITIALIZER(n)                                                           \
    {                                                                                              \
        __SPIN_LOCK_UNLOCKED(n.lock), LIST_HEAD_INIT(n.head)                                       \
    }
#define DECLARE_WAIT_QUEUE_HEAD(n) wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)
#define DEFINE_WAIT_FUNC(n, f)                                                                     \
    struct wait_queue_entry n = {0, current, f, LIST_HEAD_INIT((n).entry)}
#define DEFINE_WAIT(n) DEFINE_WAIT_FUNC(n, autoremove_wake_function)
#define DECLARE_WAITQUEUE(n, tsk)                                                                  \
    struct wait_queue_entry n = {0, tsk, default_wake_function, {NULL, NULL}}

void init_waitqueue_head(struct wait_queue_head *wq);
void init_wait_entry(struct wait_queue_entry *e, int flags);
#define init_wait(e) init_wait_entry(e, 0)
void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e, int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *e, int state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
void __wake_up(struct wait_queue_head *wq, unsigned int mode, int nr, void *key);
#define wake_up(wq)                   __wake_up(wq, TASK_NORMAL, 1, NULL)
#define wake_up_all(wq)               __wake_up(wq, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(wq)     __wake_up(wq, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(wq) __wake_up(wq, TASK_INTERRUPTIBLE, 0, NULL)
#define wake_up_poll(wq, m)           __wake_up(wq, TASK_NORMAL, 1, (void *)(unsigned long)(m))
#define wake_up_interruptible_poll(wq, m)                                                          \
    __wake_up(wq, TASK_INTERRUPTIBLE, 1, (void *)(unsigned long)(m))
static inline int waitqueue_active(struct wait_queue_head *wq)
{
    return !list_empty(&wq->head);
}

/* Returns 0 when the caller may block (a task), else reports K1 for `what` and returns -1 so
 * that the wait macros give up instead of spinning in an activation. */
int ks_wait_begin(const char *file, int line, const char *what);

/* The wait_event family. `cond` is evaluated as in Linux: before sleeping and after each
 * wake-up. Timeouts are in jiffies; the interruptible forms return -ERESTARTSYS when the
 * task has a signal pending. */
#define ks_wait_event(wq, cond, state, timeout, ret)                                               \
    ({                                                                                             \
        long __t = (timeout);                                                                      \
        long __r = 0;                                                                              \
        if (!(cond) && ks_wait_begin(__FILE__, __LINE__, "wait_event") == 0) {                     \
            DEFINE_WAIT(__w);                                                                      \
            for (;;) {                                                                             \
                prepare_to_wait(&(wq), &__w, state);                                               \
                if (cond)                                                                          \
                    break;                                                                         \
                if ((state) == TASK_INTERRUPTIBLE && signal_pending(current)) {                    \
                    __r = -ERESTARTSYS;                                                            \
                    break;                                                                         \
                }                                                                                  \
                __t = ks_schedule_timeout_checked(__t);                                            \
                if (!__t && (timeout) != MAX_SCHEDULE_TIMEOUT)                                     \
                    break;                                                                         \
            }                                                                                      \
            finish_wait(&(wq), &__w);                                                              \
        }                                                                                          \
        (ret) ? ((__r) ? __r : ((cond) ? (__t ? __t : 1) : 0)) : __r;                              \
    })
#define wait_event(wq, cond)                                                                       \
    ((void)ks_wait_event(wq, cond, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, 0))
#define wait_event_interruptible(wq, cond)                                                         \
    ({                                                                                             \
        int __ret = (int)ks_wait_event(wq, cond, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, 0);     \
        __ret;                                                                                     \
    })
#define wait_event_killable             wait_event_interruptible
#define wait_event_timeout(wq, cond, t) ks_wait_event(wq, cond, TASK_UNINTERRUPTIBLE, t, 1)
#define wait_event_interruptible_timeout(wq, cond, t)                                              \
    ks_wait_event(wq, cond, TASK_INTERRUPTIBLE, t, 1)
#endif
