/* The channel model against spec visor.md: header and queue layout (the appendix offsets),
 * the pre-increment one-empty-slot algorithms with full, empty, wrap and overflow counting, and
 * every header field a guest can break detected, reported by name and never acted on. */
#include "cs_test.h"
#include "test_visor_util.h"
#include "visor_channel.h"
#include "visor_controlvm.h"

#define GPA 0x100000

static struct vt_bench b;
static struct visor_channel *ch;

/* two queues of 8 slots of 24 bytes: q0 guest -> firmware, q1 firmware -> guest */
static const struct visor_channel_desc small = {
    .type = VISOR_GUID_VHBA,
    .version = 2,
    .bytes = 4096,
    .space_offset = 128,
    .slots_offset = 384,
    .nqueues = 2,
    .q = {{24, 8, 0, 1}, {24, 8, 1, 0}},
};

static void setup(void)
{
    cs_error err = {0};
    vt_bench_init(&b, 4 << 20);
    ck_assert_msg(visor_channel_create(&b.mem, GPA, &small, &b.tap,
                                       vt_bench_channel(&b, "visor.0.1"), "visor.0.1", &ch,
                                       &err) == 0,
                  "%s", err.msg);
}

static void teardown(void)
{
    visor_channel_free(ch);
    vt_bench_release(&b);
}

