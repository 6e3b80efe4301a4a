/* The driver core as far as drivers use it (buses, drivers, devices, probe/remove), misc
 * devices, the user-process bridge to their file operations, and small library helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

/* ---- driver core ---------------------------------------------------------------------- */

static void bus_init_lists(struct bus_type *bus)
{
    if (!bus->ks_registered) {
        INIT_LIST_HEAD(&bus->ks_devices);
        INIT_LIST_HEAD(&bus->ks_drivers);
        bus->ks_registered = 1;
    }
}

int bus_register(struct bus_type *bus)
{
    bus_init_lists(bus);
    return 0;
}

void bus_unregister(struct bus_type *bus)
{
    bus->ks_registered = 0;
}

static int try_probe(struct device *dev, struct device_driver *drv)
{
    struct bus_type *bus = dev->bus;
    if (dev->driver || (bus->match && !bus->match(dev, drv)))
        return 0;
    dev->driver = drv;
    int rc = bus->probe ? bus->probe(dev) : (drv->probe ? drv->probe(dev) : 0);
    if (rc) {
        dev->driver = NULL;
        dev_warn(dev, "probe of %s failed with error %d", dev_name(dev), rc);
    }
    return rc == 0;
}

static void unbind(struct device *dev)
{
    if (!dev->driver)
        return;
    if (dev->bus->remove)
        dev->bus->remove(dev);
    else if (dev->driver->remove)
        dev->driver->remove(dev);
    dev->driver = NULL;
}

int driver_register(struct device_driver *drv)
{
    if (!drv->bus)
        return -EINVAL;
    bus_init_lists(drv->bus);
    list_add_tail(&drv->ks_node, &drv->bus->ks_drivers);
    struct device *dev;
    list_for_each_entry(dev, &drv->bus->ks_devices, ks_node) try_probe(dev, drv);
    return 0;
}

void driver_unregister(struct device_driver *drv)
{
    struct device *dev;
    list_for_each_entry(dev, &drv->bus->ks_devices, ks_node) if (dev->driver == drv) unbind(dev);
    list_del(&drv->ks_node);
}

void device_initialize(struct device *dev)
{
    dev->ks_refs = 1;
    dev->ks_kernel = ks_current_kernel();
    INIT_LIST_HEAD(&dev->ks_node);
}

int device_add(struct device *dev)
{
    if (dev->init_name && !dev->ks_name[0])
        dev_set_name(dev, "%s", dev->init_name);
    if (!dev->bus)
        return 0;
    bus_init_lists(dev->bus);
    list_add_tail(&dev->ks_node, &dev->bus->ks_devices);
    struct device_driver *drv;
    list_for_each_entry(drv, &dev->bus->ks_drivers, ks_node) if (try_probe(dev, drv)) break;
    return 0;
}

void device_del(struct device *dev)
{
    if (!dev->bus)
        return;
    unbind(dev);
    list_del_init(&dev->ks_node);
}

int device_register(struct device *dev)
{
    device_initialize(dev);
    return device_add(dev);
}

void device_unregister(struct device *dev)
{
    device_del(dev);
    put_device(dev);
}

struct device *get_device(struct device *dev)
{
    if (dev)
        dev->ks_refs++;
    return dev;
}

void put_device(struct device *dev)
{
    if (dev && --dev->ks_refs == 0 && dev->release)
        dev->release(dev);
}

struct device *ks_bus_find_device(struct bus_type *bus, struct device *start, const void *data,
                                  int (*match)(struct device *dev, const void *data))
{
    struct device *dev;
    int started = !start;
    if (!bus || !bus->ks_registered)
        return NULL;
    list_for_each_entry(dev, &bus->ks_devices, ks_node)
    {
        if (!started) {
            started = dev == start;
            continue;
        }
        if (match(dev, data))
            return get_device(dev);
    }
    return NULL;
}

/* ---- uevents: logged, as there is no udev ---------------------------------------------- */

int add_uevent_var(struct kobj_uevent_env *env, const char *format, ...)
{
    va_list ap;
    if (env->envp_idx >= UEVENT_NUM_ENVP - 1)
        return -ENOMEM;
    va_start(ap, format);
    int n = vsnprintf(env->buf + env->buflen, sizeof(env->buf) - (size_t)env->buflen, format, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(env->buf) - env->buflen)
        return -ENOMEM;
    env->envp[env->envp_idx++] = env->buf + env->buflen;
    env->envp[env->envp_idx] = NULL;
    env->buflen += n + 1;
    return 0;
}

