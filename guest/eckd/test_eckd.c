/* The guest-side ECKD programs, checked by decoding the bytes they leave in guest memory. */
#include <stdio.h>

#include "cs_test.h"
#include "eckd_irb.h"
#include "eckd_program.h"
#include "test_flatmem.h"

static struct flatmem fm;
static struct eckd_mem mem;
static const struct eckd_geom g3390 = {3339, 15, 12, 4096};

static void setup(void)
{
    fm_init(&fm, &mem, 8 << 20, 0x1000);
}

static void teardown(void)
{
    free(fm.b);
}

static struct eckd_ccw ccw_at(uint64_t a)
{
    struct eckd_ccw c;
    eckd_ccw_decode(fm.b + a, &c);
    return c;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

START_TEST(orb_and_ccw_layout)
{
    struct eckd_ccw c = {0x86, ECKD_CCW_CC | ECKD_CCW_IDA, 4096, 0x7FFFF000};
    uint8_t b[8];
    eckd_ccw_encode(&c, b);
    const uint8_t want[8] = {0x86, 0x44, 0x10, 0x00, 0x7F, 0xFF, 0xF0, 0x00};
    ck_assert_mem_eq(b, want, 8);
    struct eckd_orb o = {0xCAFE, ECKD_ORB_F | ECKD_ORB_P | ECKD_ORB_H | ECKD_ORB_LPM(0xFF), 0x2000},
                    back;
    uint8_t ob[ECKD_ORB_LEN];
    eckd_orb_encode(&o, ob);
    /* word 1: fmt = bit 8, pfch = bit 9, c64 = bit 14, lpm = bits 16-23 (Linux struct cmd_orb) */
    const uint8_t w[12] = {0, 0, 0xCA, 0xFE, 0x00, 0xC2, 0xFF, 0x00, 0, 0, 0x20, 0};
    ck_assert_mem_eq(ob, w, 12);
    eckd_orb_decode(ob, &back);
    ck_assert_uint_eq(back.ctl, o.ctl);
    ck_assert_uint_eq(back.cpa, 0x2000);
}
END_TEST

START_TEST(read_program_multitrack)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_msg(eckd_build_rw(&mem, &g3390, ECKD_READ, 10, 3, 0x100000, 0, 7, &p, &err) == 0,
                  "%s", err.msg);
    ck_assert_uint_eq(p.nccw, 5);
    ck_assert_uint_eq(p.cpa % 8, 0);
    ck_assert_uint_eq(p.orb.cpa, p.cpa);
    ck_assert_uint_eq(p.orb.intparm, 7);
    ck_assert(p.orb.ctl & ECKD_ORB_F);
    ck_assert(!(p.orb.ctl & ECKD_ORB_H));
    struct eckd_ccw dx = ccw_at(p.cpa), lr = ccw_at(p.cpa + 8);
    ck_assert_uint_eq(dx.cmd, 0x63);
    ck_assert_uint_eq(dx.flags, ECKD_CCW_CC);
    ck_assert_uint_eq(dx.count, 32);
    const uint8_t *x = fm.b + dx.addr;
    ck_assert_uint_eq(x[0], 0x40);                   /* inhibit writes */
    const uint8_t ext[8] = {0, 0, 0, 0, 0, 0, 0, 1}; /* track 0/0 .. 0/1 */
    ck_assert_mem_eq(x + 8, ext, 8);
    ck_assert_uint_eq(lr.cmd, 0x47);
    ck_assert_uint_eq(lr.count, 16);
    const uint8_t *l = fm.b + lr.addr;
    const uint8_t lwant[16] = {0x06, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0x10, 0x00};
    ck_assert_mem_eq(l, lwant, 16);
    for (int i = 0; i < 3; i++) {
        struct eckd_ccw c = ccw_at(p.cpa + 16 + 8 * i);
        ck_assert_uint_eq(c.cmd, 0x86);
        ck_assert_uint_eq(c.count, 4096);
        ck_assert_uint_eq(c.addr, 0x100000 + 4096 * i);
        ck_assert_uint_eq(c.flags, i < 2 ? ECKD_CCW_CC : 0);
    }
}
END_TEST

