/* The VFIO core for mediated devices: vfio_device registration, the device file a simulated
 * process opens ("/dev/vfio/<uuid>", dispatching to the driver's vfio_device_ops), the DMA
 * mappings of the process's memory and the pinning of their pages, the capability-chain and
 * SET_IRQS helpers, and the records of the vfio-ccw user boundary (kinds 0x130-0x135). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include "cs_tap.h"
#include "kshim/vfio.h"
#include <linux/err.h>
#include <linux/io.h>
#include <linux/mdev.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>

#include "ks_vfio_internal.h"

#define KS_VFIO_MAX_MAPS    16
#define KS_VFIO_MAX_REGIONS 8

struct ks_vfio_map {
    u64 iova, len;
    u8 *host;
};

struct ks_vfio_pin {
    u64 pfn;
    long count;
};

struct ks_vfio_region {
    int known;
    u64 offset, size;
    u32 subtype; /* VFIO_REGION_SUBTYPE_CCW_*, 0 for the I/O region */
};

struct ks_vfio {
    struct vfio_device *vdev;
    struct ks_kernel *k;
    struct miscdevice misc;
    char nodename[64];
    int registered;
    int channel; /* css channel of the parent subchannel, -1 none */
    guid_t uuid;
    struct ks_vfio_map maps[KS_VFIO_MAX_MAPS];
    int nmaps;
    struct ks_vfio_pin *pins;
    size_t npins, cappins;
    long pinned; /* pages pinned now */
    struct ks_vfio_region regions[KS_VFIO_MAX_REGIONS];
    struct list_head node; /* on the kernel's list */
};

struct ks_vfio_core {
    struct list_head devices;
};

static struct ks_vfio_core *core_of(struct ks_kernel *k)
{
    if (!k->vfio) {
        k->vfio = calloc(1, sizeof(*k->vfio));
        if (!k->vfio)
            abort();
        INIT_LIST_HEAD(&k->vfio->devices);
    }
    return k->vfio;
}

void ks_vfio_release(struct ks_kernel *k)
{
    ks_mdev_release(k);
    if (!k->vfio)
        return;
    struct ks_vfio *v, *t;
    list_for_each_entry_safe(v, t, &k->vfio->devices, node)
    {
        list_del(&v->node);
        free(v->pins);
        free(v);
    }
    free(k->vfio);
    k->vfio = NULL;
}

/* ---- boundary records ----------------------------------------------------------------- */

static void put_be32(u8 *p, u32 v)
{
    p[0] = (u8)(v >> 24);
    p[1] = (u8)(v >> 16);
    p[2] = (u8)(v >> 8);
    p[3] = (u8)v;
}

static void tap(struct ks_vfio *v, enum cs_tap_dir dir, u16 kind, const void *p, u32 len)
{
    if (v->channel >= 0)
        cs_tap_msg(&v->k->m->tap, (u16)v->channel, dir, kind, p, len);
}

static void tap_ret(struct ks_vfio *v, u16 kind, ssize_t rc, size_t count)
{
    u8 p[4];
    put_be32(p, (u32)(rc == (ssize_t)count ? 0 : (s32)rc));
    tap(v, CS_TAP_TO_GUEST, kind, p, 4);
}

void ks_vfio_mdev_event(struct ks_kernel *k, int channel, const guid_t *uuid, int event)
{
    if (channel < 0)
        return;
    u8 p[4 + UUID_SIZE];
    put_be32(p, (u32)event);
    memcpy(p + 4, uuid->b, UUID_SIZE);
    cs_tap_msg(&k->m->tap, (u16)channel, CS_TAP_INTERNAL, KS_VFIO_MDEV_EVENT, p, sizeof(p));
}

static struct ks_vfio_region *region_at(struct ks_vfio *v, loff_t pos)
{
    for (int i = 0; i < KS_VFIO_MAX_REGIONS; i++) {
        struct ks_vfio_region *r = &v->regions[i];
        if (r->known && (u64)pos >= r->offset && (u64)pos < r->offset + r->size)
            return r;
    }
    return NULL;
}

/* Learn region offsets and types from the answers the driver gives the process: the boundary
 * records name what the process wrote, as the process itself knows it. */
