/* Decoding product photos (JPEG, PNG, GIF) from memory into 8-bit RGB with stb_image, refusing
 * anything hostile before it can cost memory.
 *
 * Manual: image_sniff() names the type from the magic bytes (NULL: not a supported image).
 * image_decode() checks the header with stbi_info_from_memory() and rejects dimensions above
 * max_side or max_pixels BEFORE anything is allocated, requires a JPEG to be complete (its EOI
 * marker after the scan data) and then decodes to RGB; it returns 0 and fills *img (free with
 * image_free()), or -1 with *kind set to a short class for the faults table ('empty',
 * 'not-image', 'too-large', 'corrupt') and why to one line.  No global state:
 * safe to call from any thread at once. */
#ifndef SOLEMATE_IMAGE_DECODE_H
#define SOLEMATE_IMAGE_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Limits used by the programs: large enough for any product photo, small enough that a batch
 * of decoded images fits in memory. */
#define IMAGE_MAX_SIDE 16384
#define IMAGE_MAX_PIXELS (40L * 1000 * 1000)

typedef struct {
    int width, height;
    uint8_t *rgb; /* height x width x 3, row-major */
} image_rgb;

/* "image/jpeg", "image/png", "image/gif", or NULL. */
const char *image_sniff(const void *bytes, size_t len);

/* The width and height the header states, without decoding; 0 or -1 as image_decode(). */
int image_probe(const void *bytes, size_t len, int max_side, long max_pixels, int *width,
                int *height, const char **kind, char *why, size_t whylen);

int image_decode(const void *bytes, size_t len, int max_side, long max_pixels, image_rgb *img,
                 const char **kind, char *why, size_t whylen);
void image_free(image_rgb *img);

#endif
