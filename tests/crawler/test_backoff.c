/* Tests of the retry arithmetic: exponential backoff doubling from the base up to the cap,
 * Retry-After as seconds or as an HTTP-date (past dates mean now), and garbage ignored. */
#include "crawler/backoff.h"
#include "tests/harness.h"

static void test_backoff(void)
{
    CHECK(backoff_delay_ms(1, 1000, 30000, -1) == 1000);
    CHECK(backoff_delay_ms(2, 1000, 30000, -1) == 2000);
    CHECK(backoff_delay_ms(3, 1000, 30000, -1) == 4000);
    CHECK(backoff_delay_ms(10, 1000, 30000, -1) == 30000);
    CHECK(backoff_delay_ms(60, 1000, 30000, -1) == 30000);
    CHECK(backoff_delay_ms(1, 1000, 30000, 2000) == 2000);   /* Retry-After wins */
    CHECK(backoff_delay_ms(3, 1000, 30000, 0) == 0);
    CHECK(backoff_delay_ms(1, 1000, 30000, 999999) == 30000); /* capped */
}

static void test_retry_after(void)
{
    time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    CHECK(retry_after_ms("2", now) == 2000);
    CHECK(retry_after_ms(" 120 ", now) == 120000);
    CHECK(retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now) == 10000);
    CHECK(retry_after_ms("Sun, 06 Nov 1994 08:49:00 GMT", now) == 0);
    CHECK(retry_after_ms(NULL, now) == -1);
    CHECK(retry_after_ms("", now) == -1);
    CHECK(retry_after_ms("soon", now) == -1);
    CHECK(retry_after_ms("-5", now) == -1);
    CHECK(retry_after_ms("5 seconds", now) == -1);
}

int main(void)
{
    RUN(test_backoff);
    RUN(test_retry_after);
    return harness_done();
}
