#include "bungner/model/registry.hpp"

#include <algorithm>

#include <stdexcept>

#include "bungner/core/text.hpp"

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

std::vector<std::string> Registry::readouts_observing(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& r : readouts_)
    for (const auto& pattern : r.observations)
      if (text::glob_match(pattern, name)) {
        out.push_back(r.name);
        break;
      }
  return out;
}

std::vector<std::string> Registry::headline_observations() const {
  std::vector<Headline> all;
  for (const auto& r : readouts_) all.insert(all.end(), r.headline.begin(), r.headline.end());
  std::stable_sort(all.begin(), all.end(), [](const Headline& a, const Headline& b) { return a.place < b.place; });
  std::vector<std::string> out;
  for (const auto& h : all) out.push_back(h.name);
  return out;
}

}  // namespace bungner
