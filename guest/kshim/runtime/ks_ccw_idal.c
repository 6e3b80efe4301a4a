/* IDAW byte order for vfio_ccw_cp on a little-endian host.
 *
 * vfio_ccw_cp.c keeps IDAWs in `unsigned long`: it reads the guest's IDAL into host integers
 * (copy_from_iova into `u64 iova` and `unsigned long *idaws`) and writes the translated IDAL
 * as host integers (page_array_idal_create_words). On s390 that is the architecture's
 * big-endian format-2 IDAW; on x86 neither the guest's nor the channel subsystem's view
 * matches (docs/findings.md). CCWs and ORBs are big-endian structures in the shim, so only the
 * IDALs need adapting, at the two boundaries the shim owns:
 *  - the I/O-region write: before the driver translates, the guest IDALs the ORB reaches are
 *    presented to it in host order (swapped in the VM's memory, and swapped back when the
 *    write returns: the VM, blocked in its write, never sees the host-order form);
 *  - START SUBCHANNEL: the IDALs of the translated program are put into big-endian order
 *    before the channel subsystem is given the ORB. The driver never reads them again (it
 *    frees them through the CCW's data address).
 * The walk follows the channel program as the driver does (ccwchain_calc_length,
 * ccwchain_loop_tic): CCWs in sequence while chained, each TIC's target as a new chain, at
 * most 16 chains of 256 CCWs. An IDAL is converted once even when several CCWs name it.
 *
 * The same translation assumes kernel virtual addresses equal physical ones (s390's identity
 * mapping): a TIC's data address is the low 32 bits of a kernel pointer, and the SCSW's CCW
 * address is compared with such bits (cp_update_scsw). So at SSCH a TIC address that is the
 * low half of a pointer into kernel memory becomes that memory's guest-physical address, and
 * the SCSW the driver receives has its CCW address put back in pointer form
 * (ks_ccw_cpa_to_pointer_bits). */
#include <stdlib.h>
#include <string.h>

#include "ks_vfio_internal.h"
#include <linux/io.h>
#include <asm/cio.h>
#include <asm/idals.h>
#include <asm/scsw.h>

#include "orb.h"

#define MAX_CHAINS 16
#define MAX_CCWS   256

static u64 be64_at(const u8 *p)
{
    u64 v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void swap8(u8 *p)
{
    for (int i = 0; i < 4; i++) {
        u8 t = p[i];
        p[i] = p[7 - i];
        p[7 - i] = t;
    }
}

struct ccw_view {
    u8 cmd, flags;
    u16 count;
    u32 cda;
};

static struct ccw_view decode(const u8 *b, int fmt1)
{
    struct ccw_view c;
    c.cmd = b[0];
    if (fmt1) {
        c.flags = b[1];
        c.count = (u16)(b[2] << 8 | b[3]);
        c.cda = (u32)b[4] << 24 | (u32)b[5] << 16 | (u32)b[6] << 8 | b[7];
    } else {
        c.cda = (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
        c.flags = b[4];
        c.count = (u16)(b[6] << 8 | b[7]);
    }
    return c;
}

static int is_tic(const struct ccw_view *c, int fmt1)
{
    return fmt1 ? c->cmd == CCW_CMD_TIC : (c->cmd & 0x0f) == CCW_CMD_TIC;
}

/* The pointer into the current kernel's memory whose low 32 bits are v, NULL if none. */
static u8 *low32_to_host(u32 v)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return NULL;
    uintptr_t base = (uintptr_t)k->dom->mem.host, cand = (base & ~(uintptr_t)0xffffffffu) | v;
    if (cand < base)
        cand += (uintptr_t)1 << 32;
    return cand < base + k->dom->mem.size ? (u8 *)cand : NULL;
}

u32 ks_ccw_cpa_to_pointer_bits(u32 gpa)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k || gpa >= k->dom->mem.size)
        return gpa;
    return (u32)(uintptr_t)(k->dom->mem.host + gpa);
}

/* Where a program's addresses point in host memory. */
typedef u8 *(*resolve_fn)(void *ctx, u64 addr, u64 len);

/* Every IDAL the program reaches from `cpa`: fn(ctx, idal, nwords), each once. `host_order`
 * says how the IDAWs are stored now (for the first IDAW's block offset). */
