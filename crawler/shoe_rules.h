/* Is this product a shoe?  MUSINSA.md §4 as data: the profile's [shoe] codes, names and state
 * prefix decide, in that order of authority (codes, then names, then the page's state JSON).
 *
 * Manual: fill a shoe_facts from the goods page (empty strings for what the page lacks) and
 * call shoe_decide(); pure function, thread-safe. */
#ifndef SOLEMATE_SHOE_RULES_H
#define SOLEMATE_SHOE_RULES_H

#include "crawler/profile.h"

typedef struct {
    const char *code;       /* the item category code, e.g. "018004" or "005" ("" unknown) */
    const char *name;       /* first category link text, e.g. "스니커즈" */
    const char *sub_name;   /* second category link text, e.g. "기타 스니커즈" */
    const char *state_path; /* state JSON category, e.g. "Shoes > 스니커즈 > 기타 스니커즈" */
} shoe_facts;

typedef enum { SHOE_NO = 0, SHOE_YES = 1, SHOE_UNKNOWN = 2 } shoe_verdict;

/* why (optional) gets the rule that decided. */
shoe_verdict shoe_decide(const site_profile *p, const shoe_facts *f, const char **why);

#endif
