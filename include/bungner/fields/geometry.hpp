#pragma once
// Region maps of the injury site: a cylindrical nerve along x with proximal stump, gap and
// distal stump; the gap may hold a conduit (lumen and wall) or be bridged by tissue (a graft).
#include <vector>

#include "bungner/fields/diffusion.hpp"

namespace bungner::fields {

struct InjurySiteGeometry {
  double nerve_radius_um = 500;
  double proximal_length_um = 1000;  ///< stump modelled before the gap
  double gap_length_um = 0;
  double distal_length_um = 2000;  ///< stump modelled after the gap
  bool conduit = false;            ///< the gap is a conduit lumen (else tissue, as a graft)
  double conduit_inner_radius_um = 750;
  double wall_thickness_um = 250;
  /// Conduit wall solute permeability per substrate [um/min]; the wall region gets D = P * w.
  std::vector<double> wall_permeability_um_per_min;
  double margin_um = 100;  ///< outside space around the nerve or conduit
};

/// A grid just large enough for the geometry at voxel edge dx.
Grid grid_for(const InjurySiteGeometry& geometry, double dx_um);

/// Regions of each voxel and the wall diffusivities. Voxels whose centre lies inside the nerve
/// cylinder in the stumps are tissue; in a conduit gap, inside the inner radius is lumen and the
/// ring of the wall thickness is wall; a graft gap is tissue; everything else is outside. Where a
/// conduit overlaps the stumps (its ends slide over them), the stump tissue is kept.
Domain make_domain(const Grid& grid, const InjurySiteGeometry& geometry, const std::vector<Substrate>& substrates);

}  // namespace bungner::fields
