/* Tests of the shoe decision (MUSINSA.md §4) with the fixture profile's [shoe] rules: codes
 * 018xxx / 005xxx are shoes except 005005 신발 용품, 017023 counts (config flag) but other
 * 017 goods do not; names decide when codes are missing; then the state JSON path; else
 * unknown.  A profile without the 017023 flag rejects it. */
#include <string.h>

#include "crawler/shoe_rules.h"
#include "tests/crawler/crawler_test_profile.h"
#include "tests/harness.h"

static site_profile p;

static shoe_verdict decide(const char *code, const char *name, const char *sub, const char *state)
{
    shoe_facts f = {code, name, sub, state};
    return shoe_decide(&p, &f, NULL);
}

static void test_codes(void)
{
    CHECK(decide("018004", "스니커즈", "기타 스니커즈", "") == SHOE_YES);
    CHECK(decide("018", "", "", "") == SHOE_YES);
    CHECK(decide("005014", "신발", "구두", "") == SHOE_YES);
    CHECK(decide("005011", "", "", "") == SHOE_YES);
    CHECK(decide("005005", "신발", "신발 용품", "Shoes > 신발 > 신발 용품") == SHOE_NO);
    CHECK(decide("017023", "스포츠/용품", "스포츠신발", "") == SHOE_YES);
    CHECK(decide("017001", "스포츠/용품", "스포츠 상의", "") == SHOE_NO);
    CHECK(decide("004001", "가방", "슈즈 백", "Bag > 가방 > 슈즈 백") == SHOE_NO);
    CHECK(decide("001005", "신발", "", "") == SHOE_NO); /* the code outranks the name */
}

static void test_names_and_state(void)
{
    CHECK(decide("", "스니커즈", "캔버스/단화", "") == SHOE_YES);
    CHECK(decide("", "신발", "신발 용품", "") == SHOE_NO);
    CHECK(decide("", "상의", "반소매 티셔츠", "Shoes > x") == SHOE_NO);
    CHECK(decide("", "", "", "Shoes > 신발 > 부츠") == SHOE_YES);
    CHECK(decide("", "", "", "Shoes > 신발 > 신발 용품") == SHOE_NO);
    CHECK(decide("", "", "", "Top > 상의 > 셔츠") == SHOE_NO);
    CHECK(decide("", "", "", "") == SHOE_UNKNOWN);
    CHECK(decide(NULL, NULL, NULL, NULL) == SHOE_UNKNOWN);
    const char *why = NULL;
    shoe_facts f = {"018001", "", "", ""};
    CHECK(shoe_decide(&p, &f, &why) == SHOE_YES && why && strstr(why, "code"));
}

static void test_flag_is_config(void)
{
    site_profile q;
    char err[256];
    const char *text =
        "[site]\nname = q\nlist_url = http://a/{page}\ndetail_url = http://a/{id}\n"
        "goods_url = http://a/{goods_no}\n[hosts]\nallow = a\n[categories]\ncategory = c M C\n"
        "[list]\nitem = //li\nid = @id\nid_regex = ([0-9]+)\n[detail]\nslot = //div\n"
        "goods = @id\ngoods_regex = ([0-9]+)\n[goods]\nimage = //img/@src\n"
        "[shoe]\ncode = 018\ncode = 005\nexclude_code = 005005\n";
    CHECK(profile_load_string(&q, text, "q", err, sizeof err) == 0);
    shoe_facts f = {"017023", "스포츠/용품", "스포츠신발", ""};
    CHECK(shoe_decide(&q, &f, NULL) == SHOE_NO);
    profile_free(&q);
}

int main(void)
{
    if (load_shipped_profile(&p, "fixture.conf"))
        return 1;
    RUN(test_codes);
    RUN(test_names_and_state);
    RUN(test_flag_is_config);
    profile_free(&p);
    return harness_done();
}
