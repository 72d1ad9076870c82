/* Content-addressed image rows: SHA-256 (libcrypto) of the bytes is the key, so the same photo
 * fetched under two URLs, or imported twice, is stored once. */
#include "db/image_store.h"

#include <openssl/evp.h>
#include <stdio.h>

void sha256_hex(const void *bytes, size_t len, char out[CATALOG_SHA256_HEX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(bytes, len, digest, &n, EVP_sha256(), NULL);
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < n; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * n] = '\0';
}

int image_store_put(catalog *cat, const void *bytes, size_t len, const char *mime, int width,
                    int height, char sha_out[CATALOG_SHA256_HEX], int *inserted, char *err,
                    size_t errlen)
{
    sha256_hex(bytes, len, sha_out);
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO images (sha256, bytes, mime, width, height, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO NOTHING", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, sha_out, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob64(st, 2, bytes, len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, mime, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, width);
    sqlite3_bind_int(st, 5, height);
    sqlite3_bind_int64(st, 6, catalog_now());
    int rc = sqlite3_step(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "storing image %s: %s", sha_out, sqlite3_errmsg(catalog_db(cat)));
        return -1;
    }
    if (inserted)
        *inserted = sqlite3_changes(catalog_db(cat)) > 0;
    return 0;
}
