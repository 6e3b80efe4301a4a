/* The user side of VFIO mediated devices in the shim: what a VM's I/O emulation (QEMU's
 * vfio-ccw, say) does from a simulated user process. The mdev's device file is
 * "/dev/vfio/<uuid>" (opened with ks_sys_open; it stands for the group file and
 * VFIO_GROUP_GET_DEVICE_FD of a real system). The VM guest's memory is a buffer the process
 * allocated (ks_umalloc) and maps for DMA at an IOVA, as VFIO_IOMMU_MAP_DMA would: the
 * driver's vfio_pin_pages then finds the pages backing it. Regions are read and written with
 * ks_sys_pread/ks_sys_pwrite at their offsets, interrupts arrive through an eventfd
 * (ks_sys_eventfd) given with VFIO_DEVICE_SET_IRQS. See docs/vfio-ccw.md. */
#ifndef KSHIM_VFIO_H
#define KSHIM_VFIO_H

#include <stddef.h>
#include <stdint.h>

struct ks_uproc;
struct ks_kernel;

/* Map [ubuf, ubuf + len) of process p at `iova` for the device open as `fd`. ubuf, iova and
 * len must be page aligned and ubuf a buffer of p. Returns 0, -EBADF (fd is not a VFIO
 * device), -EINVAL (alignment, overlap with another mapping), -EFAULT (not p's memory),
 * -ENOSPC (16 mappings). */
int ks_vfio_dma_map(struct ks_uproc *p, int fd, void *ubuf, uint64_t iova, uint64_t len);
/* Unmap what [iova, iova + len) covers; the driver is told first (its dma_unmap callback
 * must unpin). Returns 0 or -EBADF, -ENOENT. */
int ks_vfio_dma_unmap(struct ks_uproc *p, int fd, uint64_t iova, uint64_t len);

/* Pages of the VFIO device of mdev `uuid` that the driver holds pinned now; -1 when there is
 * no such device. */
long ks_vfio_pinned_pages(struct ks_kernel *k, const char *uuid);
/* Is every page of [gpa, gpa + len) (guest-physical, the host's side of the VM's memory) a page
 * some VFIO device of k holds pinned now? */
int ks_vfio_gpa_pinned(struct ks_kernel *k, uint64_t gpa, uint64_t len);

/* Records on the subchannel's css channel at the vfio-ccw user boundary (docs/trace-format.md,
 * "vfio-ccw user boundary"). C ints are be32; ret is 0 when the write returned its count,
 * else the negative errno it returned. */
enum ks_vfio_ccw_kind {
    KS_VFIO_IO_REGION_WRITE = 0x130, /* to_firmware: ORB (12 bytes) and SCSW (12) written */
    KS_VFIO_IO_REGION_RET = 0x131,   /* to_guest: ret */
    KS_VFIO_IO_REGION_IRB = 0x132,   /* to_guest: the 96-byte irb_area as read */
    KS_VFIO_ASYNC_CMD = 0x133,       /* to_firmware: command (1 HSCH, 2 CSCH) */
    KS_VFIO_ASYNC_RET = 0x134,       /* to_guest: ret */
    KS_VFIO_MDEV_EVENT = 0x135,      /* internal: event, 16-byte UUID */
};
enum ks_mdev_event { KS_MDEV_CREATE = 1, KS_MDEV_OPEN = 2, KS_MDEV_CLOSE = 3, KS_MDEV_REMOVE = 4 };

#endif
