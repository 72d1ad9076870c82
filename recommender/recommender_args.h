/* The command line of solemate-recommender: one getopt_long table for the common options and
 * every command's options, parsed into a plain struct the commands read.
 *
 * Manual: recommender_parse_args() returns 0 and fills args, or prints one usage error line and
 * returns CLI_EXIT_USAGE.  Command-specific checks (which options a command needs) are made by
 * the commands.  Pointers in args point into argv; products is malloc'd (recommender_args_free). */
#ifndef SOLEMATE_RECOMMENDER_ARGS_H
#define SOLEMATE_RECOMMENDER_ARGS_H

#include <stdint.h>

#include "cli/options.h"

typedef enum { CMD_NONE = 0, CMD_BUILD, CMD_SIMILAR, CMD_GALLERY, CMD_EVAL } recommender_command;

typedef struct {
    cli_common common;
    recommender_command command;
    const char *model;     /* --model */
    int all_models;        /* --all-models */
    const char *metric;    /* --metric cosine|l2|both, NULL: command default */
    int k;                 /* -k, 0: [recommender] k */
    const char *k_list;    /* eval: -k 1,5,9 */
    int64_t *products;     /* --product (repeatable, comma lists) */
    int nproducts;
    const char *image;     /* --image FILE */
    const char *format;    /* table|json|tsv */
    int json;              /* --json */
    double diverse;        /* --diverse LAMBDA, < 0 when absent */
    const char *category;  /* --category same|other */
    const char *gender;    /* --gender M|F */
    int random;            /* --random N */
    unsigned seed;         /* --seed */
    const char *out_dir;   /* --out DIR */
    const char *labels;    /* --labels CSV */
    const char *fit;       /* --fit crop|pad|squash (cold-start preprocessing) */
    const char *models_dir;/* --models-dir */
    int force;             /* --force: rebuild even when current */
} recommender_args;

int recommender_parse_args(int argc, char **argv, recommender_args *args);
void recommender_args_free(recommender_args *args);
extern const char recommender_usage[];

#endif