static void learn_region(struct ks_vfio *v, unsigned long arg)
{
    struct vfio_region_info info;
    memcpy(&info, (void *)arg, sizeof(info));
    if (info.index >= KS_VFIO_MAX_REGIONS)
        return;
    struct ks_vfio_region *r = &v->regions[info.index];
    r->known = 1;
    r->offset = info.offset;
    r->size = info.size;
    r->subtype = 0;
    if ((info.flags & VFIO_REGION_INFO_FLAG_CAPS) && info.cap_offset &&
        info.argsz >= info.cap_offset + sizeof(struct vfio_region_info_cap_type) &&
        ks_uproc_owns(ks_uproc_current(), (void *)arg, info.argsz)) {
        u32 off = info.cap_offset;
        for (int hops = 0; off && hops < 8; hops++) {
            if (off + sizeof(struct vfio_region_info_cap_type) > info.argsz)
                break;
            struct vfio_region_info_cap_type t;
            memcpy(&t, (u8 *)arg + off, sizeof(t));
            if (t.header.id == VFIO_REGION_INFO_CAP_TYPE && t.type == VFIO_REGION_TYPE_CCW)
                r->subtype = t.subtype;
            off = t.header.next;
        }
    }
}

/* ---- the device file ------------------------------------------------------------------ */

static struct ks_vfio *vfio_of_file(struct file *f)
{
    return f->private_data;
}

static struct mdev_device *mdev_of(struct ks_vfio *v)
{
    return v->vdev->dev ? to_mdev_device(v->vdev->dev) : NULL;
}

static int vfio_fop_open(struct inode *i, struct file *f)
{
    (void)i;
    struct ks_vfio *v = container_of((struct miscdevice *)f->private_data, struct ks_vfio, misc);
    if (!v->registered)
        return -ENODEV;
    if (v->vdev->open_count == 0 && v->vdev->ops->open_device) {
        int rc = v->vdev->ops->open_device(v->vdev);
        if (rc)
            return rc;
    }
    v->vdev->open_count++;
    if (mdev_of(v))
        mdev_of(v)->ks_open++;
    f->private_data = v;
    ks_vfio_mdev_event(v->k, v->channel, &v->uuid, KS_MDEV_OPEN);
    return 0;
}

static int vfio_fop_release(struct inode *i, struct file *f)
{
    (void)i;
    struct ks_vfio *v = vfio_of_file(f);
    if (--v->vdev->open_count == 0) {
        if (v->vdev->ops->close_device)
            v->vdev->ops->close_device(v->vdev);
        v->nmaps = 0; /* the container goes with the last user */
    }
    if (mdev_of(v))
        mdev_of(v)->ks_open--;
    ks_vfio_mdev_event(v->k, v->channel, &v->uuid, KS_MDEV_CLOSE);
    return 0;
}

static ssize_t vfio_fop_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
    struct ks_vfio *v = vfio_of_file(f);
    if (!v->vdev->ops->read)
        return -EINVAL;
    loff_t at = *pos;
    ssize_t rc = v->vdev->ops->read(v->vdev, buf, n, pos);
    struct ks_vfio_region *r = region_at(v, at);
    const u64 irb = offsetof(struct ccw_io_region, irb_area), irb_len = 96;
    if (rc > 0 && r && r == &v->regions[VFIO_CCW_CONFIG_REGION_INDEX]) {
        u64 from = (u64)at - r->offset;
        if (from <= irb && from + (u64)rc >= irb + irb_len)
            tap(v, CS_TAP_TO_GUEST, KS_VFIO_IO_REGION_IRB, (u8 *)buf + (irb - from), (u32)irb_len);
    }
    return rc;
}

static ssize_t vfio_fop_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
    struct ks_vfio *v = vfio_of_file(f);
    if (!v->vdev->ops->write)
        return -EINVAL;
    loff_t at = *pos;
    struct ks_vfio_region *r = region_at(v, at);
    int io = r && r == &v->regions[VFIO_CCW_CONFIG_REGION_INDEX] && (u64)at == r->offset &&
             n >= 24 && ks_uproc_owns(ks_uproc_current(), buf, 24);
    int async = r && r->subtype == VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD && (u64)at == r->offset &&
                n >= 4 && ks_uproc_owns(ks_uproc_current(), buf, 4);
    struct ks_ccw_idal_swap swap = {0};
    if (io) {
        tap(v, CS_TAP_TO_FW, KS_VFIO_IO_REGION_WRITE, buf, 24);
        ks_ccw_guest_idals_to_host(v, (const u8 *)buf, &swap);
    }
    if (async) {
        u8 p[4];
        u32 cmd;
        memcpy(&cmd, buf, 4);
        put_be32(p, cmd);
        tap(v, CS_TAP_TO_FW, KS_VFIO_ASYNC_CMD, p, 4);
    }
    if (io)
        ks_css_host_idals(v->k, 1);
    ssize_t rc = v->vdev->ops->write(v->vdev, buf, n, pos);
    if (io) {
        ks_css_host_idals(v->k, -1);
        ks_ccw_guest_idals_restore(&swap);
        tap_ret(v, KS_VFIO_IO_REGION_RET, rc, n);
    }
    if (async)
        tap_ret(v, KS_VFIO_ASYNC_RET, rc, n);
    return rc;
}

