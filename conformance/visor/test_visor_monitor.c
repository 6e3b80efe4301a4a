/* The visor monitor on hand-built channel records: a conforming boot with IO, pause and resume,
 * and teardown gives no finding, and each sequence breaking one rule gives findings of that
 * rule only. Payloads are laid out here from spec visor.md §2-§4. */
#include <stdio.h>

#include "cs_monitor.h"
#include "cs_test.h"
#include "visor/visor_monitor.h"

/* record kinds (docs/trace-format.md) and directions */
#define K_CH   1
#define K_QH   2
#define K_SIG  3
#define K_FLT  4
#define K_OVF  5
#define TO_FW  0
#define TO_G   1
#define INTERN 2

/* channels of the fixture's hub */
enum { CVM, VHBA, VNIC, KBD, NCH };

static const uint8_t guid_cvm[16] = {0x10, 0x2d, 0x3c, 0x2b, 0xf5, 0x7e, 0xd8, 0x4a,
                                     0xb9, 0x66, 0x34, 0x48, 0xb7, 0x38, 0x6b, 0x3d};
static const uint8_t guid_vhba[16] = {0xed, 0x15, 0x48, 0x41, 0x8c, 0xc5, 0xda, 0x11,
                                      0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
static const uint8_t guid_vnic[16] = {0x4d, 0x99, 0xd5, 0x8c, 0x8e, 0xc5, 0xda, 0x11,
                                      0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
static const uint8_t guid_kbd[16] = {0xd0, 0x16, 0x34, 0xc7, 0xb8, 0xb0, 0xaf, 0x44,
                                     0xb3, 0x04, 0x9d, 0x2a, 0xe9, 0x9f, 0x1b, 0x3d};

/* Channel geometry per the server-side convention (§2.2, §3.2, §4.1, §4.5). */
struct layout {
    const uint8_t *guid;
    uint32_t version;
    uint64_t bytes, space, slots_at;
    uint32_t nq, signal_size, max_slots;
};

static const struct layout layouts[NCH] = {
    [CVM] = {guid_cvm, 1, 36608, 3072, 3584, 4, 128, 64},
    [VHBA] = {guid_vhba, 2, 159744, 128, 1472, 2, 1216, 64},
    [VNIC] = {guid_vnic, 2, 159744, 128, 1472, 2, 1216, 64},
    [KBD] = {guid_kbd, 0, 4096, 256, 384, 1, 16, 51},
};

static const char *const names[NCH] = {"visor.controlvm", "visor.1.0", "visor.1.1", "visor.1.2"};

static struct {
    char rule[8];
    char msg[256];
} found[64];
static size_t nfound;

static void on_finding(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    if (nfound < sizeof(found) / sizeof(found[0])) {
        snprintf(found[nfound].rule, sizeof(found[nfound].rule), "%s", f->rule);
        snprintf(found[nfound].msg, sizeof(found[nfound].msg), "%s", f->msg);
    }
    nfound++;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

struct fx {
    struct cs_monitor_hub *hub;
    uint64_t cycle;
    int hold;             /* keep the cycle (same-cycle records) */
    uint32_t idx[NCH][4]; /* the firmware's index per queue */
    uint64_t handle;      /* next controlvm message handle */
};

static void send(struct fx *f, int ch, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t len)
{
    if (!f->hold)
        f->cycle += 10;
    struct cs_mon_msg m = {f->cycle, (uint16_t)ch, dir, kind, len, p};
    cs_monitor_hub_msg(f->hub, &m);
}

static void ch_header(uint8_t h[128], const struct layout *l)
{
    memset(h, 0, 128);
    put64(h + 0, 0x4C4E4345u);
    put32(h + 12, 128);
    put64(h + 16, l->bytes);
    memcpy(h + 32, l->guid, 16);
    put64(h + 64, l->space);
    put32(h + 72, l->version);
    put32(h + 120, 1);
}

static void q_header(uint8_t r[136], const struct layout *l, uint32_t q)
{
    memset(r, 0, 136);
    put32(r, q);
    uint8_t *h = r + 8;
    uint64_t qoff = l->space + 128ull * q;
    uint64_t slots = l->slots_at + (uint64_t)q * l->max_slots * l->signal_size;
    put32(h + 0, 1);
    put32(h + 4, q);
    put64(h + 8, (uint64_t)l->max_slots * l->signal_size);
    put64(h + 16, slots - qoff);
    put32(h + 48, l->signal_size);
    put32(h + 52, l->max_slots);
    put32(h + 56, l->max_slots - 1);
}

static void create_channel(struct fx *f, int ch)
{
    const struct layout *l = &layouts[ch];
    uint8_t h[128], r[136];
    ch_header(h, l);
    send(f, ch, INTERN, K_CH, h, sizeof(h));
    for (uint32_t q = 0; q < l->nq; q++) {
        q_header(r, l, q);
        send(f, ch, INTERN, K_QH, r, sizeof(r));
        f->idx[ch][q] = 0;
    }
}

/* One signal crossing queue q of channel ch in its ring order. */
static void sig(struct fx *f, int ch, uint32_t q, uint8_t dir, const uint8_t *data)
{
    const struct layout *l = &layouts[ch];
    uint8_t rec[8 + 1216];
    f->idx[ch][q] = (f->idx[ch][q] + 1) % l->max_slots;
    put32(rec, q);
    put32(rec + 4, f->idx[ch][q]);
    memcpy(rec + 8, data, l->signal_size);
    send(f, ch, dir, K_SIG, rec, 8 + l->signal_size);
}

static void fx_start(struct fx *f)
{
    memset(f, 0, sizeof(*f));
    nfound = 0;
    f->hub = cs_monitor_hub_new(on_finding, NULL);
    for (int c = 0; c < NCH; c++)
        cs_monitor_hub_channel(f->hub, (uint16_t)c, names[c], "visor");
    f->cycle = 1000;
    f->handle = 1;
    create_channel(f, CVM);
}

static void fx_end(struct fx *f, uint64_t extra)
{
    cs_monitor_hub_finish(f->hub, f->cycle + extra);
    cs_monitor_hub_free(f->hub);
}

static void dump(void)
{
    for (size_t i = 0; i < nfound && i < 64; i++)
        fprintf(stderr, "  %s: %s\n", found[i].rule, found[i].msg);
}

static void expect_none(void)
{
    if (nfound)
        dump();
    ck_assert_uint_eq(nfound, 0);
}

static void expect_only(const char *rule)
{
    if (!nfound)
        fprintf(stderr, "no finding; %s expected\n", rule);
    ck_assert_uint_gt(nfound, 0);
    for (size_t i = 0; i < nfound && i < 64; i++)
        if (strcmp(found[i].rule, rule) != 0) {
            dump();
            ck_abort_msg("finding of %s where only %s was expected", found[i].rule, rule);
        }
}

/* ---- controlvm messages (§3.3) ---- */

#define RESP_EXP (1u << 1)
#define FAILED   (1u << 0)
#define TEST_MSG (1u << 3)

static void msg_init(uint8_t m[128], struct fx *f, uint32_t id, uint32_t flags)
{
    memset(m, 0, 128);
    put32(m + 0, id);
    put32(m + 4, 128);
    put32(m + 16, flags);
    put64(m + 24, f->handle++);
}

/* The command partition's command (queue 2, to the guest). */
static void command(struct fx *f, const uint8_t m[128])
{
    sig(f, CVM, 2, TO_G, m);
}

/* The guest's ACK: the header copied with the payload fields zeroed, the packet zeroed. */
static void ack(struct fx *f, const uint8_t m[128])
{
    uint8_t a[128] = {0};
    memcpy(a, m, 32);
    sig(f, CVM, 3, TO_FW, a);
}

static void respond(struct fx *f, const uint8_t m[128], int failed, uint16_t state)
{
    uint8_t r[128];
    memcpy(r, m, 128);
    memset(r + 32, 0, 16);
    if (failed) {
        put32(r + 16, (uint32_t)(m[16] | m[17] << 8) | FAILED);
        put32(r + 12, 17);
    }
    if (state)
        put16(r + 48 + 8, state);
    sig(f, CVM, 0, TO_FW, r);
}

/* A full exchange: command, ACK, response (when expected). */
static void exchange(struct fx *f, const uint8_t m[128])
{
    command(f, m);
    ack(f, m);
    if (m[16] & RESP_EXP)
        respond(f, m, 0, 0);
}

static void chipset_init(struct fx *f)
{
    uint8_t m[128];
    msg_init(m, f, 0x301, RESP_EXP);
    exchange(f, m);
}

static void bus_msg(uint8_t m[128], struct fx *f, uint32_t id, uint32_t bus)
{
    msg_init(m, f, id, RESP_EXP);
    put32(m + 48, bus);
}

static void dev_msg(uint8_t m[128], struct fx *f, uint32_t id, uint32_t bus, uint32_t dev)
{
    msg_init(m, f, id, RESP_EXP);
    put32(m + 48, bus);
    put32(m + 52, dev);
}

static void device_create(struct fx *f, int ch, uint32_t dev)
{
    uint8_t m[128];
    create_channel(f, ch);
    dev_msg(m, f, 0x201, 1, dev);
    memcpy(m + 48 + 24, layouts[ch].guid, 16);
    exchange(f, m);
}

static void changestate_cmd(uint8_t m[128], struct fx *f, uint32_t dev, uint16_t state)
{
    dev_msg(m, f, 0x204, 1, dev);
    put16(m + 48 + 8, state);
}

/* Boot: CHIPSET_INIT, bus 1, vhba 1.0, vnic 1.1, keyboard 1.2. */
static void boot(struct fx *f)
{
    uint8_t m[128];
    chipset_init(f);
    bus_msg(m, f, 0x101, 1);
    exchange(f, m);
    device_create(f, VHBA, 0);
    device_create(f, VNIC, 1);
    device_create(f, KBD, 2);
}

/* ---- IO signals (§4.2-§4.5) ---- */

static void scsi(uint8_t s[1216], uint8_t cmdtype, uint64_t handle)
{
    memset(s, 0, 1216);
    s[0] = cmdtype;
    put64(s + 1 + (cmdtype == 3 ? 16 : 0), handle);
}

static void vhba_cmd(struct fx *f, uint64_t handle)
{
    uint8_t s[1216];
    scsi(s, 1, handle);
    s[1 + 8] = 0x28; /* READ(10) */
    sig(f, VHBA, 0, TO_FW, s);
}

static void vhba_done(struct fx *f, uint64_t handle)
{
    uint8_t s[1216];
    scsi(s, 1, handle);
    sig(f, VHBA, 1, TO_G, s);
}

static void net(uint8_t s[1216], uint32_t type, uint64_t buf)
{
    memset(s, 0, 1216);
    s[0] = 2;
    put32(s + 1, type);
    put64(s + 5, buf);
}

static void vnic_sig(struct fx *f, uint32_t type, uint64_t buf)
{
    uint8_t s[1216];
    net(s, type, buf);
    int guest = type % 2 == 0;
    sig(f, VNIC, guest ? 0 : 1, guest ? TO_FW : TO_G, s);
}

static void vnic_enbdis(struct fx *f, int enable)
{
    uint8_t s[1216];
    net(s, 4, 0x5000);
    put16(s + 1 + 12 + 8, (uint16_t)enable);
    sig(f, VNIC, 0, TO_FW, s);
}

static void vnic_rcv(struct fx *f, unsigned n, const uint64_t *bufs)
{
    uint8_t s[1216];
    net(s, 1, bufs[0]);
    put32(s + 1 + 12, 1500);
    s[1 + 12 + 4] = (uint8_t)n;
    for (unsigned i = 0; i < n; i++)
        put64(s + 1 + 12 + 5 + 8 * i, bufs[i]);
    sig(f, VNIC, 1, TO_G, s);
}

static void key(struct fx *f, uint16_t action, uint16_t code)
{
    uint8_t r[16] = {0};
    static uint64_t seq;
    put64(r, ++seq);
    put16(r + 8, action);
    put16(r + 10, code);
    sig(f, KBD, 0, TO_G, r);
}

/* ---- the conforming run ---- */

static void pause_resume(struct fx *f, uint32_t dev)
{
    uint8_t m[128];
    changestate_cmd(m, f, dev, 0x0073);
    command(f, m);
    ack(f, m);
    respond(f, m, 0, 0);
    changestate_cmd(m, f, dev, 0x00F7);
    command(f, m);
    ack(f, m);
    respond(f, m, 0, 0);
}

START_TEST(conforming_run_breaks_no_rule)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    for (uint64_t h = 0; h < 200; h++) { /* more than a queue's worth: the rings wrap */
        vhba_cmd(&f, h % 128);
        vhba_done(&f, h % 128);
    }
    uint8_t tm[1216];
    scsi(tm, 3, 7);
    sig(&f, VHBA, 0, TO_FW, tm);
    sig(&f, VHBA, 1, TO_G, tm);
    uint64_t rb[3] = {0xa000, 0xb000, 0xc000};
    for (int i = 0; i < 3; i++)
        vnic_sig(&f, 0, rb[i]);
    vnic_enbdis(&f, 1);
    vnic_sig(&f, 5, 0x5000);
    vnic_sig(&f, 7, 0);
    vnic_sig(&f, 2, 0x7000);
    vnic_sig(&f, 3, 0x7000);
    vnic_rcv(&f, 2, rb);
    vnic_sig(&f, 0, rb[0]); /* re-posted */
    key(&f, 64, 0x1e);
    key(&f, 65, 0x1e);
    /* a command outstanding at the pause is failed by the guest, not answered later */
    vhba_cmd(&f, 3);
    pause_resume(&f, 0);
    vhba_cmd(&f, 3);
    vhba_done(&f, 3);
    /* a test message is dropped by the guest: no ACK, no response */
    uint8_t m[128];
    msg_init(m, &f, 0x305, RESP_EXP | TEST_MSG);
    command(&f, m);
    /* the firmware rewrites a queue header with its current values (at a pause, say) */
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 1);
    put32(r + 8 + 60, f.idx[VHBA][1]);
    put64(r + 8 + 32, 202);
    send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    vhba_cmd(&f, 4);
    vhba_done(&f, 4);
    /* teardown */
    vnic_enbdis(&f, 0);
    vnic_sig(&f, 5, 0x5000);
    for (uint32_t d = 0; d < 3; d++) {
        dev_msg(m, &f, 0x202, 1, d);
        exchange(&f, m);
    }
    bus_msg(m, &f, 0x102, 1);
    exchange(&f, m);
    /* the device comes back: a fresh channel starts its counters at zero again */
    bus_msg(m, &f, 0x101, 1);
    exchange(&f, m);
    device_create(&f, VHBA, 0);
    vhba_cmd(&f, 0);
    vhba_done(&f, 0);
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES);
    expect_none();
}
END_TEST

