#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H
#include "kshim/types.h"
#include <linux/atomic.h>
#include <linux/irqflags.h>
#include <linux/sched.h>

struct ks_shot;

typedef enum irqreturn { IRQ_NONE = 0, IRQ_HANDLED = 1, IRQ_WAKE_THREAD = 2 } irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev);
#define IRQF_SHARED       0x80
#define IRQF_TRIGGER_NONE 0
#define IRQF_ONESHOT      0x2000

/* `irq` is an interrupt line of the kernel's domain; the handler runs as a hardirq activation
 * on each rising edge while the line is enabled. */
int ks_request_irq(unsigned int irq, irq_handler_t h, unsigned long flags, const char *name,
                   void *dev, const char *file, int line);
#define request_irq(irq, h, flags, name, dev)                                                      \
    ks_request_irq(irq, h, flags, name, dev, __FILE__, __LINE__)
const void *ks_free_irq(unsigned int irq, void *dev, const char *file, int line);
#define free_irq(irq, dev) ks_free_irq(irq, dev, __FILE__, __LINE__)
void ks_disable_irq(unsigned int irq, const char *file, int line);
void ks_enable_irq(unsigned int irq, const char *file, int line);
#define disable_irq(irq)        ks_disable_irq(irq, __FILE__, __LINE__)
#define disable_irq_nosync(irq) ks_disable_irq(irq, __FILE__, __LINE__)
#define enable_irq(irq)         ks_enable_irq(irq, __FILE__, __LINE__)
#define synchronize_irq(irq)    ((void)(irq))

/* Tasklets run as softirq activations; a disabled tasklet stays scheduled until enabled. */
struct tasklet_struct {
    struct tasklet_struct *next;
    unsigned long state;
    atomic_t count;
    bool use_callback;
    union {
        void (*func)(unsigned long data);
        void (*callback)(struct tasklet_struct *t);
    };
    unsigned long data;
    struct ks_kernel *ks_kernel;
    struct ks_shot *ks_shot; /* the queued activation, cancelled by tasklet_kill */
};
#define TASKLET_STATE_SCHED 0
#define TASKLET_STATE_RUN   1
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data);
void tasklet_setup(struct tasklet_struct *t, void (*cb)(struct tasklet_struct *));
void tasklet_schedule(struct tasklet_struct *t);
#define tasklet_hi_schedule tasklet_schedule
void tasklet_disable(struct tasklet_struct *t);
#define tasklet_disable_nosync tasklet_disable
void tasklet_enable(struct tasklet_struct *t);
void ks_tasklet_kill(struct tasklet_struct *t, const char *file, int line);
#define tasklet_kill(t)             ks_tasklet_kill(t, __FILE__, __LINE__)
#define from_tasklet(var, t, field) container_of(t, __typeof__(*var), field)
#endif
