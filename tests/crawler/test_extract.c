/* Tests of the HTML extractors on small inline pages of both markup generations, with the
 * shipped profiles: list items (ids only in onclick, lazy images, an unclosed <li>, a repeated
 * id, paging with commas), detail slots (variant A a.styling_img, variant B div.box-img, the
 * extra wrapper, a sold-out slot without link, goods number from the image path), goods pages
 * (category links, stateAll JSON with \/ escapes when the links are missing, og:image only,
 * a popup, an alert() page), and junk input. */
#include <string.h>

#include "crawler/extract.h"
#include "tests/crawler/crawler_test_profile.h"
#include "tests/harness.h"

static site_profile p2022, p2023;
static char err[256];

#define C_ITEM(id, img)                                                                        \
    "<li class=\"style-list-item\"><div class=\"style-list-item__thumbnail\">"                \
    "<a href=\"javascript:void(0);\" class=\"style-list-item__link\" onclick=\"goView('" id   \
    "');\" title=\"코디&nbsp;" id "\"><div class=\"style-list-thumbnail\">" img "</div></a>"   \
    "</div><div class=\"style-list-information\"><strong class=\"style-list-information__title\"" \
    " onclick=\"goView('" id "');\">t</strong></div>"

static void test_list_page(void)
{
    const char *html =
        "<html><body><span class=\"counter\">스타일 수 : 22,063개</span>"
        "<span class=\"pagingNumber\"><span class=\"totalPagingNum\"> 1,368 </span></span>"
        "<ul class=\"style-list style-list--full\">"
        C_ITEM("22432", "<img src=\"//image.msscdn.net/a.jpg\" class=\"style-list-thumbnail__img\">")
        "</li>"
        C_ITEM("22431", "<img data-original=\"//image.msscdn.net/b.jpg\" "
                        "class=\"style-list-thumbnail__img lazyload\">")
        /* unclosed <li> */
        C_ITEM("22430", "<img src=\"data:image/gif;base64,R0lGOD\" data-original=\"//x/c.jpg\" "
                        "class=\"style-list-thumbnail__img lazyload\">")
        C_ITEM("22431", "") "</li>"
        "<li class=\"style-list-item\"><a href=\"/app/codimap/views/999?page=1\">x</a></li>"
        "<li class=\"style-list-item\"><a href=\"javascript:void(0)\">no id</a></li>"
        "</ul></body></html>";
    list_page lp;
    CHECK(extract_list(&p2022, html, strlen(html), "https://www.musinsa.com/app/codimap/lists",
                       &lp, err, sizeof err) == 0);
    CHECKF(lp.n == 4, "%zu items", lp.n);
    if (lp.n == 4) {
        CHECK(!strcmp(lp.items[0].id, "22432") && !strcmp(lp.items[1].id, "22431"));
        CHECK(!strcmp(lp.items[2].id, "22430") && !strcmp(lp.items[3].id, "999"));
        CHECK(!strcmp(lp.items[0].title, "코디 22432"));
    }
    CHECK(lp.total_pages == 1368);
    free(lp.items);
    const char *empty = "<html><body><ul class=\"style-list\"></ul>"
                        "<span class=\"totalPagingNum\">4</span></body></html>";
    CHECK(extract_list(&p2023, empty, strlen(empty), "https://www.musinsa.com/x", &lp, err,
                       sizeof err) == 0 && lp.n == 0 && lp.total_pages == 4);
    free(lp.items);
}

