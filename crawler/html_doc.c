/* libxml2 HTML parsing and XPath-to-string helpers shared by the list, detail and goods
 * extractors. */
#include "crawler/html_doc.h"

#include <stdio.h>
#include <string.h>

int html_doc_parse(html_doc *d, const char *bytes, size_t len, const char *url)
{
    d->doc = NULL;
    d->xpath = NULL;
    if (!len || len > 0x7fffffff)
        return -1;
    d->doc = htmlReadMemory(bytes, (int)len, url, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                HTML_PARSE_NONET | HTML_PARSE_COMPACT);
    if (!d->doc)
        return -1;
    d->xpath = xmlXPathNewContext(d->doc);
    if (!d->xpath) {
        html_doc_free(d);
        return -1;
    }
    return 0;
}

void html_doc_free(html_doc *d)
{
    if (d->xpath)
        xmlXPathFreeContext(d->xpath);
    if (d->doc)
        xmlFreeDoc(d->doc);
    d->doc = NULL;
    d->xpath = NULL;
}

static xmlXPathObjectPtr eval(html_doc *d, xmlNodePtr node, const char *expr)
{
    d->xpath->node = node ? node : (xmlNodePtr)d->doc;
    return xmlXPathEvalExpression((const xmlChar *)expr, d->xpath);
}

xmlXPathObjectPtr html_nodes(html_doc *d, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr o = eval(d, node, expr);
    if (o && o->type == XPATH_NODESET && o->nodesetval && o->nodesetval->nodeNr > 0)
        return o;
    xmlXPathFreeObject(o);
    return NULL;
}

/* Copies s normalised: runs of ASCII blanks and U+00A0 become one space, ends trimmed. */
static void normalise(const char *s, char *out, size_t len)
{
    size_t used = 0;
    int pending_space = 0;
    if (!len)
        return;
    for (const unsigned char *c = (const unsigned char *)s; *c;) {
        int blank = *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f';
        int nbsp = c[0] == 0xC2 && c[1] == 0xA0;
        if (blank || nbsp) {
            pending_space = used > 0;
            c += nbsp ? 2 : 1;
            continue;
        }
        if (pending_space && used + 1 < len)
            out[used++] = ' ';
        pending_space = 0;
        if (used + 1 >= len)
            break;
        out[used++] = (char)*c++;
    }
    /* never leave half a UTF-8 sequence at a truncation point */
    while (used > 0 && ((unsigned char)out[used - 1] & 0xC0) == 0x80 && used + 1 >= len)
        used--;
    if (used > 0 && ((unsigned char)out[used - 1] & 0xC0) == 0xC0 && used + 1 >= len)
        used--;
    out[used] = '\0';
}

void html_node_text(xmlNodePtr node, char *out, size_t len)
{
    xmlChar *content = xmlNodeGetContent(node);
    normalise(content ? (const char *)content : "", out, len);
    xmlFree(content);
}

int html_first_value(html_doc *d, xmlNodePtr node, const str_list *selectors, html_accept ok,
                     void *user, char *out, size_t len)
{
    for (size_t i = 0; i < selectors->n; i++) {
        xmlXPathObjectPtr o = eval(d, node, selectors->items[i]);
        if (!o)
            continue;
        int found = 0;
        if (o->type == XPATH_NODESET && o->nodesetval) {
            for (int k = 0; k < o->nodesetval->nodeNr && !found; k++) {
                html_node_text(o->nodesetval->nodeTab[k], out, len);
                found = out[0] && (!ok || ok(out, user));
            }
        } else if (o->type == XPATH_STRING || o->type == XPATH_NUMBER ||
                   o->type == XPATH_BOOLEAN) {
            xmlChar *s = xmlXPathCastToString(o);
            normalise(s ? (const char *)s : "", out, len);
            xmlFree(s);
            found = out[0] && (!ok || ok(out, user));
        }
        xmlXPathFreeObject(o);
        if (found)
            return 1;
    }
    if (len)
        out[0] = '\0';
    return 0;
}

int regex_capture(const regex_list *r, const char *s, char *out, size_t len)
{
    for (size_t i = 0; i < r->n; i++) {
        regmatch_t m[3];
        if (regexec(&r->items[i], s, 3, m, 0) || m[1].rm_so < 0)
            continue;
        int n1 = (int)(m[1].rm_eo - m[1].rm_so);
        int n2 = m[2].rm_so >= 0 ? (int)(m[2].rm_eo - m[2].rm_so) : 0;
        snprintf(out, len, "%.*s%.*s", n1, s + m[1].rm_so, n2, n2 ? s + m[2].rm_so : "");
        return 1;
    }
    if (len)
        out[0] = '\0';
    return 0;
}

int html_accept_capture(const char *value, void *probe)
{
    regex_probe *rp = probe;
    return regex_capture(rp->re, value, rp->out, rp->len);
}
