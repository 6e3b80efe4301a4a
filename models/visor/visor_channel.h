/* One s-Par channel as the firmware owns it: the channel header and its signal queues in the
 * guest-physical memory of a domain (spec visor.md §2). The firmware creates the channel with
 * the server-side initialisation convention of §2.2, then inserts into the queues the guest
 * consumes and removes from the queues the guest produces, with the pre-increment, one-empty-slot
 * algorithms of §2.3. Before every operation it validates each header field the guest can
 * reach: a field that breaks the channel's invariants is reported once (a HEADER_FAULT record on
 * the tap, a one-line error) and the queue is not used any further; nothing is read or written
 * outside the channel. Every signal crossing is tapped (VISOR_K_SIGNAL). */
#ifndef VISOR_CHANNEL_H
#define VISOR_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_gmem.h"
#include "cs_tap.h"
#include "visor_wire.h"

#define VISOR_MAX_QUEUES 4

struct visor_queue_desc {
    uint32_t signal_size;
    uint32_t max_slots;
    uint32_t type;      /* queue header chtype */
    int guest_produces; /* 1: the guest inserts, the firmware removes */
};

struct visor_channel_desc {
    visor_guid type;
    uint32_t version;
    uint64_t bytes;        /* header.size: what the guest maps */
    uint64_t space_offset; /* ch_space_offset: first queue header */
    uint64_t slots_offset; /* slot array of queue 0; the others follow back to back */
    uint32_t nqueues;
    struct visor_queue_desc q[VISOR_MAX_QUEUES];
};

/* Outcome of insert/remove besides -1 (a header fault). */
enum { VISOR_OK = 0, VISOR_FULL = 1, VISOR_EMPTY = 1 };

struct visor_channel;

/* Lay the channel out at guest-physical `gpa` (zeroing `desc->bytes`) and tap its headers on
 * `tap_ch`. `tap` may be NULL (no record). */
int visor_channel_create(struct cs_gmem *mem, uint64_t gpa, const struct visor_channel_desc *desc,
                         struct cs_tap *tap, uint16_t tap_ch, const char *name,
                         struct visor_channel **out, cs_error *err);
void visor_channel_free(struct visor_channel *ch);

uint64_t visor_channel_gpa(const struct visor_channel *ch);
uint64_t visor_channel_bytes(const struct visor_channel *ch);
const char *visor_channel_name(const struct visor_channel *ch);
/* Host pointer to the channel's first byte (for the type-specific area after the header). */
uint8_t *visor_channel_base(const struct visor_channel *ch);

/* Firmware-side insert into a queue the guest consumes: VISOR_OK, VISOR_FULL (num_overflows
 * counted, nothing written) or -1 (header fault, reported in err). `msg` holds signal_size
 * bytes. */
int visor_channel_insert(struct visor_channel *ch, unsigned q, const void *msg, cs_error *err);
/* Firmware-side remove from a queue the guest produces: VISOR_OK, VISOR_EMPTY or -1. */
int visor_channel_remove(struct visor_channel *ch, unsigned q, void *msg, cs_error *err);
/* Signals waiting in queue q (0 when the header is broken). */
uint32_t visor_channel_pending(const struct visor_channel *ch, unsigned q);

/* Does the guest driver take interrupts on this channel? The channel header's features have
 * VISOR_DRIVER_ENABLES_INTS set and VISOR_DRIVER_DISABLES_INTS clear (spec visor.md §2.1). */
int visor_channel_wants_ints(const struct visor_channel *ch);

/* Validate every header field of the channel and of queue q (all queues when q < 0). 0 when
 * sound, else -1 with the first broken field named in err (also reported on the tap, once). */
int visor_channel_check(struct visor_channel *ch, int q, cs_error *err);
/* Has a header fault stopped this channel's queue q? */
int visor_channel_broken(const struct visor_channel *ch, unsigned q);

/* A hostile back-end (fault script) writes `width` (1, 2, 4, 8) bytes of `value` at `off` of
 * the channel header (q < 0) or of queue header q; the firmware's own record follows, so the
 * channel now lies to the guest. Tapped as CHANNEL_HEADER / QUEUE_HEADER. */
int visor_channel_poke(struct visor_channel *ch, int q, unsigned off, unsigned width,
                       uint64_t value, cs_error *err);

/* Counters kept by the firmware (also visible in the queue headers). */
struct visor_queue_stats {
    uint64_t sent, received, overflows;
};
void visor_channel_stats(const struct visor_channel *ch, unsigned q, struct visor_queue_stats *s);

/* Tap the current channel header and all queue headers (after the guest or the firmware changed
 * them, e.g. at a pause). */
void visor_channel_tap_headers(struct visor_channel *ch);

#endif