static long vfio_fop_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct ks_vfio *v = vfio_of_file(f);
    if (!v->vdev->ops->ioctl)
        return -ENOTTY;
    long rc = v->vdev->ops->ioctl(v->vdev, cmd, arg);
    if (rc == 0 && cmd == VFIO_DEVICE_GET_REGION_INFO &&
        ks_uproc_owns(ks_uproc_current(), (void *)arg, sizeof(struct vfio_region_info)))
        learn_region(v, arg);
    return rc;
}

static const struct file_operations vfio_device_fops = {
    .open = vfio_fop_open,
    .release = vfio_fop_release,
    .read = vfio_fop_read,
    .write = vfio_fop_write,
    .unlocked_ioctl = vfio_fop_ioctl,
};

/* ---- driver side ---------------------------------------------------------------------- */

int vfio_init_device(struct vfio_device *device, struct device *dev,
                     const struct vfio_device_ops *ops)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return -ENODEV;
    struct ks_vfio *v = calloc(1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    v->vdev = device;
    v->k = k;
    v->channel = -1;
    device->dev = dev;
    device->ops = ops;
    device->refcount = 1;
    device->open_count = 0;
    device->ks = v;
    init_completion(&device->comp);
    list_add_tail(&v->node, &core_of(k)->devices);
    if (ops->init) {
        int rc = ops->init(device);
        if (rc) {
            list_del(&v->node);
            free(v);
            device->ks = NULL;
            return rc;
        }
    }
    return 0;
}

void vfio_put_device(struct vfio_device *device)
{
    if (--device->refcount > 0)
        return;
    struct ks_vfio *v = device->ks;
    /* release may clear the whole structure (vfio_ccw does), so the core lets go first */
    device->ks = NULL;
    if (v) {
        list_del(&v->node);
        free(v->pins);
        free(v);
    }
    if (device->ops->release)
        device->ops->release(device);
}

int vfio_register_emulated_iommu_dev(struct vfio_device *device)
{
    struct ks_vfio *v = device->ks;
    if (!v || !device->dev)
        return -EINVAL;
    struct mdev_device *mdev = to_mdev_device(device->dev);
    v->uuid = mdev->uuid;
    v->channel = ks_css_channel_of_dev(device->dev->parent);
    mdev->ks_vdev = device;
    snprintf(v->nodename, sizeof(v->nodename), "vfio/%s", dev_name(device->dev));
    v->misc = (struct miscdevice){
        .minor = MISC_DYNAMIC_MINOR, .name = v->nodename, .fops = &vfio_device_fops};
    int rc = misc_register(&v->misc);
    if (rc)
        return rc;
    v->registered = 1;
    /* The I/O region's place is fixed by the ABI; the others are learned from REGION_INFO. */
    v->regions[VFIO_CCW_CONFIG_REGION_INDEX] =
        (struct ks_vfio_region){1, 0, sizeof(struct ccw_io_region), 0};
    return 0;
}

void vfio_unregister_group_dev(struct vfio_device *device)
{
    struct ks_vfio *v = device->ks;
    if (!v || !v->registered)
        return;
    misc_deregister(&v->misc);
    v->registered = 0;
    if (device->dev)
        to_mdev_device(device->dev)->ks_vdev = NULL;
}

/* ---- DMA mappings and pinning ---------------------------------------------------------- */

static struct ks_vfio *vfio_of_fd(struct ks_uproc *p, int fd)
{
    struct file *f = ks_uproc_file(p, fd);
    if (!f || f->f_op != &vfio_device_fops)
        return NULL;
    return f->private_data;
}

