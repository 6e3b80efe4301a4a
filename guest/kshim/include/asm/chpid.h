/* Channel-path identifiers. */
#ifndef _ASM_S390_CHPID_H
#define _ASM_S390_CHPID_H

#include <linux/string.h>
#include <asm/s390_types.h>
#include <asm/cio.h>

#define __MAX_CHPID 255

/* A CHPID qualified by its channel subsystem, laid out as CHSC and RCHP operands hold it.
 * Byte-only structures need no storage-order attribute, and without it their members stay
 * addressable. */
struct chp_id {
    __u8 reserved1;
    __u8 cssid;
    __u8 reserved2;
    __u8 id;
} __packed;

/* Format-0 channel-path description, as CHSC store-channel-path-description returns it. */
struct channel_path_desc_fmt0 {
    u8 flags;
    u8 lsn;
    u8 desc;
    u8 chpid;
    u8 swla;
    u8 zeroes;
    u8 chla;
    u8 chpp;
} __packed;

static inline void chp_id_init(struct chp_id *chpid)
{
    memset(chpid, 0, sizeof(*chpid));
}

static inline int chp_id_is_equal(struct chp_id *a, struct chp_id *b)
{
    return a->cssid == b->cssid && a->id == b->id;
}

/* Step through all CHPIDs of one CSS, then on to the next CSS. */
static inline void chp_id_next(struct chp_id *chpid)
{
    if (chpid->id == __MAX_CHPID) {
        chpid->id = 0;
        chpid->cssid++;
    } else {
        chpid->id++;
    }
}

static inline int chp_id_is_valid(struct chp_id *chpid)
{
    return chpid->cssid <= __MAX_CSSID;
}

#define chp_id_for_each(c) for (chp_id_init(c); chp_id_is_valid(c); chp_id_next(c))

#endif
