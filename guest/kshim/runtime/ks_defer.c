/* Deferred work: timers and tasklets (softirq activations), workqueues (worker tasks) and
 * interrupt handlers (hardirq activations on the domain's interrupt lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/interrupt.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

/* A softirq runs this long after it is raised: the cost of the next irq_exit. */
#define KS_SOFTIRQ_LATENCY_NS 0

/* ---- shots: cancellable activations --------------------------------------------------- */

struct ks_shot {
    void (*fn)(void *obj);
    void *obj;
    int cancelled;
};

static void shot_fire(void *arg)
{
    struct ks_shot *shot = arg;
    int cancelled = shot->cancelled;
    void (*fn)(void *) = shot->fn;
    void *obj = shot->obj;
    free(shot);
    if (!cancelled)
        fn(obj);
}

static struct ks_shot *shot_queue(struct ks_kernel *k, const char *what, u64 ns, void (*fn)(void *),
                                  void *obj)
{
    struct ks_shot *shot = calloc(1, sizeof(*shot));
    if (!shot)
        abort();
    shot->fn = fn;
    shot->obj = obj;
    ks_defer(k, KS_CTX_SOFTIRQ, what, ns, shot_fire, shot, free);
    return shot;
}

static void shot_cancel(struct ks_shot **slot)
{
    if (*slot)
        (*slot)->cancelled = 1;
    *slot = NULL;
}

/* ---- timers --------------------------------------------------------------------------- */

static void timer_fire(void *arg)
{
    struct timer_list *t = arg;
    t->ks_shot = NULL;
    t->ks_pending = 0;
    t->function(t);
}

void ks_timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), u32 flags)
{
    memset(t, 0, sizeof(*t));
    INIT_LIST_HEAD(&t->entry);
    t->function = fn;
    t->flags = flags;
    t->ks_kernel = ks_current_kernel();
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
    int was = t->ks_pending;
    struct ks_kernel *k = t->ks_kernel ? t->ks_kernel : ks_current_kernel();
    t->ks_kernel = k;
    t->expires = expires;
    shot_cancel(&t->ks_shot);
    t->ks_pending = 1;
    long delta = (long)(expires - ks_jiffies());
    /* An expiry already reached runs at the next tick, as the timer wheel's: a timer re-armed
     * from its own callback with a time in the past fires once per jiffy, not in a loop. */
    u64 tick = 1000000000u / HZ;
    u64 ns = delta > 0 ? (u64)delta * tick : tick - ks_now_ns() % tick;
    t->ks_shot = shot_queue(k, "in a timer callback", ns, timer_fire, t);
    return was;
}

void add_timer(struct timer_list *t)
{
    mod_timer(t, t->expires);
}

int del_timer(struct timer_list *t)
{
    int was = t->ks_pending;
    t->ks_pending = 0;
    shot_cancel(&t->ks_shot);
    return was;
}

/* ---- tasklets ------------------------------------------------------------------------- */

static void tasklet_run(void *arg)
{
    struct tasklet_struct *t = arg;
    t->ks_shot = NULL;
    if (atomic_read(&t->count)) {
        /* disabled: it stays scheduled and runs when enabled */
        return;
    }
    t->state &= ~BIT(TASKLET_STATE_SCHED);
    t->state |= BIT(TASKLET_STATE_RUN);
    if (t->use_callback)
        t->callback(t);
    else
        t->func(t->data);
    t->state &= ~BIT(TASKLET_STATE_RUN);
}

static void tasklet_queue(struct tasklet_struct *t)
{
    struct ks_kernel *k = t->ks_kernel ? t->ks_kernel : ks_current_kernel();
    shot_cancel(&t->ks_shot);
    t->ks_shot = shot_queue(k, "in a tasklet", KS_SOFTIRQ_LATENCY_NS, tasklet_run, t);
}

void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data)
{
    memset(t, 0, sizeof(*t));
    t->func = func;
    t->data = data;
    t->ks_kernel = ks_current_kernel();
}

void tasklet_setup(struct tasklet_struct *t, void (*cb)(struct tasklet_struct *))
{
    memset(t, 0, sizeof(*t));
    t->use_callback = true;
    t->callback = cb;
    t->ks_kernel = ks_current_kernel();
}

void tasklet_schedule(struct tasklet_struct *t)
{
    if (t->state & BIT(TASKLET_STATE_SCHED))
        return;
    t->state |= BIT(TASKLET_STATE_SCHED);
    tasklet_queue(t);
}

void tasklet_disable(struct tasklet_struct *t)
{
    atomic_inc(&t->count);
}

void tasklet_enable(struct tasklet_struct *t)
{
    if (atomic_dec_return(&t->count) == 0 && (t->state & BIT(TASKLET_STATE_SCHED)))
        tasklet_queue(t);
}

