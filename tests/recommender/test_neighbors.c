/* Tests of the neighbour search: the blocked sgemm + heap search and the final neighbour lists
 * equal a brute-force reference on random data for both metrics; exact ties order by lower
 * product id; the block size does not change results; exact and near duplicates collapse; the
 * filter, and MMR diversification behave as documented. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/blas_kernel.h"
#include "recommender/diversify.h"
#include "recommender/knn.h"
#include "recommender/similar.h"
#include "recommender/vector_blob.h"
#include "tests/harness.h"

static unsigned long long rng_state = 42;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double gaussian(void)
{
    double u = uniform() + 1e-12, v = uniform();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static void fake_sha(char out[CATALOG_SHA256_HEX], long i)
{
    snprintf(out, CATALOG_SHA256_HEX, "%064lx", (unsigned long)i);
}

/* n rows with ids 10, 13, 16, ...; values from gen (integers in 0..2 when integral). */
static void make_matrix(vector_matrix *m, long n, long dim, int integral)
{
    vector_matrix_init(m, n, dim);
    float *row = malloc((size_t)dim * sizeof *row);
    for (long i = 0; i < n; i++) {
        for (long d = 0; d < dim; d++)
            row[d] = integral ? (float)(int)(uniform() * 3) : (float)gaussian();
        char sha[CATALOG_SHA256_HEX];
        fake_sha(sha, i);
        vector_matrix_add(m, 10 + 3 * i, sha, row);
    }
    free(row);
}

typedef struct {
    long index;
    double score;
} scored;

static knn_metric sort_metric;
static int by_rule(const void *pa, const void *pb)
{
    const scored *a = pa, *b = pb;
    if (a->score != b->score)
        return (a->score > b->score) == (sort_metric == KNN_COSINE) ? -1 : 1;
    return a->index < b->index ? -1 : 1;
}

/* Brute force: every other row scored with the exact functions, sorted with the tie rule. */
static void brute_force(const vector_matrix *m, knn_metric metric, long q, scored *out)
{
    long c = 0;
    for (long j = 0; j < m->n; j++) {
        if (j == q)
            continue;
        const float *a = vector_matrix_row(m, q), *b = vector_matrix_row(m, j);
        out[c++] = (scored){j, metric == KNN_COSINE ? vector_cosine(a, b, m->dim) : vector_l2(a, b, m->dim)};
    }
    sort_metric = metric;
    qsort(out, (size_t)c, sizeof *out, by_rule);
}

static similar_options plain_options(knn_metric metric, int k)
{
    similar_options o = {.rules = {.metric = metric, .near_duplicate = 2.0}, .k = k, .diverse = -1};
    return o;
}

static void compare_all_with_brute_force(vector_matrix *m, knn_metric metric, int k, const char *what)
{
    if (metric == KNN_COSINE)
        vector_matrix_normalize(m);
    similar_options o = plain_options(metric, k);
    store_neighbor *rows = NULL;
    long count = 0;
    char err[256];
    CHECKF(similar_all(m, &o, &rows, &count, err, sizeof err) == 0, "%s", err);
    CHECKF(count == m->n * k, "%s: %ld rows", what, count);
    scored *ref = malloc((size_t)m->n * sizeof *ref);
    int mismatches = 0;
    for (long i = 0; i < m->n && count == m->n * k; i++) {
        brute_force(m, metric, i, ref);
        for (int r = 0; r < k; r++) {
            const store_neighbor *got = &rows[i * k + r];
            if (got->product_id != m->ids[i] || got->rank != r + 1 ||
                got->neighbor_id != m->ids[ref[r].index] || got->score != ref[r].score) {
                if (mismatches++ < 5)
                    printf("#   %s row %ld rank %d: got id %lld score %.9g, want id %lld score %.9g\n", what,
                           i, r + 1, (long long)got->neighbor_id, got->score,
                           (long long)m->ids[ref[r].index], ref[r].score);
            }
        }
    }
    CHECKF(mismatches == 0, "%s: %d mismatches", what, mismatches);
    free(ref);
    free(rows);
}

static void test_random_data_matches_brute_force(void)
{
    for (int metric = KNN_COSINE; metric <= KNN_L2; metric++) {
        vector_matrix m;
        make_matrix(&m, 300, 48, 0);
        compare_all_with_brute_force(&m, metric, 9, knn_metric_name(metric));
        vector_matrix_free(&m);
    }
}

