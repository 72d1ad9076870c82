/* The walk of crawl.h.  Fetching runs ahead through completion callbacks (detail page parsed ->
 * its goods pages queued -> a shoe's photo queued, falling back _big -> _500 -> as found),
 * while the decisions, and therefore ranks and catalog writes, follow the traversal order. */
#define _POSIX_C_SOURCE 200809L
#include "crawler/crawl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "crawler/crawl_store.h"
#include "crawler/extract.h"
#include "crawler/goods_map.h"
#include "crawler/html_doc.h"
#include "crawler/image_check.h"
#include "crawler/shoe_rules.h"
#include "db/image_store.h"
#include "db/run_log.h"

enum { G_NEW, G_PAGE, G_IMAGE, G_DONE };

typedef struct {
    char no[EXTRACT_ID_MAX]; /* key: first member */
    int state;
    struct crawl *c;
    fetch_req *req;
    const char *kind; /* shoe | other | unknown | gone; NULL: the page was not read */
    char code[16];
    char *name, *brand;
    char (*variants)[URL_MAX];
    int nvariants, vi;
    /* the photo, once found */
    int image_ok, image_unchanged;
    unsigned char *img;
    size_t img_len;
    const char *mime;
    int width, height;
    char sha[CATALOG_SHA256_HEX];
    char *image_url, *img_etag, *img_lm;
    int stored;      /* product row written in this run */
    long counted_in; /* 1 + index of the last category that counted it */
} goods;

typedef struct {
    char id[EXTRACT_ID_MAX];
    char url[URL_MAX];
    struct crawl *c;
    fetch_req *req;
    detail_page page;
    int ok;
} codimap;

typedef struct crawl {
    const site_profile *p;
    catalog *cat;
    int64_t run_id;
    const crawl_options *o;
    fetcher *f;
    goods_map goods;
    crawl_stats *stats;
    char *err;
    size_t errlen;
    int failed; /* a catalog error: stop */
    const char *cookie;
    /* the category being walked */
    codimap **cms; /* in traversal order, each id once */
    size_t ncms, capcms;
} crawl;

static void record_fault(crawl *c, const char *url, const char *kind, const char *reason)
{
    c->stats->faults++;
    cli_log(CLI_VERBOSE, "fault: %s: %s: %s", url, kind, reason);
    if (!c->cat || c->failed)
        return;
    if (run_log_fault(c->cat, c->run_id, url, kind, reason, c->err, c->errlen))
        c->failed = 1;
}

static void fetch_fault_hook(void *user, const char *url, const char *kind, const char *reason)
{
    record_fault(user, url, kind, reason);
}

static void record_fetch_fault(crawl *c, const fetch_req *r)
{
    record_fault(c, r->url, fetch_result_kind(r->result), r->reason);
}

/* The fetcher's validators hook: what the catalog holds a copy of (page body or photo). */
static int stored_validators(void *user, const char *url, char *etag, size_t etag_len,
                             char *lm, size_t lm_len)
{
    crawl *c = user;
    cache_entry ce;
    if (!c->cat || c->failed || cache_lookup(c->cat, url, &ce, c->err, c->errlen) || !ce.found ||
        (!ce.has_body && !ce.image_sha256[0]))
        return 0;
    snprintf(etag, etag_len, "%s", ce.etag);
    snprintf(lm, lm_len, "%s", ce.last_modified);
    return 1;
}

/* Makes r's body the page: a 200 page is stored for the next crawl, a 304 is answered from
 * the stored copy.  0, or -1 (fault recorded) when no body is to be had. */
static int page_body(crawl *c, fetch_req *r)
{
    if (r->status == 304) {
        free(r->body);
        r->body = NULL;
        r->len = 0;
        if (c->cat && cache_page_body(c->cat, r->final_url, &r->body, &r->len, c->err,
                                      c->errlen))
            c->failed = 1;
        if (!r->body) {
            record_fault(c, r->final_url, "http", "304 for a page the catalog does not hold");
            return -1;
        }
        return 0;
    }
    if (c->cat && !c->failed &&
        cache_store_page(c->cat, r->final_url, r->res_etag, r->res_last_modified, r->body,
                         r->len, c->err, c->errlen))
        c->failed = 1;
    return 0;
}

static int build_url(const char *tmpl, char *out, const char *const *pairs)
{
    return profile_expand(tmpl, out, URL_MAX, pairs);
}

/* ---- goods pages and photos ------------------------------------------------------------ */

