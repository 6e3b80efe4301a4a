#ifndef _LINUX_SCHED_SIGNAL_H
#define _LINUX_SCHED_SIGNAL_H
#include <linux/sched.h>
#define signal_pending(t)       ((t)->ks_sigpending)
#define fatal_signal_pending(t) ((t)->ks_sigpending)
#endif
