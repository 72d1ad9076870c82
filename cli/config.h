/* solemate.conf: the one configuration file format of all three programs (INI, parsed with
 * Debian's libinih).  Sections [catalog], [crawler], [extractor], [recommender].
 *
 * Manual: config_defaults(&c); then config_load(&c, path, err, sizeof err) which returns 0, or
 * -1 with err = "FILE:LINE: what is wrong" (unknown section or key, bad value) or
 * "FILE: why" (missing/unreadable).  Command-line options are applied by the caller after
 * loading, so they override the file.  Path values are taken relative to the directory of the
 * config file that names them.  Every key, its type and range is listed in the table in
 * config.c and documented in config/solemate.conf. */
#ifndef SOLEMATE_CONFIG_H
#define SOLEMATE_CONFIG_H

#include <stddef.h>

#define CONFIG_PATH_MAX 1024
#define CONFIG_TEXT_MAX 256

typedef struct {
    /* [catalog] */
    char catalog_path[CONFIG_PATH_MAX];
    int busy_timeout_ms;
    /* [crawler] */
    char crawler_profile[CONFIG_PATH_MAX];
    char crawler_contact[CONFIG_TEXT_MAX];
    char crawler_connect_to[CONFIG_TEXT_MAX];
    int crawler_delay_ms;          /* -1: the profile's politeness delay */
    int crawler_timeout_s;
    long crawler_max_body_bytes;
    int crawler_max_tries;
    /* [extractor] */
    char models_dir[CONFIG_PATH_MAX];
    char extractor_models[CONFIG_TEXT_MAX]; /* comma-separated model names */
    int extractor_batch;
    int extractor_threads;
    char extractor_fit[16];        /* crop | pad | squash; empty: each model's own default */
    /* [recommender] */
    char recommender_metric[16];   /* cosine | l2 */
    int recommender_k;
    double recommender_near_duplicate;
} solemate_config;

/* Fills every field with its built-in default. */
void config_defaults(solemate_config *c);

/* Reads path over the values already in c.  Returns 0 or -1 with err filled (one line). */
int config_load(solemate_config *c, const char *path, char *err, size_t errlen);

/* The config file to read when --config is not given: $SOLEMATE_CONFIG if set, else NULL
 * (built-in defaults only). */
const char *config_default_path(void);

#endif
