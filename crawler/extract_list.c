/* List pages: the items (codimap ids from onclick/href by the profile's regexes, titles) and
 * the page count; ids repeated on one page are kept once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/extract.h"
#include "crawler/html_doc.h"

int extract_list(const site_profile *p, const char *html, size_t len, const char *url,
                 list_page *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->total_pages = -1;
    html_doc d;
    if (html_doc_parse(&d, html, len, url)) {
        snprintf(err, errlen, "not an HTML document");
        return -1;
    }
    xmlXPathObjectPtr items = NULL;
    for (size_t i = 0; i < p->list_item.n && !items; i++)
        items = html_nodes(&d, NULL, p->list_item.items[i]);
    if (items) {
        xmlNodeSetPtr set = items->nodesetval;
        out->items = calloc((size_t)set->nodeNr, sizeof *out->items);
        for (int k = 0; out->items && k < set->nodeNr; k++) {
            list_item it = {{0}, {0}};
            char value[URL_MAX];
            regex_probe probe = {&p->list_id_regex, it.id, sizeof it.id};
            if (!html_first_value(&d, set->nodeTab[k], &p->list_id, html_accept_capture, &probe,
                                  value, sizeof value))
                continue;
            int dup = 0;
            for (size_t j = 0; j < out->n && !dup; j++)
                dup = !strcmp(out->items[j].id, it.id);
            if (dup)
                continue;
            html_first_value(&d, set->nodeTab[k], &p->list_title, NULL, NULL, it.title,
                             sizeof it.title);
            out->items[out->n++] = it;
        }
        xmlXPathFreeObject(items);
    }
    if (p->list_total_pages) {
        str_list one = {(char **)&p->list_total_pages, 1, 1};
        char text[64], digits[32];
        size_t nd = 0;
        if (html_first_value(&d, NULL, &one, NULL, NULL, text, sizeof text)) {
            for (const char *c = text; *c && nd + 1 < sizeof digits; c++)
                if (*c >= '0' && *c <= '9')
                    digits[nd++] = *c;
                else if (*c != ',' && nd)
                    break;
            digits[nd] = '\0';
            if (nd)
                out->total_pages = strtol(digits, NULL, 10);
        }
    }
    html_doc_free(&d);
    return 0;
}
