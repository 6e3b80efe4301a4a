/* Shared by the channel-subsystem tests: a machine with the css calibration entries, one CSS,
 * and a loopback test device behind it. */
#ifndef TEST_CSS_UTIL_H
#define TEST_CSS_UTIL_H

#include <stdint.h>

#include "cs_machine.h"
#include "css.h"

/* Test device commands (css_device_ops of the loopback device). */
#define TD_WRITE      0x01 /* storage -> device buffer: everything the chain offers */
#define TD_READ       0x02 /* device buffer -> storage: tdev.len bytes */
#define TD_NOP        0x03
#define TD_SENSE      0x04
#define TD_READ_SHORT 0x06 /* reads 4 bytes only */
#define TD_SLOW       0x0b /* control: busy tdev.slow_ns */
#define TD_READ_BACK  0x0c /* read backward: tdev.len bytes */
#define TD_SM         0x0f /* control: CE|DE|status modifier */
#define TD_UEXC       0x13 /* control: CE|DE|unit exception */
#define TD_CTL_STORE  0x17 /* control that stores 4 bytes (skip does not apply) */
#define TD_SENSE_ID   0xe4

struct tdev {
    uint8_t buf[65536];
    size_t len;
    uint8_t sense[32];
    uint64_t slow_ns;
    uint8_t cmds[256];
    unsigned ncmds;
    unsigned starts, ends, halts, clears;
    long last_rc; /* the last css_dstream_* result */
};

struct io_int {
    uint32_t sid, intparm;
    unsigned isc;
    uint64_t cycle;
};

struct tcss {
    struct cs_platform *p;
    struct cs_machine *m;
    struct cs_domain *dom;
    struct css *c;
    struct tdev dev;
    uint32_t sid;
    struct io_int ints[64];
    unsigned nints;
};

extern const struct css_device_ops tdev_ops;

/* Build it all; the device is attached at 0.0.0100 and, when enable, enabled with ISC 3 and
 * interruption parameter 0x12345678 through STSCH/MSCH. */
void tcss_setup(struct tcss *t, int enable);
void tcss_teardown(struct tcss *t);
/* Run the queue until it is empty (or a simulated second has passed). */
void tcss_run(struct tcss *t);
uint64_t tcss_now(const struct tcss *t);
uint8_t *tcss_mem(struct tcss *t, uint64_t gpa);

/* Guest-memory builders (big-endian). */
void put_be16(uint8_t *p, uint16_t v);
void put_be32(uint8_t *p, uint32_t v);
void put_be64(uint8_t *p, uint64_t v);
uint32_t get_be32(const uint8_t *p);
uint16_t get_be16(const uint8_t *p);
void ccw1(struct tcss *t, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
void ccw0(struct tcss *t, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
/* ORB word 1 bits */
#define ORB_S   0x08000000u
#define ORB_F   0x00800000u
#define ORB_P   0x00400000u
#define ORB_I   0x00200000u
#define ORB_U   0x00080000u
#define ORB_H   0x00020000u /* format-2 IDAWs */
#define ORB_T   0x00010000u /* 2K format-2 IDAWs */
#define ORB_LPM 0x00008000u /* LPM 0x80 */
void orb(struct tcss *t, uint64_t at, uint32_t intparm, uint32_t w1, uint32_t cpa);

/* SSCH of the ORB at 0x1000 with the program at cpa, format 1, then run; returns the cc. */
int tcss_start(struct tcss *t, uint32_t w1, uint32_t cpa);
/* TSCH into 0x2000; returns the cc; the IRB is at tcss_mem(t, 0x2000). */
int tcss_tsch(struct tcss *t);
/* Fields of the IRB TSCH stored at 0x2000. */
uint32_t irb_w0(struct tcss *t);
uint32_t irb_cpa(struct tcss *t);
uint8_t irb_dstat(struct tcss *t);
uint8_t irb_cstat(struct tcss *t);
uint16_t irb_count(struct tcss *t);
#define IRB_FCTL(w0)  (((w0) >> 12) & 7)
#define IRB_ACTL(w0)  (((w0) >> 5) & 0x7f)
#define IRB_STCTL(w0) ((w0)&0x1f)
#define IRB_CC(w0)    (((w0) >> 24) & 3)

#endif
