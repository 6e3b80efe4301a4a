/* The vfio_ccw tracepoints (drivers/s390/cio/vfio_ccw_trace.h) as records on the subchannel's
 * css channel, in the payloads the ftrace import gives the same events (kinds 0x120-0x123 of
 * enum cs_css_ftrace_kind, docs/trace-format.md): SCHID as u8 cssid, u8 ssid, be16 sch_no,
 * C ints as be32. */
#include <string.h>

#include "ks_internal.h"
#include "cs_tap.h"

#include "css.h"

int ks_css_channel_of(struct subchannel_id schid);

enum {
    KS_TP_VFIO_CHP_EVENT = 0x120,
    KS_TP_VFIO_ASYNC_REQUEST = 0x121,
    KS_TP_VFIO_FSM_EVENT = 0x122,
    KS_TP_VFIO_IO_REQUEST = 0x123,
};

static void put_be32(u8 *p, u32 v)
{
    p[0] = (u8)(v >> 24);
    p[1] = (u8)(v >> 16);
    p[2] = (u8)(v >> 8);
    p[3] = (u8)v;
}

static void put_schid(u8 *p, struct subchannel_id schid)
{
    p[0] = (u8)schid.cssid;
    p[1] = (u8)schid.ssid;
    p[2] = (u8)(schid.sch_no >> 8);
    p[3] = (u8)schid.sch_no;
}

static void emit3(u16 kind, struct subchannel_id schid, int a, int b)
{
    struct ks_kernel *k = ks_current_kernel();
    int ch = ks_css_channel_of(schid);
    if (!k || ch < 0)
        return;
    u8 p[12];
    put_schid(p, schid);
    put_be32(p + 4, (u32)a);
    put_be32(p + 8, (u32)b);
    cs_tap_msg(&k->m->tap, (u16)ch, CS_TAP_INTERNAL, kind, p, sizeof(p));
}

void ks_tp_vfio_ccw_chp_event(struct subchannel_id schid, int mask, int event)
{
    emit3(KS_TP_VFIO_CHP_EVENT, schid, mask, event);
}

void ks_tp_vfio_ccw_fsm_async_request(struct subchannel_id schid, int command, int err)
{
    emit3(KS_TP_VFIO_ASYNC_REQUEST, schid, command, err);
}

void ks_tp_vfio_ccw_fsm_event(struct subchannel_id schid, int state, int event)
{
    emit3(KS_TP_VFIO_FSM_EVENT, schid, state, event);
}

void ks_tp_vfio_ccw_fsm_io_request(int fctl, struct subchannel_id schid, int err, char *errstr)
{
    struct ks_kernel *k = ks_current_kernel();
    int ch = ks_css_channel_of(schid);
    if (!k || ch < 0)
        return;
    u8 p[12 + 64];
    size_t n = errstr ? strnlen(errstr, 64) : 0;
    put_schid(p, schid);
    put_be32(p + 4, (u32)fctl);
    put_be32(p + 8, (u32)err);
    memcpy(p + 12, errstr, n);
    cs_tap_msg(&k->m->tap, (u16)ch, CS_TAP_INTERNAL, KS_TP_VFIO_IO_REQUEST, p, (u32)(12 + n));
}
