/* Mediated devices: parents and their types, instances created and removed by UUID with the
 * available_instances count, removal refused while the instance's VFIO device is open, and
 * the sysfs-shaped tree (kshim/mdev.h). Driver probe and remove run in the kernel's context. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ks_vfio_internal.h"

/* Tree paths are built in PATH_MAX buffers; one that does not fit is cut and the file system
 * refuses it, which is all that can be done with it. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "kshim/mdev.h"
#include "kshim/vfio.h"
#include <linux/mdev.h>
#include <linux/vfio.h>

struct ks_mdev_core {
    struct list_head parents;
    char *sysfs; /* tree root, NULL: none */
};

static struct ks_mdev_core *mcore(struct ks_kernel *k)
{
    if (!k->mdev) {
        k->mdev = calloc(1, sizeof(*k->mdev));
        if (!k->mdev)
            abort();
        INIT_LIST_HEAD(&k->mdev->parents);
    }
    return k->mdev;
}

void ks_mdev_release(struct ks_kernel *k)
{
    if (k->mdev)
        free(k->mdev->sysfs);
    free(k->mdev);
    k->mdev = NULL;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

int guid_parse(const char *s, guid_t *g)
{
    static const int dash[] = {8, 13, 18, 23};
    if (!s || strlen(s) != UUID_STRING_LEN)
        return -EINVAL;
    int nb = 0;
    for (int i = 0; i < UUID_STRING_LEN;) {
        if (i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3]) {
            if (s[i] != '-')
                return -EINVAL;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -EINVAL;
        g->b[nb++] = (u8)(hi << 4 | lo);
        i += 2;
    }
    return 0;
}

/* As sysfs names the type's directory: the parent device's driver, then the type. */
static void type_id(const struct mdev_parent *p, const struct mdev_type *t, char *buf, size_t n)
{
    const struct device_driver *d = p->dev->driver;
    snprintf(buf, n, "%s-%s", d ? d->name : p->mdev_driver->driver.name, t->sysfs_name);
}

static unsigned available(struct mdev_parent *p, struct mdev_type *t)
{
    if (p->mdev_driver->get_available)
        return p->mdev_driver->get_available(t);
    return (unsigned)atomic_read(&p->available_instances);
}

/* ---- driver side ---------------------------------------------------------------------- */

int mdev_register_driver(struct mdev_driver *drv)
{
    return drv && drv->probe ? 0 : -EINVAL;
}

void mdev_unregister_driver(struct mdev_driver *drv)
{
    (void)drv;
}

static void sysfs_refresh(struct ks_kernel *k);

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
                         struct mdev_driver *mdev_driver, struct mdev_type **types,
                         unsigned int nr_types)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k || !dev || !mdev_driver || !types || !nr_types)
        return -EINVAL;
    parent->dev = dev;
    parent->mdev_driver = mdev_driver;
    parent->types = types;
    parent->nr_types = nr_types;
    atomic_set(&parent->available_instances, (int)mdev_driver->max_instances);
    for (unsigned i = 0; i < nr_types; i++) {
        types[i]->parent = parent;
        INIT_LIST_HEAD(&types[i]->ks_devices);
    }
    list_add_tail(&parent->ks_node, &mcore(k)->parents);
    sysfs_refresh(k);
    return 0;
}

static void remove_instance(struct ks_kernel *k, struct mdev_device *m);

void mdev_unregister_parent(struct mdev_parent *parent)
{
    struct ks_kernel *k = ks_current_kernel();
    for (unsigned i = 0; i < parent->nr_types; i++) {
        struct mdev_device *m, *t;
        list_for_each_entry_safe(m, t, &parent->types[i]->ks_devices, next) remove_instance(k, m);
    }
    list_del(&parent->ks_node);
    if (k)
        sysfs_refresh(k);
}

/* ---- management ----------------------------------------------------------------------- */

