/* Photo decoding behind image_decode.h: type sniffing, header limits checked before any
 * allocation, a completeness check for JPEG (stb_image decodes truncated scans as grey), then
 * stb_image's decoder to RGB. */
#include "extractor/image_decode.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image.h>

const char *image_sniff(const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return "image/gif";
    return NULL;
}

/* Walks the JPEG marker segments and the entropy-coded data after each SOS; true when an EOI
 * marker ends the stream.  Entropy data never contains FF followed by anything but 00 or a
 * restart marker, so the walk cannot mistake scan bytes for markers. */
static int jpeg_complete(const unsigned char *p, size_t len)
{
    size_t i = 2;
    while (i + 2 <= len) {
        if (p[i] != 0xFF)
            return 0;
        unsigned m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xD9)
            return 1;
        if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) {
            i += 2;
            continue;
        }
        if (i + 4 > len)
            return 0;
        size_t seglen = (size_t)p[i + 2] << 8 | p[i + 3];
        if (seglen < 2)
            return 0;
        i += 2 + seglen;
        if (m == 0xDA)
            while (i + 1 < len && !(p[i] == 0xFF && p[i + 1] != 0 && !(p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7)))
                i++;
    }
    return 0;
}

static int fail(const char **kind, const char *k, char *why, size_t whylen, const char *fmt,
                const char *detail)
{
    *kind = k;
    snprintf(why, whylen, fmt, detail);
    return -1;
}

int image_probe(const void *bytes, size_t len, int max_side, long max_pixels, int *width,
                int *height, const char **kind, char *why, size_t whylen)
{
    if (len == 0)
        return fail(kind, "empty", why, whylen, "%s", "zero bytes");
    const char *mime = image_sniff(bytes, len);
    if (!mime)
        return fail(kind, "not-image", why, whylen, "%s", "not a JPEG, PNG or GIF image");
    if (len > INT_MAX)
        return fail(kind, "too-large", why, whylen, "%s", "file larger than 2 GB");
    int w = 0, h = 0, n = 0;
    /* stb refuses some huge PNG sizes itself with a vague message: read those fields first */
    if (strcmp(mime, "image/png") == 0 && len >= 24 && memcmp((const char *)bytes + 12, "IHDR", 4) == 0) {
        const unsigned char *p = bytes;
        unsigned long pw = (unsigned long)p[16] << 24 | (unsigned long)p[17] << 16 | p[18] << 8 | p[19];
        unsigned long ph = (unsigned long)p[20] << 24 | (unsigned long)p[21] << 16 | p[22] << 8 | p[23];
        w = pw > INT_MAX ? INT_MAX : (int)pw;
        h = ph > INT_MAX ? INT_MAX : (int)ph;
    }
    if ((w || h) && (w > max_side || h > max_side || (long)w * h > max_pixels))
        goto too_large;
    if (!stbi_info_from_memory(bytes, (int)len, &w, &h, &n))
        return fail(kind, "corrupt", why, whylen, "unreadable header: %s", stbi_failure_reason());
    if (w <= 0 || h <= 0 || w > max_side || h > max_side || (long)w * h > max_pixels) {
too_large:
        *kind = "too-large";
        snprintf(why, whylen, "%dx%d pixels exceeds the limit (%d per side, %ld in all)", w, h,
                 max_side, max_pixels);
        return -1;
    }
    if (strcmp(mime, "image/jpeg") == 0 && !jpeg_complete(bytes, len))
        return fail(kind, "corrupt", why, whylen, "%s", "truncated JPEG (no end-of-image marker)");
    *width = w;
    *height = h;
    return 0;
}

int image_decode(const void *bytes, size_t len, int max_side, long max_pixels, image_rgb *img,
                 const char **kind, char *why, size_t whylen)
{
    img->rgb = NULL;
    int w, h, n = 0, dw = 0, dh = 0;
    if (image_probe(bytes, len, max_side, max_pixels, &w, &h, kind, why, whylen))
        return -1;
    unsigned char *rgb = stbi_load_from_memory(bytes, (int)len, &dw, &dh, &n, 3);
    if (!rgb)
        return fail(kind, "corrupt", why, whylen, "cannot decode: %s", stbi_failure_reason());
    if (dw != w || dh != h) {
        stbi_image_free(rgb);
        return fail(kind, "corrupt", why, whylen, "%s", "decoded size differs from the header");
    }
    img->width = w;
    img->height = h;
    img->rgb = rgb;
    return 0;
}

void image_free(image_rgb *img)
{
    if (img && img->rgb) {
        stbi_image_free(img->rgb);
        img->rgb = NULL;
    }
}
