#ifndef _LINUX_FS_H
#define _LINUX_FS_H
#include "kshim/types.h"
#include <linux/fcntl.h>
#include <linux/ioctl.h>
#include <linux/ktime.h>
#include <linux/wait.h>
#include <linux/poll.h>
struct inode;
struct file;
struct module;
struct poll_table_struct;
struct file_operations {
    struct module *owner;
    loff_t (*llseek)(struct file *f, loff_t off, int whence);
    ssize_t (*read)(struct file *f, char __user *buf, size_t n, loff_t *pos);
    ssize_t (*write)(struct file *f, const char __user *buf, size_t n, loff_t *pos);
    __poll_t (*poll)(struct file *f, struct poll_table_struct *pt);
    long (*unlocked_ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
    long (*compat_ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
    int (*mmap)(struct file *f, void *vma);
    int (*open)(struct inode *i, struct file *f);
    int (*flush)(struct file *f, void *id);
    int (*release)(struct inode *i, struct file *f);
    int (*fsync)(struct file *f, loff_t a, loff_t b, int datasync);
    int (*fasync)(int fd, struct file *f, int on);
};
struct inode {
    umode_t i_mode;
    dev_t i_rdev;
    struct timespec64 i_atime, i_mtime, i_ctime;
    void *i_private;
};
struct file {
    void *private_data;
    unsigned int f_flags;
    fmode_t f_mode;
    loff_t f_pos;
    const struct file_operations *f_op;
    struct inode *f_inode;
};
#define FMODE_READ  0x1
#define FMODE_WRITE 0x2
static inline struct inode *file_inode(const struct file *f)
{
    return f->f_inode;
}
static inline struct timespec64 current_time(struct inode *inode)
{
    (void)inode;
    struct timespec64 t;
    ktime_get_real_ts64(&t);
    return t;
}
#define mark_inode_dirty(i) ((void)(i))
#define iminor(i)           ((unsigned)((i)->i_rdev & 0xfffff))
#define imajor(i)           ((unsigned)((i)->i_rdev >> 20))
static inline int nonseekable_open(struct inode *i, struct file *f)
{
    (void)i;
    (void)f;
    return 0;
}
static inline loff_t noop_llseek(struct file *f, loff_t off, int whence)
{
    (void)whence;
    return f->f_pos = off;
}
#define no_llseek NULL
/* Copy from a kernel buffer of `available` bytes at *ppos to user space; advances *ppos. */
ssize_t ks_simple_read_from_buffer(void __user *to, size_t count, loff_t *ppos, const void *from,
                                   size_t available, const char *file, int line);
#define simple_read_from_buffer(to, count, ppos, from, available)                                  \
    ks_simple_read_from_buffer(to, count, ppos, from, available, __FILE__, __LINE__)
#endif
