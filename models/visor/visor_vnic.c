/* The vnic side of the IO partition (spec visor.md §4.4): receive buffers the guest posts,
 * frames it transmits (gathered from its fragments and sent into the virtual switch, answered
 * with NET_XMIT_DONE), enable/disable with its ACK, promiscuous mode, MAC address, link status.
 * A frame from the switch fills posted buffers in order (up to MAX_NET_RCV_CHAIN of them) and
 * is announced with NET_RCV naming those buffers; without an enabled receiver or a free buffer
 * it is dropped and counted. */
#include <stdio.h>
#include <stdlib.h>

#include "visor_io.h"

#define MAX_FRAME (VISOR_NET_MAX_RCV_CHAIN * VISOR_NET_RCVPOST_BUF)

struct rcvbuf {
    uint64_t gpa;
    uint16_t len;
    uint64_t cookie; /* net.buf of the NET_RCV_POST */
};

struct visor_vnic {
    struct cs_gmem *mem;
    struct visor_channel *ch;
    struct visor_switch_port *port;
    struct visor_switch *sw;
    uint8_t mac[6];
    int enabled, promisc, link_up, up;
    struct rcvbuf *bufs; /* ring of posted buffers */
    uint32_t nbufs, capbufs, first;
    uint8_t *req, *rsp;
    uint8_t *backlog; /* answers waiting for room in queue 1 */
    size_t nbacklog, capbacklog;
    uint8_t frame[MAX_FRAME];
    /* frames the switch delivered while no receive buffer was posted: the port's buffer */
    uint8_t **held;
    uint32_t *held_len;
    uint32_t nheld, firstheld, held_max;
    struct visor_vnic_stats st;
    uint64_t drops_unreported; /* dropped since the last NET_RCV told the guest */
};

#define HELD_MAX VISOR_VNIC_PORT_FRAMES

void visor_vnic_set_port_frames(struct visor_vnic *n, uint32_t frames)
{
    n->held_max = frames < 1 ? 1 : frames > HELD_MAX ? HELD_MAX : frames;
}

/* A frame for this vnic dropped: counted, and told to the guest in the next NET_RCV's
 * rcvs_dropped_delta (spec §4.4), which visornic adds to its rx_dropped as a NIC driver adds
 * the drops its device reports. */
static void drop(struct visor_vnic *n)
{
    n->st.rx_dropped++;
    n->drops_unreported++;
}

static void queue_answer(struct visor_vnic *n, const uint8_t *rsp)
{
    cs_error err = {0};
    if (n->nbacklog == 0) {
        int rc = visor_channel_insert(n->ch, VISOR_IO_Q_FROM_IOPART, rsp, &err);
        if (rc == VISOR_OK || rc < 0) /* a broken header stops the queue; the fault is tapped */
            return;
    }
    if (n->nbacklog == n->capbacklog) {
        n->capbacklog = n->capbacklog ? 2 * n->capbacklog : 8;
        n->backlog = realloc(n->backlog, n->capbacklog * VISOR_IO_CMDRSP_SIZE);
        if (!n->backlog)
            abort();
    }
    memcpy(n->backlog + n->nbacklog++ * VISOR_IO_CMDRSP_SIZE, rsp, VISOR_IO_CMDRSP_SIZE);
}

static void net_msg(uint8_t *rsp, uint32_t type)
{
    memset(rsp, 0, VISOR_IO_CMDRSP_SIZE);
    rsp[0] = VISOR_CMD_NET;
    visor_put32(rsp + VISOR_U + VISOR_NET_TYPE, type);
}

static void send_link(struct visor_vnic *n)
{
    uint8_t rsp[VISOR_IO_CMDRSP_SIZE];
    net_msg(rsp, VISOR_NET_CONNECT_STATUS);
    visor_put16(rsp + VISOR_U + VISOR_NET_ENBDIS_ENABLE, n->link_up ? 1 : 0);
    queue_answer(n, rsp);
}

static int wanted(const struct visor_vnic *n, const uint8_t *frame)
{
    return n->promisc || (frame[0] & 1) || memcmp(frame, n->mac, 6) == 0;
}

static int deliver(struct visor_vnic *n, const uint8_t *frame, uint32_t len);

