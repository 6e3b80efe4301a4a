/* The visor drivers booted on a kernel against a scripted firmware double (this file plays
 * the command partition and the IO and console partitions, with its own signal-queue code
 * written from spec visor.md §2): discovery through CPUID, the ACPI device and VMCALL 0x0501;
 * controlvm processing (every command ACKed into queue 3 before its response goes into queue
 * 0, in order, with the completion status the spec gives); bus and device lifecycle with the
 * function drivers probed on channels built here; and traffic: a SCSI INQUIRY through
 * /dev/visorhba0, a key press through /dev/visorinput0, a frame each way through
 * /dev/visornic0, including hostile completions the drivers must refuse. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "kshim/visor.h"
#include "uapi/visor_user.h"
#include "visor_testside.h"

/* ---- guest memory layout of the firmware double ([1 MiB, 8 MiB) of a 64 MiB domain) ---- */
#define CVM_PA     0x100000ull
#define CVM_SIZE   36608u
#define VBUS_PA    0x110000ull
#define VHBA_PA    0x120000ull
#define KBD_PA     0x140000ull
#define VNIC_PA    0x150000ull
#define MOUSE_PA   0x170000ull
#define MOUSE2_PA  0x172000ull
#define PARAM_NONE 0

#define SIGNATURE 0x4C4E4345ull
#define IO_SLOTS  16u
#define CMDRSP    1216u
#define IO_BYTES  (((1472u + 2 * IO_SLOTS * CMDRSP) + 4095u) & ~4095u)

static const uint8_t g_controlvm[16] = {0x10, 0x2d, 0x3c, 0x2b, 0xf5, 0x7e, 0xd8, 0x4a,
                                        0xb9, 0x66, 0x34, 0x48, 0xb7, 0x38, 0x6b, 0x3d};
static const uint8_t g_vbus[16] = {0x1b, 0x33, 0x3b, 0x19, 0x8f, 0xc5, 0xda, 0x11,
                                   0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
static const uint8_t g_vhba[16] = {0xed, 0x15, 0x48, 0x41, 0x8c, 0xc5, 0xda, 0x11,
                                   0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
static const uint8_t g_vnic[16] = {0x4d, 0x99, 0xd5, 0x8c, 0x8e, 0xc5, 0xda, 0x11,
                                   0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f};
static const uint8_t g_kbd[16] = {0xd0, 0x16, 0x34, 0xc7, 0xb8, 0xb0, 0xaf, 0x44,
                                  0xb3, 0x04, 0x9d, 0x2a, 0xe9, 0x9f, 0x1b, 0x3d};
static const uint8_t g_mouse[16] = {0xd4, 0x07, 0xdf, 0xad, 0xa9, 0x94, 0xe2, 0x46,
                                    0x81, 0xc3, 0x61, 0xab, 0xcd, 0xbd, 0xbd, 0x87};

static uint8_t *mem;
static struct ks_kernel *kernel;
static int doorbell; /* the command partition rings ACPI Notify after its commands */
static int mode;     /* MODE_* of the running test */
enum { MODE_TRAFFIC, MODE_HOSTILE, MODE_PAUSE };

static void put16(uint64_t pa, uint16_t v)
{
    memcpy(mem + pa, &v, 2);
}
static void put32(uint64_t pa, uint32_t v)
{
    memcpy(mem + pa, &v, 4);
}
static void put64(uint64_t pa, uint64_t v)
{
    memcpy(mem + pa, &v, 8);
}
static uint32_t get32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, mem + pa, 4);
    return v;
}
static uint64_t get64(uint64_t pa)
{
    uint64_t v;
    memcpy(&v, mem + pa, 8);
    return v;
}

/* ---- the firmware's channels and queues ----------------------------------------------- */

static void channel_header(uint64_t pa, uint64_t bytes, const uint8_t *guid, uint64_t space,
                           uint32_t version)
{
    memset(mem + pa, 0, bytes);
    put64(pa + 0, SIGNATURE);
    put32(pa + 12, 128);
    put64(pa + 16, bytes);
    memcpy(mem + pa + 32, guid, 16);
    put64(pa + 64, space);
    put32(pa + 72, version);
    put32(pa + 120, 1); /* CHANNELSRV_READY */
}

static void queue_init(uint64_t qpa, uint32_t signal_size, uint32_t slots, uint64_t sig_base)
{
    put64(qpa + 8, (uint64_t)slots * signal_size);
    put64(qpa + 16, sig_base);
    put32(qpa + 48, signal_size);
    put32(qpa + 52, slots);
    put32(qpa + 56, slots - 1);
}

/* Firmware-side insert and remove (spec §2.3). */
static int fw_insert(uint64_t qpa, const void *msg)
{
    uint32_t size = get32(qpa + 48), slots = get32(qpa + 52);
    uint32_t head = (get32(qpa + 60) + 1) % slots;
    if (head == get32(qpa + 72))
        return -1;
    memcpy(mem + qpa + get64(qpa + 16) + (uint64_t)head * size, msg, size);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    put32(qpa + 60, head);
    put64(qpa + 32, get64(qpa + 32) + 1);
    return 0;
}

static int fw_remove(uint64_t qpa, void *msg)
{
    uint32_t size = get32(qpa + 48), slots = get32(qpa + 52);
    uint32_t tail = get32(qpa + 72);
    if (tail == get32(qpa + 60))
        return -1;
    tail = (tail + 1) % slots;
    memcpy(msg, mem + qpa + get64(qpa + 16) + (uint64_t)tail * size, size);
    put32(qpa + 72, tail);
    put64(qpa + 64, get64(qpa + 64) + 1);
    return 0;
}

#define CVM_Q(q) (CVM_PA + 3072 + (q)*128ull)

static void build_controlvm(void)
{
    channel_header(CVM_PA, CVM_SIZE, g_controlvm, 3072, 1);
    static const uint64_t bases[4] = {512, 8576, 16640, 24704};
    for (int q = 0; q < 4; q++)
        queue_init(CVM_Q(q), 128, 64, bases[q]);
    put16(CVM_PA + 3014, 2);
    put32(CVM_PA + 3016, 36352);
}

static void build_vbus(void)
{
    channel_header(VBUS_PA, 4096, g_vbus, 0, 1);
    put32(VBUS_PA + 128, 128); /* struct_bytes */
    put32(VBUS_PA + 132, 256); /* device_info_struct_bytes */
    put32(VBUS_PA + 136, 8);   /* dev_info_count */
    put32(VBUS_PA + 140, 128); /* chp_info at 256 */
    put32(VBUS_PA + 144, 384); /* bus_info at 512 */
    put32(VBUS_PA + 148, 640); /* dev_info at 768 */
}

