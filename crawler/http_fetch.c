/* The crawler's HTTP engine on curl multi: a FIFO of queued requests started when their host
 * has a free connection slot, its delay has passed and its robots.txt is known; finished
 * transfers are classified into retry, redirect hop or a final result. */
#define _POSIX_C_SOURCE 200809L
#include "crawler/http_fetch.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crawler/backoff.h"
#include "crawler/robots.h"

#define MAX_REDIRECTS 5

enum { ROBOTS_UNKNOWN, ROBOTS_FETCHING, ROBOTS_READY };

typedef struct fetch_host {
    char origin[320]; /* scheme://host[:port], the robots.txt scope */
    robots *rules;
    int robots_state;
    int in_flight, max_conn;
    long delay_ms;
    long long next_start_ms;
} fetch_host;

struct fetcher {
    fetch_options o;
    CURLM *multi;
    struct curl_slist *connect_to;
    fetch_host **hosts;
    size_t nhosts;
    fetch_req *pending, *active;
    long requests;
    long long bytes;
    int completed; /* a request finished during this step: return before sleeping */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *fetch_result_kind(fetch_result r)
{
    static const char *const kinds[] = {"ok", "http", "network", "timeout", "too-large",
                                        "offsite-redirect", "robots", "redirect", "cancelled"};
    return (unsigned)r < sizeof kinds / sizeof kinds[0] ? kinds[r] : "unknown";
}

fetcher *fetcher_new(const fetch_options *o, char *err, size_t errlen)
{
    fetcher *f = calloc(1, sizeof *f);
    if (!f || !(f->multi = curl_multi_init())) {
        free(f);
        snprintf(err, errlen, "cannot initialise libcurl");
        return NULL;
    }
    f->o = *o;
    if (o->profile->timeout_ms > 0 && o->profile->timeout_ms < f->o.timeout_ms)
        f->o.timeout_ms = o->profile->timeout_ms;
    for (size_t i = 0; o->connect_to && o->connect_to[i]; i++) {
        struct curl_slist *grown = curl_slist_append(f->connect_to, o->connect_to[i]);
        if (!grown) {
            fetcher_free(f);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        f->connect_to = grown;
    }
    return f;
}

static void list_push_back(fetch_req **head, fetch_req *r)
{
    r->next = NULL;
    while (*head)
        head = &(*head)->next;
    *head = r;
}

static void list_push_front(fetch_req **head, fetch_req *r)
{
    r->next = *head;
    *head = r;
}

static void list_remove(fetch_req **head, fetch_req *r)
{
    for (; *head; head = &(*head)->next)
        if (*head == r) {
            *head = r->next;
            r->next = NULL;
            return;
        }
}

static fetch_host *host_for(fetcher *f, const char *url)
{
    char origin[320];
    if (url_origin(url, origin, sizeof origin))
        return NULL;
    for (size_t i = 0; i < f->nhosts; i++)
        if (!strcasecmp(f->hosts[i]->origin, origin))
            return f->hosts[i];
    fetch_host **grown = realloc(f->hosts, (f->nhosts + 1) * sizeof *grown);
    fetch_host *h = calloc(1, sizeof *h);
    if (grown)
        f->hosts = grown;
    if (!grown || !h) {
        free(h);
        return NULL;
    }
    snprintf(h->origin, sizeof h->origin, "%s", origin);
    char name[256] = "";
    url_host(url, name, sizeof name);
    int delay = 0;
    profile_host_limits(f->o.profile, name, &h->max_conn, &delay);
    h->delay_ms = f->o.delay_ms >= 0 ? f->o.delay_ms : delay;
    f->hosts[f->nhosts++] = h;
    return h;
}

void fetch_req_free(fetch_req *r)
{
    if (!r)
        return;
    free(r->cookie);
    free(r->body);
    free(r->res_etag);
    free(r->res_last_modified);
    free(r);
}

static char *dup_or_null(const char *s) { return s && *s ? strdup(s) : NULL; }

static fetch_req *new_req(const char *url, const fetch_extra *extra)
{
    fetch_req *r = calloc(1, sizeof *r);
    if (!r || strlen(url) >= URL_MAX) {
        free(r);
        return NULL;
    }
    memcpy(r->url, url, strlen(url) + 1);
    memcpy(r->final_url, url, strlen(url) + 1);
    if (extra) {
        r->cookie = dup_or_null(extra->cookie);
        r->on_done = extra->on_done;
        r->user = extra->user;
    }
    return r;
}

static void handle_robots_done(fetcher *f, fetch_req *r);

/* Marks r finished and tells its owner (robots.txt requests are the fetcher's own). */
static void complete(fetcher *f, fetch_req *r, fetch_result result, const char *fmt, ...)
{
    r->result = result;
    r->done = 1;
    f->completed = 1;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->reason, sizeof r->reason, fmt, ap);
        va_end(ap);
    }
    if (r->is_robots) {
        handle_robots_done(f, r);
        return;
    }
    if (r->on_done)
        r->on_done(r, r->user);
}

