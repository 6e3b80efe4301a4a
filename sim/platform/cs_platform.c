/* Platform loading through libvirt. See cs_platform.h for what a platform is and
 * docs/platform.md for the element mapping. */
#include "cs_platform.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cs_xml.h"

/* libvirt prints every error to stderr unless a handler is set; chansim reports errors itself. */
static void quiet_libvirt(void *opaque, virErrorPtr error)
{
    (void)opaque;
    (void)error;
}

/* libvirt's messages can span lines (schema validation); fold them into one line. */
static const char *libvirt_message(char *buf, size_t len)
{
    const char *m = virGetLastErrorMessage();
    snprintf(buf, len, "%s", m ? m : "unknown libvirt error");
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = (p[1] ? ';' : '\0');
    return buf;
}

static char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        abort(); /* out of host memory: nothing sensible to report */
    return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

/* A throw-away test-driver node file (validation connection, or the wrapper that lets a
 * plain <domain> file be opened as test:///). The driver reads it fully at open, so the
 * file is removed right after. */
static int temp_node_file(const char *body, char *path, size_t len, cs_error *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, len, "%s/chansim-platform-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return cs_error_errno(err, errno, "%s: cannot create temporary file", path);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return cs_error_errno(err, errno, "%s: fdopen", path);
    }
    int ok = fputs(body, f) >= 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        unlink(path);
        return cs_error_errno(err, errno, "%s: cannot write", path);
    }
    return 0;
}

static virConnectPtr open_test_node(const char *node_body, cs_error *err)
{
    char path[PATH_MAX];
    if (temp_node_file(node_body, path, sizeof(path), err) < 0)
        return NULL;
    char uri[PATH_MAX + 16];
    snprintf(uri, sizeof(uri), "test://%s", path);
    virConnectPtr c = virConnectOpen(uri);
    unlink(path);
    if (!c) {
        char m[CS_ERROR_MAX];
        cs_error_set(err, "libvirt test driver: %s", libvirt_message(m, sizeof(m)));
    }
    return c;
}

/* ---- descriptors ---------------------------------------------------------------------- */

static void device_free(struct cs_device_desc *d)
{
    free(d->element);
    free(d->type);
    free(d->model);
    for (size_t i = 0; i < d->nattrs; i++) {
        free(d->attrs[i].name);
        free(d->attrs[i].value);
    }
    free(d->attrs);
    free(d->where);
}

static void domain_free(struct cs_domain_desc *d)
{
    free(d->name);
    free(d->arch);
    free(d->machine);
    for (size_t i = 0; i < d->ndevices; i++)
        device_free(&d->devices[i]);
    free(d->devices);
    for (size_t i = 0; i < d->ncosts; i++) {
        free(d->costs[i].op);
        free(d->costs[i].where);
    }
    free(d->costs);
    free(d->where);
}

void cs_platform_free(struct cs_platform *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ndomains; i++)
        domain_free(&p->domains[i]);
    free(p->domains);
    free(p->source);
    free(p->uri);
    free(p);
}

/* Two FNV-1a lanes with different offsets: a stable digest, not a cryptographic one. */
struct digest {
    uint64_t a, b;
};

static void dg_bytes(struct digest *d, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        d->a = (d->a ^ b[i]) * 0x100000001b3ULL;
        d->b = (d->b ^ b[i]) * 0x100000001b3ULL;
    }
}

