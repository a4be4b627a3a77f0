#include "bungner/site/site.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "bungner/fields/geometry.hpp"

namespace bungner::site {

std::size_t Layout::substrate(std::string_view name) const {
  for (std::size_t f = 0; f < substrates.size(); ++f)
    if (substrates[f].name == name) return f;
  throw std::out_of_range("site: no content declares the substrate '" + std::string(name) + "'");
}

std::uint8_t Layout::kind(std::string_view name) const {
  for (std::size_t k = 0; k < kinds.size(); ++k)
    if (kinds[k].name == name) return static_cast<std::uint8_t>(k);
  throw std::out_of_range("site: no content declares the cell kind '" + std::string(name) + "'");
}

Layout make_layout(const LayoutSpec& spec) {
  fields::InjurySiteGeometry g;
  g.nerve_radius_um = spec.nerve_radius_um;
  g.proximal_length_um = spec.proximal_length_um;
  g.gap_length_um = spec.gap_length_um;
  g.distal_length_um = spec.distal_length_um;
  g.conduit = spec.conduit && spec.gap_length_um > 0;
  g.conduit_inner_radius_um = spec.lumen_radius_um;
  g.wall_thickness_um = spec.wall_thickness_um;
  // The wall is impermeable to the solver; exchange through it is a membrane flux applied by the
  // bridge mechanism, so the wall keeps its place as a barrier for cells.
  g.wall_permeability_um_per_min.assign(spec.substrates.size(), 0.0);
  g.margin_um = spec.resolution_um;

  Layout layout;
  layout.grid = fields::grid_for(g, spec.resolution_um);
  layout.substrates = spec.substrates;
  layout.kinds = spec.kinds;
  layout.domain = fields::make_domain(layout.grid, g, spec.substrates);
  layout.gap_start_um = spec.proximal_length_um;
  layout.gap_end_um = spec.proximal_length_um + spec.gap_length_um;
  layout.nerve_radius_um = spec.nerve_radius_um;
  layout.conduit = g.conduit;
  layout.lumen_radius_um = g.conduit ? spec.lumen_radius_um : 0.0;
  layout.graft = spec.graft && spec.gap_length_um > 0;
  layout.graft_has_cells = spec.graft_has_cells;
  layout.distal_section_um = layout.gap_end_um + spec.distal_section_um;
  layout.handover_um = layout.gap_end_um + spec.distal_length_um - spec.resolution_um;

  const fields::Grid& grid = layout.grid;
  layout.zone.assign(grid.voxels(), Zone::outside);
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t v = grid.index(i, j, k);
        const double x = grid.center(i, j, k)[0];
        switch (layout.domain.region[v]) {
          case fields::Region::tissue:
          case fields::Region::lumen:
            layout.zone[v] = x < layout.gap_start_um ? Zone::proximal_stump
                             : x < layout.gap_end_um ? Zone::bridge
                                                     : Zone::distal_stump;
            break;
          case fields::Region::wall: layout.zone[v] = Zone::wall; break;
          case fields::Region::outside: layout.zone[v] = Zone::outside; break;
        }
      }
  // Boundary lists, in voxel order.
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t v = grid.index(i, j, k);
        const auto neighbour = [&](int di, int dj, int dk) -> Zone {
          const int a = i + di, b = j + dj, c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= grid.nx || b >= grid.ny || c >= grid.nz) return Zone::outside;
          return layout.zone[grid.index(a, b, c)];
        };
        const std::array<std::array<int, 3>, 6> faces{{{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}}};
        if (layout.zone[v] == Zone::bridge && layout.conduit) {
          for (const auto& f : faces) {
            const Zone n = neighbour(f[0], f[1], f[2]);
            if (n == Zone::wall || n == Zone::outside) {
              layout.wall_lumen_voxels.push_back(v);
              break;
            }
          }
        }
        if ((layout.zone[v] == Zone::proximal_stump && neighbour(1, 0, 0) == Zone::bridge) ||
            (layout.zone[v] == Zone::distal_stump && neighbour(-1, 0, 0) == Zone::bridge))
          layout.cut_face_voxels.push_back(v);
      }
  return layout;
}

InjurySite make_site(const Layout& layout, agents::GrowthCone cone) {
  InjurySite s{.fields = fields::Fields(layout.grid, layout.substrates.size()),
               .cells = agents::Agents(layout.kinds),
               .axons = agents::Axons(cone)};
  const std::size_t n = layout.grid.voxels();
  s.axon_integrity.assign(n, 0.0);
  s.myelin.assign(n, 0.0);
  s.fibrin.assign(n, 0.0);
  s.vessel.assign(n, 0.0);
  s.band.assign(n, 0.0);
  s.schwann_density.assign(n, 0.0);
  s.regrown.assign(n, 0.0);
  s.orientation.assign(n, {1.0, 0.0, 0.0});
  return s;
}

