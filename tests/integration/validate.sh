#!/usr/bin/env bash
# `bungner validate`: the fast CI subset of the scorecard (the unrepaired rat sciatic transection:
# E24-E29 and E43; the mouse fragmentation wave, E08 and E09): every check passes but E24.2, the JSON totals are the last line
# and agree with scorecard.csv, the filter selects, rows without a case are listed as not yet
# modelled, the scorecard is the same at 1 and 2 threads, and a bad case file is reported with file:line:column and exit code 2.
. "$(dirname "$0")/common.sh" "$@"

out=$("$BUNGNER" -q validate --filter 'rat-sciatic-transection-unrepaired' --json --out "$WORK/v" --threads 2) ||
  fail "validate failed"
last=$(tail -n 1 <<<"$out")
python3 - "$last" "$WORK/v/scorecard.csv" <<'PY' || fail "scorecard totals wrong: $last"
import csv, json, sys
totals = json.loads(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2])))
scored = [r for r in rows if r["result"] in ("pass", "fail")]
assert totals["total"] == len(scored) >= 10, (totals, len(scored))
assert totals["passed"] == sum(r["result"] == "pass" for r in scored)
# Every check passes except E24.2 (8 d): the joint refit of the sensory-neuron death trio trades
# it against E24.1 (docs/calibration.md, "Joint refits"); a fit entry, so this is a known miss.
assert [r["evidence"] for r in scored if r["result"] == "fail"] == ["E24.2"], [r["evidence"] for r in scored if r["result"] == "fail"]
assert totals["fitted"]["total"] + totals["unfitted"]["total"] == totals["total"]
assert {"E24.1", "E25", "E28", "E43"} <= {r["evidence"] for r in scored}
# Entries by split (issue 18): an entry passes when all its checks do; fit and test counted apart.
for split in ("test", "fit"):
    entries = {}
    for r in scored:
        if r["split"] == split:
            entries[r["entry"]] = entries.get(r["entry"], True) and r["result"] == "pass"
    assert totals[split + "_total"] == len(entries), (split, totals, entries)
    assert totals[split + "_passed"] == sum(entries.values()), (split, totals, entries)
spread = {}
for r in scored:
    if r["spread_result"]:
        spread[r["entry"]] = spread.get(r["entry"], True) and r["spread_result"] == "pass"
assert totals["spread_total"] == len(spread) and totals["spread_passed"] == sum(spread.values()), (totals, spread)
PY
[[ -f $WORK/v/scorecard.html ]] || fail "no scorecard.html"
[[ -f $WORK/v/scorecard.json ]] || fail "no scorecard.json"

# An entry filter: E08 and E09 only (mouse 3D site), and the rows of other entries are not listed.
out=$("$BUNGNER" -q validate --filter 'E0?' --json --out "$WORK/e0x" --threads 2) || fail "validate --filter 'E0?' failed"
"$BUNGNER" -q validate --filter 'E0?' --out "$WORK/e0x-1" --threads 1 || fail "validate at 1 thread failed"
cmp -s "$WORK/e0x/scorecard.csv" "$WORK/e0x-1/scorecard.csv" || fail "the scorecard differs between 1 and 2 threads"
python3 - "$(tail -n 1 <<<"$out")" "$WORK/e0x/scorecard.csv" <<'PY' || fail "E0?: $(tail -n 1 <<<"$out")"
import csv, json, sys
totals = json.loads(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2])))
assert all(r["evidence"].startswith("E0") for r in rows), [r["evidence"] for r in rows]
assert {"E08", "E09"} <= {r["evidence"] for r in rows if r["result"] == "pass"}
assert totals["passed"] == totals["total"], totals  # every E0x entry has a case now (E06 since session 3)
PY
grep -q '^E40,E40,.*not yet modelled' "$WORK/v/scorecard.csv" && fail "the filter did not apply to not-modelled rows"
"$BUNGNER" -q validate --filter E40 --json --out "$WORK/e40" | tail -n 1 | grep -q '"not_modelled": 1' ||
  fail "E40 is not reported as not yet modelled"

# A bad case: file:line:column and exit code 2, nothing run.
mkdir -p "$WORK/cases"
printf 'study = "x.toml"\n[[checks]]\nevidence = "E255"\nreadout = "r"\ntime = "1 d"\n' >"$WORK/cases/bad.toml"
set +e
err=$("$BUNGNER" validate --cases "$WORK/cases" --out "$WORK/bad" 2>&1)
code=$?
set -e
[[ $code -eq 2 ]] || fail "bad case: exit code $code, expected 2"
grep -q "bad.toml:3:12" <<<"$err" || fail "bad case: no file:line:column in: $err"
grep -q "did you mean 'E25'" <<<"$err" || fail "bad case: no suggestion in: $err"
echo "validate: ok"
