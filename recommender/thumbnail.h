/* Small JPEG thumbnails of stored photos for the gallery (stb_image decode, stb_image_resize,
 * stb_image_write).
 *
 * Manual: thumbnail_write() decodes bytes (any format stb_image reads), scales the photo so its
 * longer side is at most max_side pixels (never up) and writes a JPEG to path.  Photos over
 * THUMBNAIL_MAX_PIXELS are refused before decoding.  Returns 0, or -1 with err saying why. */
#ifndef SOLEMATE_THUMBNAIL_H
#define SOLEMATE_THUMBNAIL_H

#include <stddef.h>

#define THUMBNAIL_MAX_PIXELS (64L * 1024 * 1024)

int thumbnail_write(const unsigned char *bytes, size_t len, const char *path, int max_side, char *err,
                    size_t errlen);

#endif
