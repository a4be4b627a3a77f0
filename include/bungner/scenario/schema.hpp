#pragma once
// A small schema language for TOML inputs: what keys a table may hold, their kinds, units,
// ranges and defaults. Validation collects every problem (with file:line:column and the full key
// path) and produces a resolved table with every default filled in.
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "bungner/core/errors.hpp"
#include "bungner/core/parameters.hpp"

namespace bungner::schema {

enum class Kind {
  quantity,  ///< "number unit" string with the dimension of `unit`
  number,    ///< plain number (dimensionless)
  integer,
  string,
  choice,  ///< one of `choices`
  boolean,
  quantity_list,  ///< array of quantities
  string_list,
  table,        ///< fixed keys: `children`
  table_map,    ///< user-named sub-tables, each following `children`
  table_array,  ///< [[array]] of tables; items validated by `item_schema`
  free_table,   ///< any keys; validated by `free_validator`
};

struct Field;
/// Returns the schema of one [[array]] item (for example by its `type` key), or reports why not.
using ItemSchema =
    std::function<const Field*(const toml::table& item, const std::string& path, std::vector<Diagnostic>& diagnostics)>;
using FreeValidator =
    std::function<void(const toml::table& table, const std::string& path, std::vector<Diagnostic>& diagnostics)>;

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

struct Field {
  std::string key;
  Kind kind = Kind::string;
  std::string doc;
  std::string unit;          ///< quantity kinds: the unit defaults and ranges are given in
  std::string default_text;  ///< TOML-free default: "0 mm", "none", "1"; empty with required
  bool required = false;
  Range hard{-unbounded, unbounded};       ///< in `unit`
  Range plausible{-unbounded, unbounded};  ///< in `unit`
  std::vector<std::string> choices;
  std::vector<Field> children;
  ItemSchema item_schema;
  FreeValidator free_validator;
  std::vector<std::string> default_list;  ///< list kinds
  /// When the key has no effect in a scenario: given the resolved scenario and the resolved table
  /// that holds the key (a therapy's item, say), the reason (empty: it has one). A key the user
  /// gives where it has none is warned about (`conditional_keys`, `warn_ineffective`).
  std::function<std::string(const toml::table& resolved, const toml::table& owner)> no_effect_when;
};

/// A key the user gave whose field may have no effect (Field::no_effect_when).
struct GivenKey {
  const Field* field = nullptr;
  std::string path;                ///< as diagnostics name it: "repair.conduit", "therapies[0].immunosuppression"
  std::vector<std::string> owner;  ///< keys from the root to the table holding it; "[i]" for an array item
  SourceLocation where;
};
/// The keys of `input` (as the user wrote it, before presets fill it) under tables and [[arrays]]
/// of tables (items by their `item_schema`) whose fields have a `no_effect_when`.
std::vector<GivenKey> conditional_keys(const toml::table& input, const Field& schema, const std::string& path = "",
                                       const std::vector<std::string>& owner = {});
/// A warning for each given key that has no effect in the resolved scenario.
void warn_ineffective(const std::vector<GivenKey>& given, const toml::table& resolved, std::vector<Diagnostic>& diagnostics);

/// Location of a TOML node, for diagnostics.
SourceLocation location_of(const toml::node& node);
SourceLocation location_of(const toml::key& key);

/// Validates `input` against the table schema `schema` (kind table). Appends problems to
/// `diagnostics` (errors and plausible-range warnings) and returns the resolved table.
toml::table validate(const toml::table& input, const Field& schema, const std::string& path,
                     std::vector<Diagnostic>& diagnostics);

/// Reads a validated quantity from a resolved table, converted to `unit`.
double quantity(const toml::table& table, std::string_view key, std::string_view unit);
/// Reads a validated string (or choice) from a resolved table.
std::string string(const toml::table& table, std::string_view key);
/// Reads a validated list of quantities in `unit`.
std::vector<double> quantity_list(const toml::table& table, std::string_view key, std::string_view unit);

/// Appends an error diagnostic.
void error(std::vector<Diagnostic>& diagnostics, SourceLocation where, std::string key, std::string message);
/// Parses a TOML input file (case, calibration record, calibration file); a syntax error is an
/// InputError at its file:line:column.
toml::table parse_file(const std::string& file);
/// Every key of `table` not in `allowed` is an error at the key (`prefix` + key), with a "did you
/// mean" when one is close: for the small fixed tables that have no schema::Field.
void check_keys(const toml::table& table, const std::string& file, const std::string& prefix,
                const std::vector<std::string>& allowed, std::vector<Diagnostic>& diagnostics);
void warning(std::vector<Diagnostic>& diagnostics, SourceLocation where, std::string key, std::string message);

/// Documents a schema as Markdown (for docs/scenario.md and `bungner schema`).
std::string to_markdown(const Field& schema, const std::string& prefix = "");

}  // namespace bungner::schema
