/* The recommender's SQL: current vectors of one model, product details, labels, categories,
 * photos, and the atomic replacement of a (model, metric) slice of the neighbors table. */
#define _POSIX_C_SOURCE 200809L
#include "recommender/neighbor_store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/image_store.h"

/* Current features of loadable products; ?1 = model.  Shared by the loaders below. */
#define CURRENT_FEATURES                                                                       \
    "FROM products AS p JOIN features AS f ON f.image_sha256 = p.image_sha256 "               \
    "JOIN models AS m ON m.name = f.model "                                                    \
    "WHERE f.model = ?1 AND p.kind = 'shoe' AND f.weights_sha256 IS m.weights_sha256 "        \
    "AND f.preprocessing = m.preprocessing AND f.dim = m.dim "

static int sql_fail(catalog *cat, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(catalog_db(cat)));
    return -1;
}

/* The end of a row loop: 0 when it reached SQLITE_DONE, else -1 with err saying why. */
static int rows_done(catalog *cat, int rc, const char *what, char *err, size_t errlen)
{
    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_NOMEM) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return sql_fail(cat, what, err, errlen);
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", text ? (const char *)text : "");
}

static void read_model(sqlite3_stmt *st, store_model *m)
{
    copy_text(m->name, sizeof m->name, st, 0);
    m->dim = sqlite3_column_int64(st, 1);
    const unsigned char *dtype = sqlite3_column_text(st, 2);
    m->dtype = vector_dtype_parse((const char *)dtype) == VECTOR_U8 ? VECTOR_U8 : VECTOR_F32;
    copy_text(m->preprocessing, sizeof m->preprocessing, st, 3);
}

int store_models(catalog *cat, store_model **models, int *count, char *err, size_t errlen)
{
    *models = NULL;
    *count = 0;
    sqlite3_stmt *st = catalog_stmt(cat, "SELECT name, dim, dtype, preprocessing FROM models ORDER BY name",
                                    err, errlen);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_model *grown = realloc(*models, (size_t)(*count + 1) * sizeof *grown);
        if (!grown) {
            sqlite3_reset(st);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        *models = grown;
        read_model(st, &grown[(*count)++]);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : sql_fail(cat, "listing models", err, errlen);
}

int store_model_get(catalog *cat, const char *name, store_model *model, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat, "SELECT name, dim, dtype, preprocessing FROM models WHERE name = ?1",
                                    err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_model(st, model);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? 1 : sql_fail(cat, "reading models", err, errlen);
}

typedef struct {
    char *text;
    size_t len, cap;
} text_buffer;

static int append(text_buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int append(text_buffer *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int need = vsnprintf(b->text ? b->text + b->len : NULL, b->text ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (need < 0)
            return -1;
        if (b->text && b->len + (size_t)need < b->cap) {
            b->len += (size_t)need;
            return 0;
        }
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (cap <= b->len + (size_t)need)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown)
            return -1;
        b->text = grown;
        b->cap = cap;
    }
}

int store_load_vectors(catalog *cat, const store_model *model, vector_matrix *mat,
                       store_load_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    /* size the matrix first: pixel rows are 150,528 floats, so growth by doubling would hurt */
    sqlite3_stmt *count = catalog_stmt(cat, "SELECT count(*) " CURRENT_FEATURES, err, errlen);
    if (!count)
        return -1;
    sqlite3_bind_text(count, 1, model->name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(count) != SQLITE_ROW) {
        sqlite3_reset(count);
        return sql_fail(cat, "counting features", err, errlen);
    }
    long rows = (long)sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    if (vector_matrix_init(mat, rows, model->dim)) {
        snprintf(err, errlen, "out of memory for %ld x %ld %s vectors", rows, model->dim, model->name);
        return -1;
    }
    float *row = malloc((size_t)model->dim * sizeof *row);
    text_buffer digest_input = {0};
    if (!row || append(&digest_input, "%s %ld %s\n", model->name, model->dim, model->preprocessing)) {
        free(row);
        free(digest_input.text);
        vector_matrix_free(mat);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT p.id, p.image_sha256, f.vector, f.computed_at, coalesce(f.weights_sha256, '') "
        CURRENT_FEATURES "ORDER BY p.id", err, errlen);
    int rc = st ? SQLITE_OK : SQLITE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, model->name, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            const char *sha = (const char *)sqlite3_column_text(st, 1);
            const void *blob = sqlite3_column_blob(st, 2);
            size_t len = (size_t)sqlite3_column_bytes(st, 2);
            char why[256];
            if (!blob || vector_blob_decode(blob, len, model->dtype, model->dim, row, why, sizeof why)) {
                info->skipped++;
                continue;
            }
            if (vector_matrix_add(mat, id, sha, row) ||
                append(&digest_input, "%lld %s %lld %s\n", (long long)id, sha,
                       (long long)sqlite3_column_int64(st, 3), sqlite3_column_text(st, 4))) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        sqlite3_reset(st);
    }
    free(row);
    if (rc == SQLITE_DONE)
        sha256_hex(digest_input.text, digest_input.len, info->digest);
    free(digest_input.text);
    if (rc == SQLITE_DONE) {
        info->loaded = mat->n;
        return 0;
    }
    vector_matrix_free(mat);
    if (rc == SQLITE_NOMEM) {
        snprintf(err, errlen, "out of memory loading %s vectors", model->name);
        return -1;
    }
    return st ? sql_fail(cat, "reading features", err, errlen) : -1;
}

