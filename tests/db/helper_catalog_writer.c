/* Child process for the catalog concurrency tests: opens the catalog, starts a write
 * transaction, inserts N categories, says "ready" on stdout, then waits for a line on stdin
 * ("commit" commits, anything else rolls back) — or for its own kill -9.
 * Usage: helper_catalog_writer CATALOG N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/catalog.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        return 64;
    char err[512];
    catalog *cat = catalog_open(argv[1], CATALOG_READWRITE, 5000, err, sizeof err);
    if (!cat) {
        fprintf(stderr, "%s\n", err);
        return 74;
    }
    int n = atoi(argv[2]);
    if (catalog_begin(cat, err, sizeof err))
        return 74;
    for (int i = 0; i < n; i++) {
        sqlite3_stmt *st = catalog_stmt(cat,
            "INSERT INTO categories (code, gender, name) VALUES (?1, 'M', 'writer')", err, sizeof err);
        char code[32];
        snprintf(code, sizeof code, "w%d", i);
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        if (!st || sqlite3_step(st) != SQLITE_DONE)
            return 74;
    }
    printf("ready\n");
    fflush(stdout);
    char line[64] = "";
    if (fgets(line, sizeof line, stdin) && strncmp(line, "commit", 6) == 0) {
        if (catalog_commit(cat, err, sizeof err))
            return 74;
    } else {
        catalog_rollback(cat);
    }
    catalog_close(cat);
    return 0;
}
