#!/usr/bin/env bash
# The dependency guard (scripts/check-deps, issue 28) passes on the real scripts/install-deps and
# fails, naming the package, on copies that leave one out: python3-scipy (physicell_export.sh and trial.sh import scipy;
# no other listed package depends on it, pandas only recommends it), chromium (the browser test's
# /usr/bin/chromium) and, once something is built, libspdlog-dev (the executables link libspdlog).
# Usage: check_deps_catches_missing.sh SOURCE_DIR
set -euo pipefail
SRC=${1:?usage: $0 SOURCE_DIR}
GUARD="$SRC/scripts/check-deps"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

code=0
"$GUARD" >"$WORK/real.log" 2>&1 || code=$?
[[ $code -ne 77 ]] || { cat "$WORK/real.log"; exit 77; }  # not Debian: nothing to check
[[ $code -eq 0 ]] || fail "the guard fails on the real scripts/install-deps (exit $code): $(cat "$WORK/real.log")"

# expect_caught PACKAGE NAMED TEXT...: without PACKAGE in the list, the guard exits 1 naming the
# Debian package NAMED (PACKAGE itself, or what PACKAGE depends on) and TEXT.
expect_caught() {
  local pkg=$1 named=$2 copy="$WORK/install-deps-without-$1" log="$WORK/without-$1.log"
  shift 2
  sed -E "s/(^|[[:space:]])$pkg([[:space:]]|$)/\1\2/" "$SRC/scripts/install-deps" >"$copy"
  grep -Eq "(^|[[:space:]])$pkg([[:space:]]|$)" "$SRC/scripts/install-deps" || fail "scripts/install-deps does not list $pkg"
  ! grep -Eq "(^|[[:space:]])$pkg([[:space:]]|$)" "$copy" || fail "could not remove $pkg from the copy"
  code=0
  "$GUARD" --install-deps "$copy" >"$log" 2>&1 || code=$?
  [[ $code -eq 1 ]] || fail "without $pkg the guard exited $code, expected 1: $(cat "$log")"
  for text in "provided by Debian package $named, which $copy does not install" "$@"; do
    grep -qF -- "$text" "$log" || fail "without $pkg the guard's message lacks '$text': $(cat "$log")"
  done
  echo "without $pkg: $(grep -F "$named" "$log" | head -n1)"
}

expect_caught python3-scipy python3-scipy "tests/integration/physicell_export.sh:" "imports scipy"
expect_caught chromium chromium "names /usr/bin/chromium"
if compgen -G "$SRC/build/bin/bungner" >/dev/null || compgen -G "$SRC/build/*/bin/bungner" >/dev/null; then
  expect_caught libspdlog-dev libspdlog1.10 "links libspdlog.so"
fi
echo "check_deps_catches_missing: ok"