static void dg_str(struct digest *d, const char *s)
{
    dg_bytes(d, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void dg_u64(struct digest *d, uint64_t v)
{
    dg_bytes(d, &v, sizeof(v));
}

void cs_platform_fingerprint(const struct cs_platform *p, uint8_t uuid[16])
{
    struct digest d = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    dg_u64(&d, p->clock_hz);
    for (size_t i = 0; i < p->ndomains; i++) {
        const struct cs_domain_desc *dom = &p->domains[i];
        dg_str(&d, dom->name);
        dg_str(&d, dom->arch);
        dg_str(&d, dom->machine);
        dg_u64(&d, dom->memory_bytes);
        dg_u64(&d, dom->vcpus);
        for (size_t j = 0; j < dom->ndevices; j++) {
            const struct cs_device_desc *dev = &dom->devices[j];
            dg_str(&d, dev->element);
            dg_u64(&d, dev->bus);
            dg_bytes(&d, &dev->addr, sizeof(dev->addr));
            for (size_t k = 0; k < dev->nattrs; k++) {
                dg_str(&d, dev->attrs[k].name);
                dg_str(&d, dev->attrs[k].value);
            }
        }
        for (size_t j = 0; j < dom->ncosts; j++) {
            dg_str(&d, dom->costs[j].op);
            dg_u64(&d, dom->costs[j].cycles);
        }
    }
    for (int i = 0; i < 8; i++) {
        uuid[i] = (uint8_t)(d.a >> (56 - 8 * i));
        uuid[8 + i] = (uint8_t)(d.b >> (56 - 8 * i));
    }
    uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x80); /* version 8: custom */
    uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80); /* RFC variant */
}

const char *cs_device_attr(const struct cs_device_desc *d, const char *name)
{
    for (size_t i = 0; i < d->nattrs; i++)
        if (strcmp(d->attrs[i].name, name) == 0)
            return d->attrs[i].value;
    return NULL;
}

int cs_device_attr_u64(const struct cs_device_desc *d, const char *name, uint64_t def, uint64_t min,
                       uint64_t max, uint64_t *out, cs_error *err)
{
    const char *v = d ? cs_device_attr(d, name) : NULL;
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (!*v || *end || *v == '-' || errno || x < min || x > max)
        return cs_error_set(err, "%s: attribute %s='%s' is not a number in [%llu, %llu]", d->where,
                            name, v, (unsigned long long)min, (unsigned long long)max);
    *out = x;
    return 0;
}

const char *cs_bus_name(enum cs_bus bus)
{
    switch (bus) {
    case CS_BUS_SPAPR_VIO:
        return "spapr-vio";
    case CS_BUS_CCW:
        return "ccw";
    case CS_BUS_SPAR:
        return "s-par";
    case CS_BUS_NONE:
        break;
    }
    return "none";
}

static void add_attr(struct cs_device_desc *d, const char *name, const char *value)
{
    d->attrs = realloc(d->attrs, (d->nattrs + 1) * sizeof(*d->attrs));
    if (!d->attrs)
        abort();
    d->attrs[d->nattrs].name = xstrdup(name);
    d->attrs[d->nattrs].value = xstrdup(value);
    d->nattrs++;
}

static void copy_attrs(struct cs_device_desc *d, xmlNode *n)
{
    for (xmlAttr *a = n->properties; a; a = a->next) {
        char *v = (char *)xmlNodeListGetString(n->doc, a->children, 1);
        add_attr(d, (const char *)a->name, v ? v : "");
        xmlFree(v);
    }
}

static struct cs_device_desc *new_device(struct cs_domain_desc *dom)
{
    dom->devices = realloc(dom->devices, (dom->ndevices + 1) * sizeof(*dom->devices));
    if (!dom->devices)
        abort();
    struct cs_device_desc *d = &dom->devices[dom->ndevices++];
    memset(d, 0, sizeof(*d));
    return d;
}

/* ---- mapping a domain's XML ----------------------------------------------------------- */

struct map_ctx {
    const char *file; /* for messages */
    struct cs_platform *plat;
    struct cs_domain_desc *dom;
    cs_error *err;
};

static char *where_of(struct map_ctx *m, xmlNode *n)
{
    return xasprintf("%s:%ld: domain '%s': <%s>", m->file, cs_xml_line(n), m->dom->name,
                     (const char *)n->name);
}

