/* Site profile loader: a key table over libinih with list keys, continuation lines glued to
 * the key above, C('class') expansion in selectors and regex compilation at the end. */
#define _POSIX_C_SOURCE 200809L
#include "crawler/profile.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { K_STR, K_XPATH, K_INT, K_LIST, K_XLIST, K_REGEX, K_PAIR, K_CATEGORY, K_HOST } key_type;

typedef struct {
    const char *section, *name;
    key_type type;
    size_t off, off2; /* field; K_PAIR: second list */
    int min, max;     /* K_INT range */
} profile_key;

#define F(field) offsetof(site_profile, field)

static const profile_key keys[] = {
    {"site", "name", K_STR, F(name), 0, 0, 0},
    {"site", "list_url", K_STR, F(list_url), 0, 0, 0},
    {"site", "detail_url", K_STR, F(detail_url), 0, 0, 0},
    {"site", "goods_url", K_STR, F(goods_url), 0, 0, 0},
    {"site", "gender_cookie", K_STR, F(gender_cookie), 0, 0, 0},
    {"site", "shoes_per_category", K_INT, F(shoes_per_category), 0, 1, 100000},
    {"site", "max_pages", K_INT, F(max_pages), 0, 1, 100000},
    {"site", "prefetch", K_INT, F(prefetch), 0, 0, 1000},
    {"hosts", "allow", K_LIST, F(allow), 0, 0, 0},
    {"hosts", "alias", K_PAIR, F(alias_from), F(alias_to), 0, 0},
    {"hosts", "path", K_PAIR, F(path_prefix), F(path_host), 0, 0},
    {"politeness", "delay_ms", K_INT, F(delay_ms), 0, 0, 3600000},
    {"politeness", "connections", K_INT, F(connections), 0, 1, 64},
    {"politeness", "backoff_ms", K_INT, F(backoff_ms), 0, 0, 3600000},
    {"politeness", "backoff_max_ms", K_INT, F(backoff_max_ms), 0, 0, 3600000},
    {"politeness", "host", K_HOST, 0, 0, 0, 0},
    {"politeness", "keepalive", K_INT, F(keepalive), 0, 0, 1},
    {"politeness", "timeout_ms", K_INT, F(timeout_ms), 0, 0, 3600000},
    {"categories", "category", K_CATEGORY, 0, 0, 0, 0},
    {"list", "item", K_XLIST, F(list_item), 0, 0, 0},
    {"list", "id", K_XLIST, F(list_id), 0, 0, 0},
    {"list", "id_regex", K_REGEX, F(list_id_regex), 0, 0, 0},
    {"list", "title", K_XLIST, F(list_title), 0, 0, 0},
    {"list", "total_pages", K_XPATH, F(list_total_pages), 0, 0, 0},
    {"detail", "slot", K_XLIST, F(detail_slots), 0, 0, 0},
    {"detail", "goods", K_XLIST, F(detail_goods), 0, 0, 0},
    {"detail", "goods_regex", K_REGEX, F(detail_goods_regex), 0, 0, 0},
    {"detail", "image", K_XLIST, F(detail_image), 0, 0, 0},
    {"detail", "image_regex", K_REGEX, F(detail_image_regex), 0, 0, 0},
    {"detail", "title", K_XLIST, F(detail_title), 0, 0, 0},
    {"goods", "category", K_XLIST, F(goods_category), 0, 0, 0},
    {"goods", "category_regex", K_REGEX, F(goods_category_regex), 0, 0, 0},
    {"goods", "image", K_XLIST, F(goods_image), 0, 0, 0},
    {"goods", "name", K_XLIST, F(goods_name), 0, 0, 0},
    {"goods", "brand", K_XLIST, F(goods_brand), 0, 0, 0},
    {"goods", "state_marker", K_STR, F(state_marker), 0, 0, 0},
    {"goods", "state_category", K_STR, F(state_category), 0, 0, 0},
    {"goods", "state_kind", K_STR, F(state_kind), 0, 0, 0},
    {"goods", "state_image", K_STR, F(state_image), 0, 0, 0},
    {"goods", "state_name", K_STR, F(state_name), 0, 0, 0},
    {"goods", "state_brand", K_STR, F(state_brand), 0, 0, 0},
    {"image", "regex", K_REGEX, F(image_regex), 0, 0, 0},
    {"image", "goods_group", K_INT, F(image_goods_group), 0, 0, 9},
    {"image", "size_group", K_INT, F(image_size_group), 0, 0, 9},
    {"image", "size", K_LIST, F(image_size), 0, 0, 0},
    {"image", "reject", K_LIST, F(image_reject), 0, 0, 0},
    {"shoe", "code", K_LIST, F(shoe_code), 0, 0, 0},
    {"shoe", "exclude_code", K_LIST, F(shoe_exclude_code), 0, 0, 0},
    {"shoe", "name", K_LIST, F(shoe_name), 0, 0, 0},
    {"shoe", "exclude_name", K_LIST, F(shoe_exclude_name), 0, 0, 0},
    {"shoe", "state_prefix", K_STR, F(shoe_state_prefix), 0, 0, 0},
    {"shoe", "state_exclude", K_STR, F(shoe_state_exclude), 0, 0, 0},
};

