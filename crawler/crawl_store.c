/* Prepared, bound statements for everything the crawler writes; the WHERE clauses of the
 * upserts skip rows whose values are already the same (no write, no updated_at change). */
#include "crawler/crawl_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int step_done(catalog *cat, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(catalog_db(cat)));
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

/* Looks up the id of a row by one prepared SELECT with text parameters. */
static int select_id(catalog *cat, const char *sql, const char *a, const char *b, int64_t *id,
                     char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat, sql, err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen, "looking up a row id: %s", sqlite3_errmsg(catalog_db(cat)));
        return -1;
    }
    return 0;
}

int store_category(catalog *cat, const char *code, char gender, const char *name, int64_t *id,
                   char *err, size_t errlen)
{
    char g[2] = {gender, '\0'};
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO categories (code, gender, name) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (code, gender) DO UPDATE SET name = excluded.name "
        "WHERE name IS NOT excluded.name", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (step_done(cat, st, "storing a category", err, errlen))
        return -1;
    return select_id(cat, "SELECT id FROM categories WHERE code = ?1 AND gender = ?2", code, g,
                     id, err, errlen);
}

int store_outfit(catalog *cat, const char *source, const char *shop_id, const char *title,
                 const char *url, int64_t *id, char *err, size_t errlen)
{
    /* last_seen is refreshed at most once a day so that an unchanged re-crawl writes nothing */
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO outfits (source, shop_id, title, url, first_seen, last_seen) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (source, shop_id) DO UPDATE SET "
        "title = excluded.title, url = excluded.url, last_seen = excluded.last_seen "
        "WHERE title IS NOT excluded.title OR url IS NOT excluded.url "
        "OR last_seen < excluded.last_seen - 86400", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, shop_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, title && *title ? title : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, catalog_now());
    if (step_done(cat, st, "storing an outfit", err, errlen))
        return -1;
    return select_id(cat, "SELECT id FROM outfits WHERE source = ?1 AND shop_id = ?2", source,
                     shop_id, id, err, errlen);
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

int store_product(catalog *cat, const product_row *p, int64_t *id, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO products (source, shop_id, name, brand, url, kind, shop_category, "
        "image_sha256, image_url, first_seen, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
        "ON CONFLICT (source, shop_id) DO UPDATE SET name = excluded.name, "
        "brand = coalesce(excluded.brand, brand), url = excluded.url, kind = excluded.kind, "
        "shop_category = excluded.shop_category, "
        "image_sha256 = coalesce(excluded.image_sha256, image_sha256), "
        "image_url = coalesce(excluded.image_url, image_url), updated_at = excluded.updated_at "
        "WHERE name IS NOT excluded.name OR url IS NOT excluded.url "
        "OR kind IS NOT excluded.kind OR shop_category IS NOT excluded.shop_category "
        "OR (excluded.brand IS NOT NULL AND brand IS NOT excluded.brand) "
        "OR (excluded.image_sha256 IS NOT NULL AND image_sha256 IS NOT excluded.image_sha256) "
        "OR (excluded.image_url IS NOT NULL AND image_url IS NOT excluded.image_url)",
        err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, p->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->shop_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, nonempty(p->name), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, nonempty(p->brand), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, nonempty(p->url), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, nonempty(p->shop_category), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, nonempty(p->image_sha256), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, nonempty(p->image_url), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, catalog_now());
    if (step_done(cat, st, "storing a product", err, errlen))
        return -1;
    return select_id(cat, "SELECT id FROM products WHERE source = ?1 AND shop_id = ?2",
                     p->source, p->shop_id, id, err, errlen);
}

