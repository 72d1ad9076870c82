/* Reading a whole (photo) file into memory with a size cap, for embed, classify and import.
 *
 * Manual: file_bytes_read() returns a malloc'd buffer the caller frees (at least one byte
 * even for an empty file) and its length, or NULL with err = "why" (missing, unreadable,
 * larger than max) and *too_large set when the cap was the reason.  Thread-safe. */
#ifndef SOLEMATE_FILE_BYTES_H
#define SOLEMATE_FILE_BYTES_H

#include <stddef.h>

/* Largest photo file accepted (bigger ones are refused, never read). */
#define FILE_BYTES_MAX ((size_t)64 << 20)

void *file_bytes_read(const char *path, size_t max, size_t *len, int *too_large, char *err,
                      size_t errlen);

#endif