static struct mdev_parent *parent_named(struct ks_kernel *k, const char *name)
{
    struct mdev_parent *p;
    list_for_each_entry(p, &mcore(k)->parents,
                        ks_node) if (strcmp(dev_name(p->dev), name) == 0) return p;
    return NULL;
}

static struct mdev_type *type_named(struct mdev_parent *p, const char *id)
{
    char buf[128];
    for (unsigned i = 0; i < p->nr_types; i++) {
        type_id(p, p->types[i], buf, sizeof(buf));
        if (strcmp(buf, id) == 0)
            return p->types[i];
    }
    return NULL;
}

static struct mdev_device *instance_of(struct ks_kernel *k, const guid_t *g)
{
    struct mdev_parent *p;
    list_for_each_entry(p, &mcore(k)->parents, ks_node)
    {
        for (unsigned i = 0; i < p->nr_types; i++) {
            struct mdev_device *m;
            list_for_each_entry(m, &p->types[i]->ks_devices,
                                next) if (guid_equal(&m->uuid, g)) return m;
        }
    }
    return NULL;
}

size_t ks_mdev_count(struct ks_kernel *k)
{
    size_t n = 0;
    struct mdev_parent *p;
    list_for_each_entry(p, &mcore(k)->parents, ks_node)
    {
        for (unsigned i = 0; i < p->nr_types; i++) {
            struct mdev_device *m;
            list_for_each_entry(m, &p->types[i]->ks_devices, next) n++;
        }
    }
    return n;
}

int ks_mdev_available(struct ks_kernel *k, const char *parent, const char *type)
{
    struct mdev_parent *p = parent_named(k, parent);
    struct mdev_type *t = p ? type_named(p, type) : NULL;
    return t ? (int)available(p, t) : -1;
}

static int channel_of(struct mdev_parent *p)
{
    return ks_css_channel_of_dev(p->dev);
}

struct probe_call {
    struct mdev_device *m;
    int rc;
};

static void probe_in_kernel(void *arg)
{
    struct probe_call *c = arg;
    c->rc = c->m->type->parent->mdev_driver->probe(c->m);
}

int ks_mdev_create(struct ks_kernel *k, const char *parent, const char *type, const char *uuid,
                   cs_error *err)
{
    guid_t g;
    if (guid_parse(uuid, &g))
        return cs_error_set(err, "mdev create: '%s' is not a UUID (8-4-4-4-12 hex digits)",
                            uuid ? uuid : "(null)");
    struct mdev_parent *p = parent_named(k, parent);
    if (!p)
        return cs_error_set(err, "mdev create: no mdev parent device '%s'", parent);
    struct mdev_type *t = type_named(p, type);
    if (!t)
        return cs_error_set(err, "mdev create: parent %s has no type '%s'", parent, type);
    if (instance_of(k, &g))
        return cs_error_set(err, "mdev create: UUID %s is already in use", uuid);
    if (!available(p, t))
        return cs_error_set(err, "mdev create: no instances of %s left on %s", type, parent);
    struct mdev_device *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->uuid = g;
    m->type = t;
    device_initialize(&m->dev);
    m->dev.parent = p->dev;
    dev_set_name(&m->dev, "%s", uuid);
    atomic_dec(&p->available_instances);
    struct probe_call c = {m, 0};
    ks_run_in_kernel(k, "mdev-create", probe_in_kernel, &c);
    if (c.rc) {
        atomic_inc(&p->available_instances);
        free(m);
        return cs_error_set(err, "mdev create: %s: the driver's probe failed (errno %d)", uuid,
                            -c.rc);
    }
    m->active = true;
    list_add_tail(&m->next, &t->ks_devices);
    ks_vfio_mdev_event(k, channel_of(p), &g, KS_MDEV_CREATE);
    sysfs_refresh(k);
    return 0;
}

static void remove_in_kernel(void *arg)
{
    struct mdev_device *m = arg;
    m->type->parent->mdev_driver->remove(m);
}