static void on_image_done(fetch_req *r, void *user);

/* Queues the next photo variant, or closes the goods when none is left. */
static void next_image(goods *g)
{
    crawl *c = g->c;
    if (g->vi >= g->nvariants) {
        g->state = G_DONE;
        return;
    }
    const char *url = g->variants[g->vi++];
    fetch_extra x = {.on_done = on_image_done, .user = g};
    g->state = G_IMAGE;
    fetch_req_free(g->req);
    g->req = fetch_submit(c->f, url, &x);
    if (!g->req)
        g->state = G_DONE;
}

static void on_image_done(fetch_req *r, void *user)
{
    goods *g = user;
    crawl *c = g->c;
    if (r->result == FETCH_OK && r->status == 304) {
        cache_entry ce = {.found = 0};
        if (c->cat && !cache_lookup(c->cat, r->final_url, &ce, c->err, c->errlen) &&
            ce.found && ce.image_sha256[0]) {
            g->image_ok = g->image_unchanged = 1;
            memcpy(g->sha, ce.image_sha256, sizeof g->sha);
            g->image_url = strdup(r->final_url);
            g->state = G_DONE;
            return;
        }
    }
    if (r->result != FETCH_OK) {
        record_fetch_fault(c, r);
        if (r->result == FETCH_HTTP && (r->status == 404 || r->status == 410))
            next_image(g);
        else
            g->state = G_DONE;
        return;
    }
    /* bodies of photos not yet decided are kept with their validators, like pages */
    if (page_body(c, r)) {
        g->state = G_DONE;
        return;
    }
    const char *kind = NULL;
    char why[200];
    if (image_check((const unsigned char *)r->body, r->len, &g->mime, &g->width, &g->height,
                    &kind, why, sizeof why)) {
        record_fault(c, r->url, kind, why);
        next_image(g);
        return;
    }
    g->img = (unsigned char *)r->body;
    g->img_len = r->len;
    r->body = NULL;
    sha256_hex(g->img, g->img_len, g->sha);
    g->image_url = strdup(r->final_url);
    g->img_etag = r->res_etag ? strdup(r->res_etag) : NULL;
    g->img_lm = r->res_last_modified ? strdup(r->res_last_modified) : NULL;
    g->image_ok = 1;
    g->state = G_DONE;
}

/* 1 when the page at final_url is still this goods' page (not a redirect elsewhere). */
static int still_goods_page(const crawl *c, const goods *g, const char *final_url)
{
    char no[EXTRACT_ID_MAX];
    return regex_capture(&c->p->detail_goods_regex, final_url, no, sizeof no) &&
           !strcmp(no, g->no);
}

static void on_goods_done(fetch_req *r, void *user)
{
    goods *g = user;
    crawl *c = g->c;
    c->stats->goods_pages++;
    g->state = G_DONE;
    if (r->result != FETCH_OK) {
        record_fetch_fault(c, r);
        if (r->result == FETCH_HTTP && (r->status == 404 || r->status == 410))
            g->kind = "gone";
        return;
    }
    if (page_body(c, r))
        return;
    if (!still_goods_page(c, g, r->final_url)) {
        char why[URL_MAX + 64];
        snprintf(why, sizeof why, "redirected away to %s (removed goods)", r->final_url);
        record_fault(c, r->url, "gone", why);
        g->kind = "gone";
        return;
    }
    goods_page page;
    char why[200];
    if (extract_goods(c->p, r->body ? r->body : "", r->len, r->final_url, &page, why,
                      sizeof why)) {
        record_fault(c, r->url, "parse", why);
        g->kind = "unknown";
        return;
    }
    g->name = page.title[0] ? strdup(page.title) : NULL;
    g->brand = page.brand[0] ? strdup(page.brand) : NULL;
    memcpy(g->code, page.code, sizeof g->code);
    shoe_facts facts = {page.code, page.name, page.sub_name, page.state_path};
    const char *rule = NULL;
    shoe_verdict v = shoe_decide(c->p, &facts, &rule);
    if (v == SHOE_UNKNOWN && !page.image[0]) {
        record_fault(c, r->url, "gone", "no category and no product photo (removed goods?)");
        g->kind = "gone";
        return;
    }
    if (v == SHOE_UNKNOWN) {
        record_fault(c, r->url, "parse", rule);
        g->kind = "unknown";
        return;
    }
    g->kind = v == SHOE_YES ? "shoe" : "other";
    if (v != SHOE_YES)
        return;
    if (!page.image[0]) {
        record_fault(c, r->url, "parse", "shoe page without a product photo");
        return;
    }
    g->variants = calloc(URL_IMAGE_VARIANTS, URL_MAX);
    if (!g->variants)
        return;
    g->nvariants = url_image_variants(c->p, page.image, g->variants, URL_IMAGE_VARIANTS);
    next_image(g);
}

