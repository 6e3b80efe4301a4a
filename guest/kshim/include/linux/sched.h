#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H
#include "kshim/types.h"
#include <linux/jiffies.h>
#include <linux/list.h>

#define TASK_RUNNING         0x0000
#define TASK_INTERRUPTIBLE   0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_KILLABLE        TASK_UNINTERRUPTIBLE
#define TASK_NORMAL          (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_COMM_LEN        16
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))

struct cs_thread;
struct cs_event;
struct ks_kernel;
struct ks_ctx_state;
struct nsproxy;

/* A task: a kthread, a workqueue worker or a simulated user process, running as a thread of
 * the execution layer. Fields after `comm` are the shim's. */
struct task_struct {
    volatile long __state;
    pid_t pid;
    char comm[TASK_COMM_LEN];
    struct ks_kernel *ks_kernel;
    struct cs_thread *ks_thread;
    struct cs_event *ks_wake;
    struct ks_ctx_state *ks_state;
    int (*ks_fn)(void *data);
    void *ks_data;
    int ks_result;
    int ks_should_stop;
    int ks_started;
    int ks_ran; /* its function was entered */
    /* Frees ks_data when the kernel goes away before the function ran (a stopped run). */
    void (*ks_data_release)(void *data);
    int ks_sigpending;
    void *ks_uproc;
    struct list_head ks_node; /* in its kernel's task list, freed with the kernel */
    struct nsproxy *nsproxy;  /* NULL: one network namespace per kernel (linux/nsproxy.h) */
};

struct task_struct *ks_current(void);
#define current       ks_current()
#define get_current() ks_current()

void ks_set_state(long state);
#define set_current_state(s)   ks_set_state(s)
#define __set_current_state(s) ks_set_state(s)

void ks_schedule(const char *file, int line);
long ks_schedule_timeout(long timeout, const char *file, int line);
/* For the wait macros, which have already checked that the caller may sleep. */
long ks_schedule_timeout_checked(long timeout);
#define schedule()          ks_schedule(__FILE__, __LINE__)
#define schedule_timeout(t) ks_schedule_timeout(t, __FILE__, __LINE__)
#define schedule_timeout_interruptible(t)                                                          \
    (set_current_state(TASK_INTERRUPTIBLE), schedule_timeout(t))
#define schedule_timeout_uninterruptible(t)                                                        \
    (set_current_state(TASK_UNINTERRUPTIBLE), schedule_timeout(t))
#define cond_resched() ((void)0)
#define yield()        ks_schedule(__FILE__, __LINE__)
int wake_up_process(struct task_struct *t);
#define set_user_nice(t, n) ((void)(t), (void)(n))
#define might_sleep()       ks_might_sleep(__FILE__, __LINE__, "might_sleep()")
#define in_interrupt()      (ks_context() != KS_CTX_TASK)
#define in_irq()            (ks_context() == KS_CTX_HARDIRQ)
#define in_softirq()        (ks_context() == KS_CTX_SOFTIRQ)
#define in_atomic()         (ks_atomic_reason() != NULL)
#define task_pid_nr(t)      ((t)->pid)
#endif
