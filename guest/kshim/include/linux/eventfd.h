/* eventfd: a counter a user process waits on; the kernel side signals it. A process makes one
 * with ks_sys_eventfd (kshim/vfio.h) and passes its fd to a driver, which takes a reference
 * with eventfd_ctx_fdget. */
#ifndef _LINUX_EVENTFD_H
#define _LINUX_EVENTFD_H
#include "kshim/types.h"
#include <linux/err.h>
struct eventfd_ctx;
struct eventfd_ctx *eventfd_ctx_fdget(int fd);
void eventfd_ctx_put(struct eventfd_ctx *ctx);
__u64 eventfd_signal(struct eventfd_ctx *ctx, __u64 n);
#endif
