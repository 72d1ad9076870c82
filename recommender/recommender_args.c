/* Option table, parsing and the --help text of solemate-recommender. */
#define _POSIX_C_SOURCE 200809L
#include "recommender/recommender_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char recommender_usage[] =
    "Usage: solemate-recommender [options] COMMAND [command options]\n"
    "Finds visually similar shoes in the catalog from the extractor's feature vectors.\n"
    "\n"
    "Commands:\n"
    "  build     compute every product's neighbours into the neighbors table (only what changed)\n"
    "            [--model M | --all-models] [--metric cosine|l2|both] [-k N] [--force] [--json]\n"
    "  similar   the k most similar shoes to a catalog product or to a new photo\n"
    "            (--product ID | --image FILE) [--model M] [--metric cosine|l2|both] [-k N]\n"
    "            [--diverse LAMBDA] [--category same|other] [--gender M|F] [--format table|json|tsv]\n"
    "  gallery   static HTML page: each query photo and its top k per model x metric\n"
    "            (--product ID[,ID...] | --random N [--seed S]) --out DIR [-k N]\n"
    "  eval      precision@k and mAP per model x metric against product labels\n"
    "            [--labels CSV] [-k 1,5,9] [--json]\n"
    "\n"
    "Options:\n"
    "  --model M          resnet18, vgg16, vgg16-fc7, mobilenet or pixel (default: every model\n"
    "                     with features for build/gallery/eval; mobilenet, else the first, for similar)\n"
    "  --all-models       every model with features (build)\n"
    "  --metric METRIC    cosine (similarity, higher is closer), l2 (Euclidean distance, lower is\n"
    "                     closer) or both (default: both for build/gallery/eval, [recommender] metric\n"
    "                     for similar)\n"
    "  -k N               neighbours per product (default: [recommender] k = 9); eval: a list\n"
    "  --product ID       query product (repeatable or comma-separated for gallery)\n"
    "  --image FILE       query photo not in the catalog (cold start: its feature is computed here)\n"
    "  --fit MODE         crop|pad|squash for --image (default: the catalog model's preprocessing)\n"
    "  --models-dir DIR   weights for --image (default: [extractor] models_dir)\n"
    "  --diverse LAMBDA   maximal-marginal-relevance re-ranking, 0..1 (1 = plain ranking)\n"
    "  --category WHICH   same: only shoes sharing a style category with the query; other: none\n"
    "  --gender M|F       only shoes found in a men's (M) or women's (F) category\n"
    "  --format FORMAT    table (default), json or tsv\n"
    "  --random N         gallery of N random products;  --seed S  its seed (default 1)\n"
    "  --out DIR          gallery output directory (index.html + thumbs/)\n"
    "  --labels CSV       eval: relative_path,label rows matched to imported products' paths\n"
    "                     (default: the products.label column)\n"
    "  --force            build: recompute even when the stored neighbours are current\n"
    "  --json             one JSON object (build summary, eval table) instead of text\n"
    CLI_COMMON_HELP
    "\n"
    "Near duplicates (same photo digest, or cosine >= [recommender] near_duplicate) collapse so\n"
    "the k results are k different shoes; the query product itself is never a result.  Equal\n"
    "scores order by lower product id.\n"
    "\n"
    "Examples:\n"
    "  solemate-recommender --catalog catalog.db build\n"
    "  solemate-recommender similar --product 42 --model mobilenet --metric cosine\n"
    "  solemate-recommender similar --image new-shoe.jpg --format json\n"
    "  solemate-recommender gallery --random 12 --out gallery/\n"
    "  solemate-recommender eval -k 1,5,9\n"
    "\n" CLI_EXIT_HELP;

enum {
    OPT_MODEL = 2000, OPT_ALL_MODELS, OPT_METRIC, OPT_PRODUCT, OPT_IMAGE, OPT_FORMAT, OPT_JSON,
    OPT_DIVERSE, OPT_CATEGORY, OPT_GENDER, OPT_RANDOM, OPT_SEED, OPT_OUT, OPT_LABELS, OPT_FIT,
    OPT_MODELS_DIR, OPT_FORCE
};

