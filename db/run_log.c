/* Rows of the runs and faults tables: the record of what each program run did and what failed. */
#include "db/run_log.h"

#include <stdio.h>

static int step_done(catalog *cat, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(catalog_db(cat)));
        return -1;
    }
    return 0;
}

int run_log_begin(catalog *cat, const char *program, const char *args, int64_t *run_id,
                  char *err, size_t errlen)
{
    if (catalog_begin(cat, err, errlen))
        return -1;
    sqlite3_stmt *st = catalog_stmt(cat,
        "UPDATE runs SET status = 'interrupted' WHERE program = ?1 AND status = 'running'",
        err, errlen);
    if (!st)
        goto failed;
    sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
    if (step_done(cat, st, "closing interrupted runs", err, errlen))
        goto failed;
    st = catalog_stmt(cat, "INSERT INTO runs (program, args, started_at) VALUES (?1, ?2, ?3)",
                      err, errlen);
    if (!st)
        goto failed;
    sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, args, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, catalog_now());
    if (step_done(cat, st, "recording the run", err, errlen))
        goto failed;
    *run_id = sqlite3_last_insert_rowid(catalog_db(cat));
    return catalog_commit(cat, err, errlen);
failed:
    catalog_rollback(cat);
    return -1;
}

int run_log_fault(catalog *cat, int64_t run_id, const char *url, const char *kind,
                  const char *reason, char *err, size_t errlen)
{
    int own_tx = sqlite3_get_autocommit(catalog_db(cat));
    if (own_tx && catalog_begin(cat, err, errlen))
        return -1;
    sqlite3_stmt *st = catalog_stmt(cat,
        "INSERT INTO faults (run_id, url, kind, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, catalog_now());
        rc = step_done(cat, st, "recording a fault", err, errlen);
    }
    if (own_tx) {
        if (rc == 0)
            return catalog_commit(cat, err, errlen);
        catalog_rollback(cat);
    }
    return rc;
}

int run_log_finish(catalog *cat, int64_t run_id, const char *status, const char *summary_json,
                   char *err, size_t errlen)
{
    sqlite3_stmt *st = catalog_stmt(cat,
        "UPDATE runs SET status = ?2, summary = ?3, finished_at = ?4 WHERE id = ?1", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, summary_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, catalog_now());
    return step_done(cat, st, "closing the run", err, errlen);
}
