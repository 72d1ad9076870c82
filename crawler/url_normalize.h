/* URL normalisation for crawled links (MUSINSA.md §5): RFC 3986 resolution against the page,
 * JSON "\/" unescaping, host aliases and path hosts from the profile, and the product-image
 * size variants (largest first).
 *
 * Manual: all functions write into caller buffers (URL_MAX bytes is always enough for the
 * shop's URLs) and return 0, or -1 when the input is no usable http(s) URL (data:, javascript:,
 * empty, unparsable, too long).  Thread-safe (no shared state). */
#ifndef SOLEMATE_URL_NORMALIZE_H
#define SOLEMATE_URL_NORMALIZE_H

#include <stddef.h>

#include "crawler/profile.h"

#define URL_MAX 2048
#define URL_IMAGE_VARIANTS 8

/* Resolves ref (attribute or JSON text) against base and canonicalises the host. */
int url_resolve(const site_profile *p, const char *base, const char *ref, char *out,
                size_t outlen);

/* Lower-case host name of an absolute URL. */
int url_host(const char *url, char *host, size_t len);

/* Path plus query ("/a/b?x=1") of an absolute URL, for robots matching. */
int url_path_query(const char *url, char *out, size_t len);

/* scheme://host of an absolute URL. */
int url_origin(const char *url, char *out, size_t len);

/* 1 when the profile rejects url as a product image (data:, detail shots, ...). */
int url_image_rejected(const site_profile *p, const char *url);

/* The URLs to try for a product image, best first: each profile size substituted into the
 * size group of the profile's image regex, then url as found; duplicates dropped.  Returns
 * the count (at least 1: url itself when the regex does not match). */
int url_image_variants(const site_profile *p, const char *url, char out[][URL_MAX], int max);

#endif
