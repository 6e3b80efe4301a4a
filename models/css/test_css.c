/* The channel subsystem's instructions: SCHIB/PMCW, condition codes and program exceptions in
 * their architected order, TSCH, TPI and ISC masking, CRWs, the trace records. */
#include <string.h>

#include "cs_test.h"
#include "css_internal.h"
#include "css_wire.h"
#include "test_css_util.h"

#define BAD_ADDR (16ull << 20) /* just past the 16 MiB of the test platform */

START_TEST(sid_word_and_first_free_number)
{
    ck_assert_uint_eq(css_sid(0, 0, 0), 0x00010000);
    ck_assert_uint_eq(css_sid(0, 3, 0x1234), 0x00071234);
    ck_assert_uint_eq(css_sid(0xfe, 1, 2), 0xfe0b0002);
    struct tcss t;
    tcss_setup(&t, 0);
    ck_assert_uint_eq(t.sid, 0x00010000);
    struct tdev d2, d3;
    uint32_t s2, s3, found;
    cs_error err = {0};
    ck_assert_int_eq(css_attach_device(t.c, 0, 0, 0x0200, 0x42, &tdev_ops, &d2, &s2, &err), 0);
    ck_assert_uint_eq(s2, 0x00010001);
    ck_assert_int_eq(css_attach_device(t.c, 0, 0, 0x0200, 0x42, &tdev_ops, &d3, &s3, &err), -1);
    cs_assert_contains(err.msg, "0.0.0200 is already attached");
    ck_assert_int_eq(css_attach_device(t.c, 0, 4, 0x0300, 0x42, &tdev_ops, &d3, &s3, &err), -1);
    cs_assert_contains(err.msg, "subchannel set 4");
    ck_assert_int_eq(css_find_devno(t.c, 0, 0, 0x0200, &found), 0);
    ck_assert_uint_eq(found, s2);
    /* a detached device leaves a hole: STSCH stores zeros with cc0, the next attach fills it */
    ck_assert_int_eq(css_detach_device(t.c, t.sid, &err), 0);
    memset(tcss_mem(&t, 0x3000), 0xaa, 52);
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    for (int i = 0; i < 52; i++)
        ck_assert_uint_eq(tcss_mem(&t, 0x3000)[i], 0);
    ck_assert_int_eq(css_attach_device(t.c, 0, 0, 0x0300, 0x42, &tdev_ops, &d3, &s3, &err), 0);
    ck_assert_uint_eq(s3, 0x00010000);
    tcss_teardown(&t);
}
END_TEST

START_TEST(stsch_stores_the_schib_in_order)
{
    struct tcss t;
    tcss_setup(&t, 0);
    uint8_t *s = tcss_mem(&t, 0x3000);
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    ck_assert_uint_eq(get_be16(s + 4), 0x0001); /* DNV only: not enabled, ISC 0 */
    ck_assert_uint_eq(get_be16(s + 6), 0x0100);
    ck_assert_uint_eq(s[8], 0x80);  /* LPM */
    ck_assert_uint_eq(s[11], 0x80); /* PIM */
    ck_assert_uint_eq(s[14], 0xff); /* POM */
    ck_assert_uint_eq(s[15], 0x80); /* PAM */
    ck_assert_uint_eq(s[16], 0x42); /* CHPID 0 */
    /* beyond the last subchannel: cc3; other sets: cc3 */
    ck_assert_int_eq(css_stsch(t.c, css_sid(0, 0, 1), 0x3000), 3);
    ck_assert_int_eq(css_stsch(t.c, css_sid(0, 1, 0), 0x3000), 3);
    /* specification before everything, then access, then operand */
    ck_assert_int_eq(css_stsch(t.c, 0, 0x3002), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_stsch(t.c, 0, BAD_ADDR), -CSS_PGM_ADDRESSING);
    ck_assert_int_eq(css_stsch(t.c, css_sid(0, 0, 1), BAD_ADDR - 8), -CSS_PGM_ADDRESSING);
    ck_assert_int_eq(css_stsch(t.c, 0x0000ffff, 0x3000), -CSS_PGM_OPERAND); /* no one bit */
    ck_assert_int_eq(css_stsch(t.c, 0x01010000, 0x3000), -CSS_PGM_OPERAND); /* cssid, no M */
    ck_assert_int_eq(css_stsch(t.c, 0x00110000, 0x3000), -CSS_PGM_OPERAND); /* reserved bit */
    tcss_teardown(&t);
}
END_TEST

