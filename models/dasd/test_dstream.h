/* A data stream over one plain buffer, standing in for the channel subsystem in the DASD
 * tests: the count of the (single) CCW is the buffer's size. */
#ifndef TEST_DSTREAM_H
#define TEST_DSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "css_device.h"

struct css_dstream {
    uint8_t *buf;
    size_t count; /* the CCW count */
    size_t pos;   /* bytes moved */
    int fail;     /* answer -1, as a storage error would */
};

struct dasd;

/* Run one command with `count` bytes at buf; *moved receives the bytes moved, *busy the
 * busy time (either may be NULL). Returns the device status. */
uint8_t tds_run(struct dasd *d, uint8_t cmd, void *buf, size_t count, size_t *moved,
                uint64_t *busy);

#endif
