/* The vhba side of the IO partition: a SCSI target (one target, LUN 0) on a disk image of
 * 512-byte blocks, behind an IO channel (spec visor.md §4.1-§4.3). Commands arrive as
 * struct uiscmdrsp with the data buffer described by guest-physical (address, length) pairs;
 * the answer is the same uiscmdrsp with linuxstat, scsistat, addlstat and sense data filled in
 * (SCSI status and fixed-format sense as SPC-4 defines them). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "visor_io.h"

#define BLOCK 512u

/* Linux host bytes and SCSI status, as linuxstat carries them (result = host << 16 | status). */
#define DID_OK          0x00
#define DID_BAD_TARGET  0x04
#define DID_ERROR       0x07
#define SAM_GOOD        0x00
#define SAM_CHECK       0x02
#define ADDL_INTERNAL   3
#define ADDL_BAD_TARGET 6

#define SK_NO_SENSE        0x0
#define SK_ILLEGAL_REQUEST 0x5
#define SK_MEDIUM_ERROR    0x3

struct visor_vhba {
    struct cs_gmem *mem;
    struct visor_channel *ch;
    int fd;
    /* The image mapped for reading (shared: the file's page cache, which pwrite updates), so
     * that a READ's data is a memcpy instead of a system call; NULL when it cannot be mapped.
     * Writes stay pwrite, which reports a full disk under a sparse image as an error where a
     * store into the mapping would raise SIGBUS. */
    uint8_t *map;
    size_t map_len;
    char image[512];
    uint64_t blocks;
    uint32_t max_io;
    uint8_t sense[18]; /* last sense, for REQUEST SENSE */
    int up;
    uint8_t *req, *rsp;
    /* answers waiting for room in queue 1, in order */
    uint8_t *backlog;
    size_t nbacklog, capbacklog;
    uint8_t *buf; /* one command's data */
    struct visor_vhba_stats st;
};

uint64_t visor_io_channel_bytes(uint32_t slots)
{
    uint64_t b = VISOR_IO_SIZEOF_PROTOCOL + 2ull * slots * VISOR_IO_CMDRSP_SIZE;
    return (b + 4095) & ~4095ull;
}

int visor_vhba_create(struct cs_gmem *mem, uint64_t gpa, const struct visor_vhba_config *cfg,
                      struct cs_tap *tap, uint16_t tap_ch, const char *name,
                      struct visor_vhba **out, cs_error *err)
{
    if (cfg->slots < VISOR_IO_MIN_SLOTS || cfg->slots > 4096)
        return cs_error_set(err, "%s: %u slots per queue (an IO channel has 64 to 4096)", name,
                            cfg->slots);
    if (cfg->max_io_size < 4096 || cfg->max_io_size > 64 * 4096 || cfg->max_io_size % BLOCK)
        return cs_error_set(err, "%s: max_io_size %u is not a multiple of 512 in [4096, 262144]",
                            name, cfg->max_io_size);
    int fd = open(cfg->image, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return cs_error_errno(err, errno, "%s: disk image '%s'", name, cfg->image);
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)BLOCK) {
        close(fd);
        return cs_error_set(err, "%s: disk image '%s' is not a regular file of at least 512 bytes",
                            name, cfg->image);
    }
    struct visor_vhba *v = calloc(1, sizeof(*v));
    if (!v)
        abort();
    struct visor_channel_desc d = {
        .type = VISOR_GUID_VHBA,
        .version = 2,
        .bytes = visor_io_channel_bytes(cfg->slots),
        .space_offset = VISOR_CH_HEADER_SIZE,
        .slots_offset = VISOR_IO_SIZEOF_PROTOCOL,
        .nqueues = 2,
        .q = {{VISOR_IO_CMDRSP_SIZE, cfg->slots, 0, 1}, {VISOR_IO_CMDRSP_SIZE, cfg->slots, 1, 0}},
    };
    if (visor_channel_create(mem, gpa, &d, tap, tap_ch, name, &v->ch, err) < 0) {
        close(fd);
        free(v);
        return -1;
    }
    uint8_t *b = visor_channel_base(v->ch);
    visor_put32(b + VISOR_IO_VHBA_MAX_CHANNEL, 0);
    visor_put32(b + VISOR_IO_VHBA_MAX_ID, 1);
    visor_put32(b + VISOR_IO_VHBA_MAX_LUN, 1);
    visor_put32(b + VISOR_IO_VHBA_CMD_PER_LUN, 64);
    visor_put32(b + VISOR_IO_VHBA_MAX_IO, cfg->max_io_size);
    snprintf((char *)b + VISOR_IO_CLIENT_STRING, 64, "chansim vhba");
    v->mem = mem;
    v->fd = fd;
    snprintf(v->image, sizeof(v->image), "%s", cfg->image);
    v->blocks = (uint64_t)sb.st_size / BLOCK;
    v->map_len = (size_t)sb.st_size;
    v->map = mmap(NULL, v->map_len, PROT_READ, MAP_SHARED, fd, 0);
    if (v->map == MAP_FAILED)
        v->map = NULL;
    v->max_io = cfg->max_io_size;
    v->up = 1;
    v->req = calloc(1, VISOR_IO_CMDRSP_SIZE);
    v->rsp = calloc(1, VISOR_IO_CMDRSP_SIZE);
    v->buf = malloc(cfg->max_io_size);
    if (!v->req || !v->rsp || !v->buf)
        abort();
    *out = v;
    return 0;
}

