/* Signal queues of the guest's visorchannel against channels built by hand in guest memory, as
 * the firmware lays them out (spec visor.md §2.2): pre-increment indices, one slot always
 * empty, overflow counting, wrap-around; and hostile headers (wrong signature or size, queue
 * space, signal size, slot count, slot base or indices that break the channel) refused with
 * -EPROTO and counted as violations, without a byte written outside the channel. */
#include <errno.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "visor_testside.h"

#define CH_PA     0x100000ull /* firmware memory: [1 MiB, S/8) */
#define CH_BYTES  4096u
#define SPACE_OFF 256u /* the input data sits at 128 */
#define SLOT_SIZE 16u  /* visor_inputreport */
#define SLOTS     8u
#define SIG_BASE  128u /* slots right after the queue header */
#define SIGNATURE 0x4C4E4345ull

/* queue header fields (spec §2.2) */
#define QH_SIZE          8
#define QH_SIG_BASE      16
#define QH_NUM_SENT      32
#define QH_NUM_OVERFLOWS 40
#define QH_SIGNAL_SIZE   48
#define QH_MAX_SLOTS     52
#define QH_MAX_SIGNALS   56
#define QH_HEAD          60
#define QH_NUM_RECEIVED  64
#define QH_TAIL          72

static const uint8_t keyboard_guid[16] = {0xd0, 0x16, 0x34, 0xc7, 0xb8, 0xb0, 0xaf, 0x44,
                                          0xb3, 0x04, 0x9d, 0x2a, 0xe9, 0x9f, 0x1b, 0x3d};

struct fixture {
    struct cs_platform *p;
    struct cs_machine *m;
    struct ks_kernel *k;
    uint8_t *mem;
    uint64_t mem_size;
};

static struct fixture fx;

static void setup(void)
{
    cs_error err = {0};
    memset(&fx, 0, sizeof(fx));
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/visor.xml", NULL, &fx.p, &err) == 0, "%s",
                  err.msg);
    ck_assert_msg(cs_machine_build(fx.p, NULL, 0, NULL, &fx.m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&fx.m->domains[0], "kernel", &fx.k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(fx.k, -1);
    fx.mem = fx.m->domains[0].mem.host;
    fx.mem_size = fx.m->domains[0].mem.size;
}

static void teardown(void)
{
    ks_kernel_destroy(fx.k);
    cs_machine_free(fx.m);
    cs_platform_free(fx.p);
}

static void put32(uint64_t pa, uint32_t v)
{
    memcpy(fx.mem + pa, &v, 4);
}
static void put64(uint64_t pa, uint64_t v)
{
    memcpy(fx.mem + pa, &v, 8);
}
static uint32_t get32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, fx.mem + pa, 4);
    return v;
}
static uint64_t get64(uint64_t pa)
{
    uint64_t v;
    memcpy(&v, fx.mem + pa, 8);
    return v;
}

#define Q0 (CH_PA + SPACE_OFF)

/* A keyboard channel with one queue, as the firmware initialises it; a canary page after it. */
static void build_channel(void)
{
    memset(fx.mem + CH_PA, 0, CH_BYTES + 4096);
    memset(fx.mem + CH_PA + CH_BYTES, 0xa5, 4096);
    put64(CH_PA + 0, SIGNATURE);
    put32(CH_PA + 12, 128);
    put64(CH_PA + 16, CH_BYTES);
    memcpy(fx.mem + CH_PA + 32, keyboard_guid, 16);
    put64(CH_PA + 64, SPACE_OFF);
    put64(Q0 + QH_SIZE, SLOTS * SLOT_SIZE);
    put64(Q0 + QH_SIG_BASE, SIG_BASE);
    put32(Q0 + QH_SIGNAL_SIZE, SLOT_SIZE);
    put32(Q0 + QH_MAX_SLOTS, SLOTS);
    put32(Q0 + QH_MAX_SIGNALS, SLOTS - 1);
}