static void remove_instance(struct ks_kernel *k, struct mdev_device *m)
{
    struct mdev_parent *p = m->type->parent;
    list_del(&m->next);
    if (p->mdev_driver->remove)
        ks_run_in_kernel(k, "mdev-remove", remove_in_kernel, m);
    atomic_inc(&p->available_instances);
    ks_vfio_mdev_event(k, channel_of(p), &m->uuid, KS_MDEV_REMOVE);
    free(m);
}

int ks_mdev_remove(struct ks_kernel *k, const char *uuid, cs_error *err)
{
    guid_t g;
    if (guid_parse(uuid, &g))
        return cs_error_set(err, "mdev remove: '%s' is not a UUID", uuid ? uuid : "(null)");
    struct mdev_device *m = instance_of(k, &g);
    if (!m)
        return cs_error_set(err, "mdev remove: no mediated device %s", uuid);
    if (m->ks_open)
        return cs_error_set(err, "mdev remove: %s is in use (its VFIO device is open %d time%s)",
                            uuid, m->ks_open, m->ks_open == 1 ? "" : "s");
    remove_instance(k, m);
    sysfs_refresh(k);
    return 0;
}

/* ---- the sysfs-shaped tree ------------------------------------------------------------ */

static int mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *s = buf + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            if (mkdir(buf, 0755) && errno != EEXIST)
                return -1;
            *s = '/';
        }
    }
    return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void put_link(const char *target, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
    if (symlink(target, path)) {
        /* a tree on a file system without links still says where the target is */
        put_file(dir, name, target);
    }
}

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st))
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[4096];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void sysfs_refresh(struct ks_kernel *k)
{
    struct ks_mdev_core *c = mcore(k);
    if (!c->sysfs)
        return;
    char devices[4096], bus[4096];
    snprintf(devices, sizeof(devices), "%s/devices", c->sysfs);
    snprintf(bus, sizeof(bus), "%s/bus/mdev/devices", c->sysfs);
    rm_tree(devices);
    rm_tree(bus);
    mkdirs(devices);
    mkdirs(bus);
    struct mdev_parent *p;
    list_for_each_entry(p, &c->parents, ks_node)
    {
        char pdir[4096];
        snprintf(pdir, sizeof(pdir), "%s/%s", devices, dev_name(p->dev));
        for (unsigned i = 0; i < p->nr_types; i++) {
            struct mdev_type *t = p->types[i];
            char id[128], tdir[4096], ddir[4096], text[256];
            type_id(p, t, id, sizeof(id));
            snprintf(tdir, sizeof(tdir), "%s/mdev_supported_types/%s", pdir, id);
            snprintf(ddir, sizeof(ddir), "%s/devices", tdir);
            mkdirs(ddir);
            snprintf(text, sizeof(text), "%s\n", t->pretty_name ? t->pretty_name : t->sysfs_name);
            put_file(tdir, "name", text);
            snprintf(text, sizeof(text), "%u\n", available(p, t));
            put_file(tdir, "available_instances", text);
            snprintf(text, sizeof(text), "%s\n", p->mdev_driver->device_api);
            put_file(tdir, "device_api", text);
            text[0] = 0;
            if (p->mdev_driver->show_description)
                p->mdev_driver->show_description(t, text);
            put_file(tdir, "description", text);
            put_file(tdir, "create", "");
            struct mdev_device *m;
            list_for_each_entry(m, &t->ks_devices, next)
            {
                const char *u = dev_name(&m->dev);
                char mdir[4096], target[4096];
                snprintf(mdir, sizeof(mdir), "%s/%s", pdir, u);
                mkdirs(mdir);
                put_file(mdir, "remove", "");
                snprintf(text, sizeof(text), "%s\n", u);
                put_file(mdir, "uuid", text);
                snprintf(target, sizeof(target), "../mdev_supported_types/%s", id);
                put_link(target, mdir, "mdev_type");
                snprintf(target, sizeof(target), "../../../%s", u);
                put_link(target, ddir, u);
                snprintf(target, sizeof(target), "../../../devices/%s/%s", dev_name(p->dev), u);
                put_link(target, bus, u);
            }
        }
    }
}

