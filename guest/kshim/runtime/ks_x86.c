/* The x86 platform under the shim: CPUID answers with the hypervisor's vendor leaf, VMCALL goes
 * to the kernel's vmcall handler, firmware memory is mapped with memremap, and ACPI devices
 * that the firmware model announces bind to acpi_driver (the s-Par visorbus core finds its
 * controlvm channel this way, spec visor.md §3.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <asm/processor.h>
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/utsname.h>
#include <linux/uuid.h>

#include "kshim/x86.h"

const guid_t guid_null;

struct new_utsname *ks_utsname(void)
{
    static struct new_utsname uts = {"Linux",  "chansim", "6.1.0-chansim",
                                     "#1 SMP", "x86_64",  "(none)"};
    return &uts;
}

/* ---- CPUID and VMCALL ----------------------------------------------------------------- */

void ks_kernel_set_vmcall_handler(struct ks_kernel *k, ks_vmcall_fn fn, void *ctx)
{
    k->vmcall_fn = fn;
    k->vmcall_ctx = ctx;
}

void ks_kernel_set_cpuid_vendor(struct ks_kernel *k, uint32_t leaf, uint32_t ebx, uint32_t ecx,
                                uint32_t edx)
{
    k->cpuid_vendor_set = 1;
    k->cpuid_leaf = leaf;
    k->cpuid_regs[0] = ebx;
    k->cpuid_regs[1] = ecx;
    k->cpuid_regs[2] = edx;
}

void ks_cpuid(unsigned int op, unsigned int *eax, unsigned int *ebx, unsigned int *ecx,
              unsigned int *edx)
{
    struct ks_kernel *k = ks_current_kernel();
    *eax = *ebx = *ecx = *edx = 0;
    if (!k || !k->cpuid_vendor_set)
        return;
    if (op == 1) {
        *ecx = 1u << 31; /* hypervisor present */
    } else if (op == k->cpuid_leaf) {
        *eax = k->cpuid_leaf;
        *ebx = k->cpuid_regs[0];
        *ecx = k->cpuid_regs[1];
        *edx = k->cpuid_regs[2];
    }
}

int ks_cpu_has(int feature)
{
    unsigned a, b, c, d;
    if (feature != X86_FEATURE_HYPERVISOR)
        return 0;
    ks_cpuid(1, &a, &b, &c, &d);
    return (c >> 31) & 1;
}

long ks_vmcall(unsigned long nr, unsigned long rbx, unsigned long rcx, unsigned long rdx)
{
    struct ks_kernel *k = ks_current_kernel();
    uint64_t cost_ns = 0;
    if (!k || !k->vmcall_fn)
        return -1;
    long rc = k->vmcall_fn(k->vmcall_ctx, nr, rbx, rcx, rdx, &cost_ns);
    /* as an hcall: the hypervisor holds a caller that may sleep; atomic callers return at once */
    if (cost_ns && !ks_atomic_reason()) {
        cs_thread_sleep(ks_ns_to_cycles(cost_ns));
        ks_jiffies();
    }
    return rc;
}

/* The VMCALL instruction of upstream code that cannot be edited (visorchipset.c's inline
 * `.byte 0x0f, 0x01, 0xc1`): the build rewrites exactly that byte sequence in the compiler's
 * assembly into `call ks_vmcall_thunk` (guest/drivers/visor/upstream/vmcall_launcher.sh,
 * docs/kernel-shim.md). The instruction's contract is kept: EAX = nr, EBX/ECX/EDX in, EAX out,
 * every other register and the vector/x87 state as they were. The asm statement does not know
 * it calls: the stack may be misaligned (hence the realignment) and the compiler may keep values
 * in caller-saved registers across it (hence the saves; the rewritten objects are compiled with
 * -mno-red-zone, so the return address pushed by the call overwrites nothing live). */
__asm__(".text\n"
        ".globl ks_vmcall_thunk\n"
        ".type ks_vmcall_thunk, @function\n"
        "ks_vmcall_thunk:\n"
        "    .cfi_startproc\n"
        "    pushq %rbp\n"
        "    .cfi_def_cfa_offset 16\n"
        "    .cfi_offset %rbp, -16\n"
        "    movq %rsp, %rbp\n"
        "    .cfi_def_cfa_register %rbp\n"
        "    pushq %rdi\n"
        "    pushq %rsi\n"
        "    pushq %rdx\n"
        "    pushq %rcx\n"
        "    pushq %r8\n"
        "    pushq %r9\n"
        "    pushq %r10\n"
        "    pushq %r11\n"
        "    andq $-64, %rsp\n"
        "    subq $512, %rsp\n"
        "    fxsave64 (%rsp)\n"
        /* ks_vmcall(nr = rax, rbx, rcx, rdx) */
        "    movq %rdx, %r8\n"
        "    movq %rcx, %rdx\n"
        "    movq %r8, %rcx\n"
        "    movq %rbx, %rsi\n"
        "    movq %rax, %rdi\n"
        "    call ks_vmcall@PLT\n"
        "    fxrstor64 (%rsp)\n"
        "    leaq -64(%rbp), %rsp\n"
        "    popq %r11\n"
        "    popq %r10\n"
        "    popq %r9\n"
        "    popq %r8\n"
        "    popq %rcx\n"
        "    popq %rdx\n"
        "    popq %rsi\n"
        "    popq %rdi\n"
        "    popq %rbp\n"
        "    .cfi_def_cfa %rsp, 8\n"
        "    ret\n"
        "    .cfi_endproc\n"
        ".size ks_vmcall_thunk, .-ks_vmcall_thunk\n");