void visor_vhba_free(struct visor_vhba *v)
{
    if (!v)
        return;
    if (v->map)
        munmap(v->map, v->map_len);
    close(v->fd);
    visor_channel_free(v->ch);
    free(v->req);
    free(v->rsp);
    free(v->buf);
    free(v->backlog);
    free(v);
}

struct visor_channel *visor_vhba_channel(struct visor_vhba *v)
{
    return v->ch;
}

uint64_t visor_vhba_blocks(const struct visor_vhba *v)
{
    return v->blocks;
}

void visor_vhba_stats(const struct visor_vhba *v, struct visor_vhba_stats *s)
{
    *s = v->st;
}

static void set_status(uint8_t *u, uint8_t host, uint8_t status, uint8_t addl)
{
    visor_put32(u + VISOR_SCSI_LINUXSTAT, (uint32_t)host << 16 | status);
    u[VISOR_SCSI_SCSISTAT] = status;
    u[VISOR_SCSI_ADDLSTAT] = addl;
}

static void check_condition(struct visor_vhba *v, uint8_t *u, uint8_t key, uint8_t asc,
                            uint8_t ascq)
{
    memset(v->sense, 0, sizeof(v->sense));
    v->sense[0] = 0x70; /* current error, fixed format */
    v->sense[2] = key;
    v->sense[7] = 10; /* additional sense length */
    v->sense[12] = asc;
    v->sense[13] = ascq;
    memset(u + VISOR_SCSI_SENSE, 0, VISOR_SCSI_SENSE_LEN);
    memcpy(u + VISOR_SCSI_SENSE, v->sense, sizeof(v->sense));
    set_status(u, DID_OK, SAM_CHECK, 0);
    v->st.check_conditions++;
}

/* Move `len` bytes between `data` and the guest buffer the gpi list describes. */
static int move_data_at(struct visor_vhba *v, const uint8_t *u, uint32_t len, int to_guest,
                        uint8_t *data)
{
    uint16_t n = visor_le16(u + VISOR_SCSI_NGPI);
    if (n > VISOR_SCSI_MAX_GPI)
        return -1;
    uint32_t done = 0;
    for (uint16_t i = 0; i < n && done < len; i++) {
        uint64_t addr = visor_le64(u + VISOR_SCSI_GPI + 16 * i);
        uint64_t l = visor_le64(u + VISOR_SCSI_GPI + 16 * i + 8);
        if (l > len - done)
            l = len - done;
        uint8_t *p = cs_gmem_ptr(v->mem, addr, l);
        if (!p)
            return -1;
        if (to_guest)
            memcpy(p, data + done, l);
        else
            memcpy(data + done, p, l);
        done += (uint32_t)l;
    }
    return done == len ? 0 : -1;
}

static int move_data(struct visor_vhba *v, const uint8_t *u, uint32_t len, int to_guest)
{
    return move_data_at(v, u, len, to_guest, v->buf);
}

static uint64_t be(const uint8_t *p, unsigned n)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x = x << 8 | p[i];
    return x;
}

static void put_be(uint8_t *p, uint64_t x, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[n - 1 - i] = (uint8_t)(x >> (8 * i));
}

/* Data-in commands answer with at most the allocation length and the buffer's length. */
static void data_in(struct visor_vhba *v, uint8_t *u, uint32_t avail, uint32_t alloc)
{
    uint32_t bufflen = visor_le32(u + VISOR_SCSI_BUFFLEN);
    uint32_t n = avail < alloc ? avail : alloc;
    if (n > bufflen)
        n = bufflen;
    if (move_data(v, u, n, 1) < 0) {
        v->st.bad_requests++;
        set_status(u, DID_ERROR, SAM_GOOD, ADDL_INTERNAL);
        return;
    }
    set_status(u, DID_OK, SAM_GOOD, 0);
}

