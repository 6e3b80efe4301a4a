/* test_scsi: the two halves' interface (standard types only). */
#ifndef TEST_SCSI_H
#define TEST_SCSI_H
struct tscsi_counts {
    unsigned long slave_alloc, slave_configure, slave_destroy, luns_configured;
    unsigned long queued, completed, busy, aborts, device_resets;
    int idr_ok;
};
void tscsi_get_counts(struct tscsi_counts *c);
#endif
