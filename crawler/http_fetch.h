/* The polite HTTP client of the crawler, on libcurl's multi interface: many requests in
 * flight, at most N connections and a minimum gap between request starts per host,
 * robots.txt fetched once per origin and obeyed (Crawl-delay raises the gap), redirects
 * followed by hand with every hop checked against the allowed hosts and robots, retries with
 * exponential backoff on 429/5xx/network errors honouring Retry-After, a body size cap,
 * timeouts, verified TLS, conditional requests with validators the caller supplies per URL.
 *
 * Manual: f = fetcher_new(&opts, err, len); r = fetch_submit(f, url, &extra) queues a request
 * (returns NULL when out of memory or the URL is unusable); fetch_step(f, ms) drives transfers for up to ms and
 * calls each finished request's on_done; fetch_wait(f, r) steps until r is done.  A request
 * belongs to the caller, who frees it with fetch_req_free() once it is done (or after
 * fetcher_cancel_all()); its on_done callback may free it.  Faults the caller never sees as a request (robots.txt unreachable)
 * go to opts.on_fault.  Single-threaded: one fetcher, one thread. */
#ifndef SOLEMATE_HTTP_FETCH_H
#define SOLEMATE_HTTP_FETCH_H

#include <stddef.h>

#include "crawler/profile.h"
#include "crawler/url_normalize.h"

typedef enum {
    FETCH_OK = 0,     /* a 2xx or 304 response; body holds a 2xx body */
    FETCH_HTTP,       /* a final 4xx/5xx status */
    FETCH_NETWORK,    /* connection or transfer failed after all tries */
    FETCH_TIMEOUT,    /* the transfer exceeded the timeout (not retried) */
    FETCH_TOO_LARGE,  /* the body exceeded the size cap (not retried) */
    FETCH_OFFSITE,    /* redirected to a host the profile does not allow */
    FETCH_ROBOTS,     /* robots.txt disallows the URL (or a redirect target) */
    FETCH_REDIRECTS,  /* too many redirects, or a redirect without a usable Location */
    FETCH_CANCELLED,
} fetch_result;

typedef struct fetch_req fetch_req;
typedef void (*fetch_done_fn)(fetch_req *r, void *user);

struct fetch_req {
    /* request */
    char url[URL_MAX];        /* as submitted */
    char *cookie;
    fetch_done_fn on_done;
    void *user;
    /* response, valid once done */
    int done;
    fetch_result result;
    long status;              /* last HTTP status (0: none) */
    char final_url[URL_MAX];  /* after redirects */
    char *body;               /* NUL-terminated; len excludes the NUL */
    size_t len, cap;
    char *res_etag, *res_last_modified; /* validators; Date when the server sent neither */
    char reason[256];         /* one line when result != FETCH_OK */
    int attempts;
    int conditional;          /* the last attempt carried validators */
    /* fetcher state */
    struct fetch_host *host;
    void *easy;
    void *headers;            /* curl_slist of this attempt */
    long long not_before_ms;
    long long limit;          /* body cap of this attempt */
    int redirects, too_large, is_robots;
    fetch_req *next;
};

typedef struct {
    const site_profile *profile;
    const char *user_agent;
    const char *robots_agent;    /* product token matched in robots.txt */
    const char *const *connect_to; /* NULL-terminated CURLOPT_CONNECT_TO entries, or NULL */
    long timeout_ms;
    long max_body;
    int max_tries;
    int delay_ms;                /* -1: the profile's per-host delays */
    void (*on_fault)(void *user, const char *url, const char *kind, const char *reason);
    /* Validators for a conditional request of url (every attempt and redirect hop); returns
     * 1 and fills etag/last_modified ("" for none) when the caller holds a copy of it. */
    int (*validators)(void *user, const char *url, char *etag, size_t etag_len, char *lm,
                      size_t lm_len);
    void *user; /* passed to on_fault and validators */
} fetch_options;

typedef struct {
    const char *cookie;
    fetch_done_fn on_done;
    void *user;
} fetch_extra;

typedef struct fetcher fetcher;

fetcher *fetcher_new(const fetch_options *o, char *err, size_t errlen);
void fetcher_free(fetcher *f);
fetch_req *fetch_submit(fetcher *f, const char *url, const fetch_extra *extra);
void fetch_step(fetcher *f, long max_wait_ms);
void fetch_wait(fetcher *f, fetch_req *r);
/* 1 while any request is queued or running. */
int fetcher_busy(const fetcher *f);
/* Stops one queued or running request (marked FETCH_CANCELLED, no callback). */
void fetch_cancel(fetcher *f, fetch_req *r);
/* Stops every queued or running request (marked FETCH_CANCELLED, no callbacks). */
void fetcher_cancel_all(fetcher *f);
void fetch_req_free(fetch_req *r);

/* Requests sent (every attempt, redirect hop and robots.txt) and body bytes received. */
void fetcher_stats(const fetcher *f, long *requests, long long *bytes);

/* The fault kind recorded for a result ("http", "network", "timeout", "too-large", ...). */
const char *fetch_result_kind(fetch_result r);

#endif
