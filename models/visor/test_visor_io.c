/* The IO and console partitions through their channels, with the test's guest end inserting
 * and removing uiscmdrsp signals: SCSI commands on a disk image with the data verified, sense
 * data, task management, a missing image; vnic receive posting, transmit, enable/disable,
 * promiscuous mode and the switch between two vnics and a pcap port; console reports from a
 * script, a full queue that loses nothing. */
#include <fcntl.h>
#include <unistd.h>

#include "cs_test.h"
#include "test_visor_util.h"
#include "visor_console.h"
#include "visor_io.h"

#define CH     0x100000
#define CH2    0x200000
#define DATA   0x400000 /* guest buffers */
#define BLOCKS 2048
#define SLOTS  64

static struct vt_bench b;
static char dir[512], image[600];

static void setup(void)
{
    vt_bench_init(&b, 16 << 20);
    cs_test_tmpdir(dir, sizeof(dir), "visor-io");
    snprintf(image, sizeof(image), "%s/disk.img", dir);
    int fd = open(image, O_CREAT | O_RDWR | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    /* block n holds the byte n & 0xff in every position */
    uint8_t blk[512];
    for (int i = 0; i < BLOCKS; i++) {
        memset(blk, i & 0xff, sizeof(blk));
        ck_assert_int_eq(write(fd, blk, sizeof(blk)), 512);
    }
    close(fd);
}

static void teardown(void)
{
    cs_test_rmtree(dir);
    vt_bench_release(&b);
}

static struct visor_vhba *new_vhba(void)
{
    cs_error err = {0};
    struct visor_vhba *v;
    struct visor_vhba_config cfg = {image, SLOTS, 65536};
    ck_assert_msg(visor_vhba_create(&b.mem, CH, &cfg, &b.tap, vt_bench_channel(&b, "visor.1.0"),
                                    "visor.1.0", &v, &err) == 0,
                  "%s", err.msg);
    return v;
}

/* a uiscmdrsp for a SCSI command with one data buffer at DATA */
static void scsi_cmd(uint8_t *r, const uint8_t *cdb, unsigned cdblen, uint32_t len, uint32_t dir_,
                     uint64_t handle, uint32_t lun)
{
    memset(r, 0, VISOR_IO_CMDRSP_SIZE);
    r[0] = VISOR_CMD_SCSI;
    uint8_t *u = r + VISOR_U;
    visor_put64(u + VISOR_SCSI_HANDLE, handle);
    memcpy(u + VISOR_SCSI_CDB, cdb, cdblen);
    visor_put32(u + VISOR_SCSI_BUFFLEN, len);
    visor_put16(u + VISOR_SCSI_NGPI, len ? 1 : 0);
    visor_put64(u + VISOR_SCSI_GPI, DATA);
    visor_put64(u + VISOR_SCSI_GPI + 8, len);
    visor_put32(u + VISOR_SCSI_DATA_DIR, dir_);
    visor_put32(u + VISOR_SCSI_VDEST + 8, lun);
}

static void roundtrip(struct visor_vhba *v, uint8_t *req, uint8_t *rsp)
{
    cs_error err = {0};
    uint64_t busy;
    ck_assert_int_eq(vt_guest_insert(&b.mem, CH, 0, req), 0);
    ck_assert_msg(visor_vhba_poll(v, 16, &busy, &err) == 2, "%s", err.msg);
    ck_assert_int_eq(vt_guest_remove(&b.mem, CH, 1, rsp), 0);
    ck_assert_uint_eq(visor_le64(rsp + VISOR_U), visor_le64(req + VISOR_U)); /* handle echoed */
}

START_TEST(vhba_scsi_commands)
{
    struct visor_vhba *v = new_vhba();
    uint8_t req[VISOR_IO_CMDRSP_SIZE], rsp[VISOR_IO_CMDRSP_SIZE];
    uint8_t *data = cs_gmem_ptr(&b.mem, DATA, 65536), *u = rsp + VISOR_U;

    const uint8_t inq[6] = {0x12, 0, 0, 0, 36, 0};
    scsi_cmd(req, inq, 6, 36, 2, 7, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(visor_le32(u + VISOR_SCSI_LINUXSTAT), 0);
    ck_assert_uint_eq(data[0], 0);
    ck_assert_mem_eq(data + 8, "CHANSIM ", 8);

    const uint8_t tur[6] = {0};
    scsi_cmd(req, tur, 6, 0, 3, 8, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(visor_le32(u + VISOR_SCSI_LINUXSTAT), 0);

    const uint8_t luns[12] = {0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 64};
    scsi_cmd(req, luns, 12, 64, 2, 9, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(data[3], 8); /* one LUN */
    ck_assert_uint_eq(data[8 + 1], 0);

    const uint8_t cap10[10] = {0x25};
    scsi_cmd(req, cap10, 10, 8, 2, 10, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq((uint32_t)data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3], BLOCKS - 1);
    ck_assert_uint_eq(data[6] << 8 | data[7], 512);
    const uint8_t cap16[16] = {0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32};
    scsi_cmd(req, cap16, 16, 32, 2, 11, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(data[6] << 8 | data[7], BLOCKS - 1);

    /* READ(10) of blocks 5..12: each block's fill byte */
    const uint8_t r10[10] = {0x28, 0, 0, 0, 0, 5, 0, 0, 8, 0};
    memset(data, 0xEE, 65536);
    scsi_cmd(req, r10, 10, 8 * 512, 2, 12, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(visor_le32(u + VISOR_SCSI_LINUXSTAT), 0);
    for (int i = 0; i < 8; i++)
        ck_assert_uint_eq(data[i * 512 + 100], 5 + i);
    ck_assert_uint_eq(data[8 * 512], 0xEE); /* nothing beyond the transfer */

    /* WRITE(16) to blocks 1000..1001, then READ(16) back */
    const uint8_t w16[16] = {0x8A, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xE8, 0, 0, 0, 2};
    for (int i = 0; i < 1024; i++)
        data[i] = (uint8_t)(i * 7);
    scsi_cmd(req, w16, 16, 1024, 1, 13, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(visor_le32(u + VISOR_SCSI_LINUXSTAT), 0);
    memset(data, 0, 1024);
    const uint8_t r16[16] = {0x88, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xE8, 0, 0, 0, 2};
    scsi_cmd(req, r16, 16, 1024, 2, 14, 0);
    roundtrip(v, req, rsp);
    for (int i = 0; i < 1024; i++)
        ck_assert_uint_eq(data[i], (uint8_t)(i * 7));
    /* and the image file holds it */
    int fd = open(image, O_RDONLY);
    uint8_t disk[1024];
    ck_assert_int_eq(pread(fd, disk, 1024, 1000 * 512), 1024);
    close(fd);
    for (int i = 0; i < 1024; i++)
        ck_assert_uint_eq(disk[i], (uint8_t)(i * 7));

    /* out of range: CHECK CONDITION, ILLEGAL REQUEST, LBA out of range; then REQUEST SENSE */
    const uint8_t bad[10] = {0x28, 0, 0, 0, 0x07, 0xFF, 0, 0, 2, 0};
    scsi_cmd(req, bad, 10, 1024, 2, 15, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(visor_le32(u + VISOR_SCSI_LINUXSTAT), 2);
    ck_assert_uint_eq(u[VISOR_SCSI_SCSISTAT], 2);
    ck_assert_uint_eq(u[VISOR_SCSI_SENSE] & 0x7f, 0x70);
    ck_assert_uint_eq(u[VISOR_SCSI_SENSE + 2], 0x5);
    ck_assert_uint_eq(u[VISOR_SCSI_SENSE + 12], 0x21);
    const uint8_t rs[6] = {0x03, 0, 0, 0, 18, 0};
    scsi_cmd(req, rs, 6, 18, 2, 16, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(data[2], 0x5);
    ck_assert_uint_eq(data[12], 0x21);

    /* unknown opcode, LUN 1, and a data list outside guest memory */
    const uint8_t fmt[6] = {0x04};
    scsi_cmd(req, fmt, 6, 0, 3, 17, 0);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(u[VISOR_SCSI_SENSE + 12], 0x20);
    scsi_cmd(req, inq, 6, 36, 2, 18, 1);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(data[0], 0x7F);
    scsi_cmd(req, r10, 10, 8 * 512, 2, 19, 0);
    visor_put64(req + VISOR_U + VISOR_SCSI_GPI, (16 << 20) - 100);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(visor_le32(u + VISOR_SCSI_LINUXSTAT) >> 16, 0x07); /* DID_ERROR */

    /* task management */
    memset(req, 0, sizeof(req));
    req[0] = VISOR_CMD_TASKMGMT;
    visor_put32(req + VISOR_U + VISOR_TM_TYPE, 1);
    visor_put64(req + VISOR_U + VISOR_TM_HANDLE, 3);
    visor_put64(req + VISOR_U + VISOR_TM_NOTIFY, 41);
    roundtrip(v, req, rsp);
    ck_assert_uint_eq(u[VISOR_TM_RESULT], VISOR_TM_SUCCESS);
    ck_assert_uint_eq(visor_le64(u + VISOR_TM_NOTIFY), 41);

    struct visor_vhba_stats s;
    visor_vhba_stats(v, &s);
    ck_assert_uint_eq(s.reads, 2);
    ck_assert_uint_eq(s.writes, 1);
    ck_assert_uint_eq(s.bad_requests, 1);
    ck_assert_uint_eq(s.taskmgmt, 1);
    visor_vhba_free(v);
}
END_TEST

START_TEST(vhba_full_response_queue_loses_nothing)
{
    cs_error err = {0};
    struct visor_vhba *v = new_vhba();
    uint8_t req[VISOR_IO_CMDRSP_SIZE], rsp[VISOR_IO_CMDRSP_SIZE];
    const uint8_t tur[6] = {0};
    uint64_t busy, next = 1;
    /* 200 commands while the guest reads answers slowly: every handle comes back once, in order */
    for (int sent = 0, got = 0; got < 200;) {
        while (sent < 200) {
            scsi_cmd(req, tur, 6, 0, 3, (uint64_t)sent + 1, 0);
            if (vt_guest_insert(&b.mem, CH, 0, req))
                break;
            sent++;
        }
        ck_assert_int_ge(visor_vhba_poll(v, 1000, &busy, &err), 0);
        for (int i = 0; i < 10 && !vt_guest_remove(&b.mem, CH, 1, rsp); i++, got++)
            ck_assert_uint_eq(visor_le64(rsp + VISOR_U), next++);
    }
    ck_assert_int_eq(vt_guest_remove(&b.mem, CH, 1, rsp), 1);
    struct visor_queue_stats qs;
    visor_channel_stats(visor_vhba_channel(v), 1, &qs);
    ck_assert_uint_gt(qs.overflows, 0);
    ck_assert_uint_eq(qs.sent, 200);
    visor_vhba_free(v);
}
END_TEST

START_TEST(vhba_missing_image)
{
    cs_error err = {0};
    struct visor_vhba *v;
    struct visor_vhba_config cfg = {"/nonexistent/disk.img", SLOTS, 65536};
    ck_assert_int_eq(visor_vhba_create(&b.mem, CH, &cfg, NULL, 0, "visor.1.0", &v, &err), -1);
    cs_assert_contains(err.msg, "visor.1.0: disk image '/nonexistent/disk.img'");
    cs_assert_contains(err.msg, "No such file");
    cfg.image = image;
    cfg.slots = 10;
    ck_assert_int_eq(visor_vhba_create(&b.mem, CH, &cfg, NULL, 0, "visor.1.0", &v, &err), -1);
    cs_assert_contains(err.msg, "10 slots");
}
END_TEST

START_TEST(vhba_crash_recovery)
{
    cs_error err = {0};
    struct visor_vhba *v = new_vhba();
    uint8_t req[VISOR_IO_CMDRSP_SIZE], rsp[VISOR_IO_CMDRSP_SIZE];
    const uint8_t tur[6] = {0};
    uint64_t busy;
    scsi_cmd(req, tur, 6, 0, 3, 1, 0);
    ck_assert_int_eq(vt_guest_insert(&b.mem, CH, 0, req), 0);
    visor_vhba_set_up(v, 0);
    ck_assert_int_eq(visor_vhba_poll(v, 10, &busy, &err), 0); /* down: nothing served */
    visor_vhba_set_up(v, 1); /* the command queued before the pause is discarded */
    ck_assert_int_eq(visor_vhba_poll(v, 10, &busy, &err), 0);
    scsi_cmd(req, tur, 6, 0, 3, 2, 0);
    roundtrip(v, req, rsp);
    ck_assert_int_eq(vt_guest_remove(&b.mem, CH, 1, rsp), 1);
    struct visor_vhba_stats s;
    visor_vhba_stats(v, &s);
    ck_assert_uint_eq(s.discarded_at_recovery, 1);
    ck_assert_uint_eq(s.commands, 1);
    visor_vhba_free(v);
}
END_TEST

/* ---- vnic ---- */

struct sink {
    unsigned frames;
    uint8_t last[2048];
    uint32_t len;
};
static void sink_rx(void *ctx, const uint8_t *f, uint32_t len)
{
    struct sink *s = ctx;
    s->frames++;
    s->len = len;
    memcpy(s->last, f, len < sizeof(s->last) ? len : sizeof(s->last));
}

static void net_req(uint8_t *r, uint32_t type)
{
    memset(r, 0, VISOR_IO_CMDRSP_SIZE);
    r[0] = VISOR_CMD_NET;
    visor_put32(r + VISOR_U + VISOR_NET_TYPE, type);
}

static void vnic_poll(struct visor_vnic *n)
{
    cs_error err = {0};
    uint64_t busy;
    ck_assert_msg(visor_vnic_poll(n, 100, &busy, &err) >= 0, "%s", err.msg);
}

static uint32_t next_type(uint64_t gpa, uint8_t *rsp)
{
    if (vt_guest_remove(&b.mem, gpa, 1, rsp))
        return 0xFFFF;
    return visor_le32(rsp + VISOR_U + VISOR_NET_TYPE);
}

static void post_and_enable(uint64_t gpa, struct visor_vnic *n, uint64_t bufbase, int nbufs)
{
    uint8_t req[VISOR_IO_CMDRSP_SIZE], rsp[VISOR_IO_CMDRSP_SIZE];
    for (int i = 0; i < nbufs; i++) {
        net_req(req, VISOR_NET_RCV_POST);
        uint64_t a = bufbase + (uint64_t)i * 4096;
        visor_put64(req + VISOR_U + VISOR_NET_RCVPOST_PFN, a / 4096);
        visor_put16(req + VISOR_U + VISOR_NET_RCVPOST_OFF, 0);
        visor_put16(req + VISOR_U + VISOR_NET_RCVPOST_LEN, VISOR_NET_RCVPOST_BUF);
        visor_put64(req + VISOR_U + VISOR_NET_BUF, 0xC000 + (uint64_t)i);
        ck_assert_int_eq(vt_guest_insert(&b.mem, gpa, 0, req), 0);
    }
    net_req(req, VISOR_NET_RCV_ENBDIS);
    visor_put16(req + VISOR_U + VISOR_NET_ENBDIS_ENABLE, 1);
    ck_assert_int_eq(vt_guest_insert(&b.mem, gpa, 0, req), 0);
    vnic_poll(n);
    ck_assert_uint_eq(next_type(gpa, rsp), VISOR_NET_RCV_ENBDIS_ACK);
    ck_assert_uint_eq(next_type(gpa, rsp), VISOR_NET_CONNECT_STATUS);
    ck_assert_uint_eq(visor_le16(rsp + VISOR_U + VISOR_NET_ENBDIS_ENABLE), 1);
    ck_assert_uint_eq(visor_vnic_posted(n), (uint32_t)nbufs);
}

static void transmit(uint64_t gpa, uint64_t frame_gpa, uint32_t len, uint64_t cookie)
{
    uint8_t req[VISOR_IO_CMDRSP_SIZE];
    net_req(req, VISOR_NET_XMIT);
    uint8_t *u = req + VISOR_U;
    visor_put32(u + VISOR_NET_XMT_LEN, len);
    /* two fragments, split at 100 bytes */
    visor_put32(u + VISOR_NET_XMT_NFRAGS, 2);
    visor_put64(u + VISOR_NET_XMT_FRAGS, frame_gpa / 4096);
    visor_put16(u + VISOR_NET_XMT_FRAGS + 8, (uint16_t)(frame_gpa % 4096));
    visor_put16(u + VISOR_NET_XMT_FRAGS + 10, 100);
    visor_put64(u + VISOR_NET_XMT_FRAGS + 12, (frame_gpa + 100) / 4096);
    visor_put16(u + VISOR_NET_XMT_FRAGS + 20, (uint16_t)((frame_gpa + 100) % 4096));
    visor_put16(u + VISOR_NET_XMT_FRAGS + 22, (uint16_t)(len - 100));
    visor_put64(u + VISOR_NET_BUF, cookie);
    ck_assert_int_eq(vt_guest_insert(&b.mem, gpa, 0, req), 0);
}

START_TEST(vnic_switch_two_guests_and_pcap)
{
    cs_error err = {0};
    struct visor_switch *sw = visor_switch_new();
    struct visor_vnic_config c1 = {{2, 0, 0, 0, 0, 1}, SLOTS, 16, 1500, 1};
    struct visor_vnic_config c2 = {{2, 0, 0, 0, 0, 2}, SLOTS, 16, 1500, 1};
    struct visor_vnic *n1, *n2;
    ck_assert_msg(visor_vnic_create(&b.mem, CH, &c1, sw, &b.tap, vt_bench_channel(&b, "visor.1.1"),
                                    "visor.1.1", &n1, &err) == 0,
                  "%s", err.msg);
    ck_assert_msg(visor_vnic_create(&b.mem, CH2, &c2, sw, &b.tap, vt_bench_channel(&b, "visor.1.2"),
                                    "visor.1.2", &n2, &err) == 0,
                  "%s", err.msg);
    char pcap[700];
    snprintf(pcap, sizeof(pcap), "%s/out.pcap", dir);
    struct visor_pcap_port *pp;
    ck_assert_msg(visor_pcap_port_open(sw, NULL, pcap, &pp, &err) == 0, "%s", err.msg);
    struct sink other = {0};
    visor_switch_attach(sw, sink_rx, &other);
    post_and_enable(CH, n1, DATA, 4);
    post_and_enable(CH2, n2, DATA + 0x10000, 4);

    /* n1 -> n2: unicast 300 bytes */
    uint8_t *f = cs_gmem_ptr(&b.mem, DATA + 0x40000, 6000);
    memcpy(f, c2.mac, 6);
    memcpy(f + 6, c1.mac, 6);
    f[12] = 0x08;
    for (int i = 14; i < 6000; i++)
        f[i] = (uint8_t)i;
    transmit(CH, DATA + 0x40000, 300, 0xAB);
    vnic_poll(n1);
    uint8_t rsp[VISOR_IO_CMDRSP_SIZE];
    ck_assert_uint_eq(next_type(CH, rsp), VISOR_NET_XMIT_DONE);
    ck_assert_uint_eq(visor_le64(rsp + VISOR_U + VISOR_NET_BUF), 0xAB);
    ck_assert_uint_eq(visor_le32(rsp + VISOR_U + VISOR_NET_XMTDONE_RESULT), 0);
    ck_assert_uint_eq(next_type(CH2, rsp), VISOR_NET_RCV);
    uint8_t *u = rsp + VISOR_U;
    ck_assert_uint_eq(visor_le32(u + VISOR_NET_RCV_LEN), 300);
    ck_assert_uint_eq(u[VISOR_NET_RCV_NUM], 1);
    ck_assert_uint_eq(visor_le64(u + VISOR_NET_BUF), 0xC000);
    ck_assert_uint_eq(visor_le64(u + VISOR_NET_RCV_BUFS), 0xC000);
    ck_assert_mem_eq(cs_gmem_ptr(&b.mem, DATA + 0x10000, 300), f, 300);
    ck_assert_uint_eq(next_type(CH, rsp), 0xFFFF); /* n1 does not get its own frame */
    ck_assert_uint_eq(other.frames, 1);

    /* a frame for someone else: n2 filters it until promiscuous */
    f[5] = 9;
    transmit(CH, DATA + 0x40000, 200, 0xAC);
    vnic_poll(n1);
    ck_assert_uint_eq(next_type(CH2, rsp), 0xFFFF);
    uint8_t req[VISOR_IO_CMDRSP_SIZE];
    net_req(req, VISOR_NET_RCV_PROMISC);
    visor_put16(req + VISOR_U + VISOR_NET_ENBDIS_ENABLE, 0x100);
    vt_guest_insert(&b.mem, CH2, 0, req);
    vnic_poll(n2);
    transmit(CH, DATA + 0x40000, 5000, 0xAD); /* chained over two receive buffers */
    vnic_poll(n1);
    ck_assert_uint_eq(next_type(CH2, rsp), VISOR_NET_RCV);
    ck_assert_uint_eq(u[VISOR_NET_RCV_NUM], 2);
    ck_assert_uint_eq(visor_le64(u + VISOR_NET_RCV_BUFS + 8), 0xC002);
    ck_assert_mem_eq(cs_gmem_ptr(&b.mem, DATA + 0x10000 + 0x1000, 4032), f, 4032);
    ck_assert_mem_eq(cs_gmem_ptr(&b.mem, DATA + 0x10000 + 0x2000, 968), f + 4032, 968);

    /* disable: buffers un-posted, frames dropped */
    net_req(req, VISOR_NET_RCV_ENBDIS);
    vt_guest_insert(&b.mem, CH2, 0, req);
    vnic_poll(n2);
    ck_assert_uint_eq(next_type(CH2, rsp), VISOR_NET_RCV_ENBDIS_ACK);
    ck_assert_uint_eq(visor_vnic_posted(n2), 0);
    transmit(CH, DATA + 0x40000, 200, 0xAE);
    vnic_poll(n1);
    ck_assert_uint_eq(next_type(CH2, rsp), 0xFFFF);
    struct visor_vnic_stats s;
    visor_vnic_stats(n2, &s);
    ck_assert_uint_eq(s.rx_frames, 2);
    ck_assert_uint_eq(s.rx_filtered, 1);
    ck_assert_uint_eq(s.rx_dropped, 1);
    visor_vnic_stats(n1, &s);
    ck_assert_uint_eq(s.tx_frames, 4);

    /* the pcap port saw all four frames; read it back into the switch */
    ck_assert_uint_eq(visor_pcap_port_written(pp), 4);
    visor_pcap_port_close(pp);
    size_t len;
    uint8_t *file = cs_test_read_file(pcap, &len);
    ck_assert_uint_eq(visor_le32(file), 0xa1b2c3d4);
    ck_assert_uint_eq(len, 24 + 4 * 16 + 300 + 200 + 5000 + 200);
    free(file);
    ck_assert_msg(visor_pcap_port_open(sw, pcap, NULL, &pp, &err) == 0, "%s", err.msg);
    post_and_enable(CH2, n2, DATA + 0x10000, 4);
    ck_assert_int_eq(visor_pcap_port_inject(pp, 1, &err), 1);
    ck_assert_uint_eq(next_type(CH2, rsp), VISOR_NET_RCV);
    ck_assert_uint_eq(visor_le32(u + VISOR_NET_RCV_LEN), 300);
    ck_assert_int_eq(visor_pcap_port_inject(pp, 100, &err), 3);
    visor_pcap_port_close(pp);

    /* a file that is not pcap */
    ck_assert_int_eq(visor_pcap_port_open(sw, image, NULL, &pp, &err), -1);
    cs_assert_contains(err.msg, "byte 0: magic");
    visor_vnic_free(n1);
    visor_vnic_free(n2);
    visor_switch_free(sw);
}
END_TEST

START_TEST(vnic_holds_frames_until_buffers_are_posted)
{
    cs_error err = {0};
    struct visor_switch *sw = visor_switch_new();
    struct visor_vnic_config c1 = {{2, 0, 0, 0, 0, 1}, SLOTS, 16, 1500, 1};
    struct visor_vnic *n;
    ck_assert_int_eq(visor_vnic_create(&b.mem, CH, &c1, sw, NULL, 0, "visor.1.1", &n, &err), 0);
    struct sink src = {0};
    struct visor_switch_port *port = visor_switch_attach(sw, sink_rx, &src);
    post_and_enable(CH, n, DATA, 1);
    uint8_t f[100] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 9, 0x08, 0};
    /* three frames, one buffer: the first is delivered, two wait in order */
    for (int i = 0; i < 3; i++) {
        f[20] = (uint8_t)i;
        visor_switch_send(sw, port, f, sizeof(f));
    }
    uint8_t rsp[VISOR_IO_CMDRSP_SIZE], req[VISOR_IO_CMDRSP_SIZE];
    ck_assert_uint_eq(next_type(CH, rsp), VISOR_NET_RCV);
    ck_assert_uint_eq(next_type(CH, rsp), 0xFFFF);
    for (int i = 1; i < 3; i++) {
        /* the guest re-posts its buffer: the next held frame fills it */
        net_req(req, VISOR_NET_RCV_POST);
        visor_put64(req + VISOR_U + VISOR_NET_RCVPOST_PFN, DATA / 4096);
        visor_put16(req + VISOR_U + VISOR_NET_RCVPOST_LEN, VISOR_NET_RCVPOST_BUF);
        visor_put64(req + VISOR_U + VISOR_NET_BUF, 0xD000 + (uint64_t)i);
        ck_assert_int_eq(vt_guest_insert(&b.mem, CH, 0, req), 0);
        vnic_poll(n);
        ck_assert_uint_eq(next_type(CH, rsp), VISOR_NET_RCV);
        ck_assert_uint_eq(visor_le64(rsp + VISOR_U + VISOR_NET_BUF), 0xD000 + (uint64_t)i);
        ck_assert_uint_eq(cs_gmem_ptr(&b.mem, DATA, 100)[20], i);
    }
    struct visor_vnic_stats s;
    visor_vnic_stats(n, &s);
    ck_assert_uint_eq(s.rx_frames, 3);
    ck_assert_uint_eq(s.rx_dropped, 0);
    visor_vnic_free(n);
    visor_switch_free(sw);
}
END_TEST

/* A full port buffer drops what comes next, as a NIC without a free descriptor; the drops are
 * counted and told to the guest in the next NET_RCV (rcvs_dropped_delta). A frame for another
 * station is filtered, not dropped, even before receive is enabled. */
START_TEST(vnic_full_port_buffer_drops_and_tells_the_guest)
{
    cs_error err = {0};
    struct visor_switch *sw = visor_switch_new();
    struct visor_vnic_config c1 = {{2, 0, 0, 0, 0, 1}, SLOTS, 16, 1500, 1};
    struct visor_vnic *n;
    ck_assert_int_eq(visor_vnic_create(&b.mem, CH, &c1, sw, NULL, 0, "visor.1.1", &n, &err), 0);
    visor_vnic_set_port_frames(n, 2);
    struct sink src = {0};
    struct visor_switch_port *port = visor_switch_attach(sw, sink_rx, &src);
    uint8_t f[100] = {2, 0, 0, 0, 0, 7, 2, 0, 0, 0, 0, 9, 0x08, 0};
    visor_switch_send(sw, port, f, sizeof(f)); /* not for it */
    f[5] = 1;
    visor_switch_send(sw, port, f, sizeof(f)); /* for it, receive off: dropped */
    struct visor_vnic_stats s;
    visor_vnic_stats(n, &s);
    ck_assert_uint_eq(s.rx_filtered, 1);
    ck_assert_uint_eq(s.rx_dropped, 1);
    post_and_enable(CH, n, DATA, 1);
    /* five frames, one buffer, a port of two: one delivered, two held, two dropped */
    for (int i = 0; i < 5; i++) {
        f[20] = (uint8_t)i;
        visor_switch_send(sw, port, f, sizeof(f));
    }
    uint8_t rsp[VISOR_IO_CMDRSP_SIZE], req[VISOR_IO_CMDRSP_SIZE];
    ck_assert_uint_eq(next_type(CH, rsp), VISOR_NET_RCV);
    ck_assert_uint_eq(visor_le32(rsp + VISOR_U + VISOR_NET_RCV_DROPPED), 1); /* the first drop */
    visor_vnic_stats(n, &s);
    ck_assert_uint_eq(s.rx_dropped, 3);
    static const uint32_t delta[] = {2, 0};
    for (int i = 1; i < 3; i++) {
        net_req(req, VISOR_NET_RCV_POST);
        visor_put64(req + VISOR_U + VISOR_NET_RCVPOST_PFN, DATA / 4096);
        visor_put16(req + VISOR_U + VISOR_NET_RCVPOST_LEN, VISOR_NET_RCVPOST_BUF);
        visor_put64(req + VISOR_U + VISOR_NET_BUF, 0xD000 + (uint64_t)i);
        ck_assert_int_eq(vt_guest_insert(&b.mem, CH, 0, req), 0);
        vnic_poll(n);
        ck_assert_uint_eq(next_type(CH, rsp), VISOR_NET_RCV);
        ck_assert_uint_eq(cs_gmem_ptr(&b.mem, DATA, 100)[20], i); /* held in order */
        ck_assert_uint_eq(visor_le32(rsp + VISOR_U + VISOR_NET_RCV_DROPPED), delta[i - 1]);
    }
    visor_vnic_stats(n, &s);
    ck_assert_uint_eq(s.rx_frames, 3);
    ck_assert_uint_eq(s.rx_dropped, 3);
    visor_vnic_free(n);
    visor_switch_free(sw);
}
END_TEST

START_TEST(console_reports_from_script)
{
    cs_error err = {0};
    struct visor_console *k, *m;
    ck_assert_int_eq(visor_console_create(&b.mem, CH, VISOR_KEYBOARD, &b.tap,
                                          vt_bench_channel(&b, "visor.2.0"), "visor.2.0", &k, &err),
                     0);
    ck_assert_int_eq(visor_console_create(&b.mem, CH2, VISOR_MOUSE, &b.tap,
                                          vt_bench_channel(&b, "visor.2.1"), "visor.2.1", &m, &err),
                     0);
    ck_assert_uint_eq(visor_le16(cs_gmem_ptr(&b.mem, CH2, 256) + 132), 1024);
    ck_assert_msg(
        visor_console_script(k, "key:0x1e type:hi down:0x2a up:0x2a lock:0x3a/on", &err) == 0, "%s",
        err.msg);
    ck_assert_msg(
        visor_console_script(m, "move:100/200 click:1 wheel:-2 press:3 release:3", &err) == 0, "%s",
        err.msg);
    ck_assert_int_eq(visor_console_poll(k, &err), 6);
    ck_assert_int_eq(visor_console_poll(m, &err), 6);
    uint8_t r[16];
    static const uint16_t kexp[][2] = {{67, 0x1e}, {67, 0x23}, {67, 0x17},
                                       {64, 0x2a}, {65, 0x2a}, {66, 0x3a}};
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(vt_guest_remove(&b.mem, CH, 0, r), 0);
        ck_assert_uint_eq(visor_le64(r), (uint64_t)i + 1);
        ck_assert_uint_eq(visor_le16(r + 8), kexp[i][0]);
        ck_assert_uint_eq(visor_le16(r + 10), kexp[i][1]);
    }
    ck_assert_int_eq(vt_guest_remove(&b.mem, CH2, 0, r), 0);
    ck_assert_uint_eq(visor_le16(r + 8), VISOR_IN_XY_MOTION);
    ck_assert_uint_eq(visor_le16(r + 12), 200);
    ck_assert_int_eq(vt_guest_remove(&b.mem, CH2, 0, r), 0);
    ck_assert_int_eq(vt_guest_remove(&b.mem, CH2, 0, r), 0);
    ck_assert_uint_eq(visor_le16(r + 8), VISOR_IN_WHEEL_TOWARD);

    /* 120 reports into a 50-report queue: the rest wait, none lost, order kept */
    for (int i = 0; i < 120; i++)
        visor_console_report(k, VISOR_IN_KEY_DOWN, (uint16_t)i, 0, 0);
    ck_assert_int_eq(visor_console_poll(k, &err), 50);
    ck_assert_uint_eq(visor_console_full(k), 1);
    int seen = 0;
    while (seen < 120) {
        while (!vt_guest_remove(&b.mem, CH, 0, r))
            ck_assert_uint_eq(visor_le16(r + 10), seen++);
        ck_assert_int_ge(visor_console_poll(k, &err), 0);
    }
    ck_assert_uint_eq(visor_console_sent(k), 126);

    ck_assert_int_eq(visor_console_script(k, "key:0x1e jump:3", &err), -1);
    cs_assert_contains(err.msg, "word 2 'jump:3'");
    ck_assert_int_eq(visor_console_script(k, "type:h!", &err), -1);
    ck_assert_int_eq(visor_console_script(m, "move", &err), -1);
    cs_assert_contains(err.msg, "word 1 'move': expected NAME:ARG");
    visor_console_free(k);
    visor_console_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_io");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, vhba_scsi_commands);
    tcase_add_test(t, vhba_full_response_queue_loses_nothing);
    tcase_add_test(t, vhba_missing_image);
    tcase_add_test(t, vhba_crash_recovery);
    tcase_add_test(t, vnic_switch_two_guests_and_pcap);
    tcase_add_test(t, vnic_holds_frames_until_buffers_are_posted);
    tcase_add_test(t, vnic_full_port_buffer_drops_and_tells_the_guest);
    tcase_add_test(t, console_reports_from_script);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
