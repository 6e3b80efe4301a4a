/* The css family as chansim's machine uses it: which devices it claims, the errors that name the
 * element at fault, and a run of two vfio-ccw DASDs whose guests write, read back and identify
 * through the real vfio_ccw, with the report line and the run's image cleaned up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "css.h"
#include "css_family.h"
#include "dasd.h"
#include "dasd_image.h"
#include "dasd_timing.h"
#include "kshim/css_model.h"
#include "kshim/kernel.h"

#define U1 "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
#define U2 "1b4e28ba-2fa1-41d2-883f-0016d3cca428"

static char dir[512];

static const char *hostdev(const char *uuid, const char *devno)
{
    static char buf[4][512];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, 512,
             "<hostdev mode='subsystem' type='mdev' model='vfio-ccw'><source><address uuid='%s'/>"
             "</source><address type='ccw' cssid='0xfe' ssid='0x0' devno='%s'/></hostdev>",
             uuid, devno);
    return b;
}

/* A one-domain platform file with these devices and chansim elements. */
static const char *platform(const char *arch, const char *devices, const char *meta)
{
    static char path[600];
    snprintf(path, sizeof(path), "%s/p.xml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "<domain type='test'><name>z</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\n"
            "<os><type arch='%s'>hvm</type></os>\n<devices>%s</devices>\n"
            "<metadata><chansim:platform xmlns:chansim='urn:chansim:platform:1'>\n%s\n"
            "</chansim:platform></metadata></domain>\n",
            arch, devices, meta);
    fclose(f);
    return path;
}

/* Build a machine of the platform with the css family; the error message when it fails. */
static const char *build_fails(const char *path)
{
    static cs_error err;
    memset(&err, 0, sizeof(err));
    struct cs_platform *p;
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    const struct cs_family *fams[] = {&css_family};
    struct cs_machine *m = NULL;
    int rc = cs_machine_build(p, fams, 1, NULL, &m, &err);
    cs_machine_free(m);
    cs_platform_free(p);
    ck_assert_msg(rc < 0, "the machine was built");
    return err.msg;
}

static void setup(void)
{
    cs_test_tmpdir(dir, sizeof(dir), "css-family");
}

static void teardown(void)
{
    cs_test_rmtree(dir);
}

START_TEST(claims_vfio_ccw_and_dasd_of_s390x_only)
{
    struct cs_device_desc hd = {.element = "hostdev", .type = "mdev", .model = "vfio-ccw"};
    struct cs_device_desc dasd = {.element = "chansim:dasd"};
    struct cs_device_desc vio = {.element = "chansim:vio", .model = "ibmvmc"};
    struct cs_domain_desc z = {.arch = "s390x"}, x = {.arch = "x86_64"};
    ck_assert(css_family.claims(&z, &hd));
    ck_assert(css_family.claims(&z, &dasd));
    ck_assert(!css_family.claims(&z, &vio));
    ck_assert(!css_family.claims(&x, &hd));
    ck_assert(!css_family.claims(&x, &dasd));
    /* one costs array: the channel subsystem's entries and the 3390's */
    int css = 0, dasdc = 0;
    for (size_t i = 0; i < css_family.ncosts; i++) {
        css += strncmp(css_family.costs[i].op, "css.", 4) == 0;
        dasdc += strncmp(css_family.costs[i].op, "dasd.", 5) == 0;
    }
    ck_assert_int_gt(css, 0);
    ck_assert_int_gt(dasdc, 0);
    ck_assert_int_eq(css + dasdc, (int)css_family.ncosts);
}
END_TEST

START_TEST(errors_name_the_element)
{
    const char *m;
    m = build_fails(platform("s390x", "", "<chansim:dasd mdev='" U1 "'/>"));
    cs_assert_contains(m, "<dasd>");
    cs_assert_contains(m, "mdev='" U1 "' names no vfio-ccw hostdev of domain 'z'");
    m = build_fails(
        platform("s390x", hostdev(U1, "0x0100"), "<chansim:dasd mdev='" U1 "' ios='many'/>"));
    cs_assert_contains(m, "<dasd>");
    cs_assert_contains(m, "attribute ios='many' is not a number in [0, 1000000]");
    m = build_fails(
        platform("s390x", hostdev(U1, "0x0100"), "<chansim:dasd mdev='" U1 "' model='3380'/>"));
    cs_assert_contains(m, "attribute model='3380': expected 3390-3 or 3390-9");
    m = build_fails(
        platform("s390x", hostdev(U1, "0x0100"), "<chansim:dasd mdev='" U1 "' readonly='maybe'/>"));
    cs_assert_contains(m, "attribute readonly='maybe': expected yes or no");
    m = build_fails(
        platform("s390x", hostdev(U1, "0x0100"), "<chansim:dasd mdev='" U1 "' program='boot'/>"));
    cs_assert_contains(m, "attribute program='boot'");
    char bad[700];
    snprintf(bad, sizeof(bad), "<chansim:dasd mdev='" U1 "' image='%s/missing.img'/>", dir);
    m = build_fails(platform("s390x", hostdev(U1, "0x0100"), bad));
    cs_assert_contains(m, "<dasd>");
    cs_assert_contains(m, "missing.img");
    /* not an s390x domain: nothing claims it */
    m = build_fails(platform("x86_64", hostdev(U1, "0x0100"), ""));
    cs_assert_contains(m, "hostdev");
}
END_TEST

