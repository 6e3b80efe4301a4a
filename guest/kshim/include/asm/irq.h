#include "kshim/types.h"
#include <linux/interrupt.h>
#ifndef _ASM_KSHIM_IRQ_H
#define _ASM_KSHIM_IRQ_H
/* s390 interruption statistics (/proc/interrupts): kept by nobody in the shim. */
enum interruption_class { IRQEXT_CLK, IRQIO_CIO, IRQIO_DAS, IRQIO_VIR, NR_ARCH_IRQS };
#define inc_irq_stat(irq) ((void)(irq))
#endif
