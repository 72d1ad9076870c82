/* Hostile photo inputs are rejected cleanly, one test each: zero bytes, not an image,
 * truncated JPEG, a PNG whose header lies about its size, dimensions beyond the limit (PNG and
 * JPEG headers claiming 65535-pixel sides, refused before any allocation), garbage after a
 * JPEG signature; and genuine photos decode with the size their header states. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image_write.h>

#include "extractor/image_decode.h"
#include "tests/harness.h"

static unsigned char *dog;
static size_t dog_len;

static void load_dog(void)
{
    FILE *f = fopen("/usr/share/darknet/data/dog.jpg", "rb");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    dog_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    dog = malloc(dog_len);
    if (fread(dog, 1, dog_len, f) != dog_len)
        dog_len = 0;
    fclose(f);
}

/* Decodes and expects failure with this kind (and nothing allocated). */
static void expect_reject(const void *bytes, size_t len, const char *want_kind, const char *label)
{
    image_rgb img = {0, 0, (uint8_t *)"x"};
    const char *kind = NULL;
    char why[256] = "";
    int rc = image_decode(bytes, len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &img, &kind, why, sizeof why);
    CHECKF(rc == -1, "%s accepted", label);
    CHECKF(img.rgb == NULL, "%s left pixels behind", label);
    CHECKF(kind && strcmp(kind, want_kind) == 0, "%s: kind %s, want %s", label, kind ? kind : "(null)", want_kind);
    CHECKF(why[0] && !strchr(why, '\n'), "%s: reason '%s' not one line", label, why);
    printf("# %s: %s: %s\n", label, kind ? kind : "?", why);
    image_free(&img);
}

static void test_zero_bytes(void) { expect_reject("", 0, "empty", "zero bytes"); }

static void test_not_an_image(void)
{
    const char *text = "<html><body>404 not found</body></html>";
    expect_reject(text, strlen(text), "not-image", "HTML page");
}

static void test_truncated_jpeg(void)
{
    CHECK(dog_len > 1000);
    expect_reject(dog, dog_len / 2, "corrupt", "half of dog.jpg");
    expect_reject(dog, dog_len - 2, "corrupt", "dog.jpg without its EOI marker");
    expect_reject(dog, 200, "corrupt", "dog.jpg header only");
}

typedef struct {
    unsigned char bytes[4096];
    int len;
} png_buffer;

static void png_append(void *ctx, void *data, int size)
{
    png_buffer *b = ctx;
    if (b->len + size <= (int)sizeof b->bytes)
        memcpy(b->bytes + b->len, data, (size_t)size);
    b->len += size;
}

/* An 8x8 PNG made by stb_image_write, in a malloc'd buffer. */
static unsigned char *small_png(int *len)
{
    uint8_t pixels[8 * 8 * 3];
    for (int i = 0; i < (int)sizeof pixels; i++)
        pixels[i] = (uint8_t)(i * 7);
    static png_buffer b;
    b.len = 0;
    if (!stbi_write_png_to_func(png_append, &b, 8, 8, 3, pixels, 8 * 3) || b.len > (int)sizeof b.bytes)
        return NULL;
    unsigned char *copy = malloc((size_t)b.len);
    if (copy)
        memcpy(copy, b.bytes, (size_t)b.len);
    *len = b.len;
    return copy;
}

static void set_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void test_lying_header(void)
{
    int len = 0;
    unsigned char *png = small_png(&len);
    CHECK(png && len > 33);
    if (!png)
        return;
    /* IHDR width/height at offsets 16 and 20: claim 64x64 with the pixel data of 8x8 */
    set_be32(png + 16, 64);
    set_be32(png + 20, 64);
    expect_reject(png, (size_t)len, "corrupt", "PNG claiming 64x64 with 8x8 data");
    free(png);
}

static void test_huge_dimensions(void)
{
    int len = 0;
    unsigned char *png = small_png(&len);
    if (png) {
        set_be32(png + 16, 65535);
        set_be32(png + 20, 65535);
        expect_reject(png, (size_t)len, "too-large", "PNG claiming 65535x65535");
        set_be32(png + 16, 1000000);
        set_be32(png + 20, 1);
        expect_reject(png, (size_t)len, "too-large", "PNG claiming 1000000x1");
        free(png);
    }
    /* dog.jpg with its baseline SOF0 frame size set to 65535x65535 */
    unsigned char *big = malloc(dog_len);
    if (big && dog_len) {
        memcpy(big, dog, dog_len);
        int patched = 0;
        for (size_t i = 2; i + 9 < dog_len && !patched; i++)
            if (big[i] == 0xFF && (big[i + 1] == 0xC0 || big[i + 1] == 0xC2)) {
                big[i + 5] = big[i + 6] = big[i + 7] = big[i + 8] = 0xFF;
                patched = 1;
            }
        CHECK(patched);
        expect_reject(big, dog_len, "too-large", "JPEG claiming 65535x65535");
    }
    free(big);
    /* the limit is the caller's: a tight one refuses a genuine photo, again without decoding */
    image_rgb img;
    const char *kind = NULL;
    char why[256];
    CHECK(image_decode(dog, dog_len, 4096, 768L * 575, &img, &kind, why, sizeof why) == -1);
    CHECK(kind && strcmp(kind, "too-large") == 0);
}

static void test_garbage_after_signature(void)
{
    unsigned char junk[4096];
    junk[0] = 0xFF, junk[1] = 0xD8, junk[2] = 0xFF;
    for (size_t i = 3; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 131 + 17);
    expect_reject(junk, sizeof junk, "corrupt", "JPEG signature + garbage");
    memcpy(junk, "\x89PNG\r\n\x1a\n", 8);
    expect_reject(junk, sizeof junk, "corrupt", "PNG signature + garbage");
}

static void test_genuine_photos_decode(void)
{
    image_rgb img;
    const char *kind = NULL;
    char why[256];
    int w = 0, h = 0;
    CHECK(image_probe(dog, dog_len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &w, &h, &kind, why, sizeof why) == 0);
    CHECK(w == 768 && h == 576);
    CHECK(image_decode(dog, dog_len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &img, &kind, why, sizeof why) == 0);
    CHECK(img.width == 768 && img.height == 576 && img.rgb != NULL);
    image_free(&img);
    CHECK(img.rgb == NULL);
    int len = 0;
    unsigned char *png = small_png(&len);
    CHECK(png && image_decode(png, (size_t)len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &img, &kind, why, sizeof why) == 0);
    CHECK(img.width == 8 && img.rgb && img.rgb[3] == 21);
    image_free(&img);
    free(png);
    CHECK(image_sniff("GIF89a....", 10) && strcmp(image_sniff("GIF89a....", 10), "image/gif") == 0);
    CHECK(image_sniff(dog, 2) == NULL);
}

int main(void)
{
    load_dog();
    RUN(test_zero_bytes);
    RUN(test_not_an_image);
    RUN(test_truncated_jpeg);
    RUN(test_lying_header);
    RUN(test_huge_dimensions);
    RUN(test_garbage_after_signature);
    RUN(test_genuine_photos_decode);
    free(dog);
    return harness_done();
}