START_TEST(write_program_across_pages_uses_idal)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(eckd_build_rw(&mem, &g3390, ECKD_WRITE, 0, 2, 0x200800, 0, 0, &p, &err), 0);
    ck_assert(p.orb.ctl & ECKD_ORB_H);
    ck_assert_uint_eq(p.idaws, 4);
    ck_assert_uint_eq(fm.b[ccw_at(p.cpa).addr], 0x80); /* update-only file mask */
    ck_assert_uint_eq(fm.b[ccw_at(p.cpa + 8).addr], 0x01);
    for (int i = 0; i < 2; i++) {
        struct eckd_ccw c = ccw_at(p.cpa + 16 + 8 * i);
        ck_assert_uint_eq(c.cmd, 0x85);
        ck_assert(c.flags & ECKD_CCW_IDA);
        ck_assert_uint_eq(c.addr % 8, 0);
        ck_assert_uint_eq(be64(fm.b + c.addr), 0x200800 + 4096 * i);
        ck_assert_uint_eq(be64(fm.b + c.addr + 8), 0x201000 + 4096 * i);
    }
    /* data above 2 GiB can only be reached through IDAWs */
    ck_assert_int_eq(eckd_build_rw(&mem, &g3390, ECKD_READ, 0, 1, 0x100000000ull, 0, 0, &p, &err),
                     0);
    struct eckd_ccw c = ccw_at(p.cpa + 16);
    ck_assert(c.flags & ECKD_CCW_IDA);
    ck_assert_uint_eq(be64(fm.b + c.addr), 0x100000000ull);
    /* forced IDAL on aligned data: one IDAW a block */
    ck_assert_int_eq(
        eckd_build_rw(&mem, &g3390, ECKD_READ, 0, 3, 0x300000, ECKD_FORCE_IDAL, 0, &p, &err), 0);
    ck_assert_uint_eq(p.idaws, 3);
}
END_TEST

START_TEST(long_transfer_gets_two_domains)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(
        eckd_build_rw(&mem, &g3390, ECKD_READ, 5, 300, 0x400000, ECKD_PCI_LAST, 0, &p, &err), 0);
    ck_assert_uint_eq(p.nccw, 1 + 1 + 255 + 1 + 45);
    struct eckd_ccw lr2 = ccw_at(p.cpa + 8 * (2 + 255));
    ck_assert_uint_eq(lr2.cmd, 0x47);
    const uint8_t *l = fm.b + lr2.addr;
    ck_assert_uint_eq(l[3], 45);
    /* block 260 = track 21, record 9 */
    const uint8_t s[5] = {0, 1, 0, 6, 9};
    ck_assert_mem_eq(l + 8, s, 5);
    struct eckd_ccw last = ccw_at(p.cpa + 8 * (p.nccw - 1));
    ck_assert_uint_eq(last.flags, ECKD_CCW_PCI);
    /* the extent covers tracks 0 .. 25 */
    const uint8_t *x = fm.b + ccw_at(p.cpa).addr;
    const uint8_t ext[8] = {0, 0, 0, 0, 0, 1, 0, 10};
    ck_assert_mem_eq(x + 8, ext, 8);
}
END_TEST