static int bad(struct map_ctx *m, xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct map_ctx *m, xmlNode *n, const char *fmt, ...)
{
    char reason[CS_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    char *w = where_of(m, n);
    cs_error_set(m->err, "%s: %s", w, reason);
    free(w);
    return -1;
}

static int map_address(struct map_ctx *m, struct cs_device_desc *d, xmlNode *addr)
{
    cs_xml_str type = cs_xml_attr(addr, "type");
    int rc = 0;
    if (!type.s) {
        rc = bad(m, addr, "address without type");
    } else if (strcmp(type.s, "spapr-vio") == 0) {
        uint64_t reg;
        if (cs_xml_attr_u64(addr, "reg", 0, UINT32_MAX, &reg, m->err) < 0)
            rc = bad(m, addr, "%s", m->err->msg);
        d->bus = CS_BUS_SPAPR_VIO;
        d->addr.vio.reg = (uint32_t)reg;
    } else if (strcmp(type.s, "ccw") == 0) {
        uint64_t cssid, ssid, devno;
        if (cs_xml_attr_u64(addr, "cssid", 0, 0xff, &cssid, m->err) < 0 ||
            cs_xml_attr_u64(addr, "ssid", 0, 3, &ssid, m->err) < 0 ||
            cs_xml_attr_u64(addr, "devno", 0, 0xffff, &devno, m->err) < 0)
            rc = bad(m, addr, "%s", m->err->msg);
        d->bus = CS_BUS_CCW;
        d->addr.ccw.cssid = (uint8_t)cssid;
        d->addr.ccw.ssid = (uint8_t)ssid;
        d->addr.ccw.devno = (uint16_t)devno;
    } else {
        rc = bad(m, addr, "address type '%s' is not one chansim models (spapr-vio, ccw)", type.s);
    }
    cs_xml_str_free(&type);
    return rc;
}

/* A libvirt device element: take type/model and the bus address; the registry decides later
 * whether a family models it, so that the message can list what is modelled. */
static int map_device(struct map_ctx *m, xmlNode *n)
{
    struct cs_device_desc *d = new_device(m->dom);
    d->element = xstrdup((const char *)n->name);
    d->where = where_of(m, n);
    copy_attrs(d, n);
    d->type = xstrdup(cs_device_attr(d, "type"));
    d->model = xstrdup(cs_device_attr(d, "model"));
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (cs_xml_is(c, "address")) {
            if (map_address(m, d, c) < 0)
                return -1;
        } else if (cs_xml_is(c, "model") && !d->model) {
            cs_xml_str t = cs_xml_attr(c, "type");
            d->model = xstrdup(t.s);
            cs_xml_str_free(&t);
        } else if (cs_xml_is(c, "source")) {
            /* mdev hostdevs name their mediated device by UUID: <source><address uuid=/> */
            for (xmlNode *s = c->children; s; s = s->next) {
                if (s->type == XML_ELEMENT_NODE && cs_xml_is(s, "address")) {
                    cs_xml_str u = cs_xml_attr(s, "uuid");
                    if (u.s)
                        add_attr(d, "uuid", u.s);
                    cs_xml_str_free(&u);
                }
            }
        }
    }
    return 0;
}

static int map_timing(struct map_ctx *m, xmlNode *t)
{
    cs_xml_str hz = cs_xml_attr(t, "clock-hz");
    if (hz.s) {
        uint64_t v;
        int rc = cs_xml_attr_u64(t, "clock-hz", 1000, 100000000000ULL, &v, m->err);
        cs_xml_str_free(&hz);
        if (rc < 0)
            return bad(m, t, "%s", m->err->msg);
        if (m->plat->clock_hz && m->plat->clock_hz != v)
            return bad(m, t,
                       "clock-hz %" PRIu64 " disagrees with %" PRIu64
                       " set by another domain; the platform has one cycle clock",
                       v, m->plat->clock_hz);
        m->plat->clock_hz = v;
    }
    for (xmlNode *c = t->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!cs_xml_is(c, "cost"))
            return bad(m, c, "unknown element in <timing> (expected <cost op= cycles=>)");
        cs_xml_str op = cs_xml_attr(c, "op");
        uint64_t cycles;
        if (!op.s || !*op.s) {
            cs_xml_str_free(&op);
            return bad(m, c, "missing attribute 'op'");
        }
        if (cs_xml_attr_u64(c, "cycles", 0, UINT64_MAX / 2, &cycles, m->err) < 0) {
            cs_xml_str_free(&op);
            return bad(m, c, "%s", m->err->msg);
        }
        struct cs_domain_desc *dom = m->dom;
        dom->costs = realloc(dom->costs, (dom->ncosts + 1) * sizeof(*dom->costs));
        if (!dom->costs)
            abort();
        dom->costs[dom->ncosts].op = xstrdup(op.s);
        dom->costs[dom->ncosts].cycles = cycles;
        dom->costs[dom->ncosts].where = where_of(m, c);
        dom->ncosts++;
        cs_xml_str_free(&op);
    }
    return 0;
}

