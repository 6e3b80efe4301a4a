/* Interruption subclasses the common I/O layer gives each kind of subchannel. */
#ifndef _ASM_S390_ISC_H
#define _ASM_S390_ISC_H

#define MAX_ISC       7
#define IO_SCH_ISC    3
#define CONSOLE_ISC   1
#define EADM_SCH_ISC  4
#define CHSC_SCH_ISC  7
#define VFIO_CCW_ISC  IO_SCH_ISC
#define QDIO_AIRQ_ISC IO_SCH_ISC
#define PCI_ISC       2
#define GAL_ISC       5
#define AP_ISC        6

/* Enable or disable an ISC in control register 6: the shim delivers every I/O interruption
 * to the kernel, so these only count users (ks_css.c). */
void isc_register(unsigned int isc);
void isc_unregister(unsigned int isc);

#endif
