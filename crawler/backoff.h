/* Retry arithmetic for the fetcher: exponential backoff with a cap, and the Retry-After header
 * (delta-seconds or an HTTP-date) that overrides it.
 *
 * Manual: pure functions, thread-safe, no allocation.  Times in milliseconds. */
#ifndef SOLEMATE_BACKOFF_H
#define SOLEMATE_BACKOFF_H

#include <time.h>

/* Milliseconds the server asks us to wait, or -1 when value is missing or unparsable.  A date
 * in the past gives 0. */
long retry_after_ms(const char *value, time_t now);

/* Delay before the next attempt after `failures` failed ones (1 = the first failed):
 * retry_after_ms when >= 0, else base_ms * 2^(failures-1); both capped at max_ms. */
long backoff_delay_ms(int failures, long base_ms, long max_ms, long retry_after);

#endif
