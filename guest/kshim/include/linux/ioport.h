#ifndef _LINUX_IOPORT_H
#define _LINUX_IOPORT_H
#include "kshim/types.h"
struct resource {
    resource_size_t start, end;
    const char *name;
    unsigned long flags;
};
/* Firmware memory is not arbitrated between drivers here: every request succeeds. */
struct resource *ks_request_mem_region(resource_size_t start, resource_size_t n, const char *name);
#define request_mem_region(start, n, name) ks_request_mem_region(start, n, name)
#define release_mem_region(start, n)       ((void)(start), (void)(n))
#endif
