/* Tasks, sleeping and waking: kthreads, wait queues, completions, delays. Tasks are threads of
 * the execution layer (cs_exec.h); a task that sleeps waits on its own wake event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/wait.h>

static struct task_struct setup_task = {.comm = "setup"};

struct task_struct *ks_current(void)
{
    struct ks_ctx_state *s = ks_state();
    /* In an activation `current` is whatever task was interrupted; none is, here. */
    return s->task ? s->task : &setup_task;
}

static void task_body(void *arg)
{
    struct task_struct *t = arg;
    t->ks_ran = 1;
    ks_jiffies();
    t->ks_result = t->ks_fn(t->ks_data);
    ks_check_context_exit(t->ks_state, t->comm);
    t->__state = TASK_RUNNING;
}

struct task_struct *ks_task_new(struct ks_kernel *k, const char *name, int (*fn)(void *),
                                void *data)
{
    struct task_struct *t = calloc(1, sizeof(*t));
    struct ks_ctx_state *st = calloc(1, sizeof(*st));
    if (!t || !st)
        abort();
    st->ctx = KS_CTX_TASK;
    st->k = k;
    st->task = t;
    t->ks_state = st;
    t->ks_kernel = k;
    t->ks_fn = fn;
    t->ks_data = data;
    t->ks_wake = cs_event_new();
    t->pid = k->next_pid++;
    t->__state = TASK_RUNNING;
    snprintf(t->comm, sizeof(t->comm), "%s", name);
    list_add_tail(&t->ks_node, &k->tasks);
    return t;
}

void ks_tasks_release(struct ks_kernel *k)
{
    struct task_struct *t, *n;
    list_for_each_entry_safe(t, n, &k->tasks, ks_node)
    {
        list_del(&t->ks_node);
        if (!t->ks_ran && t->ks_data_release)
            t->ks_data_release(t->ks_data);
        /* The thread itself belongs to the execution layer; it must not find t again. */
        if (t->ks_thread)
            cs_thread_set_data(t->ks_thread, NULL);
        cs_event_free(t->ks_wake);
        free(t->ks_state);
        free(t);
    }
}

void ks_task_start(struct task_struct *t)
{
    if (t->ks_started)
        return;
    t->ks_started = 1;
    t->ks_thread = cs_thread_spawn(t->comm, task_body, t);
    cs_thread_set_data(t->ks_thread, t);
}

int ks_wake_task(struct task_struct *t)
{
    if (t->__state == TASK_RUNNING)
        return 0;
    t->__state = TASK_RUNNING;
    cs_event_notify(t->ks_wake);
    return 1;
}

int wake_up_process(struct task_struct *t)
{
    if (!t->ks_started) {
        ks_task_start(t);
        return 1;
    }
    return ks_wake_task(t);
}

void ks_set_state(long state)
{
    ks_current()->__state = state;
}

/* Block the current task until woken or `cycles` pass (0: no limit). Returns 1 if woken. */
static int block_task(struct task_struct *t, u64 cycles)
{
    int woken = 1;
    while (t->__state != TASK_RUNNING) {
        if (!cs_thread_wait(t->ks_wake, cycles)) {
            woken = 0;
            break;
        }
    }
    t->__state = TASK_RUNNING;
    ks_jiffies();
    return woken;
}

int ks_wait_begin(const char *file, int line, const char *what)
{
    ks_might_sleep(file, line, what);
    return cs_thread_self() && ks_state()->ctx == KS_CTX_TASK ? 0 : -1;
}

void ks_schedule(const char *file, int line)
{
    ks_schedule_timeout(MAX_SCHEDULE_TIMEOUT, file, line);
}

long ks_schedule_timeout(long timeout, const char *file, int line)
{
    if (ks_wait_begin(file, line, "schedule()") < 0) {
        ks_current()->__state = TASK_RUNNING;
        return 0; /* cannot sleep: as if the time had passed */
    }
    return ks_schedule_timeout_checked(timeout);
}

long ks_schedule_timeout_checked(long timeout)
{
    struct task_struct *t = ks_current();
    if (t->__state == TASK_RUNNING) {
        cs_thread_sleep(0); /* a plain yield */
        ks_jiffies();
        return timeout;
    }
    if (timeout == MAX_SCHEDULE_TIMEOUT) {
        block_task(t, 0);
        return timeout;
    }
    if (timeout <= 0) {
        t->__state = TASK_RUNNING;
        return 0;
    }
    unsigned long start = ks_jiffies();
    u64 ns = (u64)timeout * (1000000000u / HZ);
    if (!block_task(t, ks_ns_to_cycles(ns)))
        return 0;
    long left = timeout - (long)(ks_jiffies() - start);
    return left > 0 ? left : 0;
}

/* ---- wait queues ---------------------------------------------------------------------- */