static void rx(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct visor_vnic *n = ctx;
    if (len < 14) {
        drop(n);
        return;
    }
    /* a frame for another station is no drop of this one, enabled or not */
    if (!wanted(n, frame)) {
        n->st.rx_filtered++;
        return;
    }
    if (!n->up || !n->enabled || !n->link_up) {
        drop(n);
        return;
    }
    if (!n->nheld && deliver(n, frame, len))
        return;
    /* no buffer now: keep it in the port's buffer, in order, until the guest posts one; a full
     * port buffer drops it, as a NIC without a free descriptor */
    if (n->nheld == n->held_max) {
        drop(n);
        return;
    }
    uint32_t at = (n->firstheld + n->nheld++) % HELD_MAX;
    n->held[at] = malloc(len);
    if (!n->held[at])
        abort();
    memcpy(n->held[at], frame, len);
    n->held_len[at] = len;
}

/* Put a frame into posted buffers: 1 done (or dropped as too long), 0 no buffer now. */
static int deliver(struct visor_vnic *n, const uint8_t *frame, uint32_t len)
{
    uint32_t need = (len + VISOR_NET_RCVPOST_BUF - 1) / VISOR_NET_RCVPOST_BUF;
    if (need > VISOR_NET_MAX_RCV_CHAIN) {
        drop(n);
        return 1;
    }
    if (need > n->nbufs)
        return 0;
    uint8_t rsp[VISOR_IO_CMDRSP_SIZE];
    net_msg(rsp, VISOR_NET_RCV);
    uint8_t *u = rsp + VISOR_U;
    uint32_t done = 0;
    for (uint32_t i = 0; i < need; i++) {
        struct rcvbuf *b = &n->bufs[n->first];
        uint32_t l = len - done < b->len ? len - done : b->len;
        uint8_t *p = cs_gmem_ptr(n->mem, b->gpa, l);
        if (p)
            memcpy(p, frame + done, l);
        done += l;
        visor_put64(u + VISOR_NET_RCV_BUFS + 8 * i, b->cookie);
        if (i == 0)
            visor_put64(u + VISOR_NET_BUF, b->cookie);
        n->first = (n->first + 1) % n->capbufs;
        n->nbufs--;
    }
    visor_put32(u + VISOR_NET_RCV_LEN, len);
    u[VISOR_NET_RCV_NUM] = (uint8_t)need;
    uint32_t delta = n->drops_unreported > UINT32_MAX ? UINT32_MAX : (uint32_t)n->drops_unreported;
    visor_put32(u + VISOR_NET_RCV_DROPPED, delta);
    n->drops_unreported -= delta;
    n->st.rx_frames++;
    n->st.rx_bytes += len;
    queue_answer(n, rsp);
    return 1;
}

static void drop_held(struct visor_vnic *n)
{
    while (n->nheld) {
        free(n->held[n->firstheld]);
        n->firstheld = (n->firstheld + 1) % HELD_MAX;
        n->nheld--;
        drop(n);
    }
}

int visor_vnic_create(struct cs_gmem *mem, uint64_t gpa, const struct visor_vnic_config *cfg,
                      struct visor_switch *sw, struct cs_tap *tap, uint16_t tap_ch,
                      const char *name, struct visor_vnic **out, cs_error *err)
{
    if (cfg->slots < VISOR_IO_MIN_SLOTS || cfg->slots > 4096)
        return cs_error_set(err, "%s: %u slots per queue (an IO channel has 64 to 4096)", name,
                            cfg->slots);
    if (cfg->num_rcv_bufs < 1 || cfg->num_rcv_bufs > 4096)
        return cs_error_set(err, "%s: num_rcv_bufs %u not in [1, 4096]", name, cfg->num_rcv_bufs);

    struct visor_vnic *n = calloc(1, sizeof(*n));
    if (!n)
        abort();
    struct visor_channel_desc d = {
        .type = VISOR_GUID_VNIC,
        .version = 2,
        .bytes = visor_io_channel_bytes(cfg->slots),
        .space_offset = VISOR_CH_HEADER_SIZE,
        .slots_offset = VISOR_IO_SIZEOF_PROTOCOL,
        .nqueues = 2,
        .q = {{VISOR_IO_CMDRSP_SIZE, cfg->slots, 0, 1}, {VISOR_IO_CMDRSP_SIZE, cfg->slots, 1, 0}},
    };
    if (visor_channel_create(mem, gpa, &d, tap, tap_ch, name, &n->ch, err) < 0) {
        free(n);
        return -1;
    }
    if (!(n->port = visor_switch_attach(sw, rx, n))) {
        visor_channel_free(n->ch);
        free(n);
        return cs_error_set(err, "%s: the virtual switch has no free port", name);
    }
    uint8_t *b = visor_channel_base(n->ch);
    memcpy(b + VISOR_IO_VNIC_MAC, cfg->mac, 6);
    visor_put32(b + VISOR_IO_VNIC_NUM_RCV, cfg->num_rcv_bufs);
    visor_put32(b + VISOR_IO_VNIC_MTU, cfg->mtu);
    snprintf((char *)b + VISOR_IO_CLIENT_STRING, 64, "chansim vnic");
    n->mem = mem;
    n->sw = sw;
    memcpy(n->mac, cfg->mac, 6);
    n->link_up = cfg->link_up;
    n->up = 1;
    n->held_max = HELD_MAX;
    /* the guest may post more buffers than it announces; room for a full queue of posts */
    n->capbufs = cfg->slots + cfg->num_rcv_bufs;
    n->bufs = calloc(n->capbufs, sizeof(*n->bufs));
    n->held = calloc(HELD_MAX, sizeof(*n->held));
    n->held_len = calloc(HELD_MAX, sizeof(*n->held_len));
    if (!n->held || !n->held_len)
        abort();
    n->req = calloc(1, VISOR_IO_CMDRSP_SIZE);
    n->rsp = calloc(1, VISOR_IO_CMDRSP_SIZE);
    if (!n->bufs || !n->req || !n->rsp)
        abort();
    *out = n;
    return 0;
}

