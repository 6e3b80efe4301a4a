/* Trace writer and reader: round trips, writer argument checks, cut-off traces, killed
 * writers and the reader's memory bound. */
#include "cs_test.h"
#include "cs_trace.h"
#include "cs_trace_format.h"
#include "test_trace_util.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* tt_rnd() state: a fixed seed, so the test data is the same every run */
static uint64_t rng = 0x9E3779B97F4A7C15u;

struct xev {
    uint64_t t;
    uint16_t ch;
    uint8_t type, dir, level;
    uint16_t kind;
    uint32_t len;
    uint8_t *data;
    size_t seq;
};

static int xev_cmp(const void *a, const void *b)
{
    const struct xev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->ch != y->ch)
        return x->ch < y->ch ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void check_events(const char *dir, struct xev *x, size_t n)
{
    qsort(x, n, sizeof(*x), xev_cmp);
    cs_trace_reader *r;
    cs_error err = {0};
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct cs_trace_event ev;
    for (size_t i = 0; i < n; i++) {
        int rc = cs_trace_reader_next(r, &ev, &err);
        ck_assert_msg(rc == 1, "event %zu: rc %d: %s", i, rc, err.msg);
        ck_assert_msg(ev.cycles == x[i].t && ev.channel == x[i].ch,
                      "event %zu: got t=%lu ch=%u, want t=%lu ch=%u", i, (unsigned long)ev.cycles,
                      ev.channel, (unsigned long)x[i].t, x[i].ch);
        ck_assert_uint_eq(ev.type, x[i].type);
        ck_assert_uint_eq(ev.len, x[i].len);
        if (ev.type == CS_TRACE_MSG) {
            ck_assert_uint_eq(ev.dir, x[i].dir);
            ck_assert_uint_eq(ev.kind, x[i].kind);
        } else {
            ck_assert_uint_eq(ev.level, x[i].level);
            ck_assert_uint_eq(ev.payload[ev.len], 0);
        }
        ck_assert_msg(ev.len == 0 || !memcmp(ev.payload, x[i].data, ev.len),
                      "event %zu: payload differs", i);
    }
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    ck_assert_ptr_null(cs_trace_reader_warning(r));
    cs_trace_reader_close(r);
}

static void add_event(cs_trace_writer *w, struct xev *x, size_t seq, uint16_t ch, uint64_t t,
                      int big)
{
    cs_error err = {0};
    memset(x, 0, sizeof(*x));
    x->t = t;
    x->ch = ch;
    x->seq = seq;
    if (tt_rnd(&rng) % 8 == 0) {
        x->type = CS_TRACE_LOG;
        x->level = (uint8_t)tt_rnd(&rng);
        x->len = big ? 100000 : (uint32_t)(tt_rnd(&rng) % 80);
        x->data = malloc(x->len + 1);
        for (uint32_t i = 0; i < x->len; i++)
            x->data[i] = (uint8_t)(' ' + tt_rnd(&rng) % 95);
        x->data[x->len] = 0;
        ck_assert_msg(cs_trace_write_log(w, ch, t, x->level, (char *)x->data, &err) == 0, "%s",
                      err.msg);
    } else {
        x->type = CS_TRACE_MSG;
        x->dir = (uint8_t)(tt_rnd(&rng) % 3);
        x->kind = (uint16_t)tt_rnd(&rng);
        x->len = big ? 200000 : (uint32_t)(tt_rnd(&rng) % 64);
        x->data = malloc(x->len + 1);
        for (uint32_t i = 0; i < x->len; i++)
            x->data[i] = (uint8_t)tt_rnd(&rng);
        ck_assert_msg(cs_trace_write_msg(w, ch, t, x->dir, x->kind, x->data, x->len, &err) == 0,
                      "%s", err.msg);
    }
}

/* Criterion 1: interleaved channels, ties, logs, empty and oversized payloads, and a channel
 * added halfway come back identical and in timestamp order. */
