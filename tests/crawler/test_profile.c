/* Tests of the site-profile loader: lists from repeated keys, continuation lines glued to the
 * key above, C('x') expansion, categories and host limits, templates, and the errors (unknown
 * key, overlong line, bad regex, missing sections) naming FILE:LINE.  Also loads every shipped
 * profile in config/profiles. */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/profile.h"
#include "tests/harness.h"

static const char *minimal =
    "[site]\nname = t\nlist_url = http://s.test/l?c={code}&g={gender}\n    &p={page}\n"
    "detail_url = http://s.test/v/{id}\ngoods_url = http://s.test/g/{goods_no}\n"
    "[hosts]\nallow = s.test\nallow = img.test\nalias = www.s.test s.test\n"
    "[politeness]\ndelay_ms = 250\nhost = img.test 4 0\n"
    "[categories]\ncategory = casual M 캐주얼\ncategory = chic F 시크 스타일\n"
    "[list]\nitem = //li[C('item')]\nid = .//a/@onclick\nid_regex = go\\('([0-9]+)'\\)\n"
    "[detail]\nslot = //div[C('a')]\nslot = //div[C('b')]\ngoods = .//a/@href\n"
    "goods_regex = /g/([0-9]+)\n"
    "[goods]\nimage = //img[@id='big']\n    /@src\n";

static void test_lists_and_continuations(void)
{
    site_profile p;
    char err[512] = "";
    int rc = profile_load_string(&p, minimal, "mem", err, sizeof err);
    CHECKF(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(!strcmp(p.list_url, "http://s.test/l?c={code}&g={gender}&p={page}"));
        CHECK(p.allow.n == 2 && !strcmp(p.allow.items[1], "img.test"));
        CHECK(p.ncategories == 2 && p.categories[1].gender == 'F');
        CHECK(!strcmp(p.categories[1].name, "시크 스타일"));
        CHECK(p.goods_image.n == 1 && !strcmp(p.goods_image.items[0], "//img[@id='big']/@src"));
        CHECK(!strcmp(p.list_item.items[0],
                      "//li[contains(concat(' ',normalize-space(@class),' '),' item ')]"));
        CHECK(strstr(p.detail_slot, ") | (") != NULL);
        CHECK(p.shoes_per_category == 60 && p.delay_ms == 250);
        int conn, delay;
        profile_host_limits(&p, "img.test", &conn, &delay);
        CHECK(conn == 4 && delay == 0);
        profile_host_limits(&p, "s.test", &conn, &delay);
        CHECK(conn == 1 && delay == 250);
        CHECK(!strcmp(profile_canonical_host(&p, "www.s.test"), "s.test"));
        CHECK(profile_host_allowed(&p, "www.s.test") && !profile_host_allowed(&p, "evil.test"));
        char out[256];
        const char *pairs[] = {"code", "casual", "gender", "M", "page", "2", NULL};
        CHECK(profile_expand(p.list_url, out, sizeof out, pairs) == 0 &&
              !strcmp(out, "http://s.test/l?c=casual&g=M&p=2"));
        CHECK(profile_expand("{nope}", out, sizeof out, pairs) == -1);
        CHECK(profile_expand(p.list_url, out, 10, pairs) == -1);
    }
    profile_free(&p);
}

static void expect_error(const char *text, const char *needle)
{
    site_profile p;
    char err[512] = "";
    int rc = profile_load_string(&p, text, "bad.conf", err, sizeof err);
    CHECKF(rc == -1 && strstr(err, needle), "err = '%s', want '%s'", err, needle);
    profile_free(&p);
}

static void test_errors(void)
{
    char text[4096];
    snprintf(text, sizeof text, "%s[list]\ncolour = red\n", minimal);
    expect_error(text, "bad.conf:30: unknown key 'colour' in [list]");
    snprintf(text, sizeof text, "[site]\nname = %0250d\n", 7);
    expect_error(text, "bad.conf:2: line longer than");
    snprintf(text, sizeof text, "%s[list]\nid_regex = ((\n", minimal);
    expect_error(text, "bad regex");
    expect_error("[site]\nname = x\n", "needs name, list_url");
    snprintf(text, sizeof text, "%s[categories]\ncategory = casual X 캐주얼\n", minimal);
    expect_error(text, "expected 'CODE M|F NAME'");
    snprintf(text, sizeof text, "%s[site]\nshoes_per_category = 0\n", minimal);
    expect_error(text, "bad value '0'");
}

static void test_shipped_profiles(void)
{
    const char *root = getenv("SOLEMATE_ROOT");
    char pattern[1024];
    snprintf(pattern, sizeof pattern, "%s/config/profiles/*.conf", root ? root : ".");
    glob_t g;
    CHECK(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc >= 4);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        site_profile p;
        char err[512] = "";
        int rc = profile_load(&p, g.gl_pathv[i], err, sizeof err);
        CHECKF(rc == 0, "%s", err);
        if (rc == 0) {
            size_t men = 0, women = 0;
            for (size_t k = 0; k < p.ncategories; k++)
                p.categories[k].gender == 'M' ? men++ : women++;
            CHECKF(men == 8 && women == 11, "%s: %zu men's, %zu women's categories",
                   g.gl_pathv[i], men, women);
        }
        profile_free(&p);
    }
    globfree(&g);
}

int main(void)
{
    RUN(test_lists_and_continuations);
    RUN(test_errors);
    RUN(test_shipped_profiles);
    return harness_done();
}
