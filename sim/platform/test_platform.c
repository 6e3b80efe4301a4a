/* Platform loading: what libvirt accepts becomes domain and device descriptors; what it
 * does not, or what chansim cannot read, fails naming file, line and element. */
#include <stdio.h>
#include <unistd.h>

#include "cs_platform.h"
#include "cs_test.h"

#define DATA(f) TESTDATA_DIR "/" f

static struct cs_platform *load_ok(const char *path)
{
    cs_error err = {0};
    struct cs_platform *p = NULL;
    int rc = cs_platform_load(path, NULL, &p, &err);
    ck_assert_msg(rc == 0, "load %s: %s", path, err.msg);
    return p;
}

static void load_fails(const char *path, const char *fragment)
{
    cs_error err = {0};
    struct cs_platform *p = (struct cs_platform *)0x1;
    ck_assert_int_eq(cs_platform_load(path, NULL, &p, &err), -1);
    ck_assert_ptr_null(p);
    ck_assert(err.set);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    cs_assert_contains(err.msg, fragment);
}

START_TEST(node_with_domains_in_name_order)
{
    struct cs_platform *p = load_ok(DATA("multi.xml"));
    ck_assert_uint_eq(p->ndomains, 2);
    cs_assert_contains(p->uri, "test:///");
    cs_assert_contains(p->uri, "multi.xml");
    const struct cs_domain_desc *a = &p->domains[0], *z = &p->domains[1];
    ck_assert_str_eq(a->name, "alpha");
    ck_assert_str_eq(z->name, "zeta");
    ck_assert_str_eq(a->arch, "ppc64");
    ck_assert_str_eq(a->machine, "pseries");
    ck_assert_uint_eq(a->memory_bytes, 128ull << 20);
    ck_assert_uint_eq(z->memory_bytes, 64ull << 20);
    ck_assert_uint_eq(z->vcpus, 2);
    ck_assert_uint_eq(p->clock_hz, 500000000);
    cs_platform_free(p);
}
END_TEST

START_TEST(devices_and_metadata_map)
{
    struct cs_platform *p = load_ok(DATA("multi.xml"));
    const struct cs_domain_desc *a = &p->domains[0], *z = &p->domains[1];

    ck_assert_uint_eq(z->ndevices, 2);
    const struct cs_device_desc *dasd = &z->devices[0];
    ck_assert_str_eq(dasd->element, "chansim:dasd");
    ck_assert_int_eq(dasd->bus, CS_BUS_NONE);
    ck_assert_str_eq(cs_device_attr(dasd, "mdev"), "90c6c135-ad44-41d0-b1b7-bae47de48627");
    ck_assert_str_eq(dasd->model, "3390-9");
    ck_assert_str_eq(cs_device_attr(dasd, "ios"), "64");
    const struct cs_device_desc *h = &z->devices[1];
    ck_assert_str_eq(h->element, "hostdev");
    ck_assert_str_eq(h->type, "mdev");
    ck_assert_str_eq(h->model, "vfio-ccw");
    ck_assert_int_eq(h->bus, CS_BUS_CCW);
    ck_assert_uint_eq(h->addr.ccw.cssid, 0xfe);
    ck_assert_uint_eq(h->addr.ccw.ssid, 0);
    ck_assert_uint_eq(h->addr.ccw.devno, 0x1234);
    ck_assert_str_eq(cs_device_attr(h, "uuid"), "90c6c135-ad44-41d0-b1b7-bae47de48627");
    cs_assert_contains(h->where, "multi.xml:13: domain 'zeta': <hostdev>");

    /* metadata devices first (document order), then <devices> */
    ck_assert_uint_eq(a->ndevices, 3);
    ck_assert_str_eq(a->devices[0].element, "chansim:vio");
    ck_assert_str_eq(a->devices[0].model, "ibmvmc");
    ck_assert_int_eq(a->devices[0].bus, CS_BUS_SPAPR_VIO);
    ck_assert_uint_eq(a->devices[0].addr.vio.reg, 0x71000000);
    ck_assert_str_eq(a->devices[1].element, "chansim:spar-device");
    ck_assert_str_eq(a->devices[1].type, "vhba");
    ck_assert_int_eq(a->devices[1].bus, CS_BUS_SPAR);
    ck_assert_uint_eq(a->devices[1].addr.spar.bus_no, 1);
    ck_assert_uint_eq(a->devices[1].addr.spar.dev_no, 2);
    ck_assert_str_eq(a->devices[2].element, "controller");
    ck_assert_str_eq(a->devices[2].model, "ibmvscsi");
    ck_assert_int_eq(a->devices[2].bus, CS_BUS_SPAPR_VIO);
    ck_assert_uint_eq(a->devices[2].addr.vio.reg, 0x2000);

    ck_assert_uint_eq(a->ncosts, 1);
    ck_assert_str_eq(a->costs[0].op, "test.op");
    ck_assert_uint_eq(a->costs[0].cycles, 77);
    cs_assert_contains(a->costs[0].where, "multi.xml:28");
    cs_platform_free(p);
}
END_TEST