/* ---- one rule broken at a time ---- */

START_TEST(u1_channel_header_fields)
{
    static const struct {
        unsigned off, width;
        uint64_t value;
    } lies[] = {{0, 8, 0x4C4E4346u}, {12, 4, 64}, {16, 8, 1024}, {32, 1, 0xee}, {72, 4, 3}};
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t h[128];
        ch_header(h, &layouts[VHBA]);
        for (unsigned b = 0; b < lies[i].width; b++)
            h[lies[i].off + b] = (uint8_t)(lies[i].value >> (8 * b));
        send(&f, VHBA, INTERN, K_CH, h, sizeof(h));
        fx_end(&f, 0);
        expect_only("U1");
    }
}
END_TEST

START_TEST(u2_space_offset)
{
    static const uint64_t bad[] = {64, 256, 159744 - 128};
    for (size_t i = 0; i < 3; i++) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t h[128];
        ch_header(h, &layouts[VHBA]);
        put64(h + 64, bad[i]);
        send(&f, VHBA, INTERN, K_CH, h, sizeof(h));
        fx_end(&f, 0);
        expect_only("U2");
    }
    /* an input channel's queue may start anywhere after its channel data, not inside it */
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t h[128];
    ch_header(h, &layouts[KBD]);
    put64(h + 64, 130);
    send(&f, KBD, INTERN, K_CH, h, sizeof(h));
    fx_end(&f, 0);
    expect_only("U2");
}
END_TEST

