#ifndef _LINUX_DEBUGFS_H
#define _LINUX_DEBUGFS_H
#include "kshim/types.h"
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
/* debugfs as a kernel built without it: creation fails with -ENODEV, which drivers ignore. */
struct dentry;
static inline struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
    (void)name;
    (void)parent;
    return ERR_PTR(-ENODEV);
}
static inline struct dentry *debugfs_create_file(const char *name, umode_t mode,
                                                 struct dentry *parent, void *data,
                                                 const struct file_operations *fops)
{
    (void)name;
    (void)mode;
    (void)parent;
    (void)data;
    (void)fops;
    return ERR_PTR(-ENODEV);
}
static inline void debugfs_remove(struct dentry *d)
{
    (void)d;
}
#define debugfs_remove_recursive debugfs_remove
#endif
