/* Channel-report words: a bounded queue, overflow marking and chaining (PoP "Channel-Report
 * Word"; the layout of Linux's struct crw). */
#include "css_internal.h"

#include <string.h>

#include "cs_machine.h"
#include "css_wire.h"

#define CRW_OVERFLOW  0x20000000u
#define CRW_CHAINED   0x10000000u
#define CRW_RSC_SCH   0x3u /* reporting source: subchannel */
#define CRW_ERC_IPARM 0x4u /* installed parameters initialized */

static void crw_signal(void *arg)
{
    struct css *c = arg;
    if (c->crw_fn && c->ncrw)
        c->crw_fn(c->crw_ctx);
}

static void crw_push(struct css *c, uint32_t crw)
{
    if (c->ncrw == CSS_CRW_QUEUE) {
        /* lost: the next CRW stored says so */
        c->crw_overflow = 1;
        return;
    }
    c->crw[c->ncrw++] = crw;
}

/* A subchannel CRW; a second, chained one carries the cssid and ssid when either is nonzero
 * (where Linux's css_process_crw looks for them). Both or neither are queued. */
void css_crw_queue_sch(struct css *c, const struct css_subch *s)
{
    uint32_t crw = CRW_RSC_SCH << 24 | CRW_ERC_IPARM << 16 | s->schno;
    int chain = s->cssid || s->ssid;
    if (c->ncrw + (chain ? 2u : 1u) > CSS_CRW_QUEUE) {
        c->crw_overflow = 1;
        return;
    }
    int was_empty = c->ncrw == 0;
    if (chain) {
        crw_push(c, crw | CRW_CHAINED);
        crw_push(c, CRW_RSC_SCH << 24 | CRW_ERC_IPARM << 16 | (uint32_t)s->cssid << 8 |
                        (uint32_t)s->ssid << 4);
    } else {
        crw_push(c, crw);
    }
    if (was_empty && c->crw_fn)
        cs_sched_after(c->m->sched, 0, crw_signal, c);
}

int css_stcrw(struct css *c, uint64_t gpa)
{
    int cc;
    uint32_t crw = 0;
    if (gpa & 3)
        cc = -CSS_PGM_SPECIFICATION;
    else if (!cs_gmem_ptr(c->mem, gpa, 4))
        cc = -CSS_PGM_ADDRESSING; /* suppressing: the CRW stays queued */
    else if (!c->ncrw) {
        cc = 1;
    } else {
        cc = 0;
        crw = c->crw[0];
        if (c->crw_overflow) {
            crw |= CRW_OVERFLOW;
            c->crw_overflow = 0;
        }
        memmove(c->crw, c->crw + 1, (c->ncrw - 1) * sizeof(c->crw[0]));
        c->ncrw--;
    }
    if (cc >= 0) {
        uint8_t *p = cs_gmem_ptr(c->mem, gpa, 4);
        p[0] = (uint8_t)(crw >> 24);
        p[1] = (uint8_t)(crw >> 16);
        p[2] = (uint8_t)(crw >> 8);
        p[3] = (uint8_t)crw;
    }
    uint8_t r[12] = {0};
    uint32_t ccw = (uint32_t)(cc < 0 ? -5 : cc);
    r[0] = (uint8_t)(ccw >> 24);
    r[1] = (uint8_t)(ccw >> 16);
    r[2] = (uint8_t)(ccw >> 8);
    r[3] = (uint8_t)ccw;
    r[4] = (crw >> 30) & 1;
    r[5] = (crw >> 29) & 1;
    r[6] = (crw >> 28) & 1;
    r[7] = (crw >> 24) & 0xf;
    r[8] = (crw >> 23) & 1;
    r[9] = (crw >> 16) & 0x3f;
    r[10] = (uint8_t)(crw >> 8);
    r[11] = (uint8_t)crw;
    cs_tap_msg(&c->m->tap, c->chan, CS_TAP_TO_FW, CSS_K_STCRW, r, sizeof(r));
    return cc;
}
