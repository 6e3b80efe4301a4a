/* Hand-built records of s-Par channels for the visor monitor's tests: a hub with a controlvm
 * channel and three device channels (vhba 1.0, vnic 1.1, keyboard 1.2), channel and queue
 * headers laid out per spec visor.md §2.2, §3.2, §4.1 and §4.5, controlvm messages (§3.3) and
 * IO signals (§4.2-§4.5), each sent in its queue's ring order. Findings are collected in
 * found[]. */
#ifndef VISOR_TEST_FX_H
#define VISOR_TEST_FX_H

#include <stddef.h>
#include <stdint.h>

#include "cs_monitor.h"

/* record kinds (docs/trace-format.md) and directions */
#define K_CH   1
#define K_QH   2
#define K_SIG  3
#define K_FLT  4
#define K_OVF  5
#define K_PART 6
#define TO_FW  0
#define TO_G   1
#define INTERN 2

/* controlvm message flags */
#define RESP_EXP (1u << 1)
#define FAILED   (1u << 0)
#define TEST_MSG (1u << 3)

/* channels of the fixture's hub */
enum { CVM, VHBA, VNIC, KBD, NCH };

extern const uint8_t guid_cvm[16], guid_vhba[16], guid_vnic[16], guid_kbd[16];

/* Channel geometry per the server-side convention. */
struct layout {
    const uint8_t *guid;
    uint32_t version;
    uint64_t bytes, space, slots_at;
    uint32_t nq, signal_size, max_slots;
};

extern const struct layout layouts[NCH];
extern const char *const names[NCH];

struct fx_finding {
    char rule[8];
    char msg[256];
    char line[400];
};
extern struct fx_finding found[64];
extern size_t nfound;

struct fx {
    struct cs_monitor_hub *hub;
    uint64_t cycle;
    int hold;              /* keep the cycle (same-cycle records) */
    uint32_t idx[NCH][4];  /* the firmware's index per queue */
    uint64_t sent[NCH][4]; /* signals the firmware inserted per queue */
    uint64_t handle;       /* next controlvm message handle */
    /* optional: every record also goes here (a trace writer, say) */
    void (*record)(void *ctx, const struct cs_mon_msg *m);
    void *record_ctx;
};

void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);
void fx_send(struct fx *f, int ch, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t len);
void ch_header(uint8_t h[128], const struct layout *l);
void q_header(uint8_t r[136], const struct layout *l, uint32_t q);
void create_channel(struct fx *f, int ch);
void fx_sig(struct fx *f, int ch, uint32_t q, uint8_t dir, const uint8_t *data);
void fx_start(struct fx *f);
void fx_end(struct fx *f, uint64_t extra);
void fx_dump(void);
void expect_none(void);
void expect_only(const char *rule);
void msg_init(uint8_t m[128], struct fx *f, uint32_t id, uint32_t flags);
void fx_command(struct fx *f, const uint8_t m[128]);
void fx_ack(struct fx *f, const uint8_t m[128]);
void fx_respond(struct fx *f, const uint8_t m[128], int failed, uint16_t state);
void fx_exchange(struct fx *f, const uint8_t m[128]);
void chipset_init(struct fx *f);
void bus_msg(uint8_t m[128], struct fx *f, uint32_t id, uint32_t bus);
void dev_msg(uint8_t m[128], struct fx *f, uint32_t id, uint32_t bus, uint32_t dev);
void device_create(struct fx *f, int ch, uint32_t dev);
void changestate_cmd(uint8_t m[128], struct fx *f, uint32_t dev, uint16_t state);
void boot(struct fx *f);
void fx_scsi(uint8_t s[1216], uint8_t cmdtype, uint64_t handle);
void vhba_cmd(struct fx *f, uint64_t handle);
void vhba_done(struct fx *f, uint64_t handle);
void fx_net(uint8_t s[1216], uint32_t type, uint64_t buf);
void vnic_sig(struct fx *f, uint32_t type, uint64_t buf);
void vnic_enbdis(struct fx *f, int enable);
void vnic_rcv(struct fx *f, unsigned n, const uint64_t *bufs);
void fx_key(struct fx *f, uint16_t action, uint16_t code);
/* The device's service partition goes down (up = 0) or comes back (up = 1). */
void partition(struct fx *f, int ch, int up);
/* DEVICE_CHANGESTATE to standby, then to running, each ACKed and answered. */
void pause_resume(struct fx *f, uint32_t dev);

#endif