int kobject_uevent_env(struct kobject *kobj, enum kobject_action action, char *envp[])
{
    static const char *const names[] = {"add", "remove", "change", "move", "online", "offline"};
    char text[512];
    size_t at = 0;
    for (int i = 0; envp && envp[i] && at < sizeof(text); i++)
        at += (size_t)snprintf(text + at, sizeof(text) - at, " %s", envp[i]);
    text[at < sizeof(text) ? at : sizeof(text) - 1] = '\0';
    printk(KERN_DEBUG "uevent %s %s%s", (unsigned)action < 6 ? names[action] : "?",
           kobj && kobj->name ? kobj->name : "(device)", text);
    return 0;
}

int kobject_uevent(struct kobject *kobj, enum kobject_action action)
{
    return kobject_uevent_env(kobj, action, NULL);
}

/* ---- seq_file for single_open ---------------------------------------------------------- */

#define KS_SEQ_SIZE 4096

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
    va_list ap;
    if (m->count >= m->size)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
    va_end(ap);
    if (n > 0)
        m->count = m->count + (size_t)n < m->size ? m->count + (size_t)n : m->size;
}

void seq_puts(struct seq_file *m, const char *s)
{
    seq_printf(m, "%s", s);
}

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data)
{
    struct seq_file *m = kzalloc(sizeof(*m), GFP_KERNEL);
    if (!m)
        return -ENOMEM;
    m->buf = kzalloc(KS_SEQ_SIZE, GFP_KERNEL);
    if (!m->buf) {
        kfree(m);
        return -ENOMEM;
    }
    m->size = KS_SEQ_SIZE;
    m->private = data;
    m->show = show;
    file->private_data = m;
    return 0;
}

int single_release(struct inode *inode, struct file *file)
{
    struct seq_file *m = file->private_data;
    (void)inode;
    if (m) {
        kfree(m->buf);
        kfree(m);
    }
    return 0;
}

ssize_t seq_read(struct file *file, char __user *buf, size_t n, loff_t *pos)
{
    struct seq_file *m = file->private_data;
    if (*pos == 0) {
        m->count = 0;
        int rc = m->show(m, NULL);
        if (rc)
            return rc;
    }
    if ((size_t)*pos >= m->count)
        return 0;
    size_t left = m->count - (size_t)*pos;
    if (n > left)
        n = left;
    if (copy_to_user(buf, m->buf + *pos, n))
        return -EFAULT;
    *pos += (loff_t)n;
    return (ssize_t)n;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
    if (whence != 0 || offset < 0)
        return -EINVAL;
    file->f_pos = offset;
    return offset;
}

const char *dev_name(const struct device *dev)
{
    return dev->ks_name[0] ? dev->ks_name : (dev->init_name ? dev->init_name : "(unnamed)");
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dev->ks_name, sizeof(dev->ks_name), fmt, ap);
    va_end(ap);
    return 0;
}

void ks_dev_printk(int level, const struct device *dev, const char *fmt, ...)
{
    if (!ks_log_enabled(level))
        return; /* not even formatted: dev_dbg on a hot path costs nothing */
    char text[1024];
    int n =
        snprintf(text, sizeof(text), "%s %s: ", dev && dev->driver ? dev->driver->name : "device",
                 dev ? dev_name(dev) : "");
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(text))
        vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
    va_end(ap);
    /* printk reads the level from the format itself */
    const char fmt_with_level[] = {KERN_SOH[0], (char)('0' + level), '%', 's', '\0'};
    printk(fmt_with_level, text);
}

/* ---- misc devices --------------------------------------------------------------------- */

int misc_register(struct miscdevice *misc)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k || !misc->name || !misc->fops)
        return -EINVAL;
    if (ks_misc_find(k, misc->name))
        return -EBUSY;
    struct ks_misc_node *n = malloc(sizeof(*n));
    if (!n)
        abort();
    n->misc = misc;
    list_add_tail(&n->node, &k->misc);
    if (misc->minor == MISC_DYNAMIC_MINOR)
        misc->minor = 64; /* the first dynamic minor, as on a fresh system */
    return 0;
}

void misc_deregister(struct miscdevice *misc)
{
    struct ks_kernel *k = ks_current_kernel();
    struct ks_misc_node *n, *t;
    if (k)
        list_for_each_entry_safe(n, t, &k->misc, node)
        {
            if (n->misc == misc) {
                list_del(&n->node);
                free(n);
            }
        }
}

