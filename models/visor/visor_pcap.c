/* A classic libpcap capture file (magic 0xa1b2c3d4, version 2.4, link type 1 Ethernet) as a
 * port of the virtual switch: written for frames the port receives, read for frames it sends.
 * Both byte orders are read; microsecond and nanosecond magics are accepted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "visor_io.h"

#define PCAP_MAGIC    0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define SNAPLEN       65535u

struct visor_pcap_port {
    struct visor_switch *sw;
    struct visor_switch_port *port;
    FILE *in, *out;
    char in_name[512];
    int swapped;
    uint64_t written, read, in_offset;
    uint8_t frame[SNAPLEN];
};

static uint32_t rd32(const uint8_t *p, int swapped)
{
    uint32_t v = visor_le32(p);
    return swapped ? __builtin_bswap32(v) : v;
}

static void rx(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct visor_pcap_port *p = ctx;
    if (!p->out)
        return;
    uint8_t rec[16];
    uint32_t cap = len < SNAPLEN ? len : SNAPLEN;
    /* simulated time is not wall time: records carry their sequence number as microseconds */
    visor_put32(rec, (uint32_t)(p->written / 1000000));
    visor_put32(rec + 4, (uint32_t)(p->written % 1000000));
    visor_put32(rec + 8, cap);
    visor_put32(rec + 12, len);
    if (fwrite(rec, 1, 16, p->out) == 16 && fwrite(frame, 1, cap, p->out) == cap)
        p->written++;
}

int visor_pcap_port_open(struct visor_switch *sw, const char *in, const char *out,
                         struct visor_pcap_port **pp, cs_error *err)
{
    struct visor_pcap_port *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    p->sw = sw;
    if (in) {
        snprintf(p->in_name, sizeof(p->in_name), "%s", in);
        uint8_t gh[24];
        if (!(p->in = fopen(in, "rb"))) {
            cs_error_errno(err, errno, "pcap '%s'", in);
            goto fail;
        }
        if (fread(gh, 1, 24, p->in) != 24) {
            cs_error_set(err, "pcap '%s': byte 0: file shorter than the 24-byte header", in);
            goto fail;
        }
        uint32_t magic = visor_le32(gh);
        if (magic == PCAP_MAGIC || magic == PCAP_MAGIC_NS)
            p->swapped = 0;
        else if (__builtin_bswap32(magic) == PCAP_MAGIC ||
                 __builtin_bswap32(magic) == PCAP_MAGIC_NS)
            p->swapped = 1;
        else {
            cs_error_set(err, "pcap '%s': byte 0: magic 0x%08x is not a classic pcap file", in,
                         magic);
            goto fail;
        }
        if (rd32(gh + 20, p->swapped) != 1) {
            cs_error_set(err, "pcap '%s': byte 20: link type %u, expected 1 (Ethernet)", in,
                         rd32(gh + 20, p->swapped));
            goto fail;
        }
        p->in_offset = 24;
    }
    if (out) {
        if (!(p->out = fopen(out, "wb"))) {
            cs_error_errno(err, errno, "pcap '%s'", out);
            goto fail;
        }
        uint8_t gh[24] = {0};
        visor_put32(gh, PCAP_MAGIC);
        visor_put16(gh + 4, 2);
        visor_put16(gh + 6, 4);
        visor_put32(gh + 16, SNAPLEN);
        visor_put32(gh + 20, 1);
        if (fwrite(gh, 1, 24, p->out) != 24) {
            cs_error_errno(err, errno, "pcap '%s'", out);
            goto fail;
        }
    }
    p->port = visor_switch_attach(sw, rx, p);
    if (!p->port) {
        cs_error_set(err, "pcap port: the virtual switch has no free port");
        goto fail;
    }
    *pp = p;
    return 0;
fail:
    if (p->in)
        fclose(p->in);
    if (p->out)
        fclose(p->out);
    free(p);
    return -1;
}

int visor_pcap_port_inject(struct visor_pcap_port *p, unsigned n, cs_error *err)
{
    int sent = 0;
    while (p->in && (unsigned)sent < n) {
        uint8_t rec[16];
        size_t got = fread(rec, 1, 16, p->in);
        if (got == 0)
            break;
        if (got != 16)
            return cs_error_set(err, "pcap '%s': byte %llu: truncated record header", p->in_name,
                                (unsigned long long)p->in_offset);
        uint32_t cap = rd32(rec + 8, p->swapped);
        if (cap > SNAPLEN || cap < 14)
            return cs_error_set(err,
                                "pcap '%s': byte %llu: record of %u bytes (an Ethernet frame "
                                "has 14 to %u)",
                                p->in_name, (unsigned long long)p->in_offset, cap, SNAPLEN);
        if (fread(p->frame, 1, cap, p->in) != cap)
            return cs_error_set(err, "pcap '%s': byte %llu: truncated frame of %u bytes",
                                p->in_name, (unsigned long long)p->in_offset, cap);
        p->in_offset += 16 + cap;
        p->read++;
        visor_switch_send(p->sw, p->port, p->frame, cap);
        sent++;
    }
    return sent;
}

uint64_t visor_pcap_port_written(const struct visor_pcap_port *p)
{
    return p->written;
}

void visor_pcap_port_close(struct visor_pcap_port *p)
{
    if (!p)
        return;
    visor_switch_detach(p->port);
    if (p->in)
        fclose(p->in);
    if (p->out)
        fclose(p->out);
    free(p);
}
