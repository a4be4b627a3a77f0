#include "bungner/agents/axons.hpp"

#include <algorithm>
#include <cmath>

namespace bungner::agents {
namespace {

void normalise(std::array<double, 3>& v) {
  const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n > 0)
    for (double& c : v) c /= n;
}

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

}  // namespace

std::uint64_t Axons::add(std::array<double, 3> origin, std::array<double, 3> heading) {
  normalise(heading);
  Axon a;
  a.id = next_id_++;
  a.points = {origin, origin};
  a.diameter_um = {cone_.initial_diameter_um};
  a.myelin_um = {0.0};
  a.heading = heading;
  axons_.push_back(std::move(a));
  return axons_.back().id;
}

std::size_t Axons::crossing(double x_um) const {
  std::size_t n = 0;
  for (const Axon& a : axons_) {
    for (std::size_t s = 0; s + 1 < a.points.size(); ++s) {
      const double x0 = a.points[s][0], x1 = a.points[s + 1][0];
      if ((x0 < x_um && x1 >= x_um) || (x1 < x_um && x0 >= x_um)) {
        ++n;
        break;
      }
    }
  }
  return n;
}

double Axons::segment_length(const Axon& axon, std::size_t s) { return distance(axon.points[s], axon.points[s + 1]); }

double Axons::length(const Axon& axon) {
  double total = 0;
  for (std::size_t s = 0; s + 1 < axon.points.size(); ++s) total += segment_length(axon, s);
  return total;
}

}  // namespace bungner::agents
