/* struct eckd_mem over a domain's guest-physical memory: a bump allocator in a window
 * [base, end) of it, for programs, parameters, IDAW lists, ORBs and IRBs. */
#ifndef ECKD_GMEM_H
#define ECKD_GMEM_H

#include "cs_gmem.h"
#include "eckd_ccw.h"

struct eckd_gmem {
    struct cs_gmem *mem;
    uint64_t base, end, next;
};

/* Set up g and m (m->ctx = g); the window must lie in guest memory. */
int eckd_gmem_init(struct eckd_gmem *g, struct eckd_mem *m, struct cs_gmem *mem, uint64_t base,
                   uint64_t end, cs_error *err);
/* Give the whole window back (the programs built in it are no longer needed). */
void eckd_gmem_reset(struct eckd_gmem *g);

#endif
