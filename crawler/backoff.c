/* Exponential backoff and Retry-After parsing (curl_getdate reads the HTTP-date forms). */
#define _POSIX_C_SOURCE 200809L
#include "crawler/backoff.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>

long retry_after_ms(const char *value, time_t now)
{
    if (!value)
        return -1;
    while (isspace((unsigned char)*value))
        value++;
    if (!*value)
        return -1;
    if (isdigit((unsigned char)*value)) {
        char *end = NULL;
        long secs = strtol(value, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (*end || secs < 0 || secs > 86400L * 365)
            return -1;
        return secs * 1000;
    }
    time_t when = curl_getdate(value, NULL);
    if (when == (time_t)-1)
        return -1;
    return when > now ? (long)(when - now) * 1000 : 0;
}

long backoff_delay_ms(int failures, long base_ms, long max_ms, long retry_after)
{
    long delay;
    if (retry_after >= 0) {
        delay = retry_after;
    } else {
        delay = base_ms;
        for (int i = 1; i < failures && delay < max_ms; i++)
            delay *= 2;
    }
    return delay < max_ms ? delay : max_ms;
}
