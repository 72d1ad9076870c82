/* Link resolution and canonicalisation with libcurl's URL API (CURLU), plus the product-image
 * size variants computed from the profile's image regex. */
#define _POSIX_C_SOURCE 200809L
#include "crawler/url_normalize.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ref with surrounding blanks trimmed and every "\/" turned into "/". */
static int clean_ref(const char *ref, char *out, size_t outlen)
{
    while (isspace((unsigned char)*ref))
        ref++;
    size_t n = strlen(ref);
    while (n && isspace((unsigned char)ref[n - 1]))
        n--;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (ref[i] == '\\' && i + 1 < n && ref[i + 1] == '/')
            continue;
        if (used + 1 >= outlen)
            return -1;
        out[used++] = ref[i];
    }
    out[used] = '\0';
    return used ? 0 : -1;
}

static int copy_part(CURLU *u, CURLUPart part, char *out, size_t outlen)
{
    char *v = NULL;
    if (curl_url_get(u, part, &v, 0) != CURLUE_OK)
        return -1;
    int rc = strlen(v) < outlen ? 0 : -1;
    if (!rc)
        memcpy(out, v, strlen(v) + 1);
    curl_free(v);
    return rc;
}

int url_resolve(const site_profile *p, const char *base, const char *ref, char *out,
                size_t outlen)
{
    char clean[URL_MAX];
    if (clean_ref(ref, clean, sizeof clean) || !strncasecmp(clean, "data:", 5) ||
        !strncasecmp(clean, "javascript:", 11) || clean[0] == '#')
        return -1;
    CURLU *u = curl_url();
    if (!u)
        return -1;
    int rc = -1;
    char host[256], path[URL_MAX], scheme[16];
    if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_URL, clean, CURLU_URLENCODE) != CURLUE_OK ||
        copy_part(u, CURLUPART_SCHEME, scheme, sizeof scheme) ||
        (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) ||
        copy_part(u, CURLUPART_HOST, host, sizeof host) ||
        copy_part(u, CURLUPART_PATH, path, sizeof path))
        goto done;
    for (char *c = host; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *canon = profile_canonical_host(p, host);
    for (size_t i = 0; i < p->path_prefix.n; i++)
        if (!strncmp(path, p->path_prefix.items[i], strlen(p->path_prefix.items[i])) &&
            profile_host_allowed(p, canon))
            canon = p->path_host.items[i];
    if (curl_url_set(u, CURLUPART_HOST, canon, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK)
        goto done;
    rc = copy_part(u, CURLUPART_URL, out, outlen);
done:
    curl_url_cleanup(u);
    return rc;
}

static int get_part(const char *url, CURLUPart part, char *out, size_t len)
{
    CURLU *u = curl_url();
    if (!u)
        return -1;
    int rc = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK ? copy_part(u, part, out, len)
                                                                  : -1;
    curl_url_cleanup(u);
    return rc;
}

int url_host(const char *url, char *host, size_t len)
{
    if (get_part(url, CURLUPART_HOST, host, len))
        return -1;
    for (char *c = host; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return 0;
}

int url_path_query(const char *url, char *out, size_t len)
{
    char query[URL_MAX];
    if (get_part(url, CURLUPART_PATH, out, len))
        return -1;
    if (get_part(url, CURLUPART_QUERY, query, sizeof query) == 0) {
        size_t n = strlen(out);
        if (n + 1 + strlen(query) >= len)
            return -1;
        snprintf(out + n, len - n, "?%s", query);
    }
    return 0;
}

int url_origin(const char *url, char *out, size_t len)
{
    char scheme[16], host[256], port[16];
    if (get_part(url, CURLUPART_SCHEME, scheme, sizeof scheme) ||
        get_part(url, CURLUPART_HOST, host, sizeof host))
        return -1;
    int n = get_part(url, CURLUPART_PORT, port, sizeof port) == 0
                ? snprintf(out, len, "%s://%s:%s", scheme, host, port)
                : snprintf(out, len, "%s://%s", scheme, host);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

int url_image_rejected(const site_profile *p, const char *url)
{
    for (size_t i = 0; i < p->image_reject.n; i++)
        if (strstr(url, p->image_reject.items[i]))
            return 1;
    return 0;
}

static int add_unique(char out[][URL_MAX], int n, int max, const char *url)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(out[i], url))
            return n;
    if (n >= max || strlen(url) >= URL_MAX)
        return n;
    memcpy(out[n], url, strlen(url) + 1);
    return n + 1;
}

int url_image_variants(const site_profile *p, const char *url, char out[][URL_MAX], int max)
{
    int n = 0;
    int g = p->image_size_group;
    for (size_t r = 0; r < p->image_regex.n && g > 0; r++) {
        regmatch_t m[10];
        if (regexec(&p->image_regex.items[r], url, 10, m, 0) || m[g].rm_so < 0)
            continue;
        for (size_t s = 0; s < p->image_size.n; s++) {
            char v[URL_MAX];
            const char *size = p->image_size.items[s];
            int len = snprintf(v, sizeof v, "%.*s%s%s", (int)m[g].rm_so, url, size,
                               url + m[g].rm_eo);
            if (len > 0 && len < URL_MAX)
                n = add_unique(out, n, max, v);
        }
        break;
    }
    return add_unique(out, n, max, url);
}