#define IO_Q(pa, q) ((pa) + 128 + (q)*128ull)

static void build_io(uint64_t pa, const uint8_t *guid)
{
    channel_header(pa, IO_BYTES, guid, 128, 2);
    queue_init(IO_Q(pa, 0), CMDRSP, IO_SLOTS, 1472 - 128);
    queue_init(IO_Q(pa, 1), CMDRSP, IO_SLOTS, 1472 + IO_SLOTS * CMDRSP - 256);
}

#define INPUT_Q(pa) ((pa) + 256)

static void build_input(uint64_t pa, const uint8_t *guid)
{
    channel_header(pa, 4096, guid, 256, 0);
    queue_init(INPUT_Q(pa), 16, 32, 128);
}

/* ---- controlvm messages --------------------------------------------------------------- */

struct msg {
    uint8_t b[128];
};

enum { F_FAILED = 1, F_RESPONSE_EXPECTED = 2 };

static struct msg cvm_msg(uint32_t id, uint64_t handle)
{
    struct msg m;
    memset(&m, 0, sizeof(m));
    memcpy(m.b + 0, &id, 4);
    uint32_t size = 128, flags = F_RESPONSE_EXPECTED;
    memcpy(m.b + 4, &size, 4);
    memcpy(m.b + 16, &flags, 4);
    memcpy(m.b + 24, &handle, 8);
    return m;
}

static void pkt32(struct msg *m, unsigned off, uint32_t v)
{
    memcpy(m->b + 48 + off, &v, 4);
}
static void pkt64(struct msg *m, unsigned off, uint64_t v)
{
    memcpy(m->b + 48 + off, &v, 8);
}

static struct msg create_device(uint64_t handle, uint32_t bus, uint32_t dev, uint64_t pa,
                                const uint8_t *guid)
{
    struct msg m = cvm_msg(0x201, handle);
    pkt32(&m, 0, bus);
    pkt32(&m, 4, dev);
    pkt64(&m, 8, pa);
    pkt64(&m, 16, IO_BYTES);
    memcpy(m.b + 48 + 24, guid, 16);
    return m;
}

static struct msg changestate(uint64_t handle, uint32_t bus, uint32_t dev, uint16_t state)
{
    struct msg m = cvm_msg(0x204, handle);
    pkt32(&m, 0, bus);
    pkt32(&m, 4, dev);
    memcpy(m.b + 48 + 8, &state, 2);
    return m;
}

/* The command partition's script and what the guest must answer to each command. */
struct expect {
    uint32_t status;
    int failed;
};

#define NSCRIPT 15
static struct msg script[NSCRIPT];
static struct expect want[NSCRIPT];

static void build_script(void)
{
    int n = 0;
    struct msg m = cvm_msg(0x301, 1); /* CHIPSET_INIT, asking for para-hotplug */
    pkt32(&m, 8, 0x2);
    script[n] = m;
    want[n++] = (struct expect){0, 0};
    m = cvm_msg(0x101, 2); /* BUS_CREATE bus 1 */
    pkt32(&m, 0, 1);
    pkt32(&m, 4, 8);
    pkt64(&m, 8, VBUS_PA);
    pkt64(&m, 16, 4096);
    script[n] = m;
    want[n++] = (struct expect){0, 0};
    script[n] = create_device(3, 1, 0, VHBA_PA, g_vhba);
    want[n++] = (struct expect){0, 0};
    script[n] = create_device(4, 1, 1, KBD_PA, g_kbd);
    want[n++] = (struct expect){0, 0};
    script[n] = create_device(5, 1, 2, VNIC_PA, g_vnic);
    want[n++] = (struct expect){0, 0};
    script[n] = create_device(6, 1, 3, MOUSE_PA, g_mouse);
    want[n++] = (struct expect){0, 0};
    script[n] = cvm_msg(0x301, 7); /* a second CHIPSET_INIT */
    want[n++] = (struct expect){1 /* ALREADY_DONE */, 1};
    script[n] = cvm_msg(0x999, 8); /* no such command */
    want[n++] = (struct expect){4 /* ID_UNKNOWN */, 1};
    script[n] = create_device(9, 7, 0, VHBA_PA, g_vhba); /* no bus 7 */
    want[n++] = (struct expect){ENODEV, 1};
    script[n] = create_device(10, 1, 0, VHBA_PA, g_vhba); /* dev 0 exists */
    want[n++] = (struct expect){EEXIST, 1};
    script[n] = changestate(11, 1, 1, 0x0073); /* keyboard to standby: pause */
    want[n++] = (struct expect){0, 0};
    script[n] = changestate(12, 1, 1, 0x00F7); /* and back: resume */
    want[n++] = (struct expect){0, 0};
    m = cvm_msg(0x202, 13); /* DEVICE_DESTROY the mouse */
    pkt32(&m, 0, 1);
    pkt32(&m, 4, 3);
    script[n] = m;
    want[n++] = (struct expect){0, 0};
    script[n] = cvm_msg(0x304, 14); /* CHIPSET_READY */
    want[n++] = (struct expect){0, 0};
    script[n] = create_device(15, 1, 4, MOUSE2_PA, g_mouse); /* a mouse after the destroy */
    want[n++] = (struct expect){0, 0};
    ck_assert_int_eq(n, NSCRIPT);
}

/* A command partition that lies: a payload outside the channel, a bus channel with too small
 * device info, a device channel without a signature, a device number that is the bus's. */
#define VBUS_BAD_PA 0x180000ull
#define NOSIG_PA    0x190000ull
#define NHOSTILE    6
static int nscript = NSCRIPT;

static void build_hostile_script(void)
{
    int n = 0;
    struct msg m = cvm_msg(0x301, 1);
    script[n] = m;
    want[n++] = (struct expect){0, 0};
    m = cvm_msg(0x104, 2); /* BUS_CONFIGURE with its payload far outside the channel */
    pkt32(&m, 0, 1);
    uint64_t off = 0x7fff0000;
    uint32_t bytes = 100;
    memcpy(m.b + 32, &off, 8);
    memcpy(m.b + 40, &bytes, 4);
    memcpy(m.b + 44, &bytes, 4);
    script[n] = m;
    want[n++] = (struct expect){400 /* PAYLOAD_INVALID */, 1};
    m = cvm_msg(0x101, 3); /* BUS_CREATE on a bus channel with 16-byte device info */
    pkt32(&m, 0, 2);
    pkt64(&m, 8, VBUS_BAD_PA);
    script[n] = m;
    want[n++] = (struct expect){EINVAL, 1};
    m = cvm_msg(0x101, 4);
    pkt32(&m, 0, 1);
    pkt64(&m, 8, VBUS_PA);
    script[n] = m;
    want[n++] = (struct expect){0, 0};
    script[n] = create_device(5, 1, 0, NOSIG_PA, g_vhba);
    want[n++] = (struct expect){ENOMEM, 1};
    script[n] = create_device(6, 1, 0xffffffffu, VHBA_PA, g_vhba);
    want[n++] = (struct expect){EINVAL, 1};
    ck_assert_int_eq(n, NHOSTILE);
    nscript = n;
}