START_TEST(msch_updates_what_it_may_and_refuses_invalid_fields)
{
    struct tcss t;
    tcss_setup(&t, 1);
    uint8_t *s = tcss_mem(&t, 0x3000);
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    ck_assert_uint_eq(get_be32(s), 0x12345678);
    ck_assert_uint_eq(get_be16(s + 4), 3 << 11 | 0x80 | 1);
    /* devno, PIM, PAM are not the program's to change; bit 5 is ignored */
    put_be16(s + 6, 0x0999);
    s[11] = 0xff;
    s[4] |= 0x04;
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), 0);
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    ck_assert_uint_eq(get_be16(s + 6), 0x0100);
    ck_assert_uint_eq(s[11], 0x80);
    ck_assert_uint_eq(s[4] & 0x04, 0);
    static const uint16_t bad_flags[] = {0x8000, 0x4000, 0x0200, 0x0100};
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
        put_be16(s + 4, get_be16(s + 4) | bad_flags[i]);
        ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), -CSS_PGM_OPERAND);
    }
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    put_be32(s + 24, 0x00000008); /* reserved characteristics bit */
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), -CSS_PGM_OPERAND);
    put_be32(s + 24, 0x00000002); /* XMWME */
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), -CSS_PGM_OPERAND);
    put_be32(s + 24, 0x00000004); /* MBFC with an unaligned MBA */
    put_be64(s + 40, 0x1020);
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), -CSS_PGM_OPERAND);
    put_be64(s + 40, 0x1040);
    put_be32(s + 24, 0x00000005); /* MBFC + CSENSE */
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), 0);
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    ck_assert_uint_eq(get_be32(s + 24), 5);
    ck_assert_uint_eq(get_be32(s + 44), 0x1040);
    /* order: specification, addressing, operand (bad sid), cc */
    ck_assert_int_eq(css_msch(t.c, 0, 0x3001), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_msch(t.c, 0, BAD_ADDR), -CSS_PGM_ADDRESSING);
    ck_assert_int_eq(css_msch(t.c, 0, 0x3000), -CSS_PGM_OPERAND);
    ck_assert_int_eq(css_msch(t.c, css_sid(0, 0, 9), 0x3000), 3);
    /* cc2 with a function in progress, cc1 with status pending */
    ck_assert_int_eq(css_stsch(t.c, t.sid, 0x3000), 0);
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    orb(&t, 0x1000, 1, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 0);
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), 2);
    tcss_run(&t);
    ck_assert_int_eq(css_msch(t.c, t.sid, 0x3000), 1);
    tcss_teardown(&t);
}
END_TEST

START_TEST(ssch_condition_codes_and_orb_checks)
{
    struct tcss t;
    tcss_setup(&t, 0);
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    orb(&t, 0x1000, 1, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 3); /* not enabled */
    ck_assert_int_eq(css_ssch(t.c, css_sid(0, 0, 7), 0x1000), 3);
    tcss_teardown(&t);
    tcss_setup(&t, 1);
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1002), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_ssch(t.c, 0, 0x1002), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_ssch(t.c, 0, BAD_ADDR - 4), -CSS_PGM_ADDRESSING);
    orb(&t, 0x1000, 1, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(t.c, 0, 0x1000), -CSS_PGM_OPERAND);
    static const uint32_t bad_w1[] = {0x00040000, 0x00000040, 0x00000002, 0x00000020};
    for (unsigned i = 0; i < 4; i++) {
        orb(&t, 0x1000, 1, ORB_F | ORB_LPM | bad_w1[i], 0x8000);
        ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), -CSS_PGM_OPERAND);
    }
    orb(&t, 0x1000, 1, ORB_F | ORB_LPM, 0x80008000); /* CPA beyond 31 bits */
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), -CSS_PGM_OPERAND);
    orb(&t, 0x1000, 1, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 0);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 2); /* start function in progress */
    tcss_run(&t);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 1); /* status pending */
    ck_assert_int_eq(tcss_tsch(&t), 0);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 0);
    tcss_run(&t);
    tcss_teardown(&t);
}
END_TEST

