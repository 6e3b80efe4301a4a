/* Common I/O structures of s390: channel-command words, the interruption-response block with
 * its extended-status words, command-information words and node descriptors. */
#ifndef _ASM_S390_CIO_H_
#define _ASM_S390_CIO_H_

#include <asm/s390_types.h>

#define LPM_ANYPATH      0xff
#define __MAX_CSSID      0
#define __MAX_SUBCHANNEL 65535
#define __MAX_SSID       3

#include <asm/scsw.h>

/* Format-1 CCW: command code, flags, count, 31-bit data address. */
struct ccw1 {
    __u8 cmd_code;
    __u8 flags;
    __u16 count;
    __u32 cda;
} __s390_be __packed __aligned(8);

/* Format-0 CCW: command code, 24-bit data address, flags, count. */
struct ccw0 {
    __u8 cmd_code;
    __u32 cda : 24;
    __u8 flags;
    __u8 reserved;
    __u16 count;
} __s390_be __packed __aligned(8);

/* CCW flags (byte 1 of format 1, byte 4 of format 0). */
#define CCW_FLAG_DC      0x80 /* chain data */
#define CCW_FLAG_CC      0x40 /* chain command */
#define CCW_FLAG_SLI     0x20 /* suppress length indication */
#define CCW_FLAG_SKIP    0x10 /* skip data transfer to storage */
#define CCW_FLAG_PCI     0x08 /* program-controlled interruption */
#define CCW_FLAG_IDA     0x04 /* indirect data addressing */
#define CCW_FLAG_SUSPEND 0x02

#define CCW_CMD_READ_IPL       0x02
#define CCW_CMD_NOOP           0x03
#define CCW_CMD_BASIC_SENSE    0x04
#define CCW_CMD_TIC            0x08
#define CCW_CMD_STLCK          0x14
#define CCW_CMD_SENSE_PGID     0x34
#define CCW_CMD_SUSPEND_RECONN 0x5B
#define CCW_CMD_RDC            0x64
#define CCW_CMD_RELEASE        0x94
#define CCW_CMD_SET_PGID       0xAF
#define CCW_CMD_SENSE_ID       0xE4
#define CCW_CMD_DCTL           0xF3

/* Size of the basic-sense data, and of the ECW that carries concurrent sense. */
#define SENSE_MAX_COUNT 0x20

/* Extended-report word (ESW word 1). */
struct erw {
    __u32 res0 : 3;
    __u32 auth : 1;  /* authorization check */
    __u32 pvrf : 1;  /* path verification required */
    __u32 cpt : 1;   /* channel-path timeout */
    __u32 fsavf : 1; /* failing-storage address valid */
    __u32 cons : 1;  /* concurrent sense: the ECW holds sense data */
    __u32 scavf : 1; /* secondary-CCW address valid */
    __u32 fsaf : 1;  /* failing-storage address format */
    __u32 scnt : 6;  /* sense count, with cons */
    __u32 res16 : 16;
} __s390_be __packed;

/* Extended-report word of an EADM subchannel. */
struct erw_eadm {
    __u32 : 16;
    __u32 b : 1; /* AOB error */
    __u32 r : 1; /* ARSB error */
    __u32 : 14;
} __s390_be __packed;

/* Subchannel logout (format-0 ESW word 0). */
struct sublog {
    __u32 res0 : 1;
    __u32 esf : 7;  /* extended-status flags */
    __u32 lpum : 8; /* last-path-used mask */
    __u32 arep : 1; /* ancillary report */
    __u32 fvf : 5;  /* field-validity flags */
    __u32 sacc : 2; /* storage-access code */
    __u32 termc : 2;
    __u32 devsc : 1; /* device-status check */
    __u32 serr : 1;  /* secondary error */
    __u32 ioerr : 1; /* I/O-error alert */
    __u32 seqc : 3;  /* sequence code */
} __s390_be __packed;

/* ESW formats: 0 after a channel-path or subchannel error, 1-3 otherwise. */
struct esw0 {
    struct sublog sublog;
    struct erw erw;
    __u32 faddr[2]; /* failing-storage address */
    __u32 saddr;    /* secondary-CCW address */
} __s390_be __packed;

struct esw1 {
    __u8 zero0;
    __u8 lpum;
    __u16 zero16;
    struct erw erw;
    __u32 zeros[3];
} __s390_be __packed;

struct esw2 {
    __u8 zero0;
    __u8 lpum;
    __u16 dcti; /* device-connect-time interval */
    struct erw erw;
    __u32 zeros[3];
} __s390_be __packed;

struct esw3 {
    __u8 zero0;
    __u8 lpum;
    __u16 res;
    struct erw erw;
    __u32 zeros[3];
} __s390_be __packed;

struct esw_eadm {
    __u32 sublog;
    struct erw_eadm erw;
    __u32 : 32;
    __u32 : 32;
    __u32 : 32;
} __s390_be __packed;

/* Interruption-response block as TEST SUBCHANNEL stores it: SCSW, ESW, ECW, and the
 * extended-measurement word that follows when extended measurement is enabled, so a 96-byte
 * store always fits. */
struct irb {
    union scsw scsw;
    union {
        struct esw0 esw0;
        struct esw1 esw1;
        struct esw2 esw2;
        struct esw3 esw3;
        struct esw_eadm eadm;
    } __s390_be esw;
    __u8 ecw[32];
    __u32 emw[8];
} __s390_be __packed __aligned(4);

/* Command-information word, from SENSE ID data. */
struct ciw {
    __u32 et : 2; /* entry type */
    __u32 reserved : 2;
    __u32 ct : 4; /* command type */
    __u32 cmd : 8;
    __u32 count : 16;
} __s390_be __packed;

#define CIW_TYPE_RCD 0x0 /* read configuration data */
#define CIW_TYPE_SII 0x1 /* set interface identifier */
#define CIW_TYPE_RNI 0x2 /* read node identifier */

/* Node descriptor of configuration data (Common I/O-Device Commands, SA22-7204). */
#define ND_VALIDITY_VALID    0
#define ND_VALIDITY_OUTDATED 1
#define ND_VALIDITY_INVALID  2

struct node_descriptor {
    union {
        struct {
            u32 validity : 3;
            u32 reserved : 5;
        } __s390_be __packed;
        u8 byte0;
    } __s390_be __packed;
    u32 params : 24;
    char type[6];
    char model[3];
    char manufacturer[3];
    char plant[2];
    char seq[12];
    u16 tag;
} __s390_be __packed;

/* do_IO() options. */
#define DOIO_ALLOW_SUSPEND  0x0001
#define DOIO_DENY_PREFETCH  0x0002
#define DOIO_SUPPRESS_INTER 0x0004

/* Device events reported to CCW drivers. */
#define CIO_GONE       0x0001
#define CIO_NO_PATH    0x0002
#define CIO_OPER       0x0004
#define CIO_REVALIDATE 0x0008
#define CIO_BOXED      0x0010

/* Identity of a CCW device across subchannel sets; not an architectural structure. */
struct ccw_dev_id {
    u8 ssid;
    u16 devno;
};

static inline int ccw_dev_id_is_equal(struct ccw_dev_id *dev_id1, struct ccw_dev_id *dev_id2)
{
    return dev_id1->ssid == dev_id2->ssid && dev_id1->devno == dev_id2->devno;
}

/* Path masks number paths from the leftmost bit: 0x80 is path 0. */
static inline u8 pathmask_to_pos(u8 mask)
{
    return 8 - __builtin_ffs(mask);
}

#endif