START_TEST(search_loop_program)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(
        eckd_build_search_loop(&mem, &g3390, ECKD_READ, 12 * 16 + 4, 0x500000, 0, 0, &p, &err), 0);
    ck_assert_uint_eq(p.nccw, 4);
    struct eckd_ccw seek = ccw_at(p.cpa), se = ccw_at(p.cpa + 8), tic = ccw_at(p.cpa + 16),
                    rd = ccw_at(p.cpa + 24);
    ck_assert_uint_eq(seek.cmd, 0x07);
    ck_assert_uint_eq(seek.count, 6);
    const uint8_t sk[6] = {0, 0, 0, 1, 0, 1}; /* track 16 = cylinder 1 head 1 */
    ck_assert_mem_eq(fm.b + seek.addr, sk, 6);
    ck_assert_uint_eq(se.cmd, 0x31);
    ck_assert_uint_eq(se.flags, ECKD_CCW_CC);
    const uint8_t id[5] = {0, 1, 0, 1, 5};
    ck_assert_mem_eq(fm.b + se.addr, id, 5);
    ck_assert_uint_eq(tic.cmd, ECKD_CMD_TIC);
    ck_assert_uint_eq(tic.addr, p.cpa + 8);
    ck_assert_uint_eq(tic.count, 0);
    ck_assert_uint_eq(tic.flags, 0); /* a format-1 TIC has zero flags */
    ck_assert_uint_eq(rd.cmd, 0x06);
    ck_assert_uint_eq(rd.addr, 0x500000);
}
END_TEST

START_TEST(suspend_program)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(
        eckd_build_rw(&mem, &g3390, ECKD_READ, 0, 2, 0x100000, ECKD_SUSPEND, 0, &p, &err), 0);
    ck_assert(p.orb.ctl & ECKD_ORB_S);
    ck_assert_uint_eq(p.suspend_ccw, p.cpa + 16);
    ck_assert_uint_eq(ccw_at(p.suspend_ccw).flags, ECKD_CCW_CC | ECKD_CCW_S);
    ck_assert_uint_eq(ccw_at(p.suspend_ccw + 8).flags, 0);
    ck_assert_int_eq(eckd_resume_prepare(&mem, &p, &err), 0);
    ck_assert_uint_eq(ccw_at(p.suspend_ccw).flags, ECKD_CCW_CC);
    /* a program without S cannot be prepared for resuming */
    ck_assert_int_eq(eckd_build_rw(&mem, &g3390, ECKD_READ, 0, 1, 0x100000, 0, 0, &p, &err), 0);
    ck_assert_int_eq(eckd_resume_prepare(&mem, &p, &err), -1);
    cs_assert_contains(err.msg, "no CCW that suspends");
}
END_TEST

START_TEST(identification_programs_and_parsers)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(eckd_build_sense_id(&mem, 0x6000, 1, &p, &err), 0);
    struct eckd_ccw c = ccw_at(p.cpa);
    ck_assert_uint_eq(c.cmd, 0xE4);
    ck_assert_uint_eq(c.flags, ECKD_CCW_SLI);
    ck_assert_uint_eq(c.addr, 0x6000);
    ck_assert_int_eq(eckd_build_rdc(&mem, 0x6000, 1, &p, &err), 0);
    ck_assert_uint_eq(ccw_at(p.cpa).cmd, 0x64);
    ck_assert_uint_eq(ccw_at(p.cpa).count, 64);
    ck_assert_int_eq(eckd_build_sense(&mem, 0x6000, 1, &p, &err), 0);
    ck_assert_uint_eq(ccw_at(p.cpa).cmd, 0x04);

    struct eckd_devinfo di = {0};
    const uint8_t sid[7] = {0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0A};
    ck_assert_int_eq(eckd_parse_sense_id(sid, 7, &di, &err), 0);
    ck_assert_uint_eq(di.cu_type, 0x3990);
    ck_assert_uint_eq(di.dev_type, 0x3390);
    ck_assert_uint_eq(di.dev_model, 0x0A);
    ck_assert_int_eq(eckd_parse_sense_id(sid, 5, &di, &err), -1);
    cs_assert_contains(err.msg, "5 bytes");
    const uint8_t bad[7] = {0x00};
    ck_assert_int_eq(eckd_parse_sense_id(bad, 7, &di, &err), -1);
    cs_assert_contains(err.msg, "byte 0");

    uint8_t rdc[64] = {0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C};
    rdc[12] = 0xFF;
    rdc[13] = 0xFE;
    rdc[15] = 15;
    rdc[62] = 0x27;
    rdc[63] = 0x21; /* 10017 in the long field */
    ck_assert_int_eq(eckd_parse_rdc(rdc, 64, &di, &err), 0);
    ck_assert_uint_eq(di.cylinders, 10017);
    ck_assert_uint_eq(di.heads, 15);
    struct eckd_geom g;
    ck_assert_int_eq(eckd_geom_3390(&di, 4096, &g, &err), 0);
    ck_assert_uint_eq(g.blocks_per_track, 12);
    ck_assert_int_eq(eckd_geom_3390(&di, 512, &g, &err), 0);
    ck_assert_uint_eq(g.blocks_per_track, 49);
    ck_assert_int_eq(eckd_parse_rdc(rdc, 63, &di, &err), -1);
    di.dev_type = 0x3380;
    ck_assert_int_eq(eckd_geom_3390(&di, 4096, &g, &err), -1);
}
END_TEST

