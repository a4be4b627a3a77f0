#!/usr/bin/env bash
# Output directory rules: a previous run is never replaced without --force; a directory holding
# files bungner did not write is refused even with --force; an unwritable location is an error
# (exit 2 or 3) that leaves no output file.
# Usage: output_directory_rules.sh BUNGNER SOURCE_DIR
. "$(dirname "$0")/common.sh" "$@"
# Read-only directories made below must be writable again for the clean-up.
trap 'chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT
OUTPUTS=(timeseries.csv readouts.csv run.json report.html)

# try EXPECTED_CODES LOG ARGS...: runs bungner -q run SCENARIO ARGS, requires one of the codes.
# One thread: the thread count does not matter here, and extra threads are slow on a busy machine.
try() {
  local expected=$1 log=$2
  shift 2
  local rc=0
  "$BUNGNER" -q run "$SCENARIO" --threads 1 "$@" >"$log" 2>&1 || rc=$?
  [[ " $expected " == *" $rc "* ]] ||
    fail "bungner run $SCENARIO $*: expected exit code ${expected// / or }, got $rc:"$'\n'"$(cat "$log")"
}
# Checksums of every file in a directory (names included), for before/after comparisons.
checksums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }

# --- A second run into the same directory needs --force. ---------------------------------------
OUT="$WORK/out"
try 0 "$WORK/first.log" --out "$OUT"
for f in "${OUTPUTS[@]}"; do [[ -s $OUT/$f ]] || fail "first run did not write $f"; done
before=$(checksums "$OUT")
sleep 1.1 # so that a rewritten run.json would differ in its timestamps
try 2 "$WORK/second.log" --out "$OUT"
grep -q -e '--force' "$WORK/second.log" || fail "refusal without --force does not mention --force:"$'\n'"$(cat "$WORK/second.log")"
[[ $(checksums "$OUT") == "$before" ]] || fail "a refused run (no --force) changed the first run's outputs"

try 0 "$WORK/forced.log" --out "$OUT" --force
for f in "${OUTPUTS[@]}"; do [[ -s $OUT/$f ]] || fail "--force run did not write $f"; done
[[ $(ls -A "$OUT" | wc -l) == 4 ]] || fail "--force run left other files: $(ls -A "$OUT")"
[[ $(checksums "$OUT") != "$before" ]] || fail "--force run did not replace run.json (identical checksums)"

# --- A directory with a foreign file is refused, even with --force. ---------------------------
FOREIGN="$WORK/foreign"
mkdir -p "$FOREIGN"
echo "my notes, not bungner's" >"$FOREIGN/notes.txt"
try 2 "$WORK/foreign-empty.log" --out "$FOREIGN" --force
[[ $(cat "$FOREIGN/notes.txt") == "my notes, not bungner's" ]] || fail "notes.txt was changed or removed"
[[ $(ls -A "$FOREIGN") == notes.txt ]] || fail "a refused run wrote into $FOREIGN: $(ls -A "$FOREIGN")"
grep -q notes.txt "$WORK/foreign-empty.log" || fail "refusal does not name the foreign file:"$'\n'"$(cat "$WORK/foreign-empty.log")"

# The same beside a previous run: nothing of the run is removed either.
cp "$OUT"/* "$FOREIGN"/
before=$(checksums "$FOREIGN")
try 2 "$WORK/foreign-run.log" --out "$FOREIGN" --force
[[ $(checksums "$FOREIGN") == "$before" ]] || fail "a run refused for a foreign file changed the directory's files"
try 2 "$WORK/foreign-run-noforce.log" --out "$FOREIGN"
[[ $(checksums "$FOREIGN") == "$before" ]] || fail "a run refused (no --force) changed a directory with a foreign file"

# --- Unwritable output locations. ------------------------------------------------------------
# A regular file where the directory should be, and a path below a regular file: even root
# cannot write there.
echo "a file" >"$WORK/plainfile"
try "2 3" "$WORK/plainfile.log" --out "$WORK/plainfile"
[[ $(cat "$WORK/plainfile") == "a file" ]] || fail "--out naming a regular file changed that file"
try "2 3" "$WORK/underfile.log" --out "$WORK/plainfile/sub"
[[ ! -e $WORK/plainfile/sub ]] || fail "--out under a regular file created something"
# /proc does not accept new directories.
if [[ -d /proc && ! -e /proc/bungner-test ]]; then
  try "2 3" "$WORK/proc.log" --out /proc/bungner-test
  [[ ! -e /proc/bungner-test ]] || fail "--out /proc/bungner-test created it"
fi
# A read-only directory (meaningless for root, who ignores permissions).
if [[ $(id -u) != 0 ]]; then
  mkdir -p "$WORK/readonly"
  chmod 555 "$WORK/readonly"
  try "2 3" "$WORK/readonly.log" --out "$WORK/readonly/out"
  [[ ! -e $WORK/readonly/out ]] || fail "--out under a read-only directory created it"
  mkdir -p "$WORK/readonly2"
  chmod 555 "$WORK/readonly2"
  try "2 3" "$WORK/readonly2.log" --out "$WORK/readonly2"
  [[ -z $(ls -A "$WORK/readonly2") ]] || fail "a run into a read-only directory left files: $(ls -A "$WORK/readonly2")"
else
  echo "note: running as root; read-only directory cases skipped"
fi

echo "PASS: output directory rules hold"
