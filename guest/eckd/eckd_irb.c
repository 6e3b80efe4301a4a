#include "eckd_irb.h"

#include <stdio.h>
#include <string.h>

#define DEV_UNIT_CHECK 0x02
#define DEV_CE_DE      0x0C

enum eckd_sense_kind eckd_sense_classify(const uint8_t *sense, size_t n)
{
    if (n < 2)
        return ECKD_SENSE_NONE;
    if (sense[0] & 0x80)
        return ECKD_SENSE_COMMAND_REJECT;
    if (sense[0] & 0x10)
        return ECKD_SENSE_EQUIPMENT_CHECK;
    if (sense[1] & 0x40)
        return ECKD_SENSE_INVALID_TRACK_FORMAT;
    if (sense[1] & 0x08)
        return ECKD_SENSE_NO_RECORD_FOUND;
    if (sense[1] & 0x04)
        return ECKD_SENSE_FILE_PROTECTED;
    for (size_t i = 0; i < n; i++)
        if (sense[i])
            return ECKD_SENSE_OTHER;
    return ECKD_SENSE_NONE;
}

int eckd_check_irb(const uint8_t *irb, size_t len, struct eckd_result *r, cs_error *err)
{
    memset(r, 0, sizeof *r);
    if (len < 64)
        return cs_error_set(err, "IRB of %zu bytes: SCSW, ESW and ECW take 64", len);
    r->key = irb[0] >> 4;
    r->suspend_ctl = !!(irb[0] & 0x08);
    r->ils = !!(irb[0] & 0x04);
    r->deferred_cc = irb[0] & 0x03;
    r->fctl = (irb[2] >> 4) & 0x07;
    r->actl = (uint8_t)((irb[2] & 0x0F) << 3 | irb[3] >> 5);
    r->stctl = irb[3] & 0x1F;
    r->cpa = (uint32_t)irb[4] << 24 | (uint32_t)irb[5] << 16 | (uint32_t)irb[6] << 8 | irb[7];
    r->dstat = irb[8];
    r->cstat = irb[9];
    r->residual = (uint16_t)(irb[10] << 8 | irb[11]);
    /* ESW format 0: the extended-report word is its word 1 (IRB bytes 16-19); cons says the
     * ECW holds scnt bytes of concurrent sense */
    if (irb[16] & 0x01) {
        r->sense_valid = 1;
        r->sense_count = irb[17] & 0x3F;
        memcpy(r->sense, irb + 32, sizeof r->sense);
        r->sense_kind = eckd_sense_classify(r->sense, sizeof r->sense);
    }
    if (r->fctl & ECKD_FCTL_CLEAR)
        r->outcome = ECKD_CLEARED;
    else if (r->fctl & ECKD_FCTL_HALT)
        r->outcome = ECKD_HALTED;
    else if (r->cstat & ~(ECKD_CSTAT_PCI | ECKD_CSTAT_INCORRECT_LENGTH))
        r->outcome = ECKD_CHANNEL_ERROR;
    else if (r->dstat & DEV_UNIT_CHECK)
        r->outcome = ECKD_UNIT_CHECK; /* incorrect length beside it only says no data moved */
    else if (r->cstat & ECKD_CSTAT_INCORRECT_LENGTH)
        r->outcome = ECKD_CHANNEL_ERROR;
    else if (r->actl & ECKD_ACTL_SUSPENDED)
        r->outcome = ECKD_SUSPENDED;
    else if ((r->stctl & ECKD_STCTL_PRIMARY) && (r->dstat & DEV_CE_DE) == DEV_CE_DE)
        r->outcome = ECKD_DONE;
    else if (r->stctl & ECKD_STCTL_INTERMEDIATE)
        r->outcome = ECKD_INTERMEDIATE;
    else
        r->outcome = ECKD_ABNORMAL;
    return 0;
}

const char *eckd_outcome_name(enum eckd_outcome o)
{
    static const char *const names[] = {"done",         "unit check", "channel error", "suspended",
                                        "intermediate", "halted",     "cleared",       "abnormal"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

const char *eckd_sense_name(enum eckd_sense_kind k)
{
    static const char *const names[] = {"none",
                                        "command reject",
                                        "equipment check",
                                        "invalid track format",
                                        "no record found",
                                        "file protected",
                                        "other"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

void eckd_result_describe(const struct eckd_result *r, char *buf, size_t len)
{
    int n = snprintf(buf, len,
                     "%s: fctl=%#x actl=%#x stctl=%#x dstat=%#04x cstat=%#04x cpa=%#x "
                     "residual=%u",
                     eckd_outcome_name(r->outcome), r->fctl, r->actl, r->stctl, r->dstat, r->cstat,
                     r->cpa, r->residual);
    if (r->sense_valid && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " sense=%s (%02x %02x %02x, byte 7 %02x)",
                 eckd_sense_name(r->sense_kind), r->sense[0], r->sense[1], r->sense[2],
                 r->sense[7]);
}
