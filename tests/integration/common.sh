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
