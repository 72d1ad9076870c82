/* Shared by the crawler's C tests: loads a shipped site profile from config/profiles under
 * $SOLEMATE_ROOT (or the current directory), so the tests exercise the real selectors. */
#ifndef SOLEMATE_CRAWLER_TEST_PROFILE_H
#define SOLEMATE_CRAWLER_TEST_PROFILE_H

#include <stdio.h>
#include <stdlib.h>

#include "crawler/profile.h"

/* Loads config/profiles/<name>; prints the error and returns -1 on failure. */
static inline int load_shipped_profile(site_profile *p, const char *name)
{
    const char *root = getenv("SOLEMATE_ROOT");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/config/profiles/%s", root && *root ? root : ".", name);
    if (profile_load(p, path, err, sizeof err)) {
        printf("# %s\n", err);
        return -1;
    }
    return 0;
}

#endif
