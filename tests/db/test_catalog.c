/* Tests of the catalog library: fresh schema, v1 -> v2 migration keeps data and yields the
 * fresh schema, newer schemas refused, WAL readers see consistent data during another process's
 * write, a writer killed with SIGKILL inside a transaction leaves nothing behind, images are
 * content-addressed, runs left 'running' become 'interrupted'. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/catalog.h"
#include "db/image_store.h"
#include "db/run_log.h"
#include "tests/harness.h"

static char scratch[512];

static const char *scratch_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    unlink(path);
    return path;
}

/* First column of the first row of sql, as text into out ("" when no row). */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static long query_long(sqlite3 *db, const char *sql)
{
    char text[64];
    query_text(db, sql, text, sizeof text);
    return text[0] ? atol(text) : -1;
}

/* A canonical description of the schema: every table's columns (name, type, not-null, default,
 * pk), foreign keys and indexes, in name order; equal schemas give equal strings. */
static void describe_schema(sqlite3 *db, char *out, size_t len)
{
    sqlite3_stmt *st = NULL;
    size_t used = 0;
    out[0] = '\0';
    sqlite3_prepare_v2(db,
        "SELECT m.name, p.name, p.type, p.\"notnull\", coalesce(p.dflt_value, ''), p.pk "
        "FROM sqlite_schema AS m, pragma_table_info(m.name) AS p WHERE m.type = 'table' "
        "UNION ALL SELECT m.name, 'fk:' || f.\"table\", f.\"from\", f.\"to\", f.on_delete, f.seq "
        "FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' "
        "UNION ALL SELECT m.name, 'index:' || i.name, i.\"unique\", i.origin, '', 0 "
        "FROM sqlite_schema AS m, pragma_index_list(m.name) AS i WHERE m.type = 'table' "
        "ORDER BY 1, 2, 3", -1, &st, NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW && used < len) {
        used += (size_t)snprintf(out + used, len - used, "%s|%s|%s|%s|%s|%s\n",
                                 sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                                 sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
                                 sqlite3_column_text(st, 4), sqlite3_column_text(st, 5));
    }
    sqlite3_finalize(st);
}

static catalog *open_rw(const char *path)
{
    char err[512];
    catalog *cat = catalog_open(path, CATALOG_READWRITE, 5000, err, sizeof err);
    if (!cat)
        printf("#   catalog_open(%s): %s\n", path, err);
    return cat;
}

static void test_fresh_catalog(void)
{
    catalog *cat = open_rw(scratch_path("fresh.db"));
    CHECK(cat != NULL);
    if (!cat)
        return;
    sqlite3 *db = catalog_db(cat);
    char text[256];
    CHECK(query_long(db, "PRAGMA user_version") == CATALOG_SCHEMA_VERSION);
    query_text(db, "PRAGMA integrity_check", text, sizeof text);
    CHECKF(strcmp(text, "ok") == 0, "integrity_check said %s", text);
    CHECK(query_long(db, "PRAGMA foreign_keys") == 1);
    query_text(db, "PRAGMA journal_mode", text, sizeof text);
    CHECKF(strcmp(text, "wal") == 0, "journal_mode is %s", text);
    const char *tables[] = {"categories", "products", "images", "outfits", "product_categories",
                            "http_cache", "models", "features", "neighbors", "runs", "faults"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='%s'",
                 tables[i]);
        CHECKF(query_long(db, sql) == 1, "table %s missing", tables[i]);
    }
    /* foreign keys are enforced: a product pointing at no image is refused */
    char err[256];
    CHECK(catalog_exec(cat, "INSERT INTO products (source, shop_id, image_sha256, first_seen, updated_at) "
                            "VALUES ('t', '1', 'nope', 0, 0)", err, sizeof err) == -1);
    catalog_close(cat);
    /* reopening an up-to-date catalog changes nothing */
    cat = open_rw(scratch_path("fresh.db"));
    CHECK(cat != NULL);
    catalog_close(cat);
}

static void load_v1_fixture(const char *path)
{
    char fixture[1024];
    snprintf(fixture, sizeof fixture, "%s/tests/db/catalog-v1.sql", getenv("SOLEMATE_ROOT"));
    FILE *f = fopen(fixture, "rb");
    CHECKF(f != NULL, "cannot open %s", fixture);
    if (!f)
        return;
    static char sql[65536];
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    sql[n] = '\0';
    fclose(f);
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
}

