#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H
#include "kshim/types.h"
#include <linux/irqflags.h>

/* Contexts never run in parallel here, so a spinlock never spins; it records who holds it so
 * that sleeping with it held (K1), unlocking what is not held (K2, K3) and taking it twice
 * (K8) are reported. */
typedef struct spinlock {
    const void *holder; /* the context that holds it, NULL when free */
    const char *file;   /* where it was taken */
    int line;
    const char *name;
} spinlock_t;
typedef spinlock_t raw_spinlock_t;
typedef spinlock_t rwlock_t;

#define __SPIN_LOCK_UNLOCKED(n)                                                                    \
    {                                                                                              \
        NULL, NULL, 0, #n                                                                          \
    }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
#define DEFINE_RWLOCK(n)   rwlock_t n = __SPIN_LOCK_UNLOCKED(n)

void ks_spin_init(spinlock_t *l, const char *name);
void ks_spin_lock(spinlock_t *l, const char *file, int line);
int ks_spin_trylock(spinlock_t *l, const char *file, int line);
void ks_spin_unlock(spinlock_t *l, const char *file, int line);
int ks_spin_is_locked(const spinlock_t *l);

#define spin_lock_init(l) ks_spin_init(l, #l)
#define spin_lock(l)      ks_spin_lock(l, __FILE__, __LINE__)
#define spin_trylock(l)   ks_spin_trylock(l, __FILE__, __LINE__)
#define spin_unlock(l)    ks_spin_unlock(l, __FILE__, __LINE__)
#define spin_is_locked(l) ks_spin_is_locked(l)
#define spin_lock_bh(l)   spin_lock(l)
#define spin_unlock_bh(l) spin_unlock(l)
#define spin_lock_irq(l)                                                                           \
    do {                                                                                           \
        local_irq_disable();                                                                       \
        spin_lock(l);                                                                              \
    } while (0)
#define spin_unlock_irq(l)                                                                         \
    do {                                                                                           \
        spin_unlock(l);                                                                            \
        local_irq_enable();                                                                        \
    } while (0)
#define spin_lock_irqsave(l, flags)                                                                \
    do {                                                                                           \
        local_irq_save(flags);                                                                     \
        spin_lock(l);                                                                              \
    } while (0)
#define spin_unlock_irqrestore(l, flags)                                                           \
    do {                                                                                           \
        spin_unlock(l);                                                                            \
        local_irq_restore(flags);                                                                  \
    } while (0)
#define raw_spin_lock_init         spin_lock_init
#define raw_spin_lock              spin_lock
#define raw_spin_unlock            spin_unlock
#define raw_spin_lock_irqsave      spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore
#define rwlock_init                spin_lock_init
#define read_lock                  spin_lock
#define read_unlock                spin_unlock
#define write_lock                 spin_lock
#define write_unlock               spin_unlock
#define read_lock_irqsave          spin_lock_irqsave
#define read_unlock_irqrestore     spin_unlock_irqrestore
#define write_lock_irqsave         spin_lock_irqsave
#define write_unlock_irqrestore    spin_unlock_irqrestore
#define assert_spin_locked(l)      WARN_ON(!spin_is_locked(l))
#endif
