/* The loadable SQLite extension (build/.../lib/solemate.so): vec_cosine(a, b), vec_l2(a, b) and
 * vec_dim(a) over feature BLOBs, so ad-hoc SQL can rank products without the CLI.  Load it with
 * `.load PATH/solemate` in the sqlite3 shell or sqlite3_load_extension().
 *
 * BLOBs are float32 little-endian by default; pass 'u8' as the last argument for the pixel
 * baseline's byte vectors (features.dim says which: dtype is in the models table).  NULL in,
 * NULL out; a non-BLOB, a length that is not a whole number of elements, a non-finite float,
 * vectors of different dimensions or an unknown dtype are SQL errors naming the function.
 * Scores are computed exactly like the recommender's (vector_blob.c, double accumulation). */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <stdio.h>

#include "recommender/vector_blob.h"

typedef enum { FUNC_DIM, FUNC_COSINE, FUNC_L2 } vec_function;

static const char *const function_names[] = {"vec_dim", "vec_cosine", "vec_l2"};

static void fail(sqlite3_context *ctx, vec_function f, const char *why)
{
    char message[512];
    snprintf(message, sizeof message, "%s: %s", function_names[f], why);
    sqlite3_result_error(ctx, message, -1);
}

/* The dtype from an optional trailing argument; -1 after reporting an error. */
static int dtype_argument(sqlite3_context *ctx, vec_function f, int argc, sqlite3_value **argv, int vectors)
{
    if (argc == vectors)
        return VECTOR_F32;
    const unsigned char *name = sqlite3_value_text(argv[vectors]);
    int t = vector_dtype_parse((const char *)name);
    if (t < 0) {
        char why[160];
        snprintf(why, sizeof why, "dtype must be 'f32' or 'u8', not '%.64s'", name ? (const char *)name : "NULL");
        fail(ctx, f, why);
    }
    return t;
}

/* Decodes argument i into a fresh sqlite3_malloc'd float array; NULL after reporting an error. */
static float *vector_argument(sqlite3_context *ctx, vec_function f, sqlite3_value *v, int i, vector_dtype t,
                              long *dim)
{
    char why[256], err[200];
    if (sqlite3_value_type(v) != SQLITE_BLOB) {
        static const char *const types[] = {"", "an integer", "a real", "text", "a BLOB", "NULL"};
        snprintf(why, sizeof why, "argument %d is %s, not a feature BLOB", i + 1, types[sqlite3_value_type(v)]);
        fail(ctx, f, why);
        return NULL;
    }
    size_t len = (size_t)sqlite3_value_bytes(v);
    *dim = vector_blob_dim(len, t, err, sizeof err);
    float *out = *dim > 0 ? sqlite3_malloc64((sqlite3_uint64)*dim * sizeof *out) : NULL;
    if (*dim > 0 && !out) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    if (*dim < 0 || vector_blob_decode(sqlite3_value_blob(v), len, t, *dim, out, err, sizeof err)) {
        snprintf(why, sizeof why, "argument %d: %s", i + 1, err);
        fail(ctx, f, why);
        sqlite3_free(out);
        return NULL;
    }
    return out;
}

static void vec_dim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    int t = dtype_argument(ctx, FUNC_DIM, argc, argv, 1);
    long dim = 0;
    float *v = t < 0 ? NULL : vector_argument(ctx, FUNC_DIM, argv[0], 0, (vector_dtype)t, &dim);
    if (v)
        sqlite3_result_int64(ctx, dim);
    sqlite3_free(v);
}

static void vec_pair(sqlite3_context *ctx, int argc, sqlite3_value **argv, vec_function f)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    int t = dtype_argument(ctx, f, argc, argv, 2);
    if (t < 0)
        return;
    long da = 0, db = 0;
    float *a = vector_argument(ctx, f, argv[0], 0, (vector_dtype)t, &da);
    float *b = a ? vector_argument(ctx, f, argv[1], 1, (vector_dtype)t, &db) : NULL;
    if (a && b && da != db) {
        char why[128];
        snprintf(why, sizeof why, "dimensions differ (%ld and %ld)", da, db);
        fail(ctx, f, why);
    } else if (a && b) {
        sqlite3_result_double(ctx, f == FUNC_COSINE ? vector_cosine(a, b, da) : vector_l2(a, b, da));
    }
    sqlite3_free(a);
    sqlite3_free(b);
}

static void vec_cosine(sqlite3_context *ctx, int argc, sqlite3_value **argv) { vec_pair(ctx, argc, argv, FUNC_COSINE); }
static void vec_l2(sqlite3_context *ctx, int argc, sqlite3_value **argv) { vec_pair(ctx, argc, argv, FUNC_L2); }

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_solemate_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    (void)pzErrMsg;
    SQLITE_EXTENSION_INIT2(pApi);
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    static const struct {
        const char *name;
        int args;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"vec_dim", 1, vec_dim},       {"vec_dim", 2, vec_dim},     {"vec_cosine", 2, vec_cosine},
        {"vec_cosine", 3, vec_cosine}, {"vec_l2", 2, vec_l2},       {"vec_l2", 3, vec_l2},
    };
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        int rc = sqlite3_create_function(db, functions[i].name, functions[i].args, flags, NULL, functions[i].fn,
                                         NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