START_TEST(round_trip)
{
    enum { N = 40000 };
    cs_error err = {0};
    cs_trace_writer *w;
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000000000, &err) == 0, "%s", err.msg);
    uint16_t id[4];
    const char *names[4] = {"crq0", "css.sch-1", "visor_hba", "late"};
    const char *fams[4] = {"crq", "css", "visor", "crq"};
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(cs_trace_writer_add_channel(w, names[i], fams[i], &id[i], &err) == 0, "%s",
                      err.msg);
        ck_assert_uint_eq(id[i], i);
    }
    struct xev *x = calloc(N, sizeof(*x));
    uint64_t t[4] = {0, 0, 0, 0};
    int nch = 3;
    for (size_t i = 0; i < N; i++) {
        if (i == N / 3) {
            ck_assert_msg(cs_trace_writer_add_channel(w, names[3], fams[3], &id[3], &err) == 0,
                          "%s", err.msg);
            t[3] = t[0];
            nch = 4;
        }
        uint16_t ch = (uint16_t)(tt_rnd(&rng) % (uint64_t)nch);
        t[ch] += tt_rnd(&rng) % 4; /* many ties, within and across channels */
        add_event(w, &x[i], i, ch, t[ch], i % 9973 == 17);
    }
    ck_assert_uint_eq(cs_trace_writer_events(w), N);
    ck_assert_msg(cs_trace_writer_close(w, &err) == 0, "%s", err.msg);

    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(cs_trace_reader_clock_hz(r), 1000000000);
    ck_assert_uint_eq(cs_trace_reader_channels(r), 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(cs_trace_reader_channel_name(r, (size_t)i), names[i]);
        ck_assert_str_eq(cs_trace_reader_channel_family(r, (size_t)i), fams[i]);
    }
    ck_assert_ptr_null(cs_trace_reader_channel_name(r, 4));
    ck_assert_ptr_null(cs_trace_reader_channel_family(r, 4));
    cs_trace_reader_close(r);

    check_events(tt_tdir, x, N);
    for (size_t i = 0; i < N; i++)
        free(x[i].data);
    free(x);
}
END_TEST

START_TEST(empty_trace)
{
    cs_error err = {0};
    cs_trace_writer *w;
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_trace_writer_close(w, &err) == 0, "%s", err.msg);
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(cs_trace_reader_channels(r), 0);
    struct cs_trace_event ev;
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    cs_trace_reader_close(r);

    /* channels without events leave empty stream files */
    char *t2 = tt_path(tt_tmp, "t2");
    uint16_t id;
    ck_assert_msg(cs_trace_writer_open(&w, t2, 1, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "a", "f", &id, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "b", "f", &id, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    ck_assert_msg(cs_trace_reader_open(&r, t2, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(cs_trace_reader_channels(r), 2);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    cs_trace_reader_close(r);
    free(t2);
}
END_TEST

START_TEST(chosen_uuid)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t id;
    const uint8_t uuid[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_set_uuid(w, uuid, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "a", "f", &id, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, id, 5, CS_DIR_TO_FW, 1, "x", 1, &err), 0);
    /* too late once an event is out: packets already carry the old one */
    ck_assert_int_eq(cs_trace_writer_set_uuid(w, uuid, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "before the first event"));
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);

    char *meta = tt_path(tt_tdir, "metadata");
    size_t len;
    uint8_t *text = cs_test_read_file(meta, &len);
    ck_assert_ptr_nonnull(strstr((char *)text, "deadbeef-0102-0304-0506-0708090a0b0c"));
    free(text);
    free(meta);
    char *stream = tt_path(tt_tdir, "stream_0");
    uint8_t *pkt = cs_test_read_file(stream, &len);
    ck_assert_int_eq(memcmp(pkt + 4, uuid, 16), 0); /* packet header: magic, then uuid */
    free(pkt);
    free(stream);
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    struct cs_trace_event ev;
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 1);
    cs_trace_reader_close(r);
}
END_TEST

