/* robots.txt (RFC 9309): the group for our product token (else '*'), allow/disallow rules with
 * '*' and '$' patterns decided by the longest match (allow wins a tie), and Crawl-delay.
 *
 * Manual: robots_parse(text, len, "solemate-crawler") never fails on bad input (unknown lines
 * are ignored) and returns NULL only when out of memory; robots_allow_all()/robots_deny_all()
 * stand in for a missing (4xx) or unreachable (5xx, network) robots.txt.  robots_free() frees.
 * Read-only after parsing, so a parsed rule set may be shared between threads. */
#ifndef SOLEMATE_ROBOTS_H
#define SOLEMATE_ROBOTS_H

#include <stddef.h>

typedef struct robots robots;

robots *robots_parse(const char *text, size_t len, const char *agent);
robots *robots_allow_all(void);
robots *robots_deny_all(void);
void robots_free(robots *r);

/* 1 when path_query (e.g. "/app/goods/1/0?x=1") may be fetched. */
int robots_allowed(const robots *r, const char *path_query);

/* Crawl-delay of the chosen group in milliseconds, -1 when none was given. */
long robots_crawl_delay_ms(const robots *r);

#endif
