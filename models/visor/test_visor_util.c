#include "test_visor_util.h"

#include "cs_test.h"
#include "visor_wire.h"

static void observe(void *ctx, const struct cs_tap_msg *m)
{
    struct vt_bench *b = ctx;
    if (m->kind < 8 && m->dir < 3)
        b->kinds[m->kind][m->dir]++;
    if (m->kind == VISOR_K_HEADER_FAULT && m->len > 8)
        snprintf(b->last_fault, sizeof(b->last_fault), "%s", (const char *)m->payload + 8);
}

void vt_bench_init(struct vt_bench *b, uint64_t mem_bytes)
{
    cs_error err = {0};
    memset(b, 0, sizeof(*b));
    ck_assert_msg(cs_gmem_init(&b->mem, mem_bytes, "test", &err) == 0, "%s", err.msg);
    b->sched = cs_sched_new();
    cs_tap_init(&b->tap, b->sched, NULL);
    ck_assert_int_eq(cs_tap_observe(&b->tap, (struct cs_tap_observer){observe, b}, &err), 0);
}

void vt_bench_release(struct vt_bench *b)
{
    cs_tap_release(&b->tap);
    cs_sched_free(b->sched);
    cs_gmem_release(&b->mem);
}

uint16_t vt_bench_channel(struct vt_bench *b, const char *name)
{
    cs_error err = {0};
    uint16_t id;
    ck_assert_msg(cs_tap_add_channel(&b->tap, name, "visor", &id, &err) == 0, "%s", err.msg);
    return id;
}

static uint8_t *qh(struct cs_gmem *m, uint64_t gpa, unsigned q)
{
    uint8_t *ch = cs_gmem_ptr(m, gpa, VISOR_CH_HEADER_SIZE);
    ck_assert_ptr_nonnull(ch);
    return ch + visor_le64(ch + VISOR_CH_SPACE_OFFSET) + (uint64_t)q * VISOR_QH_SIZE;
}

uint8_t *vt_queue_field(struct cs_gmem *m, uint64_t gpa, unsigned q, unsigned off)
{
    return qh(m, gpa, q) + off;
}

int vt_guest_insert(struct cs_gmem *m, uint64_t gpa, unsigned q, const void *msg)
{
    uint8_t *h = qh(m, gpa, q);
    uint32_t max = visor_le32(h + VISOR_QH_MAX_SLOTS), sz = visor_le32(h + VISOR_QH_SIGNAL_SIZE);
    uint32_t head = (visor_le32(h + VISOR_QH_HEAD) + 1) % max;
    if (head == visor_le32(h + VISOR_QH_TAIL)) {
        visor_put64(h + VISOR_QH_NUM_OVERFLOWS, visor_le64(h + VISOR_QH_NUM_OVERFLOWS) + 1);
        return 1;
    }
    memcpy(h + visor_le64(h + VISOR_QH_SIG_BASE) + (uint64_t)head * sz, msg, sz);
    visor_put32(h + VISOR_QH_HEAD, head);
    visor_put64(h + VISOR_QH_NUM_SENT, visor_le64(h + VISOR_QH_NUM_SENT) + 1);
    return 0;
}

int vt_guest_remove(struct cs_gmem *m, uint64_t gpa, unsigned q, void *msg)
{
    uint8_t *h = qh(m, gpa, q);
    uint32_t max = visor_le32(h + VISOR_QH_MAX_SLOTS), sz = visor_le32(h + VISOR_QH_SIGNAL_SIZE);
    uint32_t tail = visor_le32(h + VISOR_QH_TAIL);
    if (tail == visor_le32(h + VISOR_QH_HEAD))
        return 1;
    tail = (tail + 1) % max;
    memcpy(msg, h + visor_le64(h + VISOR_QH_SIG_BASE) + (uint64_t)tail * sz, sz);
    visor_put32(h + VISOR_QH_TAIL, tail);
    visor_put64(h + VISOR_QH_NUM_RECEIVED, visor_le64(h + VISOR_QH_NUM_RECEIVED) + 1);
    return 0;
}
