/*
 * proofdrv: a small driver in kernel style that exercises what the channel drivers need from
 * the kernel shim: a periodic timer and an interrupt feed a tasklet, the tasklet hands events
 * to a kthread through a wait queue, the kthread publishes them to readers of /dev/proof, and a
 * work item counts them. The `bug` parameter makes it commit one classic driver bug, so that
 * tests can show the shim catches each of them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "proofdrv.h"

enum proof_bug {
    BUG_NONE,
    BUG_SLEEP_IN_ATOMIC, /* msleep in the timer callback */
    BUG_LOCK_HELD,       /* the timer callback returns holding the lock */
    BUG_DOUBLE_UNLOCK,   /* read unlocks twice */
    BUG_IRQ_RESTORE,     /* the tasklet restores interrupt flags twice */
    BUG_LEAK,            /* exit forgets the scratch buffer */
    BUG_USE_AFTER_FREE,  /* exit writes to the scratch buffer after freeing it */
    BUG_DOUBLE_FREE,     /* exit frees the scratch buffer twice */
    BUG_RECURSIVE_LOCK,  /* the kthread takes the lock it holds */
    BUG_OVERFLOW,        /* init writes past the end of the scratch buffer */
    BUG_IRQ_ENABLE,      /* init enables an interrupt it never disabled */
};

static unsigned int period_ms = 4;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "timer period in milliseconds");

static int irq = -1;
module_param(irq, int, 0444);
MODULE_PARM_DESC(irq, "interrupt line of the event source, -1 for none");

static int bug;
module_param(bug, int, 0444);
MODULE_PARM_DESC(bug, "the driver bug to commit (0: none)");

#define RING 32

struct proof_dev {
    spinlock_t lock;
    struct timer_list timer;
    struct tasklet_struct tasklet;
    struct task_struct *thread;
    wait_queue_head_t work_wait; /* kthread waits for raw events */
    wait_queue_head_t read_wait; /* readers wait for published records */
    struct work_struct count_work;
    struct completion thread_started;
    u32 raw[RING];
    unsigned int raw_head, raw_tail;
    struct proof_record ready[RING];
    unsigned int ready_head, ready_tail;
    struct proof_stats stats;
    u32 seq;
    u8 *scratch;
};

static struct proof_dev *pdev;

static void proof_raise(struct proof_dev *p, u32 source)
{
    unsigned long flags;

    spin_lock_irqsave(&p->lock, flags);
    if (p->raw_head - p->raw_tail < RING)
        p->raw[p->raw_head++ % RING] = source;
    else
        p->stats.dropped++;
    spin_unlock_irqrestore(&p->lock, flags);
    tasklet_schedule(&p->tasklet);
}

static void proof_timer_fn(struct timer_list *t)
{
    struct proof_dev *p = from_timer(p, t, timer);

    spin_lock(&p->lock); /* proof:K2 */
    p->stats.ticks++;
    if (bug == BUG_SLEEP_IN_ATOMIC)
        msleep(1); /* proof:K1 */
    if (bug == BUG_LOCK_HELD) {
        bug = BUG_NONE; /* once is enough to be caught */
        mod_timer(&p->timer, jiffies + msecs_to_jiffies(period_ms));
        return; /* with the lock held */
    }
    spin_unlock(&p->lock);
    proof_raise(p, PROOF_SRC_TIMER);
    mod_timer(&p->timer, jiffies + msecs_to_jiffies(period_ms));
}

static irqreturn_t proof_irq(int line, void *data)
{
    struct proof_dev *p = data;

    (void)line;
    p->stats.interrupts++;
    proof_raise(p, PROOF_SRC_IRQ);
    return IRQ_HANDLED;
}

static void proof_tasklet_fn(unsigned long data)
{
    struct proof_dev *p = (struct proof_dev *)data;
    unsigned long flags;

    local_irq_save(flags);
    p->stats.tasklet_runs++;
    local_irq_restore(flags);
    if (bug == BUG_IRQ_RESTORE) {
        local_irq_restore(flags); /* proof:K4 */
        bug = BUG_NONE;
    }
    wake_up_interruptible(&p->work_wait);
}