void ks_tasklet_kill(struct tasklet_struct *t, const char *file, int line)
{
    ks_might_sleep(file, line, "tasklet_kill");
    /* Linux waits for a scheduled tasklet to run; a disabled one would hang there, which is
     * the driver's bug, so the wait is bounded and then the tasklet is dropped. */
    for (int i = 0; i < 1000 && (t->state & BIT(TASKLET_STATE_SCHED)) && cs_thread_self(); i++)
        cs_thread_sleep(ks_ns_to_cycles(1000));
    shot_cancel(&t->ks_shot);
    t->state = 0;
}

/* ---- workqueues ----------------------------------------------------------------------- */

struct workqueue_struct {
    char name[32];
    struct list_head pending;
    struct task_struct *worker;
    struct work_struct *running;
    struct cs_event *idle; /* notified whenever an item finishes */
    int dying;
    struct list_head node; /* in the kernel's list of workqueues */
};

static int worker_fn(void *arg)
{
    struct workqueue_struct *wq = arg;
    for (;;) {
        while (list_empty(&wq->pending) && !wq->dying) {
            ks_set_state(TASK_INTERRUPTIBLE);
            if (list_empty(&wq->pending) && !wq->dying)
                ks_schedule(__FILE__, __LINE__);
            ks_set_state(TASK_RUNNING);
        }
        if (list_empty(&wq->pending))
            return 0;
        struct work_struct *w = list_first_entry(&wq->pending, struct work_struct, entry);
        list_del_init(&w->entry);
        w->ks_pending = 0;
        w->ks_running = 1;
        wq->running = w;
        w->func(w);
        /* the item may have been freed by its own function: only the pointer is compared */
        wq->running = NULL;
        cs_event_notify(wq->idle);
    }
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
{
    (void)flags;
    (void)max_active;
    struct ks_kernel *k = ks_current_kernel();
    struct workqueue_struct *wq = calloc(1, sizeof(*wq));
    if (!wq || !k) {
        free(wq);
        return NULL;
    }
    va_list ap;
    va_start(ap, max_active);
    vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
    va_end(ap);
    INIT_LIST_HEAD(&wq->pending);
    wq->idle = cs_event_new();
    wq->worker = ks_task_new(k, wq->name, worker_fn, wq);
    list_add_tail(&wq->node, &k->workqueues);
    ks_task_start(wq->worker);
    return wq;
}

/* Items still queued belong to the driver's memory; only the queue itself is freed. The worker
 * task is freed with the kernel's tasks. */
void ks_workqueues_release(struct ks_kernel *k)
{
    struct workqueue_struct *wq, *n;
    list_for_each_entry_safe(wq, n, &k->workqueues, node)
    {
        list_del(&wq->node);
        cs_event_free(wq->idle);
        free(wq);
    }
    k->sys_wq = NULL;
}

struct workqueue_struct *ks_system_wq(void)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return NULL;
    if (!k->sys_wq)
        k->sys_wq = alloc_workqueue("events", 0, 0);
    return k->sys_wq;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
    if (w->ks_pending)
        return false;
    w->ks_pending = 1;
    w->ks_wq = wq;
    list_add_tail(&w->entry, &wq->pending);
    ks_wake_task(wq->worker);
    return true;
}

static void delayed_fire(struct timer_list *t)
{
    struct delayed_work *dw = from_timer(dw, t, timer);
    queue_work(dw->wq, &dw->work);
}

void ks_init_delayed_work(struct delayed_work *dw, work_func_t f)
{
    INIT_WORK(&dw->work, f);
    ks_timer_setup(&dw->timer, delayed_fire, 0);
    dw->wq = NULL;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay)
{
    if (dw->work.ks_pending || dw->timer.ks_pending)
        return false;
    dw->wq = wq;
    if (!delay)
        return queue_work(wq, &dw->work);
    mod_timer(&dw->timer, ks_jiffies() + delay);
    return true;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay)
{
    bool was = cancel_delayed_work(dw);
    queue_delayed_work(wq, dw, delay);
    return was;
}

static int unqueue(struct work_struct *w)
{
    if (!w->ks_pending)
        return 0;
    list_del_init(&w->entry);
    w->ks_pending = 0;
    return 1;
}

static void wait_not_running(struct work_struct *w)
{
    struct workqueue_struct *wq = w->ks_wq;
    while (wq && wq->running == w && cs_thread_self() && ks_current() != wq->worker) {
        cs_thread_wait(wq->idle, 0);
        ks_jiffies();
    }
}

bool ks_flush_work(struct work_struct *w, const char *file, int line)
{
    ks_might_sleep(file, line, "flush_work");
    struct workqueue_struct *wq = w->ks_wq;
    bool waited = false;
    while (wq && (w->ks_pending || wq->running == w) && cs_thread_self() &&
           ks_current() != wq->worker) {
        cs_thread_wait(wq->idle, 0);
        ks_jiffies();
        waited = true;
    }
    return waited;
}

