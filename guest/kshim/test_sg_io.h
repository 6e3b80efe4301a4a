/* SG_IO from a simulated user process, shared by the tests that drive /dev/sg<N> (test_scsi,
 * test_visor_upstream_visorhba): the header, CDB, sense and data buffers live in the
 * process's user memory (ks_umalloc). */
#ifndef TEST_SG_IO_H
#define TEST_SG_IO_H

#include <scsi/sg.h>
#include <stdint.h>

struct ks_uproc;

/* user memory of one process for one SG_IO: sense holds at least 32 bytes */
struct ks_test_sg_bufs {
    struct sg_io_hdr *h;
    uint8_t *cdb, *sense, *data;
};

/* One SG_IO of the len-byte cdb moving `bytes` of u->data in direction dir (SG_DXFER_*),
 * timeout_ms 0 for sg's default; returns the ioctl's result, u->h filled in. */
long ks_test_sg_io(struct ks_uproc *pr, int fd, struct ks_test_sg_bufs *u, const uint8_t *cdb,
                   unsigned len, int dir, unsigned bytes, unsigned timeout_ms);

/* A READ(10) or, with write set, WRITE(10) CDB of `blocks` blocks at lba. */
void ks_test_rw10(uint8_t *cdb, int write, uint32_t lba, uint16_t blocks);

#endif