static bool proof_has_raw(struct proof_dev *p)
{
    return READ_ONCE(p->raw_head) != READ_ONCE(p->raw_tail);
}

static int proof_thread(void *data)
{
    struct proof_dev *p = data;

    complete(&p->thread_started);
    while (!kthread_should_stop()) {
        wait_event_interruptible(p->work_wait, proof_has_raw(p) || kthread_should_stop());
        spin_lock_irq(&p->lock);
        if (bug == BUG_RECURSIVE_LOCK) {
            spin_lock(&p->lock); /* proof:K8 */
            bug = BUG_NONE;
        }
        while (p->raw_tail != p->raw_head) {
            u32 src = p->raw[p->raw_tail++ % RING];
            struct proof_record *r = &p->ready[p->ready_head % RING];

            if (p->ready_head - p->ready_tail == RING) {
                p->stats.dropped++;
                continue;
            }
            r->seq = ++p->seq;
            r->source = src;
            r->jiffies = (u32)jiffies;
            r->check = r->seq * 2654435761u ^ src;
            p->ready_head++;
        }
        p->stats.thread_runs++;
        spin_unlock_irq(&p->lock);
        schedule_work(&p->count_work);
        wake_up_interruptible(&p->read_wait);
    }
    return 0;
}

static void proof_count_work(struct work_struct *w)
{
    struct proof_dev *p = container_of(w, struct proof_dev, count_work);

    p->stats.work_runs++;
}

static bool proof_readable(struct proof_dev *p)
{
    return READ_ONCE(p->ready_head) != READ_ONCE(p->ready_tail);
}

static int proof_open(struct inode *inode, struct file *file)
{
    file->private_data = pdev;
    return 0;
}

static int proof_release(struct inode *inode, struct file *file)
{
    return 0;
}

static ssize_t proof_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
    struct proof_dev *p = file->private_data;
    struct proof_record rec;
    size_t done = 0;
    int ret;

    if (count < sizeof(rec))
        return -EINVAL;
    if (!(file->f_flags & O_NONBLOCK)) {
        ret = wait_event_interruptible(p->read_wait, proof_readable(p));
        if (ret)
            return ret;
    }
    while (done + sizeof(rec) <= count) {
        spin_lock_irq(&p->lock);
        if (!proof_readable(p)) {
            spin_unlock_irq(&p->lock);
            break;
        }
        rec = p->ready[p->ready_tail++ % RING];
        p->stats.reads++;
        spin_unlock_irq(&p->lock);
        if (bug == BUG_DOUBLE_UNLOCK) {
            spin_unlock(&p->lock); /* proof:K3 */
            bug = BUG_NONE;
        }
        if (copy_to_user(buf + done, &rec, sizeof(rec)))
            return done ? (ssize_t)done : -EFAULT;
        done += sizeof(rec);
    }
    return done ? (ssize_t)done : -EAGAIN;
}

static ssize_t proof_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
    struct proof_dev *p = file->private_data;
    char cmd[16];
    unsigned int ms;

    if (count >= sizeof(cmd))
        return -EINVAL;
    if (copy_from_user(cmd, buf, count))
        return -EFAULT;
    cmd[count] = '\0';
    if (kstrtouint(cmd, 10, &ms) || ms == 0)
        return -EINVAL;
    period_ms = ms;
    mod_timer(&p->timer, jiffies + msecs_to_jiffies(period_ms));
    return count;
}

static __poll_t proof_poll(struct file *file, poll_table *wait)
{
    struct proof_dev *p = file->private_data;

    poll_wait(file, &p->read_wait, wait);
    return proof_readable(p) ? POLLIN | POLLRDNORM : 0;
}