/* Spoils the response queue's header, then sends one more command: the guest must neither ACK
 * nor execute it (the drain of queue 1 fails, spec §3.4 step 1). */
static void spoil_response_queue(void *arg)
{
    (void)arg;
    put32(CVM_Q(1) + 48, 7);
    struct msg m = cvm_msg(0x304, 99);
    fw_insert(CVM_Q(2), &m);
    cs_error err = {0};
    ck_assert_int_eq(ks_acpi_notify(kernel, "PNP0A07", 0x80, &err), 1);
}

/* ---- the hypervisor ------------------------------------------------------------------- */

static int vmcalls;
static uint32_t cvm_bytes = CVM_SIZE; /* what VMCALL 0x0501 reports */

static long vmcall(void *ctx, unsigned long nr, unsigned long rbx, unsigned long rcx,
                   unsigned long rdx, uint64_t *cost_ns)
{
    (void)ctx;
    (void)rdx;
    vmcalls++;
    if (nr != 0x0501)
        return 3;
    uint64_t pa = (rbx & 0xffffffffu) | ((uint64_t)rcx << 32);
    put64(pa, CVM_PA);
    put32(pa + 8, cvm_bytes);
    *cost_ns = 2000;
    return 0;
}

/* ---- the IO and console partitions ---------------------------------------------------- */

struct outcome {
    /* vhba */
    int hba_open, inquiry_rc, inquiry_linuxstat, bad_handle_seen;
    char inquiry_vendor[9];
    struct visorhba_info hba_info;
    /* vinput */
    int kbd_open, events, mouse_events;
    struct visorinput_event mev[16];
    struct visorinput_info mouse_info;
    struct visorinput_info kbd_info;
    struct visorinput_event ev[8];
    /* vnic */
    int nic_open, enable_rc, write_rc, read_rc;
    uint8_t rx[64];
    struct visornic_info nic_info;
    int unload_rc;
    int done;
};

static struct outcome out;
static struct cs_machine *machine;
static int rcv_posted;
static uint64_t rcv_cookie[32], rcv_pa[32];
static int rcv_n;

static void serve_vhba(void)
{
    uint8_t c[CMDRSP];
    while (fw_remove(IO_Q(VHBA_PA, 0), c) == 0) {
        if (c[0] != 1)
            continue;
        uint64_t handle, gpa;
        memcpy(&handle, c + 1, 8);
        memcpy(&gpa, c + 1 + 30, 8);
        if (mode == MODE_PAUSE && c[1 + 8] == 0x28)
            continue;           /* READ: held until the IO partition goes down */
        if (c[1 + 8] == 0x12) { /* INQUIRY */
            static const char inq[36] = "\0\0\x05\x02\x1f\0\0\0CHANSIM VIRTUAL DISK    1.0";
            memcpy(mem + gpa, inq, sizeof(inq));
        }
        /* first a completion for a handle never sent, which the guest must refuse */
        uint8_t bad[CMDRSP];
        memcpy(bad, c, CMDRSP);
        uint64_t wrong = 77;
        memcpy(bad + 1, &wrong, 8);
        fw_insert(IO_Q(VHBA_PA, 1), bad);
        int32_t ok = 0;
        memcpy(c + 1 + 1070, &ok, 4);
        fw_insert(IO_Q(VHBA_PA, 1), c);
    }
}

static void serve_vnic(void)
{
    uint8_t c[CMDRSP];
    while (fw_remove(IO_Q(VNIC_PA, 0), c) == 0) {
        uint32_t type;
        uint64_t buf;
        memcpy(&type, c + 1, 4);
        memcpy(&buf, c + 5, 8);
        uint8_t *u = c + 13;           /* the union of uiscmdrsp_net */
        if (type == 0 && rcv_n < 32) { /* NET_RCV_POST */
            uint64_t pfn;
            uint16_t off;
            memcpy(&pfn, u, 8);
            memcpy(&off, u + 8, 2);
            rcv_cookie[rcv_n] = buf;
            rcv_pa[rcv_n++] = pfn * 4096 + off;
            rcv_posted++;
        } else if (type == 4) { /* NET_RCV_ENBDIS: ACK it, and report the link up */
            uint32_t t = 5;
            memcpy(c + 1, &t, 4);
            fw_insert(IO_Q(VNIC_PA, 1), c);
            uint8_t s[CMDRSP] = {2};
            t = 7;
            memcpy(s + 1, &t, 4);
            uint16_t one = 1;
            memcpy(s + 13 + 8, &one, 2);
            fw_insert(IO_Q(VNIC_PA, 1), s);
        } else if (type == 2) { /* NET_XMIT: confirm it, and loop the frame back */
            int len;
            uint64_t pfn;
            uint16_t off;
            memcpy(&len, u, 4);
            memcpy(&pfn, u + 8, 8);
            memcpy(&off, u + 16, 2);
            uint8_t done[CMDRSP] = {2};
            uint32_t t = 3;
            memcpy(done + 1, &t, 4);
            memcpy(done + 5, &buf, 8);
            fw_insert(IO_Q(VNIC_PA, 1), done);
            /* a receive naming a buffer never posted: must be refused */
            uint8_t bad[CMDRSP] = {2};
            t = 1;
            memcpy(bad + 1, &t, 4);
            uint64_t forged = 0xdeadbeef;
            memcpy(bad + 5, &forged, 8);
            memcpy(bad + 13, &len, 4);
            bad[13 + 4] = 1;
            memcpy(bad + 13 + 5, &forged, 8);
            fw_insert(IO_Q(VNIC_PA, 1), bad);
            if (rcv_n > 0) {
                rcv_n--;
                memcpy(mem + rcv_pa[rcv_n], mem + pfn * 4096 + off, (size_t)len);
                uint8_t r[CMDRSP] = {2};
                t = 1;
                memcpy(r + 1, &t, 4);
                memcpy(r + 5, &rcv_cookie[rcv_n], 8);
                memcpy(r + 13, &len, 4);
                r[13 + 4] = 1;
                memcpy(r + 13 + 5, &rcv_cookie[rcv_n], 8);
                fw_insert(IO_Q(VNIC_PA, 1), r);
            }
        }
    }
}

