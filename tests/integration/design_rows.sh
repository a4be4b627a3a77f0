#!/usr/bin/env bash
# `bungner design` writes a design table that `bungner run --design FILE --row N` consumes (one
# row per job of a scheduler's array): each run uses exactly its row's values, and
# `bungner gather --design` puts the runs back into one table.
. "$(dirname "$0")/common.sh" "$@"
"$BUNGNER" design --method lhs -n 5 --seed 4 --param "axon_regeneration.speed=1..4 mm/day" \
  --param "repair.timing=0..60 d" --out "$WORK/design.csv" || fail "design failed"
[[ $(head -1 "$WORK/design.csv") == "row,axon_regeneration.speed [mm/day],repair.timing [d]" ]] || fail "bad header: $(head -1 "$WORK/design.csv")"
[[ $(wc -l < "$WORK/design.csv") -eq 6 ]] || fail "expected 5 rows"
for row in 0 1 2 3 4; do
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
# gather --design: the five runs back in one table, in row order, with the row's values and each
# run's readouts unchanged; a missing or repeated row, or a run of another design, writes nothing.
"$BUNGNER" -q gather --design "$WORK/design.csv" "$WORK"/row{4,2,0,3,1} --out "$WORK/gathered" || fail "gather --design failed"
python3 - "$WORK" <<'PY' || fail "the gathered design table is wrong"
import csv, json, sys
w = sys.argv[1]
design = list(csv.DictReader(open(f"{w}/design.csv")))
lines = list(csv.DictReader(open(f"{w}/gathered/design_results.csv")))
assert list(lines[0].keys()) == ["row", "axon_regeneration.speed [mm/day]", "repair.timing [d]", "time_days", "readout", "value", "unit"]
assert [int(l["row"]) for l in lines] == sorted(int(l["row"]) for l in lines), "not in row order"
for r in range(5):
    mine = [l for l in lines if int(l["row"]) == r]
    run = list(csv.DictReader(open(f"{w}/row{r}/readouts.csv")))
    assert [(l["time_days"], l["readout"], l["value"], l["unit"]) for l in mine] == \
           [(x["time_days"], x["readout"], x["value"], x["unit"]) for x in run], r
    for key in ("axon_regeneration.speed [mm/day]", "repair.timing [d]"):
        assert all(float(l[key]) == float(design[r][key]) for l in mine), (r, key)
j = json.load(open(f"{w}/gathered/design.json"))
assert j["rows"] == 5 and j["runs"][2].endswith("row2"), j
PY
expect_exit 2 "$WORK/g1.err" "$BUNGNER" -q gather --design "$WORK/design.csv" "$WORK"/row{0,1,2,3} --out "$WORK/g1"
grep -q "1 of 5 rows have no run among the directories: 4" "$WORK/g1.err" || fail "missing row: $(cat "$WORK/g1.err")"
expect_exit 2 "$WORK/g2.err" "$BUNGNER" -q gather --design "$WORK/design.csv" "$WORK"/row{0,1,2,3,4,0} --out "$WORK/g2"
grep -q "row 0 is also in" "$WORK/g2.err" || fail "repeated row: $(cat "$WORK/g2.err")"
"$BUNGNER" design --method lhs -n 5 --seed 5 --param "axon_regeneration.speed=1..4 mm/day" \
  --param "repair.timing=0..60 d" --out "$WORK/other.csv" || fail "design failed"
expect_exit 2 "$WORK/g3.err" "$BUNGNER" -q gather --design "$WORK/other.csv" "$WORK"/row{0,1,2,3,4} --out "$WORK/g3"
grep -q "was not made from" "$WORK/g3.err" || fail "another design: $(cat "$WORK/g3.err")"
[[ ! -e $WORK/g1/design_results.csv && ! -e $WORK/g2/design_results.csv && ! -e $WORK/g3/design_results.csv ]] ||
  fail "a refused gather wrote its table"
echo "design_rows: ok"
