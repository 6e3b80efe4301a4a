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
/* Frees everything the kernel owns, whatever its guest code is doing (a run stopped by its
 * time limit): pending timers, tasklets and interrupts, tasks, workqueues, user processes,
 * memory. Guest code does not run. Call it before cs_machine_free of its machine. */
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

/* One record per distinct finding (kind and place), the first 1024 of them; ks_kernel_stats
 * counts every occurrence. */
const struct ks_finding_record *ks_kernel_findings(const struct ks_kernel *k, size_t *n);
void ks_kernel_stats(const struct ks_kernel *k, struct ks_kernel_stats *s);
/* Kernel log lines at `level` or more severe also go to stderr (default: warnings). */
void ks_kernel_set_console_level(struct ks_kernel *k, int level);
/* Messages up to `level` are kept in the trace (default 6, info: pr_debug and dev_dbg are off,
 * as without dynamic debug; 7 turns them on). */
void ks_kernel_set_log_level(struct ks_kernel *k, int level);

/* Simulated user processes: each runs fn in a task of its own. Buffers passed to the
 * system calls must come from ks_umalloc: they live in the domain's memory like user pages,
 * and copy_to_user/copy_from_user check against them. A process is freed with its kernel
 * (ks_kernel_destroy), finished or not. */
struct ks_uproc *ks_uproc_spawn(struct ks_kernel *k, const char *name,
                                void (*fn)(struct ks_uproc *p, void *arg), void *arg);
void *ks_umalloc(struct ks_uproc *p, size_t size);
int ks_uproc_done(const struct ks_uproc *p);

int ks_sys_open(struct ks_uproc *p, const char *path, int flags);
int ks_sys_close(struct ks_uproc *p, int fd);
ssize_t ks_sys_read(struct ks_uproc *p, int fd, void *ubuf, size_t n);
ssize_t ks_sys_write(struct ks_uproc *p, int fd, const void *ubuf, size_t n);
long ks_sys_ioctl(struct ks_uproc *p, int fd, unsigned int cmd, unsigned long arg);
/* pread(2)/pwrite(2): at `off`, leaving the file position alone. */
ssize_t ks_sys_pread(struct ks_uproc *p, int fd, void *ubuf, size_t n, int64_t off);
ssize_t ks_sys_pwrite(struct ks_uproc *p, int fd, const void *ubuf, size_t n, int64_t off);
/* eventfd(2): a counter starting at `initval`; read (8 bytes, host order) returns and resets
 * it, waiting while it is 0 unless flags has O_NONBLOCK (then -EAGAIN); poll is readable while
 * it is not 0. Drivers signal it (linux/eventfd.h). */
int ks_sys_eventfd(struct ks_uproc *p, unsigned int initval, int flags);
/* Returns the ready events, 0 on timeout (timeout_ms < 0: wait forever). */
int ks_sys_poll(struct ks_uproc *p, int fd, short events, int timeout_ms);
void ks_sys_sleep_ms(struct ks_uproc *p, unsigned ms);

/* DMA: is every byte of [addr, addr + len) inside mappings the kernel's drivers made
 * (dma_map_*, dma_alloc_coherent) and have not unmapped? Bus addresses are guest-physical. */
int ks_dma_is_mapped(struct ks_kernel *k, uint64_t addr, uint64_t len);
/* Does every page of [gpa, gpa + len) belong to the kernel's allocations now (kmalloc,
 * page allocations), as the CCWs and IDALs a driver builds do? */
int ks_kmem_in_use(struct ks_kernel *k, uint64_t gpa, uint64_t len);

/* ---- POWER platform: hypervisor calls and the VIO bus -------------------------------- */

/* The hypervisor side of plpar_hcall*: called for every hcall the kernel's code makes, in the
 * caller's context (it may be an interrupt handler: do not block). args are the call's
 * arguments (r4..), nargs as many as the opcode takes (for opcodes the shim does not know,
 * as many as the caller passed); rets has PLPAR_HCALL9_BUFSIZE (9) zeroed entries for the
 * values returned in r4.. (plpar_hcall sees the first 4). Returns the hcall status (H_*).
 * *cost_ns (0 on entry) is how long the call takes: a caller that may sleep is held that
 * long in simulated time; a caller in atomic context (interrupt, softirq, spinlock held, or
 * plain C outside any task) returns at once, since it cannot wait. */
typedef long (*ks_hcall_fn)(void *ctx, unsigned long opcode, const unsigned long *args,
                            unsigned nargs, unsigned long *rets, uint64_t *cost_ns);
/* Without a handler every hcall returns H_FUNCTION. fn NULL removes the handler. */
void ks_kernel_set_hcall_handler(struct ks_kernel *k, ks_hcall_fn fn, void *ctx);

/* A device-tree property: `len` bytes at `value`, stored as the firmware presents them
 * (cells big-endian, strings NUL-terminated). */
struct ks_dt_prop {
    const char *name;
    const void *value;
    int len;
};

/* Add a device to the kernel's VIO bus, as the firmware's device tree would present it: node
 * `name`, device_type `type`, "compatible" `compat`, unit address (also its "reg"), and an
 * interrupt line of the kernel's domain (cs_irq_alloc). `props` are copied; "compatible",
 * "device_type" and "reg" are made from the arguments unless given. A registered driver whose
 * vio_device_id table matches probes it at once: called from plain C (before the run, or from
 * a model's activation) in the kernel's setup context, where calls that would sleep return
 * immediately; called from a task or activation of another kernel, in a new task of this one
 * shortly after. Otherwise the first matching driver to register probes it. Fails on a unit
 * address already present or an unknown line. The device lives until ks_kernel_destroy. */
int ks_vio_device_add(struct ks_kernel *k, const char *name, const char *type, const char *compat,
                      uint32_t unit_address, unsigned irq, const struct ks_dt_prop *props,
                      size_t nprops, cs_error *err);

#endif
