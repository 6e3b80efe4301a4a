/* IOMMU protection flags, as vfio_pin_pages takes them. */
#ifndef _LINUX_IOMMU_H
#define _LINUX_IOMMU_H
#define IOMMU_READ   (1 << 0)
#define IOMMU_WRITE  (1 << 1)
#define IOMMU_CACHE  (1 << 2)
#define IOMMU_NOEXEC (1 << 3)
#define IOMMU_MMIO   (1 << 4)
#define IOMMU_PRIV   (1 << 5)
#endif
