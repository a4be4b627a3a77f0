#pragma once
// The fibre-level state of each muscle that muscle_target owns (issue 21), and what the readouts
// compute from it: wet weight from fibre and non-contractile volume, tetanic force from the
// innervated contractile area. Equations: README.md beside this file.
#include "bungner/model/state.hpp"
#include "bungner/model/state_layout.hpp"

namespace bungner::muscle {

/// Per target. The fibre counts themselves are in TargetState: `fibre_capacity` (viable fibres,
/// a share of the normal muscle's) and `innervation` (of them, those innervated by a connected,
/// transmitting motor unit).
struct Fibres {
  using state_scalar = double;
  /// Mean cross-sectional area of the innervated fibres, relative to a normal fibre [1].
  double innervated_area = 1.0;
  /// Mean cross-sectional area of the viable fibres no unit innervates (atrophying) [1].
  double denervated_area = 1.0;
  /// Non-contractile volume (connective tissue, fat), relative to the normal muscle's volume;
  /// muscle_target sets the normal share when it initialises the State [1].
  double noncontractile = 0.0;
  /// Connected motor axons whose end-plates a crush never took (only blocked): their units
  /// transmit at once, without maturing [cells].
  double kept_units = 0.0;
};

/// The block muscle_target writes and the muscle readouts read (declared alike by each).
inline BlockHandle<Fibres> fibres(StateLayout& l) { return l.block<Fibres>("muscle_target.fibres", Extent::per_target); }

/// Moves fibres between the innervated and the denervated pool when the innervated share of the
/// normal muscle's fibres changes from `before` to `after` (of `viable` viable fibres): fibres
/// carry their area, so each pool's total area I a_i + (Phi - I) a_d is kept.
inline void move_fibres(double viable, double before, double after, Fibres& f) {
  if (after > before) {
    f.innervated_area = (before * f.innervated_area + (after - before) * f.denervated_area) / after;
  } else if (after < before && viable > after) {
    const double denervated_before = viable > before ? viable - before : 0.0;
    f.denervated_area = (denervated_before * f.denervated_area + (before - after) * f.innervated_area) / (viable - after);
  }
}

/// Wet weight relative to the normal muscle: the fibres' volume (innervated and denervated, each
/// with its own area; the normal muscle's fibres fill 1 - the normal non-contractile share) plus
/// the non-contractile volume.
inline double wet_weight_ratio(const TargetState& t, const Fibres& f, double normal_noncontractile) {
  const double denervated = t.fibre_capacity > t.innervation ? t.fibre_capacity - t.innervation : 0.0;
  return (1.0 - normal_noncontractile) * (t.innervation * f.innervated_area + denervated * f.denervated_area) + f.noncontractile;
}

/// Isometric tetanic force relative to the normal muscle: innervated contractile area times the
/// specific tension of the innervated fibres' types. Denervated fibres add mass but no
/// nerve-evoked force, and atrophy is counted once (in the area).
inline double tetanic_force_ratio(const TargetState& t, const Fibres& f) {
  return t.innervation * f.innervated_area * t.specific_force;
}

}  // namespace bungner::muscle
