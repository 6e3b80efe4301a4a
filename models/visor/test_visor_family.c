/* The visor family on a platform: the firmware channels laid out in the domain's firmware
 * memory, the command partition creating buses and devices through controlvm (answered here
 * by a visorchipset double that finds the channel with the VMCALL), the partitions polled on
 * the calibrated schedule until idle, fault scripts, and clear errors for bad attributes. */
#include <unistd.h>

#include "cs_machine.h"
#include "cs_test.h"
#include "test_visor_util.h"
#include "visor_family.h"
#include "visor_io.h"

#define DATA(f) TESTDATA_DIR "/" f

static struct cs_platform *p;
static struct cs_machine *m;
static char dir[512];

static int build(const char *path, cs_error *err)
{
    const struct cs_family *fams[] = {&visor_family};
    if (cs_platform_load(path, NULL, &p, err) < 0)
        return -1;
    return cs_machine_build(p, fams, 1, NULL, &m, err);
}

static void setup(void)
{
    p = NULL;
    m = NULL;
    cs_test_tmpdir(dir, sizeof(dir), "visor-family");
}

static void teardown(void)
{
    if (m)
        cs_machine_free(m);
    if (p)
        cs_platform_free(p);
    cs_test_rmtree(dir);
}

/* The guest's visorchipset, reduced to what the flow needs. */
struct double_guest {
    uint64_t cvm;
    unsigned handled[0x400];
    uint8_t create_1_0[128]; /* the DEVICE_CREATE of bus 1 dev 0 */
};

static void guest_poll(struct cs_gmem *mem, struct double_guest *g)
{
    uint8_t msg[128];
    while (!vt_guest_remove(mem, g->cvm, VISOR_CVM_Q_EVENT, msg)) {
        uint32_t id = visor_le32(msg);
        g->handled[id & 0x3FF]++;
        if (id == VISOR_CVM_DEVICE_CREATE && visor_le32(msg + VISOR_MSG_PACKET) == 1 &&
            visor_le32(msg + VISOR_MSG_PACKET + 4) == 0)
            memcpy(g->create_1_0, msg, 128);
        uint8_t ack[128] = {0};
        memcpy(ack, msg, 32);
        ck_assert_int_eq(vt_guest_insert(mem, g->cvm, VISOR_CVM_Q_ACK, ack), 0);
        ck_assert_int_eq(vt_guest_insert(mem, g->cvm, VISOR_CVM_Q_REQUEST, msg), 0);
    }
}

