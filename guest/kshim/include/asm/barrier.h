#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H
/* Guest and models share one host thread, so only compiler ordering matters. */
#define mb()                    __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()                   __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()                   __atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_rmb()               rmb()
#define dma_wmb()               wmb()
#define smp_mb()                mb()
#define smp_rmb()               rmb()
#define smp_wmb()               wmb()
#define smp_mb__before_atomic() mb()
#define smp_mb__after_atomic()  mb()
#endif
