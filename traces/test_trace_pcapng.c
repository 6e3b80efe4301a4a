/* pcapng export: the blocks parsed back (types, 32-bit aligned lengths, one interface per
 * channel with its options, one packet per event with the pseudo-header and nanosecond
 * timestamps), packets cut at the snap length, clock conversion and errors. */
#include "cs_test.h"
#include "cs_trace.h"
#include "test_trace_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

struct idb {
    char name[64], desc[64];
    int tsresol;
    uint32_t snaplen;
};

struct epb {
    uint32_t ifid, caplen, origlen;
    uint64_t ts;
    const uint8_t *data;
};

struct cap {
    uint8_t *buf;
    size_t len;
    char userappl[32];
    size_t nif, npkt;
    struct idb ifs[8];
    struct epb pkts[16];
};

/* Options from p to end: checks their padding and the end-of-options marker. */
static void parse_opts(const uint8_t *p, const uint8_t *end, uint32_t type, struct cap *c)
{
    int ended = 0;
    while (p < end) {
        ck_assert_msg(!ended, "option after opt_endofopt");
        ck_assert(p + 4 <= end);
        uint16_t code = le16(p), len = le16(p + 2);
        uint32_t padded = (len + 3u) & ~3u;
        ck_assert_msg(p + 4 + padded <= end, "option %u overruns its block", code);
        const uint8_t *v = p + 4;
        for (uint32_t i = len; i < padded; i++)
            ck_assert_int_eq(v[i], 0);
        if (code == 0) {
            ck_assert_int_eq(len, 0);
            ended = 1;
        } else if (type == 0x0A0D0D0A && code == 4) {
            ck_assert_uint_lt(len, sizeof(c->userappl));
            memcpy(c->userappl, v, len);
        } else if (type == 1) {
            struct idb *d = &c->ifs[c->nif];
            if (code == 2 || code == 3) {
                ck_assert_uint_lt(len, 64);
                memcpy(code == 2 ? d->name : d->desc, v, len);
            } else if (code == 9) {
                ck_assert_int_eq(len, 1);
                d->tsresol = v[0];
            }
        }
        p += 4 + padded;
    }
    ck_assert_msg(ended, "block without opt_endofopt");
}

static void parse(struct cap *c)
{
    const uint8_t *p = c->buf, *end = c->buf + c->len;
    ck_assert_uint_ge(c->len, 28);
    ck_assert_uint_eq(le32(p), 0x0A0D0D0A);
    int first = 1;
    while (p < end) {
        ck_assert(p + 12 <= end);
        uint32_t type = le32(p), len = le32(p + 4);
        ck_assert_msg(len % 4 == 0, "block length %u not 32-bit aligned", len);
        ck_assert_uint_ge(len, 12);
        ck_assert(p + len <= end);
        ck_assert_uint_eq(le32(p + len - 4), len);
        const uint8_t *body = p + 8, *bend = p + len - 4;
        if (type == 0x0A0D0D0A) {
            ck_assert_msg(first, "second section header");
            ck_assert_uint_eq(le32(body), 0x1A2B3C4D);
            ck_assert_uint_eq(le16(body + 4), 1);
            ck_assert_uint_eq(le16(body + 6), 0);
            ck_assert_uint_eq(le32(body + 8), 0xFFFFFFFF);
            ck_assert_uint_eq(le32(body + 12), 0xFFFFFFFF);
            parse_opts(body + 16, bend, type, c);
        } else if (type == 1) {
            ck_assert_msg(c->npkt == 0, "interface block after a packet");
            ck_assert_uint_lt(c->nif, 8);
            ck_assert_uint_eq(le16(body), CS_PCAPNG_LINKTYPE);
            ck_assert_uint_eq(le16(body + 2), 0);
            c->ifs[c->nif].snaplen = le32(body + 4);
            c->ifs[c->nif].tsresol = -1;
            parse_opts(body + 8, bend, type, c);
            c->nif++;
        } else if (type == 6) {
            ck_assert_uint_lt(c->npkt, 16);
            struct epb *e = &c->pkts[c->npkt++];
            e->ifid = le32(body);
            e->ts = (uint64_t)le32(body + 4) << 32 | le32(body + 8);
            e->caplen = le32(body + 12);
            e->origlen = le32(body + 16);
            e->data = body + 20;
            ck_assert_uint_lt(e->ifid, c->nif);
            ck_assert_uint_le(e->caplen, e->origlen);
            ck_assert_uint_le(e->caplen, c->ifs[e->ifid].snaplen);
            uint32_t padded = (e->caplen + 3u) & ~3u;
            ck_assert_uint_eq(len, 32 + padded); /* no options */
            for (uint32_t i = e->caplen; i < padded; i++)
                ck_assert_int_eq(e->data[i], 0);
        } else {
            ck_abort_msg("unexpected block type 0x%08x", type);
        }
        first = 0;
        p += len;
    }
}