static void walk(u32 cpa, int fmt1, int host_order, resolve_fn resolve, void *rctx,
                 struct ks_ccw_idal_swap *s)
{
    u32 chains[MAX_CHAINS];
    int nchains = 0, done = 0;
    /* TICs already made guest-physical: a loop (Search; TIC *-8) brings the walk back over its
     * own TIC, whose address must not be taken for pointer bits a second time. */
    const u8 *converted[MAX_CHAINS * 4];
    int nconverted = 0;
    chains[nchains++] = cpa;
    while (done < nchains) {
        u32 at = chains[done++];
        for (int i = 0; i < MAX_CCWS; i++, at += 8) {
            u8 *b = resolve(rctx, at, 8);
            if (!b)
                break;
            struct ccw_view c = decode(b, fmt1);
            int again = 0;
            for (int j = 0; j < nconverted; j++)
                again |= converted[j] == b;
            if (is_tic(&c, fmt1) && host_order && fmt1 && !again) {
                u8 *target = low32_to_host(c.cda);
                if (nconverted < (int)(sizeof(converted) / sizeof(converted[0])))
                    converted[nconverted++] = b;
                if (target) { /* a kernel pointer's low half: make it guest-physical */
                    c.cda = (u32)(target - ks_current_kernel()->dom->mem.host);
                    b[4] = (u8)(c.cda >> 24);
                    b[5] = (u8)(c.cda >> 16);
                    b[6] = (u8)(c.cda >> 8);
                    b[7] = (u8)c.cda;
                }
            }
            if (is_tic(&c, fmt1)) {
                int seen = 0;
                for (int j = 0; j < nchains; j++)
                    seen |= chains[j] == c.cda;
                if (!seen && nchains < MAX_CHAINS)
                    chains[nchains++] = c.cda;
                continue;
            }
            if (c.flags & CCW_FLAG_IDA) {
                u8 *idal = resolve(rctx, c.cda, 8);
                if (idal) {
                    u64 first;
                    if (host_order)
                        memcpy(&first, idal, 8);
                    else
                        first = be64_at(idal);
                    unsigned n = idal_nr_words((void *)(uintptr_t)first, c.count ? c.count : 1);
                    u8 *all = resolve(rctx, c.cda, (u64)n * 8);
                    int overlap = 0;
                    for (size_t j = 0; all && j < s->n && !overlap; j++)
                        overlap = all < s->idal[j] + 8 * s->len[j] && s->idal[j] < all + 8 * n;
                    if (all && !overlap) {
                        if (s->n == s->cap) {
                            s->cap = s->cap ? 2 * s->cap : 16;
                            s->idal = realloc(s->idal, s->cap * sizeof(*s->idal));
                            s->len = realloc(s->len, s->cap * sizeof(*s->len));
                            if (!s->idal || !s->len)
                                abort();
                        }
                        s->idal[s->n] = all;
                        s->len[s->n++] = n;
                    }
                }
            }
            if (!(c.flags & (CCW_FLAG_CC | CCW_FLAG_DC)))
                break;
        }
    }
}

static void swap_all(struct ks_ccw_idal_swap *s)
{
    for (size_t i = 0; i < s->n; i++)
        for (unsigned w = 0; w < s->len[i]; w++)
            swap8(s->idal[i] + 8 * w);
}

static u8 *resolve_guest(void *ctx, u64 addr, u64 len)
{
    return ks_vfio_iova_to_host(ctx, addr, len);
}

void ks_ccw_guest_idals_to_host(struct ks_vfio *v, const u8 *io_region, struct ks_ccw_idal_swap *s)
{
    union orb orb;
    union scsw scsw;
    memset(&orb, 0, sizeof(orb));
    memcpy(&orb, io_region, 12);
    memcpy(&scsw, io_region + 12, sizeof(scsw));
    /* Only what the driver translates: a start function in command mode with format-2
     * IDAWs of 4 KiB blocks (it refuses IDA CCWs under any other ORB). */
    if (!(scsw.cmd.fctl & SCSW_FCTL_START_FUNC) || orb.tm.b || !orb.cmd.c64 || orb.cmd.i2k)
        return;
    walk(orb.cmd.cpa, orb.cmd.fmt, 0, resolve_guest, v, s);
    swap_all(s);
}

void ks_ccw_guest_idals_restore(struct ks_ccw_idal_swap *s)
{
    swap_all(s);
    free(s->idal);
    free(s->len);
    memset(s, 0, sizeof(*s));
}

static u8 *resolve_kernel(void *ctx, u64 addr, u64 len)
{
    (void)ctx;
    u8 *p = phys_to_virt(addr), *last = phys_to_virt(addr + len - 1);
    return p && last ? p : NULL;
}

void ks_ccw_host_idals_to_be(union orb *orb)
{
    if (orb->tm.b || !orb->cmd.c64 || orb->cmd.i2k)
        return;
    struct ks_ccw_idal_swap s = {0};
    walk(orb->cmd.cpa, orb->cmd.fmt, 1, resolve_kernel, NULL, &s);
    swap_all(&s);
    free(s.idal);
    free(s.len);
}
