/* pcapng export: a trace as a capture file that Wireshark opens, with the chansim dissector
 * (tools/wireshark/chansim.lua) decoding the payloads. Blocks are written little-endian
 * whatever the host, and the output depends only on the events (no uuid, path or wall clock),
 * so a trace always gives the same file. */
#include "cs_trace.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define BT_SHB           0x0A0D0D0Au
#define BT_IDB           0x00000001u
#define BT_EPB           0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT       0
#define OPT_COMMENT        1
#define OPT_SHB_USERAPPL   4
#define OPT_IF_NAME        2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL     9

/* EPB fixed part: type, length, interface, timestamp high and low, captured and original
 * length. */
#define EPB_HEAD 28

#define NS_PER_S 1000000000u

struct blk {
    uint8_t b[512]; /* SHB and IDB: names and families are at most 63 bytes */
    size_t n;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void blk_u16(struct blk *k, uint16_t v)
{
    put16(k->b + k->n, v);
    k->n += 2;
}

static void blk_u32(struct blk *k, uint32_t v)
{
    put32(k->b + k->n, v);
    k->n += 4;
}

/* Option code, length, value, zero padding to 32 bits. */
static void blk_opt(struct blk *k, uint16_t code, const void *val, size_t len)
{
    blk_u16(k, code);
    blk_u16(k, (uint16_t)len);
    memcpy(k->b + k->n, val, len);
    k->n += len;
    while (k->n % 4)
        k->b[k->n++] = 0;
}

static void blk_begin(struct blk *k, uint32_t type)
{
    k->n = 0;
    blk_u32(k, type);
    blk_u32(k, 0); /* total length, set by blk_end() */
}

static void blk_end(struct blk *k)
{
    blk_u16(k, OPT_ENDOFOPT);
    blk_u16(k, 0);
    blk_u32(k, (uint32_t)k->n + 4);
    put32(k->b + 4, (uint32_t)k->n);
}

static uint8_t family_code(const char *family)
{
    if (strcmp(family, "crq") == 0)
        return CS_PCAPNG_FAMILY_CRQ;
    if (strcmp(family, "css") == 0)
        return CS_PCAPNG_FAMILY_CSS;
    if (strcmp(family, "visor") == 0)
        return CS_PCAPNG_FAMILY_VISOR;
    return CS_PCAPNG_FAMILY_OTHER;
}

/* Simulation cycles to nanoseconds (rounded down); -1 when beyond 64 bits, possible only with
 * a clock slower than 1 GHz. */
static int cycles_to_ns(uint64_t cycles, uint64_t hz, uint64_t *ns)
{
    if (hz == NS_PER_S) {
        *ns = cycles;
        return 0;
    }
    unsigned __int128 v = (unsigned __int128)cycles * NS_PER_S / hz;
    if (v > UINT64_MAX)
        return -1;
    *ns = (uint64_t)v;
    return 0;
}

static int write_headers(const char *dir, cs_trace_reader *r, FILE *out, cs_error *err)
{
    struct blk k;
    blk_begin(&k, BT_SHB);
    blk_u32(&k, BYTE_ORDER_MAGIC);
    blk_u16(&k, 1); /* version 1.0 */
    blk_u16(&k, 0);
    blk_u32(&k, UINT32_MAX); /* section length unknown: the file is streamed */
    blk_u32(&k, UINT32_MAX);
    blk_opt(&k, OPT_SHB_USERAPPL, "chansim", 7);
    blk_end(&k);
    if (fwrite(k.b, 1, k.n, out) != k.n)
        return cs_error_errno(err, errno, "%s: writing pcapng", dir);

    uint64_t hz = cs_trace_reader_clock_hz(r);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++) {
        const char *name = cs_trace_reader_channel_name(r, i);
        const char *family = cs_trace_reader_channel_family(r, i);
        char comment[96];
        int cn =
            snprintf(comment, sizeof(comment), "chansim channel %zu, clock %" PRIu64 " Hz", i, hz);
        const uint8_t tsresol = 9; /* 10^-9 s: timestamps are nanoseconds */
        blk_begin(&k, BT_IDB);
        blk_u16(&k, CS_PCAPNG_LINKTYPE);
        blk_u16(&k, 0);
        blk_u32(&k, CS_PCAPNG_SNAPLEN);
        blk_opt(&k, OPT_IF_NAME, name, strlen(name));
        blk_opt(&k, OPT_IF_DESCRIPTION, family, strlen(family));
        blk_opt(&k, OPT_IF_TSRESOL, &tsresol, 1);
        blk_opt(&k, OPT_COMMENT, comment, (size_t)cn);
        blk_end(&k);
        if (fwrite(k.b, 1, k.n, out) != k.n)
            return cs_error_errno(err, errno, "%s: writing pcapng", dir);
    }
    return 0;
}

