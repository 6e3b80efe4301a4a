#include "dasd_image.h"
#include "cs_bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t slot_offset(const struct dasd_image *img, uint32_t cyl, uint32_t head)
{
    return DASD_IMAGE_HEADER + ((uint64_t)cyl * img->heads + head) * DASD_TRACK_SLOT;
}

static int block_size_ok(unsigned bs)
{
    return bs == 512 || bs == 1024 || bs == 2048 || bs == 4096;
}

int dasd_image_create(const char *path, int model, unsigned block_size, cs_error *err)
{
    const struct dasd_model *m = dasd_model_find(model);
    if (!m)
        return cs_error_set(err, "%s: no 3390 model %d (3 or 9)", path, model);
    if (!block_size_ok(block_size))
        return cs_error_set(err, "%s: block size %u is not 512, 1024, 2048 or 4096", path,
                            block_size);
    uint8_t h[DASD_IMAGE_HEADER] = {0};
    memcpy(h, DASD_IMAGE_MAGIC, 8);
    cs_put_be32(h + 8, DASD_IMAGE_VERSION);
    cs_put_be16(h + 12, 0x3390);
    h[14] = (uint8_t)model;
    cs_put_be32(h + 16, m->cylinders);
    cs_put_be32(h + 20, DASD_HEADS);
    cs_put_be32(h + 24, DASD_TRACK_SLOT);
    cs_put_be32(h + 28, block_size);
    cs_put_be32(h + 32, dasd_records_per_track(0, block_size));
    cs_put_be32(h + 36, DASD_IMAGE_HEADER);

    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return cs_error_errno(err, errno, "%s: cannot create DASD image", path);
    off_t size = DASD_IMAGE_HEADER + (off_t)m->cylinders * DASD_HEADS * DASD_TRACK_SLOT;
    if (pwrite(fd, h, sizeof h, 0) != (ssize_t)sizeof h || ftruncate(fd, size) < 0) {
        int e = errno;
        close(fd);
        return cs_error_errno(err, e, "%s: cannot write DASD image", path);
    }
    if (close(fd) < 0)
        return cs_error_errno(err, errno, "%s: cannot write DASD image", path);
    return 0;
}

static int check_header(struct dasd_image *img, const uint8_t *h, cs_error *err)
{
    const char *p = img->path;
    if (memcmp(h, DASD_IMAGE_MAGIC, 8) != 0)
        return cs_error_set(err, "%s: not a chansim DASD image (bad magic at offset 0)", p);
    if (cs_be32(h + 8) != DASD_IMAGE_VERSION)
        return cs_error_set(err, "%s: image version %u, this build reads version %u", p,
                            cs_be32(h + 8), DASD_IMAGE_VERSION);
    if (cs_be16(h + 12) != 0x3390)
        return cs_error_set(err, "%s: device type %04x at offset 12, expected 3390", p,
                            cs_be16(h + 12));
    img->model = dasd_model_find(h[14]);
    if (!img->model)
        return cs_error_set(err, "%s: 3390 model %u at offset 14 (expected 3 or 9)", p, h[14]);
    img->cylinders = cs_be32(h + 16);
    img->heads = cs_be32(h + 20);
    if (img->cylinders != img->model->cylinders || img->heads != DASD_HEADS)
        return cs_error_set(err,
                            "%s: geometry %u cylinders x %u heads does not match a 3390-%d "
                            "(%u x %u)",
                            p, img->cylinders, img->heads, img->model->model, img->model->cylinders,
                            DASD_HEADS);
    if (cs_be32(h + 24) != DASD_TRACK_SLOT || cs_be32(h + 36) != DASD_IMAGE_HEADER)
        return cs_error_set(err, "%s: track slot %u / header size %u, expected %u / %u", p,
                            cs_be32(h + 24), cs_be32(h + 36), DASD_TRACK_SLOT, DASD_IMAGE_HEADER);
    img->fmt_dl = cs_be32(h + 28);
    img->fmt_recs = cs_be32(h + 32);
    if (!block_size_ok(img->fmt_dl) || img->fmt_recs == 0 ||
        img->fmt_recs > dasd_records_per_track(0, img->fmt_dl))
        return cs_error_set(err, "%s: format of %u records of %u bytes does not fit a 3390 track",
                            p, img->fmt_recs, img->fmt_dl);
    return 0;
}