START_TEST(bare_domain_file_and_reference)
{
    struct cs_platform *p = load_ok(DATA("bare-domain.xml"));
    ck_assert_uint_eq(p->ndomains, 1);
    ck_assert_str_eq(p->domains[0].name, "solo");
    ck_assert_uint_eq(p->domains[0].memory_bytes, 32ull << 20);
    ck_assert_uint_eq(p->clock_hz, CS_PLATFORM_DEFAULT_CLOCK_HZ);
    cs_platform_free(p);

    p = load_ok(DATA("ref-node.xml"));
    ck_assert_uint_eq(p->ndomains, 1);
    ck_assert_str_eq(p->domains[0].name, "solo");
    cs_assert_contains(p->domains[0].where, "bare-domain.xml:1");
    cs_platform_free(p);
}
END_TEST

START_TEST(connect_uri_without_file)
{
    char uri[4096];
    char *abs = realpath(DATA("multi.xml"), NULL);
    ck_assert_ptr_nonnull(abs);
    snprintf(uri, sizeof(uri), "test://%s", abs);
    free(abs);
    cs_error err = {0};
    struct cs_platform *p = NULL;
    ck_assert_msg(cs_platform_load(NULL, uri, &p, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(p->ndomains, 2);
    ck_assert_str_eq(p->domains[1].devices[1].model, "vfio-ccw");
    ck_assert_uint_eq(p->domains[1].devices[1].addr.ccw.devno, 0x1234);
    cs_platform_free(p);
}
END_TEST

START_TEST(malformed_xml_names_line)
{
    load_fails(DATA("malformed.xml"), "malformed.xml:4: malformed XML");
}
END_TEST

START_TEST(wrong_root)
{
    load_fails(DATA("wrong-root.xml"), "wrong-root.xml:1: root element <platform>");
}
END_TEST

START_TEST(libvirt_rejection_is_reported)
{
    load_fails(DATA("libvirt-rejects.xml"),
               "libvirt-rejects.xml:2: domain 'odd': libvirt rejects it");
}
END_TEST

START_TEST(unknown_metadata_element)
{
    load_fails(DATA("bad-meta.xml"), "bad-meta.xml:8: domain 'meta': <gizmo>: unknown element");
}
END_TEST

START_TEST(dasd_without_mdev)
{
    load_fails(DATA("dasd-no-mdev.xml"),
               "dasd-no-mdev.xml:8: domain 'meta': <dasd>: missing attribute 'mdev'");
}
END_TEST

START_TEST(ccw_devno_out_of_range)
{
    /* libvirt's schema refuses it first; chansim adds the element and line libvirt omits */
    load_fails(DATA("bad-ccw.xml"),
               "bad-ccw.xml:8: domain 'ccw': <address>: attribute devno='0x10000' is not a "
               "number in [0, 65535]; libvirt rejects the domain too: XML document failed");
}
END_TEST

START_TEST(clock_conflict)
{
    load_fails(DATA("clock-conflict.xml"), "clock-hz 2000000000 disagrees");
}
END_TEST

START_TEST(duplicate_domain)
{
    load_fails(DATA("duplicate.xml"), "duplicate.xml:3: domain 'twin' is defined twice");
}
END_TEST

START_TEST(missing_file)
{
    load_fails(DATA("no-such-platform.xml"), "no-such-platform.xml: cannot open platform file");
}
END_TEST

START_TEST(unreachable_uri)
{
    cs_error err = {0};
    struct cs_platform *p = NULL;
    ck_assert_int_eq(cs_platform_load(NULL, "test:///nonexistent/dir/node.xml", &p, &err), -1);
    cs_assert_contains(err.msg, "libvirt cannot open 'test:///nonexistent/dir/node.xml'");
}
END_TEST

static Suite *platform_suite(void)
{
    Suite *s = suite_create("platform");
    TCase *ok = tcase_create("load");
    tcase_add_test(ok, node_with_domains_in_name_order);
    tcase_add_test(ok, devices_and_metadata_map);
    tcase_add_test(ok, bare_domain_file_and_reference);
    tcase_add_test(ok, connect_uri_without_file);
    suite_add_tcase(s, ok);
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, malformed_xml_names_line);
    tcase_add_test(bad, wrong_root);
    tcase_add_test(bad, libvirt_rejection_is_reported);
    tcase_add_test(bad, unknown_metadata_element);
    tcase_add_test(bad, dasd_without_mdev);
    tcase_add_test(bad, ccw_devno_out_of_range);
    tcase_add_test(bad, clock_conflict);
    tcase_add_test(bad, duplicate_domain);
    tcase_add_test(bad, missing_file);
    tcase_add_test(bad, unreachable_uri);
    suite_add_tcase(s, bad);
    return s;
}

CS_TEST_MAIN(platform_suite)
