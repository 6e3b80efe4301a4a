/* Platform description: what machine chansim simulates.
 *
 * A platform is libvirt domain XML: a file whose root is <domain>, or libvirt's test-driver
 * <node> file holding several domains, opened through libvirt's embedded test driver
 * (test:///<absolute path>, no daemon), or the domains of any libvirt URI (--connect).
 * libvirt validates every domain against its schema and supplies the domain facts (memory,
 * vCPUs); chansim maps the devices it models into descriptors that the channel families
 * attach to (see sim/core/cs_registry.h). The mapping is documented in docs/platform.md. */
#ifndef CS_PLATFORM_H
#define CS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

/* The XML namespace of chansim's <metadata> element. */
#define CS_PLATFORM_NS "urn:chansim:platform:1"

/* Address kinds chansim understands; libvirt names in comments. */
enum cs_bus {
    CS_BUS_NONE = 0,
    CS_BUS_SPAPR_VIO, /* <address type='spapr-vio' reg='0x...'/> */
    CS_BUS_CCW,       /* <address type='ccw' cssid= ssid= devno=/> */
    CS_BUS_SPAR,      /* chansim metadata: s-Par channel on a visorbus */
};

struct cs_attr {
    char *name;
    char *value;
};

/* One device of a domain as chansim sees it. `attrs` keeps every attribute of the element
 * (and, for hostdevs, the mdev source uuid as "uuid") so families read what they need. */
struct cs_device_desc {
    char *element; /* "controller", "hostdev", "chansim:vio", ... */
    char *type;    /* type attribute or NULL */
    char *model;   /* model attribute or NULL */
    enum cs_bus bus;
    union {
        struct {
            uint32_t reg;
        } vio;
        struct {
            uint8_t cssid, ssid;
            uint16_t devno;
        } ccw;
        struct {
            uint32_t bus_no, dev_no;
        } spar;
    } addr;
    struct cs_attr *attrs;
    size_t nattrs;
    char *where; /* "<file>:<line>: domain '<name>': <element>" for messages */
};

/* A timing override from <chansim:timing><chansim:cost op=... cycles=.../></chansim:timing>. */
struct cs_cost_override {
    char *op;
    uint64_t cycles;
    char *where;
};

struct cs_domain_desc {
    char *name;
    char *arch;    /* os/type/@arch, e.g. "ppc64", "s390x", "x86_64" */
    char *machine; /* os/type/@machine or NULL */
    uint64_t memory_bytes;
    unsigned vcpus;
    struct cs_device_desc *devices;
    size_t ndevices;
    struct cs_cost_override *costs;
    size_t ncosts;
    char *where;
};

struct cs_platform {
    char *source;      /* the file, or the URI for --connect without a file */
    char *uri;         /* the libvirt URI that was opened */
    uint64_t clock_hz; /* the simulation cycle clock (metadata timing/@clock-hz) */
    struct cs_domain_desc *domains;
    size_t ndomains;
};

#define CS_PLATFORM_DEFAULT_CLOCK_HZ 1000000000ULL

/* Load a platform. `path` is a platform file (may be NULL when `uri` names a libvirt
 * connection whose defined domains form the platform); `uri` overrides the embedded
 * test:/// connection. On error returns -1 with a message naming file, line, element. */
int cs_platform_load(const char *path, const char *uri, struct cs_platform **out, cs_error *err);
void cs_platform_free(struct cs_platform *p);

/* A 128-bit digest of everything the platform says (domains, devices, costs, clock), shaped
 * as an RFC 9562 version-8 UUID: the trace of a run is named by its inputs. */
void cs_platform_fingerprint(const struct cs_platform *p, uint8_t uuid[16]);

const char *cs_device_attr(const struct cs_device_desc *d, const char *name);
/* A numeric attribute of a device (decimal, 0x-hex or 0-octal) in [min, max]; `def` when the
 * attribute is absent or `d` is NULL. A malformed, negative or out-of-range value fails with a
 * message naming the device's place, the attribute and the range. */
int cs_device_attr_u64(const struct cs_device_desc *d, const char *name, uint64_t def, uint64_t min,
                       uint64_t max, uint64_t *out, cs_error *err);
const char *cs_bus_name(enum cs_bus bus);

#endif