START_TEST(control_instructions_condition_codes)
{
    struct tcss t;
    tcss_setup(&t, 0);
    ck_assert_int_eq(css_hsch(t.c, t.sid), 3);
    ck_assert_int_eq(css_csch(t.c, t.sid), 3);
    ck_assert_int_eq(css_rsch(t.c, t.sid), 3);
    ck_assert_int_eq(css_xsch(t.c, t.sid), 3);
    ck_assert_int_eq(css_hsch(t.c, 0x12345678), -CSS_PGM_OPERAND);
    ck_assert_int_eq(css_csch(t.c, 0), -CSS_PGM_OPERAND);
    ck_assert_int_eq(css_rsch(t.c, 0), -CSS_PGM_OPERAND);
    ck_assert_int_eq(css_xsch(t.c, 0), -CSS_PGM_OPERAND);
    tcss_teardown(&t);

    tcss_setup(&t, 1);
    ck_assert_int_eq(css_rsch(t.c, t.sid), 2); /* nothing suspended */
    ck_assert_int_eq(css_xsch(t.c, t.sid), 2); /* no start function */
    /* XSCH withdraws a start still pending: no status, no interruption, no command ran */
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    orb(&t, 0x1000, 1, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 0);
    ck_assert_int_eq(css_xsch(t.c, t.sid), 0);
    tcss_run(&t);
    ck_assert_uint_eq(t.nints, 0);
    ck_assert_uint_eq(t.dev.ncmds, 0);
    ck_assert_int_eq(tcss_tsch(&t), 1);
    ck_assert_uint_eq(irb_w0(&t) & 0x7fff, 0); /* no function, activity or status */
    /* HSCH with primary status pending: cc1; a second HSCH while halting: cc2 */
    ck_assert_int_eq(css_ssch(t.c, t.sid, 0x1000), 0);
    tcss_run(&t);
    ck_assert_int_eq(css_hsch(t.c, t.sid), 1);
    ck_assert_int_eq(css_xsch(t.c, t.sid), 1);
    ck_assert_int_eq(tcss_tsch(&t), 0);
    ck_assert_int_eq(css_hsch(t.c, t.sid), 0);
    ck_assert_int_eq(css_hsch(t.c, t.sid), 2);
    ck_assert_int_eq(css_csch(t.c, t.sid), 0); /* clear always goes */
    tcss_run(&t);
    ck_assert_int_eq(tcss_tsch(&t), 0);
    ck_assert_uint_eq(IRB_FCTL(irb_w0(&t)), FC_CLEAR);
    ck_assert_uint_eq(IRB_STCTL(irb_w0(&t)), SC_PENDING);
    tcss_teardown(&t);
}
END_TEST

START_TEST(tsch_order_and_clearing)
{
    struct tcss t;
    tcss_setup(&t, 1);
    ck_assert_int_eq(css_tsch(t.c, 0, 0x2001), -CSS_PGM_OPERAND); /* operand first */
    ck_assert_int_eq(css_tsch(t.c, t.sid, 0x2001), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_tsch(t.c, css_sid(0, 0, 5), BAD_ADDR), -CSS_PGM_ADDRESSING);
    ck_assert_int_eq(css_tsch(t.c, css_sid(0, 0, 5), 0x2000), 3);
    ck_assert_int_eq(tcss_tsch(&t), 1);
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    ck_assert_int_eq(tcss_start(&t, 0, 0x8000), 0);
    ck_assert_int_eq(tcss_tsch(&t), 0);
    uint32_t w0 = irb_w0(&t);
    ck_assert_uint_eq(IRB_FCTL(w0), FC_START);
    ck_assert_uint_eq(IRB_STCTL(w0), SC_PRIMARY | SC_SECOND | SC_PENDING);
    ck_assert_uint_eq(irb_dstat(&t), CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END);
    ck_assert_uint_eq(irb_cpa(&t), 0x8008);
    ck_assert_uint_eq(*tcss_mem(&t, 0x200d), 0x80); /* ESW format 1: LPUM */
    /* stored again with cc1: function, activity and status cleared */
    ck_assert_int_eq(tcss_tsch(&t), 1);
    ck_assert_uint_eq(IRB_FCTL(irb_w0(&t)), 0);
    ck_assert_uint_eq(IRB_STCTL(irb_w0(&t)), 0);
    tcss_teardown(&t);
}
END_TEST