fetch_req *fetch_submit(fetcher *f, const char *url, const fetch_extra *extra)
{
    fetch_req *r = new_req(url, extra);
    if (!r)
        return NULL;
    r->host = host_for(f, url);
    if (!r->host) {
        fetch_req_free(r);
        return NULL;
    }
    list_push_back(&f->pending, r);
    return r;
}

static void handle_robots_done(fetcher *f, fetch_req *r)
{
    fetch_host *h = r->host;
    if (r->result == FETCH_OK && r->status >= 200 && r->status < 300) {
        h->rules = robots_parse(r->body ? r->body : "", r->len, f->o.robots_agent);
    } else if (r->result == FETCH_HTTP && r->status >= 400 && r->status < 500) {
        h->rules = robots_allow_all();
    } else {
        h->rules = robots_deny_all();
        if (f->o.on_fault)
            f->o.on_fault(f->o.user, r->url, "robots",
                          "robots.txt unreachable, nothing is fetched from this host");
    }
    if (!h->rules)
        h->rules = robots_deny_all();
    long crawl_delay = h->rules ? robots_crawl_delay_ms(h->rules) : -1;
    if (crawl_delay > h->delay_ms)
        h->delay_ms = crawl_delay;
    h->robots_state = ROBOTS_READY;
    fetch_req_free(r);
}

/* Appends a chunk of body; a body past the cap aborts the transfer (CURLE_WRITE_ERROR). */
static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    fetch_req *r = user;
    size_t bytes = size * n;
    if ((long long)(r->len + bytes) > r->limit) {
        r->too_large = 1;
        return 0;
    }
    if (r->len + bytes + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap < r->len + bytes + 1)
            cap *= 2;
        char *grown = realloc(r->body, cap);
        if (!grown)
            return 0;
        r->body = grown;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, bytes);
    r->len += bytes;
    r->body[r->len] = '\0';
    return bytes;
}

/* Conditional-request headers for the URL about to be fetched, when the caller has it. */
static struct curl_slist *request_headers(fetcher *f, fetch_req *r)
{
    struct curl_slist *h = NULL;
    char etag[256] = "", lm[128] = "", line[512];
    r->conditional = !r->is_robots && f->o.validators &&
                     f->o.validators(f->o.user, r->final_url, etag, sizeof etag, lm, sizeof lm) &&
                     (etag[0] || lm[0]);
    if (!r->conditional)
        return NULL;
    if (etag[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", etag);
        h = curl_slist_append(h, line);
    }
    if (lm[0]) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", lm);
        struct curl_slist *more = curl_slist_append(h, line);
        h = more ? more : h;
    }
    return h;
}

static int start_transfer(fetcher *f, fetch_req *r)
{
    CURL *e = curl_easy_init();
    if (!e)
        return -1;
    r->len = 0;
    r->too_large = 0;
    r->limit = f->o.max_body;
    r->attempts++;
    r->headers = request_headers(f, r);
    long connect_ms = f->o.timeout_ms < 10000 ? f->o.timeout_ms : 10000;
    curl_easy_setopt(e, CURLOPT_URL, r->final_url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->o.user_agent);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_body);
    if (f->connect_to)
        curl_easy_setopt(e, CURLOPT_CONNECT_TO, f->connect_to);
    if (!f->o.profile->keepalive)
        curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    if (r->cookie)
        curl_easy_setopt(e, CURLOPT_COOKIE, r->cookie);
    if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        curl_slist_free_all(r->headers);
        r->headers = NULL;
        return -1;
    }
    r->easy = e;
    r->host->in_flight++;
    f->requests++;
    list_push_back(&f->active, r);
    return 0;
}

