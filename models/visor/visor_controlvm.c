#include "visor_controlvm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

enum cmd_state { CMD_QUEUED, CMD_SENT, CMD_ACKED, CMD_DONE };

struct cmd {
    uint8_t msg[VISOR_CVM_MSG_SIZE];
    enum cmd_state state;
    int acked, responded;
};

struct visor_chipset {
    struct cs_gmem *mem;
    struct visor_channel *ch;
    struct cmd *cmds;
    size_t ncmds, cap, next_send;
    struct visor_chipset_config cfg;
    int turn; /* drain: which queue goes first in this pass */
    visor_cvm_done_fn done;
    void *done_ctx;
    struct visor_chipset_stats st;
};

static const struct visor_channel_desc cvm_desc = {
    .type = VISOR_GUID_CONTROLVM,
    .version = 1,
    .bytes = VISOR_CVM_CHANNEL_BYTES,
    .space_offset = VISOR_CVM_SPACE_OFFSET,
    .slots_offset = VISOR_CVM_SPACE_OFFSET + 4 * VISOR_QH_SIZE,
    .nqueues = 4,
    .q = {{VISOR_CVM_MSG_SIZE, VISOR_CVM_MSG_COUNT, 0, 1},
          {VISOR_CVM_MSG_SIZE, VISOR_CVM_MSG_COUNT, 1, 0},
          {VISOR_CVM_MSG_SIZE, VISOR_CVM_MSG_COUNT, 2, 0},
          {VISOR_CVM_MSG_SIZE, VISOR_CVM_MSG_COUNT, 3, 1}},
};

int visor_chipset_create(struct cs_gmem *mem, uint64_t gpa, struct cs_tap *tap, uint16_t tap_ch,
                         struct visor_chipset **out, cs_error *err)
{
    static const struct visor_chipset_config defaults = {0, 0, 0, 0};
    return visor_chipset_create_cfg(mem, gpa, &defaults, tap, tap_ch, out, err);
}

int visor_chipset_create_cfg(struct cs_gmem *mem, uint64_t gpa,
                             const struct visor_chipset_config *cfg, struct cs_tap *tap,
                             uint16_t tap_ch, struct visor_chipset **out, cs_error *err)
{
    if (cfg->slots == 1 || cfg->slots > VISOR_CVM_MSG_COUNT)
        return cs_error_set(err, "controlvm: %u slots per queue (2 to %d)", cfg->slots,
                            VISOR_CVM_MSG_COUNT);
    struct visor_channel_desc desc = cvm_desc;
    uint32_t slots = cfg->slots ? cfg->slots : VISOR_CVM_MSG_COUNT;
    for (unsigned q = 0; q < 4; q++)
        desc.q[q].max_slots = slots;
    struct visor_chipset *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->mem = mem;
    c->cfg = *cfg;
    if (visor_channel_create(mem, gpa, &desc, tap, tap_ch, "visor.controlvm", &c->ch, err) < 0) {
        free(c);
        return -1;
    }
    uint8_t *b = visor_channel_base(c->ch);
    /* the controlvm-specific fields a guest reads (spec §3.2) */
    visor_put32(b + VISOR_CVM_MESSAGE_BYTES_OFF, VISOR_CVM_MSG_SIZE);
    visor_put32(b + VISOR_CVM_MESSAGE_COUNT_OFF, slots);
    visor_put16(b + VISOR_CVM_SAVED_CRASH_CNT, 2);
    visor_put32(b + VISOR_CVM_SAVED_CRASH_OFF, VISOR_CVM_SAVED_CRASH_MSGS);
    *out = c;
    return 0;
}

void visor_chipset_free(struct visor_chipset *c)
{
    if (!c)
        return;
    visor_channel_free(c->ch);
    free(c->cmds);
    free(c);
}

struct visor_channel *visor_chipset_channel(struct visor_chipset *c)
{
    return c->ch;
}

