/* Shared inside the shim's s390 runtime: css channels of devices, the IDAW byte-order
 * adaptation of vfio-ccw (ks_ccw_idal.c), VFIO address translation, mdev records. */
#ifndef KS_VFIO_INTERNAL_H
#define KS_VFIO_INTERNAL_H

#include "ks_internal.h"
#include <linux/uuid.h>

struct ks_vfio;
union orb;

/* The css tap channel of a subchannel device of its kernel, -1 for any other device. */
int ks_css_channel_of_dev(struct device *dev);

/* While > 0, SSCH converts the IDALs of the channel program it is given from host to
 * architecture (big-endian) byte order: they were built by vfio_ccw_cp in `unsigned long`. */
void ks_css_host_idals(struct ks_kernel *k, int delta);
void ks_ccw_host_idals_to_be(union orb *orb);
/* A guest-physical CCW address of kernel memory as the low 32 bits of its kernel pointer. */
u32 ks_ccw_cpa_to_pointer_bits(u32 gpa);

/* Guest IDALs reachable from the ORB in an I/O-region write, swapped in the VM's memory to
 * host order for the time of the write, and back. */
struct ks_ccw_idal_swap {
    u8 **idal;     /* start of each IDAL swapped */
    unsigned *len; /* its IDAW count */
    size_t n, cap;
};
void ks_ccw_guest_idals_to_host(struct ks_vfio *v, const u8 *io_region, struct ks_ccw_idal_swap *s);
void ks_ccw_guest_idals_restore(struct ks_ccw_idal_swap *s);

/* Host address of [iova, iova + len) in the device's DMA mappings, NULL when not mapped. */
u8 *ks_vfio_iova_to_host(struct ks_vfio *v, u64 iova, u64 len);

void ks_vfio_mdev_event(struct ks_kernel *k, int channel, const guid_t *uuid, int event);
void ks_mdev_release(struct ks_kernel *k);

#endif