START_TEST(largest_events)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t a, b;
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "a", "f", &a, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "b", "f", &b, &err), 0);
    uint8_t *big = malloc(CS_TRACE_MAX_PAYLOAD + 1);
    for (size_t i = 0; i < CS_TRACE_MAX_PAYLOAD + 1; i++)
        big[i] = (uint8_t)(i * 7);
    ck_assert_int_eq(cs_trace_write_msg(w, a, 1, CS_DIR_TO_FW, 1, "x", 1, &err), 0);
    ck_assert_int_eq(
        cs_trace_write_msg(w, a, 2, CS_DIR_TO_GUEST, 2, big, CS_TRACE_MAX_PAYLOAD, &err), 0);
    ck_assert_int_eq(
        cs_trace_write_msg(w, a, 3, CS_DIR_TO_GUEST, 2, big, CS_TRACE_MAX_PAYLOAD + 1, &err), -1);
    ck_assert_msg(strstr(err.msg, "exceeds the 16777216 byte limit"), "%s", err.msg);
    /* an event exactly filling a packet stays in the normal path */
    uint32_t fill = CS_TRACE_PACKET_SIZE - PKT_HDR_SIZE - MSG_PAYLOAD;
    ck_assert_int_eq(cs_trace_write_msg(w, b, 2, CS_DIR_INTERNAL, 3, big, fill, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, b, 2, CS_DIR_INTERNAL, 4, big, fill + 1, &err), 0);
    memset(big, 'z', CS_TRACE_MAX_PAYLOAD);
    big[CS_TRACE_MAX_PAYLOAD] = 0;
    ck_assert_int_eq(cs_trace_write_log(w, a, 4, 7, (char *)big, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, a, 5, CS_DIR_TO_FW, 5, "y", 1, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);

    cs_trace_reader *r;
    struct cs_trace_event ev;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    /* a before b at cycle 2: ties go by channel id */
    uint32_t want_len[] = {1, CS_TRACE_MAX_PAYLOAD, fill, fill + 1, CS_TRACE_MAX_PAYLOAD, 1};
    uint16_t want_ch[] = {a, a, b, b, a, a};
    for (int i = 0; i < 6; i++) {
        ck_assert_msg(cs_trace_reader_next(r, &ev, &err) == 1, "%s", err.msg);
        ck_assert_uint_eq(ev.len, want_len[i]);
        ck_assert_uint_eq(ev.channel, want_ch[i]);
    }
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    cs_trace_reader_close(r);
    free(big);
}
END_TEST

