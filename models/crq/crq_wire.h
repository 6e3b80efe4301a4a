/* What a CRQ channel records in a trace: the boundary between a partition's driver and the
 * hypervisor's CRQ facility, one channel per VIO adapter (family "crq"). Every hcall the
 * partition makes to the adapter, its return, every element the hypervisor writes into the
 * partition's queue, every interrupt, and the data H_COPY_RDMA moved. Monitors (conformance/)
 * and replay decode exactly these payloads; all multi-byte fields are big-endian. */
#ifndef CRQ_WIRE_H
#define CRQ_WIRE_H

#include <stdint.h>

/* Trace message kinds (cs_trace "kind"), with their direction and payload. */
enum crq_kind {
    /* to_firmware: be64 opcode, be64 args[n] (n = len/8 - 1; as passed in r4..) */
    CRQ_K_HCALL = 1,
    /* to_guest: be64 opcode, be64 rc, be64 rets[m] (plpar_hcall return buffer, m may be 0) */
    CRQ_K_HCALL_RET = 2,
    /* to_guest: be32 slot, be32 queue_entries, u8 element[16] as now in guest memory */
    CRQ_K_ELEMENT = 3,
    /* to_guest: be32 interrupt line: the adapter's interrupt was raised */
    CRQ_K_IRQ = 4,
    /* to_firmware: be32 slot: the hypervisor found this slot cleared by the consumer */
    CRQ_K_CONSUMED = 5,
    /* to_firmware or to_guest (direction of the copy): be64 src_liobn, be64 src_ioba,
     * be64 dst_liobn, be64 dst_ioba, then the bytes copied (inside one H_COPY_RDMA, before its
     * CRQ_K_HCALL_RET) */
    CRQ_K_RDMA = 6,
    /* internal: be64 rc, u8 element[16]: the hypervisor endpoint's send that was not delivered
     * (H_DROPPED: queue full, H_CLOSED: no queue registered) */
    CRQ_K_HV_SEND_FAILED = 7,
    /* internal: be32 state: the adapter's queue state changed (enum crq_queue_state) */
    CRQ_K_QUEUE_STATE = 8,
};

enum crq_queue_state {
    CRQ_Q_FREE = 0,       /* no queue registered */
    CRQ_Q_REGISTERED = 1, /* registered and enabled */
    CRQ_Q_DISABLED = 2,   /* registered, disabled by migration until H_ENABLE_CRQ */
};

/* PAPR hcall opcodes used on CRQ adapters (decimal as hcall_entry prints them in comments). */
#define H_REG_CRQ     0xFC  /* 252 */
#define H_FREE_CRQ    0x100 /* 256 */
#define H_VIO_SIGNAL  0x104 /* 260 */
#define H_SEND_CRQ    0x108 /* 264 */
#define H_COPY_RDMA   0x110 /* 272 */
#define H_ENABLE_CRQ  0x2B0 /* 688 */
#define H_REQUEST_VMC 0x360 /* 864 */

/* PAPR return codes. */
#define H_SUCCESS                 0
#define H_BUSY                    1
#define H_CLOSED                  2
#define H_NOT_AVAILABLE           3
#define H_IN_PROGRESS             14
#define H_LONG_BUSY_ORDER_1_MSEC  9900
#define H_LONG_BUSY_ORDER_10_MSEC 9901
#define H_HARDWARE                (-1)
#define H_FUNCTION                (-2)
#define H_PRIVILEGE               (-3)
#define H_PARAMETER               (-4)
#define H_NOT_FOUND               (-7)
#define H_AUTHORITY               (-10)
#define H_PERMISSION              (-11)
#define H_DROPPED                 (-12)
#define H_SOURCE_PARM             (-13)
#define H_DEST_PARM               (-14)
#define H_REMOTE_PARM             (-15)
#define H_RESOURCE                (-16)

/* Element header byte (byte 0). */
#define CRQ_HDR_FREE    0x00
#define CRQ_HDR_PAYLOAD 0x80
#define CRQ_HDR_INIT    0xC0
#define CRQ_HDR_EVENT   0xFF
/* Byte 1 of an 0xC0 element. */
#define CRQ_INIT          0x01
#define CRQ_INIT_COMPLETE 0x02
/* Byte 1 of an 0xFF transport event: the reason. */
#define CRQ_EV_PARTNER_FAILED       0x01
#define CRQ_EV_PARTNER_DEREGISTERED 0x02
#define CRQ_EV_MIGRATED             0x06
#define CRQ_EV_SUSPEND              0x09
#define CRQ_EV_RESUME               0x0A

/* VMC message types (byte 1 of an 0x80 element on a VMC adapter). */
#define VMC_CAP          0x01
#define VMC_CAP_RESP     0x81
#define VMC_OPEN         0x02
#define VMC_OPEN_RESP    0x82
#define VMC_CLOSE        0x03
#define VMC_CLOSE_RESP   0x83
#define VMC_ADD_BUF      0x04
#define VMC_ADD_BUF_RESP 0x84
#define VMC_REM_BUF      0x05
#define VMC_REM_BUF_RESP 0x85
#define VMC_SIGNAL       0x06

/* VMC status codes. */
#define VMC_ST_SUCCESS           0
#define VMC_ST_INVALID_HMC_INDEX 1
#define VMC_ST_INVALID_BUFFER_ID 2
#define VMC_ST_CLOSED_HMC        3
#define VMC_ST_INTERFACE_FAILURE 4
#define VMC_ST_NO_BUFFER         5

#define VMC_PROTOCOL_VERSION  0x0101
#define VMC_HMC_ID_LEN        32
#define VMC_INVALID_BUFFER_ID 0xFFFF

/* Field access on 16-byte elements (offsets of crq-vmc.md §2.3). */
static inline uint16_t crq_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t crq_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t crq_be64(const uint8_t *p)
{
    return (uint64_t)crq_be32(p) << 32 | crq_be32(p + 4);
}
static inline void crq_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void crq_put32(uint8_t *p, uint32_t v)
{
    crq_put16(p, (uint16_t)(v >> 16));
    crq_put16(p + 2, (uint16_t)v);
}
static inline void crq_put64(uint8_t *p, uint64_t v)
{
    crq_put32(p, (uint32_t)(v >> 32));
    crq_put32(p + 4, (uint32_t)v);
}

/* VMC administrative message (CAP, CAP_RESP). */
#define VMC_CAP_STATUS(e)    ((e)[2])
#define VMC_CAP_MAX_HMC(e)   ((e)[5])
#define VMC_CAP_POOL_SIZE(e) crq_be16((e) + 6)
#define VMC_CAP_MAX_MTU(e)   crq_be32((e) + 8)
#define VMC_CAP_CRQ_SIZE(e)  crq_be16((e) + 12)
#define VMC_CAP_VERSION(e)   crq_be16((e) + 14)
/* VMC HMC interface message (all other types). */
#define VMC_STATUS(e)    ((e)[2])
#define VMC_VAR1(e)      ((e)[3])
#define VMC_SESSION(e)   ((e)[4])
#define VMC_INDEX(e)     ((e)[5])
#define VMC_BUFFER_ID(e) crq_be16((e) + 6)
#define VMC_VAR3(e)      crq_be32((e) + 12) /* ADD_BUF: LIOBA; SIGNAL: msg_len */

#endif
