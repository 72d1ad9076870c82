# solemate-crawler: its part of `make bench`, one timed full crawl of the fixture shop
# (crawler/bench/crawl_bench.py: wall and CPU time, requests, bytes, peak RSS).

.PHONY: bench-crawler
bench-crawler: $(BUILD)/bin/solemate-crawler $(FIXTURE_SITE)/manifest.json
	SOLEMATE_ROOT=$(CURDIR) /usr/bin/python3 crawler/bench/crawl_bench.py $(BUILD)/bin/solemate-crawler \
	    $(FIXTURE_SITE) $(BUILD)/bench
BENCH_TARGETS += bench-crawler