START_TEST(writer_rejects)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t id;
    ck_assert_int_eq(cs_trace_writer_open(&w, tt_tdir, 0, &err), -1);
    ck_assert_msg(strstr(err.msg, "must be positive"), "%s", err.msg);
    ck_assert_ptr_null(w);

    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 100, &err) == 0, "%s", err.msg);
    const char *bad_names[] = {"", "a b", "crq/0", "\xc3\xa9",
                               "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++) {
        ck_assert_int_eq(cs_trace_writer_add_channel(w, bad_names[i], "crq", &id, &err), -1);
        ck_assert_msg(strstr(err.msg, "must be 1 to 63 characters of [A-Za-z0-9_.-]"), "%s",
                      err.msg);
        ck_assert_int_eq(cs_trace_writer_add_channel(w, "ok", bad_names[i], &id, &err), -1);
        ck_assert_msg(strstr(err.msg, "channel family"), "%s", err.msg);
    }
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "crq0", "crq", &id, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "crq0", "crq", &id, &err), -1);
    ck_assert_msg(strstr(err.msg, "channel name \"crq0\" is already channel 0"), "%s", err.msg);

    ck_assert_int_eq(cs_trace_write_msg(w, 1, 0, CS_DIR_TO_FW, 0, NULL, 0, &err), -1);
    ck_assert_msg(strstr(err.msg, "channel id 1 was never added (the trace has 1 channels)"), "%s",
                  err.msg);
    ck_assert_int_eq(cs_trace_write_log(w, 1, 0, 0, "x", &err), -1);
    ck_assert_int_eq(cs_trace_write_msg(w, 0, 10, 3, 0, NULL, 0, &err), -1);
    ck_assert_msg(strstr(err.msg, "invalid message direction 3"), "%s", err.msg);
    ck_assert_int_eq(cs_trace_write_msg(w, 0, 10, CS_DIR_TO_FW, 0, NULL, 1, &err), -1);
    ck_assert_msg(strstr(err.msg, "NULL payload of 1 bytes"), "%s", err.msg);
    ck_assert_int_eq(cs_trace_write_msg(w, 0, 10, CS_DIR_TO_FW, 0, NULL, 0, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, 0, 9, CS_DIR_TO_FW, 0, NULL, 0, &err), -1);
    ck_assert_msg(strstr(err.msg, "channel 0 (crq0): event at cycle 9 is earlier than the "
                                  "channel's previous event at cycle 10"),
                  "%s", err.msg);
    ck_assert_int_eq(cs_trace_write_log(w, 0, 9, 0, "x", &err), -1);
    ck_assert_int_eq(cs_trace_write_log(w, 0, 10, 0, NULL, &err), -1);
    ck_assert_uint_eq(cs_trace_writer_events(w), 1);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(NULL, &err), 0);

    /* an existing trace, or any non-empty directory, is never overwritten */
    ck_assert_int_eq(cs_trace_writer_open(&w, tt_tdir, 100, &err), -1);
    ck_assert_msg(strstr(err.msg, "directory is not empty"), "%s", err.msg);
    /* a file in the way */
    char *f = tt_path(tt_tmp, "file");
    tt_write_file(f, "x", 1);
    ck_assert_int_eq(cs_trace_writer_open(&w, f, 100, &err), -1);
    char *under = tt_path(f, "t");
    ck_assert_int_eq(cs_trace_writer_open(&w, under, 100, &err), -1);
    free(under);
    free(f);
    /* missing parents are created, an empty directory is fine */
    char *deep = tt_path(tt_tmp, "a/b/c/");
    ck_assert_msg(cs_trace_writer_open(&w, deep, 100, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    free(deep);
    char *empty = tt_path(tt_tmp, "empty");
    ck_assert_int_eq(mkdir(empty, 0777), 0);
    ck_assert_msg(cs_trace_writer_open(&w, empty, 100, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    free(empty);
}
END_TEST

/* Writes channel 0 with 32-byte payloads numbered 0.. (several packets) and channel 1 with
 * a few events; returns the event count of channel 0. */
static size_t write_numbered(const char *dir, size_t n0)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t a, b;
    ck_assert_msg(cs_trace_writer_open(&w, dir, 1000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "a", "f", &a, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "b", "f", &b, &err), 0);
    for (size_t i = 0; i < n0; i++) {
        uint8_t p[32] = {0};
        memcpy(p, &i, sizeof(i));
        ck_assert_int_eq(cs_trace_write_msg(w, a, i, CS_DIR_TO_FW, 1, p, 32, &err), 0);
        if (i % 1000 == 0)
            ck_assert_int_eq(cs_trace_write_log(w, b, i, 1, "b", &err), 0);
    }
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    return n0;
}

/* Reads the trace; returns the channel-0 count, checks numbering, and the count of ch 1. */
static size_t read_numbered(const char *dir, size_t *n1, const char **warning, char *wbuf,
                            size_t wlen)
{
    cs_error err = {0};
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct cs_trace_event ev;
    size_t n0 = 0;
    *n1 = 0;
    int rc;
    while ((rc = cs_trace_reader_next(r, &ev, &err)) == 1) {
        if (ev.channel == 0) {
            size_t k;
            memcpy(&k, ev.payload, sizeof(k));
            ck_assert_uint_eq(k, n0);
            ck_assert_uint_eq(ev.cycles, n0);
            n0++;
        } else {
            (*n1)++;
        }
    }
    ck_assert_msg(rc == 0, "%s", err.msg);
    const char *w = cs_trace_reader_warning(r);
    *warning = w ? wbuf : NULL;
    if (w)
        snprintf(wbuf, wlen, "%s", w);
    cs_trace_reader_close(r);
    return n0;
}

/* Criterion 3: a stream cut inside a packet reads up to its last complete packet, and the
 * reader names the file and offset. */
START_TEST(truncated_stream)
{
    write_numbered(tt_tdir, 4000); /* 51-byte events: 4 packets */
    char *s0 = tt_path(tt_tdir, "stream_0");
    off_t offs[16];
    uint64_t sizes[16];
    size_t np = tt_packets(s0, offs, sizes, 16);
    ck_assert_uint_ge(np, 3);
    size_t per0 = (size_t)(sizes[0] - PKT_HDR_SIZE) / 51;
    char want[512], wbuf[1024];
    const char *warning;
    size_t n1;

    /* inside the second packet's events */
    tt_truncate(s0, offs[1] + 100);
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), per0);
    ck_assert_uint_eq(n1, 4);
    snprintf(want, sizeof(want),
             "%s: truncated packet at byte offset %ld (100 bytes of %lu); events up to offset "
             "%ld were read",
             s0, (long)offs[1], (unsigned long)sizes[1], (long)offs[1]);
    ck_assert_ptr_nonnull(warning);
    ck_assert_str_eq(warning, want);

    /* inside the second packet's header */
    tt_truncate(s0, offs[1] + 20);
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), per0);
    snprintf(want, sizeof(want),
             "%s: truncated packet at byte offset %ld (20 bytes of a 58-byte packet header); "
             "events up to offset %ld were read",
             s0, (long)offs[1], (long)offs[1]);
    ck_assert_str_eq(warning, want);

    /* inside the magic */
    tt_truncate(s0, offs[1] + 2);
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), per0);
    ck_assert_ptr_nonnull(strstr(warning, "(2 bytes of a 58-byte packet header)"));

    /* on a packet boundary nothing is missing */
    tt_truncate(s0, offs[1]);
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), per0);
    ck_assert_ptr_null(warning);

    /* inside the first packet: no events of that channel, the other is intact */
    tt_truncate(s0, 70);
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), 0);
    ck_assert_uint_eq(n1, 4);
    ck_assert_ptr_nonnull(strstr(warning, "stream_0: truncated packet at byte offset 0 (70 bytes"));

    /* two cut streams: both are named */
    char *s1 = tt_path(tt_tdir, "stream_1");
    tt_truncate(s1, tt_file_size(s1) - 1);
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), 0);
    ck_assert_uint_eq(n1, 0);
    ck_assert_ptr_nonnull(strstr(warning, "stream_0: truncated packet at byte offset 0"));
    ck_assert_ptr_nonnull(strstr(warning, "; "));
    ck_assert_ptr_nonnull(strstr(warning, "stream_1: truncated packet at byte offset 0"));
    free(s1);
    free(s0);
}
END_TEST