START_TEST(boot_all_four_device_types)
{
    cs_error err = {0};
    ck_assert_msg(build(DATA("spar.xml"), &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    struct visor_device_info devs[8];
    ck_assert_uint_eq(visor_devices(devs, 8), 4);
    for (int i = 0; i < 4; i++) {
        /* firmware memory: [1 MiB, S/8) */
        ck_assert_uint_ge(devs[i].gpa, 1 << 20);
        ck_assert_uint_le(devs[i].gpa + devs[i].bytes, dom->mem.size / 8);
        ck_assert_mem_eq(cs_gmem_ptr(&dom->mem, devs[i].gpa, 4), "ECNL", 4);
    }
    ck_assert_int_eq(devs[0].type, VISOR_DEV_VHBA);
    ck_assert_str_eq(devs[0].name, "visor.1.0");
    ck_assert_int_eq(devs[3].type, VISOR_DEV_MOUSE);
    /* the generated disk image has the requested size */
    ck_assert_uint_eq(visor_vhba_blocks(devs[0].vhba), 4096);

    /* the VMCALL tells the guest where controlvm is */
    struct visor_chipset *c = visor_family_chipset();
    uint8_t *pb = cs_gmem_ptr(&dom->mem, 0x8000, 16);
    ck_assert_int_eq(visor_chipset_vmcall(c, 0x501, 0x8000, 0), 0);
    struct double_guest g = {.cvm = visor_le64(pb)};
    ck_assert_uint_ge(g.cvm, 1 << 20);

    uint64_t now = 0;
    for (int i = 0; i < 200 && cs_sched_next(m->sched, &now); i++) {
        cs_sched_run_standalone(m->sched, now + 500000);
        guest_poll(&dom->mem, &g);
    }
    ck_assert_uint_eq(g.handled[VISOR_CVM_CHIPSET_INIT & 0x3FF], 1);
    ck_assert_uint_eq(g.handled[VISOR_CVM_BUS_CREATE & 0x3FF], 2);
    ck_assert_uint_eq(g.handled[VISOR_CVM_DEVICE_CREATE & 0x3FF], 4);
    ck_assert_uint_eq(g.handled[VISOR_CVM_CHIPSET_READY & 0x3FF], 1);
    struct visor_chipset_stats s;
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.responded, 8);
    ck_assert_uint_eq(visor_chipset_outstanding(c), 0);
    /* one command per controlvm pass: 8 commands take at least 7 passes of 1 ms */
    ck_assert_uint_ge(cs_sched_now(m->sched), 7000000);
    /* the polling stopped once idle: the run ends */
    ck_assert_int_eq(cs_sched_next(m->sched, &now), 0);

    /* the keyboard script is waiting in the keyboard channel: "hello" then Enter */
    uint8_t r[16];
    int keys = 0;
    while (!vt_guest_remove(&dom->mem, devs[2].gpa, 0, r))
        keys++;
    ck_assert_int_eq(keys, 6);
    ck_assert_uint_eq(visor_le16(r + 10), 0x1c);
    FILE *out = tmpfile();
    visor_family.report(out);
    rewind(out);
    char line[2048], all[8192] = "";
    while (fgets(line, sizeof(line), out))
        strncat(all, line, sizeof(all) - strlen(all) - 1);
    fclose(out);
    cs_assert_contains(all, "controlvm 8/8 commands sent, 8 acked, 8 answered");
    cs_assert_contains(all, "visor.2.0");
    cs_assert_contains(all, "keyboard: 6 input reports inserted");
}
END_TEST

static void write_platform(char *path, size_t n, const char *arch, const char *devices)
{
    snprintf(path, n, "%s/p.xml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "<node><domain type='test'><name>g</name><memory unit='MiB'>64</memory>"
            "<os><type arch='%s'>hvm</type></os><metadata>"
            "<chansim:platform xmlns:chansim='urn:chansim:platform:1'>%s</chansim:platform>"
            "</metadata></domain></node>\n",
            arch, devices);
    fclose(f);
}

struct bad {
    const char *arch, *devices, *expect;
};

static const struct bad bad[] = {
    {"ppc64", "<chansim:spar-device type='vhba' bus='1' dev='0'/>", "s-Par is an x86_64"},
    {"x86_64", "<chansim:spar-device type='vgpu' bus='1' dev='0'/>", "type='vgpu'"},
    {"x86_64", "<chansim:spar-device type='vhba' bus='1' dev='0' image='/nonexistent.img'/>",
     "disk image '/nonexistent.img'"},
    {"x86_64", "<chansim:spar-device type='vhba' bus='1' dev='0' fault='crash@x'/>",
     "fault script word 1 'crash@x'"},
    {"x86_64", "<chansim:spar-device type='vnic' bus='1' dev='0' mac='zz'/>", "mac='zz'"},
    {"x86_64", "<chansim:spar-device type='keyboard' bus='1' dev='0' script='jump:1'/>",
     "input script word 1"},
    {"x86_64", "<chansim:spar-device type='mouse' bus='1' dev='0' fault='link-down@1ms'/>",
     "applies to vnic only"},
    {"x86_64",
     "<chansim:spar-device type='mouse' bus='1' dev='0'/>"
     "<chansim:spar-device type='keyboard' bus='1' dev='0'/>",
     "bus 1 dev 0 is already"},
    {"x86_64", "<chansim:spar-device type='vnic' bus='1' dev='0' pcap='/nonexistent.pcap'/>",
     "pcap '/nonexistent.pcap'"},
    {"x86_64", "<chansim:spar-device type='vhba' bus='1' dev='0' io='8' io-depth='0'/>",
     "io-depth='0' is not a number in [1, 128]"},
    /* 64 blocks: 8 slots of 4 KiB, one per process at most */
    {"x86_64", "<chansim:spar-device type='vhba' bus='1' dev='0' blocks='64' io='8' io-depth='9'/>",
     "io-depth='9' needs 72 blocks, the disk has 64"},
    {"x86_64", "<chansim:spar-device type='vhba' bus='1' dev='0' controlvm-slots='1'/>",
     "controlvm-slots='1' is not a number in [2, 64]"},
    {"x86_64", "<chansim:spar-device type='vhba' bus='1' dev='0' controlvm-burst='many'/>",
     "controlvm-burst='many'"},
    {"x86_64",
     "<chansim:spar-device type='vhba' bus='1' dev='0'/>"
     "<chansim:spar-device type='mouse' bus='2' dev='0' controlvm-drain='1'/>",
     "controlvm-drain belongs on the domain's first spar-device"},
    {"x86_64", "<chansim:spar-device type='vnic' bus='1' dev='0' interrupt='msi'/>",
     "interrupt='msi': expected line or none"},
    {"x86_64", "<chansim:spar-device type='mouse' bus='1' dev='0' events='3' hold='closed'/>",
     "hold='closed': expected open"},
};

START_TEST(bad_attributes_are_clear_errors)
{
    cs_error err = {0};
    char path[600];
    write_platform(path, sizeof(path), bad[_i].arch, bad[_i].devices);
    ck_assert_int_eq(build(path, &err), -1);
    cs_assert_contains(err.msg, bad[_i].expect);
    cs_assert_contains(err.msg, "p.xml:"); /* where */
}
END_TEST

START_TEST(crash_and_poke_scripts_run)
{
    cs_error err = {0};
    char path[600];
    write_platform(path, sizeof(path), "x86_64",
                   "<chansim:spar-device type='vhba' bus='1' dev='0' blocks='64' "
                   "fault='crash@2ms recover@3ms poke:q1.max_slots=0@4ms'/>");
    ck_assert_msg(build(path, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    struct visor_chipset *c = visor_family_chipset();
    uint8_t *pb = cs_gmem_ptr(&dom->mem, 0x8000, 16);
    visor_chipset_vmcall(c, 0x501, 0x8000, 0);
    struct double_guest g = {.cvm = visor_le64(pb)};
    uint64_t now = 0;
    for (int i = 0; i < 400 && cs_sched_next(m->sched, &now); i++) {
        cs_sched_run_standalone(m->sched, now + 200000);
        guest_poll(&dom->mem, &g);
    }
    /* pause (standby) then resume (running) went through controlvm */
    ck_assert_uint_eq(g.handled[VISOR_CVM_DEVICE_CHANGESTATE & 0x3FF], 2);
    struct visor_device_info d;
    ck_assert_uint_eq(visor_devices(&d, 1), 1);
    /* the hostile write is in the channel for the guest to find */
    ck_assert_uint_eq(visor_le32(cs_gmem_ptr(&dom->mem, d.gpa, 512) + 256 + VISOR_QH_MAX_SLOTS), 0);
    ck_assert_int_eq(d.header_faults, 0); /* the firmware did not need queue 1 since */
}
END_TEST

/* One READ(10) of 4 KiB by the guest end; the partition runs until idle; the answer is removed. */
static void read_once(struct cs_gmem *mem, uint64_t gpa, uint64_t handle)
{
    uint8_t req[VISOR_IO_CMDRSP_SIZE] = {VISOR_CMD_SCSI}, rsp[VISOR_IO_CMDRSP_SIZE];
    uint8_t *u = req + VISOR_U;
    const uint8_t cdb[10] = {0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0};
    memcpy(u + VISOR_SCSI_CDB, cdb, 10);
    visor_put64(u + VISOR_SCSI_HANDLE, handle);
    visor_put32(u + VISOR_SCSI_BUFFLEN, 4096);
    visor_put16(u + VISOR_SCSI_NGPI, 1);
    visor_put64(u + VISOR_SCSI_GPI, 0x1000000);
    visor_put64(u + VISOR_SCSI_GPI + 8, 4096);
    visor_put32(u + VISOR_SCSI_DATA_DIR, 2);
    ck_assert_int_eq(vt_guest_insert(mem, gpa, VISOR_IO_Q_TO_IOPART, req), 0);
    visor_family_kick();
    uint64_t now = 0;
    for (int i = 0; i < 1000 && cs_sched_next(m->sched, &now); i++)
        cs_sched_run_standalone(m->sched, now);
    ck_assert_int_eq(vt_guest_remove(mem, gpa, VISOR_IO_Q_FROM_IOPART, rsp), 0);
    ck_assert_uint_eq(visor_le64(rsp + VISOR_U + VISOR_SCSI_HANDLE), handle);
}

START_TEST(vhba_interrupt_follows_the_feature_bit)
{
    cs_error err = {0};
    char path[600];
    write_platform(path, sizeof(path), "x86_64",
                   "<chansim:spar-device type='vhba' bus='1' dev='0' blocks='64'/>");
    ck_assert_msg(build(path, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    uint8_t *pb = cs_gmem_ptr(&dom->mem, 0x8000, 16);
    visor_chipset_vmcall(visor_family_chipset(), 0x501, 0x8000, 0);
    struct double_guest g = {.cvm = visor_le64(pb)};
    uint64_t now = 0;
    for (int i = 0; i < 200 && cs_sched_next(m->sched, &now); i++) {
        cs_sched_run_standalone(m->sched, now + 500000);
        guest_poll(&dom->mem, &g);
    }
    /* DEVICE_CREATE offers the line named after the device: intr.recv_irq_handle non-zero,
     * intr.recv_irq_vector its number */
    const uint8_t *intr = g.create_1_0 + VISOR_MSG_PACKET + 56;
    ck_assert_uint_ne(visor_le64(intr + 8), 0);
    unsigned line = visor_le32(intr + 16);
    struct cs_irq_line *l = cs_irq_line_get(&dom->irqs, line);
    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l->name, "visor.1.0");

    struct visor_device_info d;
    ck_assert_uint_eq(visor_devices(&d, 1), 1);
    /* polling driver (bit clear): answers, no interrupt */
    read_once(&dom->mem, d.gpa, 1);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 0);
    /* the driver enables interrupts: one edge per answer */
    uint8_t *feat = cs_gmem_ptr(&dom->mem, d.gpa + VISOR_CH_FEATURES, 8);
    visor_put64(feat, VISOR_FEAT_DRIVER_ENABLES_INTS);
    read_once(&dom->mem, d.gpa, 2);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 1);
    read_once(&dom->mem, d.gpa, 3);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 2);
    /* ... and disables them again */
    visor_put64(feat, VISOR_FEAT_DRIVER_ENABLES_INTS | VISOR_FEAT_DRIVER_DISABLES_INTS);
    read_once(&dom->mem, d.gpa, 4);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 2);
    ck_assert_int_eq(d.header_faults, 0);
}
END_TEST