/* One EPB: fixed part and pseudo-header from a small buffer, the data straight from the
 * reader's buffer, so nothing is copied or held beyond the current event. */
static int write_event(const char *dir, cs_trace_reader *r, const struct cs_trace_event *ev,
                       FILE *out, cs_error *err)
{
    uint64_t ns;
    if (cycles_to_ns(ev->cycles, cs_trace_reader_clock_hz(r), &ns) < 0)
        return cs_error_set(err,
                            "%s: event at cycle %" PRIu64 " (clock %" PRIu64
                            " Hz) is beyond the 64-bit nanosecond range of pcapng",
                            dir, ev->cycles, cs_trace_reader_clock_hz(r));
    uint32_t orig = CS_PCAPNG_PSEUDO_LEN + ev->len;
    uint32_t cap = orig < CS_PCAPNG_SNAPLEN ? orig : CS_PCAPNG_SNAPLEN;
    uint32_t pad = (4 - cap % 4) % 4;
    uint32_t total = EPB_HEAD + cap + pad + 4;

    uint8_t h[EPB_HEAD + CS_PCAPNG_PSEUDO_LEN] = {0};
    put32(h, BT_EPB);
    put32(h + 4, total);
    put32(h + 8, ev->channel);
    put32(h + 12, (uint32_t)(ns >> 32));
    put32(h + 16, (uint32_t)ns);
    put32(h + 20, cap);
    put32(h + 24, orig);
    uint8_t *ph = h + EPB_HEAD;
    ph[0] = CS_PCAPNG_MAGIC;
    ph[1] = family_code(cs_trace_reader_channel_family(r, ev->channel));
    if (ev->type == CS_TRACE_MSG) {
        ph[2] = ev->dir;
        ph[3] = CS_PCAPNG_RECORD_MSG;
        ph[4] = (uint8_t)(ev->kind >> 8); /* big-endian like every family's payload fields */
        ph[5] = (uint8_t)ev->kind;
    } else {
        ph[2] = ev->level;
        ph[3] = CS_PCAPNG_RECORD_LOG;
    }

    uint8_t tail[8] = {0};
    put32(tail + pad, total);
    size_t data = cap - CS_PCAPNG_PSEUDO_LEN;
    if (fwrite(h, 1, sizeof(h), out) != sizeof(h) ||
        (data && fwrite(ev->payload, 1, data, out) != data) ||
        fwrite(tail, 1, pad + 4, out) != pad + 4)
        return cs_error_errno(err, errno, "%s: writing pcapng", dir);
    return 0;
}

int cs_trace_to_pcapng(const char *trace_dir, FILE *out, cs_error *err)
{
    cs_error_clear(err);
    cs_trace_reader *r;
    if (cs_trace_reader_open(&r, trace_dir, err) < 0)
        return -1;
    int rc = write_headers(trace_dir, r, out, err);
    struct cs_trace_event ev;
    while (rc == 0 && (rc = cs_trace_reader_next(r, &ev, err)) > 0)
        rc = write_event(trace_dir, r, &ev, out, err);
    if (rc == 0 && fflush(out) != 0)
        rc = cs_error_errno(err, errno, "%s: writing pcapng", trace_dir);
    if (rc == 0 && cs_trace_reader_warning(r))
        cs_error_set(err, "%s", cs_trace_reader_warning(r));
    cs_trace_reader_close(r);
    return rc < 0 ? -1 : 0;
}