static void convert(const char *dir, struct cap *c, int *rc, cs_error *err)
{
    memset(c, 0, sizeof(*c));
    FILE *f = open_memstream((char **)&c->buf, &c->len);
    ck_assert_ptr_nonnull(f);
    *rc = cs_trace_to_pcapng(dir, f, err);
    fclose(f);
}

static void check_pkt(const struct epb *e, uint32_t ifid, uint64_t ts, uint8_t family, uint8_t b2,
                      uint8_t record, uint16_t kind, const void *data, uint32_t len)
{
    ck_assert_uint_eq(e->ifid, ifid);
    ck_assert_uint_eq(e->ts, ts);
    ck_assert_uint_eq(e->origlen, CS_PCAPNG_PSEUDO_LEN + len);
    ck_assert_uint_eq(e->caplen, e->origlen);
    const uint8_t want[CS_PCAPNG_PSEUDO_LEN] = {CS_PCAPNG_MAGIC,      family,        b2, record,
                                                (uint8_t)(kind >> 8), (uint8_t)kind, 0,  0};
    ck_assert_mem_eq(e->data, want, CS_PCAPNG_PSEUDO_LEN);
    if (len)
        ck_assert_mem_eq(e->data + CS_PCAPNG_PSEUDO_LEN, data, len);
}