static void test_ties_order_by_lower_id(void)
{
    for (int metric = KNN_COSINE; metric <= KNN_L2; metric++) {
        vector_matrix m;
        make_matrix(&m, 200, 6, 1); /* 3^6 = 729 patterns: many exact ties */
        compare_all_with_brute_force(&m, metric, 12, knn_metric_name(metric));
        vector_matrix_free(&m);
    }
    /* a planted case: rows 2, 5, 7 are the same vector, the query (row 0) is far from all else */
    vector_matrix m;
    vector_matrix_init(&m, 8, 2);
    float rows[8][2] = {{10, 0}, {0, 9}, {9, 1}, {0, 8}, {0, 7}, {9, 1}, {0, 6}, {9, 1}};
    for (long i = 0; i < 8; i++) {
        char sha[CATALOG_SHA256_HEX];
        fake_sha(sha, i);
        vector_matrix_add(&m, 100 + i, sha, rows[i]);
    }
    similar_options o = plain_options(KNN_L2, 3);
    neighbor out[3];
    char err[256];
    CHECK(similar_query(&m, vector_matrix_row(&m, 0), 0, m.sha[0], &o, out, err, sizeof err) == 3);
    CHECK(out[0].index == 2 && out[1].index == 5 && out[2].index == 7);
    CHECK(out[0].score == out[2].score);
    vector_matrix_free(&m);
}

static void test_block_size_does_not_change_hits(void)
{
    vector_matrix m;
    make_matrix(&m, 157, 20, 1);
    int hits_per_row = 10;
    knn_hit *whole = malloc((size_t)m.n * hits_per_row * sizeof *whole);
    knn_hit *blocked = malloc((size_t)m.n * hits_per_row * sizeof *blocked);
    char err[256];
    for (int metric = KNN_COSINE; metric <= KNN_L2; metric++) {
        CHECK(knn_all_pairs(&m, metric, hits_per_row, m.n, whole, err, sizeof err) == 0);
        CHECK(knn_all_pairs(&m, metric, hits_per_row, 7, blocked, err, sizeof err) == 0);
        int same = 1;
        for (long i = 0; i < m.n * hits_per_row; i++)
            same &= whole[i].index == blocked[i].index && whole[i].key == blocked[i].key;
        CHECKF(same, "%s: blocks of 7 rows differ from one block", knn_metric_name(metric));
        /* each row's hits are sorted best first and never the row itself */
        int sorted = 1;
        for (long i = 0; i < m.n; i++)
            for (int h = 0; h < hits_per_row; h++) {
                const knn_hit *x = &whole[i * hits_per_row + h];
                sorted &= x->index != i;
                if (h > 0)
                    sorted &= x[-1].key > x->key || (x[-1].key == x->key && x[-1].index < x->index);
            }
        CHECK(sorted);
    }
    /* more hits asked for than rows exist: the tail is marked -1 */
    knn_hit few[5 * 12];
    vector_matrix small;
    make_matrix(&small, 5, 4, 0);
    CHECK(knn_all_pairs(&small, KNN_L2, 12, 0, few, err, sizeof err) == 0);
    CHECK(few[3].index >= 0 && few[4].index == -1 && few[11].index == -1);
    vector_matrix_free(&small);
    free(whole);
    free(blocked);
    vector_matrix_free(&m);
}

/* Rows: 0 query; 1 near-duplicate of 2; 3 and 4 share a photo digest; the rest random. */
static void make_duplicates(vector_matrix *m)
{
    long dim = 16, n = 40;
    vector_matrix_init(m, n, dim);
    float base[16], row[16];
    for (long d = 0; d < dim; d++)
        base[d] = (float)gaussian();
    for (long i = 0; i < n; i++) {
        char sha[CATALOG_SHA256_HEX];
        fake_sha(sha, i == 4 ? 3 : i);
        double spread = i == 0 ? 0 : i <= 4 ? 0.15 * (double)i : 3;
        for (long d = 0; d < dim; d++)
            row[d] = base[d] + (float)(spread * gaussian());
        if (i == 1) /* 1 = row 2 scaled and nudged: cosine with 2 well above 0.995 */
            for (long d = 0; d < dim; d++)
                row[d] = 0;
        vector_matrix_add(m, i + 1, sha, row);
    }
    float *r1 = m->data + 1 * dim, *r2 = m->data + 2 * dim;
    for (long d = 0; d < dim; d++)
        r1[d] = 1.5f * r2[d] + (d == 0 ? 0.01f : 0);
    m->sqnorm[1] = vector_sqnorm(r1, dim);
    memcpy(m->data + 4 * dim, m->data + 3 * dim, (size_t)dim * sizeof(float)); /* same photo, same vector */
    m->sqnorm[4] = m->sqnorm[3];
}

