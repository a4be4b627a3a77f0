#pragma once
// Implicit reaction-diffusion of all substrates: first-order locally one-dimensional (LOD)
// splitting, one backward-Euler tridiagonal solve per axis (x, then y, then z) with a third of the
// decay in each, as BioFVM does. Unconditionally stable, non-negative, and exactly conservative
// with zero-flux boundaries (the matrices are symmetric with row sums 1 + lambda dt / 3).
// See docs/fields.md for the equations, boundary conditions and measured accuracy and speed.
#include <array>
#include <cstdint>
#include <vector>

#include "bungner/fields/fields.hpp"

namespace bungner::fields {

/// What fills a voxel. Diffusion across a face uses the harmonic mean of the two voxels'
/// diffusivities, so a thin low-diffusivity wall acts as a permeable membrane.
enum class Region : std::uint8_t { tissue = 0, lumen = 1, wall = 2, outside = 3 };
inline constexpr int region_count = 4;

/// Condition on one face of the box.
struct FaceCondition {
  bool dirichlet = false;      ///< false: zero flux
  std::vector<double> values;  ///< per substrate, when dirichlet
};

/// Heterogeneity and boundary conditions. Empty members mean: all tissue, no fixed voxels,
/// zero flux on every face; the solver then takes its fast uniform path.
struct Domain {
  std::vector<Region> region;  ///< per voxel
  /// Diffusivity per region and substrate [um^2/min]; tissue defaults to the substrate's own,
  /// lumen likewise, wall to zero (impermeable), outside is always zero. A conduit wall of
  /// permeability P [um/min] and thickness w [um] has diffusivity P * w.
  std::array<std::vector<double>, region_count> diffusivity;
  /// Voxels held at fixed concentrations (vessels): flag per voxel, values per voxel and substrate.
  std::vector<std::uint8_t> fixed;
  std::vector<double> fixed_values;
  /// Box faces: -x, +x, -y, +y, -z, +z.
  std::array<FaceCondition, 6> faces;

  bool uniform() const;
};

class DiffusionSolver {
 public:
  /// Precomputes the tridiagonal factorisations for time step dt [min].
  DiffusionSolver(const Grid& grid, std::vector<Substrate> substrates, double dt_min, Domain domain = {});

  /// Advances all substrates by one time step.
  void step(Fields& fields) const;

  double dt_min() const { return dt_; }
  const Grid& grid() const { return grid_; }
  const std::vector<Substrate>& substrates() const { return substrates_; }
  /// Factor by which the total amount of substrate s shrinks in one step with zero-flux faces and
  /// no fixed voxels: (1 + lambda dt / 3)^-3.
  double total_decay_factor(std::size_t s) const;
  /// Whether the fast path for a uniform domain with zero-flux faces is used.
  bool uniform() const { return uniform_; }

 private:
  void step_uniform(Fields& fields) const;
  void step_general(Fields& fields) const;
  void sweep_general(Fields& fields, int axis) const;
  std::size_t z_block_voxels() const;

  Grid grid_;
  std::vector<Substrate> substrates_;
  double dt_;
  Domain domain_;
  bool uniform_;
  // Fast path: per axis, for each position n along it and substrate s (index n * S + s),
  // inv = 1 / pivot and q = r * inv, where r = D dt / dx^2 (forward: d'_n = d_n inv_n + q_n d'_{n-1};
  // backward: x_n = d'_n + q_n x_{n+1}).
  std::array<aligned_vector<double>, 3> inv_;
  std::array<aligned_vector<double>, 3> q_;
  // General path: the factorised tridiagonal rows of each axis, per voxel and substrate (index
  // v * S + s): lower coefficient, pivot, and upper / pivot of the row (the Thomas algorithm's
  // constants; the matrix never changes, so only the right-hand side is swept each step).
  struct Factorisation {
    aligned_vector<double> lower, pivot, ratio;
  };
  std::array<Factorisation, 3> general_;
  /// Per x-row (j, k): whether any voxel of it diffuses. Rows of outside and impermeable wall
  /// only are identity rows that no neighbour couples to, so the sweeps skip them.
  std::vector<std::uint8_t> active_row_;
  void factorise_general();
};

/// Throws RuntimeFailure naming the substrate and the voxel (i, j, k) of the first NaN, infinity
/// or negative concentration.
void check_numerics(const Fields& fields, const std::vector<Substrate>& substrates);

/// Start-up accuracy check of a time step: the splitting error at steady state is about
/// lambda dt, so a substrate whose lambda dt exceeds `tolerance` gets a warning (one line each).
std::vector<std::string> time_step_warnings(const std::vector<Substrate>& substrates, double dt_min, double tolerance = 0.05);

/// Secretion and Michaelis-Menten uptake by cells in one voxel, for one substrate.
struct Exchange {
  std::size_t voxel = 0;
  std::size_t substrate = 0;
  double secretion = 0;   ///< amount per minute released [unit um^3/min]
  double uptake_max = 0;  ///< Vmax, amount per minute [unit um^3/min]
  double uptake_km = 1;   ///< half-saturation concentration [unit]
};

/// Amounts exchanged in one call, for mass balance.
struct ExchangeTotals {
  std::vector<double> secreted;  ///< per substrate [unit um^3]
  std::vector<double> taken_up;  ///< per substrate [unit um^3]
};

/// Applies secretion and uptake over dt [min], semi-implicitly per voxel so concentrations stay
/// non-negative: c' = (c V + dt S) / (V + dt sum_a Vmax_a / (Km_a + c)). Entries for the same voxel
/// and substrate are combined in the given order, so results do not depend on threads.
ExchangeTotals apply_exchange(Fields& fields, const std::vector<Exchange>& exchanges, double dt_min);

}  // namespace bungner::fields
