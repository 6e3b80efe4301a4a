/* Subsystem-identification word (SID), as I/O instructions take it in general register 1. */
#ifndef ASM_SCHID_H
#define ASM_SCHID_H

#include <linux/string.h>
#include <asm/s390_types.h>

/* Bits 0-7 CSSID (meaningful only with M set), 12 M, 13-14 subchannel-set ID, 15 always one,
 * 16-31 subchannel number. */
struct subchannel_id {
    __u32 cssid : 8;
    __u32 : 4;
    __u32 m : 1;
    __u32 ssid : 2;
    __u32 one : 1;
    __u32 sch_no : 16;
} __s390_be __packed __aligned(4);

/* A blank ID still needs the one bit, or the instruction takes an operand exception. */
static inline void init_subchannel_id(struct subchannel_id *schid)
{
    memset(schid, 0, sizeof(*schid));
    schid->one = 1;
}

static inline int schid_equal(struct subchannel_id *schid1, struct subchannel_id *schid2)
{
    return memcmp(schid1, schid2, sizeof(*schid1)) == 0;
}

#endif
