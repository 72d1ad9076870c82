/* Turns a query's candidate hits into final neighbours: drops the query itself, photos with the
 * query's digest and every photo that duplicates the query or an already chosen neighbour (same
 * SHA-256, or cosine >= the near-duplicate threshold), applies an optional filter, and rescores
 * the survivors exactly (double precision, vector_blob.h) so the CLI, the neighbors table and
 * the SQL functions agree.
 *
 * Manual: hits come from knn (best first).  neighbor_select() fills up to want neighbours, sorted
 * best first (cosine: higher; l2: lower), ties by lower product id.  It returns the number chosen,
 * or NEIGHBOR_NEED_MORE when the hits ran out before want were chosen while other rows remain
 * unseen (the caller asks knn for more and calls again), or -1 when out of memory.  Every hit is
 * rescored exactly and processed in exact order; NEIGHBOR_NEED_MORE also when the last hit's
 * float key is within rounding of the worst chosen score (an unseen row might tie it).
 * Near-duplicate tests use float dot products (a threshold test).  Reentrant. */
#ifndef SOLEMATE_NEIGHBOR_SELECT_H
#define SOLEMATE_NEIGHBOR_SELECT_H

#include "recommender/knn.h"
#include "recommender/vector_matrix.h"

#define NEIGHBOR_NEED_MORE (-2)

typedef struct {
    long index;   /* matrix row */
    double score; /* cosine similarity or Euclidean distance */
} neighbor;

typedef struct {
    knn_metric metric;
    double near_duplicate;                 /* > 1 disables near-duplicate collapse */
    int (*accept)(void *ctx, long index);  /* NULL: every row */
    void *accept_ctx;
} neighbor_rules;

/* query: the query vector in the matrix's space; query_index: its row or -1; query_sha: its
 * photo digest or NULL. */
int neighbor_select(const vector_matrix *mat, const float *query, long query_index,
                    const char *query_sha, const knn_hit *hits, int m_hits,
                    const neighbor_rules *rules, int want, neighbor *out);

/* Sorts best first with the tie rule above. */
void neighbor_sort(neighbor *list, int count, knn_metric metric);

#endif
