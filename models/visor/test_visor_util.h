/* The guest end of a channel for tests: insert and remove as the guest driver's channel.c does
 * (spec visor.md §2.3), trusting the header the firmware wrote, and a bench of memory, scheduler
 * and tap. */
#ifndef TEST_VISOR_UTIL_H
#define TEST_VISOR_UTIL_H

#include <stdint.h>

#include "cs_gmem.h"
#include "cs_sched.h"
#include "cs_tap.h"

struct vt_bench {
    struct cs_gmem mem;
    struct cs_sched *sched;
    struct cs_tap tap;
    unsigned kinds[8][3]; /* [kind][direction] seen on the tap */
    char last_fault[512];
};

void vt_bench_init(struct vt_bench *b, uint64_t mem_bytes);
void vt_bench_release(struct vt_bench *b);
uint16_t vt_bench_channel(struct vt_bench *b, const char *name);

/* Guest-side queue operations on the channel at `gpa`: 0 done, 1 full / empty. */
int vt_guest_insert(struct cs_gmem *m, uint64_t gpa, unsigned q, const void *msg);
int vt_guest_remove(struct cs_gmem *m, uint64_t gpa, unsigned q, void *msg);
/* The queue header field at `off` of queue q. */
uint8_t *vt_queue_field(struct cs_gmem *m, uint64_t gpa, unsigned q, unsigned off);

#endif