START_TEST(bad_requests)
{
    struct eckd_program p;
    cs_error err = {0};
    uint64_t total = 3339ull * 15 * 12;
    ck_assert_int_eq(eckd_build_rw(&mem, &g3390, ECKD_READ, total - 1, 2, 0, 0, 0, &p, &err), -1);
    cs_assert_contains(err.msg, "outside the volume");
    ck_assert_int_eq(eckd_build_rw(&mem, &g3390, ECKD_READ, 0, 0, 0, 0, 0, &p, &err), -1);
    struct eckd_geom zero = {0};
    ck_assert_int_eq(eckd_build_rw(&mem, &zero, ECKD_READ, 0, 1, 0, 0, 0, &p, &err), -1);
    cs_assert_contains(err.msg, "geometry");
    ck_assert_int_eq(eckd_build_search_loop(&mem, &g3390, ECKD_READ, total, 0, 0, 0, &p, &err), -1);
    ck_assert_int_eq(eckd_build_command(&mem, 0x04, 0, 32, 0x7FFFFFF0, 0, &p, &err), -1);
    cs_assert_contains(err.msg, "31-bit");
    /* guest memory running out is reported, not overrun */
    struct flatmem small;
    struct eckd_mem sm;
    fm_init(&small, &sm, 0x80, 0);
    ck_assert_int_eq(eckd_build_rw(&sm, &g3390, ECKD_READ, 0, 20, 0x10000, 0, 0, &p, &err), -1);
    cs_assert_contains(err.msg, "exhausted");
    free(small.b);
}
END_TEST

static void irb_set(uint8_t *irb, uint8_t fctl, uint8_t actl, uint8_t stctl, uint8_t dstat,
                    uint8_t cstat, uint32_t cpa, uint16_t resid)
{
    memset(irb, 0, ECKD_IRB_LEN);
    irb[0] = 0x04; /* L: format-0 ESW */
    irb[2] = (uint8_t)(fctl << 4 | (actl >> 3));
    irb[3] = (uint8_t)((actl & 7) << 5 | stctl);
    irb[4] = (uint8_t)(cpa >> 24);
    irb[5] = (uint8_t)(cpa >> 16);
    irb[6] = (uint8_t)(cpa >> 8);
    irb[7] = (uint8_t)cpa;
    irb[8] = dstat;
    irb[9] = cstat;
    irb[10] = (uint8_t)(resid >> 8);
    irb[11] = (uint8_t)resid;
}