START_TEST(interruption_handler_tpi_and_isc_mask)
{
    struct tcss t;
    tcss_setup(&t, 1);
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    uint64_t t0 = tcss_now(&t);
    ck_assert_int_eq(tcss_start(&t, 0, 0x8000), 0);
    ck_assert_uint_eq(t.nints, 1);
    ck_assert_uint_eq(t.ints[0].sid, t.sid);
    ck_assert_uint_eq(t.ints[0].intparm, 0xcafe0001); /* the ORB's parameter */
    ck_assert_uint_eq(t.ints[0].isc, 3);
    /* start + one command (with the device's 1 us) + ending status */
    ck_assert_uint_eq(t.ints[0].cycle - t0, 10000 + 15000 + 1000 + 5000);
    ck_assert_int_eq(css_tpi(t.c, 0, NULL), 0); /* the handler took it */
    ck_assert_int_eq(tcss_tsch(&t), 0);

    /* ISC 3 masked: no call; TPI takes it; unmasking then delivers nothing more */
    css_set_isc_mask(t.c, 0xff & ~(0x80 >> 3));
    ck_assert_int_eq(tcss_start(&t, 0, 0x8000), 0);
    ck_assert_uint_eq(t.nints, 1);
    uint32_t code[3];
    ck_assert_int_eq(css_tpi(t.c, 0x4002, code), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_tpi(t.c, BAD_ADDR - 4, code), -CSS_PGM_ADDRESSING);
    css_set_isc_mask(t.c, 0xff & ~(0x80 >> 3));
    ck_assert_int_eq(css_tpi(t.c, 0, code), 0); /* masked: not presentable */
    css_set_isc_mask(t.c, 0xff);
    css_set_isc_mask(t.c, 0x00); /* delivery is an activation: masked again before it runs */
    tcss_run(&t);
    ck_assert_uint_eq(t.nints, 1);
    css_set_isc_mask(t.c, 0x10);
    ck_assert_int_eq(css_tpi(t.c, 0x4000, code), 1);
    ck_assert_uint_eq(code[0], t.sid);
    ck_assert_uint_eq(code[1], 0xcafe0001);
    ck_assert_uint_eq(code[2], 3u << 27);
    ck_assert_uint_eq(get_be32(tcss_mem(&t, 0x4000)), t.sid);
    ck_assert_uint_eq(get_be32(tcss_mem(&t, 0x4004)), 0xcafe0001);
    ck_assert_int_eq(css_tpi(t.c, 0, code), 0);
    css_set_isc_mask(t.c, 0xff);
    tcss_run(&t);
    ck_assert_uint_eq(t.nints, 1);
    ck_assert_int_eq(tcss_tsch(&t), 0);
    tcss_teardown(&t);
}
END_TEST

START_TEST(tpi_takes_the_lowest_isc_first)
{
    struct tcss t;
    tcss_setup(&t, 1);
    struct tdev d2;
    uint32_t s2;
    cs_error err = {0};
    ck_assert_int_eq(css_attach_device(t.c, 0, 0, 0x0200, 0x42, &tdev_ops, &d2, &s2, &err), 0);
    uint8_t *s = tcss_mem(&t, 0x3000);
    ck_assert_int_eq(css_stsch(t.c, s2, 0x3000), 0);
    s[4] = 1 << 3; /* ISC 1 */
    s[5] |= 0x80;
    ck_assert_int_eq(css_msch(t.c, s2, 0x3000), 0);
    css_set_isc_mask(t.c, 0);
    ccw1(&t, 0x8000, TD_NOP, 0, 1, 0);
    ck_assert_int_eq(tcss_start(&t, 0, 0x8000), 0); /* ISC 3, first */
    orb(&t, 0x1000, 2, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(t.c, s2, 0x1000), 0);
    tcss_run(&t);
    css_set_isc_mask(t.c, 0xff & ~0x80);
    uint32_t code[3];
    /* the handler would take them: TPI runs before the delivery activations */
    ck_assert_int_eq(css_tpi(t.c, 0, code), 1);
    ck_assert_uint_eq(code[0], s2);
    ck_assert_int_eq(css_tpi(t.c, 0, code), 1);
    ck_assert_uint_eq(code[0], t.sid);
    ck_assert_int_eq(css_tpi(t.c, 0, code), 0);
    tcss_run(&t);
    ck_assert_uint_eq(t.nints, 0);
    tcss_teardown(&t);
}
END_TEST

static int crw_calls;
static void on_crw(void *ctx)
{
    (void)ctx;
    crw_calls++;
}

