/* `chansim convert --to vcd`: waveforms of what a trace says about each channel, for GTKWave:
 * per CRQ adapter the queue occupancy (elements written and not yet seen consumed), the
 * interrupt line (a pulse per interrupt) and whether a queue is registered. Channels of other
 * families get signals as their families define them. */
#include "export_vcd.h"

#include <stdlib.h>
#include <string.h>

#include "crq_wire.h"
#include "cs_trace.h"
#include "cs_vcd.h"

struct chan {
    int crq;
    int occupancy, irq, registered; /* signal indices */
    uint64_t occ;
    int irq_high;
    uint64_t irq_low_at;
};

int export_vcd(const char *trace_dir, FILE *out, cs_error *err)
{
    cs_trace_reader *r;
    if (cs_trace_reader_open(&r, trace_dir, err) < 0)
        return -1;
    size_t n = cs_trace_reader_channels(r);
    struct chan *c = calloc(n ? n : 1, sizeof(*c));
    if (!c)
        abort();
    struct cs_vcd *v = cs_vcd_new(out);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cs_trace_reader_channel_family(r, i), "crq") != 0)
            continue;
        const char *name = cs_trace_reader_channel_name(r, i);
        c[i].crq = 1;
        c[i].occupancy = cs_vcd_signal(v, name, "queue_occupancy", 32);
        c[i].irq = cs_vcd_signal(v, name, "irq", 1);
        c[i].registered = cs_vcd_signal(v, name, "queue_registered", 1);
    }
    uint64_t hz = cs_trace_reader_clock_hz(r);
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got, rc = 0;
    while ((got = cs_trace_reader_next(r, &ev, err)) == 1) {
        uint64_t t = (uint64_t)((unsigned __int128)ev.cycles * 1000000000u / (hz ? hz : 1));
        /* interrupt pulses end 1 ns after they start, before anything later is drawn */
        for (size_t i = 0; i < n && rc == 0; i++)
            if (c[i].irq_high && c[i].irq_low_at <= t) {
                rc = cs_vcd_change(v, c[i].irq_low_at, c[i].irq, 0, err);
                c[i].irq_high = 0;
            }
        last = t;
        if (rc < 0 || ev.type != CS_TRACE_MSG || ev.channel >= n || !c[ev.channel].crq)
            continue;
        struct chan *ch = &c[ev.channel];
        switch (ev.kind) {
        case CRQ_K_ELEMENT:
            rc = cs_vcd_change(v, t, ch->occupancy, ++ch->occ, err);
            break;
        case CRQ_K_CONSUMED:
            if (ch->occ)
                rc = cs_vcd_change(v, t, ch->occupancy, --ch->occ, err);
            break;
        case CRQ_K_IRQ:
            rc = cs_vcd_change(v, t, ch->irq, 1, err);
            ch->irq_high = 1;
            ch->irq_low_at = t + 1;
            break;
        case CRQ_K_QUEUE_STATE:
            if (ev.len >= 4) {
                uint32_t st = crq_be32(ev.payload);
                rc = cs_vcd_change(v, t, ch->registered, st != CRQ_Q_FREE, err);
                if (st == CRQ_Q_FREE && rc == 0) {
                    ch->occ = 0;
                    rc = cs_vcd_change(v, t, ch->occupancy, 0, err);
                }
            }
            break;
        default:
            break;
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (c[i].irq_high)
            rc = cs_vcd_change(v, c[i].irq_low_at, c[i].irq, 0, err);
    if (got < 0)
        rc = -1;
    if (rc == 0)
        rc = cs_vcd_finish(v, last + 1, err);
    if (rc == 0 && cs_trace_reader_warning(r))
        cs_error_set(err, "%s", cs_trace_reader_warning(r));
    cs_vcd_free(v);
    free(c);
    cs_trace_reader_close(r);
    return rc;
}