static void test_migration_from_v1_keeps_data(void)
{
    const char *old_path = scratch_path("v1.db");
    load_v1_fixture(old_path);
    catalog *cat = open_rw(old_path);
    CHECK(cat != NULL);
    if (!cat)
        return;
    sqlite3 *db = catalog_db(cat);
    char text[512];
    CHECK(query_long(db, "PRAGMA user_version") == CATALOG_SCHEMA_VERSION);
    query_text(db, "PRAGMA integrity_check", text, sizeof text);
    CHECK(strcmp(text, "ok") == 0);
    CHECK(query_long(db, "SELECT count(*) FROM categories") == 2);
    CHECK(query_long(db, "SELECT count(*) FROM product_categories") == 3);
    CHECK(query_long(db, "SELECT count(*) FROM images") == 2);
    query_text(db, "SELECT name || '/' || brand || '/' || image_url FROM products WHERE id = 10", text,
               sizeof text);
    CHECKF(strcmp(text, "젤-1130/아식스/https://image.msscdn.net/images/goods_img/20220101/100/100_1_big.jpg") == 0,
           "product 10 became %s", text);
    query_text(db, "SELECT etag || ' ' || last_modified || ' ' || image_sha256 FROM http_cache", text, sizeof text);
    CHECKF(strcmp(text, "\"e100\" Sat, 01 Jan 2022 00:00:00 GMT "
                        "1111111111111111111111111111111111111111111111111111111111111111") == 0,
           "validators became %s", text);
    CHECK(query_long(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'v1_%'") == 0);
    CHECK(query_long(db, "SELECT count(*) FROM runs WHERE status = 'ok'") == 1);
    CHECK(query_long(db, "PRAGMA foreign_keys") == 1);
    /* the migrated schema is exactly the fresh one */
    static char migrated[65536], fresh[65536];
    describe_schema(db, migrated, sizeof migrated);
    catalog *fresh_cat = open_rw(scratch_path("fresh-compare.db"));
    describe_schema(catalog_db(fresh_cat), fresh, sizeof fresh);
    CHECKF(strstr(fresh, "features|vector|BLOB|1") != NULL, "schema description incomplete:\n%s", fresh);
    CHECKF(strcmp(migrated, fresh) == 0, "migrated schema differs from fresh:\n%s\n---\n%s", migrated, fresh);
    catalog_close(fresh_cat);
    catalog_close(cat);
}

static void test_newer_schema_refused(void)
{
    const char *path = scratch_path("future.db");
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE x (a); PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    char err[512] = "";
    catalog *cat = catalog_open(path, CATALOG_READWRITE, 1000, err, sizeof err);
    CHECK(cat == NULL);
    CHECKF(strstr(err, "newer") && strstr(err, "future.db"), "error was: %s", err);
    catalog_close(cat);
    /* a non-Solemate database is not touched either */
    path = scratch_path("foreign.db");
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE other (a)", NULL, NULL, NULL);
    sqlite3_close(db);
    cat = catalog_open(path, CATALOG_READWRITE, 1000, err, sizeof err);
    CHECK(cat == NULL);
    CHECKF(strstr(err, "not a Solemate catalog") != NULL, "error was: %s", err);
}

typedef struct {
    pid_t pid;
    FILE *to_child;
    FILE *from_child;
} writer;

/* Starts the writer helper and waits until it is inside its transaction. */
static int start_writer(writer *w, const char *path, int rows)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -1;
    char helper[1024], count[16];
    snprintf(helper, sizeof helper, "%s/tests/db/helper_catalog_writer", getenv("SOLEMATE_BUILD"));
    snprintf(count, sizeof count, "%d", rows);
    w->pid = fork();
    if (w->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl(helper, helper, path, count, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    w->to_child = fdopen(in[1], "w");
    w->from_child = fdopen(out[0], "r");
    char line[64] = "";
    if (!fgets(line, sizeof line, w->from_child) || strcmp(line, "ready\n") != 0) {
        printf("#   writer helper did not get ready (%s)\n", helper);
        return -1;
    }
    return 0;
}

static int finish_writer(writer *w)
{
    fclose(w->to_child);
    fclose(w->from_child);
    int status = 0;
    waitpid(w->pid, &status, 0);
    return status;
}

static void test_reader_sees_consistent_data_during_write(void)
{
    const char *path = scratch_path("wal.db");
    catalog *reader = open_rw(path);
    CHECK(reader != NULL);
    if (!reader)
        return;
    writer w;
    CHECK(start_writer(&w, path, 500) == 0);
    /* the writer holds 500 uncommitted rows: the reader sees none, and is not blocked */
    CHECK(query_long(catalog_db(reader), "SELECT count(*) FROM categories") == 0);
    fprintf(w.to_child, "commit\n");
    fflush(w.to_child);
    int status = finish_writer(&w);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(query_long(catalog_db(reader), "SELECT count(*) FROM categories") == 500);
    catalog_close(reader);
}

static void test_killed_writer_leaves_no_partial_rows(void)
{
    const char *path = scratch_path("kill.db");
    catalog *cat = open_rw(path);
    CHECK(cat != NULL);
    catalog_close(cat);
    writer w;
    CHECK(start_writer(&w, path, 2000) == 0);
    kill(w.pid, SIGKILL);
    int status = finish_writer(&w);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cat = open_rw(path);
    CHECK(cat != NULL);
    if (!cat)
        return;
    char text[64];
    query_text(catalog_db(cat), "PRAGMA integrity_check", text, sizeof text);
    CHECK(strcmp(text, "ok") == 0);
    CHECK(query_long(catalog_db(cat), "SELECT count(*) FROM categories") == 0);
    catalog_close(cat);
}

static void test_images_are_content_addressed(void)
{
    char sha[CATALOG_SHA256_HEX];
    sha256_hex("abc", 3, sha);
    CHECK(strcmp(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    catalog *cat = open_rw(scratch_path("images.db"));
    CHECK(cat != NULL);
    if (!cat)
        return;
    char err[256];
    int inserted = -1;
    CHECK(catalog_begin(cat, err, sizeof err) == 0);
    CHECK(image_store_put(cat, "photo-bytes", 11, "image/jpeg", 10, 20, sha, &inserted, err, sizeof err) == 0);
    CHECK(inserted == 1);
    CHECK(image_store_put(cat, "photo-bytes", 11, "image/jpeg", 10, 20, sha, &inserted, err, sizeof err) == 0);
    CHECK(inserted == 0);
    CHECK(catalog_commit(cat, err, sizeof err) == 0);
    CHECK(query_long(catalog_db(cat), "SELECT count(*) FROM images") == 1);
    CHECK(query_long(catalog_db(cat), "SELECT length(bytes) FROM images") == 11);
    catalog_close(cat);
}

static void test_runs_and_faults(void)
{
    catalog *cat = open_rw(scratch_path("runs.db"));
    CHECK(cat != NULL);
    if (!cat)
        return;
    char err[256];
    int64_t first = 0, second = 0;
    CHECK(run_log_begin(cat, "crawler", "solemate-crawler", &first, err, sizeof err) == 0);
    CHECK(run_log_fault(cat, first, "http://x/y", "http", "status 404", err, sizeof err) == 0);
    /* the first run "dies"; the next one marks it interrupted */
    CHECK(run_log_begin(cat, "crawler", "solemate-crawler", &second, err, sizeof err) == 0);
    CHECK(run_log_finish(cat, second, "ok", "{\"faults\":0}", err, sizeof err) == 0);
    sqlite3 *db = catalog_db(cat);
    char text[256];
    query_text(db, "SELECT group_concat(status, ',') FROM (SELECT status FROM runs ORDER BY id)", text, sizeof text);
    CHECKF(strcmp(text, "interrupted,ok") == 0, "statuses: %s", text);
    query_text(db, "SELECT url || ' ' || kind || ' ' || reason FROM faults", text, sizeof text);
    CHECK(strcmp(text, "http://x/y http status 404") == 0);
    catalog_close(cat);
}

int main(void)
{
    const char *tmp = getenv("SOLEMATE_TMP");
    snprintf(scratch, sizeof scratch, "%s", tmp ? tmp : "/tmp");
    RUN(test_fresh_catalog);
    RUN(test_migration_from_v1_keeps_data);
    RUN(test_newer_schema_refused);
    RUN(test_reader_sees_consistent_data_during_write);
    RUN(test_killed_writer_leaves_no_partial_rows);
    RUN(test_images_are_content_addressed);
    RUN(test_runs_and_faults);
    return harness_done();
}
