# One-command setup: `make run` and `make test` install missing Debian packages, configure and
# build, then run the default scenario or the test suite.
PRESET ?= release
SCENARIO ?= scenarios/rat-sciatic-crush.toml
OUT ?= runs/rat-sciatic-crush
JOBS ?= $(shell nproc)

FUZZ_SECONDS ?= 120

.PHONY: all deps configure build run test test-sanitizers test-all clean docs fuzz

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

# The whole suite under AddressSanitizer + UBSan, and the threaded tests under ThreadSanitizer.
test-sanitizers: deps
	@cmake --preset asan >/dev/null && cmake --build --preset asan -j $(JOBS) && ctest --preset asan
	@cmake --preset tsan >/dev/null && cmake --build --preset tsan -j $(JOBS) && ctest --preset tsan

# Everything: the suite, the sanitizers and a bounded fuzzing run.
test-all: test test-sanitizers
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=60

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
