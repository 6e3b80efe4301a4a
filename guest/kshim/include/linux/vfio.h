/* The VFIO core as a device driver sees it: a vfio_device embedded in the driver's state,
 * registered with an emulated IOMMU (mediated devices pin user memory through the core rather
 * than an IOMMU), and the helpers for region capabilities and SET_IRQS. The user ABI
 * (ioctl numbers, structures) is the system's UAPI header of the same kernel release. */
#ifndef _KSHIM_LINUX_VFIO_H
#define _KSHIM_LINUX_VFIO_H
#include "kshim/types.h"
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include_next <linux/vfio.h>

struct vfio_device_ops;
struct vm_area_struct;
struct kvm;

struct vfio_device {
    struct device *dev;
    const struct vfio_device_ops *ops;
    struct kvm *kvm;
    unsigned int index;
    unsigned int open_count;
    int refcount;
    struct completion comp;
    /* shim: the core's state of this device (guest/kshim/runtime/ks_vfio.c) */
    struct ks_vfio *ks;
};

struct vfio_device_ops {
    char *name;
    int (*init)(struct vfio_device *vdev);
    void (*release)(struct vfio_device *vdev);
    int (*open_device)(struct vfio_device *vdev);
    void (*close_device)(struct vfio_device *vdev);
    ssize_t (*read)(struct vfio_device *vdev, char __user *buf, size_t count, loff_t *ppos);
    ssize_t (*write)(struct vfio_device *vdev, const char __user *buf, size_t count, loff_t *size);
    long (*ioctl)(struct vfio_device *vdev, unsigned int cmd, unsigned long arg);
    int (*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
    void (*request)(struct vfio_device *vdev, unsigned int count);
    int (*match)(struct vfio_device *vdev, char *buf);
    void (*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
    int (*device_feature)(struct vfio_device *device, u32 flags, void __user *arg, size_t argsz);
};

int vfio_init_device(struct vfio_device *device, struct device *dev,
                     const struct vfio_device_ops *ops);
void vfio_put_device(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
void vfio_unregister_group_dev(struct vfio_device *device);

/* Pin `npage` pages of the user's DMA mappings from the page holding `iova`: pages[] gets the
 * pages backing them. Returns npage, or -EINVAL (not mapped), -E2BIG (more than 512). */
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage, int prot,
                   struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data, size_t len, bool write);

struct vfio_info_cap {
    struct vfio_info_cap_header *buf;
    size_t size;
};
struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps, size_t size, u16 id,
                                               u16 version);
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset);
int vfio_info_add_capability(struct vfio_info_cap *caps, struct vfio_info_cap_header *cap,
                             size_t size);
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs, int max_irq_type,
                                       size_t *data_size);
#endif