struct miscdevice *ks_misc_find(struct ks_kernel *k, const char *path)
{
    if (strncmp(path, "/dev/", 5) == 0)
        path += 5;
    struct ks_misc_node *n;
    list_for_each_entry(n, &k->misc, node)
    {
        const char *name = n->misc->nodename ? n->misc->nodename : n->misc->name;
        if (strcmp(name, path) == 0)
            return n->misc;
    }
    return NULL;
}

/* ---- simulated user processes --------------------------------------------------------- */

#define KS_MAX_FDS   16
#define KS_MAX_UBUFS 64

struct ks_ubuf {
    u8 *p;
    size_t n;
};

struct ks_uproc {
    struct ks_kernel *k;
    struct task_struct *task;
    void (*fn)(struct ks_uproc *p, void *arg);
    void *arg;
    struct file *fds[KS_MAX_FDS];
    struct inode inodes[KS_MAX_FDS];
    struct ks_ubuf bufs[KS_MAX_UBUFS];
    int nbufs;
    int done;
    struct list_head node; /* in the kernel's list of processes */
};

static int uproc_main(void *arg)
{
    struct ks_uproc *p = arg;
    p->fn(p, p->arg);
    for (int fd = 0; fd < KS_MAX_FDS; fd++) /* exit closes what is open */
        if (p->fds[fd])
            ks_sys_close(p, fd);
    p->done = 1;
    return 0;
}

struct ks_uproc *ks_uproc_spawn(struct ks_kernel *k, const char *name,
                                void (*fn)(struct ks_uproc *p, void *arg), void *arg)
{
    struct ks_uproc *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    p->k = k;
    p->fn = fn;
    p->arg = arg;
    p->task = ks_task_new(k, name, uproc_main, p);
    p->task->ks_uproc = p;
    list_add_tail(&p->node, &k->uprocs);
    ks_task_start(p->task);
    return p;
}

/* Files a process still has open are dropped without calling the driver's release: the run is
 * over and guest code does not run any more; what the driver allocated goes with its memory. */
void ks_uprocs_release(struct ks_kernel *k)
{
    struct ks_uproc *p, *n;
    list_for_each_entry_safe(p, n, &k->uprocs, node)
    {
        list_del(&p->node);
        for (int fd = 0; fd < KS_MAX_FDS; fd++) {
            if (!p->fds[fd])
                continue;
            ks_eventfd_drop_file(p->fds[fd]);
            free(p->fds[fd]);
        }
        free(p);
    }
}

int ks_uproc_done(const struct ks_uproc *p)
{
    return p->done;
}

void *ks_umalloc(struct ks_uproc *p, size_t size)
{
    struct ks_kernel *k = p->k;
    u64 n = (size + 63) & ~(u64)63;
    if (p->nbufs == KS_MAX_UBUFS || k->user_next + n > k->user_hi)
        return NULL;
    u8 *b = k->dom->mem.host + k->user_next;
    k->user_next += n;
    memset(b, 0, size);
    p->bufs[p->nbufs++] = (struct ks_ubuf){b, size};
    return b;
}

/* Does [u, u+n) lie in one buffer of the current process? */
static int user_range_ok(const void *u, unsigned long n)
{
    struct ks_uproc *p = ks_current()->ks_uproc;
    if (!p)
        return 0;
    for (int i = 0; i < p->nbufs; i++) {
        const u8 *b = p->bufs[i].p;
        if ((const u8 *)u >= b && (const u8 *)u + n <= b + p->bufs[i].n &&
            (const u8 *)u + n >= (const u8 *)u)
            return 1;
    }
    return 0;
}

int ks_user_access_ok(const void __user *p, unsigned long n)
{
    return user_range_ok(p, n);
}

unsigned long ks_copy_to_user(void __user *to, const void *from, unsigned long n, const char *file,
                              int line)
{
    ks_might_sleep(file, line, "copy_to_user");
    if (!n)
        return 0;
    if (!user_range_ok(to, n))
        return n;
    memcpy(to, from, n);
    return 0;
}

unsigned long ks_copy_from_user(void *to, const void __user *from, unsigned long n,
                                const char *file, int line)
{
    ks_might_sleep(file, line, "copy_from_user");
    if (!n)
        return 0;
    if (!user_range_ok(from, n)) {
        memset(to, 0, n); /* as the kernel does for the part it could not copy */
        return n;
    }
    memcpy(to, from, n);
    return 0;
}

static struct file *file_of(struct ks_uproc *p, int fd)
{
    return fd >= 0 && fd < KS_MAX_FDS ? p->fds[fd] : NULL;
}

