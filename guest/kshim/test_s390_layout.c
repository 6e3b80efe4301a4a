/* The shim's s390 I/O structures hold the architectural byte images (z/Architecture Principles
 * of Operation, SA22-7832) on a little-endian host, field by field, both ways; and the helpers
 * that read them follow the architecture's rules. */
#include "cs_test.h"

#include <stdint.h>
#include <stdio.h>

#include <asm/chpid.h>
#include <asm/cio.h>
#include <asm/crw.h>
#include <asm/idals.h>
#include <asm/schid.h>
#include <asm/scsw.h>
#include "cio.h"
#include "orb.h"

/* idal_is_needed translates with the __pa of its caller; here kernel addresses are physical,
 * as on s390 itself. */
#undef __pa
#define __pa(a) ((unsigned long)(a))

/* Space-separated hex of an object, to compare with images written as in the PoP figures.
 * Two buffers in turn, so that one assertion may compare two dumps. */
static const char *hex(const void *obj, size_t n)
{
    static char bufs[2][3 * 128];
    static int turn;
    char *buf = bufs[turn ^= 1], *out = buf;
    const uint8_t *p = obj;
    size_t i;

    ck_assert_uint_le(n, 128);
    *out = '\0';
    for (i = 0; i < n; i++)
        out += sprintf(out, i ? " %02x" : "%02x", p[i]);
    return buf;
}

/* The cast is explicit because GCC warns when a pointer to a reverse-storage-order object
 * becomes a void pointer implicitly. */
#define assert_image(obj, expect) ck_assert_str_eq(hex((const void *)&(obj), sizeof(obj)), expect)

/* Offsets inside the image are what the architecture fixes, so they are checked through it. */
static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    while (n--)
        if (*b++)
            return 0;
    return 1;
}

START_TEST(test_sizes)
{
    ck_assert_uint_eq(sizeof(struct ccw1), 8);
    ck_assert_uint_eq(sizeof(struct ccw0), 8);
    ck_assert_uint_eq(sizeof(struct cmd_orb), 12);
    ck_assert_uint_eq(sizeof(struct tm_orb), 32);
    ck_assert_uint_eq(sizeof(struct eadm_orb), 32);
    ck_assert_uint_eq(sizeof(union orb), 32);
    ck_assert_uint_eq(sizeof(union scsw), 12);
    ck_assert_uint_eq(sizeof(struct erw), 4);
    ck_assert_uint_eq(sizeof(struct sublog), 4);
    ck_assert_uint_eq(sizeof(struct esw0), 20);
    ck_assert_uint_eq(sizeof(struct esw1), 20);
    ck_assert_uint_eq(sizeof(struct esw_eadm), 20);
    ck_assert_uint_eq(sizeof(struct irb), 96);
    ck_assert_uint_eq(sizeof(struct pmcw), 28);
    ck_assert_uint_eq(sizeof(struct schib), 52);
    ck_assert_uint_eq(sizeof(struct crw), 4);
    ck_assert_uint_eq(sizeof(struct subchannel_id), 4);
    ck_assert_uint_eq(sizeof(struct chp_id), 4);
    ck_assert_uint_eq(sizeof(struct ciw), 4);
    ck_assert_uint_eq(sizeof(struct node_descriptor), 32);
    ck_assert_uint_eq(_Alignof(struct ccw1), 8);
    ck_assert_uint_eq(_Alignof(struct ccw0), 8);
    ck_assert_uint_eq(_Alignof(union orb), 4);
    ck_assert_uint_eq(_Alignof(struct irb), 4);
    ck_assert_uint_eq(_Alignof(struct schib), 4);
}
END_TEST

START_TEST(test_ccw1)
{
    static const uint8_t img[8] = {0x08, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xf0, 0x00};
    struct ccw1 c;

    memset(&c, 0, sizeof(c));
    c.cmd_code = 0x02;
    c.flags = CCW_FLAG_SLI | CCW_FLAG_CC;
    c.count = 0x1000;
    c.cda = 0x00123456;
    assert_image(c, "02 60 10 00 00 12 34 56");

    c.flags = CCW_FLAG_DC | CCW_FLAG_SKIP | CCW_FLAG_PCI | CCW_FLAG_IDA | CCW_FLAG_SUSPEND;
    c.count = 0xfffe;
    assert_image(c, "02 9e ff fe 00 12 34 56");

    memcpy(&c, img, sizeof(c));
    ck_assert_uint_eq(c.cmd_code, CCW_CMD_TIC);
    ck_assert_uint_eq(c.flags, 0);
    ck_assert_uint_eq(c.count, 0);
    ck_assert_uint_eq(c.cda, 0x7ffff000);
}
END_TEST

