/* Kernel side of test_driver_core: the calls under test, wrapped with standard types. */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "test_driver_core.h"

int tdc_kstrtou8(const char *s, unsigned char *v)
{
    return kstrtou8(s, 10, v);
}

int tdc_kstrtou16(const char *s, unsigned short *v)
{
    return kstrtou16(s, 0, v);
}

int tdc_kstrtou32(const char *s, unsigned int *v)
{
    return kstrtou32(s, 16, v);
}

int tdc_uevent_vars(char *out, size_t n)
{
    struct kobj_uevent_env *env = kzalloc(sizeof(*env), GFP_KERNEL);
    int rc = add_uevent_var(env, "VISOR_PARAHOTPLUG=%d", 1);
    if (!rc)
        rc = add_uevent_var(env, "VISOR_BUS=%u", 7u);
    if (!rc)
        rc = kobject_uevent_env(NULL, KOBJ_CHANGE, env->envp);
    snprintf(out, n, "%d|%s|%s|%s", env->envp_idx, env->envp[0], env->envp[1],
             env->envp[2] ? env->envp[2] : "(end)");
    /* filling it up is refused, not overrun */
    int full = 0;
    for (int i = 0; i < 100 && !full; i++)
        full = add_uevent_var(env, "X%d=%0300d", i, 0) == -ENOMEM;
    kfree(env);
    return full ? rc : -1;
}

static int by_name(struct device *dev, const void *data)
{
    return strcmp(dev_name(dev), data) == 0;
}

static int by_name_old(struct device *dev, void *data)
{
    return strcmp(dev_name(dev), data) == 0;
}

int tdc_bus_find(void)
{
    static struct bus_type bus = {.name = "tdc"};
    static struct device a, b, c;
    bus_register(&bus);
    struct device *devs[] = {&a, &b, &c};
    const char *names[] = {"one", "two", "one"};
    for (int i = 0; i < 3; i++) {
        device_initialize(devs[i]);
        dev_set_name(devs[i], "%s", names[i]);
        devs[i]->bus = &bus;
        device_add(devs[i]);
    }
    /* the first "one", then the one after it, then none; the pre-5.3 match signature works */
    struct device *f1 = bus_find_device(&bus, NULL, "one", by_name);
    struct device *f2 = bus_find_device(&bus, f1, "one", by_name_old);
    struct device *f3 = bus_find_device(&bus, f2, "one", by_name);
    int ok = f1 == &a && f2 == &c && f3 == NULL && a.ks_refs == 2 && c.ks_refs == 2;
    put_device(f1);
    put_device(f2);
    for (int i = 0; i < 3; i++)
        device_del(devs[i]);
    bus_unregister(&bus);
    return ok;
}

static int show(struct seq_file *m, void *v)
{
    seq_printf(m, "partition %d\n", 3);
    seq_puts(m, "name spar\n");
    return 0;
}

int tdc_seq_file(char *out, size_t n)
{
    struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);
    int rc = single_open(f, show, NULL);
    if (rc) {
        kfree(f);
        return rc;
    }
    struct seq_file *m = f->private_data;
    m->count = 0;
    show(m, NULL);
    snprintf(out, n, "%.*s", (int)m->count, m->buf);
    /* a show that writes more than the buffer stops at its end */
    for (int i = 0; i < 1000; i++)
        seq_puts(m, "0123456789");
    rc = m->count == m->size ? 0 : -1;
    single_release(NULL, f);
    kfree(f);
    return rc;
}

int tdc_debugfs_absent(void)
{
    struct dentry *d = debugfs_create_dir("visorbus", NULL);
    debugfs_remove_recursive(d);
    return IS_ERR(d) && PTR_ERR(d) == -ENODEV;
}
