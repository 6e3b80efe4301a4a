/* The guest's reading of an IRB (as TEST SUBCHANNEL stores it): SCSW fields, the outcome of
 * the program, and the concurrent sense an ESW/ECW carries. */
#ifndef ECKD_IRB_H
#define ECKD_IRB_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#define ECKD_IRB_LEN 96

/* SCSW function, activity and status control, packed as Linux' scsw.h does. */
#define ECKD_FCTL_START         0x4
#define ECKD_FCTL_HALT          0x2
#define ECKD_FCTL_CLEAR         0x1
#define ECKD_ACTL_RESUME_PEND   0x40
#define ECKD_ACTL_START_PEND    0x20
#define ECKD_ACTL_SUSPENDED     0x01
#define ECKD_STCTL_ALERT        0x10
#define ECKD_STCTL_INTERMEDIATE 0x08
#define ECKD_STCTL_PRIMARY      0x04
#define ECKD_STCTL_SECONDARY    0x02
#define ECKD_STCTL_PENDING      0x01

/* Subchannel status (SCSW byte 9). */
#define ECKD_CSTAT_PCI                     0x80
#define ECKD_CSTAT_INCORRECT_LENGTH        0x40
#define ECKD_CSTAT_PROGRAM_CHECK           0x20
#define ECKD_CSTAT_PROTECTION_CHECK        0x10
#define ECKD_CSTAT_CHANNEL_DATA_CHECK      0x08
#define ECKD_CSTAT_CHANNEL_CONTROL_CHECK   0x04
#define ECKD_CSTAT_INTERFACE_CONTROL_CHECK 0x02
#define ECKD_CSTAT_CHAINING_CHECK          0x01

enum eckd_outcome {
    ECKD_DONE,          /* primary status, channel end + device end, nothing wrong */
    ECKD_UNIT_CHECK,    /* the device reported an error: see sense */
    ECKD_CHANNEL_ERROR, /* subchannel status names a check (program, protection, ...) */
    ECKD_SUSPENDED,     /* the program is suspended at cpa - 8 */
    ECKD_INTERMEDIATE,  /* intermediate status (PCI, initial status) */
    ECKD_HALTED,        /* halt function completed */
    ECKD_CLEARED,       /* clear function completed */
    ECKD_ABNORMAL,      /* status that fits none of the above */
};

enum eckd_sense_kind {
    ECKD_SENSE_NONE,
    ECKD_SENSE_COMMAND_REJECT,
    ECKD_SENSE_EQUIPMENT_CHECK,
    ECKD_SENSE_INVALID_TRACK_FORMAT,
    ECKD_SENSE_NO_RECORD_FOUND,
    ECKD_SENSE_FILE_PROTECTED,
    ECKD_SENSE_OTHER,
};

struct eckd_result {
    enum eckd_outcome outcome;
    uint8_t key, deferred_cc;
    int suspend_ctl, ils; /* SCSW S and L */
    uint8_t fctl, actl, stctl;
    uint8_t dstat, cstat;
    uint16_t residual;
    uint32_t cpa;
    int sense_valid; /* the ECW holds concurrent sense (ERW cons) */
    uint8_t sense[32];
    unsigned sense_count;
    enum eckd_sense_kind sense_kind;
};

/* Decode an IRB of len bytes (at least 64: SCSW, ESW, ECW). */
int eckd_check_irb(const uint8_t *irb, size_t len, struct eckd_result *r, cs_error *err);
/* Classify sense bytes (from the ECW or a Sense command). */
enum eckd_sense_kind eckd_sense_classify(const uint8_t *sense, size_t n);
const char *eckd_outcome_name(enum eckd_outcome o);
const char *eckd_sense_name(enum eckd_sense_kind k);
/* One line: outcome, statuses, residual, sense. */
void eckd_result_describe(const struct eckd_result *r, char *buf, size_t len);

#endif
