/* Is this response body a real image?  The type is sniffed from the bytes (never from the URL
 * or Content-Type), the file is decoded once with stb_image to learn width and height, and a
 * file cut short is rejected even where the decoder would pad it.
 *
 * Manual: image_check() returns 0 and fills mime (a static string) and the size, or -1 with a
 * one-line reason in why and *kind = "not-image" (not an image type at all) or "bad-image"
 * (an image type that is truncated, undecodable or unsupported).  Reads only [0, len).
 * Thread-safe. */
#ifndef SOLEMATE_IMAGE_CHECK_H
#define SOLEMATE_IMAGE_CHECK_H

#include <stddef.h>

/* The MIME type the magic bytes announce, or NULL. */
const char *image_check_sniff(const unsigned char *bytes, size_t len);

int image_check(const unsigned char *bytes, size_t len, const char **mime, int *width,
                int *height, const char **kind, char *why, size_t whylen);

#endif
