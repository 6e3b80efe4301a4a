/* Harness side of the kernel shim: create a guest kernel on a domain, load and unload the
 * driver modules compiled into chansim, run simulated user processes against their device
 * files, and read back what the shim found. Families and tests use this; drivers do not. */
#ifndef KSHIM_KERNEL_H
#define KSHIM_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cs_error.h"
#include "kshim/ks.h"

struct cs_domain;
struct ks_uproc;

struct ks_finding_record {
    enum ks_finding kind;
    const char *file; /* the driver's source file, as the compiler saw it */
    int line;
    char msg[256];
};

struct ks_kernel_stats {
    uint64_t findings[KS_FINDING_KINDS];
    uint64_t total_findings;
    uint64_t log_lines;
    uint64_t live_allocations;
    uint64_t live_bytes;
};

/* A kernel for `dom`, logging to a tap channel called `name` (family "kshim"). Its heap is the
 * upper three quarters of the domain's memory, user-process memory the eighth below. */
int ks_kernel_create(struct cs_domain *dom, const char *name, struct ks_kernel **out,
                     cs_error *err);
void ks_kernel_destroy(struct ks_kernel *k);

/* Modules are the drivers linked into this program (module_init in their source). Set a
 * parameter before loading: as `modprobe mod param=value` would. */
int ks_module_param_set(struct ks_kernel *k, const char *module, const char *param,
                        const char *value, cs_error *err);
int ks_module_exists(const char *module);

/* Load at the start of the run, in a boot thread of the kernel (module init may sleep). */
int ks_kernel_boot(struct ks_kernel *k, const char *const *modules, size_t n, cs_error *err);

/* From a task (a user process, a test thread): like insmod / rmmod. Unload runs the module's
 * exit and reports every allocation, page and DMA mapping the module still holds (K5). */
int ks_module_load(struct ks_kernel *k, const char *module);
int ks_module_unload(struct ks_kernel *k, const char *module);

const struct ks_finding_record *ks_kernel_findings(const struct ks_kernel *k, size_t *n);
void ks_kernel_stats(const struct ks_kernel *k, struct ks_kernel_stats *s);
/* Kernel log lines at `level` or more severe also go to stderr (default: warnings). */
void ks_kernel_set_console_level(struct ks_kernel *k, int level);

/* Simulated user processes: each runs fn in a task of its own. Buffers passed to the
 * system calls must come from ks_umalloc: they live in the domain's memory like user pages,
 * and copy_to_user/copy_from_user check against them. */
struct ks_uproc *ks_uproc_spawn(struct ks_kernel *k, const char *name,
                                void (*fn)(struct ks_uproc *p, void *arg), void *arg);
void *ks_umalloc(struct ks_uproc *p, size_t size);
int ks_uproc_done(const struct ks_uproc *p);

int ks_sys_open(struct ks_uproc *p, const char *path, int flags);
int ks_sys_close(struct ks_uproc *p, int fd);
ssize_t ks_sys_read(struct ks_uproc *p, int fd, void *ubuf, size_t n);
ssize_t ks_sys_write(struct ks_uproc *p, int fd, const void *ubuf, size_t n);
long ks_sys_ioctl(struct ks_uproc *p, int fd, unsigned int cmd, unsigned long arg);
/* Returns the ready events, 0 on timeout (timeout_ms < 0: wait forever). */
int ks_sys_poll(struct ks_uproc *p, int fd, short events, int timeout_ms);
void ks_sys_sleep_ms(struct ks_uproc *p, unsigned ms);

#endif