static int canary_intact(void)
{
    for (unsigned i = 0; i < 4096; i++)
        if (fx.mem[CH_PA + CH_BYTES + i] != 0xa5)
            return 0;
    return 1;
}

static uint64_t slot_pa(unsigned s)
{
    return Q0 + SIG_BASE + (uint64_t)s * SLOT_SIZE;
}

START_TEST(insert_fills_all_but_one_slot)
{
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    ck_assert_ptr_nonnull(ch);
    uint8_t msg[SLOT_SIZE];
    for (unsigned i = 0; i < SLOTS - 1; i++) {
        memset(msg, 0x10 + i, sizeof(msg));
        ck_assert_int_eq(vt_signal_insert(ch, 0, msg), 0);
        /* pre-increment: the first signal lands in slot 1 */
        ck_assert_int_eq(fx.mem[slot_pa(i + 1)], 0x10 + i);
        ck_assert_uint_eq(get32(Q0 + QH_HEAD), i + 1);
        ck_assert_uint_eq(get64(Q0 + QH_NUM_SENT), i + 1);
    }
    memset(msg, 0xee, sizeof(msg));
    ck_assert_int_eq(vt_signal_insert(ch, 0, msg), -EIO);
    ck_assert_uint_eq(get64(Q0 + QH_NUM_OVERFLOWS), 1);
    ck_assert_uint_eq(get32(Q0 + QH_HEAD), SLOTS - 1);
    ck_assert_int_eq(fx.mem[slot_pa(0)], 0); /* the empty slot stays untouched */
    ck_assert_int_eq(vt_signal_empty(ch, 0), 0);
    ck_assert_uint_eq(vt_channel_violations(ch), 0);
    vt_channel_destroy(ch);
}
END_TEST

START_TEST(remove_in_order_across_the_wrap)
{
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    ck_assert_ptr_nonnull(ch);
    uint8_t in[SLOT_SIZE], out[SLOT_SIZE];
    unsigned sent = 0, got = 0;
    /* 5 rounds of 5 through 8 slots: indices wrap several times */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 5; i++) {
            memset(in, (uint8_t)sent++, sizeof(in));
            ck_assert_int_eq(vt_signal_insert(ch, 0, in), 0);
        }
        for (int i = 0; i < 5; i++) {
            ck_assert_int_eq(vt_signal_remove(ch, 0, out), 0);
            ck_assert_int_eq(out[0], (uint8_t)got);
            ck_assert_int_eq(out[SLOT_SIZE - 1], (uint8_t)got);
            got++;
        }
        ck_assert_int_eq(vt_signal_remove(ch, 0, out), -EAGAIN);
        ck_assert_int_eq(vt_signal_empty(ch, 0), 1);
    }
    ck_assert_uint_eq(get32(Q0 + QH_TAIL), 25 % SLOTS);
    ck_assert_uint_eq(get64(Q0 + QH_NUM_RECEIVED), 25);
    ck_assert_uint_eq(get64(Q0 + QH_NUM_SENT), 25);
    vt_channel_destroy(ch);
}
END_TEST

START_TEST(remove_takes_what_the_firmware_inserted)
{
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    /* the firmware's insert: data into slot head+1, then the index */
    memset(fx.mem + slot_pa(1), 0x42, SLOT_SIZE);
    put32(Q0 + QH_HEAD, 1);
    uint8_t out[SLOT_SIZE];
    ck_assert_int_eq(vt_signal_empty(ch, 0), 0);
    ck_assert_int_eq(vt_signal_remove(ch, 0, out), 0);
    ck_assert_int_eq(out[7], 0x42);
    ck_assert_uint_eq(get32(Q0 + QH_TAIL), 1);
    ck_assert_uint_eq(get64(Q0 + QH_NUM_RECEIVED), 1);
    vt_channel_destroy(ch);
}
END_TEST

/* One hostile header field: both directions refuse, each refusal is counted and the violation
 * once (one episode: the queue stays broken), nothing is written outside the channel, and the
 * indices are left as they were. */
