# One-command setup: `make run` and `make test` install missing Debian packages, configure and
# build, then run the default scenario or the test suite.
PRESET ?= release
SCENARIO ?= scenarios/rat-sciatic-crush.toml
OUT ?= runs/rat-sciatic-crush
JOBS ?= $(shell nproc)

FUZZ_SECONDS ?= 120

.PHONY: all deps configure build run test clean docs fuzz

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	@build/bin/bungner run $(SCENARIO) --out $(OUT) --force
	@echo "Report: $(OUT)/readouts.csv (readouts), $(OUT)/timeseries.csv (time courses), $(OUT)/run.json (provenance)"

test: build
	@ctest --preset $(PRESET)

docs: build
	@build/bin/bungner params --markdown > docs/parameters.md
	@build/bin/bungner schema > docs/scenario-keys.md

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@mkdir -p build/fuzz/corpus
	@build/fuzz/bin/fuzz-inputs build/fuzz/corpus fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -timeout=20

clean:
	rm -rf build