int store_build_is_current(catalog *cat, const char *model, knn_metric metric, int k,
                           double near_duplicate, const char *digest, int *current, char *err,
                           size_t errlen)
{
    *current = 0;
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT count(*) FROM neighbor_builds WHERE model = ?1 AND metric = ?2 AND k = ?3 "
        "AND near_duplicate = ?4 AND features_digest = ?5", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, knn_metric_name(metric), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, k);
    sqlite3_bind_double(st, 4, near_duplicate);
    sqlite3_bind_text(st, 5, digest, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *current = sqlite3_column_int(st, 0) > 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : sql_fail(cat, "reading neighbor_builds", err, errlen);
}

static int step_done(catalog *cat, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : sql_fail(cat, what, err, errlen);
}

int store_replace_neighbors(catalog *cat, const char *model, knn_metric metric, int k,
                            double near_duplicate, const store_load_info *info,
                            const store_neighbor *rows, long count, char *err, size_t errlen)
{
    const char *metric_name = knn_metric_name(metric);
    if (catalog_begin(cat, err, errlen))
        return -1;
    sqlite3_stmt *del = catalog_stmt(cat, "DELETE FROM neighbors WHERE model = ?1 AND metric = ?2", err, errlen);
    if (!del)
        goto failed;
    sqlite3_bind_text(del, 1, model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(del, 2, metric_name, -1, SQLITE_STATIC);
    if (step_done(cat, del, "deleting old neighbors", err, errlen))
        goto failed;
    sqlite3_stmt *ins = catalog_stmt(cat,
        "INSERT INTO neighbors (model, metric, product_id, rank, neighbor_id, score) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err, errlen);
    if (!ins)
        goto failed;
    for (long i = 0; i < count; i++) {
        sqlite3_bind_text(ins, 1, model, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, metric_name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, rows[i].product_id);
        sqlite3_bind_int(ins, 4, rows[i].rank);
        sqlite3_bind_int64(ins, 5, rows[i].neighbor_id);
        sqlite3_bind_double(ins, 6, rows[i].score);
        if (step_done(cat, ins, "writing neighbors", err, errlen))
            goto failed;
    }
    sqlite3_stmt *rec = catalog_stmt(cat,
        "INSERT OR REPLACE INTO neighbor_builds (model, metric, k, near_duplicate, products, "
        "features_digest, built_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err, errlen);
    if (!rec)
        goto failed;
    sqlite3_bind_text(rec, 1, model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(rec, 2, metric_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(rec, 3, k);
    sqlite3_bind_double(rec, 4, near_duplicate);
    sqlite3_bind_int64(rec, 5, info->loaded);
    sqlite3_bind_text(rec, 6, info->digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(rec, 7, catalog_now());
    if (step_done(cat, rec, "recording the build", err, errlen))
        goto failed;
    return catalog_commit(cat, err, errlen);
failed:
    catalog_rollback(cat);
    return -1;
}

int store_product_get(catalog *cat, int64_t id, store_product *product, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT id, coalesce(name, ''), coalesce(brand, ''), coalesce(url, ''), "
        "coalesce(image_sha256, ''), coalesce(label, '') FROM products WHERE id = ?1", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        product->id = sqlite3_column_int64(st, 0);
        copy_text(product->name, sizeof product->name, st, 1);
        copy_text(product->brand, sizeof product->brand, st, 2);
        copy_text(product->url, sizeof product->url, st, 3);
        copy_text(product->sha, sizeof product->sha, st, 4);
        copy_text(product->label, sizeof product->label, st, 5);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? 1 : sql_fail(cat, "reading products", err, errlen);
}

int store_featured_products(catalog *cat, int64_t **ids, long *count, char *err, size_t errlen)
{
    *ids = NULL;
    *count = 0;
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT p.id FROM products AS p WHERE p.kind = 'shoe' AND EXISTS (SELECT 1 FROM features AS f "
        "WHERE f.image_sha256 = p.image_sha256) ORDER BY p.id", err, errlen);
    if (!st)
        return -1;
    long cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? 2 * cap : 256;
            int64_t *grown = realloc(*ids, (size_t)cap * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            *ids = grown;
        }
        (*ids)[(*count)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rows_done(cat, rc, "reading products", err, errlen);
}

/* (*out)[i] = strdup of the text column of matrix row i from sql (rows: id, text), else NULL. */
static int per_row_text(catalog *cat, const vector_matrix *mat, const char *sql, char ***out, char *err,
                        size_t errlen)
{
    *out = calloc((size_t)(mat->n > 0 ? mat->n : 1), sizeof **out);
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sqlite3_stmt *st = catalog_stmt(cat, sql, err, errlen);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = vector_matrix_find(mat, sqlite3_column_int64(st, 0));
        if (i >= 0 && !((*out)[i] = strdup((const char *)sqlite3_column_text(st, 1)))) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return rows_done(cat, rc, "reading products", err, errlen);
}

int store_labels(catalog *cat, const vector_matrix *mat, char ***labels, char *err, size_t errlen)
{
    return per_row_text(cat, mat, "SELECT id, label FROM products WHERE label IS NOT NULL", labels, err, errlen);
}

int store_shop_ids(catalog *cat, const vector_matrix *mat, char ***shop_ids, char *err, size_t errlen)
{
    return per_row_text(cat, mat, "SELECT id, shop_id FROM products", shop_ids, err, errlen);
}

int store_categories(catalog *cat, const vector_matrix *mat, long **offsets, int64_t **cats,
                     int **genders, char *err, size_t errlen)
{
    size_t rows = (size_t)(mat->n > 0 ? mat->n : 1);
    *offsets = calloc(rows + 1, sizeof **offsets);
    *genders = calloc(rows, sizeof **genders);
    *cats = NULL;
    if (!*offsets || !*genders) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT pc.product_id, pc.category_id, c.gender FROM product_categories AS pc "
        "JOIN categories AS c ON c.id = pc.category_id ORDER BY pc.product_id, pc.category_id",
        err, errlen);
    if (!st)
        return -1;
    long count = 0, cap = 0, last = -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = vector_matrix_find(mat, sqlite3_column_int64(st, 0));
        if (i < 0)
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 256;
            int64_t *grown = realloc(*cats, (size_t)cap * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            *cats = grown;
        }
        for (long r = last + 1; r <= i; r++)
            (*offsets)[r] = count;
        last = i;
        (*cats)[count++] = sqlite3_column_int64(st, 1);
        const char *gender = (const char *)sqlite3_column_text(st, 2);
        (*genders)[i] |= gender && gender[0] == 'M' ? 1 : 2;
    }
    sqlite3_reset(st);
    for (long r = last + 1; r <= mat->n; r++)
        (*offsets)[r] = count;
    return rows_done(cat, rc, "reading categories", err, errlen);
}

int store_image(catalog *cat, const char *sha, unsigned char **bytes, size_t *len, char *err,
                size_t errlen)
{
    *bytes = NULL;
    *len = 0;
    sqlite3_stmt *st = catalog_stmt(cat, "SELECT bytes FROM images WHERE sha256 = ?1", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        *bytes = malloc(*len ? *len : 1);
        if (*bytes)
            memcpy(*bytes, sqlite3_column_blob(st, 0), *len);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW && *bytes)
        return 0;
    if (rc == SQLITE_ROW) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (rc == SQLITE_DONE) {
        snprintf(err, errlen, "image %s is not in the catalog", sha);
        return -1;
    }
    return sql_fail(cat, "reading images", err, errlen);
}