void visor_chipset_on_done(struct visor_chipset *c, visor_cvm_done_fn fn, void *ctx)
{
    c->done = fn;
    c->done_ctx = ctx;
}

static void header(uint8_t *m, uint32_t id)
{
    memset(m, 0, VISOR_CVM_MSG_SIZE);
    visor_put32(m + VISOR_MSG_ID, id);
    visor_put32(m + VISOR_MSG_SIZE, VISOR_CVM_MSG_SIZE);
    visor_put32(m + VISOR_MSG_FLAGS, VISOR_MSGF_RESPONSE_EXP | VISOR_MSGF_SERVER);
}

void visor_cvm_chipset_init(uint8_t m[128], uint32_t bus_count, uint32_t switch_count,
                            uint32_t features)
{
    header(m, VISOR_CVM_CHIPSET_INIT);
    visor_put32(m + VISOR_MSG_PACKET, bus_count);
    visor_put32(m + VISOR_MSG_PACKET + 4, switch_count);
    visor_put32(m + VISOR_MSG_PACKET + 8, features);
}

void visor_cvm_simple(uint8_t m[128], uint32_t id)
{
    header(m, id);
}

void visor_cvm_bus_create(uint8_t m[128], uint32_t bus_no, uint32_t dev_count,
                          uint64_t channel_addr, uint64_t channel_bytes, const visor_guid *inst)
{
    static const visor_guid vbus = VISOR_GUID_VBUS;
    header(m, VISOR_CVM_BUS_CREATE);
    uint8_t *p = m + VISOR_MSG_PACKET;
    visor_put32(p, bus_no);
    visor_put32(p + 4, dev_count);
    visor_put64(p + 8, channel_addr);
    visor_put64(p + 16, channel_bytes);
    memcpy(p + 24, vbus.b, 16);
    if (inst)
        memcpy(p + 40, inst->b, 16);
}

void visor_cvm_bus_destroy(uint8_t m[128], uint32_t bus_no)
{
    header(m, VISOR_CVM_BUS_DESTROY);
    visor_put32(m + VISOR_MSG_PACKET, bus_no);
}

void visor_cvm_bus_configure(uint8_t m[128], uint32_t bus_no, uint64_t guest_handle)
{
    header(m, VISOR_CVM_BUS_CONFIGURE);
    visor_put32(m + VISOR_MSG_PACKET, bus_no);
    visor_put64(m + VISOR_MSG_PACKET + 8, guest_handle);
}

void visor_cvm_device_create(uint8_t m[128], uint32_t bus_no, uint32_t dev_no,
                             uint64_t channel_addr, uint64_t channel_bytes, const visor_guid *type,
                             const visor_guid *inst)
{
    header(m, VISOR_CVM_DEVICE_CREATE);
    uint8_t *p = m + VISOR_MSG_PACKET;
    visor_put32(p, bus_no);
    visor_put32(p + 4, dev_no);
    visor_put64(p + 8, channel_addr);
    visor_put64(p + 16, channel_bytes);
    memcpy(p + 24, type->b, 16);
    if (inst)
        memcpy(p + 40, inst->b, 16);
}

void visor_cvm_device_set_irq(uint8_t m[128], uint64_t handle, uint32_t vector)
{
    /* struct irq_info at packet offset 56: reserved1, recv_irq_handle, recv_irq_vector,
     * recv_irq_shared */
    uint8_t *p = m + VISOR_MSG_PACKET + 56;
    visor_put64(p + 8, handle);
    visor_put32(p + 16, vector);
    p[20] = 0;
}

void visor_cvm_device_destroy(uint8_t m[128], uint32_t bus_no, uint32_t dev_no)
{
    header(m, VISOR_CVM_DEVICE_DESTROY);
    visor_put32(m + VISOR_MSG_PACKET, bus_no);
    visor_put32(m + VISOR_MSG_PACKET + 4, dev_no);
}

