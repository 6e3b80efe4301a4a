/* The POWER platform of the kernel shim, proven on the unmodified ibmvmc driver: a VIO device
 * added through the harness is probed by the driver, its hypervisor calls reach the kernel's
 * hcall handler with their arguments (the CRQ page registered is a DMA-mapped guest-physical
 * page), an interrupt runs the driver's handler and tasklet, /dev/ibmvmc serves a user
 * process, and unloading the module leaves nothing behind. The handler here plays a minimal
 * hypervisor: it answers everything with H_SUCCESS and delivers one INIT element. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/kernel.h"

/* asm/hvcall.h is kernel-side; the test needs these values and the plain entry points. */
#define H_SUCCESS     0
#define H_FUNCTION    (-2)
#define H_REG_CRQ     0xFC
#define H_FREE_CRQ    0x100
#define H_VIO_SIGNAL  0x104
#define H_SEND_CRQ    0x108
#define H_REQUEST_VMC 0x360
#define H_TEST_OP     0xF00 /* no hcall has this opcode: the shim passes 9 arguments */
long plpar_hcall_norets(unsigned long opcode, ...);
long plpar_hcall(unsigned long opcode, unsigned long *retbuf, ...);
long ks_hcall(unsigned long opcode, unsigned long *retbuf, unsigned nret, unsigned nargs,
              const unsigned long *args);

#define UNIT       0x30000002u
#define DRC_INDEX  0x21000001u
#define CRQ_INIT   0xC001000000000000ull
#define CRQ_INIT_C 0xC002000000000000ull
#define TEST_COST  5000u

/* ibmvmc.h's ioctls, in the generic encoding both sides use */
struct vmc_query {
    int have_vmc, state, vmc_drc_index;
};
#define VMC_IOCTL_QUERY      _IOR(0xCC, 0x01, struct vmc_query)
#define VMC_IOCTL_REQUESTVMC _IOR(0xCC, 0x02, uint32_t)

struct call {
    unsigned long op, args[9];
    unsigned nargs;
    enum ks_ctx ctx;
    int mapped; /* H_REG_CRQ: queue was DMA-mapped at the call */
};

struct hv {
    struct ks_kernel *k;
    struct cs_domain *dom;
    unsigned irq;
    struct call calls[512];
    size_t ncalls;
    uint64_t queue; /* guest-physical address registered with H_REG_CRQ */
    int init_sent;
};

struct outcome {
    int opened, requestvmc_rc, query_rc, unload_rc;
    uint32_t drc;
    struct vmc_query q;
    long test_rc, test_rc2;
    uint64_t test_elapsed;
    int queue_cleared, mapped_after_unload;
    struct ks_kernel_stats ks;
    struct ks_finding_record first;
    struct cs_run_summary run;
};

static struct hv hv;
static struct outcome out;

static void irq_low(void *arg)
{
    (void)arg;
    cs_irq_set_level(&hv.dom->irqs, hv.irq, 0);
}

/* The partner's INIT, stored as the hypervisor stores an element: bytes 8-15, then the
 * header word, then the interrupt. */
static void deliver_init(void *arg)
{
    (void)arg;
    uint8_t *e = hv.dom->mem.host + hv.queue;
    memset(e + 8, 0, 8);
    for (int i = 0; i < 8; i++)
        e[i] = (uint8_t)(CRQ_INIT >> (56 - 8 * i));
    cs_irq_set_level(&hv.dom->irqs, hv.irq, 1);
    cs_sched_after(hv.dom->machine->sched, 1, irq_low, NULL);
}

static long record(void *ctx, unsigned long op, const unsigned long *args, unsigned nargs,
                   unsigned long *rets, uint64_t *cost_ns)
{
    struct hv *h = ctx;
    ck_assert_ptr_eq(ks_current_kernel(), h->k);
    if (h->ncalls < sizeof(h->calls) / sizeof(h->calls[0])) {
        struct call *c = &h->calls[h->ncalls++];
        c->op = op;
        c->nargs = nargs;
        c->ctx = ks_context();
        memcpy(c->args, args, nargs * sizeof(*args));
        if (op == H_REG_CRQ)
            c->mapped = ks_dma_is_mapped(h->k, args[1], args[2]);
    }
    if (op == H_REG_CRQ)
        h->queue = args[1];
    if (op == H_SEND_CRQ && args[1] == CRQ_INIT && !h->init_sent) {
        h->init_sent = 1;
        struct cs_machine *m = h->dom->machine;
        cs_sched_after(m->sched, cs_machine_ns_to_cycles(m, 100000), deliver_init, NULL);
    }
    if (op == H_REQUEST_VMC)
        rets[0] = DRC_INDEX;
    if (op == H_TEST_OP)
        *cost_ns = TEST_COST;
    return H_SUCCESS;
}