int ks_sys_open(struct ks_uproc *p, const char *path, int flags)
{
    struct miscdevice *misc = ks_misc_find(p->k, path);
    if (!misc)
        return -ENOENT;
    int fd = 0;
    while (fd < KS_MAX_FDS && p->fds[fd])
        fd++;
    if (fd == KS_MAX_FDS)
        return -EMFILE;
    struct file *f = calloc(1, sizeof(*f));
    if (!f)
        abort();
    struct inode *ino = &p->inodes[fd];
    memset(ino, 0, sizeof(*ino));
    ino->i_rdev = (dev_t)((10u << 20) | (unsigned)misc->minor);
    f->f_inode = ino;
    f->f_flags = (unsigned)flags;
    f->f_mode = ((flags & O_ACCMODE) != O_WRONLY ? FMODE_READ : 0) |
                ((flags & O_ACCMODE) != O_RDONLY ? FMODE_WRITE : 0);
    f->f_op = misc->fops;
    /* misc_open hands the driver its miscdevice in private_data */
    f->private_data = misc;
    int rc = f->f_op->open ? f->f_op->open(ino, f) : 0;
    if (rc) {
        free(f);
        return rc;
    }
    p->fds[fd] = f;
    return fd;
}

int ks_sys_close(struct ks_uproc *p, int fd)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    int rc = f->f_op->release ? f->f_op->release(f->f_inode, f) : 0;
    p->fds[fd] = NULL;
    free(f);
    return rc;
}

ssize_t ks_sys_read(struct ks_uproc *p, int fd, void *ubuf, size_t n)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->read)
        return -EINVAL;
    return f->f_op->read(f, ubuf, n, &f->f_pos);
}

ssize_t ks_sys_pread(struct ks_uproc *p, int fd, void *ubuf, size_t n, int64_t off)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->read)
        return -EINVAL;
    loff_t pos = off;
    return f->f_op->read(f, ubuf, n, &pos);
}

ssize_t ks_sys_pwrite(struct ks_uproc *p, int fd, const void *ubuf, size_t n, int64_t off)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->write)
        return -EINVAL;
    loff_t pos = off;
    return f->f_op->write(f, ubuf, n, &pos);
}

int ks_uproc_install(struct ks_uproc *p, struct file *f)
{
    int fd = 0;
    while (fd < KS_MAX_FDS && p->fds[fd])
        fd++;
    if (fd == KS_MAX_FDS)
        return -EMFILE;
    if (!f->f_inode) {
        memset(&p->inodes[fd], 0, sizeof(p->inodes[fd]));
        f->f_inode = &p->inodes[fd];
    }
    p->fds[fd] = f;
    return fd;
}

struct file *ks_uproc_file(struct ks_uproc *p, int fd)
{
    return p ? file_of(p, fd) : NULL;
}

struct ks_uproc *ks_uproc_current(void)
{
    struct task_struct *t = ks_context() == KS_CTX_TASK ? ks_current() : NULL;
    return t ? t->ks_uproc : NULL;
}

int ks_uproc_owns(struct ks_uproc *p, const void *u, size_t n)
{
    for (int i = 0; i < p->nbufs; i++) {
        const u8 *b = p->bufs[i].p;
        if ((const u8 *)u >= b && (const u8 *)u + n <= b + p->bufs[i].n &&
            (const u8 *)u + n >= (const u8 *)u)
            return 1;
    }
    return 0;
}

ssize_t ks_sys_write(struct ks_uproc *p, int fd, const void *ubuf, size_t n)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->write)
        return -EINVAL;
    return f->f_op->write(f, ubuf, n, &f->f_pos);
}

long ks_sys_ioctl(struct ks_uproc *p, int fd, unsigned int cmd, unsigned long arg)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->unlocked_ioctl)
        return -ENOTTY;
    long rc = f->f_op->unlocked_ioctl(f, cmd, arg);
    return rc == -ENOIOCTLCMD ? -ENOTTY : rc;
}

/* poll(2): the driver's poll registers the process on its wait queues; the process sleeps
 * until one of them wakes it or the timeout passes, then asks the driver again. */
struct poll_wait_entry {
    struct wait_queue_entry wq;
    struct wait_queue_head *head;
};

struct poll_ctx {
    poll_table pt;
    struct poll_wait_entry entries[8];
    int n;
};

