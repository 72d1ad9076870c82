/* flock(2)-based exclusive lock beside the catalog file. */
#define _DEFAULT_SOURCE
#include "crawler/crawl_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int crawl_lock_acquire(const char *catalog_path, int *fd, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.crawl.lock", catalog_path);
    int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        snprintf(err, errlen, "%s: %s", path,
                 busy ? "another crawl is running (lock held)" : strerror(errno));
        close(lock);
        return busy ? 1 : -1;
    }
    *fd = lock;
    return 0;
}

void crawl_lock_release(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}
