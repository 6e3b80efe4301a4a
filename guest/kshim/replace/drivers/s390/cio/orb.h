/* Operation-request block, the operand of START SUBCHANNEL, in its command-mode,
 * transport-mode and EADM forms. */
#ifndef S390_ORB_H
#define S390_ORB_H

#include <asm/s390_types.h>

/* Command mode: interruption parameter, control word, channel-program address. */
struct cmd_orb {
    u32 intparm;
    u32 key : 4;  /* storage key for the channel program's accesses */
    u32 spnd : 1; /* suspend control */
    u32 res1 : 1;
    u32 mod : 1;  /* modification control */
    u32 sync : 1; /* synchronization control */
    u32 fmt : 1;  /* CCW format: 1 for format 1 */
    u32 pfch : 1; /* prefetch allowed */
    u32 isic : 1; /* initial-status interruption */
    u32 alcc : 1; /* address-limit checking */
    u32 ssic : 1; /* suppress suspended interruption */
    u32 res2 : 1; /* channel-program type: set in transport mode (tm_orb.b) */
    u32 c64 : 1;  /* format-2 IDAWs */
    u32 i2k : 1;  /* 2 KiB IDAW blocks */
    u32 lpm : 8;  /* logical-path mask */
    u32 ils : 1;  /* incorrect-length suppression mode */
    u32 zero : 6; /* bit 25 is the MIDAW control, the rest reserved */
    u32 orbx : 1; /* ORB extension: words 3-7 are valid */
    u32 cpa;
} __s390_be __packed __aligned(4);

/* Transport mode: the program is a TCW; b marks the ORB as transport mode. */
struct tm_orb {
    u32 intparm;
    u32 key : 4;
    u32 : 9;
    u32 b : 1;
    u32 : 2;
    u32 lpm : 8;
    u32 : 7;
    u32 x : 1;
    u32 tcw;
    u32 prio : 8;
    u32 : 8;
    u32 rsvpgm : 8;
    u32 : 8;
    u32 : 32;
    u32 : 32;
    u32 : 32;
    u32 : 32;
} __s390_be __packed __aligned(4);

/* EADM subchannels: the program is an AOB. */
struct eadm_orb {
    u32 intparm;
    u32 key : 4;
    u32 : 4;
    u32 compat1 : 1;
    u32 compat2 : 1;
    u32 : 21;
    u32 x : 1;
    u32 aob;
    u32 css_prio : 8;
    u32 : 8;
    u32 scm_prio : 8;
    u32 : 8;
    u32 : 29;
    u32 fmt : 3;
    u32 : 32;
    u32 : 32;
    u32 : 32;
} __s390_be __packed __aligned(4);

/* 32 bytes: the extended ORB size, which START SUBCHANNEL reads when orbx is set. */
union orb {
    struct cmd_orb cmd;
    struct tm_orb tm;
    struct eadm_orb eadm;
} __s390_be __packed __aligned(4);

#endif
