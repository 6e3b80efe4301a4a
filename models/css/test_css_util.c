#include "test_css_util.h"

#include <string.h>

#include "cs_test.h"
#include "css_timing.h"

static int claims_nothing(const struct cs_domain_desc *d, const struct cs_device_desc *dev)
{
    (void)d;
    (void)dev;
    return 0;
}
static const struct cs_family costs_only = {.name = "css",
                                            .models = "",
                                            .costs = css_cost_table,
                                            .ncosts = CSS_COST_COUNT,
                                            .claims = claims_nothing};

static void td_start(void *d)
{
    ((struct tdev *)d)->starts++;
}

static void td_end(void *d)
{
    ((struct tdev *)d)->ends++;
}

static void td_reset(void *d, int clear)
{
    struct tdev *t = d;
    if (clear) {
        t->clears++;
        memset(t->sense, 0, sizeof(t->sense));
    } else {
        t->halts++;
    }
}

static struct css_dev_result td_command(void *d, uint8_t cmd, struct css_dstream *ds)
{
    struct tdev *t = d;
    struct css_dev_result r = {CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END, 1000};
    if (t->ncmds < sizeof(t->cmds))
        t->cmds[t->ncmds++] = cmd;
    switch (cmd) {
    case TD_WRITE: {
        size_t n = css_dstream_avail(ds);
        if (n > sizeof(t->buf))
            n = sizeof(t->buf);
        t->last_rc = css_dstream_read(ds, t->buf, n);
        t->len = t->last_rc > 0 ? (size_t)t->last_rc : 0;
        break;
    }
    case TD_READ:
    case TD_READ_BACK:
        t->last_rc = css_dstream_write(ds, t->buf, t->len);
        break;
    case TD_CTL_STORE:
    case TD_READ_SHORT:
        t->last_rc = css_dstream_write(ds, t->buf, 4);
        break;
    case TD_NOP:
        break;
    case TD_SENSE:
        t->last_rc = css_dstream_write(ds, t->sense, sizeof(t->sense));
        memset(t->sense, 0, sizeof(t->sense));
        break;
    case TD_SENSE_ID: {
        static const uint8_t id[7] = {0xff, 0x38, 0x32, 0x01, 0x33, 0x90, 0x0c};
        t->last_rc = css_dstream_write(ds, id, sizeof(id));
        break;
    }
    case TD_SLOW:
        r.busy_ns = t->slow_ns;
        break;
    case TD_SM:
        r.dstat |= CSS_DEV_STATUS_MOD;
        break;
    case TD_UEXC:
        r.dstat |= CSS_DEV_UNIT_EXCEPT;
        break;
    default:
        memset(t->sense, 0, sizeof(t->sense));
        t->sense[0] = 0x80; /* command reject */
        r.dstat |= CSS_DEV_UNIT_CHECK;
        break;
    }
    return r;
}

const struct css_device_ops tdev_ops = {
    .name = "loopback",
    .program_start = td_start,
    .command = td_command,
    .program_end = td_end,
    .reset = td_reset,
};

static void on_int(void *ctx, uint32_t sid, uint32_t intparm, unsigned isc)
{
    struct tcss *t = ctx;
    if (t->nints < sizeof(t->ints) / sizeof(t->ints[0]))
        t->ints[t->nints] = (struct io_int){sid, intparm, isc, tcss_now(t)};
    t->nints++; /* counted beyond what is kept */
}

void tcss_setup(struct tcss *t, int enable)
{
    cs_error err = {0};
    memset(t, 0, sizeof(*t));
    const struct cs_family *fams[] = {&costs_only};
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/lpar.xml", NULL, &t->p, &err) == 0, "%s",
                  err.msg);
    ck_assert_msg(cs_machine_build(t->p, fams, 1, NULL, &t->m, &err) == 0, "%s", err.msg);
    t->dom = &t->m->domains[0];
    ck_assert_msg(css_create(t->dom, &t->c, &err) == 0, "%s", err.msg);
    ck_assert_msg(css_attach_device(t->c, 0, 0, 0x0100, 0x42, &tdev_ops, &t->dev, &t->sid, &err) ==
                      0,
                  "%s", err.msg);
    css_set_io_handler(t->c, on_int, t);
    if (enable) {
        ck_assert_int_eq(css_stsch(t->c, t->sid, 0x3000), 0);
        uint8_t *s = tcss_mem(t, 0x3000);
        put_be32(s, 0x12345678);
        s[4] = 3 << 3; /* ISC 3 */
        s[5] |= 0x80;  /* ENA */
        ck_assert_int_eq(css_msch(t->c, t->sid, 0x3000), 0);
    }
}

void tcss_teardown(struct tcss *t)
{
    css_free(t->c);
    cs_machine_free(t->m);
    cs_platform_free(t->p);
}

void tcss_run(struct tcss *t)
{
    cs_sched_run_standalone(t->m->sched, tcss_now(t) + 1000000000ull);
}

uint64_t tcss_now(const struct tcss *t)
{
    return cs_sched_now(t->m->sched);
}

uint8_t *tcss_mem(struct tcss *t, uint64_t gpa)
{
    uint8_t *p = cs_gmem_ptr(&t->dom->mem, gpa, 1);
    if (!p) /* not ck_assert: Check logs every assertion, too slow for loops */
        ck_abort_msg("0x%llx is outside guest memory", (unsigned long long)gpa);
    return p;
}

void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

void ccw1(struct tcss *t, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    uint8_t *p = tcss_mem(t, at);
    p[0] = cmd;
    p[1] = flags;
    put_be16(p + 2, count);
    put_be32(p + 4, cda);
}

void ccw0(struct tcss *t, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    uint8_t *p = tcss_mem(t, at);
    p[0] = cmd;
    p[1] = (uint8_t)(cda >> 16);
    p[2] = (uint8_t)(cda >> 8);
    p[3] = (uint8_t)cda;
    p[4] = flags;
    p[5] = 0;
    put_be16(p + 6, count);
}

void orb(struct tcss *t, uint64_t at, uint32_t intparm, uint32_t w1, uint32_t cpa)
{
    uint8_t *p = tcss_mem(t, at);
    memset(p, 0, 12);
    put_be32(p, intparm);
    put_be32(p + 4, w1);
    put_be32(p + 8, cpa);
}

int tcss_start(struct tcss *t, uint32_t w1, uint32_t cpa)
{
    orb(t, 0x1000, 0xcafe0001, w1 | ORB_F | ORB_LPM, cpa);
    int cc = css_ssch(t->c, t->sid, 0x1000);
    tcss_run(t);
    return cc;
}

int tcss_tsch(struct tcss *t)
{
    return css_tsch(t->c, t->sid, 0x2000);
}

uint32_t irb_w0(struct tcss *t)
{
    return get_be32(tcss_mem(t, 0x2000));
}

uint32_t irb_cpa(struct tcss *t)
{
    return get_be32(tcss_mem(t, 0x2004));
}

uint8_t irb_dstat(struct tcss *t)
{
    return *tcss_mem(t, 0x2008);
}

uint8_t irb_cstat(struct tcss *t)
{
    return *tcss_mem(t, 0x2009);
}

uint16_t irb_count(struct tcss *t)
{
    return get_be16(tcss_mem(t, 0x200a));
}