static void firmware_tick(void *arg)
{
    (void)arg;
    serve_vhba();
    serve_vnic();
    if (!out.done)
        cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 500000), firmware_tick,
                       NULL);
}

static void command_partition(void *arg)
{
    (void)arg;
    for (int i = 0; i < nscript; i++)
        ck_assert_int_eq(fw_insert(CVM_Q(2), &script[i]), 0);
    if (doorbell) {
        cs_error err = {0};
        ck_assert_int_eq(ks_acpi_notify(kernel, "PNP0A07", 0x80, &err), 1);
    }
}

static void key_press(void *arg)
{
    (void)arg;
    /* three reports the guest must refuse (unknown action, a scancode no key has, a mouse
     * action on a keyboard), then KEY_DOWN_UP of 'A' */
    static const uint16_t reports[4][2] = {{99, 0x1e}, {64, 0x7f}, {1, 0x10}, {67, 0x1e}};
    for (int i = 0; i < 4; i++) {
        uint8_t r[16] = {0};
        uint64_t seq = (uint64_t)i + 1;
        memcpy(r, &seq, 8);
        memcpy(r + 8, &reports[i][0], 2);
        memcpy(r + 10, &reports[i][1], 2);
        fw_insert(INPUT_Q(KBD_PA), r);
    }
}

static void mouse_moves(void *arg)
{
    (void)arg;
    /* motion outside 640x480 and button 9 are refused; then motion, a left click, the wheel */
    static const uint16_t reports[5][3] = {
        {1, 1000, 10}, {4, 9, 0}, {1, 100, 200}, {4, 1, 0}, {6, 0, 0}};
    for (int i = 0; i < 5; i++) {
        uint8_t r[16] = {0};
        memcpy(r + 8, &reports[i][0], 2);
        memcpy(r + 10, &reports[i][1], 2);
        memcpy(r + 12, &reports[i][2], 2);
        fw_insert(INPUT_Q(MOUSE2_PA), r);
    }
}

/* ---- the guest's programs ------------------------------------------------------------- */

static int open_retry(struct ks_uproc *p, const char *path)
{
    for (int i = 0; i < 200; i++) {
        int fd = ks_sys_open(p, path, O_RDWR);
        if (fd >= 0)
            return fd;
        ks_sys_sleep_ms(p, 1);
    }
    return -1;
}

static void app(struct ks_uproc *p, void *arg)
{
    (void)arg;
    int fd = open_retry(p, "/dev/visorhba0");
    out.hba_open = fd >= 0;
    if (fd >= 0) {
        struct visorhba_scsi_cmd *cmd = ks_umalloc(p, sizeof(*cmd));
        uint8_t *data = ks_umalloc(p, 96);
        memset(cmd, 0, sizeof(*cmd));
        cmd->cdb[0] = 0x12;
        cmd->cdb[4] = 96;
        cmd->cdb_len = 6;
        cmd->data_dir = VISORHBA_DIR_FROM_DEVICE;
        cmd->data_len = 96;
        cmd->data = (uint64_t)(uintptr_t)data;
        out.inquiry_rc = (int)ks_sys_ioctl(p, fd, VISORHBA_IOC_SCSI, (unsigned long)cmd);
        out.inquiry_linuxstat = cmd->linuxstat;
        memcpy(out.inquiry_vendor, data + 8, 8);
        ks_sys_sleep_ms(p, 10); /* the poll thread sees the hostile completion too */
        struct visorhba_info *info = ks_umalloc(p, sizeof(*info));
        ks_sys_ioctl(p, fd, VISORHBA_IOC_INFO, (unsigned long)info);
        out.hba_info = *info;
        ks_sys_close(p, fd);
    }
    fd = open_retry(p, "/dev/visorinput0");
    out.kbd_open = fd >= 0;
    if (fd >= 0) {
        struct visorinput_event *ev = ks_umalloc(p, 8 * sizeof(*ev));
        cs_sched_after(machine->sched, 1, key_press, NULL);
        while (out.events < 3) {
            ssize_t n = ks_sys_read(p, fd, ev, 8 * sizeof(*ev));
            if (n <= 0)
                break;
            for (size_t i = 0; i < (size_t)n / sizeof(*ev) && out.events < 8; i++)
                out.ev[out.events++] = ev[i];
        }
        struct visorinput_info *info = ks_umalloc(p, sizeof(*info));
        ks_sys_ioctl(p, fd, VISORINPUT_IOC_INFO, (unsigned long)info);
        out.kbd_info = *info;
        ks_sys_close(p, fd);
    }
    /* the destroyed mouse gave its number back: the later one is visorinput1 */
    fd = open_retry(p, "/dev/visorinput1");
    if (fd >= 0) {
        struct visorinput_event *ev = ks_umalloc(p, 16 * sizeof(*ev));
        cs_sched_after(machine->sched, 1, mouse_moves, NULL);
        while (out.mouse_events < 8) {
            ssize_t n = ks_sys_read(p, fd, ev, 16 * sizeof(*ev));
            if (n <= 0)
                break;
            for (size_t i = 0; i < (size_t)n / sizeof(*ev) && out.mouse_events < 16; i++)
                out.mev[out.mouse_events++] = ev[i];
        }
        struct visorinput_info *info = ks_umalloc(p, sizeof(*info));
        ks_sys_ioctl(p, fd, VISORINPUT_IOC_INFO, (unsigned long)info);
        out.mouse_info = *info;
        ks_sys_close(p, fd);
    }
    fd = open_retry(p, "/dev/visornic0");
    out.nic_open = fd >= 0;
    if (fd >= 0) {
        uint32_t *one = ks_umalloc(p, sizeof(*one));
        *one = 1;
        out.enable_rc = (int)ks_sys_ioctl(p, fd, VISORNIC_IOC_ENABLE, (unsigned long)one);
        uint8_t *frame = ks_umalloc(p, 64), *rx = ks_umalloc(p, 64);
        for (int i = 0; i < 64; i++)
            frame[i] = (uint8_t)(i * 7);
        out.write_rc = (int)ks_sys_write(p, fd, frame, 64);
        out.read_rc = (int)ks_sys_read(p, fd, rx, 64);
        memcpy(out.rx, rx, 64);
        ks_sys_sleep_ms(p, 10);
        struct visornic_info *info = ks_umalloc(p, sizeof(*info));
        ks_sys_ioctl(p, fd, VISORNIC_IOC_INFO, (unsigned long)info);
        out.nic_info = *info;
        ks_sys_close(p, fd);
    }
    /* rmmod everything: whatever a driver still holds is a K5 finding */
    static const char *const mods[] = {"visorinput", "visornic", "visorhba", "visorbus"};
    for (int i = 0; i < 4; i++)
        out.unload_rc |= ks_module_unload(kernel, mods[i]);
    out.done = 1;
}

