/* The shoe decision: category codes (prefix lists with exclusions), else category names, else
 * the state JSON's category path; anything else is unknown. */
#include "crawler/shoe_rules.h"

#include <string.h>

static int has_prefix_in(const str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strncmp(s, l->items[i], strlen(l->items[i])))
            return 1;
    return 0;
}

static int equals_one_of(const str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(s, l->items[i]))
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return b && a >= b && !strcmp(s + a - b, suffix);
}

shoe_verdict shoe_decide(const site_profile *p, const shoe_facts *f, const char **why)
{
    const char *unused;
    why = why ? why : &unused;
    if (f->code && *f->code) {
        int yes = has_prefix_in(&p->shoe_code, f->code) &&
                  !has_prefix_in(&p->shoe_exclude_code, f->code);
        *why = yes ? "category code is a shoe code" : "category code is no shoe code";
        return yes ? SHOE_YES : SHOE_NO;
    }
    if (f->name && *f->name) {
        int yes = equals_one_of(&p->shoe_name, f->name) &&
                  !(f->sub_name && equals_one_of(&p->shoe_exclude_name, f->sub_name));
        *why = yes ? "category name is a shoe name" : "category name is no shoe name";
        return yes ? SHOE_YES : SHOE_NO;
    }
    if (f->state_path && *f->state_path && p->shoe_state_prefix) {
        int yes = !strncmp(f->state_path, p->shoe_state_prefix, strlen(p->shoe_state_prefix)) &&
                  !(p->shoe_state_exclude && ends_with(f->state_path, p->shoe_state_exclude));
        *why = yes ? "state category is a shoe path" : "state category is no shoe path";
        return yes ? SHOE_YES : SHOE_NO;
    }
    *why = "the page states no category";
    return SHOE_UNKNOWN;
}