static void mark(struct dasd_image *img, uint64_t trk)
{
    img->written[trk / 8] |= (uint8_t)(1u << (trk % 8));
}

static int is_written(const struct dasd_image *img, uint64_t trk)
{
    return img->written[trk / 8] >> (trk % 8) & 1;
}

static int find_written(struct dasd_image *img, uint64_t size, cs_error *err)
{
    uint64_t tracks = (uint64_t)img->cylinders * img->heads;
    img->written = calloc((size_t)(tracks + 7) / 8, 1);
    if (!img->written)
        return cs_error_set(err, "%s: out of memory", img->path);
    off_t pos = DASD_IMAGE_HEADER;
    while ((uint64_t)pos < size) {
        off_t ds = lseek(img->fd, pos, SEEK_DATA);
        if (ds < 0 && errno == ENXIO)
            break; /* no data after pos */
        if (ds < 0) {
            /* no hole information: every track is looked at */
            memset(img->written, 0xFF, (size_t)(tracks + 7) / 8);
            break;
        }
        off_t de = lseek(img->fd, ds, SEEK_HOLE);
        if (de < 0)
            de = (off_t)size;
        uint64_t first = ((uint64_t)ds - DASD_IMAGE_HEADER) / DASD_TRACK_SLOT;
        uint64_t last = ((uint64_t)de - 1 - DASD_IMAGE_HEADER) / DASD_TRACK_SLOT;
        for (uint64_t t = first; t <= last && t < tracks; t++)
            mark(img, t);
        pos = de;
    }
    return 0;
}

int dasd_image_open(struct dasd_image *img, const char *path, int readonly, cs_error *err)
{
    memset(img, 0, sizeof *img);
    img->fd = -1;
    img->readonly = readonly;
    int fd = readonly ? -1 : open(path, O_RDWR);
    if (fd < 0 && !readonly && (errno == EACCES || errno == EROFS || errno == EPERM))
        img->readonly = 1; /* a file we may only read: the volume is write-protected */
    else if (fd < 0 && !readonly)
        return cs_error_errno(err, errno, "%s: cannot open DASD image", path);
    if (fd < 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return cs_error_errno(err, errno, "%s: cannot open DASD image", path);
    }
    img->fd = fd;
    img->path = strdup(path);
    if (!img->path) {
        dasd_image_close(img);
        return cs_error_set(err, "%s: out of memory", path);
    }
    uint8_t h[DASD_IMAGE_HEADER];
    ssize_t n = pread(fd, h, sizeof h, 0);
    if (n < 0) {
        cs_error_errno(err, errno, "%s: cannot read the image header", path);
        goto fail;
    }
    if ((size_t)n < sizeof h) {
        cs_error_set(err, "%s: image header cut short (%zd of %u bytes)", path, n,
                     DASD_IMAGE_HEADER);
        goto fail;
    }
    if (check_header(img, h, err) < 0)
        goto fail;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        cs_error_errno(err, errno, "%s: cannot stat the image", path);
        goto fail;
    }
    uint64_t want = slot_offset(img, img->cylinders, 0);
    if ((uint64_t)st.st_size < want) {
        cs_error_set(err, "%s: image is %lld bytes, a 3390-%d needs %llu (file cut short)", path,
                     (long long)st.st_size, img->model->model, (unsigned long long)want);
        goto fail;
    }
    /* Shared, so that what pwrite() stores is what the mapping shows. */
    img->map_len = (size_t)want;
    void *map = mmap(NULL, img->map_len, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        cs_error_errno(err, errno, "%s: cannot map the image", path);
        goto fail;
    }
    img->map = map;
    if (find_written(img, (uint64_t)st.st_size, err) < 0)
        goto fail;
    return 0;