/* chansim metadata devices: what libvirt has no element for. <vio model= reg=/> is a PAPR
 * VIO device on the spapr-vio bus; <spar-device type= bus= dev=/> an s-Par channel;
 * <dasd mdev=UUID/> the host-side DASD behind a vfio-ccw mediated device (no bus: it is found
 * through the <hostdev> that names the same UUID). */
static int map_meta_device(struct map_ctx *m, xmlNode *n, enum cs_bus bus)
{
    struct cs_device_desc *d = new_device(m->dom);
    d->element = xasprintf("chansim:%s", (const char *)n->name);
    d->where = where_of(m, n);
    d->bus = bus;
    copy_attrs(d, n);
    d->type = xstrdup(cs_device_attr(d, "type"));
    d->model = xstrdup(cs_device_attr(d, "model"));
    uint64_t a, b;
    if (bus == CS_BUS_NONE) {
        if (!cs_device_attr(d, "mdev"))
            return bad(m, n, "missing attribute 'mdev' (the UUID of the vfio-ccw hostdev)");
    } else if (bus == CS_BUS_SPAPR_VIO) {
        if (!d->model)
            return bad(m, n, "missing attribute 'model'");
        if (cs_xml_attr_u64(n, "reg", 0, UINT32_MAX, &a, m->err) < 0)
            return bad(m, n, "%s", m->err->msg);
        d->addr.vio.reg = (uint32_t)a;
    } else {
        if (!d->type)
            return bad(m, n, "missing attribute 'type'");
        if (cs_xml_attr_u64(n, "bus", 0, UINT32_MAX, &a, m->err) < 0 ||
            cs_xml_attr_u64(n, "dev", 0, UINT32_MAX, &b, m->err) < 0)
            return bad(m, n, "%s", m->err->msg);
        d->addr.spar.bus_no = (uint32_t)a;
        d->addr.spar.dev_no = (uint32_t)b;
    }
    return 0;
}

