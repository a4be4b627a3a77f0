#pragma once
// Concentrations of all substrates on the grid, in one contiguous, 64-byte aligned array with the
// substrate index fastest: c[(voxel) * S + s]. Every sweep of the solver then streams whole rows
// of memory and vectorises over substrates (and, for y and z sweeps, over x as well).
#include <cstdlib>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "bungner/fields/grid.hpp"

namespace bungner::fields {

/// One diffusing substance.
struct Substrate {
  std::string name;
  double diffusion_um2_per_min = 0;    ///< in tissue [um^2/min]
  double decay_per_min = 0;            ///< first-order decay (degradation, clearance) [1/min]
  std::string unit = "dimensionless";  ///< of the concentration (for exported files)
};

/// Allocator giving 64-byte aligned storage (cache lines, AVX-512 loads).
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    void* p = std::aligned_alloc(64, ((n * sizeof(T) + 63) / 64) * 64);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const noexcept {
    return true;
  }
};

template <typename T>
using aligned_vector = std::vector<T, AlignedAllocator<T>>;

/// The concentration fields (State). Units are the substrate's own (e.g. ng/mL, mmHg, a.u.).
class Fields {
 public:
  Fields(Grid grid, std::size_t substrates);

  const Grid& grid() const { return grid_; }
  std::size_t substrates() const { return substrates_; }
  double* data() { return values_.data(); }
  const double* data() const { return values_.data(); }
  std::span<double> all() { return values_; }
  std::span<const double> all() const { return values_; }

  double& at(std::size_t voxel, std::size_t s) { return values_[voxel * substrates_ + s]; }
  double at(std::size_t voxel, std::size_t s) const { return values_[voxel * substrates_ + s]; }
  double& at(int i, int j, int k, std::size_t s) { return at(grid_.index(i, j, k), s); }
  double at(int i, int j, int k, std::size_t s) const { return at(grid_.index(i, j, k), s); }

  /// Total amount of substrate s: sum of concentration times voxel volume, in a fixed order.
  double total(std::size_t s) const;
  /// Concentration gradient of substrate s at a voxel by central differences (one-sided at the
  /// grid edge) [unit/um].
  std::array<double, 3> gradient(int i, int j, int k, std::size_t s) const;

 private:
  Grid grid_;
  std::size_t substrates_;
  aligned_vector<double> values_;
};

}  // namespace bungner::fields
