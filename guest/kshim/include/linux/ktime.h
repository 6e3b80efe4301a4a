#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H
#include "kshim/ks.h"
typedef s64 ktime_t;
struct timespec64 {
    s64 tv_sec;
    long tv_nsec;
};
#define NSEC_PER_SEC  1000000000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_USEC 1000L
#define USEC_PER_SEC  1000000L
#define MSEC_PER_SEC  1000L
static inline ktime_t ktime_get(void)
{
    return (ktime_t)ks_now_ns();
}
#define ktime_get_ns()       ((u64)ktime_get())
#define ktime_get_boottime() ktime_get()
#define ktime_get_real()     ktime_get()
#define ktime_to_ns(t)       ((s64)(t))
#define ktime_to_us(t)       ((s64)(t) / 1000)
#define ktime_to_ms(t)       ((s64)(t) / 1000000)
#define ktime_set(s, ns)     ((ktime_t)(s)*NSEC_PER_SEC + (ns))
#define ns_to_ktime(ns)      ((ktime_t)(ns))
#define ms_to_ktime(ms)      ((ktime_t)(ms)*NSEC_PER_MSEC)
#define ktime_add(a, b)      ((a) + (b))
#define ktime_sub(a, b)      ((a) - (b))
#define ktime_add_ns(t, ns)  ((t) + (ns))
#define ktime_add_us(t, us)  ((t) + (us)*1000)
#define ktime_us_delta(a, b) (((a) - (b)) / 1000)
#define ktime_ms_delta(a, b) (((a) - (b)) / 1000000)
#define ktime_compare(a, b)  ((a) < (b) ? -1 : (a) > (b))
static inline void ktime_get_real_ts64(struct timespec64 *ts)
{
    u64 ns = ks_now_ns();
    ts->tv_sec = (s64)(ns / NSEC_PER_SEC);
    ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}
#endif
