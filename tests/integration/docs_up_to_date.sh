#!/usr/bin/env bash
# The generated reference docs must match what the binary declares (regenerate with `make docs`).
set -euo pipefail
bungner=$1
src=$2
status=0
check() {
  local file=$1
  shift
  if ! diff -u "$src/$file" <("$bungner" "$@") >/tmp/bungner-docs-diff.$$ 2>&1; then
    echo "$file is out of date; run 'make docs'. Difference:"
    head -40 /tmp/bungner-docs-diff.$$
    status=1
  fi
  rm -f /tmp/bungner-docs-diff.$$
}
check docs/parameters.md params --markdown
check docs/scenario-keys.md schema
check docs/scenario.schema.json schema --json
exit $status
