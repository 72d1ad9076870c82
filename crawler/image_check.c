/* Content sniffing (JPEG, PNG, GIF, WebP, BMP magic) and a single stb_image decode; JPEG/PNG/GIF
 * must also end with their end marker, since stb_image fills a truncated JPEG with grey. */
#include "crawler/image_check.h"

#include <stb_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *image_check_sniff(const unsigned char *b, size_t len)
{
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return "image/jpeg";
    if (len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (len >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
        return "image/gif";
    if (len >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
        return "image/webp";
    if (len >= 2 && b[0] == 'B' && b[1] == 'M')
        return "image/bmp";
    return NULL;
}

/* The format's end marker is present (trailing padding bytes tolerated for JPEG). */
static int complete(const char *mime, const unsigned char *b, size_t len)
{
    if (!strcmp(mime, "image/jpeg")) {
        size_t end = len;
        while (end > 2 && (b[end - 1] == 0x00 || b[end - 1] == '\n' || b[end - 1] == '\r'))
            end--;
        return end >= 4 && b[end - 2] == 0xFF && b[end - 1] == 0xD9;
    }
    if (!strcmp(mime, "image/png"))
        return len >= 20 && !memcmp(b + len - 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
    if (!strcmp(mime, "image/gif"))
        return b[len - 1] == 0x3B;
    return 1;
}

int image_check(const unsigned char *bytes, size_t len, const char **mime, int *width,
                int *height, const char **kind, char *why, size_t whylen)
{
    const char *type = image_check_sniff(bytes, len);
    if (!type) {
        *kind = "not-image";
        snprintf(why, whylen, "the bytes are no known image type (%zu bytes)", len);
        return -1;
    }
    *kind = "bad-image";
    if (!strcmp(type, "image/webp")) {
        snprintf(why, whylen, "WebP cannot be decoded here");
        return -1;
    }
    if (len > (size_t)0x7fffffff) {
        snprintf(why, whylen, "image too large to decode");
        return -1;
    }
    if (!complete(type, bytes, len)) {
        snprintf(why, whylen, "truncated %s (%zu bytes, no end marker)", type, len);
        return -1;
    }
    int w = 0, h = 0, comp = 0;
    if (!stbi_info_from_memory(bytes, (int)len, &w, &h, &comp) || w <= 0 || h <= 0 ||
        (long long)w * h > 40000000LL) {
        snprintf(why, whylen, "undecodable %s header", type);
        return -1;
    }
    unsigned char *pixels = stbi_load_from_memory(bytes, (int)len, &w, &h, &comp, 0);
    if (!pixels) {
        snprintf(why, whylen, "undecodable %s: %s", type, stbi_failure_reason());
        return -1;
    }
    stbi_image_free(pixels);
    *mime = type;
    *width = w;
    *height = h;
    return 0;
}
