/* Tests of solemate.conf parsing: defaults, a full valid file, relative paths resolved against
 * the file's directory, and one-line errors naming FILE:LINE for unknown sections and keys, bad
 * values and syntax, and naming the file when it is missing. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "tests/harness.h"

static char dir[512];

static const char *write_conf(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_defaults(void)
{
    solemate_config c;
    config_defaults(&c);
    CHECK(strcmp(c.catalog_path, "catalog.db") == 0);
    CHECK(c.recommender_k == 9);
    CHECK(strcmp(c.recommender_metric, "cosine") == 0);
    CHECK(c.crawler_delay_ms == -1);
}

static void test_valid_file_overrides_defaults(void)
{
    const char *path = write_conf("ok.conf",
        "; comment\n[catalog]\npath = data/catalog.db\nbusy_timeout_ms = 250\n"
        "[crawler]\ndelay_ms = 0\nconnect_to = ::127.0.0.1:8080\n"
        "[extractor]\nmodels_dir = /opt/models\nfit = pad\nbatch = 16\n"
        "[recommender]\nmetric = l2\nk = 5\nnear_duplicate = 0.99\n");
    solemate_config c;
    config_defaults(&c);
    char err[512] = "";
    CHECKF(config_load(&c, path, err, sizeof err) == 0, "%s", err);
    char expected[1100];
    snprintf(expected, sizeof expected, "%s/data/catalog.db", dir);
    CHECKF(strcmp(c.catalog_path, expected) == 0, "catalog path %s", c.catalog_path);
    CHECK(strcmp(c.models_dir, "/opt/models") == 0);
    CHECK(c.busy_timeout_ms == 250);
    CHECK(c.crawler_delay_ms == 0);
    CHECK(strcmp(c.crawler_connect_to, "::127.0.0.1:8080") == 0);
    CHECK(strcmp(c.extractor_fit, "pad") == 0);
    CHECK(c.extractor_batch == 16);
    CHECK(strcmp(c.recommender_metric, "l2") == 0);
    CHECK(c.recommender_k == 5);
    CHECK(c.recommender_near_duplicate > 0.989 && c.recommender_near_duplicate < 0.991);
}

/* Loads text and expects an error equal to "<path>:<suffix>". */
static void expect_error(const char *text, const char *suffix)
{
    const char *path = write_conf("bad.conf", text);
    solemate_config c;
    config_defaults(&c);
    char err[512] = "", expected[1200];
    snprintf(expected, sizeof expected, "%s:%s", path, suffix);
    CHECK(config_load(&c, path, err, sizeof err) == -1);
    CHECKF(strcmp(err, expected) == 0, "got '%s', expected '%s'", err, expected);
}

static void test_unknown_key(void)
{
    expect_error("[catalog]\npath = x.db\n\ncolour = red\n", "4: unknown key 'colour' in [catalog]");
}

static void test_unknown_section(void)
{
    expect_error("[catalgo]\npath = x.db\n", "2: unknown section [catalgo]");
}

static void test_bad_values(void)
{
    expect_error("[recommender]\nk = many\n", "2: bad value 'many' for k: expected an integer from 1 to 1000");
    expect_error("[recommender]\nk = 0\n", "2: bad value '0' for k: expected an integer from 1 to 1000");
    expect_error("[extractor]\nfit = stretch\n",
                 "2: bad value 'stretch' for fit: expected one of |crop|pad|squash|");
    expect_error("[recommender]\nnear_duplicate = 1.5\n",
                 "2: bad value '1.5' for near_duplicate: expected a number from 0 to 1");
}

static void test_syntax_error(void)
{
    expect_error("[catalog]\nthis line has no equals sign\n",
                 "2: syntax error (expected [section] or key = value)");
}

static void test_missing_file(void)
{
    solemate_config c;
    config_defaults(&c);
    char err[512] = "", path[1024], expected[1100];
    snprintf(path, sizeof path, "%s/does-not-exist.conf", dir);
    snprintf(expected, sizeof expected, "%s: No such file or directory", path);
    CHECK(config_load(&c, path, err, sizeof err) == -1);
    CHECKF(strcmp(err, expected) == 0, "got '%s'", err);
}

int main(void)
{
    const char *tmp = getenv("SOLEMATE_TMP");
    snprintf(dir, sizeof dir, "%s", tmp ? tmp : "/tmp");
    RUN(test_defaults);
    RUN(test_valid_file_overrides_defaults);
    RUN(test_unknown_key);
    RUN(test_unknown_section);
    RUN(test_bad_values);
    RUN(test_syntax_error);
    RUN(test_missing_file);
    return harness_done();
}
