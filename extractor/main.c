/* solemate-extractor: command line, configuration and exit status around the extractor
 * library (catalog run, embed, import, classify); the work itself is in extract_run.c,
 * embed_files.c, import_dir.c and classify.c. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "extractor/blas_kernel.h"
#include "extractor/classify.h"
#include "extractor/embed_files.h"
#include "extractor/extract_run.h"
#include "extractor/import_dir.h"

static const char usage[] =
    "Usage: solemate-extractor [extract] [OPTIONS]       compute missing features in the catalog\n"
    "       solemate-extractor embed [OPTIONS] FILE...   print the feature of photo files\n"
    "       solemate-extractor classify [OPTIONS] FILE...  top-5 ImageNet classes (weights check)\n"
    "       solemate-extractor import [OPTIONS] DIR      add a photo folder to the catalog\n"
    "\n"
    "Models: resnet18, vgg16, vgg16-fc7 (need `make models`), mobilenet, pixel (raw RGB).\n"
    "Options:\n"
    "  -m, --model M[,M]  model(s) to use (repeatable; default: [extractor] models)\n"
    "  --all-models       every model whose weights are present, plus pixel\n"
    "  --rebuild          recompute current features too\n"
    "  --limit N          at most N images per model\n"
    "  --fit F            crop | pad | squash (default: each model's own preprocessing)\n"
    "  --batch N          images per inference batch (default: [extractor] batch)\n"
    "  --json             print the summary as JSON (extract, import)\n"
    "  --weights PATH     weights file for the (single) model instead of MODELS_DIR's\n"
    "  --models-dir DIR   where the weights live (default: [extractor] models_dir)\n"
    "  --format F         text | json output of embed and classify\n"
    "  --labels CSV       import: labels file with rows relative_path,label\n"
    CLI_COMMON_HELP
    "\n"
    "Examples:\n"
    "  solemate-extractor --catalog shop.db --model mobilenet,pixel\n"
    "  solemate-extractor import ~/photos --labels ~/photos/LABELS.csv && solemate-extractor --all-models\n"
    "  solemate-extractor embed --model mobilenet --format json shoe.jpg\n"
    "  solemate-extractor classify --model mobilenet dog.jpg\n"
    "\n" CLI_EXIT_HELP;

enum { OPT_ALL = 2000, OPT_REBUILD, OPT_LIMIT, OPT_FIT, OPT_BATCH, OPT_JSON, OPT_WEIGHTS,
       OPT_MODELS_DIR, OPT_FORMAT, OPT_LABELS };

typedef struct {
    extract_options x;
    const char *models_dir, *format, *labels, *fit;
    char model_list[1024];
    int batch;
    int model_given;
} options;

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Appends the comma-separated names in list to o->x.models (pointing into o->model_list). */
static int add_models(options *o, const char *list)
{
    size_t used = strlen(o->model_list);
    if (used + strlen(list) + 2 > sizeof o->model_list)
        return -1;
    char *copy = o->model_list + used + (used ? 1 : 0);
    strcpy(copy, list);
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        if (o->x.nmodels == EXTRACT_MAX_MODELS)
            return -1;
        o->x.models[o->x.nmodels++] = name;
    }
    return 0;
}

static int parse(options *o, cli_common *common, int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_OPTIONS,
        {"model", required_argument, NULL, 'm'}, {"all-models", no_argument, NULL, OPT_ALL},
        {"rebuild", no_argument, NULL, OPT_REBUILD}, {"limit", required_argument, NULL, OPT_LIMIT},
        {"fit", required_argument, NULL, OPT_FIT}, {"batch", required_argument, NULL, OPT_BATCH},
        {"json", no_argument, NULL, OPT_JSON}, {"weights", required_argument, NULL, OPT_WEIGHTS},
        {"models-dir", required_argument, NULL, OPT_MODELS_DIR},
        {"format", required_argument, NULL, OPT_FORMAT}, {"labels", required_argument, NULL, OPT_LABELS},
        {NULL, 0, NULL, 0}};
    int opt;
    long n;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "m:", longopts, NULL)) != -1) {
        if (cli_common_option(common, opt, optarg))
            continue;
        switch (opt) {
        case 'm':
            o->model_given = 1;
            if (add_models(o, optarg))
                return cli_error("--model", "too many models"), CLI_EXIT_USAGE;
            break;
        case OPT_ALL: o->x.all_models = 1; break;
        case OPT_REBUILD: o->x.rebuild = 1; break;
        case OPT_JSON: o->x.json = 1; break;
        case OPT_WEIGHTS: o->x.weights_path = optarg; break;
        case OPT_MODELS_DIR: o->models_dir = optarg; break;
        case OPT_LABELS: o->labels = optarg; break;
        case OPT_FIT:
            if (strcmp(optarg, "crop") && strcmp(optarg, "pad") && strcmp(optarg, "squash"))
                return cli_error("--fit", "'%s' is not crop, pad or squash", optarg), CLI_EXIT_USAGE;
            o->fit = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json"))
                return cli_error("--format", "'%s' is not text or json", optarg), CLI_EXIT_USAGE;
            o->format = optarg;
            break;
        case OPT_LIMIT:
            if (parse_long(optarg, 0, 1L << 40, &o->x.limit))
                return cli_error("--limit", "'%s' is not a count", optarg), CLI_EXIT_USAGE;
            break;
        case OPT_BATCH:
            if (parse_long(optarg, 1, 256, &n))
                return cli_error("--batch", "'%s' is not in 1..256", optarg), CLI_EXIT_USAGE;
            o->batch = (int)n;
            break;
        default:
            fprintf(stderr, "Try 'solemate-extractor --help'.\n");
            return CLI_EXIT_USAGE;
        }
    }
    return CLI_EXIT_OK;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    for (int i = 0; s && i < argc; i++)
        strcat(strcat(s, i ? " " : ""), argv[i]);
    return s;
}

