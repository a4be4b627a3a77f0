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

# Exceptions, as "FILE ITEM": the 3D injury site still names its own mechanism's parameters
# (injury_site.* in compile_site) and the kind of cell a cell therapy seeds. They are being
# refactored away; this list must become empty. Add nothing here: move the name into content.
exceptions=(
  "include/bungner/site/site.hpp msc"
  "src/site/site.cpp msc"
  "src/model/model.cpp injury_site"
)

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
    excepted=0
    for e in "${exceptions[@]}"; do [[ $e == "$file $item" ]] && excepted=1; done
    ((excepted)) && continue
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
echo "engine_names: no content item's name in src/ or include/ (${#items[@]} items," \
  "${#exceptions[@]} exception(s) left for the site refactor)"