START_TEST(irb_checker)
{
    uint8_t irb[ECKD_IRB_LEN];
    struct eckd_result r;
    cs_error err = {0};
    char line[256];
    irb_set(irb, ECKD_FCTL_START, 0, 0x07, 0x0C, 0, 0x2010, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_DONE);
    ck_assert_uint_eq(r.cpa, 0x2010);
    ck_assert(r.ils);

    irb_set(irb, ECKD_FCTL_START, 0, 0x17, 0x0E, 0, 0x2010, 4096);
    irb[16] = 0x01; /* ERW: concurrent sense */
    irb[17] = 32;
    irb[32] = 0;
    irb[33] = 0x04; /* file protected */
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_UNIT_CHECK);
    ck_assert(r.sense_valid);
    ck_assert_uint_eq(r.sense_count, 32);
    ck_assert_int_eq(r.sense_kind, ECKD_SENSE_FILE_PROTECTED);
    ck_assert_uint_eq(r.residual, 4096);
    eckd_result_describe(&r, line, sizeof line);
    cs_assert_contains(line, "unit check");
    cs_assert_contains(line, "file protected");

    /* unit check ending a write before its data: incorrect length beside it */
    irb_set(irb, ECKD_FCTL_START, 0, 0x17, 0x0E, ECKD_CSTAT_INCORRECT_LENGTH, 0x2018, 4096);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_UNIT_CHECK);
    ck_assert(!r.sense_valid);
    irb_set(irb, ECKD_FCTL_START, 0, 0x17, 0x0C, ECKD_CSTAT_INCORRECT_LENGTH, 0x2018, 10);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_CHANNEL_ERROR);
    irb_set(irb, ECKD_FCTL_START, 0, 0x17, 0x0E, ECKD_CSTAT_PROGRAM_CHECK, 0x2018, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_CHANNEL_ERROR);
    irb_set(irb, ECKD_FCTL_START, 0, 0x17, 0x0C, ECKD_CSTAT_PROGRAM_CHECK, 0x2018, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_CHANNEL_ERROR);

    irb_set(irb, ECKD_FCTL_START, ECKD_ACTL_SUSPENDED, 0x09, 0, 0, 0x2020, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_SUSPENDED);
    ck_assert_uint_eq(r.actl, ECKD_ACTL_SUSPENDED);
    ck_assert_uint_eq(r.stctl, 0x09);

    irb_set(irb, ECKD_FCTL_START, 0x06, 0x09, 0, ECKD_CSTAT_PCI, 0x2020, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_INTERMEDIATE);

    irb_set(irb, ECKD_FCTL_START | ECKD_FCTL_HALT, 0, 0x07, 0, 0, 0, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_HALTED);
    irb_set(irb, ECKD_FCTL_CLEAR, 0, 0x01, 0, 0, 0, 0);
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &r, &err), 0);
    ck_assert_int_eq(r.outcome, ECKD_CLEARED);

    ck_assert_int_eq(eckd_check_irb(irb, 12, &r, &err), -1);
    cs_assert_contains(err.msg, "12 bytes");

    const uint8_t cr[32] = {0x80, 0, 0, 0, 0, 0, 0, 0x01};
    ck_assert_int_eq(eckd_sense_classify(cr, 32), ECKD_SENSE_COMMAND_REJECT);
    const uint8_t nrf[32] = {0, 0x08};
    ck_assert_int_eq(eckd_sense_classify(nrf, 32), ECKD_SENSE_NO_RECORD_FOUND);
    const uint8_t itf[32] = {0, 0x40};
    ck_assert_int_eq(eckd_sense_classify(itf, 32), ECKD_SENSE_INVALID_TRACK_FORMAT);
    const uint8_t none[32] = {0};
    ck_assert_int_eq(eckd_sense_classify(none, 32), ECKD_SENSE_NONE);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("eckd");
    TCase *t = tcase_create("programs");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, orb_and_ccw_layout);
    tcase_add_test(t, read_program_multitrack);
    tcase_add_test(t, write_program_across_pages_uses_idal);
    tcase_add_test(t, long_transfer_gets_two_domains);
    tcase_add_test(t, search_loop_program);
    tcase_add_test(t, suspend_program);
    tcase_add_test(t, identification_programs_and_parsers);
    tcase_add_test(t, bad_requests);
    tcase_add_test(t, irb_checker);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
