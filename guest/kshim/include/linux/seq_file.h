#ifndef _LINUX_SEQ_FILE_H
#define _LINUX_SEQ_FILE_H
#include "kshim/types.h"
#include <linux/fs.h>
/* seq_file for single_open users: show() fills a buffer that read() then copies out. */
struct seq_file {
    char *buf;
    size_t size, count;
    loff_t index;
    void *private;
    int (*show)(struct seq_file *m, void *v);
};
void seq_printf(struct seq_file *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void seq_puts(struct seq_file *m, const char *s);
int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data);
int single_release(struct inode *inode, struct file *file);
ssize_t seq_read(struct file *file, char __user *buf, size_t n, loff_t *pos);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);
#define DEFINE_SHOW_ATTRIBUTE(__name)                                                              \
    static int __name##_open(struct inode *inode, struct file *file)                               \
    {                                                                                              \
        return single_open(file, __name##_show, inode->i_private);                                 \
    }                                                                                              \
    static const struct file_operations __name##_fops = {                                          \
        .open = __name##_open, .read = seq_read, .llseek = seq_lseek, .release = single_release}
#endif
