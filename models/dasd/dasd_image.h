/* The sparse image file behind a 3390 volume (format in docs/dasd.md, Image file).
 *
 * A 4 KiB header (magic, version, model, geometry, the format unwritten tracks read back as),
 * then one 64 KiB slot per track, in track order (cylinder * 15 + head). A slot that was never
 * written is a hole in the file: it reads as zeros, which marks the track as "as formatted"
 * (R0 and the default records, all data zero). A written slot holds the track's records. */
#ifndef DASD_IMAGE_H
#define DASD_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "dasd_geom.h"

#define DASD_IMAGE_MAGIC   "CSECKD\r\n"
#define DASD_IMAGE_VERSION 1u
#define DASD_IMAGE_HEADER  4096u
#define DASD_TRACK_SLOT    65536u
#define DASD_SLOT_MAGIC    "TRK1"
#define DASD_SLOT_HEADER   16u
/* R0 plus the most 0-length records a track holds (1729 / 20 cells). */
#define DASD_MAX_RECORDS 128u

struct dasd_image {
    char *path;
    int fd;
    int readonly;
    const uint8_t *map; /* the whole file, read-only and shared: tracks are read in place */
    size_t map_len;
    /* Tracks that hold data in the file (found with SEEK_DATA at open, then as written): the
     * others are never read through the mapping, since faulting a hole in a shared mapping
     * makes the later write of that page some 20 times slower (ext4). */
    uint8_t *written;
    const struct dasd_model *model;
    uint32_t cylinders, heads;
    uint32_t fmt_dl;   /* data length of the records of an unwritten track */
    uint32_t fmt_recs; /* records (R1..) on an unwritten track */
};

/* Create (or replace) an image of a 3390-<model>, its tracks formatted with records of
 * block_size data bytes (512, 1024, 2048 or 4096; 4096 gives 12 records a track). */
int dasd_image_create(const char *path, int model, unsigned block_size, cs_error *err);
/* Open and check an image; readonly != 0, or a file this process may not write, opens it
 * read-only (img->readonly says which it got). */
int dasd_image_open(struct dasd_image *img, const char *path, int readonly, cs_error *err);
void dasd_image_close(struct dasd_image *img);

/* The track under the heads. Its records are read where they are: in the image's mapping,
 * or, for a track never written, in a formatted template whose counts are set to this track.
 * A command that changes the track first copies it to buf (dasd_track_own). */
struct dasd_track {
    uint32_t cyl, head;
    unsigned nrec;                      /* records including R0 */
    uint32_t off[DASD_MAX_RECORDS + 1]; /* offset of each record's count; off[nrec] = end */
    uint8_t *base;                      /* the slot the offsets are in */
    int template_ready;
    uint8_t buf[DASD_TRACK_SLOT];
    uint8_t tmpl[DASD_TRACK_SLOT];
};

/* Record i's fields. */
static inline const uint8_t *dasd_rec_count(const struct dasd_track *t, unsigned i)
{
    return t->base + t->off[i];
}
static inline unsigned dasd_rec_kl(const struct dasd_track *t, unsigned i)
{
    return t->base[t->off[i] + 5];
}
static inline unsigned dasd_rec_dl(const struct dasd_track *t, unsigned i)
{
    return (unsigned)t->base[t->off[i] + 6] << 8 | t->base[t->off[i] + 7];
}
static inline uint8_t *dasd_rec_key(struct dasd_track *t, unsigned i)
{
    return t->base + t->off[i] + 8;
}
static inline uint8_t *dasd_rec_data(struct dasd_track *t, unsigned i)
{
    return t->base + t->off[i] + 8 + dasd_rec_kl(t, i);
}

/* Make t track (cyl, head) as it is formatted: R0 and fmt_recs records of fmt_dl zeros. */
void dasd_track_format(const struct dasd_image *img, struct dasd_track *t, uint32_t cyl,
                       uint32_t head);
/* Copy the track to t->buf before changing it. */
void dasd_track_own(struct dasd_track *t);
/* Read track (cyl, head); a slot never written reads as formatted. A slot whose contents do
 * not make a track is an error naming the file and the track. */
int dasd_track_read(const struct dasd_image *img, struct dasd_track *t, uint32_t cyl, uint32_t head,
                    cs_error *err);
/* Store t in its slot (only the bytes in use, so the rest of the slot stays a hole). */
int dasd_track_write(const struct dasd_image *img, const struct dasd_track *t, cs_error *err);

/* Store [off, off+len) of t's slot, whose layout the image already holds. */
int dasd_track_write_range(const struct dasd_image *img, const struct dasd_track *t, uint32_t off,
                           uint32_t len, cs_error *err);

/* Erase the records after index i (the track then has i + 1 records). Like append, it
 * changes t->base: call dasd_track_own() first. */
void dasd_track_erase_after(struct dasd_track *t, unsigned i);
/* Append a record (count = CCHHR KL DLDL as 8 bytes); -1 when the track cannot hold it (its
 * capacity in cells, or the record limit). key/data may be NULL for zeros. */
int dasd_track_append(struct dasd_track *t, const uint8_t count[8], const uint8_t *key,
                      const uint8_t *data);
/* Cells the user records (R1..) of t occupy. */
unsigned dasd_track_cells(const struct dasd_track *t);

#endif