/* A writer killed mid-run leaves its metadata and every packet it wrote readable. */
START_TEST(killed_writer)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        cs_trace_writer *w;
        uint16_t a, b;
        if (cs_trace_writer_open(&w, tt_tdir, 1000, NULL) < 0 ||
            cs_trace_writer_add_channel(w, "a", "f", &a, NULL) < 0 ||
            cs_trace_writer_add_channel(w, "b", "f", &b, NULL) < 0)
            _exit(1);
        for (size_t i = 0; i < 5000; i++) {
            uint8_t p[32] = {0};
            memcpy(p, &i, sizeof(i));
            if (cs_trace_write_msg(w, a, i, CS_DIR_TO_FW, 1, p, 32, NULL) < 0)
                _exit(1);
            if (i % 1000 == 0 && cs_trace_write_log(w, b, i, 1, "b", NULL) < 0)
                _exit(1);
        }
        raise(SIGKILL);
        _exit(2);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    char *s0 = tt_path(tt_tdir, "stream_0");
    off_t offs[16];
    uint64_t sizes[16];
    size_t np = tt_packets(s0, offs, sizes, 16);
    size_t complete = 0;
    for (size_t i = 0; i < np; i++)
        complete += (size_t)(sizes[i] - PKT_HDR_SIZE) / 51;
    ck_assert_uint_ge(np, 3);
    ck_assert_uint_lt(complete, 5000);
    size_t n1;
    const char *warning;
    char wbuf[512];
    ck_assert_uint_eq(read_numbered(tt_tdir, &n1, &warning, wbuf, sizeof(wbuf)), complete);
    ck_assert_uint_eq(n1, 0);
    ck_assert_ptr_null(warning);
    char *tmpmeta = tt_path(tt_tdir, CS_TRACE_METADATA_TMP);
    ck_assert_int_ne(access(tmpmeta, F_OK), 0);
    free(tmpmeta);
    free(s0);
}
END_TEST

