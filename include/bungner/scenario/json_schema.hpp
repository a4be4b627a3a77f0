#pragma once
// The scenario language as a JSON Schema (draft 2020-12), generated from the same schema and
// registry that validate scenarios, so that editors which read JSON Schema for TOML (Taplo, the
// "Even Better TOML" extension) complete keys, show their documentation and flag unknown keys,
// wrong kinds and out-of-range numbers as one types. `bungner schema --json` prints it.
#include <string>

#include "bungner/model/registry.hpp"

namespace bungner::schema {

/// The JSON Schema of a scenario file: the core keys, every therapy (by its `type`) and every
/// model parameter under [parameters], as pretty-printed JSON.
std::string scenario_json_schema(const Registry& registry);

/// The JSON Schema of another input file whose keys a schema table describes (a study file), with
/// its title.
std::string table_json_schema(const Field& table, const Registry& registry, const std::string& title);

}  // namespace bungner::schema