static void rw(struct visor_vhba *v, uint8_t *u, uint64_t lba, uint32_t nblk, int write)
{
    uint64_t bytes = (uint64_t)nblk * BLOCK;
    if (lba > v->blocks || nblk > v->blocks - lba)
        return check_condition(v, u, SK_ILLEGAL_REQUEST, 0x21, 0x00); /* LBA out of range */
    if (bytes > v->max_io || bytes > visor_le32(u + VISOR_SCSI_BUFFLEN))
        return check_condition(v, u, SK_ILLEGAL_REQUEST, 0x24, 0x00); /* invalid field in CDB */
    if (write) {
        if (move_data(v, u, (uint32_t)bytes, 0) < 0) {
            v->st.bad_requests++;
            return set_status(u, DID_ERROR, SAM_GOOD, ADDL_INTERNAL);
        }
        if (pwrite(v->fd, v->buf, bytes, (off_t)(lba * BLOCK)) != (ssize_t)bytes)
            return check_condition(v, u, SK_MEDIUM_ERROR, 0x0C, 0x00); /* write error */
        v->st.writes++;
        v->st.bytes_written += bytes;
    } else {
        uint8_t *data = v->map ? v->map + lba * BLOCK : v->buf;
        if (!v->map && pread(v->fd, v->buf, bytes, (off_t)(lba * BLOCK)) != (ssize_t)bytes)
            return check_condition(v, u, SK_MEDIUM_ERROR, 0x11, 0x00); /* unrecovered read */
        if (move_data_at(v, u, (uint32_t)bytes, 1, data) < 0) {
            v->st.bad_requests++;
            return set_status(u, DID_ERROR, SAM_GOOD, ADDL_INTERNAL);
        }
        v->st.reads++;
        v->st.bytes_read += bytes;
    }
    set_status(u, DID_OK, SAM_GOOD, 0);
}

static void scsi(struct visor_vhba *v, uint8_t *u)
{
    const uint8_t *cdb = u + VISOR_SCSI_CDB;
    uint32_t id = visor_le32(u + VISOR_SCSI_VDEST + 4), lun = visor_le32(u + VISOR_SCSI_VDEST + 8);
    uint8_t d[64];
    memset(d, 0, sizeof(d));
    v->st.commands++;
    if (visor_le32(u + VISOR_SCSI_VDEST) != 0 || id != 0)
        return set_status(u, DID_BAD_TARGET, SAM_GOOD, ADDL_BAD_TARGET);
    if (lun != 0 && cdb[0] != 0x12 && cdb[0] != 0xA0)
        return check_condition(v, u, SK_ILLEGAL_REQUEST, 0x25, 0x00); /* LU not supported */
    switch (cdb[0]) {
    case 0x00: /* TEST UNIT READY */
        return set_status(u, DID_OK, SAM_GOOD, 0);
    case 0x03: /* REQUEST SENSE: the last sense, then none */
        if (v->sense[0] == 0) {
            v->sense[0] = 0x70;
            v->sense[7] = 10;
        }
        memcpy(v->buf, v->sense, sizeof(v->sense));
        memset(v->sense, 0, sizeof(v->sense));
        return data_in(v, u, 18, cdb[4]);
    case 0x12: /* INQUIRY */
        if (cdb[1] & 1) {
            if (cdb[2] == 0x00) { /* supported VPD pages */
                uint8_t p[] = {0, 0, 0, 2, 0x00, 0x80};
                memcpy(v->buf, p, sizeof(p));
                return data_in(v, u, sizeof(p), (uint32_t)be(cdb + 3, 2));
            }
            if (cdb[2] == 0x80) { /* unit serial number */
                uint8_t p[4 + 8] = {0, 0x80, 0, 8};
                memcpy(p + 4, "CHANSIM0", 8);
                memcpy(v->buf, p, sizeof(p));
                return data_in(v, u, sizeof(p), (uint32_t)be(cdb + 3, 2));
            }
            return check_condition(v, u, SK_ILLEGAL_REQUEST, 0x24, 0x00);
        }
        d[0] = lun == 0 ? 0x00 : 0x7F; /* direct-access block device / no LU */
        d[2] = 0x06;                   /* SPC-4 */
        d[3] = 0x02;                   /* response data format 2 */
        d[4] = 36 - 5;
        memcpy(d + 8, "CHANSIM ", 8);
        memcpy(d + 16, "VISOR VDISK     ", 16);
        memcpy(d + 32, "1.0 ", 4);
        memcpy(v->buf, d, 36);
        return data_in(v, u, 36, (uint32_t)be(cdb + 3, 2));
    case 0xA0: /* REPORT LUNS: LUN 0 */
        put_be(d, 8, 4);
        memcpy(v->buf, d, 16);
        return data_in(v, u, 16, (uint32_t)be(cdb + 6, 4));
    case 0x25: /* READ CAPACITY(10) */
        put_be(d, v->blocks - 1 > 0xFFFFFFFFull ? 0xFFFFFFFFull : v->blocks - 1, 4);
        put_be(d + 4, BLOCK, 4);
        memcpy(v->buf, d, 8);
        return data_in(v, u, 8, 8);
    case 0x9E: /* SERVICE ACTION IN(16) */
        if ((cdb[1] & 0x1F) != 0x10)
            return check_condition(v, u, SK_ILLEGAL_REQUEST, 0x24, 0x00);
        put_be(d, v->blocks - 1, 8); /* READ CAPACITY(16) */
        put_be(d + 8, BLOCK, 4);
        memcpy(v->buf, d, 32);
        return data_in(v, u, 32, (uint32_t)be(cdb + 10, 4));
    case 0x28:
        return rw(v, u, be(cdb + 2, 4), (uint32_t)be(cdb + 7, 2), 0);
    case 0x2A:
        return rw(v, u, be(cdb + 2, 4), (uint32_t)be(cdb + 7, 2), 1);
    case 0x88:
        return rw(v, u, be(cdb + 2, 8), (uint32_t)be(cdb + 10, 4), 0);
    case 0x8A:
        return rw(v, u, be(cdb + 2, 8), (uint32_t)be(cdb + 10, 4), 1);
    case 0x35: /* SYNCHRONIZE CACHE(10) */
        return set_status(u, DID_OK, SAM_GOOD, 0);
    default:
        return check_condition(v, u, SK_ILLEGAL_REQUEST, 0x20, 0x00); /* invalid opcode */
    }
}

