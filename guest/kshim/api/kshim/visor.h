/* Harness side of the x86 platform the s-Par visor drivers run on: the hypervisor's VMCALL,
 * the CPUID leaves that announce it, and the ACPI device the visorbus core binds to (spec
 * visor.md §3.1). The firmware model installs these on a kernel before booting it. */
#ifndef KSHIM_VISOR_H
#define KSHIM_VISOR_H

#include <stdint.h>

#include "cs_error.h"

struct ks_kernel;

/* The hypervisor side of a VMCALL: nr is EAX, rbx/rcx/rdx the other argument registers.
 * Returns what the guest sees in EAX. Called in the caller's context (it may be an activation:
 * do not block). *cost_ns (0 on entry) is how long the call holds a caller that may sleep. */
typedef long (*ks_vmcall_fn)(void *ctx, unsigned long nr, unsigned long rbx, unsigned long rcx,
                             unsigned long rdx, uint64_t *cost_ns);
/* Without a handler a VMCALL returns -1 (as an undefined hypercall). fn NULL removes it. */
void ks_kernel_set_vmcall_handler(struct ks_kernel *k, ks_vmcall_fn fn, void *ctx);

/* A hypervisor vendor leaf: CPUID(leaf) returns eax = leaf and ebx/ecx/edx (for s-Par:
 * 0x40000000, "UnisysSpar64" = 0x73696e55, 0x70537379, 0x34367261), and CPUID.1:ECX bit 31
 * (hypervisor present) is set from then on. Every other leaf returns zeros. */
void ks_kernel_set_cpuid_vendor(struct ks_kernel *k, uint32_t leaf, uint32_t ebx, uint32_t ecx,
                                uint32_t edx);

/* An ACPI device with hardware id `hid` (e.g. "PNP0A07"). A registered acpi_driver listing
 * that id has its .add called at once (from plain C: in the kernel's setup context; from a
 * task or activation of another kernel: in a new task of this one shortly after), otherwise
 * the first matching driver to register gets it. The device lives until ks_kernel_destroy. */
int ks_acpi_device_add(struct ks_kernel *k, const char *hid, cs_error *err);

/* A firmware Notify(event) on the ACPI device `hid`: the bound driver's ops.notify runs (from
 * plain C: at once in the kernel's setup context; from another kernel's context: in a new task
 * of this one). Returns 1 when a driver took it, 0 when no bound driver has a notify handler,
 * -1 (err) when there is no such device. The visorbus core takes it as a doorbell: once rung,
 * it stops polling the controlvm channel after 10 s without a message and polls again at the
 * next notify (without notifies it polls for ever, as upstream). */
int ks_acpi_notify(struct ks_kernel *k, const char *hid, uint32_t event, cs_error *err);

#endif
