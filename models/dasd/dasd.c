#include "dasd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasd_geom.h"
#include "dasd_image.h"
#include "cs_bytes.h"

#define ST_OK (CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END)
#define ST_UC (ST_OK | CSS_DEV_UNIT_CHECK)
#define ST_SM (ST_OK | CSS_DEV_STATUS_MOD)

/* Define Extent file mask, bits 0-1: write control. */
#define FMASK_WRCTL       0xC0
#define FMASK_INHIBIT_ALL 0x40
#define FMASK_UPDATE_ONLY 0x80

/* Locate Record operation codes (byte 0, bits 2-7) this model executes. */
#define LR_WRITE_DATA   0x01
#define LR_FORMAT_WRITE 0x03
#define LR_READ_TRACKS  0x0C
#define LR_READ_DATA    0x06
#define LR_READ_ANY     0x16

struct dasd {
    struct dasd_image img;
    struct dasd_costs costs;
    uint32_t *ctag; /* direct-mapped cache of track numbers + 1 (0 = empty) */
    uint32_t ncache;
    uint64_t hits, misses;

    struct dasd_track *t;
    int loaded, dirty;
    int in_file; /* the image's slot holds this track's layout: a change writes only its bytes */

    /* Orientation: the record whose count comes next under the head, whether the head has
     * just passed a count (Search ID, Read Count), how often the index went by. */
    unsigned pos;
    int at_count;
    int after_wckd; /* a Write CKD wrote the record before pos: the next may follow */
    unsigned index_passes;

    /* Per program: the extent and the Locate Record domain. */
    int dx;
    uint8_t fmask;
    uint32_t ext_beg, ext_end;
    uint8_t lr_op;
    unsigned lr_left;
    int wckd_started;
    int timed_valid;
    uint32_t timed_track;

    uint64_t busy;
    uint8_t sense[DASD_SENSE_LEN];
    char host_err[CS_ERROR_MAX];
};

static uint32_t track_no(const struct dasd *d, uint32_t cyl, uint32_t head)
{
    return cyl * d->img.heads + head;
}

static uint32_t cur_track(const struct dasd *d)
{
    return track_no(d, d->t->cyl, d->t->head);
}

static uint8_t unit_check(struct dasd *d, uint8_t b0, uint8_t b1, uint8_t msg)
{
    memset(d->sense, 0, sizeof d->sense);
    d->sense[0] = b0;
    d->sense[1] = b1;
    if (d->loaded) {
        /* 24-byte compatible sense: bytes 5-6 name the cylinder and head */
        d->sense[5] = (uint8_t)d->t->cyl;
        d->sense[6] = (uint8_t)(((d->t->cyl >> 8) & 0x0F) << 4 | (d->t->head & 0x0F));
    }
    d->sense[7] = msg;   /* format 0 (high nibble) and message code */
    d->sense[27] = 0x80; /* the 24-byte compatible layout */
    d->lr_left = 0;
    return ST_UC;
}

static uint8_t reject(struct dasd *d, uint8_t msg)
{
    return unit_check(d, DASD_SNS0_CMD_REJECT, 0, msg);
}

