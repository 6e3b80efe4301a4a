/* Channel report word, as STORE CHANNEL REPORT WORD stores it. */
#ifndef _ASM_S390_CRW_H
#define _ASM_S390_CRW_H

#include <asm/s390_types.h>

struct crw {
    __u32 res1 : 1;  /* bit 0: zero */
    __u32 slct : 1;  /* solicited */
    __u32 oflw : 1;  /* overflow: reports were lost before this one */
    __u32 chn : 1;   /* chained: another CRW of the same report follows */
    __u32 rsc : 4;   /* reporting-source code */
    __u32 anc : 1;   /* ancillary report */
    __u32 res2 : 1;  /* bit 9: zero */
    __u32 erc : 6;   /* error-recovery code */
    __u32 rsid : 16; /* reporting-source ID */
} __s390_be __packed;

typedef void (*crw_handler_t)(struct crw *, struct crw *, int);

/* Number of reporting-source codes (the field is 4 bits). */
#define NR_RSCS 16

/* Reporting-source codes. */
#define CRW_RSC_MONITOR 0x2
#define CRW_RSC_SCH     0x3
#define CRW_RSC_CPATH   0x4
#define CRW_RSC_CONFIG  0x9
#define CRW_RSC_CSS     0xB

/* Error-recovery codes. */
#define CRW_ERC_EVENT  0x00 /* event information pending */
#define CRW_ERC_AVAIL  0x01 /* available */
#define CRW_ERC_INIT   0x02 /* initialized */
#define CRW_ERC_TERROR 0x03 /* temporary error */
#define CRW_ERC_IPARM  0x04 /* installed parameters initialized */
#define CRW_ERC_TERM   0x05 /* terminal */
#define CRW_ERC_PERRN  0x06 /* permanent error, facility not initialized */
#define CRW_ERC_PERRI  0x07 /* permanent error, facility initialized */
#define CRW_ERC_PMOD   0x08 /* installed parameters modified */

#endif
