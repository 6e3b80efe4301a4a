/* The monitor of family "css": s390 channel-subsystem rules S1-S22 (subchannel state and
 * condition codes, SCSW/IRB consistency, CCW, IDAW and ORB validity, the data areas a transfer
 * uses, the vfio-ccw I/O region, the mdev lifecycle and the storage the host lets the channel use),
 * checked passively from one subchannel's channel. It reads the CSS model's records (ORB, CCW,
 * SCSW, IRB, DATA, IDAW, the instruction records of cs_ftrace_import.h) and the vfio-ccw region
 * records below, from a live run or from a trace, imported ones included. */
#ifndef CSS_MONITOR_H
#define CSS_MONITOR_H

#include "cs_monitor.h"

/* Kinds of family css that are not instruction records (docs/trace-format.md). */
enum css_mon_kind {
    CSS_MK_ORB = 1,  /* to_firmware: the ORB of an SSCH, 12 or 32 bytes */
    CSS_MK_CCW = 2,  /* to_firmware: format-1 CCWs as the channel fetched them, 8 bytes each */
    CSS_MK_SCSW = 3, /* to_guest: a 12-byte SCSW */
    CSS_MK_IRB = 4,  /* to_guest: the IRB TSCH stored, 64 or 96 bytes */
    /* one piece of a transfer: be64 lowest address, be32 length, u8 flags (CSS_MD_*) */
    CSS_MK_DATA = 5,
    CSS_MK_IDAW = 6, /* to_firmware: be64 address of the IDAW, then the 4- or 8-byte IDAW */
    /* vfio-ccw: the guest's side of the I/O region and the async command region */
    CSS_MK_IO_REGION_WRITE = 0x130, /* to_firmware: ORB (12 bytes), SCSW (12 bytes) */
    CSS_MK_IO_REGION_RET = 0x131,   /* to_guest: be32 ret_code of the write */
    CSS_MK_IO_REGION_IRB = 0x132,   /* to_guest: the 96-byte irb_area */
    CSS_MK_ASYNC_CMD = 0x133,       /* to_firmware: be32 command (1 HSCH, 2 CSCH) */
    CSS_MK_ASYNC_RET = 0x134,       /* to_guest: be32 ret_code */
    CSS_MK_MDEV_EVENT = 0x135,      /* internal: be32 event (enum css_mdev_event), uuid[16] */
    /* to_firmware: storage the access check refused: be64 address, be32 length, u8 store */
    CSS_MK_ACCESS_DENIED = 0x136,
};

#define CSS_MD_STORE          0x01 /* into storage */
#define CSS_MD_SKIP           0x02 /* skip: nothing stored */
#define CSS_MD_BACKWARD       0x04 /* read backward */
#define CSS_MD_LEN            13
#define CSS_ACCESS_DENIED_LEN 13

enum css_mdev_event {
    CSS_MDEV_CREATE = 1,
    CSS_MDEV_OPEN = 2,
    CSS_MDEV_CLOSE = 3,
    CSS_MDEV_REMOVE = 4,
};

/* A start function still without primary status (and not suspended) this many cycles before
 * the end of a run or trace breaks S2; younger ones may be in flight when a run is cut off.
 * One second at a 1 GHz clock: a DASD cache miss takes up to 10 ms (css.md §6). */
#define CSS_MON_OVERDUE_CYCLES 1000000000ull

extern const struct cs_monitor_class css_monitor_class;

#endif
