/* Codimap detail pages: the outfit title and, for each goods slot in document order (the
 * profile's slot selectors united, so a slot matched twice counts once), its goods number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/extract.h"
#include "crawler/html_doc.h"

int extract_detail(const site_profile *p, const char *html, size_t len, const char *url,
                   detail_page *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    html_doc d;
    if (html_doc_parse(&d, html, len, url)) {
        snprintf(err, errlen, "not an HTML document");
        return -1;
    }
    html_first_value(&d, NULL, &p->detail_title, NULL, NULL, out->title, sizeof out->title);
    xmlXPathObjectPtr slots = html_nodes(&d, NULL, p->detail_slot);
    if (slots) {
        xmlNodeSetPtr set = slots->nodesetval;
        out->slots = calloc((size_t)set->nodeNr, sizeof *out->slots);
        for (int k = 0; out->slots && k < set->nodeNr; k++) {
            detail_slot s = {{0}};
            char value[URL_MAX];
            regex_probe by_link = {&p->detail_goods_regex, s.goods_no, sizeof s.goods_no};
            regex_probe by_image = {&p->detail_image_regex, s.goods_no, sizeof s.goods_no};
            if (html_first_value(&d, set->nodeTab[k], &p->detail_goods, html_accept_capture,
                                 &by_link, value, sizeof value) ||
                (p->detail_image_regex.n &&
                 html_first_value(&d, set->nodeTab[k], &p->detail_image, html_accept_capture,
                                  &by_image, value, sizeof value)))
                out->slots[out->n++] = s;
        }
        xmlXPathFreeObject(slots);
    }
    html_doc_free(&d);
    return 0;
}
