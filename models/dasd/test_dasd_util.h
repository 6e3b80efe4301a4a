/* Channel-program pieces the DASD tests drive the device with. */
#ifndef TEST_DASD_UTIL_H
#define TEST_DASD_UTIL_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "dasd.h"
#include "test_dstream.h"

#define OK (CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END)
#define UC (OK | CSS_DEV_UNIT_CHECK)
#define SM (OK | CSS_DEV_STATUS_MOD)

static inline void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Define Extent (32 bytes as Linux sends it) over tracks beg..end. */
static inline uint8_t do_dx(struct dasd *d, uint8_t mask, unsigned beg, unsigned end)
{
    uint8_t b[32] = {0};
    b[0] = mask;
    put16(b + 2, 4096);
    put16(b + 8, beg / 15);
    put16(b + 10, beg % 15);
    put16(b + 12, end / 15);
    put16(b + 14, end % 15);
    return tds_run(d, 0x63, b, sizeof b, NULL, NULL);
}

/* Locate Record: operation op over count records from record rec of track trk. */
static inline uint8_t do_lr(struct dasd *d, uint8_t op, unsigned count, unsigned trk, unsigned rec)
{
    uint8_t b[16] = {0};
    b[0] = op;
    b[3] = (uint8_t)count;
    put16(b + 4, trk / 15);
    put16(b + 6, trk % 15);
    put16(b + 8, trk / 15);
    put16(b + 10, trk % 15);
    b[12] = (uint8_t)rec;
    return tds_run(d, 0x47, b, sizeof b, NULL, NULL);
}

/* Sense, asserting the bytes 0, 1 and 7 it returns. */
static inline void assert_sense(struct dasd *d, uint8_t b0, uint8_t b1, uint8_t b7)
{
    uint8_t s[32];
    memset(s, 0xAA, sizeof s);
    size_t n;
    ck_assert_int_eq(tds_run(d, 0x04, s, sizeof s, &n, NULL), OK);
    ck_assert_uint_eq(n, 32);
    ck_assert_msg(s[0] == b0 && s[1] == b1 && s[7] == b7,
                  "sense %02x %02x .. %02x, expected %02x %02x .. %02x", s[0], s[1], s[7], b0, b1,
                  b7);
}

#endif