static const char *detail_a =
    "<html><body><div id=\"style_info\"><div class=\"styling_content codimap-contents\">"
    "<h2>가을 &gt; 코디</h2></div>"
    "<div class=\"styling_goods codimap-goods\"><div><div><div class=\"swiper-title\">x</div>"
    "<div><div class=\"swiper-container\">"
    "<div class=\"styling_list swiper-wrapper\">"
    "<div class=\"swiper-slide style_contents_size swiper-slide-active\">"
    "<a class=\"styling_img\" href=\"/app/goods/1484418/0\"><img src=\"//i/1_220.jpg\"></a>"
    "<a class=\"brand_item\" href=\"/app/goods/1484418/0\">상품</a></div>"
    "<div class=\"swiper-slide style_contents_size\"><div class=\"soldout\">판매 종료</div></div>"
    "<div class=\"swiper-slide style_contents_size\">"
    "<a class=\"styling_img\" href=\"javascript:void(0)\"><img class=\"lazyload\" "
    "src=\"data:image/gif;base64,R0\" data-original=\"//image.msscdn.net/images/goods_img/"
    "20220101/2000001/2000001_1_220.jpg\"></a></div>"
    "<div class=\"swiper-slide style_contents_size\">"
    "<a class=\"styling_img\" href=\"//store.musinsa.com/app/goods/77/0\"><img src=\"x\"></a>"
    "</div></div></div></div></div></div></div></div></body></html>";

static const char *detail_b =
    "<html><body><div class=\"codimap-contents\"><h2>B</h2></div>"
    "<div class=\"styling_list swiper-wrapper\">"
    "<div class=\"swiper-slide style_contents_size\"><div class=\"box-img\">"
    "<a href=\"http://www.musinsa.com/app/goods/5/0\"><img src=\"//i/5_220.jpg\"></a></div>"
    "<a class=\"brand_item\" href=\"/app/goods/5/0\">x</a></div>"
    "<div class=\"swiper-slide style_contents_size\"><div class=\"box-img\">"
    "<a href=\"/app/goods/6\"><img src=\"//i/6_220.jpg\"></a></div></div>"
    "</div></body></html>";

static void expect_slots(const site_profile *p, const char *html, const char *title,
                         const char *const *nos)
{
    detail_page d;
    CHECK(extract_detail(p, html, strlen(html), "https://www.musinsa.com/app/codimap/views/1", &d,
                         err, sizeof err) == 0);
    CHECKF(!strcmp(d.title, title), "title '%s'", d.title);
    size_t n = 0;
    while (nos[n])
        n++;
    CHECKF(d.n == n, "%zu slots, want %zu", d.n, n);
    for (size_t i = 0; i < n && i < d.n; i++)
        CHECKF(!strcmp(d.slots[i].goods_no, nos[i]), "slot %zu: %s, want %s", i,
               d.slots[i].goods_no, nos[i]);
    free(d.slots);
}

static void test_detail_pages(void)
{
    const char *a[] = {"1484418", "2000001", "77", NULL};
    const char *b[] = {"5", "6", NULL};
    expect_slots(&p2022, detail_a, "가을 > 코디", a);
    expect_slots(&p2023, detail_b, "B", b);
    /* the 2022 profile still knows variant B through brand_item and box-img */
    expect_slots(&p2022, detail_b, "B", b);
}