#define FIELD(p, off, type) ((type *)((char *)(p) + (off)))

int str_list_add(str_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->items = grown;
        l->cap = cap;
    }
    if (!(l->items[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

void str_list_free(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static void regex_list_free(regex_list *r)
{
    for (size_t i = 0; i < r->n; i++)
        regfree(&r->items[i]);
    free(r->items);
    str_list_free(&r->src);
    r->items = NULL;
    r->n = 0;
}

/* Appends tail to *s (continuation lines are glued on without a separator). */
static int append(char **s, const char *tail)
{
    size_t a = *s ? strlen(*s) : 0, b = strlen(tail);
    char *grown = realloc(*s, a + b + 1);
    if (!grown)
        return -1;
    memcpy(grown + a, tail, b + 1);
    *s = grown;
    return 0;
}

typedef struct {
    site_profile *p;
    const char *text; /* the whole file */
    size_t pos;
    int line;
    int continuation; /* the line just read starts with blanks */
    int overlong;
    char problem[400];
} load_state;

/* inih reader over the in-memory text; notes indentation and overlong lines. */
static char *read_line(char *buf, int size, void *stream)
{
    load_state *st = stream;
    if (!st->text[st->pos])
        return NULL;
    const char *start = st->text + st->pos;
    const char *nl = strchr(start, '\n');
    size_t len = nl ? (size_t)(nl - start) + 1 : strlen(start);
    st->line++;
    if (len >= (size_t)size - 1) {
        st->overlong = st->overlong ? st->overlong : st->line;
        len = (size_t)size - 2;
        st->pos += nl ? (size_t)(nl - start) + 1 : strlen(start);
    } else {
        st->pos += len;
    }
    memcpy(buf, start, len);
    buf[len] = '\0';
    st->continuation = buf[0] == ' ' || buf[0] == '\t';
    return buf;
}

static int parse_int(const char *v, int min, int max, int *out)
{
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max)
        return -1;
    *out = (int)x;
    return 0;
}

static int add_category(load_state *st, const char *v)
{
    char code[128], gender[8];
    int used = 0;
    if (sscanf(v, "%127s %7s %n", code, gender, &used) < 2 || !used || !v[used] ||
        (strcmp(gender, "M") && strcmp(gender, "F"))) {
        snprintf(st->problem, sizeof st->problem, "category: expected 'CODE M|F NAME', got '%s'", v);
        return 0;
    }
    site_profile *p = st->p;
    profile_category *grown = realloc(p->categories, (p->ncategories + 1) * sizeof *grown);
    if (!grown)
        return 0;
    p->categories = grown;
    profile_category *c = &p->categories[p->ncategories++];
    c->code = strdup(code);
    c->gender = gender[0];
    c->name = strdup(v + used);
    return c->code && c->name;
}

static int add_host(load_state *st, const char *v)
{
    char host[256];
    int conn = 0, delay = 0;
    if (sscanf(v, "%255s %d %d", host, &conn, &delay) != 3 || conn < 1 || conn > 64 || delay < 0) {
        snprintf(st->problem, sizeof st->problem,
                 "host: expected 'HOST CONNECTIONS DELAY_MS', got '%s'", v);
        return 0;
    }
    site_profile *p = st->p;
    profile_host *grown = realloc(p->hosts, (p->nhosts + 1) * sizeof *grown);
    if (!grown)
        return 0;
    p->hosts = grown;
    p->hosts[p->nhosts] = (profile_host){strdup(host), conn, delay};
    return p->hosts[p->nhosts++].host != NULL;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    load_state *st = user;
    site_profile *p = st->p;
    if (st->problem[0])
        return 0;
    const profile_key *k = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !k; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
            k = &keys[i];
    if (!k) {
        snprintf(st->problem, sizeof st->problem, "unknown key '%s' in [%s]", name, section);
        return 0;
    }
    int cont = st->continuation;
    switch (k->type) {
    case K_STR:
    case K_XPATH: {
        char **s = FIELD(p, k->off, char *);
        if (!cont) {
            free(*s);
            *s = NULL;
        }
        return append(s, value) == 0;
    }
    case K_INT:
        if (cont || parse_int(value, k->min, k->max, FIELD(p, k->off, int))) {
            snprintf(st->problem, sizeof st->problem,
                     "bad value '%s' for %s: expected an integer from %d to %d", value, name,
                     k->min, k->max);
            return 0;
        }
        return 1;
    case K_LIST:
    case K_XLIST:
    case K_REGEX: {
        str_list *l = k->type == K_REGEX ? &FIELD(p, k->off, regex_list)->src
                                         : FIELD(p, k->off, str_list);
        if (cont && l->n)
            return append(&l->items[l->n - 1], value) == 0;
        return str_list_add(l, value) == 0;
    }
    case K_PAIR: {
        char a[256], b[256];
        if (cont || sscanf(value, "%255s %255s", a, b) != 2) {
            snprintf(st->problem, sizeof st->problem, "%s: expected two words, got '%s'", name,
                     value);
            return 0;
        }
        return !str_list_add(FIELD(p, k->off, str_list), a) &&
               !str_list_add(FIELD(p, k->off2, str_list), b);
    }
    case K_CATEGORY:
        return add_category(st, value);
    case K_HOST:
        return add_host(st, value);
    }
    return 0;
}

/* Replaces every C('x') in *sel by the whitespace-safe class test for x. */
static int expand_class_tests(char **sel)
{
    static const char pre[] = "contains(concat(' ',normalize-space(@class),' '),' ";
    static const char post[] = " ')";
    const char *s = *sel;
    size_t cap = strlen(s) * 4 + 1, used = 0;
    for (const char *q = s; (q = strstr(q, "C('")); q++)
        cap += sizeof pre + sizeof post;
    char *out = malloc(cap);
    if (!out)
        return -1;
    while (*s) {
        const char *end;
        int word_start = s == *sel || !(s[-1] == '_' || s[-1] == '-' ||
                                        (s[-1] >= 'a' && s[-1] <= 'z') ||
                                        (s[-1] >= 'A' && s[-1] <= 'Z'));
        if (word_start && !strncmp(s, "C('", 3) && (end = strstr(s + 3, "')"))) {
            used += (size_t)sprintf(out + used, "%s%.*s%s", pre, (int)(end - s - 3), s + 3, post);
            s = end + 2;
        } else {
            out[used++] = *s++;
        }
    }
    out[used] = '\0';
    free(*sel);
    *sel = out;
    return 0;
}

static int compile_regexes(regex_list *r, const char *what, char *problem, size_t plen)
{
    if (!r->src.n)
        return 0;
    r->items = calloc(r->src.n, sizeof *r->items);
    if (!r->items)
        return -1;
    for (size_t i = 0; i < r->src.n; i++) {
        int rc = regcomp(&r->items[i], r->src.items[i], REG_EXTENDED | REG_ICASE);
        if (rc) {
            char why[160];
            regerror(rc, &r->items[i], why, sizeof why);
            snprintf(problem, plen, "%s: bad regex '%s': %s", what, r->src.items[i], why);
            return -1;
        }
        r->n++;
    }
    return 0;
}

/* Checks, defaults, expansion and compilation once every line is read. */
static int finish(site_profile *p, char *problem, size_t plen)
{
    if (!p->name || !p->list_url || !p->detail_url || !p->goods_url) {
        snprintf(problem, plen, "[site] needs name, list_url, detail_url and goods_url");
        return -1;
    }
    if (!p->ncategories || !p->list_item.n || !p->list_id.n || !p->detail_slots.n ||
        !p->detail_goods.n || !p->goods_image.n || !p->allow.n) {
        snprintf(problem, plen, "the profile needs [categories] category, [list] item and id, "
                                "[detail] slot and goods, [goods] image and [hosts] allow");
        return -1;
    }
    str_list *xlists[] = {&p->list_item, &p->list_id, &p->list_title, &p->detail_slots,
                          &p->detail_goods, &p->detail_image, &p->detail_title,
                          &p->goods_category, &p->goods_image, &p->goods_name, &p->goods_brand};
    for (size_t i = 0; i < sizeof xlists / sizeof xlists[0]; i++)
        for (size_t j = 0; j < xlists[i]->n; j++)
            if (expand_class_tests(&xlists[i]->items[j]))
                return -1;
    if (p->list_total_pages && expand_class_tests(&p->list_total_pages))
        return -1;
    for (size_t j = 0; j < p->detail_slots.n; j++) {
        if ((j && append(&p->detail_slot, " | ")) || append(&p->detail_slot, "(") ||
            append(&p->detail_slot, p->detail_slots.items[j]) || append(&p->detail_slot, ")"))
            return -1;
    }
    struct { regex_list *r; const char *what; } rx[] = {
        {&p->list_id_regex, "[list] id_regex"}, {&p->detail_goods_regex, "[detail] goods_regex"},
        {&p->detail_image_regex, "[detail] image_regex"},
        {&p->goods_category_regex, "[goods] category_regex"}, {&p->image_regex, "[image] regex"}};
    for (size_t i = 0; i < sizeof rx / sizeof rx[0]; i++)
        if (compile_regexes(rx[i].r, rx[i].what, problem, plen))
            return -1;
    if (!p->list_id_regex.n || !p->detail_goods_regex.n) {
        snprintf(problem, plen, "the profile needs [list] id_regex and [detail] goods_regex");
        return -1;
    }
    return 0;
}

static void set_defaults(site_profile *p)
{
    memset(p, 0, sizeof *p);
    p->shoes_per_category = 60;
    p->max_pages = 50;
    p->prefetch = 8;
    p->delay_ms = 2000;
    p->connections = 1;
    p->backoff_ms = 1000;
    p->backoff_max_ms = 60000;
    p->keepalive = 1;
}

int profile_load_string(site_profile *p, const char *text, const char *name, char *err,
                        size_t errlen)
{
    set_defaults(p);
    load_state st = {.p = p, .text = text};
    int line = ini_parse_stream(read_line, &st, on_key, &st);
    if (st.overlong && (line == 0 || st.overlong <= line)) {
        snprintf(err, errlen, "%s:%d: line longer than %d characters (continue it on an "
                 "indented line)", name, st.overlong, INI_MAX_LINE - 3);
        return -1;
    }
    if (line) {
        snprintf(err, errlen, "%s:%d: %s", name, line,
                 st.problem[0] ? st.problem : "syntax error (expected [section] or key = value)");
        return -1;
    }
    char problem[400] = "out of memory";
    if (finish(p, problem, sizeof problem)) {
        snprintf(err, errlen, "%s: %s", name, problem);
        return -1;
    }
    return 0;
}

int profile_load(site_profile *p, const char *path, char *err, size_t errlen)
{
    set_defaults(p);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    char chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = 2 * (len + got + 1);
            char *grown = realloc(text, cap);
            if (!grown) {
                free(text);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            text = grown;
        }
        memcpy(text + len, chunk, got);
        len += got;
    }
    if (text)
        text[len] = '\0';
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        snprintf(err, errlen, "%s: cannot read the file", path);
        return -1;
    }
    int rc = profile_load_string(p, text ? text : "", path, err, errlen);
    free(text);
    return rc;
}

void profile_free(site_profile *p)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const profile_key *k = &keys[i];
        switch (k->type) {
        case K_STR:
        case K_XPATH:
            free(*FIELD(p, k->off, char *));
            break;
        case K_LIST:
        case K_XLIST:
            str_list_free(FIELD(p, k->off, str_list));
            break;
        case K_REGEX:
            regex_list_free(FIELD(p, k->off, regex_list));
            break;
        case K_PAIR:
            str_list_free(FIELD(p, k->off, str_list));
            str_list_free(FIELD(p, k->off2, str_list));
            break;
        case K_INT:
        case K_CATEGORY:
        case K_HOST:
            break;
        }
    }
    for (size_t i = 0; i < p->ncategories; i++) {
        free(p->categories[i].code);
        free(p->categories[i].name);
    }
    free(p->categories);
    for (size_t i = 0; i < p->nhosts; i++)
        free(p->hosts[i].host);
    free(p->hosts);
    free(p->detail_slot);
    memset(p, 0, sizeof *p);
}