/* The IO partition goes down (standby: the guest pauses the vhba) with a READ outstanding,
 * and comes back (running: resume). */
static void io_partition_down(void *arg)
{
    (void)arg;
    struct msg m = changestate(20, 1, 0, 0x0073);
    fw_insert(CVM_Q(2), &m);
    m = changestate(22, 1, 2, 0x0073); /* and the vnic */
    fw_insert(CVM_Q(2), &m);
    rcv_n = 0; /* a crashed IO partition forgets the buffers posted to it */
}

static void io_partition_up(void *arg)
{
    (void)arg;
    struct msg m = changestate(21, 1, 0, 0x00F7);
    fw_insert(CVM_Q(2), &m);
    m = changestate(23, 1, 2, 0x00F7);
    fw_insert(CVM_Q(2), &m);
}

struct pause_outcome {
    int read_rc, read_linuxstat, while_paused_rc, after_rc, after_linuxstat;
    int enable_rc, nic_paused_rc, nic_write_rc, nic_read_rc, rx_ok;
    char vendor[9];
};
static struct pause_outcome pout;

static long scsi6(struct ks_uproc *p, int fd, uint8_t op, uint32_t dir, uint8_t *data, uint32_t len,
                  int32_t *linuxstat)
{
    struct visorhba_scsi_cmd *cmd = ks_umalloc(p, sizeof(*cmd));
    memset(cmd, 0, sizeof(*cmd));
    cmd->cdb[0] = op;
    cmd->cdb_len = op == 0x28 ? 10 : 6;
    if (op == 0x28)
        cmd->cdb[8] = (uint8_t)(len / 512);
    else
        cmd->cdb[4] = (uint8_t)len;
    cmd->data_dir = dir;
    cmd->data_len = len;
    cmd->data = (uint64_t)(uintptr_t)data;
    long rc = ks_sys_ioctl(p, fd, VISORHBA_IOC_SCSI, (unsigned long)cmd);
    *linuxstat = cmd->linuxstat;
    return rc;
}

static void pause_app(struct ks_uproc *p, void *arg)
{
    (void)arg;
    int nic = open_retry(p, "/dev/visornic0");
    ck_assert_int_ge(nic, 0);
    uint32_t *one = ks_umalloc(p, sizeof(*one));
    *one = 1;
    pout.enable_rc = (int)ks_sys_ioctl(p, nic, VISORNIC_IOC_ENABLE, (unsigned long)one);
    uint8_t *frame = ks_umalloc(p, 80), *rx = ks_umalloc(p, 80);
    for (int i = 0; i < 80; i++)
        frame[i] = (uint8_t)(i ^ 0x5a);
    int fd = open_retry(p, "/dev/visorhba0");
    ck_assert_int_ge(fd, 0);
    uint8_t *data = ks_umalloc(p, 4096);
    int32_t st;
    pout.read_rc = (int)scsi6(p, fd, 0x28, VISORHBA_DIR_FROM_DEVICE, data, 4096, &st);
    pout.read_linuxstat = st;
    pout.while_paused_rc = (int)scsi6(p, fd, 0x12, VISORHBA_DIR_FROM_DEVICE, data, 96, &st);
    pout.nic_paused_rc = (int)ks_sys_write(p, nic, frame, 80);
    ks_sys_sleep_ms(p, 150);
    /* resumed: receive re-enabled by the driver itself, a frame goes out and comes back */
    pout.nic_write_rc = (int)ks_sys_write(p, nic, frame, 80);
    pout.nic_read_rc = (int)ks_sys_read(p, nic, rx, 80);
    pout.rx_ok = memcmp(rx, frame, 80) == 0;
    ks_sys_close(p, nic);
    pout.after_rc = (int)scsi6(p, fd, 0x12, VISORHBA_DIR_FROM_DEVICE, data, 96, &st);
    pout.after_linuxstat = st;
    memcpy(pout.vendor, data + 8, 8);
    ks_sys_close(p, fd);
    static const char *const mods[] = {"visorinput", "visornic", "visorhba", "visorbus"};
    for (int i = 0; i < 4; i++)
        out.unload_rc |= ks_module_unload(kernel, mods[i]);
    out.done = 1;
}

/* ---- the run -------------------------------------------------------------------------- */

struct run {
    struct ks_kernel_stats ks;
    struct ks_finding_record first;
    struct msg acks[64], rsps[64];
    int nacks, nrsps;
    uint64_t vhba_features, vnic_features;
    char devinfo0[16];
    uint32_t saved_crash_id;
    int idle;
    uint64_t sim_ns;
    uint64_t saved_crash_handle;
};

