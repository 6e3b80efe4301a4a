#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H
#include "kshim/types.h"
#include <asm/barrier.h>
#include <linux/gfp.h>

enum dma_data_direction {
    DMA_BIDIRECTIONAL = 0,
    DMA_TO_DEVICE = 1,
    DMA_FROM_DEVICE = 2,
    DMA_NONE = 3,
};
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
struct device;

/* Bus addresses equal guest-physical addresses (no IOMMU translation), but every mapping is
 * recorded so that models can check a device only touches what the driver mapped, and unmaps
 * that match no mapping are findings. */
dma_addr_t ks_dma_map(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir,
                      const char *owner, const char *file, int line);
void ks_dma_unmap(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir,
                  const char *file, int line);
void *ks_dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp,
                            const char *owner, const char *file, int line);
void ks_dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle,
                          const char *file, int line);
#define dma_map_single(dev, ptr, size, dir)                                                        \
    ks_dma_map(dev, ptr, size, dir, KBUILD_MODNAME, __FILE__, __LINE__)
#define dma_unmap_single(dev, addr, size, dir)                                                     \
    ks_dma_unmap(dev, addr, size, dir, __FILE__, __LINE__)
#define dma_mapping_error(dev, addr) ((addr) == DMA_MAPPING_ERROR)
#define dma_alloc_coherent(dev, size, handle, gfp)                                                 \
    ks_dma_alloc_coherent(dev, size, handle, gfp, KBUILD_MODNAME, __FILE__, __LINE__)
#define dma_free_coherent(dev, size, cpu, handle)                                                  \
    ks_dma_free_coherent(dev, size, cpu, handle, __FILE__, __LINE__)
#define dma_sync_single_for_cpu(dev, addr, size, dir)    rmb()
#define dma_sync_single_for_device(dev, addr, size, dir) wmb()
#define dma_set_mask(dev, mask)                          0
#define dma_set_coherent_mask(dev, mask)                 0
#define dma_set_mask_and_coherent(dev, mask)             0
#define DMA_BIT_MASK(n)                                  (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#endif
