#pragma once
// The regular Cartesian grid of the injury site: cubic voxels, x along the nerve.
#include <array>
#include <cstddef>
#include <cstdint>

namespace bungner::fields {

struct Grid {
  int nx = 1, ny = 1, nz = 1;
  double dx_um = 20.0;                ///< voxel edge [um]
  std::array<double, 3> origin_um{};  ///< position of the corner of voxel (0,0,0) [um]

  std::size_t voxels() const { return static_cast<std::size_t>(nx) * ny * nz; }
  /// Linear voxel index; x fastest, then y, then z.
  std::size_t index(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * ny + static_cast<std::size_t>(j)) * nx + static_cast<std::size_t>(i);
  }
  /// (i, j, k) of a linear voxel index (the inverse of index()).
  std::array<int, 3> ijk(std::size_t v) const {
    const auto x = static_cast<std::size_t>(nx), y = static_cast<std::size_t>(ny);
    return {static_cast<int>(v % x), static_cast<int>((v / x) % y), static_cast<int>(v / (x * y))};
  }
  /// Centre of voxel (i, j, k) [um].
  std::array<double, 3> center(int i, int j, int k) const {
    return {origin_um[0] + (i + 0.5) * dx_um, origin_um[1] + (j + 0.5) * dx_um, origin_um[2] + (k + 0.5) * dx_um};
  }
  /// Voxel containing a point, clamped to the grid.
  std::array<int, 3> voxel_of(const std::array<double, 3>& p_um) const;
  double voxel_volume_um3() const { return dx_um * dx_um * dx_um; }
};

}  // namespace bungner::fields