static void boot_and_run(struct run *r, int run_mode)
{
    int hostile = run_mode == MODE_HOSTILE;
    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct ks_kernel *k = NULL;
    memset(r, 0, sizeof(*r));
    memset(&out, 0, sizeof(out));
    cvm_bytes = CVM_SIZE;
    doorbell = hostile;
    mode = run_mode;
    nscript = NSCRIPT;
    memset(&pout, 0, sizeof(pout));
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/visor.xml", NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, NULL, 0, NULL, &machine, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &machine->domains[0];
    mem = dom->mem.host;
    ck_assert_msg(ks_kernel_create(dom, "kernel", &k, &err) == 0, "%s", err.msg);
    kernel = k;
    ks_kernel_set_console_level(k, -1);
    build_controlvm();
    build_vbus();
    build_io(VHBA_PA, g_vhba);
    put32(VHBA_PA + 396, 1);     /* max_id */
    put32(VHBA_PA + 404, 8);     /* cmd_per_lun */
    put32(VHBA_PA + 408, 65536); /* max_io_size */
    build_io(VNIC_PA, g_vnic);
    static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x42};
    memcpy(mem + VNIC_PA + 384, mac, 6);
    put32(VNIC_PA + 390, 8);
    put32(VNIC_PA + 394, 1500);
    build_input(KBD_PA, g_kbd);
    build_input(MOUSE_PA, g_mouse);
    build_input(MOUSE2_PA, g_mouse);
    put16(MOUSE2_PA + 132, 640); /* x_res */
    put16(MOUSE2_PA + 134, 480); /* y_res */
    if (hostile) {
        build_hostile_script();
        build_vbus();
        memcpy(mem + VBUS_BAD_PA, mem + VBUS_PA, 4096);
        put32(VBUS_BAD_PA + 132, 16);
        memset(mem + NOSIG_PA, 0x5a, 4096);
        cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 50000000),
                       spoil_response_queue, NULL);
    } else {
        build_script();
    }
    if (run_mode == MODE_PAUSE) {
        nscript = 5; /* CHIPSET_INIT, BUS_CREATE, vhba, keyboard and vnic DEVICE_CREATE */
        cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 100000000),
                       io_partition_down, NULL);
        cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 200000000), io_partition_up,
                       NULL);
    }
    ks_kernel_set_cpuid_vendor(k, 0x40000000, 0x73696e55, 0x70537379, 0x34367261);
    ks_kernel_set_vmcall_handler(k, vmcall, NULL);
    ck_assert_msg(ks_acpi_device_add(k, "PNP0A07", &err) == 0, "%s", err.msg);
    const char *mods[] = {"visorbus", "visorhba", "visornic", "visorinput"};
    ck_assert_msg(ks_kernel_boot(k, mods, 4, &err) == 0, "%s", err.msg);
    cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 1000000), command_partition,
                   NULL);
    /* the IO partitions serve the app's traffic until it is done */
    if (!hostile) {
        cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 1000000), firmware_tick,
                       NULL);
        ks_uproc_spawn(k, "app", run_mode == MODE_PAUSE ? pause_app : app, NULL);
    }
    /* with the doorbell the guest stops polling 10 s after the last command: the run ends idle */
    struct cs_run_opts ro = {hostile ? 60000000000ull : 500000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(machine, &ro, &sum, &err) == 0, "%s", err.msg);
    r->idle = sum.idle;
    r->sim_ns = sum.sim_ns;
    ks_kernel_stats(k, &r->ks);
    size_t n;
    const struct ks_finding_record *f = ks_kernel_findings(k, &n);
    if (n)
        r->first = f[0];
    while (r->nacks < 64 && fw_remove(CVM_Q(3), &r->acks[r->nacks]) == 0)
        r->nacks++;
    while (r->nrsps < 64 && fw_remove(CVM_Q(0), &r->rsps[r->nrsps]) == 0)
        r->nrsps++;
    r->vhba_features = get64(VHBA_PA + 24);
    r->vnic_features = get64(VNIC_PA + 24);
    memcpy(r->devinfo0, mem + VBUS_PA + 768 + 16, 16);
    r->saved_crash_id = get32(CVM_PA + 36352 + 128);
    r->saved_crash_handle = get64(CVM_PA + 36352 + 128 + 24);
    ks_kernel_destroy(k);
    cs_machine_free(machine);
    cs_platform_free(p);
}

static uint32_t m32(const struct msg *m, unsigned off)
{
    uint32_t v;
    memcpy(&v, m->b + off, 4);
    return v;
}
static uint64_t m64(const struct msg *m, unsigned off)
{
    uint64_t v;
    memcpy(&v, m->b + off, 8);
    return v;
}

START_TEST(controlvm_acks_then_responds_in_order)
{
    struct run r;
    boot_and_run(&r, MODE_TRAFFIC);
    ck_assert_int_ge(vmcalls, 1);
    /* every command ACKed, in order, as its header with the payload fields and packet zeroed */
    ck_assert_int_eq(r.nacks, NSCRIPT);
    for (int i = 0; i < NSCRIPT; i++) {
        ck_assert_uint_eq(m64(&r.acks[i], 24), (uint64_t)i + 1);
        ck_assert_uint_eq(m32(&r.acks[i], 0), m32(&script[i], 0));
        ck_assert_uint_eq(m32(&r.acks[i], 16), F_RESPONSE_EXPECTED);
        for (int b = 48; b < 128; b++)
            ck_assert_int_eq(r.acks[i].b[b], 0);
    }
    /* one response per command, in command order, with the spec's status */
    ck_assert_int_eq(r.nrsps, NSCRIPT);
    for (int i = 0; i < NSCRIPT; i++) {
        const struct msg *m = &r.rsps[i];
        ck_assert_msg(m64(m, 24) == (uint64_t)i + 1, "response %d answers handle %llu", i,
                      (unsigned long long)m64(m, 24));
        ck_assert_msg(m32(m, 12) == want[i].status, "command %d (%#x): status %u, want %u", i,
                      m32(&script[i], 0), m32(m, 12), want[i].status);
        ck_assert_int_eq(m32(m, 16) & F_FAILED, want[i].failed);
    }
    /* CHIPSET_INIT's reply features: para-hotplug echoed, reply set */
    ck_assert_uint_eq(m32(&r.rsps[0], 48 + 8), 0x3);
    /* pause and resume answered with the device and its new state */
    ck_assert_uint_eq(m32(&r.rsps[10], 48 + 4), 1);
    ck_assert_uint_eq(r.rsps[10].b[48 + 8] | (r.rsps[10].b[48 + 9] << 8), 0x0073);
    ck_assert_uint_eq(r.rsps[11].b[48 + 8] | (r.rsps[11].b[48 + 9] << 8), 0x00F7);
    /* saved crash message slot 1: the accepted vhba DEVICE_CREATE (handle 3); the refused ones
     * (handles 9 and 10) never got that far */
    ck_assert_uint_eq(r.saved_crash_id, 0x201);
    ck_assert_uint_eq(r.saved_crash_handle, 3);
    ck_assert_msg(r.ks.total_findings == 0, "finding %s at %s:%d: %s", ks_finding_id(r.first.kind),
                  r.first.file, r.first.line, r.first.msg);
}
END_TEST

