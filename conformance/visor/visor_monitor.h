/* The monitor of family "visor": Unisys s-Par channel rules U1-U19 (spec visor.md §2-§4),
 * checked passively from the firmware end's records of each channel ("visor.controlvm" and
 * "visor.<bus>.<dev>", kinds of docs/trace-format.md). The controlvm channel's monitor and the
 * device channels' monitors of one run share what controlvm announced about each device (its
 * type, whether it exists, whether it is paused). */
#ifndef VISOR_MONITOR_H
#define VISOR_MONITOR_H

#include "cs_monitor.h"

/* Obligations (an ACK, a response, a returned handle or buffer) still open this many cycles
 * before the end of a run or trace are reported by finish(); younger ones may be in flight.
 * 2 s at the default 1 GHz clock: the guest's slowest controlvm poll is 100 jiffies (1 s at
 * HZ=100) and a parahotplug disable waits up to 2 s for user space (spec §3.1, §3.5). */
#define VISOR_MON_OVERDUE_CYCLES 2000000000ull

extern const struct cs_monitor_class visor_monitor_class;

#endif
