#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H
#include "kshim/types.h"
#include <asm/cpufeature.h>
/* CPUID as the simulated CPU answers it (the hypervisor's vendor leaf, see kshim/visor.h). */
void ks_cpuid(unsigned int op, unsigned int *eax, unsigned int *ebx, unsigned int *ecx,
              unsigned int *edx);
static inline void cpuid(unsigned int op, unsigned int *eax, unsigned int *ebx, unsigned int *ecx,
                         unsigned int *edx)
{
    ks_cpuid(op, eax, ebx, ecx, edx);
}
static inline unsigned int cpuid_eax(unsigned int op)
{
    unsigned int a, b, c, d;
    ks_cpuid(op, &a, &b, &c, &d);
    return a;
}
static inline unsigned int cpuid_ecx(unsigned int op)
{
    unsigned int a, b, c, d;
    ks_cpuid(op, &a, &b, &c, &d);
    return c;
}
#endif
