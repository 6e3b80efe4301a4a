/* The s390 channel subsystem of one domain: subchannel sets with their SCHIBs, the I/O
 * instructions, the start function (channel-program interpretation, css_program.c), I/O
 * interruptions by ISC and channel-report words. Pure C protocol state: timing comes from the
 * "css.*" calibration entries (css_timing.c), work is done in activations of the machine's
 * queue, and every message crossing the boundary goes through the machine's tap (css_wire.h).
 *
 * All structures the guest hands over (ORB, SCHIB, IRB, CCW, IDAW, CRW) live in the domain's
 * guest-physical memory, big-endian, in the z/Architecture layouts (docs/css.md). */
#ifndef CSS_H
#define CSS_H

#include <stdint.h>

#include "cs_error.h"
#include "css_device.h"

struct cs_domain;
struct css;

/* Program-interruption codes; instructions return them negated. */
#define CSS_PGM_PROTECTION    0x04
#define CSS_PGM_ADDRESSING    0x05
#define CSS_PGM_SPECIFICATION 0x06
#define CSS_PGM_OPERAND       0x15

/* Subsystem-identification word (GR1): cssid in bits 0-7 with M (0x00080000) when nonzero,
 * ssid in bits 13-14, the one bit 0x00010000, the subchannel number in bits 16-31. */
#define CSS_SID_ONE 0x00010000u
#define CSS_SID_M   0x00080000u
uint32_t css_sid(uint8_t cssid, uint8_t ssid, uint16_t schno);

/* The CSS of a domain: guest memory dom->mem, queue dom->machine->sched, tap
 * dom->machine->tap, costs from dom->calib (the css_cost_table entries must be there).
 * Free it only once the machine's queue no longer runs. */
int css_create(struct cs_domain *dom, struct css **out, cs_error *err);
void css_free(struct css *c);

/* A device at the first free subchannel of set (cssid, ssid): DNV=1, not enabled, one channel
 * path (PIM=PAM=0x80, POM=0xff, CHPID 0 = chpid). *sid_out receives the subsystem-
 * identification word. A subchannel CRW (installed parameters initialized) is queued. */
int css_attach_device(struct css *c, uint8_t cssid, uint8_t ssid, uint16_t devno, uint8_t chpid,
                      const struct css_device_ops *ops, void *dev, uint32_t *sid_out,
                      cs_error *err);
/* Remove the device: any running program is ended on the device, the subchannel becomes a
 * hole (STSCH stores zeros), a subchannel CRW is queued. Returns -1 for an unknown sid. */
int css_detach_device(struct css *c, uint32_t sid, cs_error *err);
/* The subchannel holding devno in set (cssid, ssid); -1 when none. */
int css_find_devno(const struct css *c, uint8_t cssid, uint8_t ssid, uint16_t devno,
                   uint32_t *sid_out);

/* The tap channel of subchannel sid (its records, family "css"), so that the kernel side can
 * put its own records (vfio_ccw events) beside them; -1 for no such subchannel. */
int css_subchannel_channel(struct css *c, uint32_t sid);

/* Instructions. Operands are guest-physical addresses; each returns cc 0..3 or a negated
 * program-interruption code, checked in the architected order (docs/css.md). */
int css_ssch(struct css *c, uint32_t sid, uint64_t orb_gpa);
int css_stsch(struct css *c, uint32_t sid, uint64_t schib_gpa);
int css_msch(struct css *c, uint32_t sid, uint64_t schib_gpa);
int css_tsch(struct css *c, uint32_t sid, uint64_t irb_gpa);
int css_hsch(struct css *c, uint32_t sid);
int css_csch(struct css *c, uint32_t sid);
int css_rsch(struct css *c, uint32_t sid);
int css_xsch(struct css *c, uint32_t sid);
/* TEST PENDING INTERRUPTION: takes the highest-priority pending I/O interruption of an enabled
 * ISC (cc0) or finds none (cc1). gpa != 0: the two-word interruption code (sid, intparm) is
 * stored there; gpa == 0: the three words (sid, intparm, interruption-identification word)
 * go to code[] instead of the lowcore. code may be NULL. */
int css_tpi(struct css *c, uint64_t gpa, uint32_t code[3]);
/* STORE CHANNEL REPORT WORD: cc0 and the oldest CRW stored, or cc1 and zeros. */
int css_stcrw(struct css *c, uint64_t crw_gpa);

/* I/O interruptions: fn is called, as an activation of the machine's queue at the simulated
 * time the status becomes pending, for an enabled subchannel whose ISC is enabled; the call
 * is the CPU taking the interruption (it is no longer pending for TPI). */
typedef void (*css_io_handler_fn)(void *ctx, uint32_t sid, uint32_t intparm, unsigned isc);
void css_set_io_handler(struct css *c, css_io_handler_fn fn, void *ctx);
/* The ISC mask of control register 6 (bit 0x80 >> isc enables ISC isc); all enabled at
 * creation. Enabling an ISC delivers the interruptions waiting on it. */
void css_set_isc_mask(struct css *c, uint8_t mask);
/* Channel-report-pending machine checks: fn is called (as an activation) when a CRW is queued
 * while none was pending. */
void css_set_crw_handler(struct css *c, void (*fn)(void *ctx), void *ctx);

/* Called before the channel subsystem touches [gpa, gpa+len) for a CCW, IDAW or data
 * transfer (write: storage is written); nonzero means not accessible: the program ends with
 * a protection check, or, for CSS_ACCESS_DATA_ERROR, with a channel-data check (the storage
 * has an uncorrectable error; format-0 ESW with the failing-storage address). */
#define CSS_ACCESS_DATA_ERROR 2
typedef int (*css_access_fn)(void *ctx, uint64_t gpa, uint64_t len, int write);
void css_set_access_check(struct css *c, css_access_fn fn, void *ctx);

#endif