void visor_cvm_device_configure(uint8_t m[128], uint32_t bus_no, uint32_t dev_no)
{
    header(m, VISOR_CVM_DEVICE_CONFIGURE);
    visor_put32(m + VISOR_MSG_PACKET, bus_no);
    visor_put32(m + VISOR_MSG_PACKET + 4, dev_no);
}

void visor_cvm_device_changestate(uint8_t m[128], uint32_t bus_no, uint32_t dev_no, uint16_t state)
{
    header(m, VISOR_CVM_DEVICE_CHANGESTATE);
    visor_put32(m + VISOR_MSG_PACKET, bus_no);
    visor_put32(m + VISOR_MSG_PACKET + 4, dev_no);
    visor_put16(m + VISOR_MSG_PACKET + 8, state);
}

void visor_cvm_stray(uint8_t m[128], uint64_t seq)
{
    header(m, VISOR_CVM_CHIPSET_READY);
    visor_put32(m + VISOR_MSG_FLAGS, VISOR_MSGF_SERVER);
    visor_put64(m + VISOR_MSG_HANDLE, VISOR_CVM_STRAY_HANDLE | seq);
    visor_put64(m + VISOR_MSG_PACKET, seq);
}

int visor_chipset_submit(struct visor_chipset *c, const uint8_t msg[128], cs_error *err)
{
    (void)err;
    if (c->ncmds == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->cmds = realloc(c->cmds, c->cap * sizeof(*c->cmds));
        if (!c->cmds)
            abort();
    }
    struct cmd *k = &c->cmds[c->ncmds];
    memset(k, 0, sizeof(*k));
    memcpy(k->msg, msg, VISOR_CVM_MSG_SIZE);
    /* handles start at 1 so that a zeroed message never matches */
    visor_put64(k->msg + VISOR_MSG_HANDLE, c->ncmds + 1);
    c->ncmds++;
    c->st.submitted++;
    return 0;
}

static void protocol_error(struct visor_chipset *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void protocol_error(struct visor_chipset *c, const char *fmt, ...)
{
    if (!c->st.protocol_errors++) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->st.first_error, sizeof(c->st.first_error), fmt, ap);
        va_end(ap);
    }
}

static struct cmd *lookup(struct visor_chipset *c, const uint8_t *m, const char *what)
{
    uint64_t h = visor_le64(m + VISOR_MSG_HANDLE);
    uint32_t id = visor_le32(m + VISOR_MSG_ID);
    if (h == 0 || h > c->next_send) {
        protocol_error(c, "%s for message handle %llu (id 0x%x) that was never sent", what,
                       (unsigned long long)h, id);
        return NULL;
    }
    struct cmd *k = &c->cmds[h - 1];
    uint32_t sent_id = visor_le32(k->msg + VISOR_MSG_ID);
    if (id != sent_id) {
        protocol_error(c, "%s for handle %llu carries id 0x%x, the command was 0x%x", what,
                       (unsigned long long)h, id, sent_id);
        return NULL;
    }
    return k;
}

static int expects_response(const struct cmd *k)
{
    return (visor_le32(k->msg + VISOR_MSG_FLAGS) & VISOR_MSGF_RESPONSE_EXP) != 0;
}

static void finish(struct visor_chipset *c, struct cmd *k, const uint8_t *resp)
{
    k->state = CMD_DONE;
    if (!c->done)
        return;
    struct visor_cvm_result r = {
        .id = visor_le32(k->msg + VISOR_MSG_ID),
        .handle = visor_le64(k->msg + VISOR_MSG_HANDLE),
        .failed = resp ? (visor_le32(resp + VISOR_MSG_FLAGS) & VISOR_MSGF_FAILED) != 0 : 0,
        .completion_status = resp ? visor_le32(resp + VISOR_MSG_COMPLETION) : 0,
        .response = resp,
        .command = k->msg,
    };
    c->done(c->done_ctx, &r);
}

