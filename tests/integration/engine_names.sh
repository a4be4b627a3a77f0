#!/usr/bin/env bash
# The engine names no content item (issue 20): the names of the items are the folders
# models/mechanisms/*, models/therapies/* and models/readouts/*; none may appear as a whole word
# (code, string or comment) in src/ or include/. Content is found through the registry that CMake
# generates in the build tree, which is why the engine never needs a name. Each hit is reported as
# FILE:LINE with the item it names; exit 1 if there is any, 0 if none.
# Usage: engine_names.sh SOURCE_DIR
set -euo pipefail
SRC=${1:?usage: $0 SOURCE_DIR}
cd "$SRC"

mapfile -t items < <(find models/mechanisms models/therapies models/readouts -mindepth 1 -maxdepth 1 -type d \
  -printf '%f\n' | sort)
((${#items[@]} > 0)) || {
  echo "engine_names: no content items found under $SRC/models" >&2
  exit 2
}

hits=0
for item in "${items[@]}"; do
  while IFS= read -r line; do
    file=${line%%:*}
    rest=${line#*:}
    echo "${file}:${rest%%:*}: names the content item '$item': ${rest#*:}"
    hits=$((hits + 1))
  done < <(grep -rnwF -- "$item" src include || true)
done

if ((hits > 0)); then
  echo "engine_names: $hits line(s) of src/ or include/ name a content item; the engine must reach" \
    "content only through the registry (reword comments generically, move names into models/)" >&2
  exit 1
fi
echo "engine_names: no content item's name in src/ or include/ (${#items[@]} items)"
