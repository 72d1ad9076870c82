/* Writes the gallery page and its thumbnails (see gallery.h). */
#define _POSIX_C_SOURCE 200809L
#include "recommender/gallery.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recommender/similar.h"
#include "recommender/thumbnail.h"

#define THUMB_SIDE 160

/* One query's list for one (model, metric): product ids and scores; count -1 = no feature. */
typedef struct {
    int count;
    int64_t *ids;
    double *scores;
} gallery_list;

static const char *page_style =
    "body{font-family:system-ui,sans-serif;margin:1.5em;background:#fafafa;color:#222}"
    "section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1em;margin-bottom:1.5em;"
    "display:flex;gap:1.5em;align-items:flex-start}"
    ".query{width:180px;flex:none}.query img{max-width:170px;border:3px solid #2a6}"
    "table{border-collapse:collapse}th{text-align:left;padding-right:1em;font-weight:600;white-space:nowrap}"
    "td{padding:4px;vertical-align:top;width:110px}td img{max-width:104px;max-height:104px;display:block}"
    "figure{margin:0}figcaption{font-size:11px;line-height:1.3;overflow:hidden;max-height:4em}"
    ".score{font-weight:600}.missing{color:#999;font-size:12px}";

static const char *page_script =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var broken = 0;\n"
    "  for (var i = 0; i < document.images.length; i++) {\n"
    "    var img = document.images[i], ok = img.complete && img.naturalWidth > 0;\n"
    "    img.dataset.loaded = ok ? 'yes' : 'no';\n"
    "    if (!ok) broken++;\n"
    "  }\n"
    "  document.body.dataset.images = document.images.length;\n"
    "  document.body.dataset.brokenImages = broken;\n"
    "});\n"
    "</script>\n";

static void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Writes thumbs/<sha>.jpg unless present; 1 when the file exists afterwards. */
static int ensure_thumbnail(catalog *cat, const char *out_dir, const char *sha, long *written)
{
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/thumbs/%s.jpg", out_dir, sha);
    if (!sha[0])
        return 0;
    if (access(path, F_OK) == 0)
        return 1;
    unsigned char *bytes = NULL;
    size_t len = 0;
    int ok = store_image(cat, sha, &bytes, &len, err, sizeof err) == 0 &&
             thumbnail_write(bytes, len, path, THUMB_SIDE, err, sizeof err) == 0;
    free(bytes);
    *written += ok;
    return ok;
}

static void write_photo(FILE *f, catalog *cat, const char *out_dir, const store_product *p, long *written)
{
    if (ensure_thumbnail(cat, out_dir, p->sha, written)) {
        fprintf(f, "<img src=\"thumbs/%s.jpg\" alt=\"", p->sha);
        html_text(f, p->name);
        fputs("\">", f);
    } else {
        fputs("<div class=\"missing\">(no photo)</div>", f);
    }
}

static void write_cell(FILE *f, catalog *cat, const char *out_dir, int64_t id, int rank, double score,
                       long *written)
{
    store_product p;
    char err[256];
    if (store_product_get(cat, id, &p, err, sizeof err) != 0)
        return;
    fputs("<td><figure>", f);
    if (p.url[0]) {
        fputs("<a href=\"", f);
        html_text(f, p.url);
        fputs("\">", f);
    }
    write_photo(f, cat, out_dir, &p, written);
    if (p.url[0])
        fputs("</a>", f);
    fprintf(f, "<figcaption>#%d <span class=\"score\">%.4f</span><br>", rank, score);
    html_text(f, p.name);
    fprintf(f, " (%lld)</figcaption></figure></td>", (long long)p.id);
}