/* The goods record, its page queued on first sight. */
static goods *goods_for(crawl *c, const char *no)
{
    goods *g = goods_map_get(&c->goods, no, EXTRACT_ID_MAX);
    if (!g || g->state != G_NEW)
        return g;
    g->c = c;
    char url[URL_MAX];
    const char *pairs[] = {"goods_no", no, NULL};
    g->state = G_DONE;
    if (build_url(c->p->goods_url, url, pairs))
        return g;
    fetch_extra x = {.on_done = on_goods_done, .user = g};
    g->state = G_PAGE;
    g->req = fetch_submit(c->f, url, &x);
    if (!g->req)
        g->state = G_DONE;
    return g;
}

static void free_goods(void *record)
{
    goods *g = record;
    fetch_req_free(g->req);
    free(g->name);
    free(g->brand);
    free(g->variants);
    free(g->img);
    free(g->image_url);
    free(g->img_etag);
    free(g->img_lm);
}

/* ---- codimap pages --------------------------------------------------------------------- */

static void on_detail_done(fetch_req *r, void *user)
{
    codimap *cm = user;
    crawl *c = cm->c;
    if (r->result != FETCH_OK) {
        record_fetch_fault(c, r);
        return;
    }
    if (page_body(c, r))
        return;
    char why[200];
    if (extract_detail(c->p, r->body ? r->body : "", r->len, r->final_url, &cm->page, why,
                       sizeof why)) {
        record_fault(c, r->url, "parse", why);
        return;
    }
    cm->ok = 1;
    for (size_t i = 0; i < cm->page.n; i++)
        goods_for(c, cm->page.slots[i].goods_no);
}

static void submit_detail(crawl *c, codimap *cm)
{
    fetch_extra x = {.on_done = on_detail_done, .user = cm, .cookie = c->cookie};
    cm->req = fetch_submit(c->f, cm->url, &x);
}

static void free_codimaps(crawl *c)
{
    for (size_t i = 0; i < c->ncms; i++) {
        codimap *cm = c->cms[i];
        if (cm->req && !cm->req->done)
            fetch_cancel(c->f, cm->req);
        fetch_req_free(cm->req);
        free(cm->page.slots);
        free(cm);
    }
    c->ncms = 0;
}

static int add_codimap(crawl *c, const profile_category *cat, const char *id)
{
    for (size_t i = 0; i < c->ncms; i++)
        if (!strcmp(c->cms[i]->id, id))
            return 0;
    if (c->ncms == c->capcms) {
        size_t cap = c->capcms ? 2 * c->capcms : 128;
        codimap **grown = realloc(c->cms, cap * sizeof *grown);
        if (!grown)
            return -1;
        c->cms = grown;
        c->capcms = cap;
    }
    codimap *cm = calloc(1, sizeof *cm);
    if (!cm)
        return -1;
    snprintf(cm->id, sizeof cm->id, "%s", id);
    cm->c = c;
    char gender[2] = {cat->gender, '\0'};
    const char *pairs[] = {"id", id, "code", cat->code, "gender", gender, NULL};
    if (build_url(c->p->detail_url, cm->url, pairs)) {
        free(cm);
        return -1;
    }
    c->cms[c->ncms++] = cm;
    return 0;
}

/* ---- list pages ------------------------------------------------------------------------ */

/* Fetches list page `page` and appends its new codimaps.  Returns 1 when the list goes on,
 * 0 when it ended (empty page, last page, or a fault). */
static int read_list_page(crawl *c, const profile_category *cat, int page, int *reached)
{
    char url[URL_MAX], num[16], gender[2] = {cat->gender, '\0'};
    snprintf(num, sizeof num, "%d", page);
    const char *pairs[] = {"code", cat->code, "gender", gender, "page", num, NULL};
    if (build_url(c->p->list_url, url, pairs))
        return 0;
    fetch_extra x = {.cookie = c->cookie};
    fetch_req *r = fetch_submit(c->f, url, &x);
    if (!r)
        return 0;
    fetch_wait(c->f, r);
    int more = 0;
    if (r->result != FETCH_OK) {
        record_fetch_fault(c, r);
    } else if (!page_body(c, r)) {
        *reached = 1;
        list_page lp;
        char why[200];
        if (extract_list(c->p, r->body ? r->body : "", r->len, r->final_url, &lp, why,
                         sizeof why)) {
            record_fault(c, url, "parse", why);
        } else {
            for (size_t i = 0; i < lp.n; i++)
                if (add_codimap(c, cat, lp.items[i].id))
                    break;
            more = lp.n > 0 && (lp.total_pages < 0 || page < lp.total_pages) &&
                   page < c->p->max_pages;
            free(lp.items);
        }
    }
    fetch_req_free(r);
    return more;
}

