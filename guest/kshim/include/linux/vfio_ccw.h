/* The vfio-ccw regions' layout is user ABI: the system's UAPI header (linux-libc-dev of the
 * same kernel release) defines it. */
#ifndef KSHIM_LINUX_VFIO_CCW_H
#define KSHIM_LINUX_VFIO_CCW_H
#include "kshim/types.h"
#include_next <linux/vfio_ccw.h>
#endif
