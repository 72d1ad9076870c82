/* `solemate-extractor embed FILE...`: the feature of photos outside the catalog, printed.
 *
 * Manual: embed_files() opens the model once and prints per file either a readable block
 * (a header line, then the values eight a line) or, with json, one line
 * {"file": ..., "model": ..., "feature": [...]} (float32 values printed exactly, with 9
 * significant digits; pixel values as integers).  Errors are printed one line each and the
 * next file is tried; returns the exit status (cli.h). */
#ifndef SOLEMATE_EMBED_FILES_H
#define SOLEMATE_EMBED_FILES_H

typedef struct {
    const char *model;
    const char *models_dir;
    const char *weights_path; /* NULL: the registry's file */
    const char *fit;          /* NULL: the model's default */
    int json;
} embed_options;

int embed_files(const embed_options *o, char *const files[], int nfiles);

#endif
