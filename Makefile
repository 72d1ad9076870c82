# Solemate build: three programs over per-component static libraries, the catalog library in
# db/ and the shared program conventions in cli/.  GNU make only; flags come from pkg-config.
#
#   make            build build/release/bin/solemate-{crawler,extractor,recommender}
#   make deps       install the Debian packages the project needs (no-op when all are present)
#   make check      all tests, then all tests again under -fsanitize=address,undefined
#   make install    PREFIX=/usr/local DESTDIR= : binaries, man pages, example config
#   make clean
#
# Components add their own rules (shared objects, test data, bench targets) in <dir>/module.mk.

VERSION       := 0.1.0
PREFIX        ?= /usr/local
DESTDIR       ?=
BUILD         ?= build/release
SANITIZE      ?= 0
MODELS_DIR    ?= $(abspath ../shared/models)
SHARED_DIR    ?= $(abspath ../shared)
TESTDATA      := build/testdata
FIXTURE_SITE  := $(TESTDATA)/fixture-site

DEB_PACKAGES  := gcc make pkg-config libc6-dev libcurl4-openssl-dev libxml2-dev libsqlite3-dev \
                 sqlite3 libopenblas-dev libstb-dev libssl-dev libinih-dev libcjson-dev \
                 python3 python3-torch python3-torchvision python3-numpy python3-pil darknet \
                 valgrind chromium curl ca-certificates

PKGS          := libcurl libxml-2.0 sqlite3 openblas stb libcrypto inih libcjson
# DEPS_OK is empty until every package the build needs is present (make deps installs them)
DEPS_OK       := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)

CC            ?= cc
WARN          := -Wall -Wextra -Werror
# -fvect-cost-model=dynamic: GCC's -O2 vectoriser otherwise skips every loop of unknown length
# (the inference core's row loops); SIMD_CLONES (extractor/simd.h) adds the AVX2/AVX-512 builds
CFLAGS_BASE   := -std=c11 -O2 -fvect-cost-model=dynamic -g $(WARN) -I. -I$(BUILD)/gen -DSOLEMATE_VERSION='"$(VERSION)"' \
                 -DSOLEMATE_DEFAULT_MODELS_DIR='"$(MODELS_DIR)"'
ifeq ($(SANITIZE),1)
CFLAGS_BASE   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_SAN   := -fsanitize=address,undefined
endif
ifneq ($(DEPS_OK),)
PKG_CFLAGS    := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS      := $(shell pkg-config --libs $(PKGS))
endif
CFLAGS        += $(CFLAGS_BASE) $(PKG_CFLAGS)
LDLIBS        += $(PKG_LIBS) -lpthread -lm
LDFLAGS       += $(LDFLAGS_SAN)

COMPONENTS    := cli db crawler extractor recommender
PROGRAMS      := $(patsubst %/main.c,%,$(wildcard crawler/main.c extractor/main.c recommender/main.c))

# every *.c of a component except main.c goes into lib<component>.a
lib_sources    = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c $(1)/*.S))
lib_objects    = $(patsubst %,$(BUILD)/obj/%.o,$(basename $(call lib_sources,$(1))))
LIBS          := $(foreach c,$(COMPONENTS),$(BUILD)/lib/lib$(c).a)
# link order: programs' libraries first, then the shared ones they use
LINK_LIBS     := $(BUILD)/lib/librecommender.a $(BUILD)/lib/libextractor.a \
                 $(BUILD)/lib/libcrawler.a $(BUILD)/lib/libdb.a $(BUILD)/lib/libcli.a
BINARIES      := $(foreach p,$(PROGRAMS),$(BUILD)/bin/solemate-$(p))

TEST_C        := $(wildcard tests/*/test_*.c)
TEST_BINS     := $(patsubst %.c,$(BUILD)/%,$(TEST_C))
TEST_HELPERS  := $(patsubst %.c,$(BUILD)/%,$(wildcard tests/*/helper_*.c))

# targets that module.mk files append to
BENCH_TARGETS :=
TEST_DEPS     :=
INSTALL_EXTRA :=
CLEAN_EXTRA   :=

.PHONY: all deps check test install clean bench
.DEFAULT_GOAL := all

all: deps $(BINARIES)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing" $$missing; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null \
	    || { echo "make deps: apt-get install failed for:" $$missing >&2; exit 1; }; \
	fi

define component_rules
$(BUILD)/lib/lib$(1).a: $(call lib_objects,$(1))
	@mkdir -p $$(@D)
	$$(AR) rcs $$@ $$^
endef
$(foreach c,$(COMPONENTS),$(eval $(call component_rules,$(c))))

# libraries with no sources yet still produce an (empty) archive so links stay uniform
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bin/solemate-%: $(BUILD)/obj/%/main.o $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIBS) tests/harness.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -o $@ $< $(LINK_LIBS) $(LDLIBS) $(LDFLAGS)

# the schema is embedded into libdb at build time (db/schema_blob.S includes it)
$(BUILD)/obj/db/schema_blob.o: db/schema.sql db/migrate_v1_to_v2.sql

include $(wildcard */module.mk tests/*/module.mk)

test: all $(TEST_BINS) $(TEST_HELPERS) $(TEST_DEPS)
	@SOLEMATE_BUILD=$(abspath $(BUILD)) SOLEMATE_ROOT=$(CURDIR) SHARED_DIR=$(SHARED_DIR) \
	  MODELS_DIR=$(MODELS_DIR) SOLEMATE_SANITIZE=$(SANITIZE) SOLEMATE_TESTDATA=$(abspath $(TESTDATA)) \
	  tests/run.sh $(BUILD)

check: deps
	@$(MAKE) --no-print-directory BUILD=build/release SANITIZE=0 test
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 test
	@tests/summary.sh build/release build/asan

bench: all $(BENCH_TARGETS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/solemate/profiles $(DESTDIR)$(PREFIX)/share/doc/solemate
	install -m 755 $(BINARIES) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard */*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 config/solemate.conf $(DESTDIR)$(PREFIX)/share/doc/solemate/solemate.conf.example
	install -m 644 $(wildcard config/profiles/*.conf) $(DESTDIR)$(PREFIX)/share/solemate/profiles/
	$(INSTALL_EXTRA)

clean:
	rm -rf build $(CLEAN_EXTRA)

-include $(shell find build -name '*.d' 2>/dev/null)
