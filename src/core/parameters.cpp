#include "bungner/core/parameters.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "bungner/core/units.hpp"

namespace bungner {

bool is_acceptable_source(std::string_view source) {
  for (std::string_view marker : {"PMID", "doi:", "10.", "PMC", "ISBN", "assumption"}) {
    if (source.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

void ParameterRegistry::declare(ParameterSpec spec) {
  if (index_.contains(spec.name)) throw std::logic_error("parameter declared twice: " + spec.name);
  if (spec.name.find('.') == std::string::npos) throw std::logic_error("parameter name must be <mechanism>.<name>: " + spec.name);
  (void)units::parse_unit(spec.unit);  // throws on a unit the table does not know
  if (!is_acceptable_source(spec.source))
    throw std::logic_error("parameter " + spec.name + " has no DOI/PMID source and is not marked 'assumption'");
  if (spec.meaning.empty()) throw std::logic_error("parameter " + spec.name + " has no meaning");
  if (!spec.hard.contains(spec.default_value) || !spec.hard.contains(spec.plausible.low) ||
      !spec.hard.contains(spec.plausible.high))
    throw std::logic_error("parameter " + spec.name + ": default or plausible range outside the hard range");
  if (!spec.varies.empty() && spec.unit != "1")
    throw std::logic_error("parameter " + spec.name + ": a between-subject CV has unit \"1\"");
  index_.emplace(spec.name, specs_.size());
  specs_.push_back(std::move(spec));
}

void ParameterRegistry::declare_varying(ParameterSpec parameter, SubjectVariability variability) {
  const std::string name = parameter.name;
  declare(std::move(parameter));
  declare({.name = name + "_between_subject_cv",
           .unit = "1",
           .default_value = variability.cv,
           .hard = {0, 2},
           .plausible = variability.plausible,
           .species = std::move(variability.species),
           .meaning = variability.meaning.empty() ? "between-subject CV of " + name + " (lognormal draw per subject in studies)"
                                                  : std::move(variability.meaning),
           .source = std::move(variability.source),
           .calibration = std::move(variability.calibration),
           .varies = name});
}

const ParameterSpec* ParameterRegistry::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &specs_[it->second];
}

std::vector<std::string> ParameterRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(specs_.size());
  for (const auto& s : specs_) out.push_back(s.name);
  return out;
}

// A subject's parameters are copied from its arm's while other threads may be reading (and so
// marking) the arm's: the flag is copied atomically too.
ParameterSet::Entry::Entry(const Entry& other)
    : value(other.value), read(std::atomic_ref<unsigned char>(other.read).load(std::memory_order_relaxed)) {}

ParameterSet::Entry& ParameterSet::Entry::operator=(const Entry& other) {
  value = other.value;
  read = std::atomic_ref<unsigned char>(other.read).load(std::memory_order_relaxed);
  return *this;
}

ParameterSet::ParameterSet(const ParameterRegistry& registry) : registry_(&registry) {
  for (const auto& spec : registry.all()) {
    values_.emplace(spec.name, Entry{ParameterValue{spec.default_value, spec.source, "default"}});
  }
}

const ParameterValue& ParameterSet::value(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range(fmt::format("no parameter named '{}'", name));
  return it->second.value;
}

const ParameterSpec& ParameterSet::spec(std::string_view name) const {
  const ParameterSpec* s = registry_->find(name);
  if (s == nullptr) throw std::out_of_range(fmt::format("no parameter named '{}'", name));
  return *s;
}

double ParameterSet::get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range(fmt::format("no parameter named '{}'", name));
  std::atomic_ref<unsigned char>(it->second.read).store(1, std::memory_order_relaxed);
  return it->second.value.value;
}

double ParameterSet::in(std::string_view name, std::string_view unit) const {
  const ParameterSpec& s = spec(name);
  return units::from_si(units::to_si(get(name), s.unit), unit);
}

void ParameterSet::set(std::string_view name, double v, std::string source, std::string origin) {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range(fmt::format("no parameter named '{}'", name));
  it->second.value = ParameterValue{v, std::move(source), std::move(origin)};
}

std::vector<std::string> ParameterSet::read_names() const {
  std::vector<std::string> out;
  for (const auto& spec : registry_->all())
    if (std::atomic_ref<unsigned char>(values_.find(spec.name)->second.read).load(std::memory_order_relaxed) != 0)
      out.push_back(spec.name);
  return out;
}

}  // namespace bungner
