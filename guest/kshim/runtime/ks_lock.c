/* Spinlocks, mutexes and local interrupt state, with the checks a lockdep kernel makes. */
#include <stdio.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

static void hold(struct ks_ctx_state *s, const void *lock, const char *file, int line)
{
    if (s->nheld < KS_MAX_HELD)
        s->held[s->nheld++] = (struct ks_held){lock, file, line};
}

/* Returns 1 if `lock` was held by this context (and forgets it). */
static int release(struct ks_ctx_state *s, const void *lock)
{
    for (int i = s->nheld - 1; i >= 0; i--) {
        if (s->held[i].lock == lock) {
            if (i + 1 < s->nheld) /* (the last one taken, usually: nothing to move) */
                memmove(&s->held[i], &s->held[i + 1],
                        (size_t)(s->nheld - i - 1) * sizeof(s->held[0]));
            s->nheld--;
            return 1;
        }
    }
    return 0;
}

void ks_spin_init(spinlock_t *l, const char *name)
{
    l->holder = NULL;
    l->file = NULL;
    l->line = 0;
    l->name = name;
}

void ks_spin_lock(spinlock_t *l, const char *file, int line)
{
    struct ks_ctx_state *s = ks_state();
    if (l->holder == s) {
        ks_report(KS_RECURSIVE_LOCK, file, line,
                  "spinlock %s taken again by the context holding it since %s:%d: deadlock",
                  l->name ? l->name : "?", l->file, l->line);
        return;
    }
    if (l->holder) {
        /* The holder is not running (contexts never overlap here), so it slept or returned
         * with the lock held; on a real CPU this spins for ever. */
        ks_report(KS_LOCK_IMBALANCE, file, line,
                  "spinlock %s is held by another context that is not running (taken at %s:%d)",
                  l->name ? l->name : "?", l->file, l->line);
    }
    l->holder = s;
    l->file = file;
    l->line = line;
    hold(s, l, file, line);
}

int ks_spin_trylock(spinlock_t *l, const char *file, int line)
{
    if (l->holder)
        return 0;
    ks_spin_lock(l, file, line);
    return 1;
}

void ks_spin_unlock(spinlock_t *l, const char *file, int line)
{
    struct ks_ctx_state *s = ks_state();
    if (!l->holder) {
        ks_report(KS_DOUBLE_UNLOCK, file, line, "spinlock %s unlocked but not held",
                  l->name ? l->name : "?");
        return;
    }
    if (!release(s, l))
        ks_report(KS_LOCK_IMBALANCE, file, line,
                  "spinlock %s unlocked by a context that does not hold it (taken at %s:%d)",
                  l->name ? l->name : "?", l->file, l->line);
    l->holder = NULL;
}

int ks_spin_is_locked(const spinlock_t *l)
{
    return l->holder != NULL;
}

/* ---- interrupt state ------------------------------------------------------------------ */

unsigned long ks_irq_save(const char *file, int line)
{
    (void)file;
    (void)line;
    struct ks_ctx_state *s = ks_state();
    unsigned long was = (unsigned long)s->irqs_off;
    s->irqs_off = 1;
    /* The saved value carries a tag so that restoring something never saved is seen. */
    return 0x5a5a0000UL | was;
}

void ks_irq_restore(unsigned long flags, const char *file, int line)
{
    struct ks_ctx_state *s = ks_state();
    if ((flags & ~1UL) != 0x5a5a0000UL) {
        ks_report(KS_IRQ_IMBALANCE, file, line,
                  "local_irq_restore with flags that local_irq_save did not return");
        return;
    }
    if (!s->irqs_off)
        ks_report(KS_IRQ_IMBALANCE, file, line,
                  "local_irq_restore while interrupts are enabled: restored twice?");
    s->irqs_off = (int)(flags & 1);
}

void ks_irq_disable(const char *file, int line)
{
    (void)file;
    (void)line;
    ks_state()->irqs_off = 1;
}

void ks_irq_enable(const char *file, int line)
{
    (void)file;
    (void)line;
    ks_state()->irqs_off = 0;
}

int ks_irqs_disabled(void)
{
    struct ks_ctx_state *s = ks_state();
    return s->irqs_off || s->ctx == KS_CTX_HARDIRQ;
}

/* ---- mutexes -------------------------------------------------------------------------- */

void ks_mutex_init(struct mutex *m, const char *name)
{
    memset(m, 0, sizeof(*m));
    m->name = name;
}

void ks_mutex_destroy(struct mutex *m)
{
    if (m->ev)
        cs_event_free(m->ev);
    m->ev = NULL;
}

void ks_mutex_lock(struct mutex *m, const char *file, int line)
{
    struct ks_ctx_state *s = ks_state();
    ks_might_sleep(file, line, "mutex_lock");
    if (m->owner == s) {
        ks_report(KS_RECURSIVE_LOCK, file, line,
                  "mutex %s taken again by the task holding it since %s:%d: deadlock",
                  m->name ? m->name : "?", m->file, m->line);
        return;
    }
    while (m->owner && cs_thread_self() && s->ctx == KS_CTX_TASK) {
        if (!m->ev)
            m->ev = cs_event_new();
        cs_thread_wait(m->ev, 0);
        ks_jiffies();
    }
    m->owner = s;
    m->file = file;
    m->line = line;
}

int ks_mutex_trylock(struct mutex *m, const char *file, int line)
{
    if (m->owner)
        return 0;
    ks_mutex_lock(m, file, line);
    return 1;
}

void ks_mutex_unlock(struct mutex *m, const char *file, int line)
{
    struct ks_ctx_state *s = ks_state();
    if (!m->owner) {
        ks_report(KS_DOUBLE_UNLOCK, file, line, "mutex %s unlocked but not held",
                  m->name ? m->name : "?");
        return;
    }
    if (m->owner != s)
        ks_report(KS_LOCK_IMBALANCE, file, line,
                  "mutex %s unlocked by a task that does not own it (taken at %s:%d)",
                  m->name ? m->name : "?", m->file, m->line);
    m->owner = NULL;
    if (m->ev)
        cs_event_notify(m->ev);
}
