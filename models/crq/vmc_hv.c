/* VMC hypervisor endpoint: protocol of crq-vmc.md §2.2-2.6. */
#include "vmc_hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_machine.h"
#include "crq_timing.h"

#define MAX_HMC     2
#define MAX_POOL    64
#define WINDOW_BASE 0x10000 /* I/O addresses of the hypervisor's buffers start here */
#define OUT_QUEUE   256

enum owner { OWN_PARTITION = 0, OWN_HV = 1 };

struct hv_buf {
    int valid;
    enum owner owner;
};

struct hv_hmc {
    uint8_t session; /* 0: none open */
    int open;
    struct hv_buf buf[MAX_POOL];
    char hmc_id[VMC_HMC_ID_LEN + 1];
};

struct vmc_hv {
    struct crq_adapter *a;
    struct cs_machine *m;
    struct vmc_hv_config cfg;
    struct crq_costs costs;
    uint8_t *mem; /* the buffers: index-major, pool, mtu each */
    uint64_t mem_len;
    int registered, init_done, caps_done;
    int down; /* failed: the partition's sends are refused until our INIT is out */
    uint8_t max_hmc;
    uint16_t pool;
    uint32_t mtu;
    uint16_t partition_crq_size;
    struct hv_hmc hmc[MAX_HMC];
    /* answers waiting for their turnaround, in order */
    uint8_t out[OUT_QUEUE][16];
    unsigned out_head, out_len;
    int pump_scheduled;
    int sending; /* the head of out[] is posted to the queue */
    int voided;  /* ... and out[] was emptied since */
    struct vmc_hv_stats st;
};

void vmc_hv_default_config(struct vmc_hv_config *c)
{
    memset(c, 0, sizeof(*c));
    c->max_hmc = 1;
    c->pool_size = 8;
    c->mtu = 4096;
    c->crq_entries = 256;
    c->drc_index = 0x80000001;
    c->hmc = VMC_HMC_ECHO;
}

static uint64_t lioba(const struct vmc_hv *hv, unsigned index, unsigned buffer)
{
    return WINDOW_BASE + ((uint64_t)index * MAX_POOL + buffer) * hv->cfg.mtu;
}

static uint8_t *buf_data(struct vmc_hv *hv, unsigned index, unsigned buffer)
{
    return hv->mem + (lioba(hv, index, buffer) - WINDOW_BASE);
}

/* ---- sending, paced ------------------------------------------------------------------- */

static void pump(void *arg);

static void schedule_pump(struct vmc_hv *hv)
{
    if (hv->pump_scheduled || !hv->out_len)
        return;
    hv->pump_scheduled = 1;
    cs_sched_after(hv->m->sched, hv->costs.hv_response, pump, hv);
}

static void sent(void *ctx, long rc);

/* One element at a time goes to the partition's queue; the next when it has landed, which is
 * when the queue engine is done with it (crq_post(), docs/calibration.md). */
static void pump(void *arg)
{
    struct vmc_hv *hv = arg;
    hv->pump_scheduled = 0;
    if (hv->sending || !hv->out_len)
        return;
    if (!hv->registered) {
        hv->out_len = 0; /* the queue went away: what was pending is void */
        return;
    }
    /* Obligation 8: never more than half the partition's queue unconsumed. */
    uint32_t limit =
        hv->partition_crq_size ? hv->partition_crq_size / 2u : crq_adapter_entries(hv->a) / 2u;
    if (limit && crq_adapter_outstanding(hv->a) >= limit) {
        hv->st.deferred++;
        schedule_pump(hv);
        return;
    }
    const uint8_t *e = hv->out[hv->out_head];
    long rc = e[0] == CRQ_HDR_EVENT ? crq_post_event(hv->a, e[1], sent, hv)
                                    : crq_post(hv->a, e, sent, hv);
    if (rc == H_SUCCESS)
        hv->sending = 1;
    else /* the queue side is still busy with something else: try again later */
        schedule_pump(hv);
}

static void sent(void *ctx, long rc)
{
    struct vmc_hv *hv = ctx;
    hv->sending = 0;
    if (hv->voided) { /* a reset voided what was pending, the posted element with it */
        hv->voided = 0;
        schedule_pump(hv);
        return;
    }
    if (rc == H_DROPPED) {
        hv->st.deferred++;
        schedule_pump(hv);
        return;
    }
    const uint8_t *e = hv->out[hv->out_head];
    if (rc == H_SUCCESS) {
        hv->st.sent++;
        if (e[0] == CRQ_HDR_INIT && e[1] == CRQ_INIT)
            hv->down = 0; /* back: the partition may talk to us again */
    }
    hv->out_head = (hv->out_head + 1) % OUT_QUEUE;
    hv->out_len--;
    pump(hv);
}

