#include "bungner/fields/geometry.hpp"

#include <cmath>
#include <stdexcept>

namespace bungner::fields {

Grid grid_for(const InjurySiteGeometry& g, double dx_um) {
  const double radius = (g.conduit && g.gap_length_um > 0 ? g.conduit_inner_radius_um + g.wall_thickness_um : 0.0);
  const double half_width = std::max(g.nerve_radius_um, radius) + g.margin_um;
  const double length = g.proximal_length_um + g.gap_length_um + g.distal_length_um;
  Grid grid;
  grid.dx_um = dx_um;
  grid.nx = std::max(1, static_cast<int>(std::ceil(length / dx_um)));
  grid.ny = grid.nz = std::max(1, static_cast<int>(std::ceil(2 * half_width / dx_um)));
  grid.origin_um = {0.0, -grid.ny * dx_um / 2, -grid.nz * dx_um / 2};
  return grid;
}

Domain make_domain(const Grid& grid, const InjurySiteGeometry& g, const std::vector<Substrate>& substrates) {
  if (g.conduit && g.wall_permeability_um_per_min.size() != substrates.size())
    throw std::invalid_argument("fields: a conduit needs one wall permeability per substrate");
  Domain d;
  d.region.assign(grid.voxels(), Region::outside);
  const double gap_start = g.proximal_length_um;
  const double gap_end = g.proximal_length_um + g.gap_length_um;
  const double inner = g.conduit_inner_radius_um;
  const double outer = inner + g.wall_thickness_um;
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const auto [x, y, z] = grid.center(i, j, k);
        const double r = std::hypot(y, z);
        const bool in_gap = x >= gap_start && x < gap_end;
        Region region = Region::outside;
        if (!in_gap) {
          if (r < g.nerve_radius_um) region = Region::tissue;
        } else if (!g.conduit) {
          if (r < g.nerve_radius_um) region = Region::tissue;  // graft of the nerve's calibre
        } else if (r < inner) {
          region = Region::lumen;
        } else if (r < outer) {
          region = Region::wall;
        }
        d.region[grid.index(i, j, k)] = region;
      }
  if (g.conduit) {
    std::vector<double> wall(substrates.size());
    for (std::size_t s = 0; s < substrates.size(); ++s) wall[s] = g.wall_permeability_um_per_min[s] * g.wall_thickness_um;
    d.diffusivity[static_cast<int>(Region::wall)] = wall;
  }
  return d;
}

}  // namespace bungner::fields
