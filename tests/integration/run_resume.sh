#!/usr/bin/env bash
# Checkpoint and restart: a run killed with SIGKILL and continued with `run --resume DIR` writes
# the same timeseries.csv and readouts.csv as a run that was never interrupted.
. "$(dirname "$0")/common.sh" "$@"
LONG="$SRC/scenarios/examples/human-median-suture.toml"
ARGS=(--set 'simulation.duration="18 months"' --set 'output.timeseries_interval="1 d"' --set 'output.checkpoint_interval="30 d"' --threads 1)
"$BUNGNER" -q run "$LONG" "${ARGS[@]}" --out "$WORK/whole" || fail "uninterrupted run failed"
start=$(date +%s%N)
"$BUNGNER" -q run "$LONG" "${ARGS[@]}" --out "$WORK/timed" || fail "timed run failed"
took=$(python3 -c "import sys; print((int(sys.argv[1]) - int(sys.argv[2])) / 1e9)" "$(date +%s%N)" "$start")
# Kill part-way; if the machine's load made this run faster than the timed one and the kill came
# after the end, try again earlier.
for fraction in 0.6 0.35 0.2; do
  rm -rf "$WORK/killed"
  "$BUNGNER" -q run "$LONG" "${ARGS[@]}" --out "$WORK/killed" &
  pid=$!
  sleep "$(python3 -c "import sys; print(float(sys.argv[1]) * float(sys.argv[2]))" "$took" "$fraction")"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  [[ -f $WORK/killed/run.json ]] || break
done
[[ ! -f $WORK/killed/run.json ]] || fail "every kill came after the end (run took ${took}s); cannot test resume"
[[ -f $WORK/killed/checkpoint.bin ]] || fail "no checkpoint after the kill (run took ${took}s)"
# Resuming with a scenario other than the checkpoint's is refused (exit 2) and changes nothing.
set +e
"$BUNGNER" -q run "$SCENARIO" --resume "$WORK/killed" 2>"$WORK/other.err"
code=$?
set -e
[[ $code -eq 2 ]] || fail "resume with another scenario exited $code, expected 2"
grep -q "differs from the one the checkpoint was written for" "$WORK/other.err" || fail "no reason given: $(cat "$WORK/other.err")"
# Issue 25, item 10: a well-formed checkpoint with one flipped byte (in the rows written so far)
# is refused by its SHA-256, with exit code 2.
mkdir -p "$WORK/flipped" && cp "$WORK/killed/checkpoint.bin" "$WORK/flipped/"
python3 - "$WORK/flipped/checkpoint.bin" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.rfind(b",", 0, len(data) - 100)  # a comma in the CSV rows near the end
data[at - 1] ^= 0x01                       # the digit before it: still a well-formed number
open(sys.argv[1], "wb").write(data)
PY
set +e
"$BUNGNER" -q run --resume "$WORK/flipped" 2>"$WORK/flipped.err"
code=$?
set -e
[[ $code -eq 2 ]] || fail "a checkpoint with a flipped byte gave exit code $code, expected 2: $(cat "$WORK/flipped.err")"
grep -q "checkpoint is damaged: its SHA-256 does not match" "$WORK/flipped.err" || fail "no clear reason: $(cat "$WORK/flipped.err")"
"$BUNGNER" -q run --resume "$WORK/killed" --threads 2 || fail "resume failed"
for f in timeseries.csv readouts.csv; do
  cmp -s "$WORK/whole/$f" "$WORK/killed/$f" || fail "$f after kill and resume differs from the uninterrupted run"
done
[[ ! -f $WORK/killed/checkpoint.bin ]] || fail "checkpoint left behind after completion"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['resumed_from_checkpoint_at_days'] > 0" "$WORK/killed/run.json" \
  || fail "run.json does not record the resume"
# A damaged checkpoint is refused with exit code 2.
mkdir -p "$WORK/bad" && head -c 100 /dev/urandom > "$WORK/bad/checkpoint.bin"
set +e
"$BUNGNER" -q run --resume "$WORK/bad" 2>/dev/null
code=$?
set -e
[[ $code -eq 2 ]] || fail "a damaged checkpoint gave exit code $code, expected 2"
echo "run_resume: ok"