/* Take one ACK from q3: 1 taken, 0 empty, -1 header fault. */
static int take_ack(struct visor_chipset *c, cs_error *err)
{
    uint8_t m[VISOR_CVM_MSG_SIZE];
    int rc = visor_channel_remove(c->ch, VISOR_CVM_Q_ACK, m, err);
    if (rc != VISOR_OK)
        return rc < 0 ? -1 : 0;
    struct cmd *k = lookup(c, m, "ACK");
    if (!k)
        return 1;
    if (k->acked++) {
        protocol_error(c, "second ACK for handle %llu",
                       (unsigned long long)visor_le64(m + VISOR_MSG_HANDLE));
        return 1;
    }
    c->st.acked++;
    if (k->state == CMD_SENT)
        k->state = CMD_ACKED;
    if (!expects_response(k))
        finish(c, k, NULL);
    return 1;
}

/* Take one response from q0: 1 taken, 0 empty, -1 header fault. `moved` counts the ACKs read
 * ahead of it. */
static int take_response(struct visor_chipset *c, int *moved, cs_error *err)
{
    uint8_t m[VISOR_CVM_MSG_SIZE];
    int rc = visor_channel_remove(c->ch, VISOR_CVM_Q_REQUEST, m, err);
    if (rc != VISOR_OK)
        return rc < 0 ? -1 : 0;
    struct cmd *k = lookup(c, m, "response");
    if (!k)
        return 1;
    /* the guest inserts the ACK before the response: a partition draining slowly reads the
     * ACKs still waiting before it judges the order */
    while (!k->acked && (rc = take_ack(c, err)) > 0)
        (*moved)++;
    if (rc < 0)
        return -1;
    if (k->responded++) {
        protocol_error(c, "second response for handle %llu (id 0x%x)",
                       (unsigned long long)visor_le64(m + VISOR_MSG_HANDLE),
                       visor_le32(m + VISOR_MSG_ID));
        return 1;
    }
    if (!k->acked)
        protocol_error(c, "response for handle %llu before its ACK",
                       (unsigned long long)visor_le64(m + VISOR_MSG_HANDLE));
    c->st.responded++;
    if (visor_le32(m + VISOR_MSG_FLAGS) & VISOR_MSGF_FAILED)
        c->st.failed++;
    finish(c, k, m);
    return 1;
}

static int is_chipset_cmd(uint32_t id)
{
    return id == VISOR_CVM_CHIPSET_INIT || id == VISOR_CVM_CHIPSET_READY ||
           id == VISOR_CVM_CHIPSET_SELFTEST || id == VISOR_CVM_CHIPSET_STOP;
}

static int is_bus_cmd(uint32_t id)
{
    return id == VISOR_CVM_BUS_CREATE || id == VISOR_CVM_BUS_DESTROY ||
           id == VISOR_CVM_BUS_CONFIGURE || id == VISOR_CVM_BUS_CHANGESTATE;
}

/* Must `k` wait for the earlier command `e`, still in flight? (visor_controlvm.h, burst) */
static int depends(const struct cmd *k, const struct cmd *e)
{
    uint32_t kid = visor_le32(k->msg + VISOR_MSG_ID), eid = visor_le32(e->msg + VISOR_MSG_ID);
    if (is_chipset_cmd(kid) || eid == VISOR_CVM_CHIPSET_INIT || eid == VISOR_CVM_CHIPSET_READY)
        return 1;
    if (is_chipset_cmd(eid))
        return 0;
    uint32_t kbus = visor_le32(k->msg + VISOR_MSG_PACKET),
             ebus = visor_le32(e->msg + VISOR_MSG_PACKET);
    if (kbus != ebus)
        return 0;
    if (is_bus_cmd(kid))
        return is_bus_cmd(eid) || kid == VISOR_CVM_BUS_DESTROY;
    if (eid == VISOR_CVM_BUS_DESTROY)
        return 1;
    return !is_bus_cmd(eid) &&
           visor_le32(k->msg + VISOR_MSG_PACKET + 4) == visor_le32(e->msg + VISOR_MSG_PACKET + 4);
}

