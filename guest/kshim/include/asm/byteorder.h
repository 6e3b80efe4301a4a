#ifndef _ASM_BYTEORDER_H
#define _ASM_BYTEORDER_H
#include "kshim/types.h"
/* The host is little-endian, like a ppc64le or x86 kernel: big-endian data is swapped. */
#define __LITTLE_ENDIAN 1234
#define __LITTLE_ENDIAN_BITFIELD
#define swab16(x)          ((u16)__builtin_bswap16((u16)(x)))
#define swab32(x)          ((u32)__builtin_bswap32((u32)(x)))
#define swab64(x)          ((u64)__builtin_bswap64((u64)(x)))
#define cpu_to_be16(x)     swab16(x)
#define cpu_to_be32(x)     swab32(x)
#define cpu_to_be64(x)     swab64(x)
#define be16_to_cpu(x)     swab16(x)
#define be32_to_cpu(x)     swab32(x)
#define be64_to_cpu(x)     swab64(x)
#define cpu_to_le16(x)     ((u16)(x))
#define cpu_to_le32(x)     ((u32)(x))
#define cpu_to_le64(x)     ((u64)(x))
#define le16_to_cpu(x)     ((u16)(x))
#define le32_to_cpu(x)     ((u32)(x))
#define le64_to_cpu(x)     ((u64)(x))
#define __cpu_to_be16      cpu_to_be16
#define __cpu_to_be32      cpu_to_be32
#define __cpu_to_be64      cpu_to_be64
#define __be16_to_cpu      be16_to_cpu
#define __be32_to_cpu      be32_to_cpu
#define __be64_to_cpu      be64_to_cpu
#define be16_to_cpup(p)    be16_to_cpu(*(p))
#define be32_to_cpup(p)    be32_to_cpu(*(p))
#define be64_to_cpup(p)    be64_to_cpu(*(p))
#define cpu_to_be32p(p)    cpu_to_be32(*(p))
#define be32_add_cpu(p, v) (*(p) = cpu_to_be32(be32_to_cpu(*(p)) + (v)))
#endif