START_TEST(u3_queue_geometry)
{
    static const struct {
        unsigned off, width;
        uint64_t value;
    } lies[] = {
        {52, 4, 0},        /* max_slots 0 */
        {52, 4, 1},        /* max_slots 1: no room besides the empty slot */
        {48, 4, 1185},     /* signal_size not the slot size */
        {16, 8, 1u << 20}, /* slots outside the channel */
        {16, 8, 0},        /* slots over the queue headers */
        {52, 4, 100000},   /* more slots than fit */
        {56, 4, 5},        /* max_signals not max_slots - 1 */
    };
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t r[136];
        q_header(r, &layouts[VHBA], 1);
        for (unsigned b = 0; b < lies[i].width; b++)
            r[8 + lies[i].off + b] = (uint8_t)(lies[i].value >> (8 * b));
        if (lies[i].off == 52 && lies[i].value >= 2) /* keep size consistent: geometry alone */
            put64(r + 8 + 8, lies[i].value * 1216), put32(r + 8 + 56, (uint32_t)lies[i].value - 1);
        send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
        fx_end(&f, 0);
        expect_only("U3");
    }
}
END_TEST

START_TEST(u4_head_tail_in_range)
{
    for (unsigned field = 60; field <= 72; field += 12) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t r[136];
        q_header(r, &layouts[VHBA], 0);
        put32(r + 8 + field, 64);
        send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
        fx_end(&f, 0);
        expect_only("U4");
    }
}
END_TEST