START_TEST(layout_matches_spec)
{
    const uint8_t *c = cs_gmem_ptr(&b.mem, GPA, 4096);
    ck_assert_uint_eq(visor_le64(c + 0), 0x4C4E4345ull);
    ck_assert_mem_eq(c, "ECNL", 4);
    ck_assert_uint_eq(visor_le32(c + 12), 128);
    ck_assert_uint_eq(visor_le64(c + 16), 4096);
    static const uint8_t vhba[16] = {0xed, 0x15, 0x48, 0x41, 0x8c, 0xc5, 0xda, 0x11,
                                     0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
    ck_assert_mem_eq(c + 32, vhba, 16);
    ck_assert_uint_eq(visor_le64(c + 64), 128);
    ck_assert_uint_eq(visor_le32(c + 72), 2);
    ck_assert_uint_eq(visor_le32(c + 120), 1); /* srv_state READY */
    /* queue headers at ch_space_offset + q * 128, slot arrays back to back from 384 */
    const uint8_t *q0 = c + 128, *q1 = c + 256;
    ck_assert_uint_eq(visor_le64(q0 + 8), 8 * 24); /* size */
    ck_assert_uint_eq(visor_le64(q0 + 16), 256);   /* sig_base_offset, from the queue header */
    ck_assert_uint_eq(visor_le64(q1 + 16), 384 + 192 - 256);
    ck_assert_uint_eq(visor_le32(q0 + 48), 24); /* signal_size */
    ck_assert_uint_eq(visor_le32(q0 + 52), 8);  /* max_slots */
    ck_assert_uint_eq(visor_le32(q0 + 56), 7);  /* max_signals */
    ck_assert_uint_eq(visor_le32(q1 + 4), 1);   /* chtype */
    ck_assert_uint_eq(b.kinds[VISOR_K_CHANNEL_HEADER][CS_TAP_INTERNAL], 1);
    ck_assert_uint_eq(b.kinds[VISOR_K_QUEUE_HEADER][CS_TAP_INTERNAL], 2);
}
END_TEST

START_TEST(controlvm_layout_matches_spec)
{
    cs_error err = {0};
    struct visor_chipset *c;
    ck_assert_msg(visor_chipset_create(&b.mem, 0x200000, NULL, 0, &c, &err) == 0, "%s", err.msg);
    const uint8_t *p = cs_gmem_ptr(&b.mem, 0x200000, VISOR_CVM_CHANNEL_BYTES);
    ck_assert_uint_eq(visor_le64(p + 16), 36608);
    ck_assert_uint_eq(visor_le64(p + 64), 3072);
    ck_assert_uint_eq(visor_le32(p + 72), 1);
    /* queue headers 3072, 3200, 3328, 3456; slots 3584, 11776, 19968, 28160 (spec §3.2) */
    static const uint64_t sig_base[4] = {512, 8576, 16640, 24704};
    for (unsigned q = 0; q < 4; q++) {
        const uint8_t *h = p + 3072 + q * 128;
        ck_assert_uint_eq(visor_le64(h + 16), sig_base[q]);
        ck_assert_uint_eq(visor_le32(h + 48), 128);
        ck_assert_uint_eq(visor_le32(h + 52), 64);
        ck_assert_uint_eq(visor_le32(h + 56), 63);
        ck_assert_uint_eq(visor_le64(h + 8), 8192);
    }
    ck_assert_uint_eq(visor_le16(p + 3014), 2);
    ck_assert_uint_eq(visor_le32(p + 3016), 36352);
    visor_chipset_free(c);
}
END_TEST

START_TEST(insert_remove_wrap_full_empty)
{
    cs_error err = {0};
    uint8_t in[24], out[24];
    /* firmware -> guest: capacity 7, the first signal in slot 1 */
    for (unsigned round = 0; round < 3; round++) {
        for (int i = 0; i < 7; i++) {
            memset(in, round * 16 + i, sizeof(in));
            ck_assert_int_eq(visor_channel_insert(ch, 1, in, &err), VISOR_OK);
        }
        if (round == 0)
            ck_assert_uint_eq(visor_le32(vt_queue_field(&b.mem, GPA, 1, VISOR_QH_HEAD)), 7);
        ck_assert_uint_eq(visor_channel_pending(ch, 1), 7);
        ck_assert_int_eq(visor_channel_insert(ch, 1, in, &err), VISOR_FULL);
        for (int i = 0; i < 7; i++) {
            ck_assert_int_eq(vt_guest_remove(&b.mem, GPA, 1, out), 0);
            ck_assert_uint_eq(out[0], round * 16 + i);
        }
        ck_assert_int_eq(vt_guest_remove(&b.mem, GPA, 1, out), 1);
    }
    struct visor_queue_stats s;
    visor_channel_stats(ch, 1, &s);
    ck_assert_uint_eq(s.sent, 21);
    ck_assert_uint_eq(s.overflows, 3);
    ck_assert_uint_eq(visor_le64(vt_queue_field(&b.mem, GPA, 1, VISOR_QH_NUM_OVERFLOWS)), 3);
    ck_assert_uint_eq(b.kinds[VISOR_K_OVERFLOW][CS_TAP_INTERNAL], 3);
    ck_assert_uint_eq(b.kinds[VISOR_K_SIGNAL][CS_TAP_TO_GUEST], 21);

    /* guest -> firmware, with a wrap at every step */
    ck_assert_int_eq(visor_channel_remove(ch, 0, out, &err), VISOR_EMPTY);
    for (int i = 0; i < 20; i++) {
        memset(in, i, sizeof(in));
        ck_assert_int_eq(vt_guest_insert(&b.mem, GPA, 0, in), 0);
        ck_assert_int_eq(visor_channel_remove(ch, 0, out, &err), VISOR_OK);
        ck_assert_mem_eq(in, out, sizeof(in));
        ck_assert_int_eq(visor_channel_remove(ch, 0, out, &err), VISOR_EMPTY);
    }
    ck_assert_uint_eq(visor_le32(vt_queue_field(&b.mem, GPA, 0, VISOR_QH_TAIL)), 20 % 8);
    ck_assert_uint_eq(visor_le64(vt_queue_field(&b.mem, GPA, 0, VISOR_QH_NUM_RECEIVED)), 20);
    ck_assert_uint_eq(b.kinds[VISOR_K_SIGNAL][CS_TAP_TO_FW], 20);
    /* the firmware never inserts where the guest produces, nor removes where it consumes */
    ck_assert_int_eq(visor_channel_insert(ch, 0, in, &err), -1);
    cs_assert_contains(err.msg, "does not insert into queue 0");
    ck_assert_int_eq(visor_channel_remove(ch, 1, out, &err), -1);
}
END_TEST

/* A field the guest wrote, and what the report must name. */
struct hostile {
    int q; /* -1: channel header */
    unsigned off, width;
    uint64_t value;
    const char *names;
};

static const struct hostile hostile[] = {
    {-1, VISOR_CH_SIGNATURE_OFF, 8, 0x4C4E4346, "signature"},
    {-1, VISOR_CH_HEADER_SZ_OFF, 4, 64, "header_size 64"},
    {-1, VISOR_CH_SIZE, 8, 1ull << 40, "size 1099511627776"},
    {-1, VISOR_CH_FEATURES, 8, 1ull << 20, "undefined bits"},
    {-1, VISOR_CH_CHTYPE, 1, 0, "chtype"},
    {-1, VISOR_CH_SPACE_OFFSET, 8, 64, "ch_space_offset 64"},
    {-1, VISOR_CH_VERSION_ID, 4, 7, "version_id 7"},
    {0, VISOR_QH_MAX_SLOTS, 4, 0, "max_slots 0"},
    {0, VISOR_QH_MAX_SLOTS, 4, 0xffffffff, "max_slots 4294967295"},
    {0, VISOR_QH_SIGNAL_SIZE, 4, 1216, "signal_size 1216"},
    {0, VISOR_QH_SIG_BASE, 8, 1ull << 33, "sig_base_offset"},
    {0, VISOR_QH_BYTES, 8, 5, "size 5"},
    {0, VISOR_QH_MAX_SIGNALS, 4, 70, "max_signals 70"},
    {0, VISOR_QH_VERSION, 4, 9, "version 9"},
    {0, VISOR_QH_CHTYPE, 4, 3, "chtype 3"},
    {0, VISOR_QH_HEAD, 4, 8, "head 8"},       /* the guest's index outside the slots */
    {0, VISOR_QH_TAIL, 4, 3, "tail 3"},       /* the firmware's index moved by the guest */
    {1, VISOR_QH_TAIL, 4, 1000, "tail 1000"}, /* on the queue the guest consumes */
    {1, VISOR_QH_HEAD, 4, 2, "head 2"},
};

START_TEST(hostile_header_field)
{
    cs_error err = {0};
    const struct hostile *h = &hostile[_i];
    uint8_t *p = h->q < 0 ? cs_gmem_ptr(&b.mem, GPA, 128) + h->off
                          : vt_queue_field(&b.mem, GPA, (unsigned)h->q, h->off);
    for (unsigned i = 0; i < h->width; i++)
        p[i] = (uint8_t)(h->value >> (8 * i));
    uint8_t buf[24] = {0};
    unsigned q = h->q == 1 ? 1 : 0;
    int rc =
        q == 1 ? visor_channel_insert(ch, 1, buf, &err) : visor_channel_remove(ch, 0, buf, &err);
    ck_assert_int_eq(rc, -1);
    cs_assert_contains(err.msg, "channel visor.0.1");
    cs_assert_contains(err.msg, h->names);
    ck_assert_uint_eq(b.kinds[VISOR_K_HEADER_FAULT][CS_TAP_INTERNAL], 1);
    cs_assert_contains(b.last_fault, h->names);
    ck_assert_int_eq(visor_channel_broken(ch, q), 1);
    /* reported once; the queue stays stopped */
    rc = q == 1 ? visor_channel_insert(ch, 1, buf, &err) : visor_channel_remove(ch, 0, buf, &err);
    ck_assert_int_eq(rc, -1);
    cs_assert_contains(err.msg, "stopped");
    ck_assert_uint_eq(b.kinds[VISOR_K_HEADER_FAULT][CS_TAP_INTERNAL], 1);
    ck_assert_uint_eq(
        b.kinds[VISOR_K_SIGNAL][CS_TAP_TO_FW] + b.kinds[VISOR_K_SIGNAL][CS_TAP_TO_GUEST], 0);
}
END_TEST

START_TEST(hostile_backend_poke_is_safe)
{
    cs_error err = {0};
    uint8_t buf[24] = {0};
    /* a lying firmware: max_slots huge; its own operations refuse to leave the channel */
    ck_assert_int_eq(visor_channel_poke(ch, 1, VISOR_QH_MAX_SLOTS, 4, 100000, &err), 0);
    ck_assert_uint_eq(visor_le32(vt_queue_field(&b.mem, GPA, 1, VISOR_QH_MAX_SLOTS)), 100000);
    ck_assert_int_eq(visor_channel_insert(ch, 1, buf, &err), -1);
    cs_assert_contains(err.msg, "puts slots outside");
    ck_assert_int_eq(visor_channel_poke(ch, -1, 200, 4, 1, &err), -1);
    ck_assert_int_eq(visor_channel_poke(ch, 5, 0, 4, 1, &err), -1);
    ck_assert_uint_eq(b.kinds[VISOR_K_QUEUE_HEADER][CS_TAP_INTERNAL], 3);
}
END_TEST

START_TEST(create_outside_memory)
{
    cs_error err = {0};
    struct visor_channel *c2;
    ck_assert_int_eq(visor_channel_create(&b.mem, (4 << 20) - 100, &small, NULL, 0, "x", &c2, &err),
                     -1);
    cs_assert_contains(err.msg, "not inside");
    struct visor_channel_desc d = small;
    d.q[1].max_slots = 1000;
    ck_assert_int_eq(visor_channel_create(&b.mem, GPA, &d, NULL, 0, "y", &c2, &err), -1);
    cs_assert_contains(err.msg, "does not fit");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_channel");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, layout_matches_spec);
    tcase_add_test(t, controlvm_layout_matches_spec);
    tcase_add_test(t, insert_remove_wrap_full_empty);
    tcase_add_loop_test(t, hostile_header_field, 0, (int)(sizeof(hostile) / sizeof(hostile[0])));
    tcase_add_test(t, hostile_backend_poke_is_safe);
    tcase_add_test(t, create_outside_memory);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
