/* Tests of URL normalisation (MUSINSA.md §5) with the shipped profiles: protocol-relative,
 * root-relative (and /images/ on www moving to the image host), absolute, store. and
 * image.musinsa.com aliases, ?t=/?w= busters kept, JSON "\/" escapes, data: and javascript:
 * refused; the image size variants _big, _500, as found; host, path and origin helpers. */
#include <string.h>

#include "crawler/url_normalize.h"
#include "tests/crawler/crawler_test_profile.h"
#include "tests/harness.h"

static site_profile real, fixture;

static void expect(const site_profile *p, const char *base, const char *ref, const char *want)
{
    char out[URL_MAX] = "";
    int rc = url_resolve(p, base, ref, out, sizeof out);
    if (!want)
        CHECKF(rc == -1, "'%s' resolved to '%s', want a refusal", ref, out);
    else
        CHECKF(rc == 0 && !strcmp(out, want), "'%s' -> '%s' (rc %d), want '%s'", ref, out, rc,
               want);
}

static void test_resolve_forms(void)
{
    const char *page = "https://www.musinsa.com/app/codimap/views/22432?style_type=&page=1";
    const char *img = "https://image.msscdn.net/images/goods_img/20230118/3026310/"
                      "3026310_16740051958464_500.jpg";
    expect(&real, page, "//image.msscdn.net/images/goods_img/20230118/3026310/"
                        "3026310_16740051958464_500.jpg", img);
    expect(&real, page, "/images/goods_img/20230118/3026310/3026310_16740051958464_500.jpg", img);
    expect(&real, page, img, img);
    expect(&real, page, "  //image.musinsa.com/images/goods_img/20230118/3026310/"
                        "3026310_16740051958464_500.jpg\n", img);
    expect(&real, page, "\\/images\\/goods_img\\/20230118\\/3026310\\/"
                        "3026310_16740051958464_500.jpg", img);
    expect(&real, page, "/app/goods/1484418/0", "https://www.musinsa.com/app/goods/1484418/0");
    expect(&real, page, "//store.musinsa.com/app/goods/1484418",
           "https://www.musinsa.com/app/goods/1484418");
    expect(&real, page, "https://image.msscdn.net/images/goods_img/20220101/1/1_1_500.jpg?t=20220101",
           "https://image.msscdn.net/images/goods_img/20220101/1/1_1_500.jpg?t=20220101");
    expect(&real, page, "../views/5#frag", "https://www.musinsa.com/app/codimap/views/5");
    expect(&real, page, "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP", NULL);
    expect(&real, page, "javascript:void(0);", NULL);
    expect(&real, page, "   ", NULL);
    expect(&real, page, "ftp://image.msscdn.net/x.jpg", NULL);
    /* the fixture serves http: protocol-relative links take the page's scheme */
    expect(&fixture, "http://www.musinsa.com/app/goods/1/0", "//image.musinsa.com/images/a.jpg",
           "http://image.msscdn.net/images/a.jpg");
    expect(&fixture, "http://store.musinsa.com/app/goods/1/0", "/app/goods/2/0",
           "http://www.musinsa.com/app/goods/2/0");
    /* /images/ on a host the profile does not know stays there */
    expect(&real, "https://cdn.elsewhere.test/a", "/images/x.jpg",
           "https://cdn.elsewhere.test/images/x.jpg");
}

static void test_variants(void)
{
    char v[URL_IMAGE_VARIANTS][URL_MAX];
    const char *base = "https://image.msscdn.net/images/goods_img/20230118/3026310/3026310_";
    char url[URL_MAX];
    snprintf(url, sizeof url, "%s16740051958464_500.jpg?t=20230118", base);
    int n = url_image_variants(&real, url, v, URL_IMAGE_VARIANTS);
    CHECK(n == 2);
    CHECK(n >= 1 && strstr(v[0], "_16740051958464_big.jpg?t=20230118"));
    CHECK(n >= 2 && !strcmp(v[1], url));
    snprintf(url, sizeof url, "%s1_220.JPG", base);
    n = url_image_variants(&real, url, v, URL_IMAGE_VARIANTS);
    CHECK(n == 3 && strstr(v[0], "_1_big.JPG") && strstr(v[1], "_1_500.JPG") && !strcmp(v[2], url));
    snprintf(url, sizeof url, "https://image.msscdn.net/thumbnails/images/goods_img/20230118/"
                              "3026310/3026310_1_big.jpg?w=1000");
    n = url_image_variants(&real, url, v, URL_IMAGE_VARIANTS);
    CHECK(n == 2 && !strcmp(v[0], url) && strstr(v[1], "_1_500.jpg?w=1000"));
    const char *other = "https://image.msscdn.net/images/event_banner/notice_500.jpg";
    n = url_image_variants(&real, other, v, URL_IMAGE_VARIANTS);
    CHECK(n == 1 && !strcmp(v[0], other));
    CHECK(url_image_rejected(&real, "https://image.msscdn.net/images/prd_img/20230118/1/detail_1_1_big.jpg"));
    CHECK(!url_image_rejected(&real, url));
}

static void test_parts(void)
{
    char out[URL_MAX];
    CHECK(url_host("http://WWW.Musinsa.com:8080/a?b=1", out, sizeof out) == 0 &&
          !strcmp(out, "www.musinsa.com"));
    CHECK(url_path_query("http://www.musinsa.com/app/x?b=1&c=", out, sizeof out) == 0 &&
          !strcmp(out, "/app/x?b=1&c="));
    CHECK(url_path_query("http://www.musinsa.com", out, sizeof out) == 0 && !strcmp(out, "/"));
    CHECK(url_origin("https://image.msscdn.net/a/b", out, sizeof out) == 0 &&
          !strcmp(out, "https://image.msscdn.net"));
    CHECK(url_origin("http://h.test:81/a", out, sizeof out) == 0 &&
          !strcmp(out, "http://h.test:81"));
    CHECK(url_host("not a url", out, sizeof out) == -1);
}

int main(void)
{
    if (load_shipped_profile(&real, "musinsa-2022.conf") ||
        load_shipped_profile(&fixture, "fixture.conf"))
        return 1;
    RUN(test_resolve_forms);
    RUN(test_variants);
    RUN(test_parts);
    profile_free(&real);
    profile_free(&fixture);
    return harness_done();
}