/* Queues the robots.txt request of h in front of the queue. */
static void fetch_robots(fetcher *f, fetch_host *h)
{
    char url[URL_MAX];
    snprintf(url, sizeof url, "%s/robots.txt", h->origin);
    h->robots_state = ROBOTS_FETCHING;
    fetch_req *r = new_req(url, NULL);
    if (!r) {
        h->rules = robots_deny_all();
        h->robots_state = ROBOTS_READY;
        return;
    }
    r->is_robots = 1;
    r->host = h;
    list_push_front(&f->pending, r);
}

/* Starts every queued request whose host, delay and robots rules allow it now. */
static void start_ready(fetcher *f)
{
    long long now = now_ms();
    fetch_req **link = &f->pending;
    while (*link) {
        fetch_req *r = *link;
        fetch_host *h = r->host;
        if (!r->is_robots && h->robots_state == ROBOTS_UNKNOWN) {
            fetch_robots(f, h);
            link = &f->pending; /* the robots request now heads the queue */
            continue;
        }
        if (r->not_before_ms > now || (!r->is_robots && h->robots_state != ROBOTS_READY)) {
            link = &r->next;
            continue;
        }
        if (!r->is_robots) {
            char path[URL_MAX];
            if (url_path_query(r->final_url, path, sizeof path) || !h->rules ||
                !robots_allowed(h->rules, path)) {
                *link = r->next;
                complete(f, r, FETCH_ROBOTS, "robots.txt disallows %s", r->final_url);
                continue;
            }
        }
        if (h->in_flight >= h->max_conn || now < h->next_start_ms) {
            link = &r->next;
            continue;
        }
        *link = r->next;
        if (start_transfer(f, r)) {
            complete(f, r, FETCH_NETWORK, "cannot start a transfer");
            continue;
        }
        h->next_start_ms = now + h->delay_ms;
    }
}

/* Queues r again after the backoff delay; 0 when it has no tries left. */
static int retry(fetcher *f, fetch_req *r, long retry_after)
{
    if (r->attempts >= f->o.max_tries)
        return 0;
    r->not_before_ms = now_ms() + backoff_delay_ms(r->attempts, f->o.profile->backoff_ms,
                                                   f->o.profile->backoff_max_ms, retry_after);
    list_push_front(&f->pending, r);
    return 1;
}

static char *header_value(CURL *e, const char *name)
{
    struct curl_header *h = NULL;
    if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h->value)
        return NULL;
    return strdup(h->value);
}

static void follow_redirect(fetcher *f, fetch_req *r, const char *location)
{
    char next[URL_MAX], host[256];
    if (!location || url_resolve(f->o.profile, r->final_url, location, next, sizeof next) ||
        url_host(next, host, sizeof host)) {
        complete(f, r, FETCH_REDIRECTS, "HTTP %ld redirect without a usable Location", r->status);
        return;
    }
    if (!profile_host_allowed(f->o.profile, host)) {
        complete(f, r, FETCH_OFFSITE, "redirected to %s: host %s is not allowed", next, host);
        return;
    }
    if (++r->redirects > MAX_REDIRECTS) {
        complete(f, r, FETCH_REDIRECTS, "more than %d redirects", MAX_REDIRECTS);
        return;
    }
    fetch_host *h = host_for(f, next);
    if (!h) {
        complete(f, r, FETCH_REDIRECTS, "redirected to an unusable URL");
        return;
    }
    memcpy(r->final_url, next, strlen(next) + 1);
    r->host = h;
    r->attempts = 0;
    r->not_before_ms = 0;
    list_push_front(&f->pending, r);
}