START_TEST(function_drivers_probe_and_serve)
{
    struct run r;
    boot_and_run(&r, MODE_TRAFFIC);
    /* probes marked their channels as polled and named themselves in the bus channel */
    ck_assert_uint_eq(r.vhba_features & (1u << 3), 1u << 3);
    ck_assert_uint_eq(r.vnic_features & 0x48, 0x48);
    ck_assert_str_eq(r.devinfo0, "visorhba");
    /* vhba: INQUIRY round trip, the forged completion refused */
    ck_assert(out.hba_open);
    ck_assert_int_eq(out.inquiry_rc, 0);
    ck_assert_int_eq(out.inquiry_linuxstat, 0);
    ck_assert_str_eq(out.inquiry_vendor, "CHANSIM ");
    ck_assert_uint_eq(out.hba_info.completed, 1);
    ck_assert_uint_eq(out.hba_info.violations, 1);
    ck_assert_uint_eq(out.hba_info.outstanding, 0);
    /* vinput: KEY_DOWN_UP of scancode 0x1e = KEY_A (30) pressed, released, SYN */
    ck_assert(out.kbd_open);
    ck_assert_int_ge(out.events, 3);
    ck_assert_uint_eq(out.ev[0].type, VISORINPUT_EV_KEY);
    ck_assert_uint_eq(out.ev[0].code, 30);
    ck_assert_int_eq(out.ev[0].value, 1);
    ck_assert_int_eq(out.ev[1].value, 0);
    ck_assert_uint_eq(out.ev[2].type, VISORINPUT_EV_SYN);
    ck_assert_uint_eq(out.kbd_info.kind, VISORINPUT_KEYBOARD);
    ck_assert_uint_eq(out.kbd_info.reports, 4);
    ck_assert_uint_eq(out.kbd_info.violations, 3);
    /* the mouse: absolute motion, a click, the wheel, each report closed by SYN */
    static const struct visorinput_event mouse_want[8] = {
        {VISORINPUT_EV_ABS, VISORINPUT_ABS_X, 100},
        {VISORINPUT_EV_ABS, VISORINPUT_ABS_Y, 200},
        {VISORINPUT_EV_SYN, 0, 0},
        {VISORINPUT_EV_KEY, VISORINPUT_BTN_LEFT, 1},
        {VISORINPUT_EV_KEY, VISORINPUT_BTN_LEFT, 0},
        {VISORINPUT_EV_SYN, 0, 0},
        {VISORINPUT_EV_REL, VISORINPUT_REL_WHEEL, 1},
        {VISORINPUT_EV_SYN, 0, 0}};
    ck_assert_int_eq(out.mouse_events, 8);
    for (int i = 0; i < 8; i++) {
        ck_assert_uint_eq(out.mev[i].type, mouse_want[i].type);
        ck_assert_uint_eq(out.mev[i].code, mouse_want[i].code);
        ck_assert_int_eq(out.mev[i].value, mouse_want[i].value);
    }
    ck_assert_uint_eq(out.mouse_info.kind, VISORINPUT_MOUSE);
    ck_assert_uint_eq(out.mouse_info.x_res, 640);
    ck_assert_uint_eq(out.mouse_info.y_res, 480);
    ck_assert_uint_eq(out.mouse_info.violations, 2);
    /* vnic: enabled (ACKed), a frame out and back, the forged receive refused */
    ck_assert(out.nic_open);
    ck_assert_int_eq(out.enable_rc, 0);
    ck_assert_int_eq(rcv_posted >= 8, 1);
    ck_assert_int_eq(out.write_rc, 64);
    ck_assert_int_eq(out.read_rc, 64);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(out.rx[i], (uint8_t)(i * 7));
    ck_assert(out.nic_info.link);
    ck_assert(out.nic_info.enabled);
    ck_assert_uint_eq(out.nic_info.tx_done, 1);
    ck_assert_uint_eq(out.nic_info.rx_frames, 1);
    ck_assert_uint_eq(out.nic_info.violations, 1);
    ck_assert_uint_eq(out.nic_info.mac[5], 0x42);
    ck_assert(out.done);
    ck_assert_int_eq(out.unload_rc, 0);
    ck_assert_msg(r.ks.total_findings == 0, "finding %s at %s:%d: %s", ks_finding_id(r.first.kind),
                  r.first.file, r.first.line, r.first.msg);
    ck_assert_uint_eq(r.ks.live_allocations, 0);
}
END_TEST

START_TEST(hostile_command_partition_is_answered_not_obeyed)
{
    struct run r;
    uint64_t before = vt_all_violations();
    boot_and_run(&r, MODE_HOSTILE);
    /* the commands before the spoiled queue: ACKed and answered with the spec's status; the
     * one after it: neither */
    ck_assert_int_eq(r.nacks, NHOSTILE);
    ck_assert_int_eq(r.nrsps, NHOSTILE);
    for (int i = 0; i < NHOSTILE; i++) {
        ck_assert_uint_eq(m64(&r.acks[i], 24), (uint64_t)i + 1);
        ck_assert_uint_eq(m64(&r.rsps[i], 24), (uint64_t)i + 1);
        ck_assert_msg(m32(&r.rsps[i], 12) == want[i].status, "command %d: status %u, want %u", i,
                      m32(&r.rsps[i], 12), want[i].status);
        ck_assert_int_eq(m32(&r.rsps[i], 16) & F_FAILED, want[i].failed);
    }
    /* the doorbell let the guest stop polling once idle: the run ended by itself */
    ck_assert(r.idle);
    ck_assert_uint_ge(r.sim_ns, 10000000000ull);
    ck_assert_uint_lt(r.sim_ns, 20000000000ull);
    /* payload, bus info, signature, device number, and the spoiled queue at every poll */
    ck_assert_uint_ge(vt_all_violations(), before + 5);
    ck_assert_msg(r.ks.total_findings == 0, "finding %s at %s:%d: %s", ks_finding_id(r.first.kind),
                  r.first.file, r.first.line, r.first.msg);
}
END_TEST

