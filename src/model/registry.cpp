#include "bungner/model/registry.hpp"

#include <stdexcept>

namespace bungner {

void Registry::add(MechanismEntry entry) {
  if (entry.declare_parameters) entry.declare_parameters(parameters_);
  mechanisms_.push_back(std::move(entry));
}

void Registry::add(TherapyEntry entry) {
  if (therapy(entry.name) != nullptr) throw std::logic_error("therapy registered twice: " + entry.name);
  if (entry.declare_parameters) entry.declare_parameters(parameters_);
  therapies_.push_back(std::move(entry));
}

void Registry::add(ReadoutEntry entry) {
  if (entry.declare_parameters) entry.declare_parameters(parameters_);
  readouts_.push_back(std::move(entry));
}

const TherapyEntry* Registry::therapy(std::string_view name) const {
  for (const auto& t : therapies_)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace bungner
