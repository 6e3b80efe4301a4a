/* What <linux/skbuff.h> gives the IO-channel header of the s-Par drivers (iochannel.h), for
 * builds whose shim has no network stack headers yet: the Ethernet header length and the
 * checksum type (<linux/types.h> in the kernel). The
 * directory is searched after the shim's include/, so a complete skbuff.h there wins. */
#ifndef _LINUX_SKBUFF_H
#define _LINUX_SKBUFF_H
#ifndef ETH_HLEN
#define ETH_HLEN 14
#endif
#include "kshim/types.h"
typedef u32 __wsum; /* a duplicate typedef of the same type is valid C11 */
struct sk_buff;
#endif
