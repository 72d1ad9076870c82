/* robots.txt parser and matcher: groups are collected per user-agent line, the most specific
 * group wins (our token, else '*'), and path patterns are matched with '*' and '$'. */
#define _POSIX_C_SOURCE 200809L
#include "crawler/robots.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *pattern; /* as written, plus a '*' unless it ends with '$' */
    size_t length; /* length as written: the longer match wins */
    int allow;
} robots_rule;

struct robots {
    robots_rule *rules;
    size_t n, cap;
    long crawl_delay_ms;
    int deny_all;
};

static robots *robots_new(void)
{
    robots *r = calloc(1, sizeof *r);
    if (r)
        r->crawl_delay_ms = -1;
    return r;
}

robots *robots_allow_all(void) { return robots_new(); }

robots *robots_deny_all(void)
{
    robots *r = robots_new();
    if (r)
        r->deny_all = 1;
    return r;
}

void robots_free(robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->rules[i].pattern);
    free(r->rules);
    free(r);
}

static int add_rule(robots *r, const char *pattern, size_t len, int allow)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        robots_rule *grown = realloc(r->rules, cap * sizeof *grown);
        if (!grown)
            return -1;
        r->rules = grown;
        r->cap = cap;
    }
    char *copy = malloc(len + 2);
    if (!copy)
        return -1;
    memcpy(copy, pattern, len);
    copy[len] = pattern[len - 1] == '$' ? '\0' : '*';
    copy[len + 1] = '\0';
    r->rules[r->n++] = (robots_rule){copy, len, allow};
    return 0;
}

/* One parsed line: lower-cased key and the trimmed value (comments removed). */
typedef struct {
    char key[32];
    const char *value;
    size_t vlen;
} robots_line;

static int split_line(const char *s, size_t len, robots_line *out)
{
    const char *hash = memchr(s, '#', len);
    if (hash)
        len = (size_t)(hash - s);
    const char *colon = memchr(s, ':', len);
    if (!colon)
        return 0;
    size_t k = 0;
    for (const char *c = s; c < colon; c++)
        if (!isspace((unsigned char)*c) && k + 1 < sizeof out->key)
            out->key[k++] = (char)tolower((unsigned char)*c);
    out->key[k] = '\0';
    const char *v = colon + 1, *end = s + len;
    while (v < end && isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    out->value = v;
    out->vlen = (size_t)(end - v);
    return 1;
}

/* 2 = the agent's own token, 1 = '*', 0 = another robot. */
static int agent_match(const char *v, size_t len, const char *agent)
{
    if (len == 1 && v[0] == '*')
        return 1;
    size_t alen = strlen(agent);
    return len == alen && !strncasecmp(v, agent, len) ? 2 : 0;
}

/* Two passes: find the best match level among all groups, then keep the rules of the groups
 * at that level (groups naming the same agent are merged, as RFC 9309 says). */
robots *robots_parse(const char *text, size_t len, const char *agent)
{
    robots *r = robots_new();
    if (!r)
        return NULL;
    int best = 0;
    for (int pass = 0; pass < 2; pass++) {
        int group_level = 0, in_agents = 0;
        for (size_t pos = 0; pos < len;) {
            const char *line = text + pos;
            const char *nl = memchr(line, '\n', len - pos);
            size_t llen = nl ? (size_t)(nl - line) : len - pos;
            pos += llen + 1;
            robots_line l;
            if (!split_line(line, llen, &l))
                continue;
            if (!strcmp(l.key, "user-agent")) {
                int level = agent_match(l.value, l.vlen, agent);
                group_level = in_agents ? (level > group_level ? level : group_level) : level;
                in_agents = 1;
                continue;
            }
            in_agents = 0;
            if (pass == 0) {
                if (group_level > best)
                    best = group_level;
                continue;
            }
            if (!best || group_level != best)
                continue;
            if (!strcmp(l.key, "allow") || !strcmp(l.key, "disallow")) {
                if (l.vlen && add_rule(r, l.value, l.vlen, l.key[0] == 'a')) {
                    robots_free(r);
                    return NULL;
                }
            } else if (!strcmp(l.key, "crawl-delay")) {
                char num[32];
                size_t n = l.vlen < sizeof num - 1 ? l.vlen : sizeof num - 1;
                memcpy(num, l.value, n);
                num[n] = '\0';
                char *end = NULL;
                double secs = strtod(num, &end);
                if (end != num && secs >= 0 && secs < 86400)
                    r->crawl_delay_ms = (long)(secs * 1000 + 0.5);
            }
        }
    }
    return r;
}

/* Whole-string match of a stored pattern: '*' matches any run, a final '$' anchors at the end
 * (patterns without '$' were stored with a trailing '*', so they match prefixes).  Greedy with
 * backtracking to the last star only: linear-ish, no recursion on hostile input. */
static int pattern_matches(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat && *pat == *s && !(*pat == '$' && !pat[1])) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return !*pat || (*pat == '$' && !pat[1]);
}

int robots_allowed(const robots *r, const char *path_query)
{
    if (!strcmp(path_query, "/robots.txt"))
        return 1;
    if (r->deny_all)
        return 0;
    size_t best_len = 0;
    int allowed = 1, matched = 0;
    for (size_t i = 0; i < r->n; i++) {
        const robots_rule *rule = &r->rules[i];
        if (!pattern_matches(rule->pattern, path_query))
            continue;
        size_t len = rule->length;
        if (!matched || len > best_len || (len == best_len && rule->allow)) {
            best_len = len;
            allowed = rule->allow;
            matched = 1;
        }
    }
    return allowed;
}

long robots_crawl_delay_ms(const robots *r) { return r->crawl_delay_ms; }
