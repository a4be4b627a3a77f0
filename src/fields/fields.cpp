#include "bungner/fields/fields.hpp"

#include <algorithm>
#include <cmath>

namespace bungner::fields {

std::array<int, 3> Grid::voxel_of(const std::array<double, 3>& p) const {
  const int n[3] = {nx, ny, nz};
  std::array<int, 3> v{};
  for (int d = 0; d < 3; ++d) {
    const auto cell = static_cast<int>(std::floor((p[d] - origin_um[d]) / dx_um));
    v[d] = std::clamp(cell, 0, n[d] - 1);
  }
  return v;
}

Fields::Fields(Grid grid, std::size_t substrates)
    : grid_(grid), substrates_(substrates), values_(grid.voxels() * substrates, 0.0) {}

double Fields::total(std::size_t s) const {
  // Kahan summation in voxel order: reproducible and accurate enough for 1e-12 mass balances.
  double sum = 0, carry = 0;
  for (std::size_t v = 0; v < grid_.voxels(); ++v) {
    const double y = values_[v * substrates_ + s] - carry;
    const double t = sum + y;
    carry = (t - sum) - y;
    sum = t;
  }
  return sum * grid_.voxel_volume_um3();
}

std::array<double, 3> Fields::gradient(int i, int j, int k, std::size_t s) const {
  const int idx[3] = {i, j, k};
  const int n[3] = {grid_.nx, grid_.ny, grid_.nz};
  std::array<double, 3> g{};
  for (int d = 0; d < 3; ++d) {
    if (n[d] < 2) continue;
    int lo[3] = {i, j, k}, hi[3] = {i, j, k};
    lo[d] = std::max(0, idx[d] - 1);
    hi[d] = std::min(n[d] - 1, idx[d] + 1);
    const double span = (hi[d] - lo[d]) * grid_.dx_um;
    g[d] = (at(hi[0], hi[1], hi[2], s) - at(lo[0], lo[1], lo[2], s)) / span;
  }
  return g;
}

}  // namespace bungner::fields