static void test_duplicates_collapse(void)
{
    for (int metric = KNN_COSINE; metric <= KNN_L2; metric++) {
        vector_matrix m;
        make_duplicates(&m);
        if (metric == KNN_COSINE)
            vector_matrix_normalize(&m);
        similar_options o = {.rules = {.metric = metric, .near_duplicate = 0.995}, .k = 9, .diverse = -1};
        neighbor out[9];
        char err[256];
        int got = similar_query(&m, vector_matrix_row(&m, 0), 0, m.sha[0], &o, out, err, sizeof err);
        CHECK(got == 9);
        int seen[40] = {0};
        for (int i = 0; i < got; i++)
            seen[out[i].index]++;
        CHECKF(seen[0] == 0, "%s: the query is its own neighbour", knn_metric_name(metric));
        CHECKF(seen[1] + seen[2] == 1, "%s: near duplicates 1/2 seen %d+%d times", knn_metric_name(metric),
               seen[1], seen[2]);
        CHECKF(seen[3] + seen[4] == 1, "%s: same photo 3/4 seen %d+%d times", knn_metric_name(metric),
               seen[3], seen[4]);
        /* nine different shoes: no two results near-duplicate each other */
        int distinct = 1;
        for (int a = 0; a < got; a++)
            for (int b = a + 1; b < got; b++)
                distinct &= vector_cosine(vector_matrix_row(&m, out[a].index), vector_matrix_row(&m, out[b].index),
                                          m.dim) < 0.995;
        CHECK(distinct);
        /* with collapse switched off both copies come back */
        o.rules.near_duplicate = 2.0;
        got = similar_query(&m, vector_matrix_row(&m, 0), 0, NULL, &o, out, err, sizeof err);
        memset(seen, 0, sizeof seen);
        for (int i = 0; i < got; i++)
            seen[out[i].index]++;
        CHECK(seen[1] + seen[2] == 2);
        /* a query photo with the digest of row 3 (cold start of a known photo) drops 3 and 4 */
        o.rules.near_duplicate = 0.995;
        got = similar_query(&m, vector_matrix_row(&m, 3), -1, m.sha[3], &o, out, err, sizeof err);
        memset(seen, 0, sizeof seen);
        for (int i = 0; i < got; i++)
            seen[out[i].index]++;
        CHECK(got == 9 && seen[3] == 0 && seen[4] == 0);
        vector_matrix_free(&m);
    }
}

static int only_even_rows(void *ctx, long index)
{
    (void)ctx;
    return index % 2 == 0;
}

static void test_filter_and_diversify(void)
{
    vector_matrix m;
    make_matrix(&m, 400, 24, 0);
    vector_matrix_normalize(&m);
    char err[256];
    similar_options o = plain_options(KNN_COSINE, 9);
    o.rules.accept = only_even_rows;
    neighbor filtered[9], plain[9], mmr_one[9], mmr[9];
    CHECK(similar_query(&m, vector_matrix_row(&m, 1), 1, m.sha[1], &o, filtered, err, sizeof err) == 9);
    int even = 1;
    for (int i = 0; i < 9; i++)
        even &= filtered[i].index % 2 == 0;
    CHECK(even);
    o.rules.accept = NULL;
    CHECK(similar_query(&m, vector_matrix_row(&m, 1), 1, m.sha[1], &o, plain, err, sizeof err) == 9);
    o.diverse = 1.0;
    CHECK(similar_query(&m, vector_matrix_row(&m, 1), 1, m.sha[1], &o, mmr_one, err, sizeof err) == 9);
    int same = 1;
    for (int i = 0; i < 9; i++)
        same &= mmr_one[i].index == plain[i].index && mmr_one[i].score == plain[i].score;
    CHECKF(same, "lambda 1 must keep the plain ranking");
    o.diverse = 0.3;
    CHECK(similar_query(&m, vector_matrix_row(&m, 1), 1, m.sha[1], &o, mmr, err, sizeof err) == 9);
    CHECK(mmr[0].index == plain[0].index);
    double redundancy_plain = 0, redundancy_mmr = 0;
    for (int a = 0; a < 9; a++)
        for (int b = a + 1; b < 9; b++) {
            redundancy_plain += vector_cosine(vector_matrix_row(&m, plain[a].index), vector_matrix_row(&m, plain[b].index), m.dim);
            redundancy_mmr += vector_cosine(vector_matrix_row(&m, mmr[a].index), vector_matrix_row(&m, mmr[b].index), m.dim);
        }
    CHECKF(redundancy_mmr < redundancy_plain, "MMR results are not more varied: %g vs %g", redundancy_mmr,
           redundancy_plain);
    vector_matrix_free(&m);
}

int main(int argc, char **argv)
{
    (void)argc;
    blas_kernel_ensure(argv); /* the kernel the programs use, so that is the one proven right */
    printf("# OpenBLAS kernel %s\n", blas_kernel_name());
    RUN(test_random_data_matches_brute_force);
    RUN(test_ties_order_by_lower_id);
    RUN(test_block_size_does_not_change_hits);
    RUN(test_duplicates_collapse);
    RUN(test_filter_and_diversify);
    return harness_done();
}
