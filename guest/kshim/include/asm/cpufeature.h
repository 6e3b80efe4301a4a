#ifndef _ASM_CPUFEATURE_H
#define _ASM_CPUFEATURE_H
/* Feature numbers are word*32+bit as in the kernel; only the hypervisor bit is modelled. */
#define X86_FEATURE_HYPERVISOR (4 * 32 + 31)
int ks_cpu_has(int feature);
#define boot_cpu_has(f)   ks_cpu_has(f)
#define static_cpu_has(f) ks_cpu_has(f)
#endif