/* ---- decisions ------------------------------------------------------------------------- */

/* Drives the fetcher until g is decided (its page read and, for a shoe, its photo settled). */
static void wait_goods(crawl *c, goods *g)
{
    while (g->state != G_DONE) {
        if (!fetcher_busy(c->f)) {
            g->state = G_DONE;
            break;
        }
        fetch_step(c->f, 1000);
    }
}

static int store_goods_row(crawl *c, goods *g, const char *image_sha, const char *image_url,
                           int64_t *product_id)
{
    char url[URL_MAX];
    const char *pairs[] = {"goods_no", g->no, NULL};
    if (build_url(c->p->goods_url, url, pairs))
        url[0] = '\0';
    product_row row = {c->p->name, g->no, g->name, g->brand, url, g->kind, g->code, image_sha,
                       image_url};
    return store_product(c->cat, &row, product_id, c->err, c->errlen);
}

/* One decided shoe: photo, validators, product and link in one transaction. */
static int store_shoe(crawl *c, goods *g, int64_t category_id, int64_t outfit_id, int rank)
{
    int inserted = 0;
    int64_t product_id = 0;
    if (catalog_begin(c->cat, c->err, c->errlen))
        return -1;
    if ((g->img && image_store_put(c->cat, g->img, g->img_len, g->mime, g->width, g->height,
                                   g->sha, &inserted, c->err, c->errlen)) ||
        (g->img && cache_store(c->cat, g->image_url, g->img_etag, g->img_lm, 200, g->sha,
                               c->err, c->errlen)) ||
        store_goods_row(c, g, g->sha, g->image_url, &product_id) ||
        store_link(c->cat, product_id, category_id, outfit_id, rank, c->err, c->errlen) ||
        catalog_commit(c->cat, c->err, c->errlen)) {
        catalog_rollback(c->cat);
        return -1;
    }
    if (!g->stored) {
        if (inserted)
            c->stats->images_new++;
        else
            c->stats->images_unchanged++;
    }
    return 0;
}

/* A goods that is not counted: its product row (kind) in a transaction of its own. */
static int store_other(crawl *c, goods *g)
{
    int64_t id;
    if (catalog_begin(c->cat, c->err, c->errlen))
        return -1;
    if (store_goods_row(c, g, NULL, NULL, &id) || catalog_commit(c->cat, c->err, c->errlen)) {
        catalog_rollback(c->cat);
        return -1;
    }
    return 0;
}

/* Decides the slots of one codimap in document order; returns the new shoe count. */
static int decide_codimap(crawl *c, codimap *cm, long cat_index, int64_t category_id, int count,
                          int limit, progress *bar)
{
    int64_t outfit_id = 0;
    if (c->cat) {
        if (catalog_begin(c->cat, c->err, c->errlen) ||
            store_outfit(c->cat, c->p->name, cm->id, cm->page.title, cm->url, &outfit_id,
                         c->err, c->errlen) ||
            catalog_commit(c->cat, c->err, c->errlen)) {
            catalog_rollback(c->cat);
            c->failed = 1;
            return count;
        }
    }
    c->stats->outfits++;
    for (size_t i = 0; i < cm->page.n && count < limit && !c->failed; i++) {
        goods *g = goods_for(c, cm->page.slots[i].goods_no);
        if (!g || g->counted_in == cat_index + 1)
            continue;
        wait_goods(c, g);
        int shoe = g->kind && !strcmp(g->kind, "shoe") && g->image_ok;
        if (shoe) {
            g->counted_in = cat_index + 1;
            count++;
            if (c->cat && store_shoe(c, g, category_id, outfit_id, count))
                c->failed = 1;
            if (!g->stored)
                c->stats->shoes++;
            c->stats->links++;
            g->stored = 1;
            progress_step(bar, 1);
        } else if (!g->stored && g->kind) {
            if (c->cat && store_other(c, g))
                c->failed = 1;
            g->stored = 1;
        }
    }
    return count;
}