int profile_expand(const char *tmpl, char *out, size_t outlen, const char *const *pairs)
{
    size_t used = 0;
    for (const char *s = tmpl; *s;) {
        const char *close;
        if (*s == '{' && (close = strchr(s, '}'))) {
            const char *value = NULL;
            for (size_t i = 0; pairs[i]; i += 2)
                if (strlen(pairs[i]) == (size_t)(close - s - 1) &&
                    !strncmp(pairs[i], s + 1, (size_t)(close - s - 1)))
                    value = pairs[i + 1];
            if (!value)
                return -1;
            size_t n = strlen(value);
            if (used + n >= outlen)
                return -1;
            memcpy(out + used, value, n);
            used += n;
            s = close + 1;
        } else {
            if (used + 1 >= outlen)
                return -1;
            out[used++] = *s++;
        }
    }
    out[used] = '\0';
    return 0;
}

void profile_host_limits(const site_profile *p, const char *host, int *connections,
                         int *delay_ms)
{
    *connections = p->connections;
    *delay_ms = p->delay_ms;
    for (size_t i = 0; i < p->nhosts; i++)
        if (!strcasecmp(p->hosts[i].host, host)) {
            *connections = p->hosts[i].connections;
            *delay_ms = p->hosts[i].delay_ms;
        }
}

const char *profile_canonical_host(const site_profile *p, const char *host)
{
    for (size_t i = 0; i < p->alias_from.n; i++)
        if (!strcasecmp(p->alias_from.items[i], host))
            return p->alias_to.items[i];
    return host;
}

int profile_host_allowed(const site_profile *p, const char *host)
{
    const char *canon = profile_canonical_host(p, host);
    for (size_t i = 0; i < p->allow.n; i++)
        if (!strcasecmp(p->allow.items[i], canon))
            return 1;
    return 0;
}