static void poll_queue_proc(struct file *f, struct wait_queue_head *wq, poll_table *pt)
{
    (void)f;
    struct poll_ctx *c = container_of(pt, struct poll_ctx, pt);
    if (c->n == (int)ARRAY_SIZE(c->entries))
        return;
    struct poll_wait_entry *e = &c->entries[c->n++];
    e->head = wq;
    e->wq.flags = 0;
    e->wq.private = ks_current();
    e->wq.func = default_wake_function;
    INIT_LIST_HEAD(&e->wq.entry);
    add_wait_queue(wq, &e->wq);
}

int ks_sys_poll(struct ks_uproc *p, int fd, short events, int timeout_ms)
{
    struct file *f = file_of(p, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->poll)
        return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
    long left =
        timeout_ms < 0 ? MAX_SCHEDULE_TIMEOUT : (long)msecs_to_jiffies((unsigned)timeout_ms);
    for (;;) {
        struct poll_ctx c = {.pt = {poll_queue_proc, (__poll_t)events}};
        set_current_state(TASK_INTERRUPTIBLE);
        __poll_t mask = f->f_op->poll(f, &c.pt);
        int ready = (int)(mask & ((__poll_t)events | POLLERR | POLLHUP));
        if (!ready && left)
            left = ks_schedule_timeout(left, __FILE__, __LINE__);
        set_current_state(TASK_RUNNING);
        for (int i = 0; i < c.n; i++)
            remove_wait_queue(c.entries[i].head, &c.entries[i].wq);
        if (ready)
            return ready;
        if (!left)
            return 0;
    }
}

void ks_sys_sleep_ms(struct ks_uproc *p, unsigned ms)
{
    (void)p;
    ks_msleep(ms, __FILE__, __LINE__);
}

/* ---- library helpers ------------------------------------------------------------------ */

size_t strscpy(char *dst, const char *src, size_t size)
{
    if (!size)
        return (size_t)-E2BIG;
    size_t n = strnlen(src, size);
    if (n == size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return (size_t)-E2BIG;
    }
    memcpy(dst, src, n + 1);
    return n;
}

static int kstrtoull_(const char *s, unsigned int base, unsigned long long *res)
{
    char *end;
    if (!*s || *s == '-')
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, (int)base);
    if (errno)
        return -ERANGE;
    if (*end == '\n')
        end++;
    if (*end)
        return -EINVAL;
    *res = v;
    return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
    unsigned long long v;
    int rc = kstrtoull_(s, base, &v);
    if (!rc)
        *res = (unsigned long)v;
    return rc;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
    unsigned long long v;
    int rc = kstrtoull_(s, base, &v);
    if (!rc && v > UINT32_MAX)
        rc = -ERANGE;
    if (!rc)
        *res = (unsigned int)v;
    return rc;
}

/* kstrtou8/u16/u32: kstrtouint with the narrower range. */
#define KS_KSTRTOU(name, type, max)                                                                \
    int name(const char *s, unsigned int base, type *res)                                          \
    {                                                                                              \
        unsigned int v;                                                                            \
        int rc = kstrtouint(s, base, &v);                                                          \
        if (!rc && v > (max))                                                                      \
            rc = -ERANGE;                                                                          \
        if (!rc)                                                                                   \
            *res = (type)v;                                                                        \
        return rc;                                                                                 \
    }
KS_KSTRTOU(kstrtou8, u8, 0xff)
KS_KSTRTOU(kstrtou16, u16, 0xffff)
KS_KSTRTOU(kstrtou32, u32, 0xffffffffu)

int kstrtoint(const char *s, unsigned int base, int *res)
{
    int neg = *s == '-';
    unsigned long long v;
    int rc = kstrtoull_(s + neg, base, &v);
    if (!rc && v > (unsigned long long)INT32_MAX + (unsigned)neg)
        rc = -ERANGE;
    if (!rc)
        *res = neg ? (int)-(long long)v : (int)v;
    return rc;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    if (size == 0)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    return (size_t)n >= size ? (int)size - 1 : n;
}

ssize_t ks_simple_read_from_buffer(void __user *to, size_t count, loff_t *ppos, const void *from,
                                   size_t available, const char *file, int line)
{
    loff_t pos = *ppos;
    if (pos < 0)
        return -EINVAL;
    if ((size_t)pos >= available || !count)
        return 0;
    if (count > available - (size_t)pos)
        count = available - (size_t)pos;
    size_t left = ks_copy_to_user(to, (const char *)from + pos, count, file, line);
    if (left == count)
        return -EFAULT;
    count -= left;
    *ppos = pos + (loff_t)count;
    return (ssize_t)count;
}
