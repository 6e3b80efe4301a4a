#include "kshim/types.h"
/* Per-CPU variables: the simulation runs one CPU per kernel at a time and contexts never
 * overlap, so a per-CPU variable is one object and this_cpu_ptr its address. */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H
#define DECLARE_PER_CPU(type, name)         extern __typeof__(type) name
#define DECLARE_PER_CPU_ALIGNED(type, name) extern __typeof__(type) name
#define DEFINE_PER_CPU(type, name)          __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name)  __typeof__(type) name
#define this_cpu_ptr(p)                     (p)
#define per_cpu_ptr(p, cpu)                 ((void)(cpu), (p))
#endif
