/* The monitor of family "crq": PAPR CRQ facility rules C1-C9 and VMC protocol rules V1-V10
 * (crq-vmc.md §2.7), checked passively from one VIO adapter's channel (crq_wire.h). */
#ifndef CRQ_MONITOR_H
#define CRQ_MONITOR_H

#include "cs_monitor.h"

/* Obligations (an answer, an interrupt) still open this many cycles before the end of a run
 * or trace are reported by finish(); younger ones may be in flight when a run is cut off by
 * its time limit. 10 ms at the default 1 GHz clock; the hypervisor answers in microseconds. */
#define CRQ_MON_OVERDUE_CYCLES 10000000ull

extern const struct cs_monitor_class crq_monitor_class;

#endif
