#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H
#include "kshim/types.h"
struct cs_event;
/* A sleeping lock: a task that finds it held waits in simulated time until it is released. */
struct mutex {
    const void *owner;
    const char *file;
    int line;
    const char *name;
    struct cs_event *ev;
};
#define __MUTEX_INITIALIZER(n)                                                                     \
    {                                                                                              \
        NULL, NULL, 0, #n, NULL                                                                    \
    }
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)
void ks_mutex_init(struct mutex *m, const char *name);
void ks_mutex_lock(struct mutex *m, const char *file, int line);
int ks_mutex_trylock(struct mutex *m, const char *file, int line);
void ks_mutex_unlock(struct mutex *m, const char *file, int line);
void ks_mutex_destroy(struct mutex *m);
#define mutex_init(m)               ks_mutex_init(m, #m)
#define mutex_lock(m)               ks_mutex_lock(m, __FILE__, __LINE__)
#define mutex_lock_interruptible(m) (ks_mutex_lock(m, __FILE__, __LINE__), 0)
#define mutex_lock_killable(m)      (ks_mutex_lock(m, __FILE__, __LINE__), 0)
#define mutex_trylock(m)            ks_mutex_trylock(m, __FILE__, __LINE__)
#define mutex_unlock(m)             ks_mutex_unlock(m, __FILE__, __LINE__)
#define mutex_is_locked(m)          ((m)->owner != NULL)
#define mutex_destroy(m)            ks_mutex_destroy(m)
#define lockdep_assert_held(m)      ((void)(m))
#endif