START_TEST(u5_counters_monotone)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 1);
    put32(r + 8 + 60, 1);
    put64(r + 8 + 32, 1);
    put64(r + 8 + 40, 4);
    send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    expect_none();
    put64(r + 8 + 40, 2); /* num_overflows back */
    send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    fx_end(&f, 0);
    expect_only("U5");

    fx_start(&f);
    boot(&f);
    uint8_t o[12];
    put32(o, 1);
    put64(o + 4, 3);
    send(&f, VHBA, INTERN, K_OVF, o, sizeof(o));
    expect_none();
    put64(o + 4, 3); /* an overflow that did not count */
    send(&f, VHBA, INTERN, K_OVF, o, sizeof(o));
    fx_end(&f, 0);
    expect_only("U5");
}
END_TEST

START_TEST(u6_signal_slots)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    f.idx[VHBA][1]++; /* the firmware skips a slot */
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U6");

    fx_start(&f);
    boot(&f);
    uint8_t rec[8 + 128] = {0};
    put32(rec, 1);
    put32(rec + 4, 1);
    rec[8] = 1;
    send(&f, VHBA, TO_G, K_SIG, rec, sizeof(rec)); /* 128 bytes on a 1216-byte queue */
    fx_end(&f, 0);
    expect_only("U6");

    fx_start(&f);
    boot(&f);
    put32(rec, 3); /* an IO channel has two queues */
    send(&f, VHBA, TO_G, K_SIG, rec, sizeof(rec));
    fx_end(&f, 0);
    expect_only("U6");
}
END_TEST