int store_link(catalog *cat, int64_t product_id, int64_t category_id, int64_t outfit_id,
               int rank, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "DELETE FROM product_categories WHERE category_id = ?1 AND rank = ?2 "
        "AND product_id <> ?3", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, category_id);
    sqlite3_bind_int(st, 2, rank);
    sqlite3_bind_int64(st, 3, product_id);
    if (step_done(cat, st, "replacing a link", err, errlen))
        return -1;
    st = catalog_stmt(cat,
        "INSERT INTO product_categories (product_id, category_id, outfit_id, rank) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (product_id, category_id) DO UPDATE SET "
        "outfit_id = excluded.outfit_id, rank = excluded.rank "
        "WHERE outfit_id IS NOT excluded.outfit_id OR rank IS NOT excluded.rank", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, category_id);
    sqlite3_bind_int64(st, 3, outfit_id);
    sqlite3_bind_int(st, 4, rank);
    return step_done(cat, st, "storing a link", err, errlen);
}

int store_trim_links(catalog *cat, int64_t category_id, int last_rank, char *err,
                     size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "DELETE FROM product_categories WHERE category_id = ?1 AND rank > ?2", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, category_id);
    sqlite3_bind_int(st, 2, last_rank);
    return step_done(cat, st, "trimming links", err, errlen);
}

static void copy_column(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(out, len, "%s", v ? (const char *)v : "");
}

int cache_lookup(catalog *cat, const char *url, cache_entry *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = catalog_stmt(cat,
        "SELECT etag, last_modified, image_sha256, body IS NOT NULL FROM http_cache "
        "WHERE url = ?1 AND status = 200", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->found = 1;
        copy_column(st, 0, out->etag, sizeof out->etag);
        copy_column(st, 1, out->last_modified, sizeof out->last_modified);
        copy_column(st, 2, out->image_sha256, sizeof out->image_sha256);
        out->has_body = sqlite3_column_int(st, 3);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        snprintf(err, errlen, "reading http_cache: %s", sqlite3_errmsg(catalog_db(cat)));
        return -1;
    }
    return 0;
}

int cache_store(catalog *cat, const char *url, const char *etag, const char *last_modified,
                int status, const char *image_sha256, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO http_cache (url, etag, last_modified, status, image_sha256, fetched_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
        "last_modified = excluded.last_modified, status = excluded.status, "
        "image_sha256 = excluded.image_sha256, body = NULL, fetched_at = excluded.fetched_at "
        "WHERE etag IS NOT excluded.etag OR last_modified IS NOT excluded.last_modified "
        "OR status IS NOT excluded.status OR image_sha256 IS NOT excluded.image_sha256 "
        "OR body IS NOT NULL",
        err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, nonempty(etag), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, nonempty(last_modified), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, status);
    sqlite3_bind_text(st, 5, nonempty(image_sha256), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, catalog_now());
    return step_done(cat, st, "storing validators", err, errlen);
}

int cache_store_page(catalog *cat, const char *url, const char *etag, const char *last_modified,
                     const char *body, size_t len, char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO http_cache (url, etag, last_modified, status, body, fetched_at) "
        "VALUES (?1, ?2, ?3, 200, ?4, ?5) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
        "last_modified = excluded.last_modified, status = 200, body = excluded.body, "
        "image_sha256 = NULL, fetched_at = excluded.fetched_at "
        "WHERE etag IS NOT excluded.etag OR last_modified IS NOT excluded.last_modified "
        "OR status IS NOT 200 OR body IS NOT excluded.body", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, nonempty(etag), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, nonempty(last_modified), -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 4, body ? body : "", len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, catalog_now());
    return step_done(cat, st, "storing a page", err, errlen);
}

int cache_page_body(catalog *cat, const char *url, char **body, size_t *len, char *err,
                    size_t errlen)
{
    *body = NULL;
    *len = 0;
    sqlite3_stmt *st = catalog_stmt(cat, "SELECT body FROM http_cache WHERE url = ?1", err,
                                    errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        *body = malloc(n + 1);
        if (*body) {
            memcpy(*body, sqlite3_column_blob(st, 0), n);
            (*body)[n] = '\0';
            *len = n;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        snprintf(err, errlen, "reading a stored page: %s", sqlite3_errmsg(catalog_db(cat)));
        return -1;
    }
    return 0;
}