START_TEST(crws_on_attach_detach_with_chaining_and_overflow)
{
    struct tcss t;
    tcss_setup(&t, 0);
    crw_calls = 0;
    css_set_crw_handler(t.c, on_crw, NULL);
    uint8_t *p = tcss_mem(&t, 0x5000);
    ck_assert_int_eq(css_stcrw(t.c, 0x5002), -CSS_PGM_SPECIFICATION);
    ck_assert_int_eq(css_stcrw(t.c, BAD_ADDR), -CSS_PGM_ADDRESSING);
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 0); /* the setup's attach */
    ck_assert_uint_eq(get_be32(p), 0x03040000);  /* RSC subchannel, ERC IPARM, sch 0 */
    memset(p, 0xff, 4);
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 1);
    ck_assert_uint_eq(get_be32(p), 0); /* zeros when none is pending */
    struct tdev d[20];
    uint32_t sid;
    cs_error err = {0};
    ck_assert_int_eq(css_attach_device(t.c, 0, 1, 0x0001, 0x42, &tdev_ops, &d[0], &sid, &err), 0);
    tcss_run(&t);
    ck_assert_int_eq(crw_calls, 1);
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 0);
    ck_assert_uint_eq(get_be32(p), 0x13040000); /* chained */
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 0);
    ck_assert_uint_eq(get_be32(p), 0x03040010); /* cssid 0, ssid 1 */
    ck_assert_int_eq(css_detach_device(t.c, sid, &err), 0);
    ck_assert_int_eq(css_detach_device(t.c, css_sid(0, 2, 0), &err), -1);
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 0);
    ck_assert_uint_eq(get_be32(p), 0x13040000);
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 0);
    /* 19 more: 16 fit, the rest are lost and the first stored says so */
    for (unsigned i = 1; i < 20; i++)
        ck_assert_int_eq(css_attach_device(t.c, 0, 0, (uint16_t)(0x1000 + i), 0x42, &tdev_ops,
                                           &d[i], &sid, &err),
                         0);
    ck_assert_int_eq(css_stcrw(t.c, 0x5000), 0);
    ck_assert_uint_eq(get_be32(p), 0x23040001);
    unsigned n = 1;
    while (css_stcrw(t.c, 0x5000) == 0)
        n++;
    ck_assert_uint_eq(n, CSS_CRW_QUEUE);
    tcss_teardown(&t);
}
END_TEST

struct rec {
    uint16_t kind, chan;
    uint8_t dir;
    uint8_t payload[64];
    uint32_t len;
};
static struct rec recs[256];
static unsigned nrecs;
static void on_msg(void *ctx, const struct cs_tap_msg *m)
{
    (void)ctx;
    if (nrecs < 256) {
        recs[nrecs] = (struct rec){m->kind, m->channel, m->dir, {0}, m->len};
        memcpy(recs[nrecs].payload, m->payload, m->len < 64 ? m->len : 64);
        nrecs++;
    }
}

START_TEST(trace_records_follow_the_wire_format)
{
    struct tcss t;
    tcss_setup(&t, 1);
    nrecs = 0;
    cs_error err = {0};
    ck_assert_int_eq(cs_tap_observe(&t.m->tap, (struct cs_tap_observer){on_msg, NULL}, &err), 0);
    ccw1(&t, 0x8000, TD_NOP, CCW_CC | CCW_SLI, 1, 0);
    ccw1(&t, 0x8008, TD_NOP, 0, 1, 0);
    ck_assert_int_eq(tcss_start(&t, 0, 0x8000), 0);
    ck_assert_int_eq(tcss_tsch(&t), 0);
    ck_assert_int_eq(css_ssch(t.c, 0, 0x1001), -CSS_PGM_SPECIFICATION); /* names none */
    static const uint16_t want[] = {CSS_K_ORB,       CSS_K_SSCH, CSS_K_CCW, CSS_K_CCW, CSS_K_SCSW,
                                    CSS_K_INTERRUPT, CSS_K_TSCH, CSS_K_IRB, CSS_K_SSCH};
    ck_assert_uint_eq(nrecs, sizeof(want) / sizeof(want[0]));
    for (unsigned i = 0; i < nrecs; i++)
        ck_assert_uint_eq(recs[i].kind, want[i]);
    ck_assert_uint_eq(recs[0].len, CSS_ORB_LEN);
    ck_assert_uint_eq(get_be32(recs[0].payload + 8), 0x8000);
    ck_assert_uint_eq(recs[1].len, CSS_FT_SCHID_CC_LEN);
    ck_assert_uint_eq(get_be32(recs[1].payload), 0x00000000); /* cssid 0 ssid 0 sch 0 */
    ck_assert_uint_eq(get_be32(recs[1].payload + 4), 0);
    ck_assert_uint_eq(recs[3].payload[0], TD_NOP);
    ck_assert_uint_eq(recs[4].dir, CS_TAP_TO_GUEST);
    ck_assert_uint_eq(recs[5].len, CSS_FT_INTERRUPT_LEN);
    ck_assert_uint_eq(recs[5].payload[4], 3);
    ck_assert_uint_eq(recs[6].len, CSS_FT_TSCH_LEN);
    ck_assert_uint_eq(recs[6].payload[8], CSS_FT_HAVE_DETAIL);
    ck_assert_uint_eq(recs[6].payload[11], FC_START);
    ck_assert_uint_eq(recs[6].payload[13], SC_PRIMARY | SC_SECOND | SC_PENDING);
    ck_assert_uint_eq(recs[7].len, CSS_IRB_LEN);
    ck_assert_uint_eq((uint32_t)get_be32(recs[8].payload + 4), (uint32_t)-5);
    ck_assert_uint_eq(recs[0].chan, recs[2].chan);
    ck_assert_uint_ne(recs[0].chan, recs[8].chan); /* no subchannel: the CSS channel */
    tcss_teardown(&t);
}
END_TEST