static void enqueue(struct vmc_hv *hv, const uint8_t e[16])
{
    if (hv->out_len == OUT_QUEUE) {
        hv->st.deferred++;
        return; /* cannot happen with the pacing above; kept bounded */
    }
    memcpy(hv->out[(hv->out_head + hv->out_len) % OUT_QUEUE], e, 16);
    hv->out_len++;
    schedule_pump(hv);
}

static void msg(uint8_t e[16], uint8_t type, uint8_t status, uint8_t var1, uint8_t session,
                uint8_t index, uint16_t buffer_id, uint32_t var3)
{
    memset(e, 0, 16);
    e[0] = CRQ_HDR_PAYLOAD;
    e[1] = type;
    e[2] = status;
    e[3] = var1;
    e[4] = session;
    e[5] = index;
    crq_put16(e + 6, buffer_id);
    crq_put32(e + 12, var3);
}

static void add_buf(struct vmc_hv *hv, unsigned index, unsigned b, uint8_t session,
                    enum owner owner)
{
    uint8_t e[16];
    hv->hmc[index].buf[b].valid = 1;
    hv->hmc[index].buf[b].owner = owner;
    msg(e, VMC_ADD_BUF, 0, (uint8_t)owner, session, (uint8_t)index, (uint16_t)b,
        (uint32_t)lioba(hv, index, b));
    enqueue(hv, e);
}

/* ---- the simulated HMC ---------------------------------------------------------------- */

static void hmc_answer(struct vmc_hv *hv, unsigned index, unsigned b, uint32_t len)
{
    uint8_t *d = buf_data(hv, index, b);
    if (hv->cfg.hmc == VMC_HMC_REVERSE)
        for (uint32_t i = 0; i < len / 2; i++) {
            uint8_t t = d[i];
            d[i] = d[len - 1 - i];
            d[len - 1 - i] = t;
        }
    /* The answer goes back in the same buffer: signalling it hands it to the partition. */
    struct hv_hmc *h = &hv->hmc[index];
    h->buf[b].owner = OWN_PARTITION;
    uint8_t e[16];
    msg(e, VMC_SIGNAL, 0, 0, h->session, (uint8_t)index, (uint16_t)b, len);
    hv->st.signals_out++;
    enqueue(hv, e);
}

/* ---- messages from the partition ------------------------------------------------------ */

static void on_cap(struct vmc_hv *hv, const uint8_t *e)
{
    hv->partition_crq_size = VMC_CAP_CRQ_SIZE(e);
    uint8_t max_hmc = VMC_CAP_MAX_HMC(e) < hv->cfg.max_hmc ? VMC_CAP_MAX_HMC(e) : hv->cfg.max_hmc;
    uint16_t pool =
        VMC_CAP_POOL_SIZE(e) < hv->cfg.pool_size ? VMC_CAP_POOL_SIZE(e) : hv->cfg.pool_size;
    uint32_t mtu = VMC_CAP_MAX_MTU(e) < hv->cfg.mtu ? VMC_CAP_MAX_MTU(e) : hv->cfg.mtu;
    if (max_hmc > MAX_HMC)
        max_hmc = MAX_HMC;
    if (pool > MAX_POOL)
        pool = MAX_POOL;
    hv->max_hmc = max_hmc;
    hv->pool = pool;
    hv->mtu = mtu;
    uint8_t r[16] = {CRQ_HDR_PAYLOAD, VMC_CAP_RESP, 0};
    r[5] = (hv->cfg.faults & VMC_FAULT_CAP_MAX_HMC_ZERO) ? 0 : hv->cfg.max_hmc;
    crq_put16(r + 6, hv->cfg.pool_size);
    crq_put32(r + 8, hv->cfg.mtu);
    crq_put16(r + 12, hv->cfg.crq_entries);
    crq_put16(r + 14, VMC_PROTOCOL_VERSION);
    enqueue(hv, r);
    if (hv->cfg.faults & VMC_FAULT_DOUBLE_CAP_RESP)
        enqueue(hv, r);
    hv->caps_done = 1;
    /* Obligation 3: a partition-owned buffer per HMC index, for its OPEN. */
    for (unsigned i = 0; i < hv->max_hmc; i++)
        add_buf(hv, i, 0, 0, OWN_PARTITION);
}