static int write_page(catalog *cat, const int64_t *queries, int nqueries, const gallery_options *o,
                      gallery_list *lists, long *written, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", o->out_dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>Solemate: similar shoes</title>\n<style>%s</style></head>\n<body>\n"
               "<h1>Solemate: similar shoes</h1>\n<p>Catalog ", page_style);
    html_text(f, catalog_path(cat));
    fprintf(f, ". Top %d different shoes per model and metric (cosine: similarity, higher is closer; "
               "l2: Euclidean distance, lower is closer).</p>\n", o->k);
    int per_query = o->nmodels * o->nmetrics;
    for (int q = 0; q < nqueries; q++) {
        store_product p;
        if (store_product_get(cat, queries[q], &p, err, errlen) != 0)
            continue;
        fprintf(f, "<section id=\"product-%lld\"><div class=\"query\">", (long long)p.id);
        write_photo(f, cat, o->out_dir, &p, written);
        fprintf(f, "<p><b>%lld</b> ", (long long)p.id);
        html_text(f, p.name);
        fputs("</p></div>\n<table>\n", f);
        for (int m = 0; m < per_query; m++) {
            const gallery_list *l = &lists[q * per_query + m];
            fputs("<tr><th>", f);
            html_text(f, o->models[m / o->nmetrics].name);
            fprintf(f, "<br>%s</th>", knn_metric_name(o->metrics[m % o->nmetrics]));
            if (l->count < 0)
                fputs("<td class=\"missing\" colspan=\"9\">no current feature for this product</td>", f);
            for (int r = 0; r < l->count; r++)
                write_cell(f, cat, o->out_dir, l->ids[r], r + 1, l->scores[r], written);
            fputs("</tr>\n", f);
        }
        fputs("</table></section>\n", f);
    }
    fputs(page_script, f);
    fputs("</body></html>\n", f);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Fills lists[q * per_query + model * nmetrics + metric] for one model. */
static int compute_model(catalog *cat, const int64_t *queries, int nqueries, const gallery_options *o, int mi,
                         gallery_list *lists, char *err, size_t errlen)
{
    vector_matrix mat;
    store_load_info info;
    if (store_load_vectors(cat, &o->models[mi], &mat, &info, err, errlen))
        return -1;
    neighbor *found = malloc((size_t)o->k * sizeof *found);
    int rc = found ? 0 : -1;
    for (int pass = KNN_L2; pass >= KNN_COSINE && rc == 0; pass--)
        for (int t = 0; t < o->nmetrics && rc == 0; t++) {
            if (o->metrics[t] != (knn_metric)pass)
                continue;
            if (pass == KNN_COSINE)
                vector_matrix_normalize(&mat);
            similar_options so = {.rules = {.metric = o->metrics[t], .near_duplicate = o->near_duplicate},
                                  .k = o->k, .diverse = -1};
            for (int q = 0; q < nqueries && rc == 0; q++) {
                gallery_list *l = &lists[q * o->nmodels * o->nmetrics + mi * o->nmetrics + t];
                long row = vector_matrix_find(&mat, queries[q]);
                l->count = row < 0 ? -1 : similar_query(&mat, vector_matrix_row(&mat, row), row, mat.sha[row], &so,
                                                        found, err, errlen);
                if (row >= 0 && l->count < 0) {
                    rc = -1;
                    break;
                }
                l->ids = malloc((size_t)o->k * sizeof *l->ids);
                l->scores = malloc((size_t)o->k * sizeof *l->scores);
                if (!l->ids || !l->scores) {
                    rc = -1;
                    break;
                }
                for (int r = 0; r < l->count; r++) {
                    l->ids[r] = mat.ids[found[r].index];
                    l->scores[r] = found[r].score;
                }
            }
        }
    if (rc && !found)
        snprintf(err, errlen, "out of memory");
    free(found);
    vector_matrix_free(&mat);
    return rc;
}

int gallery_write(catalog *cat, const int64_t *queries, int nqueries, const gallery_options *o, long *images,
                  char *err, size_t errlen)
{
    *images = 0;
    char thumbs[4096];
    snprintf(thumbs, sizeof thumbs, "%s/thumbs", o->out_dir);
    if ((mkdir(o->out_dir, 0777) && errno != EEXIST) || (mkdir(thumbs, 0777) && errno != EEXIST)) {
        snprintf(err, errlen, "%s: %s", thumbs, strerror(errno));
        return -1;
    }
    long nlists = (long)nqueries * o->nmodels * o->nmetrics;
    gallery_list *lists = calloc((size_t)(nlists > 0 ? nlists : 1), sizeof *lists);
    if (!lists) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (int m = 0; m < o->nmodels && rc == 0; m++)
        rc = compute_model(cat, queries, nqueries, o, m, lists, err, errlen);
    if (rc == 0)
        rc = write_page(cat, queries, nqueries, o, lists, images, err, errlen);
    for (long i = 0; i < nlists; i++) {
        free(lists[i].ids);
        free(lists[i].scores);
    }
    free(lists);
    return rc;
}
