/* Fault scripts of a visor device (attribute fault='...'): what a failing or hostile service
 * partition does to the guest, at simulated times. Words, blank or comma separated:
 *   crash@T           the IO partition goes down: in-flight work lost, nothing served; the
 *                     command partition pauses the device (DEVICE_CHANGESTATE standby)
 *   recover@T         the partition comes back; the command partition resumes the device
 *                     (DEVICE_CHANGESTATE running) once the pause was answered
 *   destroy@T         DEVICE_DESTROY of the device while it is busy (BUS_DESTROY follows when
 *                     it was the bus's last device)
 *   link-down@T, link-up@T   vnic link status
 *   poke:WHERE.FIELD=V@T     a hostile back-end writes a header field: WHERE is ch (channel
 *                     header) or q0..q3; FIELD a name of spec visor.md §2.1/§2.2 (signature,
 *                     size, ch_space_offset, version_id, features, max_slots, signal_size,
 *                     sig_base_offset, head, tail, ...)
 * T is a duration (5ms, 200us, ...). */
#ifndef VISOR_FAULT_H
#define VISOR_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

enum visor_fault_kind {
    VISOR_FAULT_CRASH,
    VISOR_FAULT_RECOVER,
    VISOR_FAULT_DESTROY,
    VISOR_FAULT_LINK_DOWN,
    VISOR_FAULT_LINK_UP,
    VISOR_FAULT_POKE,
};

struct visor_fault_event {
    enum visor_fault_kind kind;
    uint64_t at_ns;
    int queue; /* poke: -1 channel header, else queue index */
    unsigned off, width;
    uint64_t value;
};

/* Parse a script into a newly allocated array (free() it); errors name `where` and the word. */
int visor_fault_parse(const char *script, const char *where, struct visor_fault_event **out,
                      size_t *n, cs_error *err);

#endif
