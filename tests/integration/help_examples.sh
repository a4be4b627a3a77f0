#!/usr/bin/env bash
# The content names in --help's examples come from data/cli/help-examples.toml (the engine names
# no content item, issue 20): each is registered (or, for the study, a valid file), the help shows
# them, and without the file the help still works, with placeholders.
. "$(dirname "$0")/common.sh" "$@"
FILE="$SRC/data/cli/help-examples.toml"
value() { sed -nE "s/^$1 = \"([^\"]*)\".*/\1/p" "$FILE"; }
study=$(value study)
parameter=$(value parameter)
range=$(value parameter_range)
explained=$(value parameter_to_explain)
therapy=$(value therapy)
observation=$(value observation)
for v in study parameter range explained therapy observation; do [[ -n ${!v} ]] || fail "no $v in $FILE"; done

"$BUNGNER" check "$SRC/$study" >/dev/null 2>"$WORK/err" || fail "bungner check $study: $(cat "$WORK/err")"
for name in "$parameter" "$explained" "$therapy"; do
  "$BUNGNER" explain "$name" >/dev/null 2>"$WORK/err" || fail "bungner explain $name: $(cat "$WORK/err")"
done
# The parameter's range is in its unit and within its hard range: a one-point design accepts it.
"$BUNGNER" design --method grid -n 1 --param "$parameter=$range" >/dev/null 2>"$WORK/err" ||
  fail "design --param '$parameter=$range': $(cat "$WORK/err")"
# The observation is one the default scenario gives (its readout module lists it).
# (Into a file first: grep -q would stop reading early and, under pipefail, the writer's SIGPIPE
# would fail the pipeline whenever the list outgrows the pipe's buffer.)
"$BUNGNER" list readouts >"$WORK/readouts.txt"
grep -qF -- "${observation%%.*}" "$WORK/readouts.txt" || fail "no readout gives $observation"
grep -q -- "${observation#*.}" "$SCENARIO" "$SRC"/data/presets/rat-sciatic.toml || fail "no target ${observation#*.} in the rat sciatic preset"

for command in "" design sensitivity explain; do "$BUNGNER" $command --help; done >"$WORK/help.txt"
for name in "$study" "$parameter=$range" "$explained" "$therapy" "$observation"; do
  grep -qF -- "$name" "$WORK/help.txt" || fail "--help does not show $name"
done

# Without the file (another data directory), placeholders.
mkdir -p "$WORK/data"
BUNGNER_DATA_DIR="$WORK/data" "$BUNGNER" explain --help >"$WORK/help-bare.txt" || fail "--help fails without $FILE"
grep -qF "bungner explain THERAPY" "$WORK/help-bare.txt" || fail "no placeholder without $FILE: $(cat "$WORK/help-bare.txt")"
echo "help_examples: ok"