static int walk_category(crawl *c, long index, progress *bar, int *reached)
{
    const profile_category *cat = &c->p->categories[index];
    int64_t category_id = 0;
    if (c->cat) {
        if (catalog_begin(c->cat, c->err, c->errlen) ||
            store_category(c->cat, cat->code, cat->gender, cat->name, &category_id, c->err,
                           c->errlen) ||
            catalog_commit(c->cat, c->err, c->errlen)) {
            catalog_rollback(c->cat);
            return -1;
        }
    }
    c->stats->categories++;
    int limit = c->o->limit > 0 ? c->o->limit : c->p->shoes_per_category;
    int count = 0, page = 1, more = 1, first_page_ok = 0;
    size_t decided = 0, submitted = 0, window = (size_t)c->p->prefetch + 1;
    while (count < limit && !c->failed) {
        while (more && c->ncms < decided + window) {
            int ok = 0;
            more = read_list_page(c, cat, page, &ok);
            if (page == 1)
                first_page_ok = ok;
            *reached |= ok;
            page++;
        }
        if (decided >= c->ncms)
            break;
        while (submitted < c->ncms && submitted < decided + window)
            submit_detail(c, c->cms[submitted++]);
        codimap *cm = c->cms[decided++];
        if (!cm->req)
            continue;
        fetch_wait(c->f, cm->req);
        if (cm->ok)
            count = decide_codimap(c, cm, index, category_id, count, limit, bar);
    }
    progress_step(bar, limit - count);
    cli_log(CLI_VERBOSE, "%s:%c: %d shoes from %zu outfits", cat->code, cat->gender, count,
            decided);
    if (c->cat && first_page_ok && !c->failed &&
        store_trim_links(c->cat, category_id, count, c->err, c->errlen))
        return -1;
    free_codimaps(c);
    return c->failed ? -1 : 0;
}

int crawl_category_known(const site_profile *p, const char *spec)
{
    for (size_t i = 0; i < p->ncategories; i++) {
        size_t n = strlen(p->categories[i].code);
        if (!strncmp(spec, p->categories[i].code, n) &&
            (!spec[n] || (spec[n] == ':' && spec[n + 1] == p->categories[i].gender &&
                          !spec[n + 2])))
            return 1;
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int crawl_run(const site_profile *p, catalog *cat, int64_t run_id, const crawl_options *o,
              crawl_stats *stats, char *err, size_t errlen)
{
    double started = now_seconds();
    memset(stats, 0, sizeof *stats);
    crawl c = {.p = p, .cat = cat, .run_id = run_id, .o = o, .stats = stats, .err = err,
               .errlen = errlen};
    goods_map_init(&c.goods, sizeof(goods));
    fetch_options fo = o->fetch;
    fo.profile = p;
    fo.on_fault = fetch_fault_hook;
    fo.validators = stored_validators;
    fo.user = &c;
    c.f = fetcher_new(&fo, err, errlen);
    if (!c.f)
        return -1;
    int limit = o->limit > 0 ? o->limit : p->shoes_per_category;
    progress bar;
    progress_begin(&bar, "crawl", (long)p->ncategories * limit);
    int rc = 0, reached = 0;
    for (size_t i = 0; i < p->ncategories && rc == 0; i++) {
        const profile_category *pc = &p->categories[i];
        char spec[160];
        snprintf(spec, sizeof spec, "%s:%c", pc->code, pc->gender);
        if (o->category && strcmp(o->category, pc->code) && strcmp(o->category, spec)) {
            progress_step(&bar, limit);
            continue;
        }
        char cookie[256];
        char gender[2] = {pc->gender, '\0'};
        const char *pairs[] = {"gender", gender, "code", pc->code, NULL};
        c.cookie = p->gender_cookie &&
                           !profile_expand(p->gender_cookie, cookie, sizeof cookie, pairs)
                       ? cookie
                       : NULL;
        rc = walk_category(&c, (long)i, &bar, &reached);
    }
    progress_end(&bar);
    fetcher_cancel_all(c.f);
    free_codimaps(&c);
    free(c.cms);
    fetcher_stats(c.f, &stats->requests, &stats->bytes);
    fetcher_free(c.f);
    goods_map_free(&c.goods, free_goods);
    stats->seconds = now_seconds() - started;
    if (rc)
        return -1;
    return reached ? 0 : CRAWL_UNREACHABLE;
}
