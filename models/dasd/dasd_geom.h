/* 3390 geometry, track capacity and the identification bytes a 3390 on a 3990 answers with.
 * Figures and sources are in docs/dasd.md (Geometry). */
#ifndef DASD_GEOM_H
#define DASD_GEOM_H

#include <stddef.h>
#include <stdint.h>

#define DASD_HEADS 15u
/* Track capacity in cells for user records (R1 on); R0 and the home address are outside it. */
#define DASD_TRACK_CELLS 1729u
/* Largest data area one record may have: the whole track. */
#define DASD_MAX_DL 56664u

struct dasd_model {
    int model;          /* 3 or 9 */
    uint32_t cylinders; /* primary cylinders */
    uint32_t alt_cyls;  /* alternate cylinders (reported by RDC) */
    uint8_t sid_model;  /* device model byte of Sense ID / RDC */
    uint8_t unit_type;  /* RDC byte 11 */
};

/* The model table entry for -3 or -9, or NULL. */
const struct dasd_model *dasd_model_find(int model);

/* Cells one record occupies on a 3390 track (key length kl, data length dl). */
unsigned dasd_record_cells(unsigned kl, unsigned dl);
/* How many records of (kl, dl) fit on one track. */
unsigned dasd_records_per_track(unsigned kl, unsigned dl);

#define DASD_SENSE_ID_LEN 7
#define DASD_RDC_LEN      64
/* Sense ID bytes: 0xFF, control unit 3990, device 3390 and model. */
void dasd_sense_id_bytes(const struct dasd_model *m, uint8_t out[DASD_SENSE_ID_LEN]);
/* Read Device Characteristics, 64 bytes, laid out as Linux' struct dasd_eckd_characteristics. */
void dasd_rdc_bytes(const struct dasd_model *m, uint8_t out[DASD_RDC_LEN]);

#endif
