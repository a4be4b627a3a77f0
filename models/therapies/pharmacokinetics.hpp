#pragma once
// Pharmacokinetics of the systemic drugs (issue 21): one compartment with first-order absorption
// and elimination, and an effect compartment (ke0) so that the effect has an onset. Linear, so
// each step is integrated exactly: the state is multiplied by the matrix exponential of the
// system over the step, the constant input rate carried as a fourth state. The result does not
// depend on the step (to round-off). Equations: models/therapies/acetyl_l_carnitine/README.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "treatment_window.hpp"

namespace bungner::treatment {

/// The PK state of one course, every compartment as an amount per body weight in the unit of the
/// daily dose times a day (mg/kg, IU/kg): at the absorption site, in the body (plasma and the
/// tissues in equilibrium with it), and at the effect site (the nerve).
struct PkState {
  using state_scalar = double;  // a record of doubles: the checkpoint stores it as f64x3
  double depot = 0;
  double central = 0;
  double effect = 0;
};

/// First-order rate constants [1/s].
struct PkRates {
  double absorption = 0;   ///< ka
  double elimination = 0;  ///< ke
  double effect = 0;       ///< ke0 (equilibration of the effect site with the body)

  /// From half-lives [s] (ln 2 / t½).
  static PkRates from_half_lives(double absorption_s, double elimination_s, double effect_s) {
    const double ln2 = std::log(2.0);
    return PkRates{ln2 / absorption_s, ln2 / elimination_s, ln2 / effect_s};
  }
  /// From the half-lives a drug declares as `<drug>.absorption_half_life`,
  /// `<drug>.elimination_half_life` and `<drug>.effect_half_life`.
  static PkRates declared(const ParameterSet& p, const std::string& drug) {
    return from_half_lives(p.in(drug + ".absorption_half_life", "s"), p.in(drug + ".elimination_half_life", "s"),
                           p.in(drug + ".effect_half_life", "s"));
  }
};

namespace pk_detail {
using Matrix = std::array<std::array<double, 4>, 4>;

inline Matrix multiply(const Matrix& a, const Matrix& b) {
  Matrix c{};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t j = 0; j < 4; ++j) c[i][j] += a[i][k] * b[k][j];
  return c;
}

/// exp(A) by scaling and squaring with a Taylor series of degree 18 on A / 2^s, |A / 2^s| <= 1/2:
/// the truncation error is below 1e-22, far under round-off.
inline Matrix expm(Matrix a) {
  double norm = 0;
  for (const auto& row : a) {
    double sum = 0;
    for (double x : row) sum += std::fabs(x);
    norm = std::max(norm, sum);
  }
  int squarings = 0;
  while (norm > 0.5) {
    norm /= 2;
    ++squarings;
  }
  const double scale = std::ldexp(1.0, -squarings);
  for (auto& row : a)
    for (double& x : row) x *= scale;
  Matrix result{}, term{};
  for (std::size_t i = 0; i < 4; ++i) result[i][i] = term[i][i] = 1.0;
  for (int n = 1; n <= 18; ++n) {
    term = multiply(term, a);
    for (auto& row : term)
      for (double& x : row) x /= n;
    for (std::size_t i = 0; i < 4; ++i)
      for (std::size_t j = 0; j < 4; ++j) result[i][j] += term[i][j];
  }
  for (int s = 0; s < squarings; ++s) result = multiply(result, result);
  return result;
}
}  // namespace pk_detail

/// The state after `dt_s` seconds from `x`, with the drug entering the depot at the constant rate
/// `input_per_s` (dose per second; bioavailability already applied):
///   depot'   = input - ka depot
///   central' = ka depot - ke central
///   effect'  = ke0 (central - effect)
/// Exact for a constant input over the step: [x; input](t + dt) = exp(M dt) [x; input](t).
inline PkState pk_advance(const PkState& x, const PkRates& k, double input_per_s, double dt_s) {
  pk_detail::Matrix m{};
  m[0][0] = -k.absorption * dt_s;
  m[0][3] = dt_s;
  m[1][0] = k.absorption * dt_s;
  m[1][1] = -k.elimination * dt_s;
  m[2][1] = k.effect * dt_s;
  m[2][2] = -k.effect * dt_s;
  const pk_detail::Matrix e = pk_detail::expm(m);
  const std::array<double, 4> v{x.depot, x.central, x.effect, input_per_s};
  std::array<double, 3> out{};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 4; ++j) out[i] += e[i][j] * v[j];
  return PkState{out[0], out[1], out[2]};
}

/// The effect-site amount expressed as the daily dose that gives it at steady state
/// (ke × effect-site amount) [dose/day]. At steady state of a constant daily dose D it equals D,
/// so a dose-response fitted to daily doses is unchanged at steady state.
inline double equivalent_daily_dose(const PkState& x, const PkRates& k) {
  return k.elimination * x.effect * static_cast<double>(seconds_per_day);
}

/// One course's PK: its rates, its daily dose and window, and its element of a per-instance block
/// that the therapy declares under its own name (`<therapy>.pk`).
class Course {
 public:
  Course() = default;
  Course(PkRates rates, double daily_dose, Window window) : rates_(rates), daily_dose_(daily_dose), window_(window) {}

  void declare(StateLayout& layout, const std::string& block_name) {
    handle_ = layout.block<PkState>(block_name, Extent::per_instance);
    index_ = layout.add_instance(handle_);
  }

  /// Advances this course's PK over the tick (the daily dose as a constant input while the window
  /// covers the tick's start) and returns the equivalent daily dose at the end of the tick.
  double advance(State& state, const Tick& tick) const {
    PkState& x = state.block(handle_)[index_];
    const double input = window_.covers(tick.time_s) ? daily_dose_ / static_cast<double>(seconds_per_day) : 0.0;
    x = pk_advance(x, rates_, input, static_cast<double>(tick.dt_s));
    return equivalent_daily_dose(x, rates_);
  }

  /// The equivalent daily dose at `time_s`, from a fresh state at the start of the course
  /// (for a therapy's initialize: exposure at the repair). One exact step.
  double at(std::int64_t time_s) const {
    const std::int64_t on = std::min(time_s, window_.end_s) - window_.start_s;
    if (on <= 0) return 0.0;
    PkState x = pk_advance(PkState{}, rates_, daily_dose_ / static_cast<double>(seconds_per_day), static_cast<double>(on));
    if (time_s > window_.end_s) x = pk_advance(x, rates_, 0.0, static_cast<double>(time_s - window_.end_s));
    return equivalent_daily_dose(x, rates_);
  }

  const PkRates& rates() const { return rates_; }

 private:
  PkRates rates_;
  double daily_dose_ = 0;
  Window window_;
  BlockHandle<PkState> handle_;
  std::size_t index_ = 0;
};

}  // namespace bungner::treatment
