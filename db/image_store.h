/* Content-addressed image storage in the catalog, shared by the crawler and by local imports.
 *
 * Manual: sha256_hex() digests bytes with OpenSSL's libcrypto.  image_store_put() inserts the
 * bytes under their digest unless present (same photo under two URLs = one row); the caller
 * has already sniffed the type and decoded the image to learn width and height, and owns the
 * transaction.  Returns 0 (and *inserted = 1 when a new row was written) or -1 + err. */
#ifndef SOLEMATE_IMAGE_STORE_H
#define SOLEMATE_IMAGE_STORE_H

#include <stddef.h>

#include "db/catalog.h"

void sha256_hex(const void *bytes, size_t len, char out[CATALOG_SHA256_HEX]);

int image_store_put(catalog *cat, const void *bytes, size_t len, const char *mime, int width,
                    int height, char sha_out[CATALOG_SHA256_HEX], int *inserted, char *err,
                    size_t errlen);

#endif
