#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H
#include <linux/gfp.h>
/* Allocations live in the guest's memory, so virt_to_phys of them is a real guest-physical
 * address. Each is tagged with its module and call site for leak and use-after-free reports. */
void *ks_kmalloc(size_t size, gfp_t gfp, const char *owner, const char *file, int line);
void ks_kfree(const void *p, const char *file, int line);
void *ks_krealloc(const void *p, size_t size, gfp_t gfp, const char *owner, const char *file,
                  int line);
size_t ks_ksize(const void *p);
/* Object caches: objects of one size from the heap, so they are tracked as kmalloc's are. */
struct kmem_cache;
#define SLAB_ACCOUNT       0x04000000U
#define SLAB_HWCACHE_ALIGN 0x00002000U
struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
                                              unsigned int align, unsigned int flags,
                                              unsigned int useroffset, unsigned int usersize,
                                              void (*ctor)(void *));
#define kmem_cache_create(name, size, align, flags, ctor)                                          \
    kmem_cache_create_usercopy(name, size, align, flags, 0, size, ctor)
void kmem_cache_destroy(struct kmem_cache *s);
void *ks_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp, const char *owner, const char *file,
                          int line);
void ks_kmem_cache_free(struct kmem_cache *s, void *p, const char *file, int line);
#define kmem_cache_alloc(s, gfp) ks_kmem_cache_alloc(s, gfp, KBUILD_MODNAME, __FILE__, __LINE__)
#define kmem_cache_zalloc(s, gfp)                                                                  \
    ks_kmem_cache_alloc(s, (gfp) | __GFP_ZERO, KBUILD_MODNAME, __FILE__, __LINE__)
#define kmem_cache_free(s, p) ks_kmem_cache_free(s, p, __FILE__, __LINE__)
#define kmalloc(size, gfp)    ks_kmalloc(size, gfp, KBUILD_MODNAME, __FILE__, __LINE__)
#define kzalloc(size, gfp)    kmalloc(size, (gfp) | __GFP_ZERO)
#define kcalloc(n, size, gfp)                                                                      \
    ((size) && (n) > SIZE_MAX / (size) ? NULL : kzalloc((n) * (size), gfp))
#define kmalloc_array(n, size, gfp)                                                                \
    ((size) && (n) > SIZE_MAX / (size) ? NULL : kmalloc((n) * (size), gfp))
#define krealloc(p, size, gfp) ks_krealloc(p, size, gfp, KBUILD_MODNAME, __FILE__, __LINE__)
#define kfree(p)               ks_kfree(p, __FILE__, __LINE__)
#define kfree_sensitive(p)                                                                         \
    do {                                                                                           \
        const void *__p = (p);                                                                     \
        if (__p)                                                                                   \
            memset((void *)__p, 0, ks_ksize(__p));                                                 \
        kfree(__p);                                                                                \
    } while (0)
#define kzfree              kfree_sensitive
#define ksize(p)            ks_ksize(p)
#define vmalloc(size)       kmalloc(size, GFP_KERNEL)
#define vzalloc(size)       kzalloc(size, GFP_KERNEL)
#define vfree(p)            kfree(p)
#define kvmalloc(size, gfp) kmalloc(size, gfp)
#define kvzalloc(size, gfp) kzalloc(size, gfp)
#define kvfree(p)           kfree(p)
#endif
