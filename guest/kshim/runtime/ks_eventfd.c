/* eventfd: a 64-bit counter behind a file of a simulated process. The process reads and polls
 * it; drivers take a reference by fd (eventfd_ctx_fdget, in the process's ioctl) and signal
 * it from any context. The counter lives until the file is closed and every reference put. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/eventfd.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

struct eventfd_ctx {
    u64 count;
    int refs;
    struct wait_queue_head wq;
};

static const struct file_operations eventfd_fops;

static void ctx_put(struct eventfd_ctx *ctx)
{
    if (--ctx->refs == 0)
        free(ctx);
}

static ssize_t eventfd_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
    (void)pos; /* a counter has no position */
    struct eventfd_ctx *ctx = f->private_data;
    if (n < sizeof(u64))
        return -EINVAL;
    if (!ctx->count) {
        if (f->f_flags & O_NONBLOCK)
            return -EAGAIN;
        if (wait_event_interruptible(ctx->wq, ctx->count != 0))
            return -ERESTARTSYS;
    }
    u64 v = ctx->count;
    if (copy_to_user(buf, &v, sizeof(v)))
        return -EFAULT;
    ctx->count = 0;
    return sizeof(v);
}

static ssize_t eventfd_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
    (void)pos;
    struct eventfd_ctx *ctx = f->private_data;
    u64 v;
    if (n < sizeof(v))
        return -EINVAL;
    if (copy_from_user(&v, buf, sizeof(v)))
        return -EFAULT;
    if (v == ~0ull || ctx->count + v < ctx->count)
        return -EINVAL;
    ctx->count += v;
    wake_up_all(&ctx->wq);
    return sizeof(v);
}

static __poll_t eventfd_poll(struct file *f, struct poll_table_struct *pt)
{
    struct eventfd_ctx *ctx = f->private_data;
    poll_wait(f, &ctx->wq, pt);
    return (ctx->count ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

static int eventfd_release(struct inode *i, struct file *f)
{
    (void)i;
    ctx_put(f->private_data);
    return 0;
}

static const struct file_operations eventfd_fops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .release = eventfd_release,
};

void ks_eventfd_drop_file(struct file *f)
{
    if (f->f_op == &eventfd_fops)
        ctx_put(f->private_data);
}

int ks_sys_eventfd(struct ks_uproc *p, unsigned int initval, int flags)
{
    struct eventfd_ctx *ctx = calloc(1, sizeof(*ctx));
    struct file *f = calloc(1, sizeof(*f));
    if (!ctx || !f)
        abort();
    ctx->count = initval;
    ctx->refs = 1;
    init_waitqueue_head(&ctx->wq);
    f->f_op = &eventfd_fops;
    f->f_flags = (unsigned)flags;
    f->f_mode = FMODE_READ | FMODE_WRITE;
    f->private_data = ctx;
    int fd = ks_uproc_install(p, f);
    if (fd < 0) {
        free(ctx);
        free(f);
    }
    return fd;
}

struct eventfd_ctx *eventfd_ctx_fdget(int fd)
{
    struct file *f = ks_uproc_file(ks_uproc_current(), fd);
    if (!f)
        return ERR_PTR(-EBADF);
    if (f->f_op != &eventfd_fops)
        return ERR_PTR(-EINVAL);
    struct eventfd_ctx *ctx = f->private_data;
    ctx->refs++;
    return ctx;
}

void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
    if (ctx)
        ctx_put(ctx);
}

__u64 eventfd_signal(struct eventfd_ctx *ctx, __u64 n)
{
    if (ctx->count + n < ctx->count)
        n = ~0ull - 1 - ctx->count;
    ctx->count += n;
    wake_up_all(&ctx->wq);
    return n;
}