static const struct call *find_call(unsigned long op, int nth)
{
    for (size_t i = 0; i < hv.ncalls; i++)
        if (hv.calls[i].op == op && nth-- == 0)
            return &hv.calls[i];
    return NULL;
}

static size_t count_calls(unsigned long op, int argi, unsigned long val)
{
    size_t n = 0;
    for (size_t i = 0; i < hv.ncalls; i++)
        n += hv.calls[i].op == op && (argi < 0 || hv.calls[i].args[argi] == val);
    return n;
}

static void management_app(struct ks_uproc *p, void *arg)
{
    (void)arg;
    uint32_t *drc = ks_umalloc(p, sizeof(*drc));
    struct vmc_query *q = ks_umalloc(p, sizeof(*q));
    int fd = -1;
    for (int i = 0; i < 100 && fd < 0; i++) {
        fd = ks_sys_open(p, "/dev/ibmvmc", O_RDWR);
        if (fd < 0)
            ks_sys_sleep_ms(p, 1);
    }
    out.opened = fd >= 0;
    if (fd < 0)
        return;
    out.requestvmc_rc = (int)ks_sys_ioctl(p, fd, VMC_IOCTL_REQUESTVMC, (unsigned long)drc);
    out.drc = *drc;
    ks_sys_sleep_ms(p, 5); /* the INIT exchange is over by now */
    out.query_rc = (int)ks_sys_ioctl(p, fd, VMC_IOCTL_QUERY, (unsigned long)q);
    out.q = *q;
    /* An hcall from a task that may sleep holds it for the handler's cost. */
    uint64_t t0 = ks_now_ns();
    out.test_rc = plpar_hcall_norets(H_TEST_OP, 1ul, 2ul, 3ul, 4ul, 5ul, 6ul, 7ul, 8ul, 9ul);
    out.test_elapsed = ks_now_ns() - t0;
    const unsigned long two[2] = {0xA, 0xB};
    out.test_rc2 = ks_hcall(H_TEST_OP, NULL, 0, 2, two);
    const uint8_t *e = hv.dom->mem.host + hv.queue;
    out.queue_cleared = e[0] == 0; /* the driver consumed the INIT */
    ks_sys_close(p, fd);
    out.unload_rc = ks_module_unload(hv.k, "ibmvmc");
    out.mapped_after_unload = ks_dma_is_mapped(hv.k, hv.queue, 4096);
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ibm,my-dma-window with one address and one size cell, as ibmvmc's read_dma_window reads it:
 * local LIOBN, address, size; remote LIOBN, address, size. */
static struct ks_dt_prop window_props[3];
static uint8_t window[24], one_cell[4];

static const struct ks_dt_prop *vmc_props(void)
{
    be32(window, 0x1000);
    be32(window + 4, 0);
    be32(window + 8, 0x10000000);
    be32(window + 12, 0x2000);
    be32(window + 16, 0);
    be32(window + 20, 0x10000000);
    be32(one_cell, 1);
    window_props[0] = (struct ks_dt_prop){"ibm,my-dma-window", window, sizeof(window)};
    window_props[1] = (struct ks_dt_prop){"ibm,#dma-address-cells", one_cell, 4};
    window_props[2] = (struct ks_dt_prop){"ibm,#dma-size-cells", one_cell, 4};
    return window_props;
}

struct setup {
    struct cs_platform *p;
    struct cs_machine *m;
};

static void machine_up(struct setup *s)
{
    cs_error err = {0};
    memset(&hv, 0, sizeof(hv));
    memset(&out, 0, sizeof(out));
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/vio.xml", NULL, &s->p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(s->p, NULL, 0, NULL, &s->m, &err) == 0, "%s", err.msg);
    hv.dom = &s->m->domains[0];
    ck_assert_msg(ks_kernel_create(hv.dom, "kernel", &hv.k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(hv.k, -1);
    hv.irq = cs_irq_alloc(&hv.dom->irqs, "vmc");
}

static void machine_run(struct setup *s)
{
    cs_error err = {0};
    struct cs_run_opts ro = {2000000000ull};
    ck_assert_msg(cs_sc_run(s->m, &ro, &out.run, &err) == 0, "%s", err.msg);
    ks_kernel_stats(hv.k, &out.ks);
    size_t n;
    const struct ks_finding_record *f = ks_kernel_findings(hv.k, &n);
    if (n)
        out.first = f[0];
}

static void machine_down(struct setup *s)
{
    ks_kernel_destroy(hv.k);
    cs_machine_free(s->m);
    cs_platform_free(s->p);
}

static void boot_ibmvmc(void)
{
    cs_error err = {0};
    const char *mods[] = {"ibmvmc"};
    ck_assert_msg(ks_kernel_boot(hv.k, mods, 1, &err) == 0, "%s", err.msg);
}

static void add_vmc(void)
{
    cs_error err = {0};
    ck_assert_msg(ks_vio_device_add(hv.k, "vmc", "ibm,vmc", "IBM,vmc", UNIT, hv.irq, vmc_props(), 3,
                                    &err) == 0,
                  "%s", err.msg);
}

static void assert_probed(void)
{
    const struct call *reg = find_call(H_REG_CRQ, 0);
    ck_assert_msg(reg, "ibmvmc did not register its CRQ (%zu hcalls)", hv.ncalls);
    ck_assert_uint_eq(reg->nargs, 3);
    ck_assert_uint_eq(reg->args[0], UNIT);
    ck_assert_uint_eq(reg->args[1] % 4096, 0);
    ck_assert_uint_ge(reg->args[1], hv.dom->mem.size / 4); /* the kernel heap */
    ck_assert_uint_lt(reg->args[1], hv.dom->mem.size);
    ck_assert_uint_eq(reg->args[2], 4096);
    ck_assert_msg(reg->mapped, "H_REG_CRQ of 0x%lx: not DMA-mapped", reg->args[1]);
    ck_assert_uint_ge(count_calls(H_VIO_SIGNAL, 1, 1), 1);
    ck_assert_uint_eq(count_calls(H_VIO_SIGNAL, 0, UNIT), count_calls(H_VIO_SIGNAL, -1, 0));
    ck_assert_uint_eq(count_calls(H_SEND_CRQ, 1, CRQ_INIT), 1);
    const struct call *send = find_call(H_SEND_CRQ, 0);
    ck_assert_uint_eq(send->nargs, 3);
    ck_assert_uint_eq(send->args[0], UNIT);
    ck_assert_uint_eq(send->args[2], 0);
}

static void assert_clean(void)
{
    ck_assert_msg(out.ks.total_findings == 0, "unexpected finding %s at %s:%d: %s",
                  ks_finding_id(out.first.kind), out.first.file, out.first.line, out.first.msg);
}

START_TEST(ibmvmc_probes_and_serves)
{
    struct setup s;
    machine_up(&s);
    ks_kernel_set_hcall_handler(hv.k, record, &hv);
    add_vmc(); /* before the module: probed when the driver registers */
    boot_ibmvmc();
    ks_uproc_spawn(hv.k, "hmc-app", management_app, NULL);
    machine_run(&s);

    assert_probed();
    const struct call *reg = find_call(H_REG_CRQ, 0);
    ck_assert_int_eq(reg->ctx, KS_CTX_TASK);
    /* the INIT element: interrupt handler (disables), tasklet (answers, re-enables) */
    const struct call *off = NULL;
    for (int i = 0; (off = find_call(H_VIO_SIGNAL, i)) && off->args[1] != 0; i++)
        ;
    ck_assert_msg(off, "no H_VIO_SIGNAL disable from the interrupt handler");
    ck_assert_int_eq(off->ctx, KS_CTX_HARDIRQ);
    ck_assert_uint_ge(count_calls(H_VIO_SIGNAL, 1, 1), 2);
    ck_assert_uint_eq(count_calls(H_SEND_CRQ, 1, CRQ_INIT_C), 1);
    const struct call *cap = find_call(H_SEND_CRQ, 2);
    ck_assert_ptr_nonnull(cap);
    ck_assert_uint_eq(cap->args[1] >> 48, 0x8001); /* CAP: valid 0x80, type 0x01 */
    ck_assert_int_eq(cap->ctx, KS_CTX_SOFTIRQ);
    ck_assert(out.queue_cleared);
    /* /dev/ibmvmc */
    ck_assert(out.opened);
    ck_assert_int_eq(out.requestvmc_rc, 0);
    ck_assert_uint_eq(out.drc, DRC_INDEX);
    ck_assert_uint_eq(count_calls(H_REQUEST_VMC, -1, 0), 1);
    ck_assert_uint_eq(find_call(H_REQUEST_VMC, 0)->nargs, 0);
    ck_assert_int_eq(out.query_rc, 0);
    ck_assert_int_eq(out.q.have_vmc, 1);
    ck_assert_int_eq(out.q.state, 2); /* capabilities sent, waiting for the answer */
    ck_assert_uint_eq((uint32_t)out.q.vmc_drc_index, DRC_INDEX);
    /* hcalls of opcodes the shim does not know: 9 arguments, or as many as passed */
    ck_assert_int_eq(out.test_rc, H_SUCCESS);
    ck_assert_uint_eq(out.test_elapsed, TEST_COST);
    const struct call *t = find_call(H_TEST_OP, 0);
    ck_assert_uint_eq(t->nargs, 9);
    for (unsigned i = 0; i < 9; i++)
        ck_assert_uint_eq(t->args[i], i + 1);
    t = find_call(H_TEST_OP, 1);
    ck_assert_uint_eq(t->nargs, 2);
    ck_assert_uint_eq(t->args[1], 0xB);
    /* unload: the CRQ is freed and its page unmapped; nothing leaks */
    ck_assert_int_eq(out.unload_rc, 0);
    ck_assert_uint_eq(count_calls(H_FREE_CRQ, 0, UNIT), 1);
    ck_assert(!out.mapped_after_unload);
    assert_clean();
    ck_assert_uint_eq(out.ks.live_allocations, 0);
    machine_down(&s);
}
END_TEST

/* From a model's activation, the way a family hot-adds a device; "compatible" is a list, and
 * matched without regard to case, as in the kernel. */
static void hot_add(void *arg)
{
    (void)arg;
    static const char compat[] = "IBM,vmc-v2\0ibm,VMC";
    struct ks_dt_prop props[4];
    memcpy(props, vmc_props(), 3 * sizeof(props[0]));
    props[3] = (struct ks_dt_prop){"compatible", compat, sizeof(compat)};
    cs_error err = {0};
    ck_assert_msg(
        ks_vio_device_add(hv.k, "vmc", "ibm,vmc", "unused", UNIT, hv.irq, props, 4, &err) == 0,
        "%s", err.msg);
}

START_TEST(device_added_after_driver_probes_at_once)
{
    struct setup s;
    machine_up(&s);
    ks_kernel_set_hcall_handler(hv.k, record, &hv);
    boot_ibmvmc();
    cs_sched_after(s.m->sched, cs_machine_ns_to_cycles(s.m, 10000000), hot_add, NULL);
    machine_run(&s);
    assert_probed();
    assert_clean();
    machine_down(&s);
}
END_TEST

START_TEST(driver_ignores_other_devices)
{
    struct setup s;
    machine_up(&s);
    ks_kernel_set_hcall_handler(hv.k, record, &hv);
    cs_error err = {0};
    /* compatible but of another type, and of the type but not compatible */
    ck_assert_int_eq(
        ks_vio_device_add(hv.k, "vty", "serial", "IBM,vmc", 0x30000000, hv.irq, NULL, 0, &err), 0);
    ck_assert_int_eq(ks_vio_device_add(hv.k, "vmc", "ibm,vmc", "IBM,other", 0x30000001, hv.irq,
                                       vmc_props(), 3, &err),
                     0);
    /* the unit address is taken; the interrupt line does not exist */
    ck_assert_int_eq(
        ks_vio_device_add(hv.k, "vmc", "ibm,vmc", "IBM,vmc", 0x30000001, hv.irq, NULL, 0, &err),
        -1);
    cs_assert_contains(err.msg, "30000001");
    ck_assert_int_eq(
        ks_vio_device_add(hv.k, "vmc", "ibm,vmc", "IBM,vmc", UNIT, hv.irq + 7, NULL, 0, &err), -1);
    cs_assert_contains(err.msg, "interrupt line");
    boot_ibmvmc();
    machine_run(&s);
    ck_assert_ptr_null(find_call(H_REG_CRQ, 0));
    assert_clean();
    machine_down(&s);
}
END_TEST

START_TEST(hcalls_without_handler_fail_with_h_function)
{
    struct setup s;
    machine_up(&s);
    unsigned long ret[4] = {7, 7, 7, 7};
    /* plain C, outside any task: the cost is not waited for, and nothing is slept */
    ck_assert_int_eq(plpar_hcall_norets(H_REG_CRQ, 1ul, 2ul, 3ul), H_FUNCTION);
    ck_assert_int_eq(plpar_hcall(H_REQUEST_VMC, ret), H_FUNCTION);
    ck_assert_uint_eq(ret[0], 0);
    ks_kernel_set_hcall_handler(hv.k, record, &hv);
    ck_assert_int_eq(plpar_hcall(H_REQUEST_VMC, ret), H_SUCCESS);
    ck_assert_uint_eq(ret[0], DRC_INDEX);
    ck_assert_int_eq(plpar_hcall_norets(H_TEST_OP, 0ul, 0ul, 0ul, 0ul, 0ul, 0ul, 0ul, 0ul, 0ul),
                     H_SUCCESS);
    ks_kernel_set_hcall_handler(hv.k, NULL, NULL);
    ck_assert_int_eq(plpar_hcall_norets(H_FREE_CRQ, 1ul), H_FUNCTION);
    ck_assert_uint_eq(hv.ncalls, 2);
    machine_down(&s);
}
END_TEST

/* Kernel A's process adds a device to kernel B: B probes it in a task of its own, and the
 * driver's hcalls reach B's handler (record checks the current kernel), none A's. */
static struct ks_kernel *kernel_a;
static int a_add_rc = -1;

static void other_kernels_app(struct ks_uproc *p, void *arg)
{
    (void)arg;
    ks_sys_sleep_ms(p, 2);
    cs_error err = {0};
    a_add_rc =
        ks_vio_device_add(hv.k, "vmc", "ibm,vmc", "IBM,vmc", UNIT, hv.irq, vmc_props(), 3, &err);
    ck_assert_ptr_eq(ks_current_kernel(), kernel_a);
}

static long a_handler(void *ctx, unsigned long op, const unsigned long *args, unsigned nargs,
                      unsigned long *rets, uint64_t *cost_ns)
{
    (void)ctx, (void)op, (void)args, (void)nargs, (void)rets, (void)cost_ns;
    ck_abort_msg("an hcall of kernel B reached kernel A's handler");
    return H_FUNCTION;
}

START_TEST(device_of_another_kernel_probes_in_its_kernel)
{
    cs_error err = {0};
    struct setup s;
    memset(&hv, 0, sizeof(hv));
    memset(&out, 0, sizeof(out));
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/vio2.xml", NULL, &s.p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(s.p, NULL, 0, NULL, &s.m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&s.m->domains[0], "a", &kernel_a, &err) == 0, "%s", err.msg);
    hv.dom = &s.m->domains[1];
    ck_assert_msg(ks_kernel_create(hv.dom, "b", &hv.k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(kernel_a, -1);
    ks_kernel_set_console_level(hv.k, -1);
    hv.irq = cs_irq_alloc(&hv.dom->irqs, "vmc");
    ks_kernel_set_hcall_handler(kernel_a, a_handler, NULL);
    ks_kernel_set_hcall_handler(hv.k, record, &hv);
    boot_ibmvmc();
    ks_uproc_spawn(kernel_a, "a-app", other_kernels_app, NULL);
    machine_run(&s);
    ck_assert_int_eq(a_add_rc, 0);
    assert_probed();
    ck_assert_int_eq(find_call(H_REG_CRQ, 0)->ctx, KS_CTX_TASK);
    assert_clean();
    ks_kernel_destroy(kernel_a);
    machine_down(&s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kshim-vio");
    TCase *tc = tcase_create("ibmvmc");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ibmvmc_probes_and_serves);
    tcase_add_test(tc, device_added_after_driver_probes_at_once);
    tcase_add_test(tc, driver_ignores_other_devices);
    tcase_add_test(tc, hcalls_without_handler_fail_with_h_function);
    tcase_add_test(tc, device_of_another_kernel_probes_in_its_kernel);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
