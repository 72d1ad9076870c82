/* Whole-file reads behind file_bytes.h: fstat for the size cap, then one fread loop. */
#define _POSIX_C_SOURCE 200809L
#include "extractor/file_bytes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void *file_bytes_read(const char *path, size_t max, size_t *len, int *too_large, char *err,
                      size_t errlen)
{
    *too_large = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        fclose(f);
        return NULL;
    }
    if ((unsigned long long)st.st_size > max) {
        snprintf(err, errlen, "%lld bytes exceeds the %zu MB limit", (long long)st.st_size, max >> 20);
        *too_large = 1;
        fclose(f);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        fclose(f);
        return NULL;
    }
    size_t got = fread(buf, 1, size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || got != size) {
        snprintf(err, errlen, "read error (file changed while reading?)");
        free(buf);
        return NULL;
    }
    *len = got;
    return buf;
}
