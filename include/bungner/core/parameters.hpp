#pragma once
// The parameter registry: every model parameter is declared once, with its unit, default, hard
// and plausible ranges, species, meaning and source. Values are kept in the declared unit.
#include <map>
#include <string>
#include <string_view>
#include <utility>
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
  /// A numerical or representational setting, or part of a readout's definition (time steps,
  /// cells per agent, a histological section, grade thresholds, a therapy's validity window): not
  /// a property of the biology, so parameter uncertainty never draws it (docs/uncertainty.md).
  bool numerical = false;
};

/// How much a parameter varies between subjects: the declaration of its coefficient of variation
/// (ParameterSpec::varies), less what ParameterRegistry::declare_varying fills in.
struct SubjectVariability {
  double cv = 0;        ///< default coefficient of variation [1]
  Range plausible;      ///< plausible CVs
  std::string species;  ///< the species the default CV is for
  /// One line; empty: "between-subject CV of <parameter> (lognormal draw per subject in studies)".
  std::string meaning;
  std::string source;       ///< DOI / PMID / PMC reference, or starts with "assumption"
  std::string calibration;  ///< evidence ids the CV was taken from or fitted to
};

/// True when a source string names a DOI, PMID, PMC id or ISBN, or says "assumption".
bool is_acceptable_source(std::string_view source);

/// All parameter declarations, in declaration order. Built once from the content registry.
class ParameterRegistry {
 public:
  /// Adds a declaration; throws std::logic_error on a duplicate name, a bad unit, a missing
  /// source, or a default outside the hard range (programming errors, caught by tests).
  void declare(ParameterSpec spec);
  /// Declares a parameter that varies between subjects and, right after it, its CV: named
  /// `<parameter>_between_subject_cv`, unit 1, hard range 0..2, `varies` the parameter. Every item
  /// declares its subject factors through this one place, so that the CV's name, unit and range,
  /// which studies rely on (docs/studies.md), cannot drift between copies.
  void declare_varying(ParameterSpec parameter, SubjectVariability variability);
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
  /// Names of the parameters whose value was asked for (get/in) since construction or copy, in
  /// declaration order: what a model actually uses, for the species check (Model::warnings).
  /// Reading may happen on several threads at once; marking is an atomic store of one byte.
  std::vector<std::string> read_names() const;

 private:
  struct Entry {
    ParameterValue value;
    mutable unsigned char read = 0;  ///< set and copied through std::atomic_ref, never cleared
    explicit Entry(ParameterValue v) : value(std::move(v)) {}
    Entry(const Entry& other);
    Entry& operator=(const Entry& other);
  };
  const ParameterRegistry* registry_;
  std::map<std::string, Entry, std::less<>> values_;
};

}  // namespace bungner
