/* solemate-crawler: command line, config, profile, lock and catalog around crawl_run(), then
 * the run record and the one-line (or JSON) summary. */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "crawler/crawl.h"
#include "crawler/crawl_lock.h"
#include "db/run_log.h"

#define MAX_CONNECT_TO 16

static void usage(void)
{
    printf("Usage: solemate-crawler [OPTIONS]\n"
           "Crawl the shop described by a site profile (categories -> outfit pages -> product\n"
           "pages -> the largest product photo) into the catalog, politely and incrementally.\n\n"
           "Options:\n"
           "  --profile PATH      site profile (default: [crawler] profile)\n"
           "  --category CODE[:M|F]  crawl only this style category\n"
           "  --limit N           at most N shoes per category (default: the profile's, 60)\n"
           "  --dry-run           fetch and decide, write nothing (no catalog, no lock)\n"
           "  --connect-to SPEC   curl CONNECT_TO HOST:PORT:TO-HOST:TO-PORT (repeatable)\n"
           "  --delay-ms N        minimum gap between requests to one host (overrides the\n"
           "                      profile; robots.txt Crawl-delay still applies)\n"
           "  --json              print the summary as one JSON object\n"
           CLI_COMMON_HELP
           "\nExamples:\n"
           "  solemate-crawler --config config/solemate.conf\n"
           "  solemate-crawler --profile config/profiles/fixture.conf --catalog /tmp/c.db \\\n"
           "      --connect-to ::127.0.0.1:8080 --delay-ms 0 --category casual:M --limit 5\n\n"
           CLI_EXIT_HELP
           "  (crawler: 0 also when faults were recorded; 69 when no list page was reachable,\n"
           "  e.g. robots.txt forbids everything; 75 when another crawl holds the lock)\n");
}

typedef struct {
    cli_common common;
    const char *profile, *category;
    int limit, dry_run, json, delay_ms;
    const char *connect_to[MAX_CONNECT_TO + 2];
    int nconnect;
} crawler_args;

enum { OPT_PROFILE = 2000, OPT_CATEGORY, OPT_LIMIT, OPT_DRY_RUN, OPT_CONNECT_TO, OPT_DELAY, OPT_JSON };

