#!/usr/bin/env bash
# An error on one MPI rank ends every rank (issue 24): rank 1 gets a study whose base scenario does
# not exist while rank 0 runs a good one and would wait for rank 1 in the study's first
# collective. Both must end with exit code 2 within seconds, rank 1's message shown, and no
# summary written. The same for validate with a missing cases folder on rank 1; and `run`, one
# process, refuses to run under two ranks.
. "$(dirname "$0")/common.sh" "$@"
command -v mpirun >/dev/null || fail "mpirun not found (scripts/install-deps installs openmpi-bin)"
MPIRUN=(timeout 60 mpirun --allow-run-as-root --oversubscribe)
printf 'title = "broken"\nbase = "%s/no-such-scenario.toml"\n[[arms]]\nname = "a"\n' "$WORK" >"$WORK/bad.toml"
code=0
start=$(date +%s)
"${MPIRUN[@]}" -n 1 "$BUNGNER" -q study "$SRC/scenarios/studies/alcar-dose-response.toml" --out "$WORK/study" --threads 1 : \
  -n 1 "$BUNGNER" -q study "$WORK/bad.toml" --out "$WORK/study" --threads 1 >"$WORK/study.log" 2>&1 || code=$?
elapsed=$(($(date +%s) - start))
[[ $code -ne 124 ]] || fail "the ranks hung after an error on rank 1: $(cat "$WORK/study.log")"
[[ $code -eq 2 ]] || fail "exit code $code after an input error on rank 1, expected 2: $(cat "$WORK/study.log")"
((elapsed < 30)) || fail "took ${elapsed} s to end after an error on rank 1"
grep -q "bad.toml:3:1: error" "$WORK/study.log" || fail "rank 1's message is missing: $(cat "$WORK/study.log")"
[[ ! -e $WORK/study/summary.csv ]] || fail "a summary was written although rank 1 failed"

code=0
"${MPIRUN[@]}" -n 1 "$BUNGNER" -q validate --filter 'E25' --out "$WORK/val" --threads 1 : \
  -n 1 "$BUNGNER" -q validate --filter 'E25' --out "$WORK/val" --cases "$WORK/no-such-folder" --threads 1 >"$WORK/val.log" 2>&1 ||
  code=$?
[[ $code -ne 124 ]] || fail "validate hung after an error on rank 1: $(cat "$WORK/val.log")"
[[ $code -eq 2 ]] || fail "validate: exit code $code after an input error on rank 1, expected 2: $(cat "$WORK/val.log")"
[[ ! -e $WORK/val/scorecard.csv ]] || fail "a scorecard was written although rank 1 failed"
# `run` is one process: under two ranks it refuses (exit 2) instead of two copies writing one directory.
code=0
"${MPIRUN[@]}" -n 2 "$BUNGNER" -q run "$SCENARIO" --out "$WORK/run" --threads 1 >"$WORK/run.log" 2>&1 || code=$?
[[ $code -eq 2 ]] || fail "run under 2 ranks: exit code $code, expected 2: $(cat "$WORK/run.log")"
grep -q "a single run is one process, not 2 MPI ranks" "$WORK/run.log" || fail "no explanation: $(cat "$WORK/run.log")"
[[ ! -e $WORK/run/run.json ]] || fail "run under 2 ranks wrote a run"
echo "mpi_abort: ok"