void init_waitqueue_head(struct wait_queue_head *wq)
{
    ks_spin_init(&wq->lock, "wait_queue_head");
    INIT_LIST_HEAD(&wq->head);
}

void init_wait_entry(struct wait_queue_entry *e, int flags)
{
    e->flags = (unsigned)flags;
    e->private = ks_current();
    e->func = autoremove_wake_function;
    INIT_LIST_HEAD(&e->entry);
}

int default_wake_function(struct wait_queue_entry *wq, unsigned mode, int flags, void *key)
{
    (void)flags;
    (void)key;
    struct task_struct *t = wq->private;
    if (!(t->__state & mode))
        return 0;
    return ks_wake_task(t);
}

int autoremove_wake_function(struct wait_queue_entry *wq, unsigned mode, int flags, void *key)
{
    int ret = default_wake_function(wq, mode, flags, key);
    if (ret)
        list_del_init(&wq->entry);
    return ret;
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    e->flags &= ~WQ_FLAG_EXCLUSIVE;
    list_add(&e->entry, &wq->head);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    (void)wq;
    list_del_init(&e->entry);
}

static int on_queue(struct wait_queue_entry *e)
{
    return e->entry.next && e->entry.next != &e->entry;
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e, int state)
{
    e->flags &= ~WQ_FLAG_EXCLUSIVE;
    if (!on_queue(e))
        list_add(&e->entry, &wq->head);
    ks_set_state(state);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *e, int state)
{
    e->flags |= WQ_FLAG_EXCLUSIVE;
    if (!on_queue(e))
        list_add_tail(&e->entry, &wq->head);
    ks_set_state(state);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    (void)wq;
    ks_set_state(TASK_RUNNING);
    if (on_queue(e))
        list_del_init(&e->entry);
}

/* Non-exclusive waiters all wake, then at most nr exclusive ones (0: all), as in Linux. */
void __wake_up(struct wait_queue_head *wq, unsigned int mode, int nr, void *key)
{
    struct wait_queue_entry *e, *n;
    list_for_each_entry_safe(e, n, &wq->head, entry)
    {
        unsigned flags = e->flags;
        if (e->func(e, mode, 0, key) && (flags & WQ_FLAG_EXCLUSIVE) && nr && !--nr)
            break;
    }
}

/* ---- completions ---------------------------------------------------------------------- */

void complete(struct completion *c)
{
    if (c->done != UINT32_MAX)
        c->done++;
    __wake_up(&c->wait, TASK_NORMAL, 1, NULL);
}

void complete_all(struct completion *c)
{
    c->done = UINT32_MAX;
    __wake_up(&c->wait, TASK_NORMAL, 0, NULL);
}

unsigned long ks_wait_for_completion_timeout(struct completion *c, unsigned long t,
                                             const char *file, int line)
{
    long left = (long)t;
    if (!c->done && ks_wait_begin(file, line, "wait_for_completion") == 0) {
        DEFINE_WAIT(w);
        while (!c->done && left) {
            prepare_to_wait_exclusive(&c->wait, &w, TASK_UNINTERRUPTIBLE);
            if (c->done)
                break;
            left = ks_schedule_timeout_checked(left);
        }
        finish_wait(&c->wait, &w);
    }
    if (!c->done)
        return 0;
    if (c->done != UINT32_MAX)
        c->done--;
    return left ? (unsigned long)left : 1;
}

void ks_wait_for_completion(struct completion *c, const char *file, int line)
{
    ks_wait_for_completion_timeout(c, MAX_SCHEDULE_TIMEOUT, file, line);
}

/* ---- kthreads ------------------------------------------------------------------------- */

struct task_struct *ks_kthread_create(int (*fn)(void *data), void *data, const char *fmt, ...)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return ERR_PTR(-ENODEV);
    char name[TASK_COMM_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    return ks_task_new(k, name, fn, data);
}

bool kthread_should_stop(void)
{
    return ks_current()->ks_should_stop;
}

int ks_kthread_stop(struct task_struct *t, const char *file, int line)
{
    ks_might_sleep(file, line, "kthread_stop");
    t->ks_should_stop = 1;
    if (!t->ks_started) {
        /* Never woken: Linux returns -EINTR without running the function. */
        return -EINTR;
    }
    ks_wake_task(t);
    if (cs_thread_self()) {
        cs_thread_join(t->ks_thread);
        ks_jiffies();
    }
    return t->ks_result;
}

/* ---- delays --------------------------------------------------------------------------- */

void ks_msleep(unsigned int ms, const char *file, int line)
{
    if (ks_wait_begin(file, line, "msleep") < 0)
        return;
    cs_thread_sleep(ks_ns_to_cycles((u64)ms * 1000000u));
    ks_jiffies();
}

void ks_delay_ns(u64 ns)
{
    if (cs_thread_self()) {
        cs_thread_sleep(ks_ns_to_cycles(ns));
        ks_jiffies();
    }
}
