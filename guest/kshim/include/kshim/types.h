/* Basic kernel types, compiler annotations and helpers of <linux/types.h>,
 * <linux/compiler.h>, <linux/kernel.h>, as upstream drivers expect them on a 64-bit host. */
#ifndef KSHIM_TYPES_H
#define KSHIM_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
/* 64-bit types are long long on every architecture inside the kernel (int-ll64.h): drivers
 * print them with %llx. */
typedef unsigned long long u64;
typedef long long s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef unsigned long long __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef long long __s64;
/* Byte-order annotated types are plain integers on the host; sparse is not run here. */
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u64 __be64;
typedef __u16 __le16;
typedef __u32 __le32;
typedef __u64 __le64;
typedef __u64 __aligned_u64 __attribute__((aligned(8)));
typedef u64 dma_addr_t;
typedef u64 phys_addr_t;
typedef phys_addr_t resource_size_t;
typedef unsigned int gfp_t;
typedef unsigned short umode_t;
typedef unsigned int fmode_t;
typedef unsigned int __poll_t;
typedef long long __kernel_loff_t;

#define __user
#define __kernel
#define __iomem
#define __force
#define __bitwise
#define __rcu
#define __percpu
#define __must_check __attribute__((warn_unused_result))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __maybe_unused  __attribute__((unused))
#define __always_unused __attribute__((unused))
#define __packed        __attribute__((packed))
#define __aligned(x)    __attribute__((aligned(x)))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __cold          __attribute__((cold))
#define __weak          __attribute__((weak))
#define __read_mostly
#define __ro_after_init
#define __init
#define __exit
#define __initdata
#define __exitdata
#define __devinit
#define noinline    __attribute__((noinline))
#define fallthrough __attribute__((fallthrough))

#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)
#define barrier()        __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define offsetofend(type, member)       (offsetof(type, member) + sizeof(((type *)0)->member))
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define ARRAY_SIZE(a)                   (sizeof(a) / sizeof((a)[0]))
#define BIT(n)                          (1UL << (n))
#define BIT_ULL(n)                      (1ULL << (n))
#define DIV_ROUND_UP(n, d)              (((n) + (d)-1) / (d))
#define ALIGN(x, a)                     (((x) + ((__typeof__(x))(a)-1)) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a)                (((x) & ((__typeof__(x))(a)-1)) == 0)
#define round_up(x, y)                  ALIGN(x, y)
#define round_down(x, y)                ((x) & ~((__typeof__(x))(y)-1))
#define lower_32_bits(n)                ((u32)((n)&0xffffffff))
#define upper_32_bits(n)                ((u32)(((n) >> 16) >> 16))

#define min(a, b)             ((a) < (b) ? (a) : (b))
#define max(a, b)             ((a) > (b) ? (a) : (b))
#define min_t(t, a, b)        ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)        ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)

#define U8_MAX  ((u8)~0U)
#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#ifndef UINT_MAX
#define UINT_MAX (~0U)
#endif
#ifndef ULONG_MAX
#define ULONG_MAX (~0UL)
#endif
#ifndef INT_MAX
#define INT_MAX ((int)(~0U >> 1))
#endif

#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)

#endif