START_TEST(test_ccw0)
{
    static const uint8_t img[8] = {0xe4, 0xab, 0xcd, 0xef, 0x20, 0x00, 0x00, 0x07};
    struct ccw0 c;

    memset(&c, 0, sizeof(c));
    c.cmd_code = 0x02;
    c.cda = 0x123456;
    c.flags = CCW_FLAG_CC | CCW_FLAG_SLI;
    c.count = 0x0050;
    assert_image(c, "02 12 34 56 60 00 00 50");

    memcpy(&c, img, sizeof(c));
    ck_assert_uint_eq(c.cmd_code, CCW_CMD_SENSE_ID);
    ck_assert_uint_eq(c.cda, 0xabcdef);
    ck_assert_uint_eq(c.flags, CCW_FLAG_SLI);
    ck_assert_uint_eq(c.reserved, 0);
    ck_assert_uint_eq(c.count, 7);
}
END_TEST

START_TEST(test_cmd_orb)
{
    union orb o;
    uint8_t img[32];

    /* The example in DESIGN.md: key A, format 1, all paths. */
    memset(&o, 0, sizeof(o));
    o.cmd.key = 0xa;
    o.cmd.fmt = 1;
    o.cmd.lpm = 0xff;
    assert_image(o.cmd, "00 00 00 00 a0 80 ff 00 00 00 00 00");

    memset(&o, 0, sizeof(o));
    o.cmd.intparm = 0x12345678;
    o.cmd.key = 0xa;
    o.cmd.spnd = 1;
    o.cmd.fmt = 1;
    o.cmd.pfch = 1;
    o.cmd.c64 = 1;
    o.cmd.lpm = 0xff;
    o.cmd.ils = 1;
    o.cmd.cpa = 0x00001000;
    assert_image(o.cmd, "12 34 56 78 a8 c2 ff 80 00 00 10 00");
    ck_assert(all_zero((const uint8_t *)&o + 12, 20));

    /* Each remaining control bit in its place: word 1 bits 5-7, 10-13, 15, 31. */
    memset(&o, 0, sizeof(o));
    o.cmd.res1 = 1;
    o.cmd.mod = 1;
    o.cmd.sync = 1;
    o.cmd.isic = 1;
    o.cmd.alcc = 1;
    o.cmd.ssic = 1;
    o.cmd.res2 = 1;
    o.cmd.i2k = 1;
    o.cmd.orbx = 1;
    assert_image(o.cmd, "00 00 00 00 07 3d 00 01 00 00 00 00");
    o.cmd.zero = 0x20; /* MIDAW control, bit 25 */
    ck_assert_uint_eq(((const uint8_t *)&o)[7], 0x41);

    memset(img, 0, sizeof(img));
    memcpy(img, "\xde\xad\xbe\xef\x60\x80\x80\x00\x7f\xff\xff\xf8", 12);
    memcpy(&o, img, sizeof(o));
    ck_assert_uint_eq(o.cmd.intparm, 0xdeadbeef);
    ck_assert_uint_eq(o.cmd.key, 6);
    ck_assert_uint_eq(o.cmd.spnd, 0);
    ck_assert_uint_eq(o.cmd.fmt, 1);
    ck_assert_uint_eq(o.cmd.pfch, 0);
    ck_assert_uint_eq(o.cmd.c64, 0);
    ck_assert_uint_eq(o.cmd.lpm, 0x80);
    ck_assert_uint_eq(o.cmd.cpa, 0x7ffffff8);
    ck_assert_uint_eq(o.tm.b, 0);
}
END_TEST

