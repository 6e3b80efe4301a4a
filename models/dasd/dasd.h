/* A 3390 ECKD volume behind a 3990 control unit, as a channel-subsystem device
 * (css_device_ops). Command set, sense and timing: docs/dasd.md. */
#ifndef DASD_H
#define DASD_H

#include <stddef.h>
#include <stdint.h>

#include "css_device.h"
#include "cs_error.h"
#include "dasd_timing.h"

struct dasd;

/* Sense bytes (24-byte compatible layout in the 32 bytes Sense returns). */
#define DASD_SENSE_LEN             32
#define DASD_SNS0_CMD_REJECT       0x80
#define DASD_SNS0_EQUIPMENT_CHECK  0x10
#define DASD_SNS1_INV_TRACK_FORMAT 0x40
#define DASD_SNS1_NO_REC_FOUND     0x08
#define DASD_SNS1_FILE_PROTECTED   0x04
/* Byte 7: format 0 message codes of a command reject. */
#define DASD_MSG_INVALID_COMMAND   0x01
#define DASD_MSG_INVALID_SEQUENCE  0x02
#define DASD_MSG_COUNT_TOO_SMALL   0x03
#define DASD_MSG_INVALID_PARAMETER 0x04

struct dasd_options {
    int readonly;          /* open the image read-only: every write gets file-protected sense */
    uint32_t cache_tracks; /* control-unit cache size in tracks (0: 65536) */
    const struct dasd_costs *costs; /* NULL: the calibration table's defaults */
};

/* Open the volume in an image made by dasd_image_create() (dasd_image.h). */
struct dasd *dasd_open(const char *path, const struct dasd_options *opt, cs_error *err);
/* Write back what is cached and close; -1 (with the reason) when writing back failed. */
int dasd_close(struct dasd *d, cs_error *err);
/* Write back the track held in memory. */
int dasd_flush(struct dasd *d, cs_error *err);

extern const struct css_device_ops dasd_device_ops;

int dasd_readonly(const struct dasd *d);
uint32_t dasd_cylinders(const struct dasd *d);
int dasd_model_number(const struct dasd *d);
uint32_t dasd_block_size(const struct dasd *d);
uint32_t dasd_blocks_per_track(const struct dasd *d);
/* The sense bytes pending (all zero when none). */
const uint8_t *dasd_pending_sense(const struct dasd *d);
/* The last host-side failure (image I/O) behind an equipment check, or "". */
const char *dasd_host_error(const struct dasd *d);
/* Cache statistics since open. */
void dasd_cache_stats(const struct dasd *d, uint64_t *hits, uint64_t *misses);

#endif