static void on_open(struct vmc_hv *hv, const uint8_t *e)
{
    unsigned index = VMC_INDEX(e), b = VMC_BUFFER_ID(e);
    uint8_t r[16];
    if (index >= hv->max_hmc || b >= hv->pool || !hv->hmc[index].buf[b].valid ||
        hv->hmc[index].open) {
        hv->st.rejected++;
        msg(r, VMC_OPEN_RESP, VMC_ST_INTERFACE_FAILURE, 0, VMC_SESSION(e), (uint8_t)index,
            (uint16_t)b, 0);
        enqueue(hv, r);
        return;
    }
    struct hv_hmc *h = &hv->hmc[index];
    memcpy(h->hmc_id, buf_data(hv, index, b), VMC_HMC_ID_LEN);
    h->hmc_id[VMC_HMC_ID_LEN] = '\0';
    h->session = VMC_SESSION(e);
    h->open = 1;
    /* Obligation 4: buffers for the session before OPEN_RESP; the hypervisor keeps them. */
    for (unsigned k = 1; k < hv->pool; k++)
        add_buf(hv, index, k, h->session, OWN_HV);
    msg(r, VMC_OPEN_RESP, VMC_ST_SUCCESS, 0, h->session, (uint8_t)index, (uint16_t)b, 0);
    enqueue(hv, r);
    hv->st.opened++;
    if (hv->cfg.faults & VMC_FAULT_SIGNAL_PARTITION_BUF) {
        /* buffer b belongs to the partition: signalling it breaks V6 */
        msg(r, VMC_SIGNAL, 0, 0, h->session, (uint8_t)index, (uint16_t)b, 16);
        enqueue(hv, r);
    }
}

static void reset(struct vmc_hv *hv);

/* The hypervisor side fails and comes back: the partition learns of it by a transport event
 * (partner failed), everything in flight is lost, and the hypervisor opens the channel again
 * with its own INIT (obligation 1). */
static void fail_and_recover(struct vmc_hv *hv)
{
    reset(hv);
    hv->down = 1;
    hv->st.restarts++;
    uint8_t ev[16] = {CRQ_HDR_EVENT, CRQ_EV_PARTNER_FAILED};
    uint8_t init[16] = {CRQ_HDR_INIT, CRQ_INIT};
    enqueue(hv, ev);
    enqueue(hv, init);
}

static void on_signal(struct vmc_hv *hv, const uint8_t *e)
{
    unsigned index = VMC_INDEX(e), b = VMC_BUFFER_ID(e);
    uint32_t len = VMC_VAR3(e);
    if (index >= hv->max_hmc || b >= hv->pool || !hv->hmc[index].open ||
        VMC_SESSION(e) != hv->hmc[index].session || !hv->hmc[index].buf[b].valid || len > hv->mtu) {
        hv->st.rejected++;
        return;
    }
    hv->hmc[index].buf[b].owner = OWN_HV;
    hv->st.signals_in++;
    if (hv->cfg.restart_after && hv->st.signals_in % hv->cfg.restart_after == 0) {
        fail_and_recover(hv);
        return;
    }
    hmc_answer(hv, index, b, len);
}

static void on_close(struct vmc_hv *hv, const uint8_t *e)
{
    unsigned index = VMC_INDEX(e);
    uint8_t r[16];
    if (index >= hv->max_hmc || !hv->hmc[index].open) {
        hv->st.rejected++;
        msg(r, VMC_CLOSE_RESP, VMC_ST_CLOSED_HMC, 0, VMC_SESSION(e), (uint8_t)index, 0, 0);
        enqueue(hv, r);
        return;
    }
    struct hv_hmc *h = &hv->hmc[index];
    msg(r, VMC_CLOSE_RESP, VMC_ST_SUCCESS, 0, h->session, (uint8_t)index, 0, 0);
    enqueue(hv, r);
    h->open = 0;
    memset(h->buf, 0, sizeof(h->buf));
    hv->st.closed++;
    /* Obligation 6: the partition freed every buffer of the index; seed one for a reopen. */
    add_buf(hv, index, 0, 0, OWN_PARTITION);
}

static void reset(struct vmc_hv *hv)
{
    hv->init_done = hv->caps_done = 0;
    hv->voided |= hv->sending;
    hv->out_len = 0;
    memset(hv->hmc, 0, sizeof(hv->hmc));
}

