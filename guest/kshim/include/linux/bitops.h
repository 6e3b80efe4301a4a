/* Bit operations on arrays of unsigned long (Documentation/core-api/atomic_ops.rst): bit n
 * is bit n % BITS_PER_LONG of word n / BITS_PER_LONG. Contexts never run at the same time in
 * the simulation, so the atomic forms are the plain ones. */
#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H
#include "kshim/types.h"

#ifndef BITS_PER_LONG
#define BITS_PER_LONG (8 * (int)sizeof(long))
#endif
#define BITS_PER_BYTE              8
#define BIT_MASK(nr)               (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)               ((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(n)           DIV_ROUND_UP(n, BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline void __set_bit(unsigned long nr, volatile unsigned long *addr)
{
    addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}
static inline void __clear_bit(unsigned long nr, volatile unsigned long *addr)
{
    addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}
static inline void __change_bit(unsigned long nr, volatile unsigned long *addr)
{
    addr[BIT_WORD(nr)] ^= BIT_MASK(nr);
}
static inline bool test_bit(unsigned long nr, const volatile unsigned long *addr)
{
    return (addr[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)) & 1;
}
static inline bool __test_and_set_bit(unsigned long nr, volatile unsigned long *addr)
{
    bool old = test_bit(nr, addr);
    __set_bit(nr, addr);
    return old;
}
static inline bool __test_and_clear_bit(unsigned long nr, volatile unsigned long *addr)
{
    bool old = test_bit(nr, addr);
    __clear_bit(nr, addr);
    return old;
}
#define set_bit(nr, addr)            __set_bit(nr, addr)
#define clear_bit(nr, addr)          __clear_bit(nr, addr)
#define change_bit(nr, addr)         __change_bit(nr, addr)
#define test_and_set_bit(nr, addr)   __test_and_set_bit(nr, addr)
#define test_and_clear_bit(nr, addr) __test_and_clear_bit(nr, addr)

/* Number of bits set among the first `bits` of `map`. */
static inline unsigned int bitmap_weight(const unsigned long *map, unsigned int bits)
{
    unsigned int w = 0;
    for (unsigned int i = 0; i < bits; i++)
        w += test_bit(i, map);
    return w;
}
#endif