static const struct option options[] = {
    CLI_COMMON_OPTIONS,
    {"model", required_argument, NULL, OPT_MODEL},
    {"all-models", no_argument, NULL, OPT_ALL_MODELS},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"product", required_argument, NULL, OPT_PRODUCT},
    {"image", required_argument, NULL, OPT_IMAGE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"json", no_argument, NULL, OPT_JSON},
    {"diverse", required_argument, NULL, OPT_DIVERSE},
    {"category", required_argument, NULL, OPT_CATEGORY},
    {"gender", required_argument, NULL, OPT_GENDER},
    {"random", required_argument, NULL, OPT_RANDOM},
    {"seed", required_argument, NULL, OPT_SEED},
    {"out", required_argument, NULL, OPT_OUT},
    {"labels", required_argument, NULL, OPT_LABELS},
    {"fit", required_argument, NULL, OPT_FIT},
    {"models-dir", required_argument, NULL, OPT_MODELS_DIR},
    {"force", no_argument, NULL, OPT_FORCE},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, const char *value)
{
    char why[512];
    snprintf(why, sizeof why, fmt, value);
    cli_error("usage", "%s (see --help)", why);
    return CLI_EXIT_USAGE;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Appends the ids of "12" or "12,13,14" to args->products. */
static int add_products(recommender_args *a, const char *text)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return -1;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        long id;
        int64_t *grown = realloc(a->products, (size_t)(a->nproducts + 1) * sizeof *grown);
        if (!grown || parse_long(tok, 1, 9007199254740991L, &id)) {
            if (grown)
                a->products = grown;
            rc = -1;
            break;
        }
        a->products = grown;
        a->products[a->nproducts++] = id;
    }
    free(copy);
    return rc;
}

static int one_of(const char *value, const char *const *choices)
{
    for (; *choices; choices++)
        if (strcmp(value, *choices) == 0)
            return 1;
    return 0;
}

int recommender_parse_args(int argc, char **argv, recommender_args *a)
{
    memset(a, 0, sizeof *a);
    a->diverse = -1;
    a->seed = 1;
    static const char *const metrics[] = {"cosine", "l2", "both", NULL};
    static const char *const formats[] = {"table", "json", "tsv", NULL};
    static const char *const categories[] = {"same", "other", NULL};
    static const char *const genders[] = {"M", "F", NULL};
    static const char *const fits[] = {"crop", "pad", "squash", NULL};
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "k:", options, NULL)) != -1) {
        if (cli_common_option(&a->common, opt, optarg))
            continue;
        long v;
        char *end = NULL;
        switch (opt) {
        case OPT_MODEL: a->model = optarg; break;
        case OPT_ALL_MODELS: a->all_models = 1; break;
        case OPT_METRIC:
            if (!one_of(optarg, metrics))
                return usage_error("--metric must be cosine, l2 or both, not '%s'", optarg);
            a->metric = optarg;
            break;
        case 'k':
            a->k_list = optarg;
            if (!strchr(optarg, ',') && parse_long(optarg, 1, 1000, &v) == 0)
                a->k = (int)v;
            break;
        case OPT_PRODUCT:
            if (add_products(a, optarg))
                return usage_error("--product wants product ids, not '%s'", optarg);
            break;
        case OPT_IMAGE: a->image = optarg; break;
        case OPT_FORMAT:
            if (!one_of(optarg, formats))
                return usage_error("--format must be table, json or tsv, not '%s'", optarg);
            a->format = optarg;
            break;
        case OPT_JSON: a->json = 1; break;
        case OPT_DIVERSE:
            errno = 0;
            a->diverse = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(a->diverse >= 0 && a->diverse <= 1))
                return usage_error("--diverse wants a number from 0 to 1, not '%s'", optarg);
            break;
        case OPT_CATEGORY:
            if (!one_of(optarg, categories))
                return usage_error("--category must be same or other, not '%s'", optarg);
            a->category = optarg;
            break;
        case OPT_GENDER:
            if (!one_of(optarg, genders))
                return usage_error("--gender must be M or F, not '%s'", optarg);
            a->gender = optarg;
            break;
        case OPT_RANDOM:
            if (parse_long(optarg, 1, 100000, &v))
                return usage_error("--random wants a count from 1 to 100000, not '%s'", optarg);
            a->random = (int)v;
            break;
        case OPT_SEED:
            if (parse_long(optarg, 0, 4294967295L, &v))
                return usage_error("--seed wants a non-negative integer, not '%s'", optarg);
            a->seed = (unsigned)v;
            break;
        case OPT_OUT: a->out_dir = optarg; break;
        case OPT_LABELS: a->labels = optarg; break;
        case OPT_FIT:
            if (!one_of(optarg, fits))
                return usage_error("--fit must be crop, pad or squash, not '%s'", optarg);
            a->fit = optarg;
            break;
        case OPT_MODELS_DIR: a->models_dir = optarg; break;
        case OPT_FORCE: a->force = 1; break;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        static const char *const names[] = {"", "build", "similar", "gallery", "eval"};
        for (int c = CMD_BUILD; c <= CMD_EVAL; c++)
            if (strcmp(argv[optind], names[c]) == 0)
                a->command = (recommender_command)c;
        if (a->command == CMD_NONE)
            return usage_error("unknown command '%s'", argv[optind]);
        if (optind + 1 < argc)
            return usage_error("unexpected argument '%s'", argv[optind + 1]);
    }
    if (a->k_list && a->command != CMD_EVAL && a->k == 0)
        return usage_error("-k wants a count from 1 to 1000, not '%s'", a->k_list);
    return 0;
}

void recommender_args_free(recommender_args *a)
{
    free(a->products);
    a->products = NULL;
    a->nproducts = 0;
}
