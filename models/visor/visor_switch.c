/* The virtual switch of the IO partition: every frame one port sends goes to every other port;
 * each vnic keeps what is addressed to it (or everything when promiscuous), a pcap port keeps
 * all of it. */
#include <stdlib.h>

#include "visor_io.h"

struct visor_switch_port {
    visor_port_rx_fn rx;
    void *ctx;
};

struct visor_switch {
    struct visor_switch_port *ports[32];
    unsigned nports;
    uint64_t frames;
};

struct visor_switch *visor_switch_new(void)
{
    struct visor_switch *sw = calloc(1, sizeof(*sw));
    if (!sw)
        abort();
    return sw;
}

void visor_switch_free(struct visor_switch *sw)
{
    if (!sw)
        return;
    for (unsigned i = 0; i < sw->nports; i++)
        free(sw->ports[i]);
    free(sw);
}

struct visor_switch_port *visor_switch_attach(struct visor_switch *sw, visor_port_rx_fn rx,
                                              void *ctx)
{
    if (sw->nports == sizeof(sw->ports) / sizeof(sw->ports[0]))
        return NULL;
    struct visor_switch_port *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    p->rx = rx;
    p->ctx = ctx;
    sw->ports[sw->nports++] = p;
    return p;
}

void visor_switch_detach(struct visor_switch_port *port)
{
    if (port)
        port->rx = NULL;
}

void visor_switch_send(struct visor_switch *sw, struct visor_switch_port *from,
                       const uint8_t *frame, uint32_t len)
{
    sw->frames++;
    for (unsigned i = 0; i < sw->nports; i++)
        if (sw->ports[i] != from && sw->ports[i]->rx)
            sw->ports[i]->rx(sw->ports[i]->ctx, frame, len);
}

uint64_t visor_switch_frames(const struct visor_switch *sw)
{
    return sw->frames;
}
