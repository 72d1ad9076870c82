# solemate-extractor, inference core: PyTorch reference data for the parity tests (generated
# once into build/testdata/extractor, again only when the generator changes) and the extractor
# part of `make bench`.

EXTRACTOR_TESTDATA := $(TESTDATA)/extractor
EXTRACTOR_REF      := $(EXTRACTOR_TESTDATA)/.generated

$(EXTRACTOR_REF): tests/extractor/torch_reference.py
	@mkdir -p $(@D)
	nice /usr/bin/python3 $< $(@D) $(MODELS_DIR)
	@touch $@

TEST_DEPS += $(EXTRACTOR_REF)

# solemate-extractor, program: `make models` downloads the genuine ResNet-18 and VGG-16 weights
# into MODELS_DIR, checksum-verified (pinned URLs and SHA-256 in extractor/models.list).
.PHONY: models
models:
	@extractor/fetch_models.sh $(MODELS_DIR)


# make bench (extractor part): bench_extractor + the FMA ceiling probe; see extractor/bench/run_bench.sh
# for the knobs (MODELS, BATCHES, MIN_TIME, THREADS, PEERS=1 to time ONNX Runtime and PyTorch too)
EXTRACTOR_BENCH := $(BUILD)/bench/bench_extractor
EXTRACTOR_FMA   := $(BUILD)/bench/fma_peak

$(EXTRACTOR_BENCH): extractor/bench/bench_extractor.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS) $(LDFLAGS)

$(EXTRACTOR_FMA): $(SHARED_DIR)/bench/peers/fma_peak.c
	@mkdir -p $(@D)
	$(CC) -O2 -pthread -o $@ $<

.PHONY: bench-extractor
bench-extractor: $(EXTRACTOR_BENCH) $(EXTRACTOR_FMA) $(EXTRACTOR_REF)
	MODELS_DIR=$(MODELS_DIR) SHARED_DIR=$(SHARED_DIR) extractor/bench/run_bench.sh $(EXTRACTOR_BENCH) \
	    $(EXTRACTOR_FMA) $(abspath $(EXTRACTOR_TESTDATA))

BENCH_TARGETS += bench-extractor
