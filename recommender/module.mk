# solemate-recommender: the loadable SQLite extension (vec_cosine, vec_l2, vec_dim), its place in
# `make install`, the recommender part of `make bench`, and `make demo` (fixture shop -> crawl ->
# extract -> neighbours -> gallery, left in demo/).

RECOMMENDER_EXTENSION := $(BUILD)/lib/solemate.so

$(RECOMMENDER_EXTENSION): recommender/sqlite_extension.c recommender/vector_blob.c recommender/vector_blob.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ recommender/sqlite_extension.c recommender/vector_blob.c $(LDFLAGS) -lm

all: $(RECOMMENDER_EXTENSION)
TEST_DEPS += $(RECOMMENDER_EXTENSION)
INSTALL_EXTRA += install -d $(DESTDIR)$(PREFIX)/lib && install -m 644 $(RECOMMENDER_EXTENSION) $(DESTDIR)$(PREFIX)/lib/solemate.so;

# make bench: the neighbour search timings (see recommender/bench/knn_bench.c)
RECOMMENDER_BENCH := $(BUILD)/bin/bench-recommender
$(RECOMMENDER_BENCH): recommender/bench/knn_bench.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS) $(LDFLAGS)

.PHONY: bench-recommender
bench-recommender: $(RECOMMENDER_BENCH)
	nice $(RECOMMENDER_BENCH)
BENCH_TARGETS += bench-recommender

# make demo: fixture shop -> crawl -> extract -> neighbours -> gallery (recommender/demo.sh)
.PHONY: demo
demo: all
	BUILD=$(BUILD) SHARED_DIR=$(SHARED_DIR) MODELS_DIR=$(MODELS_DIR) recommender/demo.sh
