/* Small libxml2 helpers for reading configuration with precise error positions. */
#ifndef CS_XML_H
#define CS_XML_H

#include <stdint.h>

#include <libxml/tree.h>

#include "cs_error.h"

/* An attribute value owned by libxml2; free with cs_xml_str_free. s is NULL when absent. */
typedef struct {
    char *s;
} cs_xml_str;

void cs_xml_init(void);

/* Parse a file or buffer without network access; a parse error gives "<file>:<line>: <why>". */
int cs_xml_read_file(const char *path, xmlDoc **out, cs_error *err);
int cs_xml_read_memory(const char *text, const char *name, xmlDoc **out, cs_error *err);

long cs_xml_line(const xmlNode *n);
int cs_xml_is(const xmlNode *n, const char *local_name);
cs_xml_str cs_xml_attr(xmlNode *n, const char *name);
void cs_xml_str_free(cs_xml_str *s);

/* A required unsigned attribute (decimal or 0x hex) within [min, max]. */
int cs_xml_attr_u64(xmlNode *n, const char *name, uint64_t min, uint64_t max, uint64_t *out,
                    cs_error *err);

/* Text of the first child element called `name` (malloc'd, trimmed) or NULL. */
char *cs_xml_child_text(xmlNode *n, const char *name);

#endif