void visor_vhba_serve(struct visor_vhba *v, const uint8_t *req, uint8_t *rsp)
{
    memcpy(rsp, req, VISOR_IO_CMDRSP_SIZE);
    uint8_t *u = rsp + VISOR_U;
    switch (rsp[0]) {
    case VISOR_CMD_SCSI:
        scsi(v, u);
        break;
    case VISOR_CMD_TASKMGMT:
        /* nothing is queued inside the target, so every task management function succeeds */
        v->st.taskmgmt++;
        u[VISOR_TM_RESULT] = VISOR_TM_SUCCESS;
        break;
    default:
        v->st.bad_requests++;
        break;
    }
}

static int flush_backlog(struct visor_vhba *v, cs_error *err)
{
    size_t i = 0;
    int moved = 0;
    while (i < v->nbacklog) {
        int rc = visor_channel_insert(v->ch, VISOR_IO_Q_FROM_IOPART,
                                      v->backlog + i * VISOR_IO_CMDRSP_SIZE, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_FULL)
            break;
        i++;
        moved++;
    }
    if (i) /* (the backlog has no buffer until it was first used) */
        memmove(v->backlog, v->backlog + i * VISOR_IO_CMDRSP_SIZE,
                (v->nbacklog - i) * VISOR_IO_CMDRSP_SIZE);
    v->nbacklog -= i;
    return moved;
}

int visor_vhba_poll(struct visor_vhba *v, unsigned budget, uint64_t *busy_bytes, cs_error *err)
{
    *busy_bytes = 0;
    if (!v->up)
        return 0;
    int moved = flush_backlog(v, err);
    if (moved < 0)
        return -1;
    /* answers still waiting: take no new work until the guest made room */
    while (v->nbacklog == 0 && budget--) {
        int rc = visor_channel_remove(v->ch, VISOR_IO_Q_TO_IOPART, v->req, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_EMPTY)
            break;
        moved++;
        if (v->req[0] == VISOR_CMD_NOTIFY)
            continue;
        visor_vhba_serve(v, v->req, v->rsp);
        *busy_bytes += visor_le32(v->req + VISOR_U + VISOR_SCSI_BUFFLEN);
        rc = visor_channel_insert(v->ch, VISOR_IO_Q_FROM_IOPART, v->rsp, err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_FULL) {
            if (v->nbacklog == v->capbacklog) {
                v->capbacklog = v->capbacklog ? 2 * v->capbacklog : 8;
                v->backlog = realloc(v->backlog, v->capbacklog * VISOR_IO_CMDRSP_SIZE);
                if (!v->backlog)
                    abort();
            }
            memcpy(v->backlog + v->nbacklog++ * VISOR_IO_CMDRSP_SIZE, v->rsp, VISOR_IO_CMDRSP_SIZE);
        } else {
            moved++;
        }
    }
    return moved;
}

void visor_vhba_set_up(struct visor_vhba *v, int up)
{
    if (!up && v->up) {
        v->st.lost_in_crash += v->nbacklog;
        v->nbacklog = 0;
    }
    if (up && !v->up) {
        cs_error err = {0};
        while (visor_channel_remove(v->ch, VISOR_IO_Q_TO_IOPART, v->req, &err) == VISOR_OK)
            v->st.discarded_at_recovery++;
    }
    v->up = up;
}