static int parse_int(const char *s, int min, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_args(int argc, char **argv, crawler_args *a)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"category", required_argument, NULL, OPT_CATEGORY},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"connect-to", required_argument, NULL, OPT_CONNECT_TO},
        {"delay-ms", required_argument, NULL, OPT_DELAY},
        {"json", no_argument, NULL, OPT_JSON},
        {NULL, 0, NULL, 0},
    };
    a->delay_ms = -2;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
        if (cli_common_option(&a->common, opt, optarg))
            continue;
        switch (opt) {
        case OPT_PROFILE:
            a->profile = optarg;
            break;
        case OPT_CATEGORY:
            a->category = optarg;
            break;
        case OPT_LIMIT:
            if (parse_int(optarg, 1, &a->limit)) {
                cli_error("--limit", "expected a positive integer, got '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_DRY_RUN:
            a->dry_run = 1;
            break;
        case OPT_CONNECT_TO:
            if (a->nconnect >= MAX_CONNECT_TO) {
                cli_error("--connect-to", "at most %d are accepted", MAX_CONNECT_TO);
                return CLI_EXIT_USAGE;
            }
            a->connect_to[a->nconnect++] = optarg;
            break;
        case OPT_DELAY:
            if (parse_int(optarg, 0, &a->delay_ms)) {
                cli_error("--delay-ms", "expected an integer >= 0, got '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_JSON:
            a->json = 1;
            break;
        default:
            cli_error("usage", "unknown or incomplete option '%s' (see --help)",
                      argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("usage", "unexpected argument '%s' (see --help)", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static void summary_json(const crawl_stats *s, int dry_run, char *out, size_t len)
{
    snprintf(out, len,
             "{\"categories\": %ld, \"outfits\": %ld, \"goods_pages\": %ld, \"shoes\": %ld, "
             "\"links\": %ld, \"images_new\": %ld, \"images_unchanged\": %ld, \"faults\": %ld, "
             "\"requests\": %ld, \"bytes\": %lld, \"seconds\": %.2f, \"dry_run\": %s}",
             s->categories, s->outfits, s->goods_pages, s->shoes, s->links, s->images_new,
             s->images_unchanged, s->faults, s->requests, s->bytes, s->seconds,
             dry_run ? "true" : "false");
}

static void joined_args(int argc, char **argv, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < argc && used + 1 < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", argv[i]);
}

/* Opens the catalog under the crawl lock and starts the run record. */
static int open_catalog(const solemate_config *cfg, int argc, char **argv, int *lock,
                        catalog **cat, int64_t *run_id)
{
    char err[1024];
    int held = crawl_lock_acquire(cfg->catalog_path, lock, err, sizeof err);
    if (held) {
        cli_error("lock", "%s", err);
        return held > 0 ? CLI_EXIT_TEMPFAIL : CLI_EXIT_IOERR;
    }
    *cat = catalog_open(cfg->catalog_path, CATALOG_READWRITE, cfg->busy_timeout_ms, err,
                        sizeof err);
    if (!*cat) {
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    char args[2048];
    joined_args(argc, argv, args, sizeof args);
    if (run_log_begin(*cat, "crawler", args, run_id, err, sizeof err)) {
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    return CLI_EXIT_OK;
}

static int crawl_main(int argc, char **argv, const crawler_args *a, const solemate_config *cfg,
                      const site_profile *profile)
{
    int lock = -1, status = CLI_EXIT_OK;
    catalog *cat = NULL;
    int64_t run_id = 0;
    if (!a->dry_run)
        status = open_catalog(cfg, argc, argv, &lock, &cat, &run_id);
    if (status) {
        catalog_close(cat);
        crawl_lock_release(lock);
        return status;
    }
    const char *connect_to[MAX_CONNECT_TO + 2];
    int n = 0;
    if (cfg->crawler_connect_to[0])
        connect_to[n++] = cfg->crawler_connect_to;
    for (int i = 0; i < a->nconnect; i++)
        connect_to[n++] = a->connect_to[i];
    connect_to[n] = NULL;
    char agent[512];
    snprintf(agent, sizeof agent, "solemate-crawler/%s (+%s)", SOLEMATE_VERSION,
             cfg->crawler_contact);
    crawl_options o = {
        .category = a->category,
        .limit = a->limit,
        .fetch = {.user_agent = agent, .robots_agent = "solemate-crawler",
                  .connect_to = connect_to, .timeout_ms = cfg->crawler_timeout_s * 1000L,
                  .max_body = cfg->crawler_max_body_bytes, .max_tries = cfg->crawler_max_tries,
                  .delay_ms = a->delay_ms >= -1 ? a->delay_ms : cfg->crawler_delay_ms},
    };
    crawl_stats stats;
    char err[1024] = "";
    int rc = crawl_run(profile, cat, run_id, &o, &stats, err, sizeof err);
    char json[1024];
    summary_json(&stats, a->dry_run, json, sizeof json);
    if (rc < 0) {
        cli_error("catalog", "%s", err);
        status = CLI_EXIT_IOERR;
    } else if (rc == CRAWL_UNREACHABLE) {
        cli_error("crawl", "no list page could be fetched (robots.txt, network or server)");
        status = CLI_EXIT_UNAVAILABLE;
    }
    if (cat && run_log_finish(cat, run_id, status ? "failed" : "ok", json, err, sizeof err)) {
        cli_error("catalog", "%s", err);
        status = status ? status : CLI_EXIT_IOERR;
    }
    if (a->json)
        printf("%s\n", json);
    else
        printf("solemate-crawler: %s%ld categories, %ld links (%ld shoes), %ld outfits, %ld goods "
               "pages, images %ld new/%ld unchanged, %ld faults, %ld requests, %.1f MB in %.1f s\n",
               a->dry_run ? "dry run: " : "", stats.categories, stats.links, stats.shoes,
               stats.outfits, stats.goods_pages, stats.images_new, stats.images_unchanged,
               stats.faults, stats.requests, stats.bytes / 1e6, stats.seconds);
    catalog_close(cat);
    crawl_lock_release(lock);
    return status;
}

int main(int argc, char **argv)
{
    cli_init("solemate-crawler");
    crawler_args a;
    memset(&a, 0, sizeof a);
    int status = parse_args(argc, argv, &a);
    if (status)
        return status;
    if (a.common.help) {
        usage();
        return CLI_EXIT_OK;
    }
    if (a.common.version) {
        cli_print_version();
        return CLI_EXIT_OK;
    }
    solemate_config cfg;
    if ((status = cli_load_config(&cfg, &a.common)))
        return status;
    const char *profile_path = a.profile ? a.profile : cfg.crawler_profile;
    site_profile profile;
    char err[1024];
    if (profile_load(&profile, profile_path, err, sizeof err)) {
        cli_error("profile", "%s", err);
        profile_free(&profile);
        return CLI_EXIT_CONFIG;
    }
    if (a.category && !crawl_category_known(&profile, a.category)) {
        cli_error("--category", "'%s' is not a category of profile %s", a.category,
                  profile_path);
        profile_free(&profile);
        return CLI_EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cli_error("libcurl", "initialisation failed");
        profile_free(&profile);
        return CLI_EXIT_SOFTWARE;
    }
    status = crawl_main(argc, argv, &a, &cfg, &profile);
    curl_global_cleanup();
    profile_free(&profile);
    return status;
}
