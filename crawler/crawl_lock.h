/* The crawl lock: an exclusive flock on "<catalog>.crawl.lock", so cron can start crawls
 * without ever running two at once.  The kernel drops the lock when the process dies.
 *
 * Manual: crawl_lock_acquire(catalog_path, &fd, err, len) returns 0 (holding the lock),
 * 1 when another process holds it, -1 on an I/O error (err filled); crawl_lock_release(fd)
 * unlocks and closes.  The lock file is left in place (removing it would race). */
#ifndef SOLEMATE_CRAWL_LOCK_H
#define SOLEMATE_CRAWL_LOCK_H

#include <stddef.h>

int crawl_lock_acquire(const char *catalog_path, int *fd, char *err, size_t errlen);
void crawl_lock_release(int fd);

#endif