static long receive(void *ctx, const uint8_t e[16])
{
    struct vmc_hv *hv = ctx;
    if (hv->down)
        return H_CLOSED; /* failed: nobody on this side until our INIT is out */
    hv->st.received++;
    if (e[0] == CRQ_HDR_INIT) {
        if (e[1] == CRQ_INIT) {
            uint8_t r[16] = {CRQ_HDR_INIT, CRQ_INIT_COMPLETE};
            hv->init_done = 1;
            enqueue(hv, r);
        } else if (e[1] == CRQ_INIT_COMPLETE) {
            hv->init_done = 1;
        }
        return H_SUCCESS;
    }
    if (e[0] != CRQ_HDR_PAYLOAD || !hv->init_done) {
        hv->st.rejected++;
        return H_SUCCESS;
    }
    switch (e[1]) {
    case VMC_CAP:
        on_cap(hv, e);
        break;
    case VMC_OPEN:
        on_open(hv, e);
        break;
    case VMC_SIGNAL:
        on_signal(hv, e);
        break;
    case VMC_CLOSE:
        on_close(hv, e);
        break;
    case VMC_ADD_BUF_RESP:
        if (VMC_STATUS(e) != VMC_ST_SUCCESS && VMC_INDEX(e) < MAX_HMC &&
            VMC_BUFFER_ID(e) < MAX_POOL)
            hv->hmc[VMC_INDEX(e)].buf[VMC_BUFFER_ID(e)].valid = 0;
        break;
    case VMC_REM_BUF_RESP:
        break;
    default:
        hv->st.rejected++;
    }
    return H_SUCCESS;
}

static void queue_state(void *ctx, int registered)
{
    struct vmc_hv *hv = ctx;
    hv->registered = registered;
    reset(hv);
    if (registered && (hv->cfg.faults & VMC_FAULT_PAYLOAD_BEFORE_INIT)) {
        uint8_t r[16] = {CRQ_HDR_PAYLOAD, VMC_CAP_RESP, 0, 0, 0, 1};
        crq_put16(r + 14, VMC_PROTOCOL_VERSION);
        enqueue(hv, r);
    }
}

static uint8_t *remote_window(void *ctx, uint64_t ioba, uint64_t len)
{
    struct vmc_hv *hv = ctx;
    if (ioba < WINDOW_BASE || len > hv->mem_len || ioba - WINDOW_BASE > hv->mem_len - len)
        return NULL;
    return hv->mem + (ioba - WINDOW_BASE);
}

static long request_vmc(void *ctx, uint64_t *drc)
{
    struct vmc_hv *hv = ctx;
    *drc = hv->cfg.drc_index;
    return H_SUCCESS;
}

static const struct crq_endpoint_ops vmc_ops = {
    .queue_state = queue_state,
    .receive = receive,
    .remote_window = remote_window,
    .request_vmc = request_vmc,
};

int vmc_hv_create(struct crq_facility *f, const char *name, uint32_t unit, uint64_t local_liobn,
                  uint64_t remote_liobn, const struct vmc_hv_config *cfg, struct vmc_hv **out,
                  cs_error *err)
{
    if (cfg->max_hmc < 1 || cfg->max_hmc > MAX_HMC || cfg->pool_size < 1 ||
        cfg->pool_size > MAX_POOL || cfg->mtu < 64 || cfg->mtu > (1u << 20))
        return cs_error_set(err,
                            "%s: VMC configuration out of range (max-hmc 1..%d, pool 1..%d, "
                            "mtu 64..1048576)",
                            name, MAX_HMC, MAX_POOL);
    struct vmc_hv *hv = calloc(1, sizeof(*hv));
    if (!hv)
        abort();
    hv->cfg = *cfg;
    hv->mem_len = (uint64_t)MAX_HMC * MAX_POOL * cfg->mtu;
    hv->mem = calloc(1, hv->mem_len);
    if (!hv->mem)
        abort();
    struct cs_domain *dom = crq_facility_domain(f);
    hv->m = dom->machine;
    if (crq_costs_load(&hv->costs, dom, err) < 0 ||
        crq_adapter_add(f, name, unit, local_liobn, remote_liobn, &vmc_ops, hv, &hv->a, err) < 0) {
        vmc_hv_free(hv);
        return -1;
    }
    *out = hv;
    return 0;
}

struct crq_adapter *vmc_hv_adapter(struct vmc_hv *hv)
{
    return hv->a;
}

void vmc_hv_stats(const struct vmc_hv *hv, struct vmc_hv_stats *s)
{
    *s = hv->st;
}

void vmc_hv_free(struct vmc_hv *hv)
{
    if (!hv)
        return;
    free(hv->mem);
    free(hv);
}
