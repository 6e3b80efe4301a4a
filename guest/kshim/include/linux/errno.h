#ifndef _KSHIM_LINUX_ERRNO_H
#define _KSHIM_LINUX_ERRNO_H
/* The errno values are the host's Linux UAPI ones (the C library includes this very header
 * for them), plus the kernel-internal codes that never reach user space. */
#include_next <linux/errno.h>
#define ERESTARTSYS    512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ENOIOCTLCMD    515
#define ENOTSUPP       524
#endif