int ks_vfio_dma_map(struct ks_uproc *p, int fd, void *ubuf, uint64_t iova, uint64_t len)
{
    struct ks_vfio *v = vfio_of_fd(p, fd);
    if (!v)
        return -EBADF;
    if (!len || ((uintptr_t)ubuf | iova | len) & (PAGE_SIZE - 1) || iova + len < iova)
        return -EINVAL;
    if (!ks_uproc_owns(p, ubuf, len))
        return -EFAULT;
    for (int i = 0; i < v->nmaps; i++)
        if (iova < v->maps[i].iova + v->maps[i].len && v->maps[i].iova < iova + len)
            return -EINVAL;
    if (v->nmaps == KS_VFIO_MAX_MAPS)
        return -ENOSPC;
    v->maps[v->nmaps++] = (struct ks_vfio_map){iova, len, ubuf};
    return 0;
}

int ks_vfio_dma_unmap(struct ks_uproc *p, int fd, uint64_t iova, uint64_t len)
{
    struct ks_vfio *v = vfio_of_fd(p, fd);
    if (!v)
        return -EBADF;
    int found = 0;
    if (v->vdev->ops->dma_unmap)
        v->vdev->ops->dma_unmap(v->vdev, iova, len);
    for (int i = 0; i < v->nmaps;) {
        if (v->maps[i].iova >= iova && v->maps[i].iova + v->maps[i].len <= iova + len) {
            v->maps[i] = v->maps[--v->nmaps];
            found = 1;
        } else {
            i++;
        }
    }
    return found ? 0 : -ENOENT;
}

u8 *ks_vfio_iova_to_host(struct ks_vfio *v, u64 iova, u64 len)
{
    for (int i = 0; i < v->nmaps; i++) {
        const struct ks_vfio_map *m = &v->maps[i];
        if (iova >= m->iova && iova + len <= m->iova + m->len && iova + len >= iova)
            return m->host + (iova - m->iova);
    }
    return NULL;
}

static struct ks_vfio_pin *pin_find(struct ks_vfio *v, u64 pfn)
{
    for (size_t i = 0; i < v->npins; i++)
        if (v->pins[i].pfn == pfn)
            return &v->pins[i];
    return NULL;
}

int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage, int prot,
                   struct page **pages)
{
    (void)prot; /* every pinned page is read and written */
    struct ks_vfio *v = device->ks;
    if (!v || !pages || npage <= 0)
        return -EINVAL;
    if (npage > 512) /* VFIO_PIN_PAGES_MAX_ENTRIES */
        return -E2BIG;
    for (int i = 0; i < npage; i++) {
        /* the page that holds each IOVA: the first need not be page aligned */
        u64 at = (iova + (u64)i * PAGE_SIZE) & PAGE_MASK;
        u8 *h = ks_vfio_iova_to_host(v, at, PAGE_SIZE);
        struct page *pg = h ? virt_to_page(h) : NULL;
        if (!pg) {
            if (i)
                vfio_unpin_pages(device, iova, i);
            return -EINVAL;
        }
        pages[i] = pg;
        u64 pfn = at >> PAGE_SHIFT;
        struct ks_vfio_pin *pin = pin_find(v, pfn);
        if (!pin) {
            if (v->npins == v->cappins) {
                v->cappins = v->cappins ? 2 * v->cappins : 64;
                v->pins = realloc(v->pins, v->cappins * sizeof(*v->pins));
                if (!v->pins)
                    abort();
            }
            pin = &v->pins[v->npins++];
            *pin = (struct ks_vfio_pin){pfn, 0};
        }
        pin->count++;
        v->pinned++;
    }
    return npage;
}

void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage)
{
    struct ks_vfio *v = device->ks;
    if (!v)
        return;
    for (int i = 0; i < npage; i++) {
        u64 pfn = (iova + (u64)i * PAGE_SIZE) >> PAGE_SHIFT;
        struct ks_vfio_pin *pin = pin_find(v, pfn);
        if (!pin) {
            ks_report(KS_BAD_FREE, "vfio", 0, "vfio_unpin_pages of IOVA 0x%llx, not pinned",
                      (unsigned long long)(pfn << PAGE_SHIFT));
            continue;
        }
        v->pinned--;
        if (--pin->count == 0)
            *pin = v->pins[--v->npins];
    }
}

