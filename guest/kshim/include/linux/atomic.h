#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H
#include "kshim/types.h"
#include <asm/barrier.h>
typedef struct {
    int counter;
} atomic_t;
typedef struct {
    s64 counter;
} atomic64_t;
#define ATOMIC_INIT(i)                                                                             \
    {                                                                                              \
        (i)                                                                                        \
    }
#define atomic_read(v)          READ_ONCE((v)->counter)
#define atomic_set(v, i)        WRITE_ONCE((v)->counter, (i))
#define atomic_add(i, v)        ((void)__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_sub(i, v)        ((void)__atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_inc(v)           atomic_add(1, v)
#define atomic_dec(v)           atomic_sub(1, v)
#define atomic_add_return(i, v) __atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_sub_return(i, v) __atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_inc_return(v)    atomic_add_return(1, v)
#define atomic_dec_return(v)    atomic_sub_return(1, v)
#define atomic_dec_and_test(v)  (atomic_dec_return(v) == 0)
#define atomic_inc_and_test(v)  (atomic_inc_return(v) == 0)
#define atomic_xchg(v, n)       __atomic_exchange_n(&(v)->counter, (n), __ATOMIC_SEQ_CST)
static inline int atomic_cmpxchg(atomic_t *v, int old, int new_)
{
    __atomic_compare_exchange_n(&v->counter, &old, new_, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return old;
}
static inline int atomic_dec_if_positive(atomic_t *v)
{
    int c = atomic_read(v) - 1;
    if (c >= 0)
        atomic_set(v, c);
    return c;
}
#define atomic64_read atomic_read
#define atomic64_set  atomic_set
#define atomic64_inc  atomic_inc
#define atomic64_add  atomic_add
#endif
