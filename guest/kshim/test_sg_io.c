/* The SG_IO calls of test_sg_io.h. */
#include "test_sg_io.h"

#include <string.h>

#include "kshim/kernel.h"

long ks_test_sg_io(struct ks_uproc *pr, int fd, struct ks_test_sg_bufs *u, const uint8_t *cdb,
                   unsigned len, int dir, unsigned bytes, unsigned timeout_ms)
{
    memset(u->h, 0, sizeof(*u->h));
    memcpy(u->cdb, cdb, len);
    u->h->interface_id = 'S';
    u->h->cmd_len = (unsigned char)len;
    u->h->cmdp = u->cdb;
    u->h->dxfer_direction = dir;
    u->h->dxfer_len = bytes;
    u->h->dxferp = u->data;
    u->h->mx_sb_len = 32;
    u->h->sbp = u->sense;
    u->h->timeout = timeout_ms;
    return ks_sys_ioctl(pr, fd, SG_IO, (unsigned long)u->h);
}

void ks_test_rw10(uint8_t *cdb, int write, uint32_t lba, uint16_t blocks)
{
    memset(cdb, 0, 10);
    cdb[0] = write ? 0x2A : 0x28;
    cdb[2] = (uint8_t)(lba >> 24);
    cdb[3] = (uint8_t)(lba >> 16);
    cdb[4] = (uint8_t)(lba >> 8);
    cdb[5] = (uint8_t)lba;
    cdb[7] = (uint8_t)(blocks >> 8);
    cdb[8] = (uint8_t)blocks;
}
