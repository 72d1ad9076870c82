/* The catalog library: the one SQLite database the three programs share.
 *
 * Manual:
 *   catalog *cat = catalog_open(path, CATALOG_READWRITE, busy_ms, err, sizeof err);
 *   creates the file and the schema when new, migrates an older schema forward, refuses a newer
 *   one; sets WAL, foreign_keys=ON and the busy timeout.  NULL + err (one line) on failure.
 *   catalog_db(cat) is the sqlite3 handle for the caller's own prepared statements (each
 *   program keeps its queries in a *_store.c file of its own).  Writes go inside
 *   catalog_begin()/catalog_commit() (BEGIN IMMEDIATE), catalog_rollback() on any error.
 *   A catalog handle belongs to one thread at a time.  Strings returned are owned by the
 *   caller's buffers; nothing here keeps pointers into caller memory. */
#ifndef SOLEMATE_CATALOG_H
#define SOLEMATE_CATALOG_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define CATALOG_SCHEMA_VERSION 2
#define CATALOG_SHA256_HEX 65 /* 64 hex digits + NUL */

typedef struct catalog catalog;

typedef enum { CATALOG_READWRITE = 0, CATALOG_READONLY = 1 } catalog_mode;

catalog *catalog_open(const char *path, catalog_mode mode, int busy_timeout_ms, char *err,
                      size_t errlen);
void catalog_close(catalog *cat);
sqlite3 *catalog_db(catalog *cat);
const char *catalog_path(const catalog *cat);

/* Transactions.  Each returns 0, or -1 with err filled. */
int catalog_begin(catalog *cat, char *err, size_t errlen);
int catalog_commit(catalog *cat, char *err, size_t errlen);
void catalog_rollback(catalog *cat);

/* Prepares sql once per handle and caches it; the statement is reset and its bindings cleared
 * before it is returned.  NULL + err on a syntax error (a programming error).  Step a SELECT to
 * SQLITE_DONE or sqlite3_reset() it when done, so it holds no read snapshot afterwards. */
sqlite3_stmt *catalog_stmt(catalog *cat, const char *sql, char *err, size_t errlen);

/* Runs one statement with no result rows (sql must have no parameters). */
int catalog_exec(catalog *cat, const char *sql, char *err, size_t errlen);

/* Current time in Unix seconds (one place, so tests can reason about it). */
int64_t catalog_now(void);

#endif