static int map_metadata(struct map_ctx *m, xmlNode *meta)
{
    for (xmlNode *p = meta->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE)
            continue;
        /* Other software's metadata lives in other namespaces; leave it alone. */
        if (p->ns && (!p->ns->href || strcmp((const char *)p->ns->href, CS_PLATFORM_NS) != 0))
            continue;
        if (!cs_xml_is(p, "platform"))
            return bad(m, p, "unknown chansim metadata element (expected <platform>)");
        for (xmlNode *c = p->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            int rc;
            if (cs_xml_is(c, "timing"))
                rc = map_timing(m, c);
            else if (cs_xml_is(c, "vio"))
                rc = map_meta_device(m, c, CS_BUS_SPAPR_VIO);
            else if (cs_xml_is(c, "spar-device"))
                rc = map_meta_device(m, c, CS_BUS_SPAR);
            else if (cs_xml_is(c, "dasd"))
                rc = map_meta_device(m, c, CS_BUS_NONE);
            else
                rc = bad(m, c,
                         "unknown element in chansim metadata (expected timing, vio, "
                         "spar-device, dasd)");
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

static int map_domain(struct map_ctx *m, xmlNode *dom)
{
    for (xmlNode *c = dom->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (cs_xml_is(c, "devices")) {
            for (xmlNode *d = c->children; d; d = d->next) {
                if (d->type != XML_ELEMENT_NODE || cs_xml_is(d, "emulator"))
                    continue;
                if (map_device(m, d) < 0)
                    return -1;
            }
        } else if (cs_xml_is(c, "metadata")) {
            if (map_metadata(m, c) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- the source file ------------------------------------------------------------------ */

/* Domain elements of the source file by name, following <domain file='...'/> references of
 * test-driver node files, so messages carry the line where the user wrote the element. */
struct src_domain {
    char *name;
    char *file;
    xmlDoc *doc; /* owned when the domain came from a referenced file */
    xmlNode *node;
};

struct src {
    xmlDoc *doc;
    struct src_domain *doms;
    size_t n;
};

static void src_free(struct src *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->doms[i].name);
        free(s->doms[i].file);
        if (s->doms[i].doc)
            xmlFreeDoc(s->doms[i].doc);
    }
    free(s->doms);
    if (s->doc)
        xmlFreeDoc(s->doc);
    memset(s, 0, sizeof(*s));
}

static int src_add(struct src *s, const char *file, xmlDoc *own, xmlNode *dom, cs_error *err)
{
    char *name = cs_xml_child_text(dom, "name");
    if (!name || !*name) {
        free(name);
        return cs_error_set(err, "%s:%ld: <domain> without <name>", file, cs_xml_line(dom));
    }
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->doms[i].name, name) == 0) {
            cs_error_set(err, "%s:%ld: domain '%s' is defined twice (first at %s:%ld)", file,
                         cs_xml_line(dom), name, s->doms[i].file, cs_xml_line(s->doms[i].node));
            free(name);
            return -1;
        }
    }
    s->doms = realloc(s->doms, (s->n + 1) * sizeof(*s->doms));
    if (!s->doms)
        abort();
    s->doms[s->n++] = (struct src_domain){name, xstrdup(file), own, dom};
    return 0;
}

static int src_load(struct src *s, const char *path, cs_error *err)
{
    if (cs_xml_read_file(path, &s->doc, err) < 0)
        return -1;
    xmlNode *root = xmlDocGetRootElement(s->doc);
    if (cs_xml_is(root, "domain"))
        return src_add(s, path, NULL, root, err);
    if (!cs_xml_is(root, "node"))
        return cs_error_set(err,
                            "%s:%ld: root element <%s> is neither <domain> nor a libvirt "
                            "test-driver <node>",
                            path, cs_xml_line(root), (const char *)root->name);
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !cs_xml_is(c, "domain"))
            continue;
        cs_xml_str ref = cs_xml_attr(c, "file");
        if (!ref.s) {
            if (src_add(s, path, NULL, c, err) < 0)
                return -1;
            continue;
        }
        /* The test driver resolves relative references against the node file's folder. */
        char *rpath;
        if (ref.s[0] == '/') {
            rpath = xstrdup(ref.s);
        } else {
            const char *slash = strrchr(path, '/');
            rpath = slash ? xasprintf("%.*s/%s", (int)(slash - path), path, ref.s) : xstrdup(ref.s);
        }
        cs_xml_str_free(&ref);
        xmlDoc *d = NULL;
        int rc = cs_xml_read_file(rpath, &d, err);
        if (rc == 0 && !cs_xml_is(xmlDocGetRootElement(d), "domain"))
            rc = cs_error_set(err, "%s: referenced from %s:%ld is not a <domain> file", rpath, path,
                              cs_xml_line(c));
        if (rc == 0)
            rc = src_add(s, rpath, d, xmlDocGetRootElement(d), err);
        else if (d)
            xmlFreeDoc(d);
        free(rpath);
        if (rc < 0)
            return -1;
    }
    if (s->n == 0)
        return cs_error_set(err, "%s: the platform defines no <domain>", path);
    return 0;
}

