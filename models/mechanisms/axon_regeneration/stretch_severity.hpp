// How a stretch's strain divides the axons among four fates (README.md beside this file,
// "Stretch severity"): spared, conduction block only (ischaemic, gone within hours), axonotmesis
// with the endoneurial tube kept (Sunderland II), or torn with the tube past the nerve's mechanical
// failure, crossed late and staggered like a suture line. The nerve stays in continuity.
#pragma once

#include <algorithm>
#include <numbers>

#include "crush_severity.hpp"

namespace bungner::stretch_severity {

/// Strain of a nerve of diameter d pulled along its axis by a force F: F / (E pi d^2 / 4), with E
/// the tensile modulus of its linear region.
inline double strain_of_force(double force_n, double nerve_diameter_m, double tensile_modulus_pa) {
  return force_n / (tensile_modulus_pa * std::numbers::pi * nerve_diameter_m * nerve_diameter_m / 4.0);
}

/// Shares of all axons at each threshold, nested: torn within cut within blocked.
struct Fates {
  double blocked = 0;
  double cut = 0;
  double torn = 0;
};

inline Fates fates(double strain, double block_strain, double axonotmesis_strain, double failure_strain, double hill) {
  const double cut = crush_severity::share_above(strain, axonotmesis_strain, hill);
  return {std::max(cut, crush_severity::share_above(strain, block_strain, hill)), cut,
          std::min(cut, crush_severity::share_above(strain, failure_strain, hill))};
}

enum class Fate { spared, block, cut, torn };

/// The fate of one axon from a uniform draw u in [0, 1).
inline Fate fate_of(double u, const Fates& f) {
  if (u < f.torn) return Fate::torn;
  if (u < f.cut) return Fate::cut;
  if (u < f.blocked) return Fate::block;
  return Fate::spared;
}

}  // namespace bungner::stretch_severity
