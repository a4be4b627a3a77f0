#!/usr/bin/env bash
# `bungner design` writes a design table that `bungner run --design FILE --row N` consumes (one
# row per job of a scheduler's array): each run uses exactly its row's values.
. "$(dirname "$0")/common.sh" "$@"
"$BUNGNER" design --method lhs -n 5 --seed 4 --param "axon_regeneration.speed=1..4 mm/day" \
  --param "repair.timing=0..60 d" --out "$WORK/design.csv" || fail "design failed"
[[ $(head -1 "$WORK/design.csv") == "row,axon_regeneration.speed [mm/day],repair.timing [d]" ]] || fail "bad header: $(head -1 "$WORK/design.csv")"
[[ $(wc -l < "$WORK/design.csv") -eq 6 ]] || fail "expected 5 rows"
for row in 0 4; do
  "$BUNGNER" -q run "$SCENARIO" --set injury.type=transection --set repair.type=direct_suture \
    --design "$WORK/design.csv" --row $row --out "$WORK/row$row" || fail "row $row failed"
  python3 - "$WORK/design.csv" $row "$WORK/row$row/run.json" <<'PY' || fail "row $row did not use its values"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = rows[int(sys.argv[2])]
run = json.load(open(sys.argv[3]))
speed = run["parameters"]["axon_regeneration.speed"]["value"]
assert abs(speed - float(want["axon_regeneration.speed [mm/day]"])) <= 1e-12 * speed, speed
timing = [l for l in run["resolved_scenario"].splitlines() if l.startswith("timing")][0]
assert float(timing.split("'")[1].split()[0]) == float(want["repair.timing [d]"]), timing
PY
done
set +e
"$BUNGNER" -q run "$SCENARIO" --design "$WORK/design.csv" --row 9 --out "$WORK/row9" 2>"$WORK/err"
code=$?
set -e
[[ $code -eq 2 ]] || fail "a missing row exited $code, expected 2"
grep -q "row 9 does not exist" "$WORK/err" || fail "no explanation: $(cat "$WORK/err")"
echo "design_rows: ok"