int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data, size_t len, bool write)
{
    struct ks_vfio *v = device->ks;
    u8 *h = v ? ks_vfio_iova_to_host(v, iova, len) : NULL;
    if (!h)
        return -EFAULT;
    if (write)
        memcpy(h, data, len);
    else
        memcpy(data, h, len);
    return 0;
}

long ks_vfio_pinned_pages(struct ks_kernel *k, const char *uuid)
{
    if (!k->vfio)
        return -1;
    struct ks_vfio *v;
    list_for_each_entry(v, &k->vfio->devices, node)
    {
        if (v->vdev->dev && strcmp(dev_name(v->vdev->dev), uuid) == 0)
            return v->pinned;
    }
    return -1;
}

int ks_vfio_gpa_pinned(struct ks_kernel *k, uint64_t gpa, uint64_t len)
{
    if (!k->vfio || !len || gpa + len < gpa)
        return 0;
    for (u64 pg = gpa & PAGE_MASK; pg < gpa + len; pg += PAGE_SIZE) {
        int found = 0;
        struct ks_vfio *v;
        list_for_each_entry(v, &k->vfio->devices, node)
        {
            for (size_t i = 0; i < v->npins && !found; i++) {
                if (v->pins[i].count <= 0)
                    continue;
                u8 *h = ks_vfio_iova_to_host(v, v->pins[i].pfn << PAGE_SHIFT, PAGE_SIZE);
                found = h && (u64)(h - k->dom->mem.host) == pg;
            }
            if (found)
                break;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* ---- capability chains and SET_IRQS ---------------------------------------------------- */

struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps, size_t size, u16 id,
                                               u16 version)
{
    u8 *buf = ks_krealloc(caps->buf, caps->size + size, GFP_KERNEL, "vfio", __FILE__, __LINE__);
    if (!buf) {
        ks_kfree(caps->buf, __FILE__, __LINE__);
        caps->buf = NULL;
        caps->size = 0;
        return ERR_PTR(-ENOMEM);
    }
    /* chain the new header after the last one; offsets are from the start of the buffer */
    if (caps->size) {
        struct vfio_info_cap_header *h = (void *)buf;
        while (h->next)
            h = (void *)(buf + h->next);
        h->next = (u32)caps->size;
    }
    struct vfio_info_cap_header *n = (void *)(buf + caps->size);
    memset(n, 0, size);
    n->id = id;
    n->version = version;
    caps->buf = (void *)buf;
    caps->size += size;
    return n;
}

void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset)
{
    if (!caps->size)
        return;
    u8 *buf = (u8 *)caps->buf;
    struct vfio_info_cap_header *h = (void *)buf;
    while (h->next) {
        u32 next = h->next;
        h->next = (u32)(next + offset);
        h = (void *)(buf + next);
    }
}

int vfio_info_add_capability(struct vfio_info_cap *caps, struct vfio_info_cap_header *cap,
                             size_t size)
{
    struct vfio_info_cap_header *h = vfio_info_cap_add(caps, size, cap->id, cap->version);
    if (IS_ERR(h))
        return (int)PTR_ERR(h);
    memcpy(h + 1, cap + 1, size - sizeof(*h));
    return 0;
}

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs, int max_irq_type,
                                       size_t *data_size)
{
    const size_t minsz = offsetofend(struct vfio_irq_set, count);
    const u32 data = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
    const u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
    size_t each;
    if (hdr->argsz < minsz || hdr->index >= (u32)max_irq_type ||
        (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)) ||
        __builtin_popcount(data) != 1 || __builtin_popcount(action) != 1)
        return -EINVAL;
    switch (data) {
    case VFIO_IRQ_SET_DATA_NONE:
        each = 0;
        break;
    case VFIO_IRQ_SET_DATA_BOOL:
        each = sizeof(u8);
        break;
    case VFIO_IRQ_SET_DATA_EVENTFD:
        each = sizeof(s32);
        break;
    default:
        return -EINVAL;
    }
    if (!num_irqs && hdr->count)
        return -EINVAL;
    if (hdr->start >= (u32)num_irqs && hdr->count)
        return -EINVAL;
    if (hdr->count > (u32)num_irqs - hdr->start)
        return -EINVAL;
    if (hdr->count == 0 && data != VFIO_IRQ_SET_DATA_NONE)
        return -EINVAL;
    *data_size = each * hdr->count;
    if (hdr->argsz - minsz < *data_size)
        return -EINVAL;
    return 0;
}
