/* Tests of content sniffing and the decode check: JPEG/PNG/GIF made with stb_image_write are
 * accepted with their true size whatever their name; HTML, empty and random bytes are
 * "not-image"; a truncated JPEG or PNG, a corrupt header and WebP are "bad-image". */
#include <stb_image_write.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/image_check.h"
#include "tests/harness.h"

typedef struct {
    unsigned char *bytes;
    size_t len;
} buffer;

static void append(void *ctx, void *data, int size)
{
    buffer *b = ctx;
    unsigned char *grown = realloc(b->bytes, b->len + (size_t)size);
    if (!grown)
        return;
    memcpy(grown + b->len, data, (size_t)size);
    b->bytes = grown;
    b->len += (size_t)size;
}

static unsigned char pixels[40 * 30 * 3];

static buffer encode(char format)
{
    buffer b = {NULL, 0};
    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = (unsigned char)(i * 7);
    if (format == 'j')
        stbi_write_jpg_to_func(append, &b, 40, 30, 3, pixels, 90);
    else
        stbi_write_png_to_func(append, &b, 40, 30, 3, pixels, 40 * 3);
    return b;
}

static int check(const void *bytes, size_t len, const char **mime, const char **kind)
{
    int w = 0, h = 0;
    char why[200];
    int rc = image_check(bytes, len, mime, &w, &h, kind, why, sizeof why);
    if (rc == 0 && (w != 40 || h != 30))
        return -2;
    return rc;
}

static void test_real_images(void)
{
    const char *mime = NULL, *kind = NULL;
    buffer jpg = encode('j'), png = encode('p');
    CHECK(jpg.len > 100 && check(jpg.bytes, jpg.len, &mime, &kind) == 0 &&
          !strcmp(mime, "image/jpeg"));
    CHECK(png.len > 100 && check(png.bytes, png.len, &mime, &kind) == 0 &&
          !strcmp(mime, "image/png"));
    CHECK(check(jpg.bytes, jpg.len / 2, &mime, &kind) == -1 && !strcmp(kind, "bad-image"));
    CHECK(check(png.bytes, png.len - 20, &mime, &kind) == -1 && !strcmp(kind, "bad-image"));
    unsigned char *broken = malloc(jpg.len);
    memcpy(broken, jpg.bytes, jpg.len);
    memset(broken + 3, 0xEE, 60); /* header garbage, end marker intact */
    CHECK(check(broken, jpg.len, &mime, &kind) == -1);
    free(broken);
    free(jpg.bytes);
    free(png.bytes);
}

static void test_not_images(void)
{
    const char *mime = NULL, *kind = NULL;
    const char *html = "<html><body>error</body></html>";
    CHECK(check(html, strlen(html), &mime, &kind) == -1 && !strcmp(kind, "not-image"));
    CHECK(check("", 0, &mime, &kind) == -1 && !strcmp(kind, "not-image"));
    CHECK(check("\xff\xd8", 2, &mime, &kind) == -1);
    const unsigned char webp[] = "RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00";
    CHECK(image_check_sniff(webp, sizeof webp - 1) && !strcmp(image_check_sniff(webp, sizeof webp - 1), "image/webp"));
    CHECK(check(webp, sizeof webp - 1, &mime, &kind) == -1 && !strcmp(kind, "bad-image"));
    const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
    CHECK(check(gif, sizeof gif - 1, &mime, &kind) == -1);
}

int main(void)
{
    RUN(test_real_images);
    RUN(test_not_images);
    return harness_done();
}
