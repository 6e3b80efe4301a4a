/* Record builders and the hub fixture of the visor monitor's tests (visor_test_fx.h). */
#include "visor_test_fx.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cs_test.h"

const uint8_t guid_cvm[16] = {0x10, 0x2d, 0x3c, 0x2b, 0xf5, 0x7e, 0xd8, 0x4a,
                              0xb9, 0x66, 0x34, 0x48, 0xb7, 0x38, 0x6b, 0x3d};
const uint8_t guid_vhba[16] = {0xed, 0x15, 0x48, 0x41, 0x8c, 0xc5, 0xda, 0x11,
                               0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
const uint8_t guid_vnic[16] = {0x4d, 0x99, 0xd5, 0x8c, 0x8e, 0xc5, 0xda, 0x11,
                               0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
const uint8_t guid_kbd[16] = {0xd0, 0x16, 0x34, 0xc7, 0xb8, 0xb0, 0xaf, 0x44,
                              0xb3, 0x04, 0x9d, 0x2a, 0xe9, 0x9f, 0x1b, 0x3d};

/* Channel geometry per the server-side convention (§2.2, §3.2, §4.1, §4.5). */

const struct layout layouts[NCH] = {
    [CVM] = {guid_cvm, 1, 36608, 3072, 3584, 4, 128, 64},
    [VHBA] = {guid_vhba, 2, 159744, 128, 1472, 2, 1216, 64},
    [VNIC] = {guid_vnic, 2, 159744, 128, 1472, 2, 1216, 64},
    [KBD] = {guid_kbd, 0, 4096, 256, 384, 1, 16, 51},
};

const char *const names[NCH] = {"visor.controlvm", "visor.1.0", "visor.1.1", "visor.1.2"};

struct fx_finding found[64];
size_t nfound;

static void on_finding(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    if (nfound < sizeof(found) / sizeof(found[0])) {
        snprintf(found[nfound].rule, sizeof(found[nfound].rule), "%s", f->rule);
        snprintf(found[nfound].msg, sizeof(found[nfound].msg), "%s", f->msg);
        /* as `chansim check` prints it */
        snprintf(found[nfound].line, sizeof(found[nfound].line),
                 "rule %s broken on channel %s at cycle %" PRIu64 ": %s", f->rule, f->channel_name,
                 f->cycle, f->msg);
    }
    nfound++;
}

void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void fx_send(struct fx *f, int ch, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t len)
{
    if (!f->hold)
        f->cycle += 10;
    struct cs_mon_msg m = {f->cycle, (uint16_t)ch, dir, kind, len, p};
    cs_monitor_hub_msg(f->hub, &m);
    if (f->record)
        f->record(f->record_ctx, &m);
}

void ch_header(uint8_t h[128], const struct layout *l)
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

void q_header(uint8_t r[136], const struct layout *l, uint32_t q)
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

void create_channel(struct fx *f, int ch)
{
    const struct layout *l = &layouts[ch];
    uint8_t h[128], r[136];
    ch_header(h, l);
    fx_send(f, ch, INTERN, K_CH, h, sizeof(h));
    for (uint32_t q = 0; q < l->nq; q++) {
        q_header(r, l, q);
        fx_send(f, ch, INTERN, K_QH, r, sizeof(r));
        f->idx[ch][q] = 0;
        f->sent[ch][q] = 0;
    }
}

/* One signal crossing queue q of channel ch in its ring order. */
void fx_sig(struct fx *f, int ch, uint32_t q, uint8_t dir, const uint8_t *data)
{
    const struct layout *l = &layouts[ch];
    uint8_t rec[8 + 1216];
    f->idx[ch][q] = (f->idx[ch][q] + 1) % l->max_slots;
    if (dir == TO_G)
        f->sent[ch][q]++;
    put32(rec, q);
    put32(rec + 4, f->idx[ch][q]);
    memcpy(rec + 8, data, l->signal_size);
    fx_send(f, ch, dir, K_SIG, rec, 8 + l->signal_size);
}

void fx_start(struct fx *f)
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

void fx_end(struct fx *f, uint64_t extra)
{
    cs_monitor_hub_finish(f->hub, f->cycle + extra);
    cs_monitor_hub_free(f->hub);
}

void fx_dump(void)
{
    for (size_t i = 0; i < nfound && i < 64; i++)
        fprintf(stderr, "  %s: %s\n", found[i].rule, found[i].msg);
}

void expect_none(void)
{
    if (nfound)
        fx_dump();
    ck_assert_uint_eq(nfound, 0);
}

void expect_only(const char *rule)
{
    if (!nfound)
        fprintf(stderr, "no finding; %s expected\n", rule);
    ck_assert_uint_gt(nfound, 0);
    for (size_t i = 0; i < nfound && i < 64; i++)
        if (strcmp(found[i].rule, rule) != 0) {
            fx_dump();
            ck_abort_msg("finding of %s where only %s was expected", found[i].rule, rule);
        }
}

/* ---- controlvm messages (§3.3) ---- */

void msg_init(uint8_t m[128], struct fx *f, uint32_t id, uint32_t flags)
{
    memset(m, 0, 128);
    put32(m + 0, id);
    put32(m + 4, 128);
    put32(m + 16, flags);
    put64(m + 24, f->handle++);
}

/* The command partition's command (queue 2, to the guest). */
void fx_command(struct fx *f, const uint8_t m[128])
{
    fx_sig(f, CVM, 2, TO_G, m);
}

/* The guest's ACK: the header copied with the payload fields zeroed, the packet zeroed. */
void fx_ack(struct fx *f, const uint8_t m[128])
{
    uint8_t a[128] = {0};
    memcpy(a, m, 32);
    fx_sig(f, CVM, 3, TO_FW, a);
}

void fx_respond(struct fx *f, const uint8_t m[128], int failed, uint16_t state)
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
    fx_sig(f, CVM, 0, TO_FW, r);
}

/* A full exchange: command, ACK, response (when expected). */
void fx_exchange(struct fx *f, const uint8_t m[128])
{
    fx_command(f, m);
    fx_ack(f, m);
    if (m[16] & RESP_EXP)
        fx_respond(f, m, 0, 0);
}

void chipset_init(struct fx *f)
{
    uint8_t m[128];
    msg_init(m, f, 0x301, RESP_EXP);
    fx_exchange(f, m);
}

void bus_msg(uint8_t m[128], struct fx *f, uint32_t id, uint32_t bus)
{
    msg_init(m, f, id, RESP_EXP);
    put32(m + 48, bus);
}

void dev_msg(uint8_t m[128], struct fx *f, uint32_t id, uint32_t bus, uint32_t dev)
{
    msg_init(m, f, id, RESP_EXP);
    put32(m + 48, bus);
    put32(m + 52, dev);
}

void device_create(struct fx *f, int ch, uint32_t dev)
{
    uint8_t m[128];
    create_channel(f, ch);
    dev_msg(m, f, 0x201, 1, dev);
    memcpy(m + 48 + 24, layouts[ch].guid, 16);
    fx_exchange(f, m);
}

void changestate_cmd(uint8_t m[128], struct fx *f, uint32_t dev, uint16_t state)
{
    dev_msg(m, f, 0x204, 1, dev);
    put16(m + 48 + 8, state);
}

/* Boot: CHIPSET_INIT, bus 1, vhba 1.0, vnic 1.1, keyboard 1.2. */
void boot(struct fx *f)
{
    uint8_t m[128];
    chipset_init(f);
    bus_msg(m, f, 0x101, 1);
    fx_exchange(f, m);
    device_create(f, VHBA, 0);
    device_create(f, VNIC, 1);
    device_create(f, KBD, 2);
}

/* ---- IO signals (§4.2-§4.5) ---- */

void fx_scsi(uint8_t s[1216], uint8_t cmdtype, uint64_t handle)
{
    memset(s, 0, 1216);
    s[0] = cmdtype;
    put64(s + 1 + (cmdtype == 3 ? 16 : 0), handle);
}

void vhba_cmd(struct fx *f, uint64_t handle)
{
    uint8_t s[1216];
    fx_scsi(s, 1, handle);
    s[1 + 8] = 0x28; /* READ(10) */
    fx_sig(f, VHBA, 0, TO_FW, s);
}

void vhba_done(struct fx *f, uint64_t handle)
{
    uint8_t s[1216];
    fx_scsi(s, 1, handle);
    fx_sig(f, VHBA, 1, TO_G, s);
}

void fx_net(uint8_t s[1216], uint32_t type, uint64_t buf)
{
    memset(s, 0, 1216);
    s[0] = 2;
    put32(s + 1, type);
    put64(s + 5, buf);
}

void vnic_sig(struct fx *f, uint32_t type, uint64_t buf)
{
    uint8_t s[1216];
    fx_net(s, type, buf);
    int guest = type % 2 == 0;
    fx_sig(f, VNIC, guest ? 0 : 1, guest ? TO_FW : TO_G, s);
}

void vnic_enbdis(struct fx *f, int enable)
{
    uint8_t s[1216];
    fx_net(s, 4, 0x5000);
    put16(s + 1 + 12 + 8, (uint16_t)enable);
    fx_sig(f, VNIC, 0, TO_FW, s);
}

void vnic_rcv(struct fx *f, unsigned n, const uint64_t *bufs)
{
    uint8_t s[1216];
    fx_net(s, 1, bufs[0]);
    put32(s + 1 + 12, 1500);
    s[1 + 12 + 4] = (uint8_t)n;
    for (unsigned i = 0; i < n; i++)
        put64(s + 1 + 12 + 5 + 8 * i, bufs[i]);
    fx_sig(f, VNIC, 1, TO_G, s);
}

void fx_key(struct fx *f, uint16_t action, uint16_t code)
{
    uint8_t r[16] = {0};
    static uint64_t seq;
    put64(r, ++seq);
    put16(r + 8, action);
    put16(r + 10, code);
    fx_sig(f, KBD, 0, TO_G, r);
}

void pause_resume(struct fx *f, uint32_t dev)
{
    uint8_t m[128];
    changestate_cmd(m, f, dev, 0x0073);
    fx_command(f, m);
    fx_ack(f, m);
    fx_respond(f, m, 0, 0);
    changestate_cmd(m, f, dev, 0x00F7);
    fx_command(f, m);
    fx_ack(f, m);
    fx_respond(f, m, 0, 0);
}

void partition(struct fx *f, int ch, int up)
{
    uint8_t r[4];
    put32(r, (uint32_t)up);
    fx_send(f, ch, INTERN, K_PART, r, sizeof(r));
}