/* ---- firmware memory ------------------------------------------------------------------ */

void *ks_memremap(resource_size_t offset, size_t size, unsigned long flags)
{
    struct ks_kernel *k = ks_current_kernel();
    (void)flags;
    if (!k || size == 0 || offset >= k->dom->mem.size || size > k->dom->mem.size - offset)
        return NULL;
    return k->dom->mem.host + offset;
}

struct resource *ks_request_mem_region(resource_size_t start, resource_size_t n, const char *name)
{
    static struct resource granted;
    (void)start;
    (void)n;
    (void)name;
    return &granted;
}

/* ---- the ACPI bus --------------------------------------------------------------------- */

static const struct acpi_device_id *acpi_match(const struct acpi_device_id *ids,
                                               const struct acpi_device *adev)
{
    for (; ids && ids->id[0]; ids++)
        if (strncmp((const char *)ids->id, adev->ks_hid, ACPI_ID_LEN) == 0)
            return ids;
    return NULL;
}

static int acpi_bus_match(struct device *dev, struct device_driver *drv)
{
    return acpi_match(to_acpi_driver(drv)->ids, to_acpi_device(dev)) != NULL;
}

static int acpi_bus_probe(struct device *dev)
{
    struct acpi_driver *drv = to_acpi_driver(dev->driver);
    return drv->ops.add ? drv->ops.add(to_acpi_device(dev)) : 0;
}

static void acpi_bus_remove(struct device *dev)
{
    struct acpi_driver *drv = to_acpi_driver(dev->driver);
    if (drv->ops.remove)
        drv->ops.remove(to_acpi_device(dev));
}

static struct bus_type *acpi_bus(struct ks_kernel *k)
{
    if (!k->acpi_bus) {
        k->acpi_bus = calloc(1, sizeof(*k->acpi_bus));
        if (!k->acpi_bus)
            abort();
        k->acpi_bus->name = "acpi";
        k->acpi_bus->match = acpi_bus_match;
        k->acpi_bus->probe = acpi_bus_probe;
        k->acpi_bus->remove = acpi_bus_remove;
        bus_register(k->acpi_bus);
    }
    return k->acpi_bus;
}

int acpi_bus_register_driver(struct acpi_driver *driver)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return -ENODEV;
    driver->drv.name = driver->name;
    driver->drv.bus = acpi_bus(k);
    driver->drv.owner = driver->owner;
    return driver_register(&driver->drv);
}

void acpi_bus_unregister_driver(struct acpi_driver *driver)
{
    driver_unregister(&driver->drv);
}

static void acpi_dev_release(struct device *dev)
{
    free(to_acpi_device(dev));
}

static void acpi_device_add_here(void *arg)
{
    struct acpi_device *adev = arg;
    device_initialize(&adev->dev);
    dev_set_name(&adev->dev, "%s:00", adev->ks_hid);
    adev->dev.bus = acpi_bus(ks_current_kernel());
    adev->dev.release = acpi_dev_release;
    device_add(&adev->dev);
}

int ks_acpi_device_add(struct ks_kernel *k, const char *hid, cs_error *err)
{
    if (!k || !hid || !hid[0] || strlen(hid) >= ACPI_ID_LEN)
        return cs_error_set(err, "ACPI device: a hardware id of 1 to %d characters is required",
                            ACPI_ID_LEN - 1);
    struct acpi_device *adev = calloc(1, sizeof(*adev));
    if (!adev)
        abort();
    snprintf(adev->ks_hid, sizeof(adev->ks_hid), "%s", hid);
    ks_run_in_kernel(k, "acpi-hotplug", acpi_device_add_here, adev);
    return 0;
}

struct acpi_notification {
    struct acpi_device *adev;
    u32 event;
};

static void acpi_notify_here(void *arg)
{
    struct acpi_notification *n = arg;
    struct device_driver *drv = n->adev->dev.driver;
    if (drv && to_acpi_driver(drv)->ops.notify)
        to_acpi_driver(drv)->ops.notify(n->adev, n->event);
    free(n);
}

int ks_acpi_notify(struct ks_kernel *k, const char *hid, uint32_t event, cs_error *err)
{
    struct device *dev;
    if (!k || !hid)
        return cs_error_set(err, "ACPI notify: a kernel and a hardware id are required");
    if (k->acpi_bus)
        list_for_each_entry(dev, &k->acpi_bus->ks_devices, ks_node)
        {
            struct acpi_device *adev = to_acpi_device(dev);
            if (strcmp(adev->ks_hid, hid) != 0)
                continue;
            if (!dev->driver || !to_acpi_driver(dev->driver)->ops.notify)
                return 0;
            struct acpi_notification *n = malloc(sizeof(*n));
            if (!n)
                abort();
            *n = (struct acpi_notification){adev, event};
            ks_run_in_kernel(k, "acpi-notify", acpi_notify_here, n);
            return 1;
        }
    return cs_error_set(err, "ACPI notify: kernel %s has no device %s", k->name, hid);
}

void ks_x86_release(struct ks_kernel *k)
{
    if (!k->acpi_bus)
        return;
    /* The run is over: devices go without their drivers' remove, which would need a task. */
    struct device *dev, *t;
    list_for_each_entry_safe(dev, t, &k->acpi_bus->ks_devices, ks_node)
    {
        list_del_init(&dev->ks_node);
        acpi_dev_release(dev);
    }
    free(k->acpi_bus);
    k->acpi_bus = NULL;
}