START_TEST(trace_records_idaws_and_data_pieces)
{
    struct tcss t;
    tcss_setup(&t, 1);
    nrecs = 0;
    cs_error err = {0};
    ck_assert_int_eq(cs_tap_observe(&t.m->tap, (struct cs_tap_observer){on_msg, NULL}, &err), 0);
    for (unsigned i = 0; i < 3000; i++)
        t.dev.buf[i] = (uint8_t)i;
    t.dev.len = 3000;
    put_be64(tcss_mem(&t, 0x7000), 0x20c00);
    put_be64(tcss_mem(&t, 0x7008), 0x31000);
    ccw1(&t, 0x8000, TD_READ, CCW_IDA, 3000, 0x7000);
    ck_assert_int_eq(tcss_start(&t, ORB_H, 0x8000), 0);
    static const uint16_t want[] = {CSS_K_ORB,  CSS_K_SSCH, CSS_K_CCW,  CSS_K_IDAW,     CSS_K_DATA,
                                    CSS_K_IDAW, CSS_K_DATA, CSS_K_SCSW, CSS_K_INTERRUPT};
    ck_assert_uint_eq(nrecs, sizeof(want) / sizeof(want[0]));
    for (unsigned i = 0; i < nrecs; i++)
        ck_assert_uint_eq(recs[i].kind, want[i]);
    ck_assert_uint_eq(recs[3].len, 16);
    ck_assert_uint_eq(get_be32(recs[3].payload + 4), 0x7000);
    ck_assert_uint_eq(get_be32(recs[3].payload + 12), 0x20c00);
    ck_assert_uint_eq(recs[4].len, CSS_DATA_LEN);
    ck_assert_uint_eq(get_be32(recs[4].payload + 4), 0x20c00);
    ck_assert_uint_eq(get_be32(recs[4].payload + 8), 0x400);
    ck_assert_uint_eq(recs[4].payload[12], CSS_DATA_STORE);
    ck_assert_uint_eq(recs[4].dir, CS_TAP_TO_GUEST);
    ck_assert_uint_eq(get_be32(recs[6].payload + 4), 0x31000);
    ck_assert_uint_eq(get_be32(recs[6].payload + 8), 3000 - 0x400);
    ck_assert_mem_eq(tcss_mem(&t, 0x31000), t.dev.buf + 0x400, 3000 - 0x400);
    tcss_teardown(&t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("css");
    TCase *tc = tcase_create("instructions");
    tcase_add_test(tc, sid_word_and_first_free_number);
    tcase_add_test(tc, stsch_stores_the_schib_in_order);
    tcase_add_test(tc, msch_updates_what_it_may_and_refuses_invalid_fields);
    tcase_add_test(tc, ssch_condition_codes_and_orb_checks);
    tcase_add_test(tc, control_instructions_condition_codes);
    tcase_add_test(tc, tsch_order_and_clearing);
    tcase_add_test(tc, interruption_handler_tpi_and_isc_mask);
    tcase_add_test(tc, tpi_takes_the_lowest_isc_first);
    tcase_add_test(tc, crws_on_attach_detach_with_chaining_and_overflow);
    tcase_add_test(tc, trace_records_follow_the_wire_format);
    tcase_add_test(tc, trace_records_idaws_and_data_pieces);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
