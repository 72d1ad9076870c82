/* A site profile: everything the crawler knows about one shop (URL templates, categories,
 * XPath selectors, id regexes, shoe rules, image-size preference, hosts, politeness), read
 * from an INI file with libinih.  The C code holds no shop markup; a redesign is a new profile.
 *
 * Manual: profile_load(&p, path, err, len) fills p (call profile_free(&p) afterwards, also on
 * failure); -1 + err "FILE:LINE: what" on an unknown key, a bad value, an overlong line or an
 * uncompilable regex.  Repeated keys are lists; an indented continuation line appends to the
 * key above it (one long XPath can span lines).  In selectors C('x') expands to the class test
 * contains(concat(' ',normalize-space(@class),' '),' x ').  Not thread-safe; read-only after
 * loading. */
#ifndef SOLEMATE_PROFILE_H
#define SOLEMATE_PROFILE_H

#include <regex.h>
#include <stddef.h>

typedef struct {
    char **items;
    size_t n, cap;
} str_list;

typedef struct {
    str_list src; /* the patterns as written */
    regex_t *items; /* compiled: POSIX extended, case-insensitive */
    size_t n;
} regex_list;

typedef struct {
    char *code;   /* style_type code */
    char gender;  /* 'M' or 'F' */
    char *name;   /* display name */
} profile_category;

typedef struct {
    char *host;      /* canonical host name */
    int connections; /* concurrent connections allowed */
    int delay_ms;    /* minimum gap between request starts */
} profile_host;

typedef struct {
    char *name; /* products.source */
    char *list_url, *detail_url, *goods_url; /* templates: {code} {gender} {page} {id} {goods_no} */
    char *gender_cookie;                     /* optional Cookie template, e.g. _gf={gender} */
    int shoes_per_category;
    int max_pages;
    int prefetch; /* codimaps fetched ahead of the one being decided */
    /* hosts */
    str_list allow;        /* canonical hosts the crawler may fetch from */
    str_list alias_from, alias_to;
    str_list path_prefix, path_host; /* root-relative paths with the prefix live on this host */
    /* politeness */
    int delay_ms, connections, backoff_ms, backoff_max_ms;
    int timeout_ms; /* the site's own request timeout (0: the config's applies) */
    int keepalive; /* 0: a fresh connection per request (servers that stall reused ones) */
    profile_host *hosts;
    size_t nhosts;
    /* categories */
    profile_category *categories;
    size_t ncategories;
    /* list page */
    str_list list_item, list_id, list_title;
    regex_list list_id_regex;
    char *list_total_pages;
    /* detail page */
    str_list detail_slots;
    char *detail_slot; /* all slot selectors joined with " | " (document order, deduped) */
    str_list detail_goods, detail_image, detail_title;
    regex_list detail_goods_regex, detail_image_regex;
    /* goods page */
    str_list goods_category, goods_image, goods_name, goods_brand;
    regex_list goods_category_regex;
    char *state_marker, *state_category, *state_kind, *state_image, *state_name, *state_brand;
    /* product image */
    regex_list image_regex;
    int image_goods_group, image_size_group;
    str_list image_size, image_reject;
    /* shoe rules */
    str_list shoe_code, shoe_exclude_code, shoe_name, shoe_exclude_name;
    char *shoe_state_prefix, *shoe_state_exclude;
} site_profile;

int profile_load(site_profile *p, const char *path, char *err, size_t errlen);
/* The same from a string (tests); name is used in messages. */
int profile_load_string(site_profile *p, const char *text, const char *name, char *err,
                        size_t errlen);
void profile_free(site_profile *p);

/* Appends a copy of s; 0 or -1 (out of memory). */
int str_list_add(str_list *l, const char *s);
void str_list_free(str_list *l);

/* Expands the {name} placeholders of tmpl from the NULL-terminated name/value pairs.
 * Returns 0, or -1 when the result does not fit or a placeholder is unknown. */
int profile_expand(const char *tmpl, char *out, size_t outlen, const char *const *pairs);

/* The host's limits (the defaults when the profile names no [politeness] host line). */
void profile_host_limits(const site_profile *p, const char *host, int *connections,
                         int *delay_ms);

/* Canonical host for an alias (the host itself when it is no alias). */
const char *profile_canonical_host(const site_profile *p, const char *host);
int profile_host_allowed(const site_profile *p, const char *host);

#endif