fail:
    dasd_image_close(img);
    return -1;
}

void dasd_image_close(struct dasd_image *img)
{
    if (img->map)
        munmap((void *)img->map, img->map_len);
    img->map = NULL;
    if (img->fd >= 0)
        close(img->fd);
    img->fd = -1;
    free(img->path);
    img->path = NULL;
    free(img->written);
    img->written = NULL;
}

static void set_count(uint8_t *c, uint32_t cyl, uint32_t head, unsigned r, unsigned kl, unsigned dl)
{
    cs_put_be16(c, cyl);
    cs_put_be16(c + 2, head);
    c[4] = (uint8_t)r;
    c[5] = (uint8_t)kl;
    cs_put_be16(c + 6, dl);
}

static void format_template(const struct dasd_image *img, struct dasd_track *t)
{
    t->base = t->tmpl;
    t->nrec = 1;
    t->off[0] = DASD_SLOT_HEADER;
    /* R0: standard format, no key, 8 data bytes of zeros */
    set_count(t->base + t->off[0], 0, 0, 0, 0, 8);
    memset(t->base + t->off[0] + 8, 0, 8);
    t->off[1] = t->off[0] + 16;
    for (unsigned r = 1; r <= img->fmt_recs; r++) {
        uint8_t c[8];
        set_count(c, 0, 0, r, 0, img->fmt_dl);
        dasd_track_append(t, c, NULL, NULL);
    }
    t->template_ready = 1;
}

void dasd_track_format(const struct dasd_image *img, struct dasd_track *t, uint32_t cyl,
                       uint32_t head)
{
    if (!t->template_ready)
        format_template(img, t);
    /* the template's data stay zero (changes go to buf); only the counts name the track */
    t->base = t->tmpl;
    t->nrec = img->fmt_recs + 1;
    t->off[0] = DASD_SLOT_HEADER;
    for (unsigned i = 0; i < t->nrec; i++) {
        cs_put_be16(t->tmpl + t->off[i], cyl);
        cs_put_be16(t->tmpl + t->off[i] + 2, head);
        t->off[i + 1] = t->off[i] + 8 + (i ? img->fmt_dl : 8);
    }
    t->cyl = cyl;
    t->head = head;
}

void dasd_track_own(struct dasd_track *t)
{
    if (t->base != t->buf) {
        memcpy(t->buf, t->base, t->off[t->nrec]);
        t->base = t->buf;
    }
}

int dasd_track_read(const struct dasd_image *img, struct dasd_track *t, uint32_t cyl, uint32_t head,
                    cs_error *err)
{
    uint64_t at = slot_offset(img, cyl, head);
    if (cyl >= img->cylinders || head >= img->heads)
        return cs_error_set(err, "%s: no track %u/%u on a 3390-%d", img->path, cyl, head,
                            img->model->model);
    const uint8_t *h = img->map + at;
    static const uint8_t zero[DASD_SLOT_HEADER];
    if (!is_written(img, (uint64_t)cyl * img->heads + head) || memcmp(h, zero, sizeof zero) == 0) {
        dasd_track_format(img, t, cyl, head);
        return 0;
    }
    uint32_t nrec = cs_be16(h + 8), used = cs_be32(h + 12);
    if (memcmp(h, DASD_SLOT_MAGIC, 4) != 0 || cs_be16(h + 4) != cyl || cs_be16(h + 6) != head ||
        nrec == 0 || nrec > DASD_MAX_RECORDS || used > DASD_TRACK_SLOT || used < DASD_SLOT_HEADER)
        return cs_error_set(err, "%s: track %u/%u: slot header at offset %llu is corrupt",
                            img->path, cyl, head, (unsigned long long)at);
    t->base = (uint8_t *)h; /* read only: changes go to buf first */
    t->cyl = cyl;
    t->head = head;
    t->nrec = nrec;
    uint32_t off = DASD_SLOT_HEADER;
    for (unsigned i = 0; i < nrec; i++) {
        if (off + 8 > used)
            goto corrupt;
        t->off[i] = off;
        off += 8 + dasd_rec_kl(t, i) + dasd_rec_dl(t, i);
        if (off > used)
            goto corrupt;
    }
    t->off[nrec] = off;
    if (off != used || dasd_track_cells(t) > DASD_TRACK_CELLS)
        goto corrupt;
    return 0;
corrupt:
    t->nrec = 0;
    return cs_error_set(err, "%s: track %u/%u: records overrun the slot at offset %llu", img->path,
                        cyl, head, (unsigned long long)at);
}

