# Shared preamble of the command-line tests: sourced as `. "$(dirname "$0")/common.sh" "$@"`.
# Sets BUNGNER (the binary), SRC (the source tree), WORK (a temporary directory removed on exit),
# SCENARIO (the default scenario) and fail().
set -euo pipefail
BUNGNER=${1:?usage: $0 BUNGNER SOURCE_DIR}
SRC=${2:?usage: $0 BUNGNER SOURCE_DIR}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

SCENARIO="$SRC/scenarios/rat-sciatic-crush.toml"
[[ -f $SCENARIO ]] || fail "missing $SCENARIO"

# expect_exit CODE STDERR_FILE COMMAND...: runs COMMAND, which must exit with CODE; its standard
# error goes to STDERR_FILE.
expect_exit() {
  local want=$1 err=$2 code=0
  shift 2
  "$@" 2>"$err" || code=$?
  [[ $code -eq $want ]] || fail "$* exited $code, expected $want: $(cat "$err")"
}
