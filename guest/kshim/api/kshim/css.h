/* The s390 channel subsystem under a guest kernel of the shim. The common I/O layer's
 * instructions (SSCH, TSCH, STSCH, MSCH, HSCH, CSCH, XSCH, RSCH, and the cio_* functions built
 * on them) go to a per-kernel table of operations, which a channel-subsystem model (or a test
 * double) provides; the model reports an I/O interruption with ks_css_io_interrupt, and the
 * shim then does what Linux does: TEST SUBCHANNEL into the per-CPU IRB and a call of the
 * subchannel driver's irq. See docs/vfio-ccw.md. */
#ifndef KSHIM_CSS_H
#define KSHIM_CSS_H

#include <stdint.h>

#include "cs_error.h"

struct ks_kernel;

/* Operands are guest-physical addresses (virt_to_phys of the kernel's pointer), of structures
 * in the architecture's big-endian layout. `sid` is the subsystem-identification word as
 * general register 1 holds it (ks_css_sid). Each returns the condition code 0..3, or a negative
 * program-interruption code (-1 operation, -4 protection, -5 addressing, -6 specification,
 * -21 operand...) when the instruction is suppressed by a program interruption: the kernel's
 * instruction wrapper then returns -EIO, as Linux's exception-table fixup does. NULL members
 * and a kernel without a table: condition code 3 (not operational). Called in the kernel's
 * context, often with the subchannel lock held: do not block, and report the interruption
 * that ends the function later, with ks_css_io_interrupt. */
struct ks_css_ops {
    int (*ssch)(void *ctx, uint32_t sid, uint64_t orb_gpa);
    int (*tsch)(void *ctx, uint32_t sid, uint64_t irb_gpa);
    int (*stsch)(void *ctx, uint32_t sid, uint64_t schib_gpa);
    int (*msch)(void *ctx, uint32_t sid, uint64_t schib_gpa);
    int (*hsch)(void *ctx, uint32_t sid);
    int (*csch)(void *ctx, uint32_t sid);
    int (*xsch)(void *ctx, uint32_t sid);
    int (*rsch)(void *ctx, uint32_t sid);
};

/* The table stays the caller's; NULL removes it. */
void ks_kernel_set_css_ops(struct ks_kernel *k, const struct ks_css_ops *ops, void *ctx);

static inline uint32_t ks_css_sid(unsigned ssid, unsigned sch_no)
{
    return 0x00010000u | ((ssid & 3u) << 17) | (sch_no & 0xffffu);
}

/* An I/O interruption for subchannel `sid` with its interruption parameter and ISC. It is
 * taken as an interrupt activation of the kernel (at the current simulated time, after the
 * caller returns, never inside the caller: a model may call this from its SSCH handler). The
 * shim then issues TSCH for the subchannel and, with condition code 0, hands the IRB to the
 * subchannel's driver. */
void ks_css_io_interrupt(struct ks_kernel *k, uint32_t sid, uint32_t intparm, unsigned isc);

/* Make subchannel `sid` known to the kernel, as the common I/O layer's scan would: STSCH
 * through the operations gives its type, paths and device number; the css driver bound to its
 * type probes it. Its records go to tap channel `channel` (family "css"); channel < 0 creates
 * one called "<kernel>.css.<cssid>.<ssid>.<schno>" (schno four hex digits). Fails on a
 * subchannel already present, no operations table, or STSCH condition code 3. */
int ks_css_subchannel_add(struct ks_kernel *k, uint32_t sid, int channel, cs_error *err);
/* Unbind and free it (its driver's remove runs). */
int ks_css_subchannel_remove(struct ks_kernel *k, uint32_t sid, cs_error *err);
/* The tap channel of a subchannel, -1 when the kernel does not know it. */
int ks_css_subchannel_channel(struct ks_kernel *k, uint32_t sid);

#endif