START_TEST(pause_fails_outstanding_commands_and_resume_serves_again)
{
    struct run r;
    boot_and_run(&r, MODE_PAUSE);
    /* the held READ comes back with the host byte DID_RESET when the vhba is paused */
    ck_assert_int_eq(pout.read_rc, 0);
    ck_assert_int_eq(pout.read_linuxstat, 0x08 << 16);
    /* nothing is sent while paused */
    ck_assert_int_eq(pout.while_paused_rc, -EAGAIN);
    /* resumed: served again */
    ck_assert_int_eq(pout.after_rc, 0);
    ck_assert_int_eq(pout.after_linuxstat, 0);
    ck_assert_str_eq(pout.vendor, "CHANSIM ");
    /* the vnic: nothing sent while paused; after resume receive works again */
    ck_assert_int_eq(pout.enable_rc, 0);
    ck_assert_int_eq(pout.nic_paused_rc, -ENETDOWN);
    ck_assert_int_eq(pout.nic_write_rc, 80);
    ck_assert_int_eq(pout.nic_read_rc, 80);
    ck_assert(pout.rx_ok);
    /* every state change answered, in order, with the device and its new state */
    static const struct {
        uint64_t handle;
        uint32_t dev;
        uint16_t state;
    } changes[4] = {{20, 0, 0x0073}, {22, 2, 0x0073}, {21, 0, 0x00F7}, {23, 2, 0x00F7}};
    ck_assert_int_eq(r.nrsps, 9);
    for (int i = 0; i < 4; i++) {
        const struct msg *m = &r.rsps[5 + i];
        ck_assert_uint_eq(m64(m, 24), changes[i].handle);
        ck_assert_uint_eq(m32(m, 12), 0);
        ck_assert_uint_eq(m32(m, 48 + 4), changes[i].dev);
        ck_assert_uint_eq(m->b[48 + 8] | (m->b[48 + 9] << 8), changes[i].state);
    }
    ck_assert_int_eq(out.unload_rc, 0);
    ck_assert_msg(r.ks.total_findings == 0, "finding %s at %s:%d: %s", ks_finding_id(r.first.kind),
                  r.first.file, r.first.line, r.first.msg);
    ck_assert_uint_eq(r.ks.live_allocations, 0);
}
END_TEST

/* ---- queue 1 drained at most 64 messages per poll (spec visor.md §3.4 step 1) ----------- */

/* A controlvm channel whose RESPONSE queue has 100 slots, past the standard layout (the guest
 * maps header.size bytes and trusts max_slots while the slots lie inside the channel): 99
 * messages wait in it, more than one poll's 64 removals, as when the firmware refills it while
 * the guest drains. */
#define BIG_Q1_SLOTS 100u
#define BIG_CVM_SIZE (CVM_SIZE + BIG_Q1_SLOTS * 128u)

/* What an observer between the guest's polls saw: q1's num_received, and the ACKs and
 * responses the guest had inserted then. */
struct drain_seen {
    uint64_t received[64], acks[64], rsps[64];
    int n;
};
static struct drain_seen seen;

static void observe_drain(void *arg)
{
    (void)arg;
    uint64_t rcv = get64(CVM_Q(1) + 64), acks = get64(CVM_Q(3) + 32), rsps = get64(CVM_Q(0) + 32);
    if (seen.n == 0 || (seen.received[seen.n - 1] != rcv || seen.acks[seen.n - 1] != acks ||
                        seen.rsps[seen.n - 1] != rsps)) {
        ck_assert_int_lt(seen.n, 64);
        seen.received[seen.n] = rcv;
        seen.acks[seen.n] = acks;
        seen.rsps[seen.n++] = rsps;
    }
    cs_sched_after(machine->sched, cs_machine_ns_to_cycles(machine, 250000), observe_drain, NULL);
}

START_TEST(response_queue_drain_stops_at_64_per_poll)
{
    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct ks_kernel *k = NULL;
    memset(&seen, 0, sizeof(seen));
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/visor.xml", NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, NULL, 0, NULL, &machine, &err) == 0, "%s", err.msg);
    mem = machine->domains[0].mem.host;
    ck_assert_msg(ks_kernel_create(&machine->domains[0], "kernel", &k, &err) == 0, "%s", err.msg);
    kernel = k;
    ks_kernel_set_console_level(k, -1);
    build_controlvm();
    cvm_bytes = BIG_CVM_SIZE;
    put64(CVM_PA + 16, BIG_CVM_SIZE);
    queue_init(CVM_Q(1), 128, BIG_Q1_SLOTS, CVM_SIZE - (3072 + 128));
    for (uint64_t i = 1; i < BIG_Q1_SLOTS; i++) {
        struct msg m = cvm_msg(0x304, 1000 + i); /* responses nobody asked for */
        ck_assert_int_eq(fw_insert(CVM_Q(1), &m), 0);
    }
    struct msg m = cvm_msg(0x304, 1); /* CHIPSET_READY, waiting behind them */
    ck_assert_int_eq(fw_insert(CVM_Q(2), &m), 0);
    ks_kernel_set_cpuid_vendor(k, 0x40000000, 0x73696e55, 0x70537379, 0x34367261);
    ks_kernel_set_vmcall_handler(k, vmcall, NULL);
    ck_assert_msg(ks_acpi_device_add(k, "PNP0A07", &err) == 0, "%s", err.msg);
    const char *mods[] = {"visorbus"};
    ck_assert_msg(ks_kernel_boot(k, mods, 1, &err) == 0, "%s", err.msg);
    observe_drain(NULL);
    struct cs_run_opts ro = {100000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(machine, &ro, &sum, &err) == 0, "%s", err.msg);
    /* 0, then 64 removed and the command left alone (not taken, not ACKed), then the rest
     * and the command ACKed and answered in the same poll */
    ck_assert_int_eq(seen.n, 3);
    ck_assert_uint_eq(seen.received[0], 0);
    ck_assert_uint_eq(seen.received[1], 64);
    ck_assert_uint_eq(seen.acks[1], 0);
    ck_assert_uint_eq(seen.rsps[1], 0);
    ck_assert_uint_eq(get32(CVM_Q(2) + 72), 1); /* the command was taken once, later */
    ck_assert_uint_eq(seen.received[2], BIG_Q1_SLOTS - 1);
    ck_assert_uint_eq(seen.acks[2], 1);
    ck_assert_uint_eq(seen.rsps[2], 1);
    struct msg ack, rsp;
    ck_assert_int_eq(fw_remove(CVM_Q(3), &ack), 0);
    ck_assert_int_eq(fw_remove(CVM_Q(0), &rsp), 0);
    ck_assert_uint_eq(m64(&ack, 24), 1);
    ck_assert_uint_eq(m64(&rsp, 24), 1);
    ck_assert_uint_eq(m32(&rsp, 16) & F_FAILED, 0);
    struct ks_kernel_stats ks;
    ks_kernel_stats(k, &ks);
    ck_assert_uint_eq(ks.total_findings, 0);
    ks_kernel_destroy(k);
    cs_machine_free(machine);
    cs_platform_free(p);
}
END_TEST

static Suite *visorbus_suite(void)
{
    Suite *s = suite_create("visorbus");
    TCase *tc = tcase_create("boot");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, controlvm_acks_then_responds_in_order);
    tcase_add_test(tc, function_drivers_probe_and_serve);
    tcase_add_test(tc, hostile_command_partition_is_answered_not_obeyed);
    tcase_add_test(tc, pause_fails_outstanding_commands_and_resume_serves_again);
    tcase_add_test(tc, response_queue_drain_stops_at_64_per_poll);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(visorbus_suite)
