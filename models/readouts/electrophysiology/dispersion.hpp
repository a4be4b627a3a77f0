#pragma once
// Temporal dispersion of a compound muscle action potential (issue 21): the spread of the
// conduction times of the connected motor axons over the regrown length lowers the CMAP's peak;
// tetanic force does not depend on it. Equations: README.md beside this file.
#include <cmath>
#include <vector>

namespace bungner::dispersion {

/// Peak of a sum of equal Gaussian potentials of width (SD) `width_s` whose arrival times have
/// the standard deviation `spread_s`, relative to the peak of the same potentials arriving
/// together: width / sqrt(width^2 + spread^2) (a Gaussian convolved with a Gaussian).
inline double peak_factor(double spread_s, double width_s) {
  return width_s / std::sqrt(width_s * width_s + spread_s * spread_s);
}

/// Population standard deviation of the conduction times over `distance_m` of fibres with the
/// velocities `velocities` [m/s] (two passes in the given order: reproducible at any thread count).
inline double conduction_time_spread(const std::vector<double>& velocities, double distance_m) {
  if (velocities.size() < 2) return 0.0;
  double mean = 0;
  for (const double v : velocities) mean += distance_m / v;
  mean /= static_cast<double>(velocities.size());
  double sum = 0;
  for (const double v : velocities) sum += (distance_m / v - mean) * (distance_m / v - mean);
  return std::sqrt(sum / static_cast<double>(velocities.size()));
}

}  // namespace bungner::dispersion