static int map_domain(struct map_ctx *m, xmlNode *dom);

/* Map a source domain into scratch descriptors only to find chansim's own complaint. */
static int precise_reason(const struct src_domain *sd, cs_error *err)
{
    struct cs_platform scratch_p = {0};
    struct cs_domain_desc scratch_d = {0};
    scratch_d.name = sd->name;
    struct map_ctx m = {sd->file, &scratch_p, &scratch_d, err};
    int rc = map_domain(&m, sd->node);
    scratch_d.name = NULL;
    domain_free(&scratch_d);
    return rc;
}

/* libvirt's schema check, which the test driver's node loader skips: a domain that libvirt
 * would not define is not a platform. */
static int validate_domains(struct src *s, cs_error *err)
{
    virConnectPtr v = open_test_node("<node/>\n", err);
    if (!v)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        xmlBuffer *buf = xmlBufferCreate();
        xmlNodeDump(buf, s->doms[i].node->doc, s->doms[i].node, 0, 0);
        virDomainPtr d = virDomainDefineXMLFlags(v, (const char *)xmlBufferContent(buf),
                                                 VIR_DOMAIN_DEFINE_VALIDATE);
        xmlBufferFree(buf);
        if (!d) {
            char msg[CS_ERROR_MAX / 2];
            libvirt_message(msg, sizeof(msg));
            /* libvirt's schema errors seldom say which element; chansim's own mapping of the
             * same domain often can, so it goes first when it finds something. */
            cs_error mine = {0};
            if (precise_reason(&s->doms[i], &mine) < 0)
                rc = cs_error_set(err, "%s; libvirt rejects the domain too: %s", mine.msg, msg);
            else
                rc = cs_error_set(err, "%s:%ld: domain '%s': libvirt rejects it: %s",
                                  s->doms[i].file, cs_xml_line(s->doms[i].node), s->doms[i].name,
                                  msg);
        } else {
            virDomainUndefine(d);
            virDomainFree(d);
        }
    }
    virConnectClose(v);
    return rc;
}

/* ---- loading -------------------------------------------------------------------------- */

static int load_domain(struct cs_platform *p, virDomainPtr vd, struct src *s, cs_error *err)
{
    const char *name = virDomainGetName(vd);
    virDomainInfo info;
    char msg[CS_ERROR_MAX / 2];
    if (virDomainGetInfo(vd, &info) < 0)
        return cs_error_set(err, "%s: domain '%s': %s", p->source, name,
                            libvirt_message(msg, sizeof(msg)));

    struct cs_domain_desc *dom = &p->domains[p->ndomains++];
    dom->name = xstrdup(name);
    dom->memory_bytes = (uint64_t)info.maxMem * 1024;
    dom->vcpus = info.nrVirtCpu;

    /* Source element: the user's file when there is one, else libvirt's own description. */
    xmlDoc *own = NULL;
    xmlNode *node = NULL;
    const char *file = p->source;
    for (size_t i = 0; s && i < s->n; i++) {
        if (strcmp(s->doms[i].name, name) == 0) {
            node = s->doms[i].node;
            file = s->doms[i].file;
        }
    }
    if (!node) {
        char *xml = virDomainGetXMLDesc(vd, 0);
        if (!xml)
            return cs_error_set(err, "%s: domain '%s': %s", p->source, name,
                                libvirt_message(msg, sizeof(msg)));
        int rc = cs_xml_read_memory(xml, p->uri, &own, err);
        free(xml);
        if (rc < 0)
            return -1;
        node = xmlDocGetRootElement(own);
    }
    struct map_ctx m = {file, p, dom, err};
    dom->where = xasprintf("%s:%ld: domain '%s'", file, cs_xml_line(node), name);
    int rc = 0;
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && cs_xml_is(c, "os")) {
            for (xmlNode *t = c->children; t; t = t->next) {
                if (t->type == XML_ELEMENT_NODE && cs_xml_is(t, "type")) {
                    cs_xml_str a = cs_xml_attr(t, "arch"), mach = cs_xml_attr(t, "machine");
                    dom->arch = xstrdup(a.s);
                    dom->machine = xstrdup(mach.s);
                    cs_xml_str_free(&a);
                    cs_xml_str_free(&mach);
                }
            }
        }
    }
    if (!dom->arch)
        rc = cs_error_set(err, "%s: no <os><type arch=...> (chansim needs the architecture)",
                          dom->where);
    if (rc == 0)
        rc = map_domain(&m, node);
    if (own)
        xmlFreeDoc(own);
    return rc;
}