START_TEST(two_dasds_write_read_and_identify)
{
    char devs[1200], meta[256];
    snprintf(devs, sizeof(devs), "%s%s", hostdev(U1, "0x0100"), hostdev(U2, "0x0101"));
    /* U1 has no chansim:dasd: the defaults, with fewer ios through the second element */
    snprintf(meta, sizeof(meta), "<chansim:dasd mdev='" U2 "' program='identify'/>");
    setenv("TMPDIR", dir, 1);
    const char *path = platform("s390x", devs, meta);
    cs_error err = {0};
    struct cs_platform *p;
    struct cs_machine *m;
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    const struct cs_family *fams[] = {&css_family};
    ck_assert_msg(cs_machine_build(p, fams, 1, NULL, &m, &err) == 0, "%s", err.msg);
    struct cs_run_opts ro = {0};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);

    struct css_dasd_device *const *d;
    ck_assert_uint_eq(css_dasd_devices(&d), 2);
    const struct css_vfio_guest_result *rw = &d[0]->result, *id = &d[1]->result;
    ck_assert_str_eq(d[0]->name, "z.fe.0.0100");
    ck_assert_msg(rw->done && rw->errors == 0, "%s", rw->why);
    ck_assert_uint_eq(rw->programs, 2 + 2 * 256); /* Sense ID, RDC, 256 writes, 256 reads */
    ck_assert_uint_eq(rw->io_programs, 512);
    ck_assert_uint_eq(rw->bytes, 2 * 256 * 4096);
    ck_assert_uint_eq(rw->cu_type, 0x3990);
    ck_assert_uint_eq(rw->dev_type, 0x3390);
    ck_assert_uint_gt(rw->sim_ns, 0);
    ck_assert_msg(id->done && id->errors == 0, "%s", id->why);
    ck_assert_uint_eq(id->programs, 2);
    ck_assert_uint_eq(id->bytes, 0);
    /* each volume in an image of its own, made for the run in TMPDIR */
    ck_assert(d[0]->image_is_temp);
    ck_assert_int_eq(strncmp(d[0]->image, dir, strlen(dir)), 0);
    ck_assert_str_ne(d[0]->image, d[1]->image);
    char image[600];
    snprintf(image, sizeof(image), "%s", d[0]->image);
    ck_assert_int_eq(access(image, F_OK), 0);

    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    css_family.report(out);
    fclose(out);
    cs_assert_contains(text, "dasd z.fe.0.0100");
    cs_assert_contains(text,
                       "3990/3390 vfio-ccw rw: 514 programs, 2097152 bytes verified, 0 errors");
    cs_assert_contains(text, image);
    cs_assert_contains(text, "vfio-ccw identify: 2 programs");
    free(text);

    cs_machine_free(m);
    cs_platform_free(p);
    ck_assert_int_ne(access(image, F_OK), 0); /* removed with the machine */
    struct css_dasd_device *const *none;
    ck_assert_uint_eq(css_dasd_devices(&none), 0);
    unsetenv("TMPDIR");
}
END_TEST

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

struct s22_tally {
    uint64_t s22, other, first_cycle;
};

static void tally_s22(void *ctx, const char *rule, uint64_t count, const struct cs_finding *first)
{
    struct s22_tally *t = ctx;
    if (!strcmp(rule, "S22")) {
        t->s22 = count;
        t->first_cycle = first->cycle;
    } else {
        t->other += count;
    }
}

static void ignore_finding(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    (void)f;
}

/* The trace at `trace` through the monitors, as `chansim check` reads it. */
static struct s22_tally check_offline(const char *trace)
{
    cs_error err = {0};
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, trace, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *off = cs_monitor_hub_new(ignore_finding, NULL);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++)
        cs_monitor_hub_channel(off, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        last = ev.cycles;
        if (ev.type != CS_TRACE_MSG)
            continue;
        struct cs_mon_msg mm = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(off, &mm);
    }
    ck_assert_msg(got == 0, "%s", err.msg);
    cs_monitor_hub_finish(off, last);
    struct s22_tally t = {0};
    cs_monitor_hub_findings_by_rule(off, tally_s22, &t);
    cs_monitor_hub_free(off);
    cs_trace_reader_close(r);
    return t;
}

