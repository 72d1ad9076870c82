# The fixture shop's generated site, built once per tree into build/testdata/fixture-site and
# shared by both test passes; regenerated when the generator's sources change.
FIXTURE_SOURCES  := $(addprefix tests/fixture_shop/,generate.py sitemodel.py nasty.py markup.py)

$(FIXTURE_SITE)/manifest.json: $(FIXTURE_SOURCES)
	@mkdir -p $(FIXTURE_SITE)
	/usr/bin/python3 tests/fixture_shop/generate.py --dataset $(SHARED_DIR)/datasets/shoe-sandal-boot \
	    --out $(FIXTURE_SITE) --seed 1

TEST_DEPS += $(FIXTURE_SITE)/manifest.json
