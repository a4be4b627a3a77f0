#!/usr/bin/env bash
# A study run as a job array of 4 shards (`study --shard K/4`) and merged with `gather` gives the
# same outputs as the study run at once (issue 24); gather refuses a missing or repeated shard, a
# shard of another study and an unfinished shard, and writes nothing then.
. "$(dirname "$0")/common.sh" "$@"
STUDY="$SRC/scenarios/studies/alcar-dose-response.toml"
"$BUNGNER" -q study "$STUDY" --out "$WORK/once" --threads 2 || fail "study failed"
for k in 0 1 2 3; do
  "$BUNGNER" -q study "$STUDY" --shard "$k/4" --out "$WORK/s$k" --threads 1 || fail "shard $k/4 failed"
  [[ ! -e $WORK/s$k/summary.csv ]] || fail "a shard wrote a summary"
done
# 24 subjects over 4 shards: 6 each.
for k in 0 1 2 3; do [[ $(ls "$WORK/s$k/subjects" | wc -l) -eq 6 ]] || fail "shard $k holds $(ls "$WORK/s$k/subjects" | wc -l) subjects, not 6"; done
# A shard may itself run on several MPI ranks: the same subjects.
if command -v mpirun >/dev/null; then
  timeout 300 mpirun --allow-run-as-root --oversubscribe -n 2 "$BUNGNER" -q study "$STUDY" --shard 1/4 --out "$WORK/mpi1" \
    --threads 1 >"$WORK/mpi.log" 2>&1 || { cat "$WORK/mpi.log"; fail "shard 1/4 on 2 ranks failed"; }
  diff -r "$WORK/s1/subjects" "$WORK/mpi1/subjects" >/dev/null || fail "shard 1/4 on 2 ranks saved other subjects"
fi
"$BUNGNER" -q gather "$WORK/s2" "$WORK/s0" "$WORK/s3" "$WORK/s1" --out "$WORK/gathered" || fail "gather failed"
for f in subjects.csv summary.csv comparisons.csv summary.json; do
  cmp -s "$WORK/once/$f" "$WORK/gathered/$f" || fail "$f of the gathered shards differs from the study run at once"
done
[[ -f $WORK/gathered/report.html ]] || fail "no report for the gathered study"

expect_exit 2 "$WORK/err" "$BUNGNER" -q gather "$WORK/s0" "$WORK/s1" "$WORK/s3" --out "$WORK/partial"
grep -q "shards missing: 2/4" "$WORK/err" || fail "a missing shard is not named: $(cat "$WORK/err")"
expect_exit 2 "$WORK/err" "$BUNGNER" -q gather "$WORK/s0" "$WORK/s1" "$WORK/s2" "$WORK/s3" "$WORK/s1" --out "$WORK/twice"
grep -q "shard 1 given twice" "$WORK/err" || fail "a repeated shard is not refused: $(cat "$WORK/err")"
expect_exit 2 "$WORK/err" "$BUNGNER" -q gather "$WORK/once" --out "$WORK/notshard"
grep -q "not a shard" "$WORK/err" || fail "a whole study taken as a shard: $(cat "$WORK/err")"
# A shard resumes as itself, not as another shard.
expect_exit 2 "$WORK/err" "$BUNGNER" -q study "$STUDY" --shard 1/4 --resume "$WORK/s3"
grep -q "shard 3/4" "$WORK/err" || fail "resuming shard 3 as shard 1 is not refused: $(cat "$WORK/err")"
"$BUNGNER" study "$STUDY" --shard 3/4 --resume "$WORK/s3" >"$WORK/resume.log" 2>&1 || fail "shard 3/4 does not resume"
grep -q "0 subjects computed, 6 resumed" "$WORK/resume.log" || fail "a finished shard recomputed subjects: $(cat "$WORK/resume.log")"
rm "$WORK/s3/subjects/$(ls "$WORK/s3/subjects" | head -1)"
expect_exit 2 "$WORK/err" "$BUNGNER" -q gather "$WORK/s0" "$WORK/s1" "$WORK/s2" "$WORK/s3" --out "$WORK/unfinished"
grep -q "unfinished" "$WORK/err" || fail "an unfinished shard is not refused: $(cat "$WORK/err")"
for d in partial twice notshard unfinished; do [[ ! -e $WORK/$d ]] || fail "gather wrote $d after refusing"; done
# A shard of another study, the merged study written into a shard, and shards sharing the default
# output directory are refused too.
OTHER="$WORK/other.toml"
sed 's/^seed = .*/seed = 99/' "$STUDY" >"$OTHER"
grep -q "^seed = 99" "$OTHER" || printf 'seed = 99\n%s\n' "$(cat "$STUDY")" >"$OTHER"
sed -i "s|^base = \"\(\.\./\)\?|base = \"$(dirname "$STUDY")/\1|" "$OTHER"
"$BUNGNER" -q study "$OTHER" --shard 2/4 --out "$WORK/foreign" --threads 1 || fail "the other study's shard failed"
expect_exit 2 "$WORK/err" "$BUNGNER" -q gather "$WORK/s0" "$WORK/s1" "$WORK/foreign" "$WORK/s3" --study "$STUDY" --out "$WORK/mixed"
grep -q "another study" "$WORK/err" || fail "a shard of another study is not refused: $(cat "$WORK/err")"
expect_exit 2 "$WORK/err" "$BUNGNER" -q gather "$WORK/s0" "$WORK/s1" "$WORK/s2" "$WORK/s3" --out "$WORK/s0" --force
grep -q "into a shard" "$WORK/err" || fail "gather into a shard's directory is not refused: $(cat "$WORK/err")"
[[ $(ls "$WORK/s0/subjects" | wc -l) -eq 6 ]] || fail "the refused gather touched shard 0"
expect_exit 2 "$WORK/err" "$BUNGNER" -q study "$STUDY" --shard 0/4
grep -q "own --out" "$WORK/err" || fail "--shard without --out is not refused: $(cat "$WORK/err")"
for d in mixed; do [[ ! -e $WORK/$d ]] || fail "gather wrote $d after refusing"; done
expect_exit 2 "$WORK/err" "$BUNGNER" -q study "$STUDY" --shard 4/4 --out "$WORK/bad"
grep -q "K/N" "$WORK/err" || fail "--shard 4/4 is not refused: $(cat "$WORK/err")"
echo "study_shards: ok"
