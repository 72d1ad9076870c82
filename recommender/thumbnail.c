/* Decode, shrink and re-encode one photo as a gallery thumbnail (see thumbnail.h). */
#include "recommender/thumbnail.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>

int thumbnail_write(const unsigned char *bytes, size_t len, const char *path, int max_side, char *err,
                    size_t errlen)
{
    int w = 0, h = 0, channels = 0;
    if (len == 0 || len > 0x7fffffff || !stbi_info_from_memory(bytes, (int)len, &w, &h, &channels)) {
        snprintf(err, errlen, "not a decodable image");
        return -1;
    }
    if ((long)w * h > THUMBNAIL_MAX_PIXELS) {
        snprintf(err, errlen, "%dx%d pixels is too large", w, h);
        return -1;
    }
    unsigned char *pixels = stbi_load_from_memory(bytes, (int)len, &w, &h, &channels, 3);
    if (!pixels) {
        snprintf(err, errlen, "cannot decode: %s", stbi_failure_reason());
        return -1;
    }
    int tw = w, th = h;
    if (w > max_side || h > max_side) {
        tw = w >= h ? max_side : (int)((long)w * max_side / h);
        th = w >= h ? (int)((long)h * max_side / w) : max_side;
        tw = tw < 1 ? 1 : tw;
        th = th < 1 ? 1 : th;
    }
    unsigned char *small = malloc((size_t)tw * th * 3);
    int rc = -1;
    if (!small)
        snprintf(err, errlen, "out of memory");
    else if (!stbir_resize_uint8(pixels, w, h, 0, small, tw, th, 0, 3))
        snprintf(err, errlen, "cannot resize");
    else if (!stbi_write_jpg(path, tw, th, 3, small, 85))
        snprintf(err, errlen, "cannot write %s", path);
    else
        rc = 0;
    free(small);
    stbi_image_free(pixels);
    return rc;
}
