/* Table-driven parser of solemate.conf on top of libinih: each known key has a type, a range
 * and a place in solemate_config; anything else is an error naming FILE:LINE. */
#define _POSIX_C_SOURCE 200809L
#include "cli/config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { KEY_INT, KEY_LONG, KEY_DOUBLE, KEY_TEXT, KEY_PATH, KEY_CHOICE } key_type;

typedef struct {
    const char *section;
    const char *name;
    key_type type;
    size_t offset;
    size_t size;           /* text/path/choice buffer size */
    double min, max;       /* numeric range */
    const char *choices;   /* KEY_CHOICE: "|a|b|c|" */
} config_key;

#define AT(field) offsetof(solemate_config, field), sizeof(((solemate_config *)0)->field)

static const config_key keys[] = {
    {"catalog", "path", KEY_PATH, AT(catalog_path), 0, 0, NULL},
    {"catalog", "busy_timeout_ms", KEY_INT, AT(busy_timeout_ms), 0, 600000, NULL},
    {"crawler", "profile", KEY_PATH, AT(crawler_profile), 0, 0, NULL},
    {"crawler", "contact", KEY_TEXT, AT(crawler_contact), 0, 0, NULL},
    {"crawler", "connect_to", KEY_TEXT, AT(crawler_connect_to), 0, 0, NULL},
    {"crawler", "delay_ms", KEY_INT, AT(crawler_delay_ms), -1, 3600000, NULL},
    {"crawler", "timeout_s", KEY_INT, AT(crawler_timeout_s), 1, 3600, NULL},
    {"crawler", "max_body_bytes", KEY_LONG, AT(crawler_max_body_bytes), 1024, 1e10, NULL},
    {"crawler", "max_tries", KEY_INT, AT(crawler_max_tries), 1, 20, NULL},
    {"extractor", "models_dir", KEY_PATH, AT(models_dir), 0, 0, NULL},
    {"extractor", "models", KEY_TEXT, AT(extractor_models), 0, 0, NULL},
    {"extractor", "batch", KEY_INT, AT(extractor_batch), 1, 256, NULL},
    {"extractor", "threads", KEY_INT, AT(extractor_threads), 1, 256, NULL},
    {"extractor", "fit", KEY_CHOICE, AT(extractor_fit), 0, 0, "|crop|pad|squash|"},
    {"recommender", "metric", KEY_CHOICE, AT(recommender_metric), 0, 0, "|cosine|l2|"},
    {"recommender", "k", KEY_INT, AT(recommender_k), 1, 1000, NULL},
    {"recommender", "near_duplicate", KEY_DOUBLE, AT(recommender_near_duplicate), 0, 1, NULL},
};

void config_defaults(solemate_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->catalog_path, sizeof c->catalog_path, "catalog.db");
    c->busy_timeout_ms = 10000;
    snprintf(c->crawler_profile, sizeof c->crawler_profile, "config/profiles/musinsa-2022.conf");
    snprintf(c->crawler_contact, sizeof c->crawler_contact, "https://github.com/solemate/solemate");
    c->crawler_delay_ms = -1;
    c->crawler_timeout_s = 30;
    c->crawler_max_body_bytes = 20L * 1024 * 1024;
    c->crawler_max_tries = 3;
    const char *models_env = getenv("MODELS_DIR");
    snprintf(c->models_dir, sizeof c->models_dir, "%s",
             models_env && *models_env ? models_env : SOLEMATE_DEFAULT_MODELS_DIR);
    snprintf(c->extractor_models, sizeof c->extractor_models, "mobilenet,pixel");
    c->extractor_batch = 8;
    c->extractor_threads = 2;
    snprintf(c->recommender_metric, sizeof c->recommender_metric, "cosine");
    c->recommender_k = 9;
    c->recommender_near_duplicate = 0.995;
}

const char *config_default_path(void)
{
    const char *env = getenv("SOLEMATE_CONFIG");
    return env && *env ? env : NULL;
}

typedef struct {
    solemate_config *config;
    const char *path;
    char dir[CONFIG_PATH_MAX]; /* directory of the file, for relative paths */
    char problem[512];         /* why the first bad line is bad */
} load_state;

static int set_text(char *dst, size_t size, const char *value, char *problem, size_t plen)
{
    if (strlen(value) >= size) {
        snprintf(problem, plen, "value is longer than %zu bytes", size - 1);
        return 0;
    }
    memcpy(dst, value, strlen(value) + 1);
    return 1;
}

static int set_value(load_state *st, const config_key *k, const char *value)
{
    char *field = (char *)st->config + k->offset;
    char *end = NULL;
    errno = 0;
    switch (k->type) {
    case KEY_INT:
    case KEY_LONG: {
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end || v < k->min || v > k->max) {
            snprintf(st->problem, sizeof st->problem,
                     "bad value '%s' for %s: expected an integer from %.0f to %.0f", value,
                     k->name, k->min, k->max);
            return 0;
        }
        if (k->type == KEY_INT)
            *(int *)field = (int)v;
        else
            *(long *)field = (long)v;
        return 1;
    }
    case KEY_DOUBLE: {
        double v = strtod(value, &end);
        if (errno || end == value || *end || v < k->min || v > k->max) {
            snprintf(st->problem, sizeof st->problem,
                     "bad value '%s' for %s: expected a number from %g to %g", value, k->name,
                     k->min, k->max);
            return 0;
        }
        *(double *)field = v;
        return 1;
    }
    case KEY_CHOICE: {
        char needle[64];
        snprintf(needle, sizeof needle, "|%s|", value);
        if (!*value || strchr(value, '|') || !strstr(k->choices, needle)) {
            snprintf(st->problem, sizeof st->problem, "bad value '%s' for %s: expected one of %s",
                     value, k->name, k->choices);
            return 0;
        }
        return set_text(field, k->size, value, st->problem, sizeof st->problem);
    }
    case KEY_PATH:
        if (value[0] != '/' && st->dir[0]) {
            char joined[2 * CONFIG_PATH_MAX];
            snprintf(joined, sizeof joined, "%s/%s", st->dir, value);
            return set_text(field, k->size, joined, st->problem, sizeof st->problem);
        }
        return set_text(field, k->size, value, st->problem, sizeof st->problem);
    case KEY_TEXT:
        return set_text(field, k->size, value, st->problem, sizeof st->problem);
    }
    return 0;
}

/* inih callback: returns 0 to make ini_parse report this line as the first error. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
    load_state *st = user;
    if (st->problem[0])
        return 0;
    int known_section = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        known_section = 1;
        if (strcmp(keys[i].name, name) == 0)
            return set_value(st, &keys[i], value);
    }
    if (known_section)
        snprintf(st->problem, sizeof st->problem, "unknown key '%s' in [%s]", name, section);
    else
        snprintf(st->problem, sizeof st->problem, "unknown section [%s]", section);
    return 0;
}

int config_load(solemate_config *c, const char *path, char *err, size_t errlen)
{
    load_state st = {.config = c, .path = path};
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(st.dir, sizeof st.dir, "%.*s", (int)(slash - path), path);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int line = ini_parse_file(f, on_key, &st);
    fclose(f);
    if (line == 0)
        return 0;
    if (line < 0)
        snprintf(err, errlen, "%s: cannot read the file", path);
    else if (st.problem[0])
        snprintf(err, errlen, "%s:%d: %s", path, line, st.problem);
    else
        snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)", path, line);
    return -1;
}