int ks_mdev_sysfs_attach(struct ks_kernel *k, const char *dir, cs_error *err)
{
    struct ks_mdev_core *c = mcore(k);
    free(c->sysfs);
    c->sysfs = NULL;
    if (!dir)
        return 0;
    if (mkdirs(dir))
        return cs_error_set(err, "mdev tree: cannot create %s: %s", dir, strerror(errno));
    c->sysfs = strdup(dir);
    if (!c->sysfs)
        abort();
    sysfs_refresh(k);
    return 0;
}

/* The first line of a file, without its newline; empty when missing. */
static void read_line(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (!fgets(buf, (int)n, f))
        buf[0] = 0;
    fclose(f);
    buf[strcspn(buf, "\r\n")] = 0;
}

int ks_mdev_sysfs_apply(struct ks_kernel *k, cs_error *err)
{
    struct ks_mdev_core *c = mcore(k);
    if (!c->sysfs)
        return cs_error_set(err, "mdev tree: no tree attached to kernel %s", k->name);
    int rc = 0;
    char first[512] = "";
    /* gather the requests first: acting on one rewrites the tree */
    struct req {
        char parent[64], type[128], uuid[64];
        int remove;
    } reqs[64];
    int nreq = 0;
    struct mdev_parent *p;
    list_for_each_entry(p, &c->parents, ks_node)
    {
        for (unsigned i = 0; i < p->nr_types && nreq < 64; i++) {
            struct mdev_type *t = p->types[i];
            char id[128], path[4096], line[128];
            type_id(p, t, id, sizeof(id));
            snprintf(path, sizeof(path), "%s/devices/%s/mdev_supported_types/%s/create", c->sysfs,
                     dev_name(p->dev), id);
            read_line(path, line, sizeof(line));
            if (line[0]) {
                struct req *r = &reqs[nreq++];
                snprintf(r->parent, sizeof(r->parent), "%s", dev_name(p->dev));
                snprintf(r->type, sizeof(r->type), "%s", id);
                snprintf(r->uuid, sizeof(r->uuid), "%s", line);
                r->remove = 0;
            }
            struct mdev_device *m;
            list_for_each_entry(m, &t->ks_devices, next)
            {
                snprintf(path, sizeof(path), "%s/devices/%s/%s/remove", c->sysfs, dev_name(p->dev),
                         dev_name(&m->dev));
                read_line(path, line, sizeof(line));
                if (line[0] && nreq < 64) {
                    struct req *r = &reqs[nreq++];
                    snprintf(r->uuid, sizeof(r->uuid), "%s", dev_name(&m->dev));
                    r->remove = 1;
                    if (strcmp(line, "1") != 0) {
                        r->remove = -1;
                        snprintf(r->type, sizeof(r->type), "%.100s", line);
                        snprintf(r->parent, sizeof(r->parent), "%s", dev_name(p->dev));
                    }
                }
            }
        }
    }
    for (int i = 0; i < nreq; i++) {
        cs_error e = {0};
        int r;
        if (reqs[i].remove < 0)
            r = cs_error_set(&e, "devices/%s/%s/remove: write 1 to remove, not '%s'",
                             reqs[i].parent, reqs[i].uuid, reqs[i].type);
        else if (reqs[i].remove)
            r = ks_mdev_remove(k, reqs[i].uuid, &e);
        else
            r = ks_mdev_create(k, reqs[i].parent, reqs[i].type, reqs[i].uuid, &e);
        if (r && !rc) {
            rc = -1;
            snprintf(first, sizeof(first), "%s", e.msg);
        }
    }
    sysfs_refresh(k);
    return rc ? cs_error_set(err, "%s", first) : 0;
}
