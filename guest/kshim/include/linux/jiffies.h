#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H
#include "kshim/ks.h"
/* Derived from simulated time. HZ is Debian's CONFIG_HZ; jiffies start 5 minutes before
 * wrapping 32 bits, as in Linux, so that wrap-around bugs show early. */
#define HZ               250
#define INITIAL_JIFFIES  ((unsigned long)(unsigned int)(-300 * HZ))
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)
/* A variable, as drivers read it directly; the shim refreshes it whenever guest code starts
 * running after simulated time has passed (a task wakes, an activation starts). */
extern volatile unsigned long jiffies;
unsigned long ks_jiffies(void);
#define jiffies_64                ((u64)jiffies)
#define get_jiffies_64()          ((u64)ks_jiffies())
#define time_after(a, b)          ((long)((b) - (a)) < 0)
#define time_before(a, b)         time_after(b, a)
#define time_after_eq(a, b)       ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)      time_after_eq(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a)  time_before(jiffies, a)
static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
    return ((unsigned long)ms * HZ + 999) / 1000;
}
static inline unsigned long usecs_to_jiffies(unsigned int us)
{
    return ((unsigned long)us * HZ + 999999) / 1000000;
}
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
    return (unsigned int)(j * 1000 / HZ);
}
static inline unsigned int jiffies_to_usecs(unsigned long j)
{
    return (unsigned int)(j * 1000000 / HZ);
}
#define LONG_MAX __LONG_MAX__
#endif
