/* The extractor's prepared statements behind feature_store.h: models/features rows, image
 * bytes, imported products.  A feature is current while its weights digest, preprocessing and
 * dimension equal the models row's (schema.sql); every other row is pending. */
#include "extractor/feature_store.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sql_failed(catalog *cat, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(catalog_db(cat)));
    return -1;
}

int feature_store_register(catalog *cat, const feature_model *m, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO models (name, weights_sha256, dim, dtype, preprocessing, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO UPDATE SET "
        "weights_sha256 = excluded.weights_sha256, dim = excluded.dim, dtype = excluded.dtype, "
        "preprocessing = excluded.preprocessing, updated_at = excluded.updated_at "
        "WHERE models.weights_sha256 IS NOT excluded.weights_sha256 OR models.dim <> excluded.dim "
        "OR models.dtype <> excluded.dtype OR models.preprocessing <> excluded.preprocessing",
        err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->weights_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, m->dim);
    sqlite3_bind_text(st, 4, m->dtype, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->preprocessing, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, catalog_now());
    return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_failed(cat, "recording the model", err, errlen);
}

int feature_store_pending(catalog *cat, const feature_model *m, int rebuild, long limit,
                          char (**shas)[CATALOG_SHA256_HEX], long *count, char *err, size_t errlen)
{
    *shas = NULL;
    *count = 0;
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT DISTINCT p.image_sha256 FROM products AS p "
        "LEFT JOIN features AS f ON f.image_sha256 = p.image_sha256 AND f.model = ?1 "
        "WHERE p.image_sha256 IS NOT NULL AND (?5 OR f.image_sha256 IS NULL "
        "OR f.weights_sha256 IS NOT ?2 OR f.preprocessing <> ?3 OR f.dim <> ?4) "
        "ORDER BY p.image_sha256 LIMIT ?6", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->weights_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->preprocessing, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, m->dim);
    sqlite3_bind_int(st, 5, rebuild != 0);
    sqlite3_bind_int64(st, 6, limit < 0 ? -1 : limit);
    long cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 256;
            void *grown = realloc(*shas, (size_t)cap * sizeof **shas);
            if (!grown) {
                sqlite3_reset(st);
                free(*shas);
                *shas = NULL;
                snprintf(err, errlen, "out of memory listing pending images");
                return -1;
            }
            *shas = grown;
        }
        snprintf((*shas)[(*count)++], CATALOG_SHA256_HEX, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    if (rc != SQLITE_DONE) {
        free(*shas);
        *shas = NULL;
        return sql_failed(cat, "listing pending images", err, errlen);
    }
    return 0;
}

int feature_store_image(catalog *cat, const char *sha, void **bytes, size_t *len, char *err,
                        size_t errlen)
{
    *bytes = NULL;
    sqlite3_stmt *st = catalog_stmt(cat, "SELECT bytes FROM images WHERE sha256 = ?1", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            snprintf(err, errlen, "image %s: not in the catalog", sha);
        else
            sql_failed(cat, "reading an image", err, errlen);
        sqlite3_reset(st);
        return -1;
    }
    *len = (size_t)sqlite3_column_bytes(st, 0);
    *bytes = malloc(*len ? *len : 1);
    if (*bytes && *len)
        memcpy(*bytes, sqlite3_column_blob(st, 0), *len);
    sqlite3_reset(st);
    if (!*bytes) {
        snprintf(err, errlen, "out of memory reading image %s", sha);
        return -1;
    }
    return 0;
}

/* The BLOB of schema.sql: f32 little-endian whatever the host order, or u8. */
static unsigned char *encode(const feature_model *m, const float *v, size_t *len)
{
    int f32 = strcmp(m->dtype, "f32") == 0;
    *len = (size_t)m->dim * (f32 ? 4 : 1);
    unsigned char *blob = malloc(*len);
    if (!blob)
        return NULL;
    for (int i = 0; i < m->dim; i++) {
        if (f32) {
            uint32_t bits;
            memcpy(&bits, &v[i], 4);
            for (int b = 0; b < 4; b++)
                blob[(size_t)i * 4 + (size_t)b] = (unsigned char)(bits >> (8 * b));
        } else {
            float x = roundf(v[i]);
            blob[i] = (unsigned char)(x < 0 ? 0 : x > 255 ? 255 : x);
        }
    }
    return blob;
}

int feature_store_put(catalog *cat, const feature_model *m, const char *sha, const float *v,
                      char *err, size_t errlen)
{
    size_t len;
    unsigned char *blob = encode(m, v, &len);
    if (!blob) {
        snprintf(err, errlen, "out of memory encoding a feature");
        return -1;
    }
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT OR REPLACE INTO features (image_sha256, model, weights_sha256, preprocessing, dim, "
        "vector, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, m->weights_sha256, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, m->preprocessing, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, m->dim);
        sqlite3_bind_blob64(st, 6, blob, len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, catalog_now());
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sql_failed(cat, "storing a feature", err, errlen);
        sqlite3_clear_bindings(st);
    }
    free(blob);
    return rc;
}

int feature_store_import_product(catalog *cat, const char *relpath, const char *name,
                                 const char *label, const char *sha, import_outcome *outcome,
                                 char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT id, image_sha256 IS ?2 AND (?3 IS NULL OR label IS ?3) FROM products "
        "WHERE source = 'import' AND shop_id = ?1", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, relpath, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_failed(cat, "looking up an imported product", err, errlen);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int same = rc == SQLITE_ROW && sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    if (same) {
        *outcome = IMPORT_UNCHANGED;
        return 0;
    }
    if (id) {
        st = catalog_stmt(cat,
            "UPDATE products SET image_sha256 = ?2, label = coalesce(?3, label), updated_at = ?4 "
            "WHERE id = ?1", err, errlen);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
    } else {
        st = catalog_stmt(cat,
            "INSERT INTO products (source, shop_id, name, kind, label, image_sha256, first_seen, "
            "updated_at) VALUES ('import', ?1, ?5, 'shoe', ?3, ?2, ?4, ?4)", err, errlen);
        if (!st)
            return -1;
        sqlite3_bind_text(st, 1, relpath, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, catalog_now());
    if (sqlite3_step(st) != SQLITE_DONE)
        return sql_failed(cat, "storing an imported product", err, errlen);
    *outcome = id ? IMPORT_UPDATED : IMPORT_ADDED;
    return 0;
}
