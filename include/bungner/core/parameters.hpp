#pragma once
// The parameter registry: every model parameter is declared once, with its unit, default, hard
// and plausible ranges, species, meaning and source. Values are kept in the declared unit.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bungner/core/errors.hpp"

namespace bungner {

struct Range {
  double low = 0.0;
  double high = 0.0;
  bool contains(double v) const { return v >= low && v <= high; }
};

/// One declared model parameter. Numbers are in `unit`.
struct ParameterSpec {
  std::string name;  ///< "<mechanism>.<parameter>", snake_case
  std::string unit;  ///< display and storage unit, e.g. "mm/day"; "1" for dimensionless
  double default_value = 0;
  Range hard;               ///< outside: the input is an error
  Range plausible;          ///< outside: a warning recorded in provenance
  std::string species;      ///< the species the default is for ("rat", "all", ...)
  std::string meaning;      ///< one line
  std::string source;       ///< DOI / PMID / PMC reference, or starts with "assumption"
  std::string calibration;  ///< evidence ids the value was taken from or fitted to (e.g. "E01"); docs/calibration.md says which
  /// Between-subject variability: when set, this parameter is the coefficient of variation (unit
  /// "1") of the named parameter over subjects. Studies, validation and trials draw that parameter
  /// per subject, lognormal around the value the arm resolves, unless the study says otherwise
  /// (docs/studies.md). Species presets override the CV like any other value.
  std::string varies;
};

/// True when a source string names a DOI, PMID, PMC id or ISBN, or says "assumption".
bool is_acceptable_source(std::string_view source);

/// All parameter declarations, in declaration order. Built once from the content registry.
class ParameterRegistry {
 public:
  /// Adds a declaration; throws std::logic_error on a duplicate name, a bad unit, a missing
  /// source, or a default outside the hard range (programming errors, caught by tests).
  void declare(ParameterSpec spec);
  const ParameterSpec* find(std::string_view name) const;
  const std::vector<ParameterSpec>& all() const { return specs_; }
  std::vector<std::string> names() const;

 private:
  std::vector<ParameterSpec> specs_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

/// Where a resolved value came from.
struct ParameterValue {
  double value = 0;    ///< in the spec's unit
  std::string source;  ///< citation for this value
  std::string origin;  ///< "default", "preset FILE:LINE", "scenario FILE:LINE", "--set"
};

/// The resolved parameter values of one Model.
class ParameterSet {
 public:
  explicit ParameterSet(const ParameterRegistry& registry);
  /// Value in the declared unit.
  double get(std::string_view name) const;
  /// Value converted to `unit` (which must have the declared unit's dimension).
  double in(std::string_view name, std::string_view unit) const;
  const ParameterValue& value(std::string_view name) const;
  const ParameterSpec& spec(std::string_view name) const;
  /// Sets a value given in the declared unit (range checks belong to the scenario loader, which
  /// knows where the value was written).
  void set(std::string_view name, double value, std::string source, std::string origin);
  const std::vector<ParameterSpec>& specs() const { return registry_->all(); }

 private:
  const ParameterRegistry* registry_;
  std::map<std::string, ParameterValue, std::less<>> values_;
};

}  // namespace bungner