static void write_trace(uint64_t hz)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t crq, css, visor, kshim;
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, hz, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "p.vmc-1", "crq", &crq, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "s.0.0001", "css", &css, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "v.vhba", "visor", &visor, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "p.kernel", "kshim", &kshim, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, crq, 5, CS_DIR_TO_FW, 1, "\x0a\x0b\x0c", 3, &err), 0);
    ck_assert_int_eq(cs_trace_write_log(w, kshim, 6, 4, "probe", &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, css, 7, CS_DIR_TO_GUEST, 0x0102, NULL, 0, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, visor, 5000, CS_DIR_INTERNAL, 3, "abcde", 5, &err), 0);
    ck_assert_int_eq(cs_trace_write_log(w, crq, 5000, 0, "", &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
}

START_TEST(blocks_and_packets)
{
    write_trace(1000000000);
    cs_error err = {0};
    int rc;
    struct cap c;
    convert(tt_tdir, &c, &rc, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_int_eq(err.set, 0);
    parse(&c);
    ck_assert_str_eq(c.userappl, "chansim");
    ck_assert_uint_eq(c.nif, 4);
    static const char *names[] = {"p.vmc-1", "s.0.0001", "v.vhba", "p.kernel"};
    static const char *fams[] = {"crq", "css", "visor", "kshim"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(c.ifs[i].name, names[i]);
        ck_assert_str_eq(c.ifs[i].desc, fams[i]);
        ck_assert_int_eq(c.ifs[i].tsresol, 9);
        ck_assert_uint_eq(c.ifs[i].snaplen, CS_PCAPNG_SNAPLEN);
    }
    ck_assert_uint_eq(c.npkt, 5);
    /* at 1 GHz a cycle is a nanosecond: timestamps are the cycle counts */
    check_pkt(&c.pkts[0], 0, 5, CS_PCAPNG_FAMILY_CRQ, CS_DIR_TO_FW, CS_PCAPNG_RECORD_MSG, 1,
              "\x0a\x0b\x0c", 3);
    check_pkt(&c.pkts[1], 3, 6, CS_PCAPNG_FAMILY_OTHER, 4, CS_PCAPNG_RECORD_LOG, 0, "probe", 5);
    check_pkt(&c.pkts[2], 1, 7, CS_PCAPNG_FAMILY_CSS, CS_DIR_TO_GUEST, CS_PCAPNG_RECORD_MSG, 0x0102,
              NULL, 0);
    check_pkt(&c.pkts[3], 0, 5000, CS_PCAPNG_FAMILY_CRQ, 0, CS_PCAPNG_RECORD_LOG, 0, NULL, 0);
    check_pkt(&c.pkts[4], 2, 5000, CS_PCAPNG_FAMILY_VISOR, CS_DIR_INTERNAL, CS_PCAPNG_RECORD_MSG, 3,
              "abcde", 5);

    /* deterministic: a second conversion is identical */
    struct cap again;
    convert(tt_tdir, &again, &rc, &err);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(again.len, c.len);
    ck_assert_mem_eq(again.buf, c.buf, c.len);
    free(again.buf);
    free(c.buf);
}
END_TEST

START_TEST(other_clock_converts_to_ns)
{
    write_trace(1000); /* a cycle is 1 ms */
    cs_error err = {0};
    int rc;
    struct cap c;
    convert(tt_tdir, &c, &rc, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    parse(&c);
    ck_assert_uint_eq(c.npkt, 5);
    for (size_t i = 0; i < c.nif; i++)
        ck_assert_int_eq(c.ifs[i].tsresol, 9);
    ck_assert_uint_eq(c.pkts[0].ts, 5000000);
    ck_assert_uint_eq(c.pkts[2].ts, 7000000);
    ck_assert_uint_eq(c.pkts[4].ts, 5000000000u); /* needs the high word */
    free(c.buf);
}
END_TEST

START_TEST(rounds_down_and_refuses_overflow)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t ch;
    ck_assert_int_eq(cs_trace_writer_open(&w, tt_tdir, 3, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "c", "crq", &ch, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, ch, 7, CS_DIR_TO_FW, 1, NULL, 0, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, ch, UINT64_MAX, CS_DIR_TO_FW, 1, NULL, 0, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    int rc;
    struct cap c;
    convert(tt_tdir, &c, &rc, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err.msg, "cycle 18446744073709551615 (clock 3 Hz) is beyond the "
                                  "64-bit nanosecond range of pcapng"),
                  "%s", err.msg);
    ck_assert_msg(strncmp(err.msg, tt_tdir, strlen(tt_tdir)) == 0, "%s", err.msg);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    /* the events before the bad one were written: 7 cycles at 3 Hz is 2333333333.3 ns */
    parse(&c);
    ck_assert_uint_eq(c.npkt, 1);
    ck_assert_uint_eq(c.pkts[0].ts, 2333333333u);
    free(c.buf);
}
END_TEST

START_TEST(long_payload_is_cut_at_snaplen)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t ch;
    uint32_t n = CS_PCAPNG_SNAPLEN + 1001; /* odd: the cut packet needs no padding, ... */
    uint8_t *big = malloc(n);
    uint64_t seed = 42;
    for (uint32_t i = 0; i < n; i++)
        big[i] = (uint8_t)tt_rnd(&seed);
    ck_assert_int_eq(cs_trace_writer_open(&w, tt_tdir, 1000000000, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "c", "crq", &ch, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, ch, 1, CS_DIR_TO_FW, 6, big, n, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, ch, 2, CS_DIR_TO_FW, 6, big, 1001, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    int rc;
    struct cap c;
    convert(tt_tdir, &c, &rc, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    parse(&c);
    ck_assert_uint_eq(c.npkt, 2);
    ck_assert_uint_eq(c.pkts[0].caplen, CS_PCAPNG_SNAPLEN);
    ck_assert_uint_eq(c.pkts[0].origlen, CS_PCAPNG_PSEUDO_LEN + n);
    ck_assert_mem_eq(c.pkts[0].data + CS_PCAPNG_PSEUDO_LEN, big,
                     CS_PCAPNG_SNAPLEN - CS_PCAPNG_PSEUDO_LEN);
    /* ... the next one (1009 bytes) is padded to 1012 */
    check_pkt(&c.pkts[1], 0, 2, CS_PCAPNG_FAMILY_CRQ, CS_DIR_TO_FW, CS_PCAPNG_RECORD_MSG, 6, big,
              1001);
    free(c.buf);
    free(big);
}
END_TEST

START_TEST(truncated_trace_warns)
{
    write_trace(1000000000);
    char *s2 = tt_path(tt_tdir, "stream_2");
    tt_truncate(s2, tt_file_size(s2) - 1);
    cs_error err = {0};
    int rc;
    struct cap c;
    convert(tt_tdir, &c, &rc, &err);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(err.set, 1);
    ck_assert_msg(strstr(err.msg, "stream_2: truncated packet at byte offset 0"), "%s", err.msg);
    parse(&c);
    ck_assert_uint_eq(c.nif, 4);
    ck_assert_uint_eq(c.npkt, 4); /* all but the visor channel's one event */
    for (size_t i = 0; i < c.npkt; i++)
        ck_assert_uint_ne(c.pkts[i].ifid, 2);
    free(c.buf);
    free(s2);
}
END_TEST

START_TEST(errors)
{
    cs_error err = {0};
    int rc;
    struct cap c;
    char *none = tt_path(tt_tmp, "none");
    convert(none, &c, &rc, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err.msg, "cannot open trace directory"), "%s", err.msg);
    ck_assert_uint_eq(c.len, 0);
    free(c.buf);
    free(none);

    write_trace(1000000000);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        ck_assert_int_eq(cs_trace_to_pcapng(tt_tdir, full, &err), -1);
        ck_assert_msg(strstr(err.msg, ": writing pcapng: No space left on device"), "%s", err.msg);
        ck_assert_msg(strncmp(err.msg, tt_tdir, strlen(tt_tdir)) == 0, "%s", err.msg);
        fclose(full);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace_pcapng");
    TCase *tc = tcase_create("pcapng");
    tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
    tcase_add_test(tc, blocks_and_packets);
    tcase_add_test(tc, other_clock_converts_to_ns);
    tcase_add_test(tc, rounds_down_and_refuses_overflow);
    tcase_add_test(tc, long_payload_is_cut_at_snaplen);
    tcase_add_test(tc, truncated_trace_warns);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