bool ks_cancel_work_sync(struct work_struct *w, const char *file, int line)
{
    ks_might_sleep(file, line, "cancel_work_sync");
    bool was = unqueue(w);
    wait_not_running(w);
    return was;
}

bool cancel_delayed_work(struct delayed_work *dw)
{
    bool t = del_timer(&dw->timer);
    return unqueue(&dw->work) || t;
}

bool ks_cancel_delayed_work_sync(struct delayed_work *dw, const char *file, int line)
{
    ks_might_sleep(file, line, "cancel_delayed_work_sync");
    bool was = cancel_delayed_work(dw);
    wait_not_running(&dw->work);
    return was;
}

void ks_flush_workqueue(struct workqueue_struct *wq, const char *file, int line)
{
    ks_might_sleep(file, line, "flush_workqueue");
    while ((!list_empty(&wq->pending) || wq->running) && cs_thread_self() &&
           ks_current() != wq->worker) {
        cs_thread_wait(wq->idle, 0);
        ks_jiffies();
    }
}

void destroy_workqueue(struct workqueue_struct *wq)
{
    ks_flush_workqueue(wq, __FILE__, __LINE__);
    wq->dying = 1;
    ks_wake_task(wq->worker);
    if (cs_thread_self())
        cs_thread_join(wq->worker->ks_thread);
    list_del(&wq->node);
    cs_event_free(wq->idle);
    free(wq);
}

/* ---- interrupts ----------------------------------------------------------------------- */

struct irq_call {
    struct ks_kernel *k;
    unsigned int irq;
};

static void irq_activation(void *arg)
{
    struct irq_call *c = arg;
    struct ks_irq_binding *b = &c->k->irqs[c->irq];
    if (b->handler)
        b->handler((int)c->irq, b->dev);
}

/* Called by the interrupt line (cs_irq) as an activation of its own; the handler runs in
 * hardirq context of the line's kernel. */
static void irq_line_handler(void *arg, unsigned line)
{
    struct ks_kernel *k = arg;
    struct irq_call c = {k, line};
    ks_run_activation(k, KS_CTX_HARDIRQ, "in an interrupt handler", irq_activation, &c);
}

static struct ks_irq_binding *binding(struct ks_kernel *k, unsigned int irq)
{
    if (irq >= k->dom->irqs.count)
        return NULL;
    if (k->nirqs < k->dom->irqs.count) {
        k->irqs = realloc(k->irqs, k->dom->irqs.count * sizeof(*k->irqs));
        if (!k->irqs)
            abort();
        memset(&k->irqs[k->nirqs], 0, (k->dom->irqs.count - k->nirqs) * sizeof(*k->irqs));
        k->nirqs = k->dom->irqs.count;
    }
    return &k->irqs[irq];
}

int ks_request_irq(unsigned int irq, irq_handler_t h, unsigned long flags, const char *name,
                   void *dev, const char *file, int line)
{
    (void)flags;
    (void)file;
    (void)line;
    struct ks_kernel *k = ks_current_kernel();
    struct ks_irq_binding *b = k ? binding(k, irq) : NULL;
    if (!b)
        return -EINVAL;
    if (b->handler)
        return -EBUSY;
    *b = (struct ks_irq_binding){h, dev, name, 0, k};
    cs_irq_set_handler(&k->dom->irqs, irq, irq_line_handler, k);
    cs_irq_set_masked(&k->dom->irqs, irq, 0);
    return 0;
}

const void *ks_free_irq(unsigned int irq, void *dev, const char *file, int line)
{
    struct ks_kernel *k = ks_current_kernel();
    struct ks_irq_binding *b = k ? binding(k, irq) : NULL;
    if (!b || !b->handler || b->dev != dev) {
        ks_report(KS_IRQ_IMBALANCE, file, line, "free_irq(%u) of an interrupt not requested", irq);
        return NULL;
    }
    const char *name = b->name;
    memset(b, 0, sizeof(*b));
    cs_irq_set_handler(&k->dom->irqs, irq, NULL, NULL);
    return name;
}

void ks_disable_irq(unsigned int irq, const char *file, int line)
{
    (void)file;
    (void)line;
    struct ks_kernel *k = ks_current_kernel();
    struct ks_irq_binding *b = k ? binding(k, irq) : NULL;
    if (!b)
        return;
    if (b->disable_depth++ == 0)
        cs_irq_set_masked(&k->dom->irqs, irq, 1);
}

void ks_enable_irq(unsigned int irq, const char *file, int line)
{
    struct ks_kernel *k = ks_current_kernel();
    struct ks_irq_binding *b = k ? binding(k, irq) : NULL;
    if (!b)
        return;
    if (b->disable_depth == 0) {
        ks_report(KS_IRQ_IMBALANCE, file, line, "unbalanced enable for IRQ %u", irq);
        return;
    }
    if (--b->disable_depth == 0)
        cs_irq_set_masked(&k->dom->irqs, irq, 0);
}
