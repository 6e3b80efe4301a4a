/* Channel-program encoding for the guest side: format-1 CCWs, format-2 IDAWs and the ORB, in
 * the z/Architecture layouts (big-endian), and the guest memory they are built in. */
#ifndef ECKD_CCW_H
#define ECKD_CCW_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

/* Guest memory as the builders see it: any allocator of guest addresses and any writer and
 * reader of bytes at guest addresses. Each returns 0, or -1 with err set. */
struct eckd_mem {
    void *ctx;
    int (*alloc)(void *ctx, size_t len, size_t align, uint64_t *addr, cs_error *err);
    int (*write)(void *ctx, uint64_t addr, const void *buf, size_t len, cs_error *err);
    int (*read)(void *ctx, uint64_t addr, void *buf, size_t len, cs_error *err);
};

/* Format-1 CCW flags (byte 1). */
#define ECKD_CCW_CD   0x80 /* chain data */
#define ECKD_CCW_CC   0x40 /* chain command */
#define ECKD_CCW_SLI  0x20 /* suppress incorrect length */
#define ECKD_CCW_SKIP 0x10 /* skip: no data to storage */
#define ECKD_CCW_PCI  0x08 /* program-controlled interruption */
#define ECKD_CCW_IDA  0x04 /* data address points to an IDAW list */
#define ECKD_CCW_S    0x02 /* suspend before this CCW */

#define ECKD_CMD_TIC 0x08

struct eckd_ccw {
    uint8_t cmd;
    uint8_t flags;
    uint16_t count;
    uint32_t addr; /* 31-bit data address (or TIC target) */
};

void eckd_ccw_encode(const struct eckd_ccw *c, uint8_t out[8]);
void eckd_ccw_decode(const uint8_t in[8], struct eckd_ccw *c);

/* ORB word 1 controls. */
#define ECKD_ORB_S      (1u << 27) /* suspend control */
#define ECKD_ORB_F      (1u << 23) /* format-1 CCWs */
#define ECKD_ORB_P      (1u << 22) /* prefetch allowed */
#define ECKD_ORB_I      (1u << 21) /* initial-status interruption */
#define ECKD_ORB_U      (1u << 19) /* suppress suspended interruption */
#define ECKD_ORB_H      (1u << 17) /* format-2 IDAWs */
#define ECKD_ORB_T      (1u << 16) /* 2K format-2 IDAWs */
#define ECKD_ORB_LPM(m) ((uint32_t)(m) << 8)
#define ECKD_ORB_LEN    32

struct eckd_orb {
    uint32_t intparm;
    uint32_t ctl; /* word 1: key in bits 0-3, the ECKD_ORB_* controls, LPM */
    uint32_t cpa; /* channel-program address */
};

void eckd_orb_encode(const struct eckd_orb *o, uint8_t out[ECKD_ORB_LEN]);
void eckd_orb_decode(const uint8_t in[ECKD_ORB_LEN], struct eckd_orb *o);

/* A channel program under construction in host memory: CCWs whose TICs name other CCWs of
 * the chain by index, placed in guest memory in one piece by eckd_chain_place(). */
#define ECKD_MAX_CCWS 1024
struct eckd_chain {
    struct eckd_ccw ccw[ECKD_MAX_CCWS];
    int tic_to[ECKD_MAX_CCWS]; /* index a TIC branches to, or -1 */
    unsigned n;
};

void eckd_chain_init(struct eckd_chain *ch);
/* Append a CCW (command chaining is set when the next one is added); returns its index or -1
 * when the chain is full. */
int eckd_chain_add(struct eckd_chain *ch, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t addr,
                   cs_error *err);
/* Append a TIC to CCW `target` of the chain. */
int eckd_chain_tic(struct eckd_chain *ch, unsigned target, cs_error *err);
/* Write the chain to guest memory (doubleword aligned); *cpa receives its address. */
int eckd_chain_place(const struct eckd_mem *m, const struct eckd_chain *ch, uint64_t *cpa,
                     cs_error *err);

/* Put bytes in new guest memory (8-byte aligned); *addr receives where. */
int eckd_mem_put(const struct eckd_mem *m, const void *buf, size_t len, uint64_t *addr,
                 cs_error *err);

/* An IDAW list of format-2 (8-byte) IDAWs with 4 KiB blocks for [addr, addr+len): the first
 * IDAW holds addr, each next one the following 4 KiB boundary. *list receives its address. */
int eckd_idal_build(const struct eckd_mem *m, uint64_t addr, size_t len, uint64_t *list,
                    unsigned *nidaw, cs_error *err);

#endif