/* The keyboard gets a line too: the console raises it after inserting reports only while the
 * driver asked for interrupts, so an open keyboard need not be polled. */
START_TEST(keyboard_interrupt_follows_the_feature_bit)
{
    cs_error err = {0};
    char path[600];
    write_platform(path, sizeof(path), "x86_64",
                   "<chansim:spar-device type='keyboard' bus='1' dev='0' script='key:0x1e'/>");
    ck_assert_msg(build(path, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    uint8_t *pb = cs_gmem_ptr(&dom->mem, 0x8000, 16);
    visor_chipset_vmcall(visor_family_chipset(), 0x501, 0x8000, 0);
    struct double_guest g = {.cvm = visor_le64(pb)};
    uint64_t now = 0;
    for (int i = 0; i < 200 && cs_sched_next(m->sched, &now); i++) {
        cs_sched_run_standalone(m->sched, now + 500000);
        guest_poll(&dom->mem, &g);
    }
    const uint8_t *intr = g.create_1_0 + VISOR_MSG_PACKET + 56;
    ck_assert_uint_ne(visor_le64(intr + 8), 0);
    unsigned line = visor_le32(intr + 16);
    ck_assert_ptr_nonnull(cs_irq_line_get(&dom->irqs, line));
    ck_assert_str_eq(cs_irq_line_get(&dom->irqs, line)->name, "visor.1.0");

    struct visor_device_info d;
    ck_assert_uint_eq(visor_devices(&d, 1), 1);
    /* the script went in while the driver polled (bit clear): no interrupt */
    uint8_t r[16];
    ck_assert_int_eq(vt_guest_remove(&dom->mem, d.gpa, 0, r), 0);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 0);
    /* the driver enables interrupts: a report raises the line */
    uint8_t *feat = cs_gmem_ptr(&dom->mem, d.gpa + VISOR_CH_FEATURES, 8);
    visor_put64(feat, VISOR_FEAT_DRIVER_ENABLES_INTS);
    visor_console_report(d.console, VISOR_IN_KEY_DOWN_UP, 0x30, 0, 0);
    visor_family_kick();
    while (cs_sched_next(m->sched, &now))
        cs_sched_run_standalone(m->sched, now + 500000);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 1);
    ck_assert_int_eq(vt_guest_remove(&dom->mem, d.gpa, 0, r), 0);
    ck_assert_uint_eq(visor_le16(r + 10), 0x30);
    /* ... and disables them again */
    visor_put64(feat, VISOR_FEAT_DRIVER_ENABLES_INTS | VISOR_FEAT_DRIVER_DISABLES_INTS);
    visor_console_report(d.console, VISOR_IN_KEY_DOWN_UP, 0x31, 0, 0);
    visor_family_kick();
    while (cs_sched_next(m->sched, &now))
        cs_sched_run_standalone(m->sched, now + 500000);
    ck_assert_uint_eq(cs_irq_line_get(&dom->irqs, line)->raised, 1);
    ck_assert_int_eq(vt_guest_remove(&dom->mem, d.gpa, 0, r), 0);
    ck_assert_int_eq(d.header_faults, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_family");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, boot_all_four_device_types);
    tcase_add_loop_test(t, bad_attributes_are_clear_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(t, crash_and_poke_scripts_run);
    tcase_add_test(t, vhba_interrupt_follows_the_feature_bit);
    tcase_add_test(t, keyboard_interrupt_follows_the_feature_bit);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
