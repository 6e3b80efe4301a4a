#ifndef _ASM_UNALIGNED_H
#define _ASM_UNALIGNED_H
#include <asm/byteorder.h>
#include <string.h>
#define ks_get_unaligned(type, p)                                                                  \
    ({                                                                                             \
        type __v;                                                                                  \
        memcpy(&__v, (p), sizeof(__v));                                                            \
        __v;                                                                                       \
    })
#define get_unaligned_le16(p) le16_to_cpu(ks_get_unaligned(u16, p))
#define get_unaligned_le32(p) le32_to_cpu(ks_get_unaligned(u32, p))
#define get_unaligned_le64(p) le64_to_cpu(ks_get_unaligned(u64, p))
#define get_unaligned_be16(p) be16_to_cpu(ks_get_unaligned(u16, p))
#define get_unaligned_be32(p) be32_to_cpu(ks_get_unaligned(u32, p))
#define get_unaligned_be64(p) be64_to_cpu(ks_get_unaligned(u64, p))
#define put_unaligned_be16(v, p)                                                                   \
    ({                                                                                             \
        u16 __v = cpu_to_be16(v);                                                                  \
        memcpy((p), &__v, 2);                                                                      \
    })
#define put_unaligned_be32(v, p)                                                                   \
    ({                                                                                             \
        u32 __v = cpu_to_be32(v);                                                                  \
        memcpy((p), &__v, 4);                                                                      \
    })
#define put_unaligned_be64(v, p)                                                                   \
    ({                                                                                             \
        u64 __v = cpu_to_be64(v);                                                                  \
        memcpy((p), &__v, 8);                                                                      \
    })
#endif
