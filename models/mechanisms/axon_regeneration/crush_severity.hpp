// How a crush's load, duration and length divide the axons among three fates (README.md beside
// this file, "Crush severity"): conduction block only, axonotmesis with the endoneurial tube and
// its Schwann cells kept (Sunderland II), or axonotmesis in a zone whose Schwann cells the
// ischaemia of a long compression killed, which axons cross late and staggered, as they cross a suture line.
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>

#include "bungner/model/state_layout.hpp"

namespace bungner::crush_severity {

/// Compression dose D = (p / 1 MPa) (t / 1 min)^a of a load F held for t over a length L of a
/// nerve of endoneurial area A (diameter d = 2 sqrt(A / pi)), p = F / (L d).
inline double dose(double force_n, double duration_s, double length_m, double endoneurial_area_m2, double exponent) {
  const double diameter_m = 2.0 * std::sqrt(endoneurial_area_m2 / std::numbers::pi);
  const double pressure_mpa = force_n / (length_m * diameter_m) * 1e-6;
  return pressure_mpa * std::pow(duration_s / 60.0, exponent);
}

/// Share of axons whose injury reaches a dose threshold: D^h / (D^h + D50^h).
inline double share_above(double dose, double half_dose, double hill) {
  if (dose <= 0) return 0.0;
  const double x = std::pow(dose / half_dose, hill);
  return x / (1.0 + x);
}

/// Shares of all axons: cut (axonotmesis, with or without a depleted zone) and cut in a zone whose
/// Schwann cells died; the second never exceeds the first. Cutting follows the mechanical dose;
/// depletion follows the time the load was held (ischaemia: any crush load closes the
/// endoneurial capillaries).
struct Fates {
  double cut = 1.0;
  double depleted_zone = 0.0;
};

inline Fates fates(double dose, double axonotmesis_dose, double duration_s, double depletion_time_s, double hill) {
  const double cut = share_above(dose, axonotmesis_dose, hill);
  return {cut, std::min(cut, share_above(duration_s, depletion_time_s, hill))};
}

enum class Fate { block, cut, depleted_zone };

/// The fate of one axon from a uniform draw u in [0, 1).
inline Fate fate_of(double u, const Fates& f) {
  if (u < f.depleted_zone) return Fate::depleted_zone;
  if (u < f.cut) return Fate::cut;
  return Fate::block;
}

/// Per neuron: whether the crush only blocked its axon, so that its end-plates were never lost and
/// its motor unit transmits again, at full strength, as soon as conduction returns. Written by
/// axon_regeneration when the State starts, read by muscle_target.
struct EndPlates {
  using state_scalar = double;
  double kept = 0;
};
inline BlockHandle<EndPlates> end_plates(StateLayout& l) {
  return l.block<EndPlates>("axon_regeneration.end_plates", Extent::per_neuron);
}

}  // namespace bungner::crush_severity