void visor_vnic_free(struct visor_vnic *n)
{
    if (!n)
        return;
    visor_switch_detach(n->port);
    drop_held(n);
    free(n->held);
    free(n->held_len);
    visor_channel_free(n->ch);
    free(n->bufs);
    free(n->req);
    free(n->rsp);
    free(n->backlog);
    free(n);
}

struct visor_channel *visor_vnic_channel(struct visor_vnic *n)
{
    return n->ch;
}

int visor_vnic_enabled(const struct visor_vnic *n)
{
    return n->enabled;
}

uint32_t visor_vnic_posted(const struct visor_vnic *n)
{
    return n->nbufs;
}

void visor_vnic_stats(const struct visor_vnic *n, struct visor_vnic_stats *s)
{
    *s = n->st;
}

static uint32_t xmit(struct visor_vnic *n, const uint8_t *u)
{
    int32_t len = (int32_t)visor_le32(u + VISOR_NET_XMT_LEN);
    int32_t nfrags = (int32_t)visor_le32(u + VISOR_NET_XMT_NFRAGS);
    if (len < 14 || len > MAX_FRAME || nfrags < 1 || nfrags > VISOR_NET_MAX_FRAGS)
        return 1;
    uint32_t done = 0;
    for (int32_t i = 0; i < nfrags; i++) {
        const uint8_t *f = u + VISOR_NET_XMT_FRAGS + 12 * i;
        uint64_t gpa = visor_le64(f) * 4096 + visor_le16(f + 8);
        uint16_t l = visor_le16(f + 10);
        uint8_t *p = cs_gmem_ptr(n->mem, gpa, l);
        if (!p || done + l > (uint32_t)len)
            return 1;
        memcpy(n->frame + done, p, l);
        done += l;
    }
    if (done != (uint32_t)len)
        return 1;
    n->st.tx_frames++;
    n->st.tx_bytes += done;
    visor_switch_send(n->sw, n->port, n->frame, done);
    return 0;
}