static int cmp_domain(const void *a, const void *b)
{
    return strcmp(virDomainGetName(*(virDomainPtr const *)a),
                  virDomainGetName(*(virDomainPtr const *)b));
}

int cs_platform_load(const char *path, const char *uri, struct cs_platform **out, cs_error *err)
{
    *out = NULL;
    virSetErrorFunc(NULL, quiet_libvirt);
    cs_xml_init();

    struct cs_platform *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    struct src s = {0};
    virConnectPtr conn = NULL;
    virDomainPtr *vds = NULL;
    int nvd = 0;
    int rc = -1;

    if (path) {
        char abs[PATH_MAX];
        if (!realpath(path, abs)) {
            cs_error_errno(err, errno, "%s: cannot open platform file", path);
            goto out;
        }
        p->source = xstrdup(path);
        if (src_load(&s, path, err) < 0 || validate_domains(&s, err) < 0)
            goto out;
        if (uri) {
            p->uri = xstrdup(uri);
        } else if (cs_xml_is(xmlDocGetRootElement(s.doc), "node")) {
            p->uri = xasprintf("test://%s", abs);
        }
    } else {
        p->source = xstrdup(uri);
        p->uri = xstrdup(uri);
    }

    if (p->uri) {
        conn = virConnectOpen(p->uri);
        if (!conn) {
            char msg[CS_ERROR_MAX / 2];
            cs_error_set(err, "%s: libvirt cannot open '%s': %s", p->source, p->uri,
                         libvirt_message(msg, sizeof(msg)));
            goto out;
        }
    } else {
        /* A plain <domain> file: give the test driver a node file that refers to it. */
        char abs[PATH_MAX];
        if (!realpath(path, abs)) {
            cs_error_errno(err, errno, "%s", path);
            goto out;
        }
        char *body = xasprintf("<node>\n  <domain file='%s'/>\n</node>\n", abs);
        p->uri = xasprintf("test://%s (wrapped)", abs);
        conn = open_test_node(body, err);
        free(body);
        if (!conn) {
            cs_error_prefix(err, "%s", path);
            goto out;
        }
    }

    nvd = virConnectListAllDomains(conn, &vds, 0);
    if (nvd < 0) {
        char msg[CS_ERROR_MAX / 2];
        cs_error_set(err, "%s: listing domains: %s", p->source, libvirt_message(msg, sizeof(msg)));
        goto out;
    }
    if (nvd == 0) {
        cs_error_set(err, "%s: libvirt connection '%s' has no domains", p->source, p->uri);
        goto out;
    }
    /* Name order, so that the same platform builds the same machine whatever the URI. */
    qsort(vds, (size_t)nvd, sizeof(*vds), cmp_domain);
    p->domains = calloc((size_t)nvd, sizeof(*p->domains));
    if (!p->domains)
        abort();
    for (int i = 0; i < nvd; i++)
        if (load_domain(p, vds[i], path ? &s : NULL, err) < 0)
            goto out;
    if (!p->clock_hz)
        p->clock_hz = CS_PLATFORM_DEFAULT_CLOCK_HZ;
    rc = 0;

out:
    for (int i = 0; i < nvd; i++)
        virDomainFree(vds[i]);
    free(vds);
    if (conn)
        virConnectClose(conn);
    src_free(&s);
    if (rc == 0)
        *out = p;
    else
        cs_platform_free(p);
    return rc;
}
