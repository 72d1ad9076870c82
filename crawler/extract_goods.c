/* Goods pages: category links (code and names), the state JSON embedded in a script (found by
 * the profile's marker, read with cJSON, addressed by dotted paths), product name and photo. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/extract.h"
#include "crawler/html_doc.h"

/* Value at a dotted path ("productInfo.img_prd_list.0.big_img") as text, "" when absent. */
static void json_path(const cJSON *root, const char *path, char *out, size_t len)
{
    out[0] = '\0';
    if (!root || !path)
        return;
    const cJSON *at = root;
    char key[128];
    for (const char *s = path; at && *s;) {
        size_t n = strcspn(s, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, s);
        if (cJSON_IsArray(at) && key[0] >= '0' && key[0] <= '9')
            at = cJSON_GetArrayItem(at, atoi(key));
        else
            at = cJSON_GetObjectItemCaseSensitive(at, key);
        s += n + (s[n] == '.');
    }
    if (cJSON_IsString(at))
        snprintf(out, len, "%s", at->valuestring);
    else if (cJSON_IsNumber(at))
        snprintf(out, len, "%.0f", at->valuedouble);
}

/* The JSON object right after the marker in the raw page text. */
static cJSON *find_state(const site_profile *p, const char *html, size_t len)
{
    if (!p->state_marker || !*p->state_marker)
        return NULL;
    size_t mlen = strlen(p->state_marker);
    for (const char *s = html; (size_t)(s - html) + mlen <= len;) {
        const char *hit = memchr(s, p->state_marker[0], len - (size_t)(s - html));
        if (!hit || (size_t)(hit - html) + mlen > len)
            return NULL;
        if (!memcmp(hit, p->state_marker, mlen)) {
            const char *brace = hit + mlen;
            while ((size_t)(brace - html) < len && (*brace == ' ' || *brace == '\t' ||
                                                    *brace == '\n' || *brace == '\r'))
                brace++;
            if ((size_t)(brace - html) < len && *brace == '{') {
                char *copy = strndup(brace, len - (size_t)(brace - html));
                if (!copy)
                    return NULL;
                cJSON *root = cJSON_ParseWithOpts(copy, NULL, 0);
                free(copy);
                return root;
            }
        }
        s = hit + 1;
    }
    return NULL;
}

typedef struct {
    const site_profile *p;
    const char *base;
    char *resolved;
} image_probe;

/* Accepts an image reference that resolves to a usable, non-rejected URL. */
static int usable_image(const char *value, void *user)
{
    image_probe *probe = user;
    return url_resolve(probe->p, probe->base, value, probe->resolved, URL_MAX) == 0 &&
           !url_image_rejected(probe->p, probe->resolved);
}

static void category_links(const site_profile *p, html_doc *d, goods_page *out)
{
    for (size_t i = 0; i < p->goods_category.n; i++) {
        xmlXPathObjectPtr links = html_nodes(d, NULL, p->goods_category.items[i]);
        if (!links)
            continue;
        xmlNodeSetPtr set = links->nodesetval;
        html_node_text(set->nodeTab[0], out->name, sizeof out->name);
        if (set->nodeNr > 1)
            html_node_text(set->nodeTab[1], out->sub_name, sizeof out->sub_name);
        for (int k = 0; k < set->nodeNr && k < 2; k++) {
            xmlChar *href = xmlGetProp(set->nodeTab[k], (const xmlChar *)"href");
            char code[16];
            if (href && regex_capture(&p->goods_category_regex, (const char *)href, code,
                                      sizeof code) && strlen(code) > strlen(out->code))
                memcpy(out->code, code, strlen(code) + 1);
            xmlFree(href);
        }
        xmlXPathFreeObject(links);
        return;
    }
}

int extract_goods(const site_profile *p, const char *html, size_t len, const char *url,
                  goods_page *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    html_doc d;
    if (html_doc_parse(&d, html, len, url)) {
        snprintf(err, errlen, "not an HTML document");
        return -1;
    }
    category_links(p, &d, out);
    html_first_value(&d, NULL, &p->goods_name, NULL, NULL, out->title, sizeof out->title);
    html_first_value(&d, NULL, &p->goods_brand, NULL, NULL, out->brand, sizeof out->brand);
    char value[URL_MAX];
    image_probe probe = {p, url, out->image};
    if (!html_first_value(&d, NULL, &p->goods_image, usable_image, &probe, value, sizeof value))
        out->image[0] = '\0';
    cJSON *state = find_state(p, html, len);
    json_path(state, p->state_category, out->state_path, sizeof out->state_path);
    json_path(state, p->state_kind, out->state_kind, sizeof out->state_kind);
    if (!out->title[0])
        json_path(state, p->state_name, out->title, sizeof out->title);
    if (!out->brand[0])
        json_path(state, p->state_brand, out->brand, sizeof out->brand);
    if (!out->image[0] && p->state_image) {
        json_path(state, p->state_image, value, sizeof value);
        if (!value[0] || !usable_image(value, &probe))
            out->image[0] = '\0';
    }
    cJSON_Delete(state);
    html_doc_free(&d);
    return 0;
}