static uint8_t file_protected(struct dasd *d)
{
    return unit_check(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
}

static uint8_t no_record_found(struct dasd *d)
{
    return unit_check(d, 0, DASD_SNS1_NO_REC_FOUND, 0);
}

static uint8_t host_failure(struct dasd *d, const cs_error *e)
{
    snprintf(d->host_err, sizeof d->host_err, "%s", e->msg);
    return unit_check(d, DASD_SNS0_EQUIPMENT_CHECK, 0, 0);
}

/* Charge the service time of the first access of this program to a track. */
static void touch(struct dasd *d, int write)
{
    uint32_t trk = cur_track(d);
    if (d->timed_valid && d->timed_track == trk)
        return;
    d->timed_valid = 1;
    d->timed_track = trk;
    uint32_t *slot = &d->ctag[trk % d->ncache];
    if (*slot == trk + 1 || write) {
        /* writes land in the control unit's non-volatile store (DASD fast write): a hit */
        d->hits++;
        d->busy += d->costs.cache_hit;
    } else {
        d->misses++;
        d->busy += d->costs.cache_miss;
    }
    *slot = trk + 1;
}

static int flush(struct dasd *d, cs_error *err)
{
    if (!d->dirty)
        return 0;
    if (dasd_track_write(&d->img, d->t, err) < 0)
        return -1;
    d->dirty = 0;
    return 0;
}

/* Write a change of the track through to the image before the command ends: [off, off+len)
 * of a track whose layout the slot already holds, otherwise the whole track. A failure is an
 * equipment check; the track stays changed and is tried again when the heads move on. */
static uint8_t store(struct dasd *d, uint32_t off, uint32_t len)
{
    cs_error e = {0};
    d->dirty = 1;
    int rc = d->in_file ? dasd_track_write_range(&d->img, d->t, off, len, &e)
                        : dasd_track_write(&d->img, d->t, &e);
    if (rc < 0)
        return host_failure(d, &e);
    d->dirty = 0;
    d->in_file = 1;
    return 0;
}

/* Make (cyl, head) the track under the heads; 0 or the unit-check status. */
static uint8_t load(struct dasd *d, uint32_t cyl, uint32_t head)
{
    if (d->loaded && d->t->cyl == cyl && d->t->head == head)
        return 0;
    cs_error e = {0};
    if (flush(d, &e) < 0)
        return host_failure(d, &e);
    d->loaded = 0;
    if (dasd_track_read(&d->img, d->t, cyl, head, &e) < 0) {
        snprintf(d->host_err, sizeof d->host_err, "%s", e.msg);
        /* a track the control unit cannot make sense of */
        return unit_check(d, 0, DASD_SNS1_INV_TRACK_FORMAT, 0);
    }
    d->loaded = 1;
    d->in_file = d->t->base != d->t->tmpl;
    d->pos = 0;
    d->at_count = 0;
    d->after_wckd = 0;
    d->index_passes = 0;
    return 0;
}

static int in_extent(const struct dasd *d, uint32_t trk)
{
    return !d->dx || (trk >= d->ext_beg && trk <= d->ext_end);
}

/* Move to the next track of the volume within the extent (a domain crossing a track). */
static uint8_t next_track(struct dasd *d)
{
    uint32_t trk = cur_track(d) + 1;
    if (trk >= d->img.cylinders * d->img.heads || !in_extent(d, trk))
        return file_protected(d);
    return load(d, trk / d->img.heads, trk % d->img.heads);
}

static long out(struct dasd *d, struct css_dstream *s, const void *buf, size_t n)
{
    long r = css_dstream_write(s, buf, n);
    if (r > 0)
        d->busy += d->costs.per_kib * (uint64_t)r / 1024;
    return r;
}

static long in(struct dasd *d, struct css_dstream *s, void *buf, size_t n)
{
    long r = css_dstream_read(s, buf, n);
    if (r > 0)
        d->busy += d->costs.per_kib * (uint64_t)r / 1024;
    return r;
}

static uint8_t write_check(struct dasd *d, int format)
{
    if (d->img.readonly)
        return file_protected(d);
    uint8_t wr = d->fmask & FMASK_WRCTL;
    if (d->dx && (wr == FMASK_INHIBIT_ALL || (format && wr == FMASK_UPDATE_ONLY)))
        return file_protected(d);
    return 0;
}

/* The record a read or update command acts on: the next one, R0 skipped at the index; in a
 * Locate Record domain the domain crosses into the next track, otherwise the index counts. */
static uint8_t next_record(struct dasd *d, int domain, int multitrack, unsigned *rec)
{
    for (;;) {
        if (d->pos == 0)
            d->pos = 1;
        if (d->pos < d->t->nrec)
            break;
        if (domain || multitrack) {
            uint8_t st = next_track(d);
            if (st)
                return st;
            continue;
        }
        if (++d->index_passes >= 2)
            return no_record_found(d);
        d->pos = 0;
    }
    *rec = d->pos;
    return 0;
}

static uint8_t cmd_read(struct dasd *d, uint8_t cmd, struct css_dstream *s, int domain)
{
    unsigned rec;
    if (!d->loaded)
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    if (d->at_count && !domain && (cmd & 0x7F) == 0x06)
        rec = d->pos - 1; /* Read Data after Search ID Equal: the searched record */
    else {
        uint8_t st = next_record(d, domain, !domain && (cmd & 0x80), &rec);
        if (st)
            return st;
    }
    touch(d, 0);
    struct dasd_track *t = d->t;
    const uint8_t *p;
    size_t n;
    switch (cmd & 0x7F) {
    case 0x06: /* Read Data */
        p = dasd_rec_data(t, rec);
        n = dasd_rec_dl(t, rec);
        break;
    case 0x12: /* Read Count */
        p = dasd_rec_count(t, rec);
        n = 8;
        break;
    default: /* 0x1E Read Count, Key and Data */
        p = dasd_rec_count(t, rec);
        n = 8 + dasd_rec_kl(t, rec) + dasd_rec_dl(t, rec);
        break;
    }
    d->pos = rec + 1;
    d->at_count = (cmd & 0x7F) == 0x12;
    d->after_wckd = 0;
    d->index_passes = 0;
    out(d, s, p, n);
    return ST_OK;
}

static uint8_t cmd_write_data(struct dasd *d, uint8_t cmd, struct css_dstream *s, int domain)
{
    unsigned rec;
    if (!d->loaded || (!domain && !d->at_count))
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    uint8_t st = write_check(d, 0);
    if (st)
        return st;
    if (domain) {
        st = next_record(d, 1, 1, &rec);
        if (st)
            return st;
    } else
        rec = d->pos - 1;
    (void)cmd;
    touch(d, 1);
    unsigned dl = dasd_rec_dl(d->t, rec);
    uint8_t buf[DASD_MAX_DL];
    long n = in(d, s, buf, dl);
    if (n < 0)
        return ST_OK; /* the channel ended the transfer; the record stays as it was */
    /* a short transfer pads the data area with zeros */
    memset(buf + n, 0, dl - (size_t)n);
    dasd_track_own(d->t);
    uint8_t *at = dasd_rec_data(d->t, rec);
    memcpy(at, buf, dl);
    d->pos = rec + 1;
    d->at_count = 0;
    d->after_wckd = 0;
    st = store(d, (uint32_t)(at - d->t->base), dl);
    return st ? st : ST_OK;
}

static uint8_t cmd_write_ckd(struct dasd *d, struct css_dstream *s, int domain)
{
    if (!d->loaded || (!domain && !d->at_count && !d->after_wckd))
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    uint8_t st = write_check(d, 1);
    if (st)
        return st;
    uint8_t count[8];
    long n = in(d, s, count, 8);
    if (n < 0)
        return ST_OK;
    if (n < 8)
        return reject(d, DASD_MSG_COUNT_TOO_SMALL);
    uint32_t cyl = cs_be16(count), head = cs_be16(count + 2);
    if (domain && d->wckd_started && (cyl != d->t->cyl || head != d->t->head)) {
        /* the domain formats on: the count names the next track */
        uint32_t trk = cur_track(d) + 1;
        if (cyl * d->img.heads + head != trk || head >= d->img.heads)
            return reject(d, DASD_MSG_INVALID_PARAMETER);
        st = next_track(d);
        if (st)
            return st;
        d->pos = 1;
    }
    touch(d, 1);
    unsigned kl = count[5], dl = cs_be16(count + 6);
    uint8_t buf[256 + DASD_MAX_DL];
    if (dl > DASD_MAX_DL)
        return unit_check(d, 0, DASD_SNS1_INV_TRACK_FORMAT, 0);
    n = in(d, s, buf, kl + dl);
    if (n < 0)
        return ST_OK;
    memset(buf + n, 0, kl + dl - (size_t)n);
    dasd_track_own(d->t);
    dasd_track_erase_after(d->t, d->pos - 1);
    d->in_file = 0; /* the layout changed: the whole track goes to the image */
    int fits = dasd_track_append(d->t, count, buf, buf + kl) == 0;
    st = store(d, 0, 0);
    if (st)
        return st;
    if (!fits)
        return unit_check(d, 0, DASD_SNS1_INV_TRACK_FORMAT, 0);
    d->wckd_started = 1;
    d->pos = d->t->nrec;
    d->at_count = 0;
    d->after_wckd = 1;
    return ST_OK;
}

static uint8_t cmd_read_track(struct dasd *d, struct css_dstream *s)
{
    if (d->pos != 0) {
        uint8_t st = next_track(d);
        if (st)
            return st;
    }
    touch(d, 0);
    const struct dasd_track *t = d->t;
    d->pos = t->nrec;
    if (t->nrec > 1)
        out(d, s, t->base + t->off[1], t->off[t->nrec] - t->off[1]);
    return ST_OK;
}

static uint8_t cmd_seek(struct dasd *d, struct css_dstream *s)
{
    uint8_t a[6];
    long n = in(d, s, a, sizeof a);
    if (n < 0)
        return ST_OK;
    if (n < 6)
        return reject(d, DASD_MSG_COUNT_TOO_SMALL);
    uint32_t cyl = cs_be16(a + 2), head = cs_be16(a + 4);
    if (cs_be16(a) != 0 || cyl >= d->img.cylinders || head >= d->img.heads)
        return reject(d, DASD_MSG_INVALID_PARAMETER);
    if (!in_extent(d, track_no(d, cyl, head)))
        return file_protected(d);
    uint8_t st = load(d, cyl, head);
    if (st)
        return st;
    d->pos = 0;
    d->at_count = 0;
    d->after_wckd = 0;
    d->index_passes = 0;
    return ST_OK;
}

static uint8_t cmd_search_id(struct dasd *d, struct css_dstream *s)
{
    uint8_t arg[5];
    long n = in(d, s, arg, sizeof arg);
    if (n < 0)
        return ST_OK;
    if (n < 5)
        return reject(d, DASD_MSG_COUNT_TOO_SMALL);
    if (!d->loaded)
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    touch(d, 0);
    if (d->pos >= d->t->nrec) {
        /* the index point goes by; two without a match end the search */
        if (++d->index_passes >= 2)
            return no_record_found(d);
        d->pos = 0;
    }
    unsigned rec = d->pos++;
    d->at_count = 1;
    d->after_wckd = 0;
    if (memcmp(dasd_rec_count(d->t, rec), arg, 5) != 0)
        return ST_OK;
    d->index_passes = 0;
    return ST_SM;
}

static uint8_t cmd_define_extent(struct dasd *d, struct css_dstream *s)
{
    if (d->dx)
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    uint8_t b[64];
    size_t want = css_dstream_avail(s);
    long n = in(d, s, b, want < sizeof b ? want : sizeof b);
    if (n < 0)
        return ST_OK;
    if (n < 16)
        return reject(d, DASD_MSG_COUNT_TOO_SMALL);
    uint32_t bc = cs_be16(b + 8), bh = cs_be16(b + 10), ec = cs_be16(b + 12), eh = cs_be16(b + 14);
    if (bc >= d->img.cylinders || ec >= d->img.cylinders || bh >= d->img.heads ||
        eh >= d->img.heads || track_no(d, bc, bh) > track_no(d, ec, eh))
        return reject(d, DASD_MSG_INVALID_PARAMETER);
    d->dx = 1;
    d->fmask = b[0];
    d->ext_beg = track_no(d, bc, bh);
    d->ext_end = track_no(d, ec, eh);
    return ST_OK;
}

static uint8_t cmd_locate(struct dasd *d, uint8_t cmd, struct css_dstream *s)
{
    if (!d->dx || d->lr_left)
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    uint8_t b[256];
    size_t min = cmd == 0x4B ? 20 : 16;
    size_t want = css_dstream_avail(s);
    long n = in(d, s, b, want < sizeof b ? want : sizeof b);
    if (n < 0)
        return ST_OK;
    if ((size_t)n < min)
        return reject(d, DASD_MSG_COUNT_TOO_SMALL);
    uint8_t op = b[0] & 0x3F;
    unsigned count = b[3];
    uint32_t cyl = cs_be16(b + 4), head = cs_be16(b + 6);
    if (count == 0 || cyl >= d->img.cylinders || head >= d->img.heads ||
        (op != LR_WRITE_DATA && op != LR_FORMAT_WRITE && op != LR_READ_DATA && op != LR_READ_ANY &&
         op != LR_READ_TRACKS))
        return reject(d, DASD_MSG_INVALID_PARAMETER);
    if (!in_extent(d, track_no(d, cyl, head)))
        return file_protected(d);
    uint8_t st = load(d, cyl, head);
    if (st)
        return st;
    touch(d, op == LR_WRITE_DATA || op == LR_FORMAT_WRITE);
    d->at_count = 0;
    d->after_wckd = 0;
    d->wckd_started = 0;
    if (op == LR_READ_TRACKS) {
        d->pos = 0;
    } else {
        /* orient on the record the search argument names */
        unsigned k;
        for (k = 0; k < d->t->nrec; k++)
            if (memcmp(dasd_rec_count(d->t, k), b + 8, 5) == 0)
                break;
        if (k == d->t->nrec)
            return no_record_found(d);
        /* format write goes on after the record found; the others act on it */
        d->pos = op == LR_FORMAT_WRITE ? k + 1 : k;
    }
    d->lr_op = op;
    d->lr_left = count;
    return ST_OK;
}

/* Whether cmd belongs to a domain of operation op. */
static int in_domain(uint8_t op, uint8_t cmd)
{
    switch (cmd) {
    case 0x06:
    case 0x86:
        return op == LR_READ_DATA || op == LR_READ_ANY;
    case 0x05:
    case 0x85:
        return op == LR_WRITE_DATA;
    case 0x12:
    case 0x92:
    case 0x1E:
    case 0x9E:
        return op == LR_READ_ANY;
    case 0x1D:
    case 0x9D:
        return op == LR_FORMAT_WRITE;
    case 0xDE:
        return op == LR_READ_TRACKS;
    default:
        return 0;
    }
}

static uint8_t execute(struct dasd *d, uint8_t cmd, struct css_dstream *s)
{
    if (cmd != 0x04)
        memset(d->sense, 0, sizeof d->sense); /* a new command ends the contingent allegiance */
    if (d->lr_left) {
        if (!in_domain(d->lr_op, cmd))
            return reject(d, DASD_MSG_INVALID_SEQUENCE);
        d->lr_left--;
        switch (cmd) {
        case 0x05:
        case 0x85:
            return cmd_write_data(d, cmd, s, 1);
        case 0x1D:
        case 0x9D:
            return cmd_write_ckd(d, s, 1);
        case 0xDE:
            return cmd_read_track(d, s);
        default:
            return cmd_read(d, cmd, s, 1);
        }
    }
    switch (cmd) {
    case 0x03: /* No-op */
        return ST_OK;
    case 0x04: { /* Sense */
        uint8_t sense[DASD_SENSE_LEN];
        memcpy(sense, d->sense, sizeof sense);
        memset(d->sense, 0, sizeof d->sense);
        out(d, s, sense, sizeof sense);
        return ST_OK;
    }
    case 0xE4: { /* Sense ID */
        uint8_t id[DASD_SENSE_ID_LEN];
        dasd_sense_id_bytes(d->img.model, id);
        out(d, s, id, sizeof id);
        return ST_OK;
    }
    case 0x64: { /* Read Device Characteristics */
        uint8_t rdc[DASD_RDC_LEN];
        dasd_rdc_bytes(d->img.model, rdc);
        out(d, s, rdc, sizeof rdc);
        return ST_OK;
    }
    case 0x63:
        return cmd_define_extent(d, s);
    case 0x47:
    case 0x4B:
        return cmd_locate(d, cmd, s);
    case 0x07:
        return cmd_seek(d, s);
    case 0x31:
    case 0xB1:
        return cmd_search_id(d, s);
    case 0x06:
    case 0x86:
    case 0x12:
    case 0x92:
    case 0x1E:
    case 0x9E:
        return cmd_read(d, cmd, s, 0);
    case 0x05:
    case 0x85:
        return cmd_write_data(d, cmd, s, 0);
    case 0x1D:
    case 0x9D:
        return cmd_write_ckd(d, s, 0);
    case 0xDE: /* Read Track only runs in a Locate Record domain */
        return reject(d, DASD_MSG_INVALID_SEQUENCE);
    default:
        return reject(d, DASD_MSG_INVALID_COMMAND);
    }
}

static struct css_dev_result dev_command(void *dev, uint8_t cmd, struct css_dstream *data)
{
    struct dasd *d = dev;
    d->busy = d->costs.command;
    uint8_t st = execute(d, cmd, data);
    return (struct css_dev_result){.dstat = st, .busy_ns = d->busy};
}

static void dev_program_start(void *dev)
{
    struct dasd *d = dev;
    d->dx = 0;
    d->fmask = 0;
    d->lr_left = 0;
    d->wckd_started = 0;
    d->timed_valid = 0;
    d->at_count = 0;
    d->after_wckd = 0;
    d->index_passes = 0;
}

static void dev_program_end(void *dev)
{
    struct dasd *d = dev;
    d->lr_left = 0;
    cs_error e = {0};
    /* Writes went through to the image as they came; one that failed is tried again here,
     * and a failure is kept for dasd_host_error() and dasd_close(). */
    if (flush(d, &e) < 0)
        snprintf(d->host_err, sizeof d->host_err, "%s", e.msg);
}

static void dev_reset(void *dev, int clear)
{
    struct dasd *d = dev;
    d->lr_left = 0;
    d->at_count = 0;
    if (clear)
        memset(d->sense, 0, sizeof d->sense);
}

const struct css_device_ops dasd_device_ops = {
    .name = "3390",
    .program_start = dev_program_start,
    .command = dev_command,
    .program_end = dev_program_end,
    .reset = dev_reset,
};

struct dasd *dasd_open(const char *path, const struct dasd_options *opt, cs_error *err)
{
    struct dasd_options none = {0};
    if (!opt)
        opt = &none;
    struct dasd *d = calloc(1, sizeof *d);
    if (!d) {
        cs_error_set(err, "%s: out of memory", path);
        return NULL;
    }
    d->ncache = opt->cache_tracks ? opt->cache_tracks : 65536;
    d->ctag = calloc(d->ncache, sizeof *d->ctag);
    d->t = calloc(1, sizeof *d->t);
    if (!d->ctag || !d->t) {
        cs_error_set(err, "%s: out of memory", path);
        goto fail;
    }
    if (opt->costs)
        d->costs = *opt->costs;
    else
        dasd_costs_default(&d->costs);
    if (dasd_image_open(&d->img, path, opt->readonly, err) < 0)
        goto fail;
    return d;
fail:
    free(d->ctag);
    free(d->t);
    free(d);
    return NULL;
}

int dasd_flush(struct dasd *d, cs_error *err)
{
    return flush(d, err);
}

int dasd_close(struct dasd *d, cs_error *err)
{
    if (!d)
        return 0;
    int rc = flush(d, err);
    dasd_image_close(&d->img);
    free(d->ctag);
    free(d->t);
    free(d);
    return rc;
}

int dasd_readonly(const struct dasd *d)
{
    return d->img.readonly;
}
uint32_t dasd_cylinders(const struct dasd *d)
{
    return d->img.cylinders;
}
int dasd_model_number(const struct dasd *d)
{
    return d->img.model->model;
}
uint32_t dasd_block_size(const struct dasd *d)
{
    return d->img.fmt_dl;
}
uint32_t dasd_blocks_per_track(const struct dasd *d)
{
    return d->img.fmt_recs;
}
const uint8_t *dasd_pending_sense(const struct dasd *d)
{
    return d->sense;
}
const char *dasd_host_error(const struct dasd *d)
{
    return d->host_err;
}
void dasd_cache_stats(const struct dasd *d, uint64_t *hits, uint64_t *misses)
{
    *hits = d->hits;
    *misses = d->misses;
}