/* The kernel glue lets the model touch only the kernel's allocations and pages a VFIO device
 * pinned: a program in memory neither owns ends in a protection check, nothing stored, and the
 * refused fetch of its CCW breaks S22 once, live and offline alike. (The scenarios show the
 * other side: every program vfio_ccw translates passes.) */
START_TEST(css_touches_only_driver_memory)
{
    const char *path = platform("s390x", "", "");
    cs_error err = {0};
    struct cs_platform *p;
    struct cs_machine *m;
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    const struct cs_family *fams[] = {&css_family};
    char trace[600];
    snprintf(trace, sizeof(trace), "%s/denied-trace", dir);
    cs_trace_writer *tw;
    ck_assert_msg(cs_trace_writer_open(&tw, trace, p->clock_hz, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, fams, 1, tw, &m, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *live;
    ck_assert_msg(cs_monitor_attach_live(m, &live, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    struct ks_kernel *k;
    struct css *c;
    char image[600];
    snprintf(image, sizeof(image), "%s/v.img", dir);
    struct dasd_costs costs;
    ck_assert_msg(dasd_image_create(image, 3, 4096, &err) == 0, "%s", err.msg);
    ck_assert_msg(dasd_costs_load(&costs, dom, &err) == 0, "%s", err.msg);
    struct dasd *dev = dasd_open(image, &(struct dasd_options){.costs = &costs}, &err);
    ck_assert_msg(dev, "%s", err.msg);
    uint32_t sid;
    ck_assert_msg(css_create(dom, &c, &err) == 0, "%s", err.msg);
    ck_assert_msg(css_attach_device(c, 0, 0, 0x0100, 0x40, &dasd_device_ops, dev, &sid, &err) == 0,
                  "%s", err.msg);
    ck_assert_msg(ks_kernel_create(dom, "host", &k, &err) == 0, "%s", err.msg);
    ks_css_use_model(k, c);
    ck_assert_msg(ks_kernel_boot(k, NULL, 0, &err) == 0, "%s", err.msg);
    uint8_t *mem = dom->mem.host;
    /* enable the subchannel (PMCW E), then Sense ID from a CCW at 0x1000 into 0x2000 */
    ck_assert_int_eq(css_stsch(c, sid, 0x3000), 0);
    mem[0x3000 + 5] |= 0x80;
    ck_assert_int_eq(css_msch(c, sid, 0x3000), 0);
    mem[0x1000] = 0xE4;
    mem[0x1001] = 0x20; /* SLI */
    mem[0x1003] = 7;
    put32(mem + 0x1004, 0x2000);
    put32(mem + 0x4000, 0x1234);
    put32(mem + 0x4004, 1u << 23 | 1u << 22 | 1u << 17 | 0xffu << 8);
    put32(mem + 0x4008, 0x1000);
    css_set_isc_mask(c, 0); /* the status stays pending for the TSCH below */
    ck_assert_int_eq(css_ssch(c, sid, 0x4000), 0);
    struct cs_run_opts ro = {0};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(css_tsch(c, sid, 0x5000), 0);
    ck_assert_uint_eq(mem[0x5000 + 9] & 0x10, 0x10); /* subchannel status: protection check */
    for (int i = 0; i < 7; i++)
        ck_assert_uint_eq(mem[0x2000 + i], 0);
    cs_monitor_finish_live(m, live);
    struct s22_tally lt = {0};
    cs_monitor_hub_findings_by_rule(live, tally_s22, &lt);
    ks_kernel_destroy(k);
    ck_assert_msg(dasd_close(dev, &err) == 0, "%s", err.msg);
    css_free(c);
    cs_machine_free(m);
    ck_assert_msg(cs_trace_writer_close(tw, &err) == 0, "%s", err.msg);
    cs_platform_free(p);
    ck_assert_uint_eq(lt.s22, 1);
    ck_assert_uint_eq(lt.other, 0);
    struct s22_tally ot = check_offline(trace);
    ck_assert_uint_eq(ot.s22, lt.s22);
    ck_assert_uint_eq(ot.other, lt.other);
    ck_assert_uint_eq(ot.first_cycle, lt.first_cycle);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("css_family");
    TCase *tc = tcase_create("family");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, claims_vfio_ccw_and_dasd_of_s390x_only);
    tcase_add_test(tc, errors_name_the_element);
    tcase_add_test(tc, two_dasds_write_read_and_identify);
    tcase_add_test(tc, css_touches_only_driver_memory);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