static long proof_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    struct proof_dev *p = file->private_data;
    struct proof_stats st;
    unsigned long flags;

    switch (cmd) {
    case PROOF_IOC_STATS:
        spin_lock_irqsave(&p->lock, flags);
        st = p->stats;
        spin_unlock_irqrestore(&p->lock, flags);
        if (copy_to_user((void __user *)arg, &st, sizeof(st)))
            return -EFAULT;
        return 0;
    default:
        return -ENOTTY;
    }
}

static const struct file_operations proof_fops = {
    .owner = THIS_MODULE,
    .open = proof_open,
    .release = proof_release,
    .read = proof_read,
    .write = proof_write,
    .poll = proof_poll,
    .unlocked_ioctl = proof_ioctl,
};

static struct miscdevice proof_misc = {
    .minor = MISC_DYNAMIC_MINOR,
    .name = "proof",
    .fops = &proof_fops,
};

static int __init proof_init(void)
{
    struct proof_dev *p;
    int ret;

    p = kzalloc(sizeof(*p), GFP_KERNEL);
    if (!p)
        return -ENOMEM;
    p->scratch = kmalloc(PROOF_SCRATCH, GFP_KERNEL); /* proof:K5 proof:K10 */
    if (!p->scratch) {
        ret = -ENOMEM;
        goto free_dev;
    }
    if (bug == BUG_OVERFLOW)
        memset(p->scratch, 0, PROOF_SCRATCH + 4);
    if (bug == BUG_IRQ_ENABLE && irq >= 0)
        enable_irq(irq); /* proof:K4-irq */
    spin_lock_init(&p->lock);
    init_waitqueue_head(&p->work_wait);
    init_waitqueue_head(&p->read_wait);
    init_completion(&p->thread_started);
    INIT_WORK(&p->count_work, proof_count_work);
    tasklet_init(&p->tasklet, proof_tasklet_fn, (unsigned long)p);
    timer_setup(&p->timer, proof_timer_fn, 0);
    pdev = p;

    p->thread = kthread_run(proof_thread, p, "proofd");
    if (IS_ERR(p->thread)) {
        ret = PTR_ERR(p->thread);
        goto free_scratch;
    }
    wait_for_completion(&p->thread_started);

    if (irq >= 0) {
        ret = request_irq(irq, proof_irq, 0, "proof", p);
        if (ret)
            goto stop_thread;
    }
    ret = misc_register(&proof_misc);
    if (ret)
        goto release_irq;
    mod_timer(&p->timer, jiffies + msecs_to_jiffies(period_ms));
    pr_info("ready: period %u ms, irq %d\n", period_ms, irq);
    return 0;

release_irq:
    if (irq >= 0)
        free_irq(irq, p);
stop_thread:
    kthread_stop(p->thread);
free_scratch:
    kfree(p->scratch);
free_dev:
    kfree(p);
    return ret;
}

static void __exit proof_exit(void)
{
    struct proof_dev *p = pdev;

    misc_deregister(&proof_misc);
    del_timer_sync(&p->timer);
    if (irq >= 0)
        free_irq(irq, p);
    tasklet_kill(&p->tasklet);
    kthread_stop(p->thread);
    cancel_work_sync(&p->count_work);
    pr_info("done: %llu ticks, %llu interrupts, %llu records read\n",
            (unsigned long long)p->stats.ticks, (unsigned long long)p->stats.interrupts,
            (unsigned long long)p->stats.reads);
    if (bug != BUG_LEAK)
        kfree(p->scratch); /* proof:K6 */
    if (bug == BUG_USE_AFTER_FREE)
        p->scratch[3] = 1;
    if (bug == BUG_DOUBLE_FREE)
        kfree(p->scratch); /* proof:K7 */
    kfree(p);
    pdev = NULL;
}

module_init(proof_init);
module_exit(proof_exit);
MODULE_DESCRIPTION("chansim kernel shim proof driver");
MODULE_LICENSE("GPL");