static void test_goods_pages(void)
{
    const char *shoe =
        "<html><head><meta property=\"og:image\" content=\"https://image.msscdn.net/images/"
        "goods_img/20230118/3026310/3026310_16740051958464_500.jpg\"></head><body>"
        "<div class=\"n-layer-notice\"><img src=\"//image.msscdn.net/images/event_banner/n_500.jpg\">"
        "</div><div class=\"product_info\"><p class=\"item_categories\">"
        "<a href=\"//www.musinsa.com/categories/item/018\">스니커즈</a> &gt; "
        "<a href=\"//www.musinsa.com/categories/item/018004\">기타 스니커즈</a>"
        "<a href=\"//www.musinsa.com/brands/asics\">(아식스)</a></p>"
        "<span class=\"product_title\"><em>젤-1130</em></span></div>"
        "<div class=\"product-img\"><img id=\"bigimg\" src=\"//image.msscdn.net/images/goods_img/"
        "20230118/3026310/3026310_16740051958464_500.jpg\"></div>"
        "<img src=\"//image.msscdn.net/images/goods_img/20200101/9/9_1_125.jpg\">"
        "<script>var stateAll = {\"productInfo\":{\"category\":\"Shoes > 스니커즈 > 기타 스니커즈\","
        "\"brand_nm\":\"ASICS\"}};</script></body></html>";
    goods_page g;
    CHECK(extract_goods(&p2022, shoe, strlen(shoe), "https://www.musinsa.com/app/goods/3026310/0",
                        &g, err, sizeof err) == 0);
    CHECK(!strcmp(g.code, "018004") && !strcmp(g.name, "스니커즈"));
    CHECK(!strcmp(g.sub_name, "기타 스니커즈") && !strcmp(g.title, "젤-1130"));
    CHECK(!strcmp(g.brand, "ASICS") && !strcmp(g.state_path, "Shoes > 스니커즈 > 기타 스니커즈"));
    CHECK(!strcmp(g.image, "https://image.msscdn.net/images/goods_img/20230118/3026310/"
                           "3026310_16740051958464_500.jpg"));
    const char *state_only =
        "<html><body><span class=\"product_title\"><em>부츠</em></span>"
        "<script>\nvar stateAll = {\"productInfo\": {\"category\": \"Shoes > 신발 > 부츠\", "
        "\"opt_kind_cd\": \"SHOES\", \"img\": \"\\/images\\/goods_img\\/20220101\\/8\\/8_1_500.jpg\"}};"
        "\n</script></body></html>";
    CHECK(extract_goods(&p2022, state_only, strlen(state_only),
                        "https://www.musinsa.com/app/goods/8/0", &g, err, sizeof err) == 0);
    CHECK(g.code[0] == '\0' && g.name[0] == '\0' && !strcmp(g.state_path, "Shoes > 신발 > 부츠"));
    CHECK(!strcmp(g.state_kind, "SHOES"));
    CHECK(!strcmp(g.image, "https://image.msscdn.net/images/goods_img/20220101/8/8_1_500.jpg"));
    const char *alert = "<html><head><script>alert('판매 종료된 상품입니다'); history.back();"
                        "</script></head><body></body></html>";
    CHECK(extract_goods(&p2023, alert, strlen(alert), "https://www.musinsa.com/app/goods/1/0", &g,
                        err, sizeof err) == 0);
    CHECK(!g.code[0] && !g.name[0] && !g.state_path[0] && !g.image[0]);
    const char *broken_state = "<html><body><script>var stateAll = {\"productInfo\": {\"cat";
    CHECK(extract_goods(&p2023, broken_state, strlen(broken_state),
                        "https://www.musinsa.com/app/goods/1/0", &g, err, sizeof err) == 0);
    CHECK(!g.state_path[0]);
}

static void test_junk(void)
{
    list_page lp;
    detail_page d;
    goods_page g;
    CHECK(extract_list(&p2022, "", 0, "https://www.musinsa.com/", &lp, err, sizeof err) == -1);
    const char junk[] = "\x00\xff\xfe<<<>>><li class=\"style-list-item\"\x01";
    CHECK(extract_list(&p2022, junk, sizeof junk - 1, "https://www.musinsa.com/", &lp, err,
                       sizeof err) <= 0);
    free(lp.items);
    CHECK(extract_detail(&p2022, "%PDF-1.4", 8, "https://www.musinsa.com/", &d, err,
                         sizeof err) <= 0 && d.n == 0);
    free(d.slots);
    CHECK(extract_goods(&p2022, "\xff\xd8\xff\xe0", 4, "https://www.musinsa.com/", &g, err,
                        sizeof err) <= 0 && !g.image[0]);
}

int main(void)
{
    if (load_shipped_profile(&p2022, "musinsa-2022.conf") ||
        load_shipped_profile(&p2023, "musinsa-2023.conf"))
        return 1;
    RUN(test_list_page);
    RUN(test_detail_pages);
    RUN(test_goods_pages);
    RUN(test_junk);
    profile_free(&p2022);
    profile_free(&p2023);
    return harness_done();
}