/* Classifies one finished transfer: final result, retry or redirect hop. */
static void finish_transfer(fetcher *f, CURL *e, CURLcode rc)
{
    fetch_req *r = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
    long status = 0;
    curl_off_t got = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &got);
    f->bytes += got;
    r->status = status;
    char *location = NULL, *retry_after = NULL;
    if (rc == CURLE_OK) {
        free(r->res_etag);
        free(r->res_last_modified);
        r->res_etag = header_value(e, "ETag");
        r->res_last_modified = header_value(e, "Last-Modified");
        /* no validator at all: the response Date can stand in for Last-Modified (RFC 9110
         * section 13.1.3), so even such resources are re-requested conditionally */
        if (!r->res_etag && !r->res_last_modified)
            r->res_last_modified = header_value(e, "Date");
        location = header_value(e, "Location");
        retry_after = header_value(e, "Retry-After");
    }
    curl_multi_remove_handle(f->multi, e);
    curl_easy_cleanup(e);
    curl_slist_free_all(r->headers);
    r->headers = NULL;
    r->easy = NULL;
    r->host->in_flight--;
    list_remove(&f->active, r);

    if (r->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        complete(f, r, FETCH_TOO_LARGE, "body larger than the %ld-byte cap", f->o.max_body);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        complete(f, r, FETCH_TIMEOUT, "timed out after %ld ms", f->o.timeout_ms);
    else if (rc != CURLE_OK) {
        if (!retry(f, r, -1))
            complete(f, r, FETCH_NETWORK, "%s (after %d tries)", curl_easy_strerror(rc),
                     r->attempts);
    } else if (status == 429 || status >= 500) {
        if (!retry(f, r, retry_after_ms(retry_after, time(NULL))))
            complete(f, r, FETCH_HTTP, "HTTP %ld (after %d tries)", status, r->attempts);
    } else if (status >= 300 && status < 400 && status != 304) {
        follow_redirect(f, r, location);
    } else if (status == 304 || (status >= 200 && status < 300)) {
        complete(f, r, FETCH_OK, NULL);
    } else {
        complete(f, r, FETCH_HTTP, "HTTP %ld", status);
    }
    free(location);
    free(retry_after);
}

void fetch_step(fetcher *f, long max_wait_ms)
{
    f->completed = 0;
    start_ready(f);
    int running = 0;
    curl_multi_perform(f->multi, &running);
    CURLMsg *msg;
    int left = 0;
    while ((msg = curl_multi_info_read(f->multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            finish_transfer(f, msg->easy_handle, msg->data.result);
    start_ready(f);
    if (f->completed || (!f->active && !f->pending))
        return;
    long long now = now_ms(), wake = now + max_wait_ms;
    for (fetch_req *r = f->pending; r; r = r->next) {
        /* requests waiting for a connection slot or robots.txt wake up with the transfers */
        if ((r->host->robots_state != ROBOTS_READY && !r->is_robots) ||
            r->host->in_flight >= r->host->max_conn)
            continue;
        long long at = r->not_before_ms > r->host->next_start_ms ? r->not_before_ms
                                                                 : r->host->next_start_ms;
        if (at < wake)
            wake = at;
    }
    long wait = wake > now ? (long)(wake - now) : 0;
    if (f->active || wait > 0)
        curl_multi_poll(f->multi, NULL, 0, (int)wait, NULL);
}

int fetcher_busy(const fetcher *f) { return f->active || f->pending; }

void fetch_wait(fetcher *f, fetch_req *r)
{
    while (!r->done) {
        if (!f->pending && !f->active) {
            complete(f, r, FETCH_CANCELLED, "request lost");
            break;
        }
        fetch_step(f, 1000);
    }
}

static void drop(fetcher *f, fetch_req *r)
{
    if (r->is_robots) {
        fetch_req_free(r);
        return;
    }
    r->done = 1;
    r->result = FETCH_CANCELLED;
    snprintf(r->reason, sizeof r->reason, "cancelled");
    (void)f;
}

void fetch_cancel(fetcher *f, fetch_req *r)
{
    if (r->done)
        return;
    if (r->easy) {
        list_remove(&f->active, r);
        curl_multi_remove_handle(f->multi, r->easy);
        curl_easy_cleanup(r->easy);
        curl_slist_free_all(r->headers);
        r->headers = NULL;
        r->easy = NULL;
        r->host->in_flight--;
    } else {
        list_remove(&f->pending, r);
    }
    drop(f, r);
}

void fetcher_cancel_all(fetcher *f)
{
    while (f->active)
        fetch_cancel(f, f->active);
    while (f->pending)
        fetch_cancel(f, f->pending);
}

void fetcher_free(fetcher *f)
{
    if (!f)
        return;
    fetcher_cancel_all(f);
    for (size_t i = 0; i < f->nhosts; i++) {
        robots_free(f->hosts[i]->rules);
        free(f->hosts[i]);
    }
    free(f->hosts);
    curl_slist_free_all(f->connect_to);
    curl_multi_cleanup(f->multi);
    free(f);
}

void fetcher_stats(const fetcher *f, long *requests, long long *bytes)
{
    *requests = f->requests;
    *bytes = f->bytes;
}
