#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H
#include <linux/jiffies.h>
#include <linux/list.h>
struct ks_kernel;
/* A timer fires as a softirq activation at its expiry in simulated time. The queued activation
 * is a shim record the timer points to; re-arming or deleting the timer cancels the record, so
 * the activation never touches a timer that was deleted (and perhaps freed) meanwhile. */
struct ks_shot;
struct timer_list {
    struct list_head entry;
    unsigned long expires;
    void (*function)(struct timer_list *t);
    u32 flags;
    struct ks_shot *ks_shot;
    int ks_pending;
    struct ks_kernel *ks_kernel;
};
#define TIMER_DEFERRABLE 0x1
#define TIMER_IRQSAFE    0x2
void ks_timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), u32 flags);
#define timer_setup(t, fn, flags) ks_timer_setup(t, fn, flags)
int mod_timer(struct timer_list *t, unsigned long expires);
void add_timer(struct timer_list *t);
int del_timer(struct timer_list *t);
#define del_timer_sync(t)            del_timer(t)
#define del_singleshot_timer_sync(t) del_timer(t)
#define timer_shutdown_sync(t)       del_timer(t)
#define timer_pending(t)             ((t)->ks_pending)
#define from_timer(var, t, field)    container_of(t, __typeof__(*var), field)
#define destroy_timer_on_stack(t)    ((void)(t))
#define timer_setup_on_stack         timer_setup
#endif
