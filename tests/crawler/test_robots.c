/* Tests of robots.txt handling: group choice (own token over '*', merged groups, other bots
 * ignored), longest match with allow winning ties, '*' and '$' patterns, Crawl-delay, the
 * allow-all / deny-all stand-ins, and hostile input (long wildcard runs, binary junk). */
#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"
#include "tests/harness.h"

#define PARSE(text) robots_parse(text, strlen(text), "solemate-crawler")

static void test_groups(void)
{
    robots *r = PARSE("User-agent: Googlebot\nDisallow:\n\n"
                      "User-agent: *\nDisallow: /\nCrawl-delay: 9\n\n"
                      "User-agent: Solemate-Crawler\nDisallow: /private\nCrawl-delay: 1.5\n");
    CHECK(r != NULL);
    CHECK(robots_allowed(r, "/app/goods/1/0"));
    CHECK(!robots_allowed(r, "/private/x"));
    CHECK(robots_crawl_delay_ms(r) == 1500);
    robots_free(r);
    r = PARSE("User-agent: Googlebot\nAllow: /\n\nUser-agent: *\nDisallow: /app/cs/\n"
              "Crawl-delay: 0\n");
    CHECK(!robots_allowed(r, "/app/cs/soldout?goods_no=1") && robots_allowed(r, "/app/goods/1"));
    CHECK(robots_crawl_delay_ms(r) == 0);
    robots_free(r);
    /* two user-agent lines share one group; our group named twice is merged */
    r = PARSE("User-agent: a\nUser-agent: solemate-crawler\nDisallow: /a\n\n"
              "User-agent: solemate-crawler\nDisallow: /b\n");
    CHECK(!robots_allowed(r, "/a") && !robots_allowed(r, "/b") && robots_allowed(r, "/c"));
    CHECK(robots_crawl_delay_ms(r) == -1);
    robots_free(r);
    r = PARSE("User-agent: Googlebot\nDisallow: /\n");
    CHECK(robots_allowed(r, "/anything"));
    robots_free(r);
}

static void test_longest_match(void)
{
    robots *r = PARSE("User-agent: *\nDisallow: /app/\nAllow: /app/codimap/\n"
                      "Disallow: /app/codimap/views/9\nAllow: /p\nDisallow: /p\n"
                      "Disallow: /*.php$\nDisallow: /x*/y\n# comment\nDisallow: # empty rule\n");
    CHECK(!robots_allowed(r, "/app/goods/1"));
    CHECK(robots_allowed(r, "/app/codimap/lists?page=1"));
    CHECK(!robots_allowed(r, "/app/codimap/views/99"));
    CHECK(robots_allowed(r, "/page")); /* equal length: allow wins */
    CHECK(!robots_allowed(r, "/index.php") && robots_allowed(r, "/index.php?x=1"));
    CHECK(!robots_allowed(r, "/xa/b/y/z") && robots_allowed(r, "/ya/y"));
    CHECK(robots_allowed(r, "/robots.txt"));
    robots_free(r);
}

static void test_stand_ins_and_junk(void)
{
    robots *r = robots_deny_all();
    CHECK(!robots_allowed(r, "/") && robots_allowed(r, "/robots.txt"));
    robots_free(r);
    r = robots_allow_all();
    CHECK(robots_allowed(r, "/app/cs/") && robots_crawl_delay_ms(r) == -1);
    robots_free(r);
    char *text = malloc(20000);
    strcpy(text, "User-agent: *\nDisallow: /");
    size_t n = strlen(text);
    for (int i = 0; i < 4000; i++)
        text[n++] = i % 2 ? 'a' : '*';
    strcpy(text + n, "b\n\x01\xff\xfe:::\nCrawl-delay: banana\n");
    r = robots_parse(text, strlen(text), "solemate-crawler");
    char path[6000];
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    CHECK(robots_allowed(r, path));
    CHECK(robots_crawl_delay_ms(r) == -1);
    robots_free(r);
    free(text);
}

int main(void)
{
    RUN(test_groups);
    RUN(test_longest_match);
    RUN(test_stand_ins_and_junk);
    return harness_done();
}
