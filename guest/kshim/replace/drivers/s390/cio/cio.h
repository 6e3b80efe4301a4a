/* The architectural part of the common I/O layer's private cio.h: path-management control
 * word and subchannel-information block. struct subchannel and the cio_* functions belong to
 * the shim proper, which adds them on top of this header. */
#ifndef S390_CIO_H
#define S390_CIO_H

#include <asm/s390_types.h>
#include <asm/chpid.h>
#include <asm/cio.h>
#include <asm/schid.h>

/* Path-management control word (SCHIB words 0-6). */
struct pmcw {
    u32 intparm;
    u32 qf : 1; /* QDIO facility */
    u32 w : 1;
    u32 isc : 3; /* interruption subclass */
    u32 res5 : 3;
    u32 ena : 1;  /* enabled */
    u32 lm : 2;   /* limit mode */
    u32 mme : 2;  /* measurement-mode enable */
    u32 mp : 1;   /* multipath mode */
    u32 tf : 1;   /* timing facility */
    u32 dnv : 1;  /* device number valid */
    u32 dev : 16; /* device number */
    u8 lpm;       /* logical-path mask */
    u8 pnom;      /* path-not-operational mask */
    u8 lpum;      /* last-path-used mask */
    u8 pim;       /* path-installed mask */
    u16 mbi;      /* measurement-block index */
    u8 pom;       /* path-operational mask */
    u8 pam;       /* path-available mask */
    u8 chpid[8];
    u32 unused1 : 8;
    u32 st : 3; /* subchannel type */
    u32 unused2 : 18;
    u32 mbfc : 1;   /* measurement-block format control */
    u32 xmwme : 1;  /* extended-measurement-word mode enable */
    u32 csense : 1; /* concurrent sense */
} __s390_be __packed;

/* What the common I/O layer wants MODIFY SUBCHANNEL to establish. Host-side bookkeeping, never
 * handed to the channel subsystem, so it keeps host byte order. */
struct schib_config {
    u64 mba;
    u32 intparm;
    u16 mbi;
    u32 isc : 3;
    u32 ena : 1;
    u32 mme : 2;
    u32 mp : 1;
    u32 csense : 1;
    u32 mbfc : 1;
} __packed;

/* Subchannel-information block, as STORE SUBCHANNEL stores it: PMCW, SCSW, and a 12-byte
 * model-dependent area that holds the measurement-block address in format-1 measurement. */
struct schib {
    struct pmcw pmcw;
    union scsw scsw;
    __u64 mba;
    __u8 mda[4];
} __s390_be __packed __aligned(4);

/* Pending work on a subchannel; a higher value supersedes a lower one. */
enum sch_todo {
    SCH_TODO_NOTHING,
    SCH_TODO_EVAL,
    SCH_TODO_UNREG,
};

#endif
