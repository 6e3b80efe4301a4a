#include "dasd_geom.h"
#include "cs_bytes.h"

#include <string.h>

/* Hercules dasdtab.c lists the 3390 family: -3 = 3339 cylinders, 1 alternate, model byte 0x0A,
 * unit type 0x24; -9 = 10017 cylinders, 3 alternates, 0x0C, 0x32; both 15 heads. */
static const struct dasd_model models[] = {
    {3, 3339, 1, 0x0A, 0x24},
    {9, 10017, 3, 0x0C, 0x32},
};

const struct dasd_model *dasd_model_find(int model)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (models[i].model == model)
            return &models[i];
    return NULL;
}

static unsigned ceil_div(unsigned a, unsigned b)
{
    return (a + b - 1) / b;
}

/* The 3390 track-capacity formula (IBM 3390 Reference Summary; the same arithmetic as Linux
 * dasd_eckd.c recs_per_track()): 34-byte cells, 6 bytes of ECC padding per 232-byte chunk. */
unsigned dasd_record_cells(unsigned kl, unsigned dl)
{
    unsigned dn = ceil_div(dl + 6, 232) + 1;
    unsigned cells = 10 + 9 + ceil_div(dl + 6 * dn, 34);
    if (kl) {
        unsigned kn = ceil_div(kl + 6, 232) + 1;
        cells += 9 + ceil_div(kl + 6 * kn, 34);
    }
    return cells;
}

unsigned dasd_records_per_track(unsigned kl, unsigned dl)
{
    return DASD_TRACK_CELLS / dasd_record_cells(kl, dl);
}

void dasd_sense_id_bytes(const struct dasd_model *m, uint8_t out[DASD_SENSE_ID_LEN])
{
    out[0] = 0xFF;
    cs_put_be16(out + 1, 0x3990);
    out[3] = 0xE9; /* control-unit model: Linux matches any 3990 model (dasd_eckd_ids) */
    cs_put_be16(out + 4, 0x3390);
    out[6] = m->sid_model;
}

void dasd_rdc_bytes(const struct dasd_model *m, uint8_t out[DASD_RDC_LEN])
{
    memset(out, 0, DASD_RDC_LEN);
    cs_put_be16(out + 0, 0x3990);
    out[2] = 0xE9;
    cs_put_be16(out + 3, 0x3390);
    out[5] = m->sid_model;
    out[6] = 0x40;  /* facilities: Read Track allowed in a Locate Record domain */
    out[9] = 0x14;  /* facilities: cache, DASD fast write */
    out[10] = 0x20; /* device class: DASD */
    out[11] = m->unit_type;
    cs_put_be16(out + 12, m->cylinders);
    cs_put_be16(out + 14, DASD_HEADS);
    out[16] = 224; /* sectors per track */
    /* physical track length 58 786 bytes (Hercules dasdtab "len") */
    out[17] = 0x00;
    out[18] = (uint8_t)(58786 >> 8);
    out[19] = (uint8_t)58786;
    cs_put_be16(out + 20, 1428); /* home address + R0 bytes */
    out[22] = 2;                 /* track-capacity formula 2 ... */
    out[23] = 34;                /* ... with factors f1..f5 = 34, 19, 9, 6, 116 */
    out[24] = 19;
    out[25] = 9;
    out[26] = 6;
    out[27] = 116;
    /* first alternate track; a 3390-9 has more tracks than the 16-bit field holds */
    uint32_t alt = m->cylinders * DASD_HEADS;
    cs_put_be16(out + 28, alt > 0xFFFF ? 0xFFFF : alt);
    cs_put_be16(out + 30, m->alt_cyls * DASD_HEADS); /* alternate tracks */
    cs_put_be16(out + 44, 57326);                    /* largest R0 */
    out[48] = 6;                                     /* factor 6 */
    out[60] = (uint8_t)(m->cylinders >> 24);         /* long cylinder count */
    out[61] = (uint8_t)(m->cylinders >> 16);
    out[62] = (uint8_t)(m->cylinders >> 8);
    out[63] = (uint8_t)m->cylinders;
}
