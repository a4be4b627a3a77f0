#pragma once
// The axons that have entered the distal nerve and, of them, those on a pathway of their own
// kind and target, per kind: what pathway_accuracy reports and the walking track's motor control
// uses (models/readouts/walking_track).
#include <array>
#include <cstddef>

#include "bungner/model/state.hpp"

namespace bungner::pathway {

struct Counts {
  std::array<std::size_t, 2> entered{}, correct{};  ///< [0] motor, [1] sensory
};

/// Counts of the neurons for which keep(i) holds.
template <typename Keep>
Counts count(const NeuronPopulation& n, Keep keep) {
  Counts c;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!keep(i) || !n.alive[i] || (n.status[i] != AxonStatus::growing && n.status[i] != AxonStatus::arrived)) continue;
    const std::size_t k = n.kind[i] == NeuronKind::motor ? 0 : 1;
    ++c.entered[k];
    if (n.connection[i] != Connection::misdirected) ++c.correct[k];
  }
  return c;
}

inline Counts count(const NeuronPopulation& n) {
  return count(n, [](std::size_t) { return true; });
}

}  // namespace bungner::pathway
