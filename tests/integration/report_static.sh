#!/usr/bin/env bash
# Reports without the plotting libraries (issue 24: a build configured offline draws them so;
# `bungner report --static` on any build): no script in the page, one inline SVG per plot the
# interactive report has, a line per time course, and per arm, time and readout of a study a mean
# with its CI. And the configure step itself: without web/node_modules it warns and goes on.
. "$(dirname "$0")/common.sh" "$@"
"$BUNGNER" -q run "$SCENARIO" --out "$WORK/run" >/dev/null 2>&1 || fail "run failed"
cp "$WORK/run/report.html" "$WORK/interactive.html"
"$BUNGNER" -q report "$WORK/run" --static || fail "report --static failed"
"$BUNGNER" -q study "$SRC/scenarios/studies/alcar-dose-response.toml" --out "$WORK/study" --threads 2 >/dev/null || fail "study failed"
"$BUNGNER" -q report "$WORK/study" --static || fail "report --static of a study failed"
python3 - "$WORK" <<'PY' || fail "the static reports are wrong"
import csv, re, sys
work = sys.argv[1]
interactive = open(f"{work}/interactive.html").read()
run = open(f"{work}/run/report.html").read()
assert "<script" not in run, "a static report has a script"
plots = interactive.count('<div class="plot"')
assert plots > 3 and run.count('class="plot static-plot"') == plots, (plots, run.count("static-plot"))
assert run.count('class="series"') >= plots, "a time course without its line"
study = open(f"{work}/study/report.html").read()
assert "<script" not in study
rows = list(csv.DictReader(open(f"{work}/study/summary.csv")))
assert study.count('class="mean"') == len(rows), (study.count('class="mean"'), len(rows))
assert study.count('class="ci"') == sum(r["ci_low"] not in ("", "nan") for r in rows)
PY
# Configure without the plotting libraries: a warning, no error, and the report library built
# without them (configure only: a whole second build would not fit CI).
command -v cmake >/dev/null || fail "cmake not found"
cmake -S "$SRC" -B "$WORK/offline" -G Ninja -DBUNGNER_WEB_MODULES="$WORK/no-node-modules" -DBUNGNER_BUILD_TESTS=OFF \
  -DBUNGNER_BUILD_PYTHON=OFF -DBUNGNER_BUILD_BENCHMARKS=OFF -DBUNGNER_BIN_DIR="$WORK/offline/bin" >"$WORK/configure.log" 2>&1 ||
  fail "configure without web/node_modules failed: $(tail -20 "$WORK/configure.log")"
grep -q "reports draw static SVG plots" "$WORK/configure.log" || fail "no warning: $(tail -20 "$WORK/configure.log")"
grep -q "BUNGNER_WEB_BUNDLES=0" "$WORK/offline/build.ninja" || fail "report_libraries.cpp is not built without the libraries"
echo "report_static: ok"
