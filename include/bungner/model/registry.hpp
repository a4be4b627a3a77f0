#pragma once
// The content registry: mechanisms, therapies and readouts, each registered by one function
// that a CMake line adds to the generated make_builtin_registry().
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bungner/core/parameters.hpp"
#include "bungner/model/process.hpp"
#include "bungner/scenario/schema.hpp"
#include "bungner/site/site.hpp"

namespace bungner {

class ModelSpec;

/// What a factory sees: the finished spec of the scenario (stage 1 of compiling; the Model is
/// stage 2, built from what the factories return) and the resolved parameters.
struct CompileContext {
  const ModelSpec& spec;
  const ParameterSet& parameters;
};

/// What content adds to the 3D injury site before its layout is built (stage 1): the substrates
/// it owns with their transport constants, the cell kinds it owns with their named variables, and
/// the geometry its parameters give. The engine fills the geometry the scenario gives first.
class SiteDeclaration {
 public:
  SiteDeclaration(const ModelSpec& scenario_spec, site::LayoutSpec& layout_spec, const ParameterSet& parameters,
                  std::vector<std::string>& parameters_read)
      : spec(scenario_spec), layout(layout_spec), parameters_(parameters), read_(parameters_read) {}

  /// A parameter's value in its declared unit, or in `unit`. Recorded: a subject whose
  /// parameters change it gets a layout of its own.
  double parameter(const std::string& name) const {
    read_.push_back(name);
    return parameters_.get(name);
  }
  double parameter(const std::string& name, std::string_view unit) const {
    read_.push_back(name);
    return parameters_.in(name, unit);
  }

  const ModelSpec& spec;     ///< the scenario's injury, repair and anatomy (the site not yet set)
  site::LayoutSpec& layout;  ///< what the site is built from

 private:
  const ParameterSet& parameters_;
  std::vector<std::string>& read_;
};

struct MechanismEntry {
  std::string name;
  std::string summary;
  std::function<void(ParameterRegistry&)> declare_parameters;
  /// Returns null when the scenario does not need this mechanism.
  std::function<std::unique_ptr<Process>(const CompileContext&)> create;
  /// Optional: what it adds to a 3D injury site (called, in registration order, for every
  /// scenario whose site is in 3D).
  std::function<void(SiteDeclaration&)> declare_site;
};

/// A problem a therapy finds with one of its items in the context of the whole scenario: the key
/// of the item it concerns (empty: the item as a whole) and the message.
struct TherapyProblem {
  std::string key;
  std::string message;
};

struct TherapyEntry {
  std::string name;
  std::string summary;
  std::function<void(ParameterRegistry&)> declare_parameters;
  schema::Field schema;  ///< keys of one [[therapies]] table (besides `type`)
  std::function<std::unique_ptr<Process>(const CompileContext&, const toml::table& item)> create;
  /// Optional cross-field rules (impossible combinations), given the resolved item and the
  /// resolved scenario; each problem is reported at the item's key as file:line:column.
  std::function<std::vector<TherapyProblem>(const toml::table& item, const toml::table& scenario)> check;
  /// Optional: what it adds to a 3D injury site (called once, after the mechanisms', when the
  /// scenario has an item of this therapy).
  std::function<void(SiteDeclaration&)> declare_site;
};

/// An observation that `bungner run` and `bungner study` show in their closing table: a name, or
/// a prefix ending in '.' (one row per target), and its place in that table (ascending).
struct Headline {
  int place = 0;
  std::string name;
};

struct ReadoutEntry {
  std::string name;
  std::string summary;
  std::function<void(ParameterRegistry&)> declare_parameters;  ///< observation-model constants
  std::function<std::unique_ptr<Readout>(const CompileContext&)> create;
  /// Names of the observations it can give, in any model: globs, `*` standing for a target's name
  /// (or a graft's number). `readouts.include` accepts them for the module; a test checks that
  /// every observation a compiled model gives matches one.
  std::vector<std::string> observations;
  /// What of it the closing tables show (most readouts: nothing).
  std::vector<Headline> headline;
};

class Registry {
 public:
  void add(MechanismEntry entry);
  void add(TherapyEntry entry);
  void add(ReadoutEntry entry);
  const std::vector<MechanismEntry>& mechanisms() const { return mechanisms_; }
  const std::vector<TherapyEntry>& therapies() const { return therapies_; }
  const std::vector<ReadoutEntry>& readouts() const { return readouts_; }
  const TherapyEntry* therapy(std::string_view name) const;
  /// The readout modules that can give observation `name` (ReadoutEntry::observations).
  std::vector<std::string> readouts_observing(std::string_view name) const;
  /// Every readout's headline observations, ordered by their place (Headline).
  std::vector<std::string> headline_observations() const;
  /// Every parameter declared by every registered item, in registration order.
  const ParameterRegistry& parameters() const { return parameters_; }

 private:
  std::vector<MechanismEntry> mechanisms_;
  std::vector<TherapyEntry> therapies_;
  std::vector<ReadoutEntry> readouts_;
  ParameterRegistry parameters_;
};

/// The registry of everything compiled into this build (generated by CMake).
Registry make_builtin_registry();

}  // namespace bungner
