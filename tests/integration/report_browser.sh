#!/usr/bin/env bash
# The reports in a real browser: Debian's Chromium, driven by playwright-core, opens the report of
# a run and of a study from file URLs, offline; no console error, every plot an SVG with data
# drawn. Screenshots are kept in $BUNGNER_SCREENSHOT_DIR (build/release/screenshots).
. "$(dirname "$0")/common.sh" "$@"
SHOTS=${BUNGNER_SCREENSHOT_DIR:-$WORK}
mkdir -p "$SHOTS"
"$BUNGNER" -q run "$SCENARIO" --out "$WORK/run" || fail "run failed"
"$BUNGNER" -q study "$SRC/scenarios/studies/alcar-dose-response.toml" --out "$WORK/study" || fail "study failed"
# As many plots as the report holds specifications for (report.sh checks those against the CSV).
plots=$(grep -o '<div class="plot"' "$WORK/run/report.html" | wc -l)
(( plots >= 8 )) || fail "run report has only $plots plots"
node "$SRC/web/report-browser-test.mjs" "$WORK/run/report.html" "$SHOTS/run-report.png" "$plots" || fail "run report"
node "$SRC/web/report-browser-test.mjs" "$WORK/study/report.html" "$SHOTS/study-report.png" 3 || fail "study report"
