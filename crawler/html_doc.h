/* HTML documents for the extractors: libxml2's forgiving HTML parser plus XPath evaluation that
 * yields whitespace-normalised strings (attribute values or element text).
 *
 * Manual: html_doc_parse() never fails on bad markup (the parser recovers); it returns -1 only
 * when libxml2 cannot build a document at all (empty input, out of memory).  Every value is
 * copied into caller buffers and truncated to fit.  A html_doc belongs to one thread. */
#ifndef SOLEMATE_HTML_DOC_H
#define SOLEMATE_HTML_DOC_H

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stddef.h>

#include "crawler/profile.h"

typedef struct {
    htmlDocPtr doc;
    xmlXPathContextPtr xpath;
} html_doc;

int html_doc_parse(html_doc *d, const char *bytes, size_t len, const char *url);
void html_doc_free(html_doc *d);

/* Node set of expr evaluated at node (NULL = document); NULL when empty or not a node set.
 * Free with xmlXPathFreeObject. */
xmlXPathObjectPtr html_nodes(html_doc *d, xmlNodePtr node, const char *expr);

/* Normalised string value of a node (attribute value or text): blanks and no-break spaces
 * collapsed to one space, trimmed. */
void html_node_text(xmlNodePtr node, char *out, size_t len);

/* Accepts a candidate value or not (e.g. rejects data: URIs); NULL accepts any non-empty. */
typedef int (*html_accept)(const char *value, void *user);

/* The first accepted non-empty value over the selectors in order (each selector's nodes in
 * document order, or its string result).  1 when found, else 0 and out = "". */
int html_first_value(html_doc *d, xmlNodePtr node, const str_list *selectors, html_accept ok,
                     void *user, char *out, size_t len);

/* An html_accept for ids: accepts a value in which one of re's patterns captures; the capture
 * goes to out (len bytes). */
typedef struct {
    const regex_list *re;
    char *out;
    size_t len;
} regex_probe;
int html_accept_capture(const char *value, void *probe);

/* Capture group 1 of the first regex of r that matches s (group 2 appended when present).
 * 1 when found. */
int regex_capture(const regex_list *r, const char *s, char *out, size_t len);

#endif
