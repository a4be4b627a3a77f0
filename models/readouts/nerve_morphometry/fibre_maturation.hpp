#pragma once
// Observation model of regenerated myelinated fibres, shared by the morphometry and
// electrophysiology readouts: after its tip passes a point, a regenerated fibre grows in diameter
// and its myelin thickens (g-ratio falls) toward mature values; conduction velocity follows from
// diameter and g-ratio (Hursh's proportionality, Rushton's g-ratio dependence). The 1D model has
// no per-axon myelin; the 3D injury site will later supply it. Equations: README.md beside this file.
#include <algorithm>
#include <cmath>
#include <limits>

#include "bungner/core/parameters.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner::maturation {

struct Fibre {
  double diameter_m = 0;  ///< outer fibre diameter (axon plus myelin) [m]
  double g_ratio = 0;     ///< axon diameter / fibre diameter [1]
  double myelin_thickness_m() const { return 0.5 * diameter_m * (1.0 - g_ratio); }
};

/// This animal's normal motor conduction velocity: the preset's, times (W / W_ref)^b when the
/// scenario gives a body weight W (fibres grow with the animal, E58; b is
/// electrophysiology.velocity_weight_exponent) [m/s]; 0 if the preset gives none.
inline double normal_motor_velocity_m_per_s(const ModelSpec& spec, const ParameterSet& p) {
  double velocity = spec.reference_motor_velocity_m_per_s;
  if (spec.body_weight_ratio > 0)
    velocity *= std::pow(spec.body_weight_ratio, p.get("electrophysiology.velocity_weight_exponent"));
  return velocity;
}

class FibreMaturation {
 public:
  explicit FibreMaturation(const CompileContext& c)
      : FibreMaturation(c.parameters, maturation::normal_motor_velocity_m_per_s(c.spec, c.parameters)) {}
  FibreMaturation(const ParameterSet& p, double normal_velocity_m_per_s)
      : normal_motor_velocity_m_per_s_(normal_velocity_m_per_s),
        hursh_per_s_(p.in("nerve_morphometry.hursh_factor", "1/s")),
        sensory_ratio_(p.get("nerve_morphometry.sensory_diameter_ratio")),
        initial_fraction_(p.get("nerve_morphometry.initial_diameter_fraction")),
        connected_fraction_(p.get("nerve_morphometry.connected_diameter_fraction")),
        unconnected_fraction_(p.get("nerve_morphometry.unconnected_diameter_fraction")),
        diameter_tau_s_(p.in("nerve_morphometry.diameter_maturation_time", "s")),
        g_optimal_(p.get("nerve_morphometry.optimal_g_ratio")),
        g_initial_(p.get("nerve_morphometry.initial_g_ratio")),
        myelin_tau_s_(p.in("nerve_morphometry.myelination_time", "s")),
        lag_s_(p.in("nerve_morphometry.myelination_lag", "s")) {}

  /// This animal's normal motor NCV (normal_motor_velocity_m_per_s) [m/s]; 0 if unknown.
  double normal_motor_velocity_m_per_s() const { return normal_motor_velocity_m_per_s_; }
  /// Normal fibre diameter of a neuron kind, from the normal motor NCV (Hursh); 0 if unknown.
  double normal_diameter_m(NeuronKind kind) const {
    const double motor = normal_motor_velocity_m_per_s_ / hursh_per_s_;
    return kind == NeuronKind::motor ? motor : sensory_ratio_ * motor;
  }
  /// Time after its tip passed a point before a regenerated fibre is myelinated there [s].
  double myelination_lag_s() const { return lag_s_; }

  /// A regenerated fibre `age_s` after its tip passed the point (age below the lag: unmyelinated);
  /// `diameter_factor` is the lasting effect of therapies on its calibre (the block effects.fibre_diameter_factor).
  Fibre regenerated(double normal_diameter_m, double age_s, bool connected, double diameter_factor = 1.0) const {
    const double final_fraction = connected ? connected_fraction_ : unconnected_fraction_;
    const double a = std::max(0.0, age_s - lag_s_);
    const double fraction = final_fraction - (final_fraction - initial_fraction_) * std::exp(-a / diameter_tau_s_);
    const double g = g_optimal_ + (g_initial_ - g_optimal_) * std::exp(-a / myelin_tau_s_);
    return Fibre{diameter_factor * fraction * normal_diameter_m, g};
  }
  Fibre normal(double normal_diameter_m) const { return Fibre{normal_diameter_m, g_optimal_}; }

  /// Conduction velocity: Hursh's v = k D at the optimal g-ratio, scaled by Rushton's
  /// g sqrt(-ln g) relative to its value at the optimum [m/s].
  double velocity_m_per_s(const Fibre& f) const {
    const auto shape = [](double g) { return g * std::sqrt(-std::log(g)); };
    return hursh_per_s_ * f.diameter_m * shape(f.g_ratio) / shape(g_optimal_);
  }

 private:
  double normal_motor_velocity_m_per_s_;
  double hursh_per_s_;
  double sensory_ratio_;
  double initial_fraction_;
  double connected_fraction_;
  double unconnected_fraction_;
  double diameter_tau_s_;
  double g_optimal_;
  double g_initial_;
  double myelin_tau_s_;
  double lag_s_;
};

/// When neuron i's regenerating tip passed `x_m` past the injury, or +inf if it has not. Growing
/// tips are traced back at their own speed (growth-speed signals since then are not replayed).
inline double passed_at_s(const NeuronPopulation& n, std::size_t i, double x_m, double now_s) {
  if (n.position_m[i] < x_m || n.speed_m_per_s[i] <= 0) return std::numeric_limits<double>::infinity();
  const double reference = n.status[i] == AxonStatus::arrived ? n.arrival_s[i] : now_s;
  const double t = reference - (n.position_m[i] - x_m) / n.speed_m_per_s[i];
  return std::max(t, n.growth_start_s[i]);
}

}  // namespace bungner::maturation
