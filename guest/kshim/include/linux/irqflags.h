#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H
#include "kshim/types.h"
/* Local interrupt state per context: saved and restored values must pair up (K4). */
unsigned long ks_irq_save(const char *file, int line);
void ks_irq_restore(unsigned long flags, const char *file, int line);
void ks_irq_disable(const char *file, int line);
void ks_irq_enable(const char *file, int line);
int ks_irqs_disabled(void);
#define local_irq_save(flags)    ((flags) = ks_irq_save(__FILE__, __LINE__))
#define local_irq_restore(flags) ks_irq_restore(flags, __FILE__, __LINE__)
#define local_irq_disable()      ks_irq_disable(__FILE__, __LINE__)
#define local_irq_enable()       ks_irq_enable(__FILE__, __LINE__)
#define irqs_disabled()          ks_irqs_disabled()
#define local_bh_disable()       ((void)0)
#define local_bh_enable()        ((void)0)
#endif
