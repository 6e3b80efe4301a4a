#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H
#include "kshim/types.h"
/* Sleeps pass simulated time in the calling task; busy-waits (udelay) too when called from a
 * task, and take no simulated time in an activation, which cannot wait. */
void ks_msleep(unsigned int ms, const char *file, int line);
void ks_delay_ns(u64 ns);
#define msleep(ms)               ks_msleep(ms, __FILE__, __LINE__)
#define msleep_interruptible(ms) (ks_msleep(ms, __FILE__, __LINE__), 0)
#define ssleep(s)                ks_msleep((s)*1000, __FILE__, __LINE__)
#define usleep_range(lo, hi)     ks_delay_ns((u64)(lo)*1000)
#define udelay(us)               ks_delay_ns((u64)(us)*1000)
#define ndelay(ns)               ks_delay_ns((u64)(ns))
#define mdelay(ms)               ks_delay_ns((u64)(ms)*1000000)
#endif
