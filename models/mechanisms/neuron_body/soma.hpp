#pragma once
// The neuron body's state that neuron_body owns (issue 21) and what counting it reports: the soma
// size of each neuron, which shrinks while the neuron is axotomised and unconnected (chromatolysis
// and atrophy) and recovers once its axon has reconnected; and the bias that shrinkage gives a
// histological count of profiles in sections (Abercrombie 1946). Equations: README.md beside
// this file.
#include <cmath>

#include "bungner/model/state_layout.hpp"

namespace bungner::neuron_body {

/// Per neuron: soma cross-sectional area relative to the normal neuron's [1].
inline BlockHandle<double> soma_area(StateLayout& l) { return l.block<double>("neuron_body.soma_area", Extent::per_neuron, 1.0); }

/// Profiles that a neuron of relative soma area `area` leaves in sections of thickness
/// `thickness` relative to a normal neuron of diameter `diameter` (same unit): (T + D sqrt(a)) /
/// (T + D). A profile count is the sum of this over the surviving neurons; the Abercrombie
/// correction N = n T / (T + D) with the normal D assumes every neuron is normal-sized.
inline double profile_weight(double area, double thickness, double diameter) {
  return (thickness + diameter * std::sqrt(area)) / (thickness + diameter);
}

}  // namespace bungner::neuron_body