/* extract, or import of dir when dir is not NULL */
static int with_catalog(const solemate_config *cfg, const char *dir, options *o)
{
    char err[1024];
    catalog *cat = catalog_open(cfg->catalog_path, CATALOG_READWRITE, cfg->busy_timeout_ms, err, sizeof err);
    if (!cat) {
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    int status;
    if (dir) {
        import_options io = {dir, o->labels, o->x.json, o->x.args};
        status = import_dir(cat, &io);
    } else {
        status = extract_run(cat, &o->x);
    }
    catalog_close(cat);
    return status;
}

static int dispatch(const char *command, options *o, const solemate_config *cfg, int nargs, char **args)
{
    int is_extract = strcmp(command, "extract") == 0, is_import = strcmp(command, "import") == 0;
    int json = o->format && strcmp(o->format, "json") == 0;
    if (o->x.weights_path && (o->x.nmodels != 1 || o->x.all_models))
        return cli_error("--weights", "needs exactly one --model"), CLI_EXIT_USAGE;
    if (is_extract && nargs)
        return cli_error(args[0], "unexpected argument (commands: extract, embed, classify, import)"), CLI_EXIT_USAGE;
    if (is_import)
        return nargs == 1 ? with_catalog(cfg, args[0], o)
                          : (cli_error("import", "needs exactly one directory"), CLI_EXIT_USAGE);
    if (!o->x.nmodels && !o->x.all_models &&
        add_models(o, strcmp(command, "classify") == 0 ? "mobilenet" : cfg->extractor_models))
        return cli_error("config", "too many models in [extractor] models"), CLI_EXIT_CONFIG;
    if (strcmp(command, "embed") == 0 && o->x.nmodels > 1 && !o->model_given)
        o->x.nmodels = 1; /* the first of the configured models */
    if (is_extract)
        return with_catalog(cfg, NULL, o);
    if (!nargs)
        return cli_error(command, "no photo files given"), CLI_EXIT_USAGE;
    if (o->x.nmodels != 1)
        return cli_error(command, "needs exactly one --model"), CLI_EXIT_USAGE;
    embed_options eo = {o->x.models[0], o->x.models_dir, o->x.weights_path, o->x.fit, json};
    return strcmp(command, "embed") == 0 ? embed_files(&eo, args, nargs) : classify_files(&eo, args, nargs);
}

int main(int argc, char **argv)
{
    blas_kernel_ensure(argv);
    cli_init("solemate-extractor");
    char *args = join_args(argc - 1, argv + 1);
    options o;
    memset(&o, 0, sizeof o);
    o.x.limit = -1;
    cli_common common = {NULL, NULL, 0, 0, 0};
    solemate_config cfg;
    int status = parse(&o, &common, argc, argv);
    if (status || common.help || common.version) {
        if (!status && common.help)
            fputs(usage, stdout);
        else if (!status)
            cli_print_version();
        free(args);
        return status;
    }
    if ((status = cli_load_config(&cfg, &common))) {
        free(args);
        return status;
    }
    o.x.models_dir = o.models_dir ? o.models_dir : cfg.models_dir;
    o.x.fit = o.fit ? o.fit : cfg.extractor_fit[0] ? cfg.extractor_fit : NULL;
    o.x.batch = o.batch ? o.batch : cfg.extractor_batch;
    openblas_set_num_threads(cfg.extractor_threads);
    o.x.args = args;
    /* getopt_long() has moved the operands to the end: the first may name the command */
    static const char *const commands[] = {"extract", "embed", "classify", "import"};
    const char *command = "extract";
    for (size_t i = 0; optind < argc && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[optind], commands[i]) == 0) {
            command = commands[i];
            optind++;
            break;
        }
    status = dispatch(command, &o, &cfg, argc - optind, argv + optind);
    free(args);
    return status;
}