START_TEST(u7_queue_roles)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t s[1216];
    scsi(s, 1, 1);
    sig(&f, VHBA, 0, TO_G, s); /* the firmware inserting into the guest's command queue */
    fx_end(&f, 0);
    expect_only("U7");

    fx_start(&f);
    chipset_init(&f);
    uint8_t m[128];
    msg_init(m, &f, 0x304, RESP_EXP);
    sig(&f, CVM, 0, TO_G, m); /* a command into the guest's response queue */
    fx_end(&f, 0);
    expect_only("U7");
}
END_TEST

START_TEST(u8_guest_header_fault)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t rec[64] = {0};
    put32(rec, 0);
    put32(rec + 4, 60);
    snprintf((char *)rec + 8, 56, "head 99 not below max_slots 64");
    send(&f, VHBA, INTERN, K_FLT, rec, 8 + 31);
    fx_end(&f, 0);
    expect_only("U8");

    /* a fault explained by the firmware's own broken header is U3 alone */
    fx_start(&f);
    boot(&f);
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 0);
    put32(r + 8 + 48, 7);
    send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    send(&f, VHBA, INTERN, K_FLT, rec, 8 + 31);
    fx_end(&f, 0);
    expect_only("U3");
}
END_TEST

START_TEST(u9_command_form)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x999, RESP_EXP);
    command(&f, m);
    fx_end(&f, 0);
    expect_only("U9");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    put32(m + 4, 64);
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U9");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    put32(m + 40, 16);
    put32(m + 44, 32);
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U9");
}
END_TEST

START_TEST(u10_ack_once)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    command(&f, m);
    ack(&f, m);
    ack(&f, m);
    respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U10");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    put32(m + 48, 9); /* a packet the ACK must not carry */
    command(&f, m);
    uint8_t a[128];
    memcpy(a, m, 128);
    sig(&f, CVM, 3, TO_FW, a);
    respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U10");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, 0);
    command(&f, m); /* never ACKed */
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES);
    expect_only("U10");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x305, RESP_EXP | TEST_MSG);
    command(&f, m);
    ack(&f, m); /* test messages are dropped, not ACKed */
    fx_end(&f, 0);
    expect_only("U10");
}
END_TEST

