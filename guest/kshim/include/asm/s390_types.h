/* Common base of the s390 architecture headers of the shim.
 *
 * s390 is big-endian and its I/O structures (CCW, ORB, SCSW, IRB, SCHIB, CRW, subchannel ID)
 * are C bit-fields in the kernel. Every such structure carries __s390_be, so that on a
 * little-endian host both byte order and bit-field allocation follow the architecture and
 * guest memory holds the byte image the Principles of Operation define. The attribute does not
 * propagate: each nested structure or union needs it too. GCC rejects taking the address of a
 * scalar member of such a structure (arrays and nested aggregates are fine). */
#ifndef KSHIM_ASM_S390_TYPES_H
#define KSHIM_ASM_S390_TYPES_H

#include <linux/types.h>

#if !defined(__GNUC__) || defined(__clang__)
#error "the s390 structures need GCC's scalar_storage_order attribute"
#endif

/* An address held in an integer (asm/types.h). */
typedef unsigned long addr_t;

#define __s390_be __attribute__((scalar_storage_order("big-endian")))

#endif