START_TEST(test_tm_eadm_orb)
{
    union orb o;

    memset(&o, 0, sizeof(o));
    o.tm.intparm = 0x01020304;
    o.tm.key = 6;
    o.tm.b = 1;
    o.tm.lpm = 0x80;
    o.tm.x = 1;
    o.tm.tcw = 0x12345678;
    o.tm.prio = 0x10;
    o.tm.rsvpgm = 0x20;
    assert_image(o, "01 02 03 04 60 04 80 01 12 34 56 78 10 00 20 00 "
                    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    /* Transport mode is told from command mode by word 1 bit 13. */
    ck_assert_uint_eq(o.cmd.res2, 1);
    ck_assert_uint_eq(o.cmd.key, 6);

    memset(&o, 0, sizeof(o));
    o.eadm.intparm = 0xcafe0001;
    o.eadm.key = 3;
    o.eadm.compat1 = 1;
    o.eadm.compat2 = 1;
    o.eadm.x = 1;
    o.eadm.aob = 0x00abc000;
    o.eadm.css_prio = 0x11;
    o.eadm.scm_prio = 0x22;
    o.eadm.fmt = 1;
    assert_image(o, "ca fe 00 01 30 c0 00 01 00 ab c0 00 11 00 22 00 "
                    "00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00");
}
END_TEST

START_TEST(test_cmd_scsw)
{
    static const uint8_t img[12] = {0x00, 0x00, 0x20, 0x17, 0x00, 0x00,
                                    0x20, 0x10, 0x02, 0x00, 0x01, 0x00};
    union scsw s;

    memset(&s, 0, sizeof(s));
    s.cmd.key = 3;
    s.cmd.cc = 1;
    s.cmd.fmt = 1;
    s.cmd.fctl = SCSW_FCTL_START_FUNC;
    s.cmd.actl = SCSW_ACTL_RESUME_PEND | SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT;
    s.cmd.stctl = SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
                  SCSW_STCTL_STATUS_PEND;
    s.cmd.cpa = 0x00001008;
    s.cmd.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
    s.cmd.cstat = SCHN_STAT_INCORR_LEN;
    s.cmd.count = 0x0010;
    assert_image(s, "31 80 48 d7 00 00 10 08 0c 40 00 10");

    ck_assert_uint_eq(scsw_is_tm(&s), 0);
    ck_assert_uint_eq(scsw_key(&s), 3);
    ck_assert_uint_eq(scsw_cc(&s), 1);
    ck_assert_uint_eq(scsw_fctl(&s), SCSW_FCTL_START_FUNC);
    ck_assert_uint_eq(scsw_actl(&s), 0x46);
    ck_assert_uint_eq(scsw_stctl(&s), 0x17);
    ck_assert_uint_eq(scsw_dstat(&s), 0x0c);
    ck_assert_uint_eq(scsw_cstat(&s), 0x40);
    ck_assert_uint_eq(scsw_eswf(&s), 0);
    ck_assert_uint_eq(scsw_ectl(&s), 0);
    ck_assert_uint_eq(scsw_pno(&s), 0);

    /* Every word-0 flag bit in its place: 4, 5, 9-16. */
    memset(&s, 0, sizeof(s));
    s.cmd.sctl = 1;
    s.cmd.eswf = 1;
    s.cmd.pfch = 1;
    s.cmd.isic = 1;
    s.cmd.alcc = 1;
    s.cmd.ssi = 1;
    s.cmd.zcc = 1;
    s.cmd.ectl = 1;
    s.cmd.pno = 1;
    s.cmd.res = 1;
    assert_image(s, "0c 7f 80 00 00 00 00 00 00 00 00 00");
    ck_assert_uint_eq(scsw_eswf(&s), 1);
    ck_assert_uint_eq(scsw_ectl(&s), 1);
    ck_assert_uint_eq(scsw_pno(&s), 1);
    /* Without FCX the X bit position is command mode's alcc, and does not mean transport. */
    ck_assert_uint_eq(s.tm.x, 1);
    ck_assert_uint_eq(scsw_is_tm(&s), 0);

    /* Halt with status pending, unit check, residual 256. */
    memcpy(&s, img, sizeof(s));
    ck_assert_uint_eq(s.cmd.fctl, SCSW_FCTL_HALT_FUNC);
    ck_assert_uint_eq(s.cmd.actl, 0);
    ck_assert_uint_eq(s.cmd.stctl, SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_PRIM_STATUS |
                                       SCSW_STCTL_SEC_STATUS | SCSW_STCTL_STATUS_PEND);
    ck_assert_uint_eq(s.cmd.cpa, 0x2010);
    ck_assert_uint_eq(s.cmd.dstat, DEV_STAT_UNIT_CHECK);
    ck_assert_uint_eq(s.cmd.cstat, 0);
    ck_assert_uint_eq(s.cmd.count, 256);
}
END_TEST

START_TEST(test_tm_eadm_scsw)
{
    union scsw s;

    memset(&s, 0, sizeof(s));
    s.tm.key = 5;
    s.tm.eswf = 1;
    s.tm.cc = 2;
    s.tm.fmt = 3;
    s.tm.x = 1;
    s.tm.q = 1;
    s.tm.fctl = SCSW_FCTL_START_FUNC;
    s.tm.stctl = SCSW_STCTL_STATUS_PEND;
    s.tm.tcw = 0x00abc000;
    s.tm.dstat = DEV_STAT_DEV_END;
    s.tm.cstat = SCHN_STAT_PROG_CHECK;
    s.tm.fcxs = 0x55;
    s.tm.ifob = 1;
    s.tm.sesq = SCSW_SESQ_DEV_NOFCX;
    assert_image(s, "56 78 40 01 00 ab c0 00 04 20 55 83");
    /* The fields both modes share read the same through either. */
    ck_assert_uint_eq(s.cmd.key, 5);
    ck_assert_uint_eq(s.cmd.cc, 2);
    ck_assert_uint_eq(s.cmd.fctl, SCSW_FCTL_START_FUNC);
    ck_assert_uint_eq(s.cmd.dstat, DEV_STAT_DEV_END);
    ck_assert_int_ne(scsw_tm_is_valid_schxs(&s), 0);
    s.tm.cstat = SCHN_STAT_INCORR_LEN;
    ck_assert_int_eq(scsw_tm_is_valid_schxs(&s), 0);

    memset(&s, 0, sizeof(s));
    s.eadm.key = 0xf;
    s.eadm.eswf = 1;
    s.eadm.cc = 3;
    s.eadm.ectl = 1;
    s.eadm.fctl = SCSW_FCTL_CLEAR_FUNC;
    s.eadm.actl = SCSW_ACTL_CLEAR_PEND;
    s.eadm.stctl = SCSW_STCTL_STATUS_PEND;
    s.eadm.aob = 0x12345000;
    s.eadm.dstat = 0x0c;
    s.eadm.cstat = 0x20;
    assert_image(s, "f7 02 11 01 12 34 50 00 0c 20 00 00");
}
END_TEST

/* An SCSW with the given controls, for the validity rules. */
static union scsw scsw_of(u32 fctl, u32 actl, u32 stctl, u32 cc)
{
    union scsw s;

    memset(&s, 0, sizeof(s));
    s.cmd.fctl = fctl;
    s.cmd.actl = actl;
    s.cmd.stctl = stctl;
    s.cmd.cc = cc;
    return s;
}

START_TEST(test_scsw_validity)
{
    const u32 pend = SCSW_STCTL_STATUS_PEND, alert = SCSW_STCTL_ALERT_STATUS;
    const u32 prim = SCSW_STCTL_PRIM_STATUS, inter = SCSW_STCTL_INTER_STATUS;
    const u32 start = SCSW_FCTL_START_FUNC, halt = SCSW_FCTL_HALT_FUNC;
    union scsw s;

    /* Start-function fields. */
    s = scsw_of(start, 0, 0, 0);
    ck_assert(scsw_cmd_is_valid_key(&s) && scsw_cmd_is_valid_sctl(&s));
    ck_assert(scsw_cmd_is_valid_fmt(&s) && scsw_cmd_is_valid_pfch(&s));
    ck_assert(scsw_cmd_is_valid_isic(&s) && scsw_cmd_is_valid_alcc(&s));
    ck_assert(scsw_cmd_is_valid_ssi(&s) && scsw_is_valid_key(&s));
    ck_assert(!scsw_cmd_is_valid_cc(&s) && !scsw_cmd_is_valid_eswf(&s));
    s = scsw_of(halt, 0, pend, 0);
    ck_assert(!scsw_cmd_is_valid_key(&s) && !scsw_cmd_is_valid_fmt(&s));
    ck_assert(!scsw_is_valid_cc(&s) && scsw_is_valid_eswf(&s));
    s = scsw_of(start, 0, pend, 0);
    ck_assert(scsw_is_valid_cc(&s) && scsw_tm_is_valid_cc(&s));

    /* Zero cc goes with intermediate status. */
    s = scsw_of(start, 0, inter | pend, 0);
    ck_assert(scsw_cmd_is_valid_zcc(&s));
    s = scsw_of(start, 0, prim | pend, 0);
    ck_assert(!scsw_cmd_is_valid_zcc(&s));

    /* Extended control: alert status, never with intermediate. */
    s = scsw_of(start, 0, alert | pend, 0);
    ck_assert(scsw_is_valid_ectl(&s) && scsw_tm_is_valid_ectl(&s));
    s = scsw_of(start, 0, alert | prim | SCSW_STCTL_SEC_STATUS | pend, 0);
    ck_assert(scsw_is_valid_ectl(&s));
    s = scsw_of(start, 0, alert | inter | pend, 0);
    ck_assert(!scsw_is_valid_ectl(&s));
    s = scsw_of(start, 0, prim | pend, 0);
    ck_assert(!scsw_is_valid_ectl(&s));
    s = scsw_of(start, 0, alert, 0);
    ck_assert(!scsw_is_valid_ectl(&s));

    /* Path not operational. */
    s = scsw_of(0, 0, prim | pend, 0);
    ck_assert(!scsw_is_valid_pno(&s));
    s = scsw_of(start, 0, prim, 0);
    ck_assert(!scsw_is_valid_pno(&s));
    s = scsw_of(start, 0, prim | pend, 0);
    ck_assert(scsw_is_valid_pno(&s) && scsw_tm_is_valid_pno(&s));
    s = scsw_of(start, 0, inter | pend, 0);
    ck_assert(!scsw_is_valid_pno(&s));
    s = scsw_of(start, SCSW_ACTL_SUSPENDED, inter | pend, 0);
    ck_assert(scsw_is_valid_pno(&s));

    /* Device and subchannel status: status pending, and not deferred cc 3. */
    s = scsw_of(start, 0, prim | pend, 1);
    ck_assert(scsw_is_valid_dstat(&s) && scsw_is_valid_cstat(&s));
    ck_assert(scsw_tm_is_valid_dstat(&s) && scsw_tm_is_valid_cstat(&s));
    s = scsw_of(start, 0, alert | pend, 3);
    ck_assert(!scsw_is_valid_dstat(&s) && !scsw_is_valid_cstat(&s));
    s = scsw_of(start, SCSW_ACTL_SCHACT, 0, 0);
    ck_assert(!scsw_is_valid_dstat(&s) && !scsw_cmd_is_valid_cstat(&s));

    /* Always meaningful from the SCSW's own point of view. */
    s = scsw_of(0, 0, 0, 0);
    ck_assert(scsw_is_valid_fctl(&s) && scsw_is_valid_actl(&s) && scsw_is_valid_stctl(&s));
    ck_assert(scsw_tm_is_valid_fmt(&s) && scsw_tm_is_valid_x(&s) && scsw_tm_is_valid_q(&s));
    ck_assert(scsw_tm_is_valid_fcxs(&s) && scsw_tm_is_valid_key(&s) == 0);
    ck_assert(scsw_tm_is_valid_fctl(&s) && scsw_tm_is_valid_actl(&s));
    ck_assert(scsw_tm_is_valid_stctl(&s) && !scsw_tm_is_valid_eswf(&s));
}
END_TEST

START_TEST(test_scsw_solicited)
{
    const u32 pend = SCSW_STCTL_STATUS_PEND, alert = SCSW_STCTL_ALERT_STATUS;
    union scsw s;

    /* Alert status alone with cc 0 is unsolicited (an attention from the device, say). */
    s = scsw_of(0, 0, alert | pend, 0);
    ck_assert_int_eq(scsw_is_solicited(&s), 0);
    ck_assert_int_eq(scsw_tm_is_solicited(&s), 0);
    s = scsw_of(SCSW_FCTL_START_FUNC, 0, alert | SCSW_STCTL_PRIM_STATUS | pend, 0);
    ck_assert_int_ne(scsw_is_solicited(&s), 0);
    s = scsw_of(SCSW_FCTL_START_FUNC, 0, alert | pend, 3);
    ck_assert_int_ne(scsw_cmd_is_solicited(&s), 0);
}
END_TEST

START_TEST(test_irb)
{
    static const uint8_t esw0_img[20] = {0x40, 0x80, 0x7e, 0x6d, 0x03, 0xa0, 0x00,
                                         0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                         0x77, 0x88, 0x00, 0x00, 0x10, 0x00};
    struct irb irb;
    uint8_t img[96];

    memset(&irb, 0, sizeof(irb));
    irb.scsw.cmd.eswf = 1;
    irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
    irb.scsw.cmd.stctl = SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND;
    irb.scsw.cmd.cstat = SCHN_STAT_CHN_CTRL_CHK;
    irb.esw.esw0.sublog.esf = 0x40;
    irb.esw.esw0.sublog.lpum = 0x80;
    irb.esw.esw0.sublog.fvf = 0x1f;
    irb.esw.esw0.sublog.sacc = 2;
    irb.esw.esw0.sublog.termc = 1;
    irb.esw.esw0.sublog.devsc = 1;
    irb.esw.esw0.sublog.ioerr = 1;
    irb.esw.esw0.sublog.seqc = 5;
    irb.esw.esw0.erw.fsavf = 1;
    irb.esw.esw0.erw.cons = 1;
    irb.esw.esw0.erw.scavf = 1;
    irb.esw.esw0.erw.scnt = 32;
    irb.esw.esw0.faddr[0] = 0x11223344;
    irb.esw.esw0.faddr[1] = 0x55667788;
    irb.esw.esw0.saddr = 0x1000;
    irb.ecw[0] = SNS0_CMD_REJECT;
    irb.ecw[31] = 0x5a;
    irb.emw[7] = 0x01020304;

    memcpy(img, &irb, sizeof(img));
    ck_assert_str_eq(hex(img, 12), "04 00 40 11 00 00 00 00 00 04 00 00");
    ck_assert_str_eq(hex(img + 12, 20), hex(esw0_img, 20));
    ck_assert_uint_eq(img[32], 0x80);
    ck_assert_uint_eq(img[63], 0x5a);
    ck_assert_str_eq(hex(img + 92, 4), "01 02 03 04");

    /* The remaining sublog and ERW bits, then a format-1 ESW over the same bytes. */
    memset(&irb, 0, sizeof(irb));
    irb.esw.esw0.sublog.res0 = 1;
    irb.esw.esw0.sublog.arep = 1;
    irb.esw.esw0.sublog.serr = 1;
    irb.esw.esw0.erw.res0 = 1;
    irb.esw.esw0.erw.auth = 1;
    irb.esw.esw0.erw.pvrf = 1;
    irb.esw.esw0.erw.cpt = 1;
    irb.esw.esw0.erw.fsaf = 1;
    irb.esw.esw0.erw.res16 = 0xbeef;
    ck_assert_str_eq(hex((const void *)&irb.esw, 8), "80 00 80 10 3c 40 be ef");

    memset(&irb, 0, sizeof(irb));
    irb.esw.esw1.lpum = 0x40;
    irb.esw.esw2.dcti = 0x1234;
    irb.esw.esw1.erw.cons = 1;
    irb.esw.esw1.erw.scnt = 24;
    ck_assert_str_eq(hex((const void *)&irb.esw, 8), "00 40 12 34 01 18 00 00");
    ck_assert_uint_eq(irb.esw.esw3.res, 0x1234);
    ck_assert_uint_eq(irb.esw.esw0.sublog.lpum, 0x40);

    /* Reading back an IRB with ESW format 0. */
    memset(img, 0, sizeof(img));
    memcpy(img + 12, esw0_img, sizeof(esw0_img));
    memcpy(&irb, img, sizeof(irb));
    ck_assert_uint_eq(irb.esw.esw0.sublog.esf, 0x40);
    ck_assert_uint_eq(irb.esw.esw0.sublog.lpum, 0x80);
    ck_assert_uint_eq(irb.esw.esw0.sublog.arep, 0);
    ck_assert_uint_eq(irb.esw.esw0.sublog.fvf, 0x1f);
    ck_assert_uint_eq(irb.esw.esw0.sublog.sacc, 2);
    ck_assert_uint_eq(irb.esw.esw0.sublog.termc, 1);
    ck_assert_uint_eq(irb.esw.esw0.sublog.devsc, 1);
    ck_assert_uint_eq(irb.esw.esw0.sublog.serr, 0);
    ck_assert_uint_eq(irb.esw.esw0.sublog.ioerr, 1);
    ck_assert_uint_eq(irb.esw.esw0.sublog.seqc, 5);
    ck_assert_uint_eq(irb.esw.esw0.erw.fsavf, 1);
    ck_assert_uint_eq(irb.esw.esw0.erw.cons, 1);
    ck_assert_uint_eq(irb.esw.esw0.erw.scavf, 1);
    ck_assert_uint_eq(irb.esw.esw0.erw.scnt, 32);
    ck_assert_uint_eq(irb.esw.esw0.faddr[1], 0x55667788);
    ck_assert_uint_eq(irb.esw.esw0.saddr, 0x1000);

    /* EADM: the ERW's AOB and ARSB error bits. */
    memset(&irb, 0, sizeof(irb));
    irb.esw.eadm.sublog = 0xa0b0c0d0;
    irb.esw.eadm.erw.b = 1;
    irb.esw.eadm.erw.r = 1;
    ck_assert_str_eq(hex((const void *)&irb.esw, 8), "a0 b0 c0 d0 00 00 c0 00");
}
END_TEST

START_TEST(test_pmcw_schib)
{
    struct schib sch;
    uint8_t img[52];

    memset(&sch, 0, sizeof(sch));
    sch.pmcw.intparm = 0xdeadbeef;
    sch.pmcw.isc = 3;
    sch.pmcw.ena = 1;
    sch.pmcw.mp = 1;
    sch.pmcw.dnv = 1;
    sch.pmcw.dev = 0x1234;
    sch.pmcw.lpm = 0x80;
    sch.pmcw.lpum = 0x80;
    sch.pmcw.pim = 0x80;
    sch.pmcw.pom = 0xff;
    sch.pmcw.pam = 0x80;
    sch.pmcw.chpid[0] = 0x42;
    sch.pmcw.st = 3;
    sch.pmcw.csense = 1;
    assert_image(sch.pmcw, "de ad be ef 18 85 12 34 80 00 80 80 00 00 ff 80 "
                           "42 00 00 00 00 00 00 00 00 60 00 01");

    /* The remaining word-1 and word-6 bits, and the measurement-block index. */
    memset(&sch, 0, sizeof(sch));
    sch.pmcw.qf = 1;
    sch.pmcw.w = 1;
    sch.pmcw.res5 = 7;
    sch.pmcw.lm = 3;
    sch.pmcw.mme = 3;
    sch.pmcw.tf = 1;
    sch.pmcw.pnom = 0x0f;
    sch.pmcw.mbi = 0xabcd;
    sch.pmcw.unused1 = 0xff;
    sch.pmcw.unused2 = 1;
    sch.pmcw.mbfc = 1;
    sch.pmcw.xmwme = 1;
    assert_image(sch.pmcw, "00 00 00 00 c7 7a 00 00 00 0f 00 00 ab cd 00 00 "
                           "00 00 00 00 00 00 00 00 ff 00 00 0e");

    memset(&sch, 0, sizeof(sch));
    sch.scsw.cmd.cpa = 0x00abcdef;
    sch.mba = 0x0000000012345600ULL;
    sch.mda[3] = 0x99;
    memcpy(img, &sch, sizeof(img));
    ck_assert_str_eq(hex(img + 28, 12), "00 00 00 00 00 ab cd ef 00 00 00 00");
    ck_assert_str_eq(hex(img + 40, 12), "00 00 00 00 12 34 56 00 00 00 00 99");

    /* A SCHIB for device 0.0.5000 as STORE SUBCHANNEL would leave it: enabled, ISC 7, one
     * path through CHPID 0x1a, idle. */
    memset(img, 0, sizeof(img));
    memcpy(img, "\x00\x00\x00\x00\x38\x81\x50\x00\x80\x00\x00\x80\x00\x00\xff\x80\x1a", 17);
    memcpy(&sch, img, sizeof(sch));
    ck_assert_uint_eq(sch.pmcw.isc, 7);
    ck_assert_uint_eq(sch.pmcw.ena, 1);
    ck_assert_uint_eq(sch.pmcw.dnv, 1);
    ck_assert_uint_eq(sch.pmcw.mp, 0);
    ck_assert_uint_eq(sch.pmcw.dev, 0x5000);
    ck_assert_uint_eq(sch.pmcw.lpm, 0x80);
    ck_assert_uint_eq(sch.pmcw.pim, 0x80);
    ck_assert_uint_eq(sch.pmcw.pom, 0xff);
    ck_assert_uint_eq(sch.pmcw.pam, 0x80);
    ck_assert_uint_eq(sch.pmcw.chpid[0], 0x1a);
    ck_assert_uint_eq(sch.pmcw.st, 0);
    ck_assert_uint_eq(sch.pmcw.qf, 0);
    ck_assert_uint_eq(scsw_fctl(&sch.scsw), 0);
    ck_assert_uint_eq(sch.mba, 0);
}
END_TEST

START_TEST(test_crw)
{
    static const uint8_t img[4] = {0x44, 0x02, 0x00, 0x12};
    struct crw crw;

    memset(&crw, 0, sizeof(crw));
    crw.slct = 1;
    crw.chn = 1;
    crw.rsc = CRW_RSC_SCH;
    crw.erc = CRW_ERC_IPARM;
    crw.rsid = 0x0042;
    assert_image(crw, "53 04 00 42");

    memset(&crw, 0, sizeof(crw));
    crw.res1 = 1;
    crw.oflw = 1;
    crw.anc = 1;
    crw.res2 = 1;
    crw.erc = 0x3f;
    assert_image(crw, "a0 ff 00 00");

    /* Channel path 0x12 initialized, solicited by RESET CHANNEL PATH. */
    memcpy(&crw, img, sizeof(crw));
    ck_assert_uint_eq(crw.res1, 0);
    ck_assert_uint_eq(crw.slct, 1);
    ck_assert_uint_eq(crw.oflw, 0);
    ck_assert_uint_eq(crw.chn, 0);
    ck_assert_uint_eq(crw.rsc, CRW_RSC_CPATH);
    ck_assert_uint_eq(crw.anc, 0);
    ck_assert_uint_eq(crw.erc, CRW_ERC_INIT);
    ck_assert_uint_eq(crw.rsid, 0x12);
}
END_TEST

START_TEST(test_subchannel_id)
{
    static const uint8_t img[4] = {0xfe, 0x0d, 0x00, 0x01};
    struct subchannel_id a, b;

    memset(&a, 0, sizeof(a));
    a.ssid = 1;
    a.sch_no = 0x1234;
    a.one = 1;
    assert_image(a, "00 03 12 34");

    memcpy(&a, img, sizeof(a));
    ck_assert_uint_eq(a.cssid, 0xfe);
    ck_assert_uint_eq(a.m, 1);
    ck_assert_uint_eq(a.ssid, 2);
    ck_assert_uint_eq(a.one, 1);
    ck_assert_uint_eq(a.sch_no, 1);

    init_subchannel_id(&b);
    assert_image(b, "00 01 00 00");
    ck_assert(!schid_equal(&a, &b));
    b.cssid = 0xfe;
    b.m = 1;
    b.ssid = 2;
    b.sch_no = 1;
    ck_assert(schid_equal(&a, &b));
}
END_TEST

START_TEST(test_ciw_node_descriptor)
{
    struct ciw ciw;
    struct node_descriptor nd;
    uint8_t img[32];

    /* The read-configuration-data CIW a DASD reports in its SENSE ID data. */
    memcpy(&ciw, "\x40\xfa\x00\x80", 4);
    ck_assert_uint_eq(ciw.et, 1);
    ck_assert_uint_eq(ciw.reserved, 0);
    ck_assert_uint_eq(ciw.ct, CIW_TYPE_RCD);
    ck_assert_uint_eq(ciw.cmd, 0xfa);
    ck_assert_uint_eq(ciw.count, 0x80);
    ciw.ct = CIW_TYPE_RNI;
    ciw.reserved = 3;
    assert_image(ciw, "72 fa 00 80");

    memset(&nd, 0, sizeof(nd));
    nd.validity = ND_VALIDITY_INVALID;
    nd.params = 0x010203;
    memcpy(nd.type, "003990", 6);
    nd.tag = 0xabcd;
    memcpy(img, &nd, sizeof(img));
    ck_assert_str_eq(hex(img, 10), "40 01 02 03 30 30 33 39 39 30");
    ck_assert_str_eq(hex(img + 30, 2), "ab cd");
    ck_assert_uint_eq(nd.byte0, 0x40);
    nd.byte0 = 0x1f;
    ck_assert_uint_eq(nd.validity, ND_VALIDITY_VALID);
    ck_assert_uint_eq(nd.reserved, 0x1f);
}
END_TEST

START_TEST(test_chpid)
{
    struct chp_id a, b;
    int n = 0;

    chp_id_init(&a);
    assert_image(a, "00 00 00 00");
    a.cssid = 0;
    a.id = 0x1a;
    assert_image(a, "00 00 00 1a");
    b = a;
    ck_assert(chp_id_is_equal(&a, &b));
    b.id = 0x1b;
    ck_assert(!chp_id_is_equal(&a, &b));

    a.id = __MAX_CHPID;
    chp_id_next(&a);
    ck_assert_uint_eq(a.id, 0);
    ck_assert_uint_eq(a.cssid, 1);
    ck_assert(!chp_id_is_valid(&a));

    chp_id_for_each(&b) n++;
    ck_assert_int_eq(n, (__MAX_CSSID + 1) * (__MAX_CHPID + 1));

    ck_assert_uint_eq(sizeof(struct channel_path_desc_fmt0), 8);
}
END_TEST

START_TEST(test_cio_helpers)
{
    struct ccw_dev_id x = {.ssid = 0, .devno = 0x5000}, y = x;

    ck_assert_uint_eq(pathmask_to_pos(0x80), 0);
    ck_assert_uint_eq(pathmask_to_pos(0x20), 2);
    ck_assert_uint_eq(pathmask_to_pos(0x01), 7);
    ck_assert_uint_eq(pathmask_to_pos(0x0c), 5); /* the rightmost set bit counts */
    ck_assert(ccw_dev_id_is_equal(&x, &y));
    y.ssid = 1;
    ck_assert(!ccw_dev_id_is_equal(&x, &y));
    ck_assert_uint_eq(LPM_ANYPATH, 0xff);
    ck_assert_uint_eq(SENSE_MAX_COUNT, 32);
}
END_TEST

START_TEST(test_idals)
{
    ck_assert_int_eq(IDA_BLOCK_SIZE, 4096);
    ck_assert_uint_eq(idal_nr_words((void *)0x10000, 4096), 1);
    ck_assert_uint_eq(idal_nr_words((void *)0x10800, 4096), 2);
    ck_assert_uint_eq(idal_nr_words((void *)0x10fff, 2), 2);
    ck_assert_uint_eq(idal_nr_words((void *)0x10010, 8192), 3);
    ck_assert_uint_eq(idal_nr_words((void *)0x10000, 1), 1);
    ck_assert_uint_eq(idal_nr_words((void *)0x10000, 0), 0);
    /* An IOVA above 4 GiB, as vfio-ccw passes them: only its offset in the block counts. */
    ck_assert_uint_eq(idal_nr_words((void *)0x123456f00UL, 0x200), 2);

    ck_assert_int_eq(idal_is_needed((void *)0x7ffff000UL, 0x1000), 0);
    ck_assert_int_ne(idal_is_needed((void *)0x7ffff001UL, 0x1000), 0);
    ck_assert_int_ne(idal_is_needed((void *)0x100000000UL, 1), 0);
}
END_TEST

static Suite *s390_layout_suite(void)
{
    Suite *s = suite_create("s390_layout");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_ccw1);
    tcase_add_test(tc, test_ccw0);
    tcase_add_test(tc, test_cmd_orb);
    tcase_add_test(tc, test_tm_eadm_orb);
    tcase_add_test(tc, test_cmd_scsw);
    tcase_add_test(tc, test_tm_eadm_scsw);
    tcase_add_test(tc, test_scsw_validity);
    tcase_add_test(tc, test_scsw_solicited);
    tcase_add_test(tc, test_irb);
    tcase_add_test(tc, test_pmcw_schib);
    tcase_add_test(tc, test_crw);
    tcase_add_test(tc, test_subchannel_id);
    tcase_add_test(tc, test_ciw_node_descriptor);
    tcase_add_test(tc, test_chpid);
    tcase_add_test(tc, test_cio_helpers);
    tcase_add_test(tc, test_idals);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(s390_layout_suite)