START_TEST(u11_response_once)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    exchange(&f, m);
    respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U11");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    command(&f, m);
    ack(&f, m);
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES); /* never answered */
    expect_only("U11");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    command(&f, m);
    respond(&f, m, 0, 0); /* before the ACK */
    ack(&f, m);
    fx_end(&f, 0);
    expect_only("U11");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    respond(&f, m, 0, 0); /* to nothing */
    fx_end(&f, 0);
    expect_only("U11");
}
END_TEST

START_TEST(u12_lifecycle_order)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    bus_msg(m, &f, 0x101, 1); /* before CHIPSET_INIT */
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    chipset_init(&f);
    chipset_init(&f);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    chipset_init(&f);
    dev_msg(m, &f, 0x201, 7, 0); /* no bus 7 */
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    boot(&f);
    bus_msg(m, &f, 0x102, 1); /* devices still on it */
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    boot(&f);
    dev_msg(m, &f, 0x202, 1, 5); /* no such device */
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    boot(&f);
    bus_msg(m, &f, 0x101, 1); /* exists */
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    /* a refused BUS_CREATE leaves no bus: a device on it is out of order */
    fx_start(&f);
    chipset_init(&f);
    bus_msg(m, &f, 0x101, 2);
    command(&f, m);
    ack(&f, m);
    respond(&f, m, 1, 0);
    dev_msg(m, &f, 0x201, 2, 0);
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");
}
END_TEST

START_TEST(u13_one_command_at_a_time)
{
    struct fx f;
    uint8_t m1[128], m2[128];
    fx_start(&f);
    boot(&f);
    changestate_cmd(m1, &f, 0, 0x0073);
    command(&f, m1);
    dev_msg(m2, &f, 0x203, 1, 0);
    command(&f, m2);
    ack(&f, m1);
    ack(&f, m2);
    respond(&f, m1, 0, 0);
    respond(&f, m2, 0, 0);
    fx_end(&f, 0);
    expect_only("U13");
}
END_TEST

START_TEST(u14_changestate_states)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    boot(&f);
    changestate_cmd(m, &f, 2, 0x0077); /* "paused" is not a state the guest acts on */
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U14");

    fx_start(&f);
    boot(&f);
    changestate_cmd(m, &f, 2, 0x0073);
    command(&f, m);
    ack(&f, m);
    respond(&f, m, 0, 0x00F7);
    changestate_cmd(m, &f, 2, 0x00F7);
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U14");
}
END_TEST

START_TEST(u15_no_signal_while_paused)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    changestate_cmd(m, &f, 0, 0x0073);
    command(&f, m);
    vhba_done(&f, 1); /* the IO partition answers while it declared the device paused */
    ack(&f, m);
    respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U15");

    /* at the cycle of the pause command or of the resume command the signal is not in the
     * pause, whichever order same-cycle records of two channels arrive in */
    for (int order = 0; order < 2; order++) {
        fx_start(&f);
        boot(&f);
        changestate_cmd(m, &f, 0, 0x0073);
        command(&f, m);
        ack(&f, m);
        respond(&f, m, 0, 0);
        uint8_t r[128];
        changestate_cmd(r, &f, 0, 0x00F7);
        f.cycle += 10;
        f.hold = 1;
        if (order) {
            command(&f, r);
            vhba_cmd(&f, 1);
        } else {
            vhba_cmd(&f, 1);
            command(&f, r);
        }
        f.hold = 0;
        ack(&f, r);
        respond(&f, r, 0, 0);
        vhba_done(&f, 1);
        fx_end(&f, 0);
        expect_none();
    }
}
END_TEST

START_TEST(u16_device_type_matches)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    bus_msg(m, &f, 0x101, 1);
    exchange(&f, m);
    create_channel(&f, VHBA);
    dev_msg(m, &f, 0x201, 1, 0);
    memcpy(m + 48 + 24, guid_vnic, 16);
    exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U16");
}
END_TEST

