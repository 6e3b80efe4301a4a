/* SCSI definitions for low-level drivers (<scsi/scsi.h>, <scsi/scsi_proto.h>): operation
 * codes, status, the result word's bytes and the error-handler answers, with the kernel's
 * names and values (SAM-5, SPC-4 and Documentation/scsi/scsi_mid_low_api.txt). */
#ifndef _SCSI_SCSI_H
#define _SCSI_SCSI_H
#include "kshim/types.h"

/* operation codes */
#define TEST_UNIT_READY      0x00
#define REQUEST_SENSE        0x03
#define READ_6               0x08
#define WRITE_6              0x0a
#define INQUIRY              0x12
#define MODE_SENSE           0x1a
#define START_STOP           0x1b
#define READ_CAPACITY        0x25
#define READ_10              0x28
#define WRITE_10             0x2a
#define SYNCHRONIZE_CACHE    0x35
#define MODE_SENSE_10        0x5a
#define READ_16              0x88
#define WRITE_16             0x8a
#define SERVICE_ACTION_IN_16 0x9e
#define REPORT_LUNS          0xa0

/* SAM status codes (the status byte of the result) */
#define SAM_STAT_GOOD            0x00
#define SAM_STAT_CHECK_CONDITION 0x02
#define SAM_STAT_BUSY            0x08
#define SAM_STAT_TASK_SET_FULL   0x28

#define SCSI_SENSE_BUFFERSIZE 96
#define MAX_COMMAND_SIZE      16

/* host byte (bits 16-23 of the result) */
#define DID_OK          0x00
#define DID_NO_CONNECT  0x01
#define DID_BUS_BUSY    0x02
#define DID_TIME_OUT    0x03
#define DID_BAD_TARGET  0x04
#define DID_ABORT       0x05
#define DID_PARITY      0x06
#define DID_ERROR       0x07
#define DID_RESET       0x08
#define DID_BAD_INTR    0x09
#define DID_PASSTHROUGH 0x0a
#define DID_SOFT_ERROR  0x0b
#define DID_IMM_RETRY   0x0c
#define DID_REQUEUE     0x0d
/* driver byte (bits 24-31), as 4.19 has it */
#define DRIVER_OK      0x00
#define DRIVER_BUSY    0x01
#define DRIVER_SOFT    0x02
#define DRIVER_MEDIA   0x03
#define DRIVER_ERROR   0x04
#define DRIVER_INVALID 0x05
#define DRIVER_TIMEOUT 0x06
#define DRIVER_HARD    0x07
#define DRIVER_SENSE   0x08

#define status_byte(result) (((result) >> 1) & 0x7f)
#define msg_byte(result)    (((result) >> 8) & 0xff)
#define host_byte(result)   (((result) >> 16) & 0xff)
#define driver_byte(result) (((result) >> 24) & 0xff)

/* what error-handler callbacks answer */
#define NEEDS_RETRY             0x2001
#define SUCCESS                 0x2002
#define FAILED                  0x2003
#define QUEUED                  0x2004
#define SOFT_ERROR              0x2005
#define ADD_TO_MLQUEUE          0x2006
#define TIMEOUT_ERROR           0x2007
#define SCSI_RETURN_NOT_HANDLED 0x2008
#define FAST_IO_FAIL            0x2009

/* peripheral device types (INQUIRY byte 0, bits 0-4) */
#define TYPE_DISK      0x00
#define TYPE_PROCESSOR 0x03
#define TYPE_NO_LUN    0x7f

#define SCSI_UNKNOWN 0
#define SCSI_1       1
#define SCSI_2       3
#define SCSI_3       4 /* SPC */
#define SCSI_SPC_2   5
#define SCSI_SPC_3   6

#define SCSI_W_LUN_REPORT_LUNS 0xc101ull
#endif