/* flush() makes buffered events readable while the writer keeps going. */
START_TEST(flush_live)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t a;
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "a", "f", &a, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, a, 1, CS_DIR_TO_FW, 1, "abc", 3, &err), 0);
    ck_assert_int_eq(cs_trace_write_log(w, a, 2, 1, "hello", &err), 0);
    char *s0 = tt_path(tt_tdir, "stream_0");
    ck_assert_int_eq(tt_file_size(s0), 0);
    ck_assert_int_eq(cs_trace_writer_flush(w, &err), 0);
    ck_assert_int_eq(tt_file_size(s0), PKT_HDR_SIZE + MSG_PAYLOAD + 3 + LOG_TEXT + 6);
    ck_assert_int_eq(cs_trace_writer_flush(w, &err), 0); /* nothing new: no empty packet */
    ck_assert_int_eq(tt_file_size(s0), PKT_HDR_SIZE + MSG_PAYLOAD + 3 + LOG_TEXT + 6);

    cs_trace_reader *r;
    struct cs_trace_event ev;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 1);
    ck_assert_uint_eq(ev.type, CS_TRACE_MSG);
    ck_assert_int_eq(memcmp(ev.payload, "abc", 3), 0);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 1);
    ck_assert_uint_eq(ev.type, CS_TRACE_LOG);
    ck_assert_str_eq((const char *)ev.payload, "hello");
    ck_assert_uint_eq(ev.len, 5);
    ck_assert_uint_eq(ev.level, 1);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    cs_trace_reader_close(r);

    ck_assert_int_eq(cs_trace_write_msg(w, a, 3, CS_DIR_TO_FW, 1, "d", 1, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    int n = 0;
    while (cs_trace_reader_next(r, &ev, &err) == 1)
        n++;
    ck_assert_int_eq(n, 3);
    cs_trace_reader_close(r);
    free(s0);
}
END_TEST

/* Criterion 5: the reader's memory does not grow with the trace. A child reads a trace of
 * about 70 MB and reports how much its peak RSS rose while reading. */
START_TEST(reader_memory_bounded)
{
    enum { N = 600000, PAYLOAD = 100 };
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t ch[3];
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof(name), "c%d", i);
        ck_assert_int_eq(cs_trace_writer_add_channel(w, name, "f", &ch[i], &err), 0);
    }
    uint8_t p[PAYLOAD];
    memset(p, 0x5a, sizeof(p));
    for (uint64_t i = 0; i < N; i++)
        ck_assert_int_eq(cs_trace_write_msg(w, ch[i % 3], i, CS_DIR_TO_FW, 1, p, PAYLOAD, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);

    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rusage before, after;
        getrusage(RUSAGE_SELF, &before);
        cs_trace_reader *r;
        struct cs_trace_event ev;
        long n = 0;
        if (cs_trace_reader_open(&r, tt_tdir, NULL) < 0)
            _exit(1);
        while (cs_trace_reader_next(r, &ev, NULL) == 1)
            n++;
        cs_trace_reader_close(r);
        getrusage(RUSAGE_SELF, &after);
        long msg[2] = {n, after.ru_maxrss - before.ru_maxrss};
        if (write(fds[1], msg, sizeof(msg)) != sizeof(msg))
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    long msg[2];
    ck_assert_int_eq(read(fds[0], msg, sizeof(msg)), sizeof(msg));
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(msg[0], N);
    char *s0 = tt_path(tt_tdir, "stream_0");
    long trace_kib = (long)(3 * tt_file_size(s0) / 1024);
    free(s0);
    ck_assert_msg(msg[1] < 16 * 1024, "peak RSS rose by %ld KiB reading a %ld KiB trace", msg[1],
                  trace_kib);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("rw");
    tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, empty_trace);
    tcase_add_test(tc, chosen_uuid);
    tcase_add_test(tc, largest_events);
    tcase_add_test(tc, writer_rejects);
    tcase_add_test(tc, truncated_stream);
    tcase_add_test(tc, killed_writer);
    tcase_add_test(tc, flush_live);
    tcase_add_test(tc, reader_memory_bounded);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