int dasd_track_write(const struct dasd_image *img, const struct dasd_track *t, cs_error *err)
{
    if (img->readonly)
        return cs_error_set(err, "%s: image is read-only", img->path);
    uint32_t used = t->off[t->nrec];
    uint8_t h[DASD_SLOT_HEADER];
    memcpy(h, DASD_SLOT_MAGIC, 4);
    cs_put_be16(h + 4, t->cyl);
    cs_put_be16(h + 6, t->head);
    cs_put_be16(h + 8, t->nrec);
    cs_put_be16(h + 10, 0);
    cs_put_be32(h + 12, used);
    uint64_t at = slot_offset(img, t->cyl, t->head);
    if (pwrite(img->fd, h, sizeof h, (off_t)at) != (ssize_t)sizeof h ||
        pwrite(img->fd, t->base + DASD_SLOT_HEADER, used - DASD_SLOT_HEADER,
               (off_t)(at + DASD_SLOT_HEADER)) != (ssize_t)(used - DASD_SLOT_HEADER))
        return cs_error_errno(err, errno, "%s: writing track %u/%u", img->path, t->cyl, t->head);
    uint64_t trk = (uint64_t)t->cyl * img->heads + t->head;
    img->written[trk / 8] |= (uint8_t)(1u << (trk % 8));
    return 0;
}

int dasd_track_write_range(const struct dasd_image *img, const struct dasd_track *t, uint32_t off,
                           uint32_t len, cs_error *err)
{
    if (img->readonly)
        return cs_error_set(err, "%s: image is read-only", img->path);
    uint64_t at = slot_offset(img, t->cyl, t->head) + off;
    if (pwrite(img->fd, t->base + off, len, (off_t)at) != (ssize_t)len)
        return cs_error_errno(err, errno, "%s: writing track %u/%u", img->path, t->cyl, t->head);
    return 0;
}

void dasd_track_erase_after(struct dasd_track *t, unsigned i)
{
    if (i + 1 < t->nrec)
        t->nrec = i + 1;
}

unsigned dasd_track_cells(const struct dasd_track *t)
{
    unsigned cells = 0;
    for (unsigned i = 1; i < t->nrec; i++)
        cells += dasd_record_cells(dasd_rec_kl(t, i), dasd_rec_dl(t, i));
    return cells;
}

int dasd_track_append(struct dasd_track *t, const uint8_t count[8], const uint8_t *key,
                      const uint8_t *data)
{
    unsigned kl = count[5], dl = cs_be16(count + 6);
    uint32_t end = t->off[t->nrec];
    if (t->nrec >= DASD_MAX_RECORDS ||
        dasd_track_cells(t) + dasd_record_cells(kl, dl) > DASD_TRACK_CELLS ||
        end + 8 + kl + dl > DASD_TRACK_SLOT)
        return -1;
    uint8_t *p = t->base + end;
    memcpy(p, count, 8);
    if (key)
        memcpy(p + 8, key, kl);
    else
        memset(p + 8, 0, kl);
    if (data)
        memcpy(p + 8 + kl, data, dl);
    else
        memset(p + 8 + kl, 0, dl);
    t->nrec++;
    t->off[t->nrec] = end + 8 + kl + dl;
    return 0;
}
