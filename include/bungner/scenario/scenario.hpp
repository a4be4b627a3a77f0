#pragma once
// Scenario files: loading, validation against the schema (core + registered therapies), merging
// with the species/nerve preset, and command-line overrides.
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "bungner/core/errors.hpp"
#include "bungner/model/registry.hpp"

namespace bungner {

/// A `--set key=value` override from the command line.
struct Override {
  std::string key;
  std::string value;
};
/// Parses "key=value"; throws InputError when there is no '='.
Override parse_override(std::string_view text);

/// A parameter value from a preset or a scenario, with its citation and where it was written.
struct ParameterAssignment {
  std::string name;
  double value = 0;  ///< in the parameter's declared unit
  std::string source;
  std::string origin;
};

/// A validated scenario. `resolved` has every default filled in, the preset merged, and the
/// complete parameter table; it is what `print-config` shows and what the SHA-256 covers.
struct Scenario {
  std::string path;
  std::string preset_path;
  toml::table resolved;
  std::vector<ParameterAssignment> assignments;      ///< preset first, then scenario
  std::map<std::string, std::string> value_sources;  ///< anatomy/target key -> citation
  std::vector<Diagnostic> warnings;

  /// The resolved scenario as TOML text (stable order), the input of the SHA-256.
  std::string canonical_toml() const;
  std::string sha256() const;
};

/// Directory with presets and other data: $BUNGNER_DATA_DIR or the source tree's data/.
std::string data_directory();

/// Loads, merges and validates. Throws InputError with every problem found.
Scenario load_scenario(const std::string& path, const Registry& registry, const std::vector<Override>& overrides = {});
/// Same, from text (tests); `name` stands in for the file name in diagnostics.
Scenario load_scenario_text(std::string_view text, const std::string& name, const Registry& registry,
                            const std::vector<Override>& overrides = {});

/// The core scenario schema (without the therapies' own keys), for docs.
const schema::Field& core_schema();

}  // namespace bungner
