/* Opening, creating and migrating the catalog; transactions and a per-handle cache of prepared
 * statements.  The schema text itself comes embedded from db/schema.sql (db/schema_blob.S). */
#define _POSIX_C_SOURCE 200809L
#include "db/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/catalog_sql.h"

#define SCHEMA_MARKER "-- @@SCHEMA@@\n"

typedef struct {
    char *sql;
    sqlite3_stmt *stmt;
} cached_stmt;

struct catalog {
    sqlite3 *db;
    char *path;
    cached_stmt *stmts;
    size_t nstmts, capstmts;
};

int64_t catalog_now(void) { return (int64_t)time(NULL); }
sqlite3 *catalog_db(catalog *cat) { return cat->db; }
const char *catalog_path(const catalog *cat) { return cat->path; }

static int fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

int catalog_exec(catalog *cat, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(cat->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int catalog_begin(catalog *cat, char *err, size_t errlen)
{
    return catalog_exec(cat, "BEGIN IMMEDIATE", err, errlen) ? -1 : 0;
}

int catalog_commit(catalog *cat, char *err, size_t errlen)
{
    if (catalog_exec(cat, "COMMIT", err, errlen)) {
        catalog_rollback(cat);
        return -1;
    }
    return 0;
}

void catalog_rollback(catalog *cat)
{
    if (!sqlite3_get_autocommit(cat->db))
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *catalog_stmt(catalog *cat, const char *sql, char *err, size_t errlen)
{
    for (size_t i = 0; i < cat->nstmts; i++) {
        if (strcmp(cat->stmts[i].sql, sql) == 0) {
            sqlite3_reset(cat->stmts[i].stmt);
            sqlite3_clear_bindings(cat->stmts[i].stmt);
            return cat->stmts[i].stmt;
        }
    }
    if (cat->nstmts == cat->capstmts) {
        size_t cap = cat->capstmts ? 2 * cat->capstmts : 32;
        cached_stmt *grown = realloc(cat->stmts, cap * sizeof *grown);
        if (!grown) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        cat->stmts = grown;
        cat->capstmts = cap;
    }
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(cat->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
        fail(cat->db, "preparing a statement", err, errlen);
        return NULL;
    }
    char *copy = strdup(sql);
    if (!copy) {
        sqlite3_finalize(stmt);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cat->stmts[cat->nstmts++] = (cached_stmt){copy, stmt};
    return stmt;
}

static int user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int table_count(sqlite3 *db, int *count)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int set_user_version(catalog *cat, int version, char *err, size_t errlen)
{
    /* PRAGMA takes no bound parameters; version is a compile-time constant of ours */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    return catalog_exec(cat, sql, err, errlen);
}

/* Runs a migration script: the part before the schema marker, schema.sql, then the rest. */
static int run_migration_script(catalog *cat, const char *script, char *err, size_t errlen)
{
    const char *marker = strstr(script, SCHEMA_MARKER);
    if (!marker)
        return catalog_exec(cat, script, err, errlen);
    char *before = strndup(script, (size_t)(marker - script));
    if (!before) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = catalog_exec(cat, before, err, errlen);
    free(before);
    if (rc == 0)
        rc = catalog_exec(cat, catalog_schema_sql, err, errlen);
    if (rc == 0)
        rc = catalog_exec(cat, marker + strlen(SCHEMA_MARKER), err, errlen);
    return rc;
}

static int foreign_keys_ok(catalog *cat, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(cat->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
        return fail(cat->db, "checking foreign keys", err, errlen);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(err, errlen, "foreign key violation in table %s after migration",
                 (const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE)
        fail(cat->db, "checking foreign keys", err, errlen);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Brings the schema to CATALOG_SCHEMA_VERSION: creates it in an empty file, migrates older
 * versions one step at a time, each step one transaction. */
static int ensure_schema(catalog *cat, char *err, size_t errlen)
{
    static const char *const steps[CATALOG_SCHEMA_VERSION] = {
        [1] = catalog_migrate_v1_to_v2_sql,
    };
    for (;;) {
        if (catalog_begin(cat, err, errlen))
            return -1;
        int version = 0, tables = 0;
        if (user_version(cat->db, &version) || table_count(cat->db, &tables)) {
            fail(cat->db, "reading the schema version", err, errlen);
            catalog_rollback(cat);
            return -1;
        }
        if (version == CATALOG_SCHEMA_VERSION) {
            catalog_rollback(cat);
            return 0;
        }
        if (version > CATALOG_SCHEMA_VERSION) {
            snprintf(err, errlen, "schema version %d is newer than this program's %d", version,
                     CATALOG_SCHEMA_VERSION);
            catalog_rollback(cat);
            return -1;
        }
        if (version == 0 && tables > 0) {
            snprintf(err, errlen, "not a Solemate catalog (tables present, no schema version)");
            catalog_rollback(cat);
            return -1;
        }
        const char *script = version == 0 ? catalog_schema_sql : steps[version];
        int next = version == 0 ? CATALOG_SCHEMA_VERSION : version + 1;
        if (run_migration_script(cat, script, err, errlen) || foreign_keys_ok(cat, err, errlen) ||
            set_user_version(cat, next, err, errlen) || catalog_commit(cat, err, errlen)) {
            char why[512];
            snprintf(why, sizeof why, "%s", err);
            snprintf(err, errlen, "migrating schema %d to %d: %s", version, next, why);
            catalog_rollback(cat);
            return -1;
        }
    }
}

catalog *catalog_open(const char *path, catalog_mode mode, int busy_timeout_ms, char *err,
                      size_t errlen)
{
    catalog *cat = calloc(1, sizeof *cat);
    if (!cat || !(cat->path = strdup(path))) {
        free(cat);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    int flags = mode == CATALOG_READONLY ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    char why[768] = "";
    if (sqlite3_open_v2(path, &cat->db, flags, NULL) != SQLITE_OK) {
        snprintf(why, sizeof why, "%s", cat->db ? sqlite3_errmsg(cat->db) : "out of memory");
        goto failed;
    }
    sqlite3_extended_result_codes(cat->db, 1);
    sqlite3_busy_timeout(cat->db, busy_timeout_ms);
    if (mode == CATALOG_READWRITE) {
        /* WAL: readers never block the writer and see the last committed state.  Foreign keys
         * go on only after the schema is current: a migration renames tables, which must not
         * rewrite other tables' REFERENCES clauses (it checks the keys itself before commit). */
        if (catalog_exec(cat, "PRAGMA journal_mode = WAL", why, sizeof why) ||
            catalog_exec(cat, "PRAGMA synchronous = NORMAL", why, sizeof why) ||
            ensure_schema(cat, why, sizeof why) ||
            catalog_exec(cat, "PRAGMA foreign_keys = ON", why, sizeof why))
            goto failed;
    } else {
        if (catalog_exec(cat, "PRAGMA foreign_keys = ON", why, sizeof why))
            goto failed;
        int version = 0;
        if (user_version(cat->db, &version)) {
            snprintf(why, sizeof why, "%s", sqlite3_errmsg(cat->db));
            goto failed;
        }
        if (version != CATALOG_SCHEMA_VERSION) {
            snprintf(why, sizeof why, "schema version %d, expected %d (open it read-write once)",
                     version, CATALOG_SCHEMA_VERSION);
            goto failed;
        }
    }
    return cat;
failed:
    snprintf(err, errlen, "%s: %s", path, why);
    catalog_close(cat);
    return NULL;
}

void catalog_close(catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->nstmts; i++) {
        sqlite3_finalize(cat->stmts[i].stmt);
        free(cat->stmts[i].sql);
    }
    free(cat->stmts);
    sqlite3_close(cat->db);
    free(cat->path);
    free(cat);
}