void build_occupancy(const Layout& layout, InjurySite& site, std::int64_t tick) {
  build_occupancy(site.occupancy, layout.grid, layout.kinds, site.cells, tick);
}

const Occupancy& current_occupancy(const InjurySite& site, std::int64_t now) {
  if (!site.occupancy.current(site.cells, now))
    throw std::logic_error("site: the occupancy table is not that of tick " + std::to_string(now) +
                           (site.occupancy.tick != now ? " (it was built in tick " + std::to_string(site.occupancy.tick) + ")"
                                                       : " (agents were removed without site::remove_agents)"));
  return site.occupancy;
}

std::array<double, 3> random_direction(RandomStream& stream) {
  const double cos_theta = 2 * stream.uniform() - 1;
  const double phi = 2 * 3.14159265358979323846 * stream.uniform();
  const double sin_theta = std::sqrt(std::max(0.0, 1 - cos_theta * cos_theta));
  return {sin_theta * std::cos(phi), sin_theta * std::sin(phi), cos_theta};
}

std::vector<double> smooth_over_nerve(const Layout& layout, std::span<const double> per_voxel, int radius) {
  const fields::Grid& g = layout.grid;
  std::vector<double> sum(g.voxels(), 0.0), count(g.voxels(), 0.0);
  for (std::size_t v = 0; v < g.voxels(); ++v)
    if (layout.in_nerve(v)) {
      sum[v] = per_voxel[v];
      count[v] = 1.0;
    }
  const int n[3] = {g.nx, g.ny, g.nz};
  std::vector<double> line_sum, line_count, prefix_sum, prefix_count;
  for (int axis = 0; axis < 3; ++axis) {
    const std::size_t stride = axis == 0 ? 1 : axis == 1 ? static_cast<std::size_t>(g.nx) : static_cast<std::size_t>(g.nx) * g.ny;
    const int len = n[axis];
    line_sum.assign(len, 0.0);
    line_count.assign(len, 0.0);
    const std::size_t block = stride * static_cast<std::size_t>(len);  // voxels per line family
    for (std::size_t first = 0; first < g.voxels(); ++first) {
      // `first` starts a line when its coordinate along the axis is 0.
      if ((first % block) >= stride) {
        first += block - stride - 1;  // skip to the next block's first line
        continue;
      }
      for (int i = 0; i < len; ++i) {
        line_sum[i] = sum[first + i * stride];
        line_count[i] = count[first + i * stride];
      }
      // Window sums from prefix sums, in one fixed sequential order (the same bits at any thread
      // count); differences of prefix sums may round to a hair below zero, hence the clamp below.
      prefix_sum.assign(len + 1, 0.0);
      prefix_count.assign(len + 1, 0.0);
      for (int i = 0; i < len; ++i) {
        prefix_sum[i + 1] = prefix_sum[i] + line_sum[i];
        prefix_count[i + 1] = prefix_count[i] + line_count[i];
      }
      for (int i = 0; i < len; ++i) {
        const int lo = std::max(0, i - radius), hi = std::min(len - 1, i + radius) + 1;
        sum[first + i * stride] = prefix_sum[hi] - prefix_sum[lo];
        count[first + i * stride] = prefix_count[hi] - prefix_count[lo];
      }
    }
  }
  std::vector<double> out(g.voxels(), 0.0);
  for (std::size_t v = 0; v < g.voxels(); ++v)
    if (layout.in_nerve(v) && count[v] > 0) out[v] = std::max(0.0, sum[v] / count[v]);
  return out;
}

fields::Fields snapshot_fields(const InjurySite& site, const Layout& layout, std::vector<std::string>& names) {
  names.clear();
  for (const auto& s : layout.substrates) names.push_back(s.name);
  const std::vector<std::pair<const char*, const std::vector<double>*>> tissue{{"axon_integrity", &site.axon_integrity},
                                                                               {"myelin", &site.myelin},
                                                                               {"fibrin", &site.fibrin},
                                                                               {"vessel", &site.vessel},
                                                                               {"band", &site.band},
                                                                               {"repair_schwann", &site.schwann_density},
                                                                               {"regrown_axons", &site.regrown}};
  for (const auto& t : tissue) names.push_back(t.first);
  const std::size_t S = layout.substrates.size();
  fields::Fields out(layout.grid, names.size());
  for (std::size_t v = 0; v < layout.grid.voxels(); ++v) {
    for (std::size_t s = 0; s < S; ++s) out.at(v, s) = site.fields.at(v, s);
    for (std::size_t t = 0; t < tissue.size(); ++t) out.at(v, S + t) = (*tissue[t].second)[v];
  }
  return out;
}

}  // namespace bungner::site
