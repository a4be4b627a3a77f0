# One-command setup: `make run` and `make test` install missing Debian packages, configure and
# build, then run the default study or the test suite.
PRESET ?= release
STUDY ?= scenarios/studies/rat-sciatic-10mm-msc.toml
OUT ?= runs/rat-sciatic-10mm-msc
SCENARIO ?= scenarios/rat-sciatic-crush.toml
SCENARIO_OUT ?= runs/rat-sciatic-crush
JOBS ?= $(shell nproc)

FUZZ_SECONDS ?= 120
# `make install` puts bin/bungner, share/man/man1/bungner.1 and the bash completion under PREFIX.
PREFIX ?= /usr/local

.PHONY: all deps configure build install run run-scenario test check tidy format test-sanitizers test-all clean docs fuzz fuzz-check golden-regenerate

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

install: build
	@cmake --install build/$(PRESET) --prefix $(PREFIX)

# The default study: a 10 mm rat sciatic gap, 8 arms x 8 rats, 12 weeks (seconds on 2 cores).
run: build
	@build/bin/bungner study $(STUDY) --out $(OUT) --force
	@echo "Report: $(OUT)/report.html (open it in a browser; it works offline)"

# One scenario: `make run-scenario SCENARIO=scenarios/examples/... SCENARIO_OUT=runs/...`.
run-scenario: build
	@build/bin/bungner run $(SCENARIO) --out $(SCENARIO_OUT) --force
	@echo "Report: $(SCENARIO_OUT)/report.html (open it in a browser; it works offline)"

# The whole verification, as CI runs it: a bounded, reproducible fuzzing run, the suite under
# AddressSanitizer + UBSan, the threaded tests under ThreadSanitizer, then the suite itself (last,
# so its summary closes the output). About 30 minutes on 2 cores; `make check` is the quick suite.
test: deps
	@scripts/check-deps
	@scripts/check-format
	@$(MAKE) --no-print-directory fuzz-check
	@$(MAKE) --no-print-directory test-sanitizers
	@$(MAKE) --no-print-directory tidy
	@$(MAKE) --no-print-directory check

check: build
	@ctest --preset $(PRESET)

# Style (.clang-format) and static checks (.clang-tidy, on src/ and models/ with the compile
# commands of the build); `make format` rewrites the sources in the house style.
tidy: build
	@scripts/check-tidy build/$(PRESET) -j $(JOBS)

format:
	@scripts/check-format --fix

# The whole suite under AddressSanitizer + UBSan, and the threaded tests under ThreadSanitizer.
test-sanitizers: deps
	@cmake --preset asan >/dev/null && cmake --build --preset asan -j $(JOBS) && ctest --preset asan
	@cmake --preset tsan >/dev/null && cmake --build --preset tsan -j $(JOBS) --target bungner-tests && ctest --preset tsan

# A fixed-seed, fixed-length fuzzing run from the checked-in corpus: the same inputs every time.
# The fuzzer is built in the ASan build (clang, coverage-instrumented), so CI compiles the
# sources three times (ASan, TSan, release), not four.
fuzz-check: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@rm -rf build/asan/fuzz-check-corpus && mkdir -p build/asan/fuzz-check-corpus
	@build/asan/bin/fuzz-inputs build/asan/fuzz-check-corpus fuzz/corpus -seed=1 -runs=10000 -rss_limit_mb=4096 -timeout=20 2>build/asan/fuzz-check.log || (tail -40 build/asan/fuzz-check.log; exit 1)
	@echo "fuzz-check: 10000 inputs, no failure"

docs: build
	@build/bin/bungner params --markdown > docs/parameters.md
	@build/bin/bungner schema > docs/scenario-keys.md
	@build/bin/bungner schema --json > docs/scenario.schema.json

# Rewrite every golden regression file (models/*/*/golden/expected.csv) from the current build;
# explain each changed file in the commit message (docs/reliability.md).
golden-regenerate: build
	@tests/golden/golden.sh --regenerate build/bin/bungner

fuzz: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS) --target fuzz-inputs
	@mkdir -p build/asan/fuzz-corpus
	@build/asan/bin/fuzz-inputs build/asan/fuzz-corpus fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -timeout=20

clean:
	rm -rf build