static void expect_refused(void (*spoil)(void))
{
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    ck_assert_ptr_nonnull(ch);
    spoil();
    uint32_t head = get32(Q0 + QH_HEAD), tail = get32(Q0 + QH_TAIL);
    uint64_t before = vt_all_violations();
    uint8_t msg[SLOT_SIZE] = {1};
    ck_assert_int_eq(vt_signal_insert(ch, 0, msg), -EPROTO);
    ck_assert_int_eq(vt_signal_remove(ch, 0, msg), -EPROTO);
    ck_assert_int_eq(vt_signal_empty(ch, 0), 1);
    ck_assert_uint_eq(vt_channel_refused(ch), 3);
    ck_assert_uint_eq(vt_channel_violations(ch), 1);
    ck_assert_uint_eq(vt_all_violations(), before + 1);
    ck_assert_uint_eq(get32(Q0 + QH_HEAD), head);
    ck_assert_uint_eq(get32(Q0 + QH_TAIL), tail);
    ck_assert(canary_intact());
    vt_channel_destroy(ch);
}

static void wrong_signal_size(void)
{
    put32(Q0 + QH_SIGNAL_SIZE, 32);
}
static void zero_signal_size(void)
{
    put32(Q0 + QH_SIGNAL_SIZE, 0);
}
static void no_slots(void)
{
    put32(Q0 + QH_MAX_SLOTS, 0);
}
static void one_slot(void)
{
    put32(Q0 + QH_MAX_SLOTS, 1);
}
static void huge_slots(void)
{
    put32(Q0 + QH_MAX_SLOTS, 0xffffffffu);
}
static void slots_past_end(void)
{
    put32(Q0 + QH_MAX_SLOTS, (CH_BYTES - SPACE_OFF - SIG_BASE) / SLOT_SIZE + 1);
}
static void sig_base_far(void)
{
    put64(Q0 + QH_SIG_BASE, 1ull << 40);
}
static void sig_base_wraps(void)
{
    put64(Q0 + QH_SIG_BASE, ~0ull - 100);
}
static void head_outside(void)
{
    put32(Q0 + QH_HEAD, SLOTS);
}
static void tail_outside(void)
{
    put32(Q0 + QH_TAIL, 1000);
}

START_TEST(hostile_queue_headers_are_refused)
{
    expect_refused(wrong_signal_size);
    expect_refused(zero_signal_size);
    expect_refused(no_slots);
    expect_refused(one_slot);
    expect_refused(huge_slots);
    expect_refused(slots_past_end);
    expect_refused(sig_base_far);
    expect_refused(sig_base_wraps);
    expect_refused(head_outside);
    expect_refused(tail_outside);
}
END_TEST

static void space_inside_header(void)
{
    put64(CH_PA + 64, 64);
}
static void space_past_end(void)
{
    put64(CH_PA + 64, CH_BYTES - 64);
}
static void space_huge(void)
{
    put64(CH_PA + 64, ~0ull);
}

/* ch_space_offset is read once, at create: a hostile value there spoils every queue. */
static void expect_refused_at_create(void (*spoil)(void))
{
    build_channel();
    spoil();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    ck_assert_ptr_nonnull(ch);
    uint8_t msg[SLOT_SIZE] = {1};
    ck_assert_int_eq(vt_signal_insert(ch, 0, msg), -EPROTO);
    ck_assert_int_eq(vt_signal_remove(ch, 0, msg), -EPROTO);
    ck_assert_uint_eq(vt_channel_refused(ch), 2);
    ck_assert_uint_eq(vt_channel_violations(ch), 1);
    ck_assert(canary_intact());
    vt_channel_destroy(ch);
}

/* A driver polling a broken queue reports it once per episode: sound again ends the episode,
 * and the next fault is reported again. */
