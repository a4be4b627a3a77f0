#!/usr/bin/env bash
# A study run on 1, 2 and 3 MPI ranks gives the same outputs as on one process with threads.
. "$(dirname "$0")/common.sh" "$@"
STUDY="$SRC/scenarios/studies/alcar-dose-response.toml"
command -v mpirun >/dev/null || fail "mpirun not found (scripts/install-deps installs openmpi-bin)"
"$BUNGNER" -q study "$STUDY" --out "$WORK/threads" --threads 2 || fail "threaded study failed"
for n in 1 2 3; do
  quiet=-q
  [[ $n -eq 2 ]] && quiet=""  # progress log lines on 2 ranks, checked below
  timeout 300 mpirun --allow-run-as-root --oversubscribe -n $n "$BUNGNER" $quiet study "$STUDY" --out "$WORK/ranks$n" \
    --threads 1 >"$WORK/ranks$n.log" 2>&1 || { cat "$WORK/ranks$n.log"; fail "study on $n ranks failed"; }
  for f in subjects.csv summary.csv comparisons.csv summary.json; do
    cmp -s "$WORK/threads/$f" "$WORK/ranks$n/$f" || fail "$f on $n ranks differs from the threaded run"
  done
  [[ $(ls "$WORK/ranks$n/subjects" | wc -l) -eq 24 ]] || fail "expected 24 subject checkpoints on $n ranks"
done
# Rank 0's progress counts every rank's subjects (the checkpoints in the shared directory), not
# only its own 12: it ends at 24/24.
grep "study: .*/.* subjects" "$WORK/ranks2.log" | tail -1 | grep -q "24/24 subjects" ||
  fail "progress on 2 ranks does not count both ranks' subjects: $(grep subjects "$WORK/ranks2.log")"
echo "study_mpi: ok"