START_TEST(u17_signal_contents)
{
    struct fx f;
    uint8_t s[1216];
    fx_start(&f);
    boot(&f);
    scsi(s, 2, 1); /* a network command on a vhba channel */
    sig(&f, VHBA, 0, TO_FW, s);
    fx_end(&f, 0);
    expect_only("U17");

    fx_start(&f);
    boot(&f);
    net(s, 3, 0x1000); /* XMIT_DONE from the guest */
    sig(&f, VNIC, 0, TO_FW, s);
    fx_end(&f, 0);
    expect_only("U17");

    fx_start(&f);
    boot(&f);
    key(&f, 99, 1);
    fx_end(&f, 0);
    expect_only("U17");
}
END_TEST

START_TEST(u18_handles_once)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    vhba_done(&f, 1); /* returned twice */
    fx_end(&f, 0);
    expect_only("U18");

    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_cmd(&f, 1); /* reused while outstanding */
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U18");

    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES); /* never returned */
    expect_only("U18");

    /* the guest failed handle 1 at the pause: answering it after the resume duplicates it */
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    pause_resume(&f, 0);
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U18");
}
END_TEST

START_TEST(u19_vnic_buffers_once)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 2, 0x7000);
    vnic_sig(&f, 3, 0x7000);
    vnic_sig(&f, 3, 0x7000);
    fx_end(&f, 0);
    expect_only("U19");

    uint64_t b[2] = {0xa000, 0xb000};
    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 0, b[0]);
    vnic_rcv(&f, 2, b); /* b[1] was never posted */
    fx_end(&f, 0);
    expect_only("U19");

    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 0, b[0]);
    vnic_enbdis(&f, 0);
    vnic_sig(&f, 5, 0x5000);
    vnic_rcv(&f, 1, b); /* un-posted by the disable */
    fx_end(&f, 0);
    expect_only("U19");

    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 5, 0x5000); /* ACK of no ENBDIS */
    fx_end(&f, 0);
    expect_only("U19");
}
END_TEST

START_TEST(malformed_records_are_findings)
{
    /* truncated records of every kind: findings or ignored, never a crash */
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t junk[8] = {1, 0, 0, 0, 1, 0, 0, 0};
    for (uint16_t k = 1; k <= 6; k++)
        for (uint32_t len = 0; len <= 8; len += 4)
            for (uint8_t dir = 0; dir < 3; dir++)
                send(&f, VHBA, dir, k, junk, len);
    fx_end(&f, 0);
    ck_assert_uint_gt(nfound, 0);
    for (size_t i = 0; i < nfound && i < 64; i++)
        ck_assert(found[i].rule[0] == 'U');
}
END_TEST

static void count_cb(void *ctx, const char *rule, uint64_t checks)
{
    (void)rule;
    *(uint64_t *)ctx += checks ? 1 : 0;
}

START_TEST(coverage_names_every_rule)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    uint64_t checked = 0;
    cs_monitor_hub_coverage(f.hub, count_cb, &checked);
    ck_assert_uint_ge(checked, 12);
    fx_end(&f, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_monitor");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, conforming_run_breaks_no_rule);
    tcase_add_test(tc, u1_channel_header_fields);
    tcase_add_test(tc, u2_space_offset);
    tcase_add_test(tc, u3_queue_geometry);
    tcase_add_test(tc, u4_head_tail_in_range);
    tcase_add_test(tc, u5_counters_monotone);
    tcase_add_test(tc, u6_signal_slots);
    tcase_add_test(tc, u7_queue_roles);
    tcase_add_test(tc, u8_guest_header_fault);
    tcase_add_test(tc, u9_command_form);
    tcase_add_test(tc, u10_ack_once);
    tcase_add_test(tc, u11_response_once);
    tcase_add_test(tc, u12_lifecycle_order);
    tcase_add_test(tc, u13_one_command_at_a_time);
    tcase_add_test(tc, u14_changestate_states);
    tcase_add_test(tc, u15_no_signal_while_paused);
    tcase_add_test(tc, u16_device_type_matches);
    tcase_add_test(tc, u17_signal_contents);
    tcase_add_test(tc, u18_handles_once);
    tcase_add_test(tc, u19_vnic_buffers_once);
    tcase_add_test(tc, malformed_records_are_findings);
    tcase_add_test(tc, coverage_names_every_rule);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