START_TEST(a_broken_queue_is_reported_once_per_episode)
{
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    ck_assert_ptr_nonnull(ch);
    uint8_t msg[SLOT_SIZE] = {1};
    put32(Q0 + QH_SIGNAL_SIZE, 32);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(vt_signal_remove(ch, 0, msg), -EPROTO);
    ck_assert_uint_eq(vt_channel_violations(ch), 1);
    ck_assert_uint_eq(vt_channel_refused(ch), 100);
    put32(Q0 + QH_SIGNAL_SIZE, SLOT_SIZE);
    ck_assert_int_eq(vt_signal_remove(ch, 0, msg), -EAGAIN);
    put32(Q0 + QH_SIGNAL_SIZE, 32);
    ck_assert_int_eq(vt_signal_insert(ch, 0, msg), -EPROTO);
    ck_assert_int_eq(vt_signal_insert(ch, 0, msg), -EPROTO);
    ck_assert_uint_eq(vt_channel_violations(ch), 2);
    ck_assert_uint_eq(vt_channel_refused(ch), 102);
    ck_assert(canary_intact());
    vt_channel_destroy(ch);
}
END_TEST

START_TEST(hostile_queue_space_is_refused)
{
    expect_refused_at_create(space_inside_header);
    expect_refused_at_create(space_past_end);
    expect_refused_at_create(space_huge);
    /* a queue number past the channel's queue space */
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_KEYBOARD);
    uint8_t msg[SLOT_SIZE] = {0};
    ck_assert_int_eq(vt_signal_insert(ch, 40, msg), -EPROTO);
    ck_assert_int_eq(vt_signal_remove(ch, 0xffffffffu, msg), -EPROTO);
    vt_channel_destroy(ch);
}
END_TEST

START_TEST(unusable_channels_are_not_mapped)
{
    uint64_t before = vt_all_violations();
    build_channel();
    put64(CH_PA, 0x1234);
    ck_assert_ptr_null(vt_channel_create(CH_PA, VT_KEYBOARD)); /* signature */
    build_channel();
    put64(CH_PA + 16, 64);
    ck_assert_ptr_null(vt_channel_create(CH_PA, VT_KEYBOARD)); /* smaller than its header */
    build_channel();
    put64(CH_PA + 16, fx.mem_size);
    ck_assert_ptr_null(vt_channel_create(CH_PA, VT_KEYBOARD)); /* beyond guest memory */
    ck_assert_uint_eq(vt_all_violations(), before + 3);
    ck_assert_ptr_null(vt_channel_create(0, VT_KEYBOARD));
    ck_assert_ptr_null(vt_channel_create(fx.mem_size - 64, VT_KEYBOARD));
}
END_TEST

START_TEST(signal_size_follows_the_channel_type)
{
    /* the same 16-byte queue is wrong for a controlvm channel (128-byte messages) */
    build_channel();
    void *ch = vt_channel_create(CH_PA, VT_CONTROLVM);
    uint8_t msg[128] = {0};
    ck_assert_int_eq(vt_signal_insert(ch, 0, msg), -EPROTO);
    vt_channel_destroy(ch);
    /* a bus channel has no signal queues at all */
    build_channel();
    ch = vt_channel_create(CH_PA, VT_VBUS);
    ck_assert_int_eq(vt_signal_remove(ch, 0, msg), -EPROTO);
    vt_channel_destroy(ch);
}
END_TEST

static Suite *channel_suite(void)
{
    Suite *s = suite_create("visorchannel");
    TCase *tc = tcase_create("signals");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, insert_fills_all_but_one_slot);
    tcase_add_test(tc, remove_in_order_across_the_wrap);
    tcase_add_test(tc, remove_takes_what_the_firmware_inserted);
    tcase_add_test(tc, hostile_queue_headers_are_refused);
    tcase_add_test(tc, a_broken_queue_is_reported_once_per_episode);
    tcase_add_test(tc, hostile_queue_space_is_refused);
    tcase_add_test(tc, unusable_channels_are_not_mapped);
    tcase_add_test(tc, signal_size_follows_the_channel_type);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(channel_suite)