static void serve(struct visor_vnic *n, const uint8_t *req)
{
    const uint8_t *u = req + VISOR_U;
    uint8_t *rsp = n->rsp;
    uint32_t type = visor_le32(u + VISOR_NET_TYPE);
    if (req[0] != VISOR_CMD_NET) {
        n->st.bad_requests++;
        return;
    }
    switch (type) {
    case VISOR_NET_RCV_POST: {
        uint64_t gpa =
            visor_le64(u + VISOR_NET_RCVPOST_PFN) * 4096 + visor_le16(u + VISOR_NET_RCVPOST_OFF);
        uint16_t len = visor_le16(u + VISOR_NET_RCVPOST_LEN);
        if (n->nbufs == n->capbufs || !len || !cs_gmem_ptr(n->mem, gpa, len)) {
            n->st.bad_requests++;
            return;
        }
        struct rcvbuf *b = &n->bufs[(n->first + n->nbufs++) % n->capbufs];
        b->gpa = gpa;
        b->len = len;
        b->cookie = visor_le64(u + VISOR_NET_BUF);
        n->st.posted++;
        return;
    }
    case VISOR_NET_XMIT: {
        uint32_t result = xmit(n, u);
        if (result)
            n->st.bad_requests++;
        net_msg(rsp, VISOR_NET_XMIT_DONE);
        visor_put64(rsp + VISOR_U + VISOR_NET_BUF, visor_le64(u + VISOR_NET_BUF));
        visor_put32(rsp + VISOR_U + VISOR_NET_XMTDONE_RESULT, result);
        queue_answer(n, rsp);
        return;
    }
    case VISOR_NET_RCV_ENBDIS: {
        n->enabled = visor_le16(u + VISOR_NET_ENBDIS_ENABLE) != 0;
        if (!n->enabled) { /* disabling un-posts every receive buffer (spec §4.4) */
            n->nbufs = 0;
            drop_held(n);
        }
        net_msg(rsp, VISOR_NET_RCV_ENBDIS_ACK);
        memcpy(rsp + VISOR_U + VISOR_NET_ENBDIS_CTX, u + VISOR_NET_ENBDIS_CTX, 10);
        n->st.enable_acks++;
        queue_answer(n, rsp);
        if (n->enabled)
            send_link(n);
        return;
    }
    case VISOR_NET_RCV_PROMISC:
        n->promisc = visor_le16(u + VISOR_NET_ENBDIS_ENABLE) != 0;
        return;
    case VISOR_NET_MACADDR:
        memcpy(n->mac, u + VISOR_NET_ENBDIS_CTX + 8, 6);
        net_msg(rsp, VISOR_NET_MACADDR_ACK);
        memcpy(rsp + VISOR_U + VISOR_NET_ENBDIS_CTX, u + VISOR_NET_ENBDIS_CTX, 14);
        queue_answer(n, rsp);
        return;
    default:
        n->st.bad_requests++;
        return;
    }
}

int visor_vnic_poll(struct visor_vnic *n, unsigned budget, uint64_t *busy_bytes, cs_error *err)
{
    *busy_bytes = 0;
    if (!n->up)
        return 0;
    int moved = 0;
    size_t i = 0;
    while (i < n->nbacklog) {
        int rc = visor_channel_insert(n->ch, VISOR_IO_Q_FROM_IOPART,
                                      n->backlog + i * VISOR_IO_CMDRSP_SIZE, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_FULL)
            break;
        i++;
        moved++;
    }
    if (i) /* (the backlog has no buffer until it was first used) */
        memmove(n->backlog, n->backlog + i * VISOR_IO_CMDRSP_SIZE,
                (n->nbacklog - i) * VISOR_IO_CMDRSP_SIZE);
    n->nbacklog -= i;
    while (n->nbacklog == 0 && budget--) {
        int rc = visor_channel_remove(n->ch, VISOR_IO_Q_TO_IOPART, n->req, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_EMPTY)
            break;
        moved++;
        uint64_t tx0 = n->st.tx_bytes;
        serve(n, n->req);
        *busy_bytes += n->st.tx_bytes - tx0;
    }
    while (n->nheld && n->nbacklog == 0 && n->enabled && n->link_up &&
           deliver(n, n->held[n->firstheld], n->held_len[n->firstheld])) {
        free(n->held[n->firstheld]);
        n->firstheld = (n->firstheld + 1) % HELD_MAX;
        n->nheld--;
        moved++;
    }
    if (visor_channel_broken(n->ch, VISOR_IO_Q_FROM_IOPART))
        return cs_error_set(err, "channel %s: queue 1 stopped after a header fault",
                            visor_channel_name(n->ch));
    return moved;
}

void visor_vnic_set_link(struct visor_vnic *n, int up)
{
    n->link_up = up;
    if (n->up && n->enabled)
        send_link(n);
}

void visor_vnic_set_up(struct visor_vnic *n, int up)
{
    if (!up && n->up) {
        n->st.lost_in_crash += n->nbacklog;
        n->nbacklog = 0;
        n->nbufs = 0; /* the guest re-posts at resume (spec §4.4) */
        drop_held(n);
        n->enabled = 0;
    }
    if (up && !n->up) {
        cs_error err = {0};
        while (visor_channel_remove(n->ch, VISOR_IO_Q_TO_IOPART, n->req, &err) == VISOR_OK)
            ;
    }
    n->up = up;
}
