/* The catalog work of solemate-extractor: compute the features every product photo lacks
 * (new photos, changed photos, changed weights or preprocessing) for the chosen models.
 *
 * Manual: extract_run() records a runs row, then per model lists the pending images, decodes
 * and preprocesses the next batch on a producer thread while the network runs the current
 * one, and writes each batch in one transaction; a bad image is a faults row and is skipped.
 * A model whose weights are missing is reported in one line (with `make models`) and skipped.
 * It prints the errors, a progress bar on a tty and one summary line (or the JSON summary with
 * json), and returns the exit status (cli.h).  Uses the catalog handle from this thread only. */
#ifndef SOLEMATE_EXTRACT_RUN_H
#define SOLEMATE_EXTRACT_RUN_H

#include "db/catalog.h"

#define EXTRACT_MAX_MODELS 8

typedef struct {
    const char *models_dir;
    const char *weights_path; /* --weights: only with a single model */
    const char *fit;          /* NULL: each model's default preprocessing */
    const char *models[EXTRACT_MAX_MODELS];
    int nmodels;
    int all_models;           /* every model with weights present, plus pixel */
    int rebuild;              /* recompute current features too */
    long limit;               /* images per model, -1: all */
    int batch;
    int json;
    const char *args;         /* the command line, for the runs row */
} extract_options;

int extract_run(catalog *cat, const extract_options *o);

#endif