/* May the next command go out now? */
static int may_send(const struct visor_chipset *c)
{
    const struct cmd *k = &c->cmds[c->next_send];
    size_t in_flight = 0;
    for (size_t i = 0; i < c->next_send; i++) {
        const struct cmd *e = &c->cmds[i];
        if (e->state == CMD_DONE)
            continue;
        in_flight++;
        if (depends(k, e))
            return 0;
    }
    return in_flight < (c->cfg.burst > 1 ? c->cfg.burst : 1);
}

int visor_chipset_poll(struct visor_chipset *c, cs_error *err)
{
    int moved = 0, rc;
    if (!c->cfg.drain) {
        /* ACKs first: the guest inserts the ACK before it executes the command */
        while ((rc = take_ack(c, err)) > 0)
            moved++;
        if (rc < 0)
            return -1;
        while ((rc = take_response(c, &moved, err)) > 0)
            moved++;
        if (rc < 0)
            return -1;
    } else {
        /* slow to drain: `drain` messages per pass, the two queues in turn */
        uint32_t budget = c->cfg.drain;
        int first = c->turn ^= 1, idle = 0;
        for (int q = first; budget && idle < 2; q ^= 1) {
            rc = q ? take_ack(c, err) : take_response(c, &moved, err);
            if (rc < 0)
                return -1;
            idle = rc ? 0 : idle + 1;
            if (rc) {
                moved++;
                budget--;
            }
        }
    }
    uint64_t in_flight = visor_chipset_outstanding(c);
    while (c->next_send < c->ncmds && may_send(c)) {
        struct cmd *k = &c->cmds[c->next_send];
        rc = visor_channel_insert(c->ch, VISOR_CVM_Q_EVENT, k->msg, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_FULL) {
            c->st.event_full++;
            break;
        }
        k->state = CMD_SENT;
        c->next_send++;
        c->st.sent++;
        moved++;
        if (++in_flight > c->st.max_in_flight)
            c->st.max_in_flight = in_flight;
    }
    /* stray messages for q1, back to back until it is full: the guest discards them */
    in_flight = c->st.stray_sent < c->cfg.stray ? visor_chipset_outstanding(c) : 0;
    while (c->st.stray_sent < c->cfg.stray) {
        uint8_t m[VISOR_CVM_MSG_SIZE];
        visor_cvm_stray(m, c->st.stray_sent + 1);
        rc = visor_channel_insert(c->ch, VISOR_CVM_Q_RESPONSE, m, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_FULL) {
            c->st.response_full++;
            break;
        }
        c->st.stray_sent++;
        c->st.stray_pending += in_flight > 0;
        moved++;
    }
    return moved;
}

void visor_chipset_stats(const struct visor_chipset *c, struct visor_chipset_stats *s)
{
    *s = c->st;
}

uint64_t visor_chipset_outstanding(const struct visor_chipset *c)
{
    uint64_t n = 0;
    for (size_t i = 0; i < c->next_send; i++)
        n += c->cmds[i].state != CMD_DONE;
    return n;
}

uint64_t visor_chipset_strays_waiting(const struct visor_chipset *c)
{
    return c->cfg.stray - c->st.stray_sent;
}

long visor_chipset_vmcall(struct visor_chipset *c, unsigned long nr, unsigned long rbx,
                          unsigned long rcx)
{
    if (nr != VISOR_VMCALL_CONTROLVM_ADDR)
        return VISOR_VMCALL_INVALID_PARAM;
    uint64_t gpa = (uint64_t)(uint32_t)rbx | (uint64_t)(uint32_t)rcx << 32;
    uint8_t *p = cs_gmem_ptr(c->mem, gpa, 16);
    if (!p)
        return VISOR_VMCALL_INVALID_PARAM;
    visor_put64(p, visor_channel_gpa(c->ch));
    visor_put32(p + 8, (uint32_t)visor_channel_bytes(c->ch));
    memset(p + 12, 0, 4);
    return VISOR_VMCALL_SUCCESS;
}
