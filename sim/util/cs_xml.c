#include "cs_xml.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

/* libxml2's default handler prints to stderr, also for parses libvirt makes in this process;
 * chansim reports errors itself, one line each. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void cs_xml_init(void)
{
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent);
}

/* libxml2 reports errors through a callback; keep the first one for the caller. */
struct capture {
    int have;
    int line;
    char msg[512];
};

static void capture_error(void *ctx, xmlErrorPtr e)
{
    struct capture *c = ctx;
    if (c->have || !e)
        return;
    c->have = 1;
    c->line = e->line;
    snprintf(c->msg, sizeof(c->msg), "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(c->msg);
    while (n && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
        c->msg[--n] = '\0';
}

static int read_common(const char *path, const char *text, const char *name, xmlDoc **out,
                       cs_error *err)
{
    *out = NULL;
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return cs_error_set(err, "%s: out of memory creating XML parser", name);
    struct capture cap = {0};
    /* libxml2 2.9 has no per-context handler; chansim parses on one thread. */
    xmlSetStructuredErrorFunc(&cap, capture_error);
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDoc *doc = path ? xmlCtxtReadFile(ctxt, path, NULL, opts)
                       : xmlCtxtReadMemory(ctxt, text, (int)strlen(text), name, NULL, opts);
    int wellformed = ctxt->wellFormed;
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);
    if (!doc || !wellformed) {
        if (doc)
            xmlFreeDoc(doc);
        if (path && !cap.have) {
            FILE *f = fopen(path, "r");
            if (!f)
                return cs_error_errno(err, errno, "%s: cannot read", path);
            fclose(f);
        }
        return cs_error_set(err, "%s:%d: malformed XML: %s", name, cap.line,
                            cap.have ? cap.msg : "no document");
    }
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return cs_error_set(err, "%s: empty XML document", name);
    }
    *out = doc;
    return 0;
}

int cs_xml_read_file(const char *path, xmlDoc **out, cs_error *err)
{
    return read_common(path, NULL, path, out, err);
}

int cs_xml_read_memory(const char *text, const char *name, xmlDoc **out, cs_error *err)
{
    return read_common(NULL, text, name, out, err);
}

long cs_xml_line(const xmlNode *n)
{
    return n ? xmlGetLineNo(n) : 0;
}

int cs_xml_is(const xmlNode *n, const char *local_name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local_name) == 0;
}

cs_xml_str cs_xml_attr(xmlNode *n, const char *name)
{
    return (cs_xml_str){(char *)xmlGetProp(n, (const xmlChar *)name)};
}

void cs_xml_str_free(cs_xml_str *s)
{
    if (s->s)
        xmlFree(s->s);
    s->s = NULL;
}

int cs_xml_attr_u64(xmlNode *n, const char *name, uint64_t min, uint64_t max, uint64_t *out,
                    cs_error *err)
{
    cs_xml_str v = cs_xml_attr(n, name);
    if (!v.s)
        return cs_error_set(err, "missing attribute '%s'", name);
    const char *s = v.s;
    while (isspace((unsigned char)*s))
        s++;
    char *end = NULL;
    errno = 0;
    unsigned long long x = (*s == '-') ? 0 : strtoull(s, &end, 0);
    int ok = *s && *s != '-' && end && end != s && errno == 0;
    while (ok && isspace((unsigned char)*end))
        end++;
    ok = ok && *end == '\0' && x >= min && x <= max;
    if (!ok) {
        cs_error_set(err, "attribute %s='%s' is not a number in [%" PRIu64 ", %" PRIu64 "]", name,
                     v.s, min, max);
        cs_xml_str_free(&v);
        return -1;
    }
    cs_xml_str_free(&v);
    *out = x;
    return 0;
}

char *cs_xml_child_text(xmlNode *n, const char *name)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!cs_xml_is(c, name))
            continue;
        char *t = (char *)xmlNodeGetContent(c);
        if (!t)
            return NULL;
        char *b = t;
        while (isspace((unsigned char)*b))
            b++;
        char *r = strdup(b);
        xmlFree(t);
        if (!r)
            abort();
        size_t len = strlen(r);
        while (len && isspace((unsigned char)r[len - 1]))
            r[--len] = '\0';
        return r;
    }
    return NULL;
}
