#pragma once
// Fibre types of motor neurons and the specific tension of a reinnervated muscle's fibres
// (muscle_target; equations in models/mechanisms/muscle_target/README.md).
#include <array>
#include <cstdint>

#include "bungner/core/random.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {

/// The type of a motor neuron, drawn once per neuron from the composition of the muscle it
/// supplies (purpose `muscle_target.motor_neuron_type`): a pure function of the subject's key and
/// the neuron id, so it needs no per-neuron storage and is the same whenever it is asked.
inline FibreType motor_neuron_type(const RandomKey& key, std::uint32_t neuron, const TargetSpec& muscle) {
  RandomStream stream(key, neuron, 0, purpose_id("muscle_target.motor_neuron_type"));
  const double u = stream.uniform();
  if (u < muscle.fibre_shares[0]) return FibreType::type_i;
  if (u < muscle.fibre_shares[0] + muscle.fibre_shares[1]) return FibreType::type_iia;
  return FibreType::type_iix;
}

/// Specific tension of fibres with the type counts `units` relative to fibres of the normal
/// composition `shares`, given the specific tension of each type: sum_k c_k s_k / sum_k f_k s_k.
/// 1 when no unit is counted (nothing innervated, so the factor does not matter).
inline double relative_specific_tension(const std::array<std::uint32_t, fibre_types>& units,
                                        const std::array<double, fibre_types>& shares,
                                        const std::array<double, fibre_types>& tension) {
  double total = 0, reinnervated = 0, normal = 0;
  for (std::size_t k = 0; k < fibre_types; ++k) {
    total += units[k];
    reinnervated += units[k] * tension[k];
    normal += shares[k] * tension[k];
  }
  if (total <= 0 || normal <= 0) return 1.0;
  return reinnervated / total / normal;
}

}  // namespace bungner
