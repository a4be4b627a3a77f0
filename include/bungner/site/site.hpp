#pragma once
// The injury site in 3D: the fields, cells and growth cones of the first millimetres around the
// injury (proximal stump, gap or bridge, distal stump), as one block of the State. The layout
// (grid, regions) is fixed by the Model; its substrates and cell kinds are declared by the
// content that owns them (SiteDeclaration in bungner/model/registry.hpp) and looked up by name.
// See docs/model.md, "Injury site".
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bungner/agents/agents.hpp"
#include "bungner/agents/axons.hpp"
#include "bungner/core/random.hpp"
#include "bungner/fields/diffusion.hpp"
#include "bungner/fields/fields.hpp"
#include "bungner/site/occupancy.hpp"

namespace bungner::site {

/// What occupies a voxel, for the cells (finer than the solver's regions).
enum class Zone : std::uint8_t { proximal_stump, bridge, distal_stump, wall, outside };

/// The layout: immutable, compiled with the Model.
struct Layout {
  fields::Grid grid;
  fields::Domain domain;
  std::vector<fields::Substrate> substrates;  ///< in field order, as the content declared them
  std::vector<agents::CellKind> kinds;        ///< cell kinds of the agents, as the content declared them
  std::vector<Zone> zone;                     ///< per voxel
  double gap_start_um = 0;                    ///< x of the proximal cut face
  double gap_end_um = 0;                      ///< x of the distal cut face
  double nerve_radius_um = 500;
  double lumen_radius_um = 0;    ///< conduit lumen (0: no conduit)
  double distal_section_um = 0;  ///< x of the distal readout section
  double handover_um = 0;        ///< x where axons pass to the 1D distal nerve
  bool conduit = false;
  bool graft = false;                          ///< autograft or allograft: bands in the gap from the start
  bool graft_has_cells = false;                ///< autograft: donor Schwann cells
  std::vector<std::size_t> wall_lumen_voxels;  ///< lumen voxels touching the conduit wall
  std::vector<std::size_t> cut_face_voxels;    ///< stump tissue voxels at the gap's faces

  bool in_nerve(std::size_t v) const { return zone[v] != Zone::wall && zone[v] != Zone::outside; }
  /// Field index of the substrate `name`; throws std::out_of_range when no content declared it.
  std::size_t substrate(std::string_view name) const;
  /// Index of the cell kind `name`; throws std::out_of_range when no content declared it.
  std::uint8_t kind(std::string_view name) const;
  /// Column of a kind's variable (agents::CellKind::variable).
  std::size_t variable(std::string_view kind_name, std::string_view variable_name) const {
    return kinds[kind(kind_name)].variable(variable_name);
  }
};

/// Everything at the site that changes: part of the State.
struct InjurySite {
  fields::Fields fields;
  agents::Agents cells;
  agents::Axons axons;
  // Per-voxel tissue state (not diffusing).
  std::vector<double> axon_integrity;              ///< intact distal axons (Wallerian degeneration) [0, 1]
  std::vector<double> myelin;                      ///< myelin (intact or debris) relative to normal nerve [1]
  std::vector<double> fibrin;                      ///< fibrin/ECM matrix of the bridge [0, 1]
  std::vector<double> vessel;                      ///< vascular density relative to normal nerve [0, 1]
  std::vector<double> band;                        ///< Büngner band maturity [0, 1]
  std::vector<double> schwann_density;             ///< repair Schwann cells per voxel, relative to normal [1]
  std::vector<double> regrown;                     ///< regenerated axons per voxel, relative to the normal count [1]
  std::vector<std::array<double, 3>> orientation;  ///< guidance direction (bands, vessels)
  /// Growth cone of each neuron (index into axons.all()), or no_axon.
  std::vector<std::uint32_t> axon_of_neuron;
  std::vector<std::uint32_t> neuron_of_axon;  ///< per axon in axons.all(); branches: their neuron
  std::vector<double> cone_start_s;           ///< per neuron: when its growth cone sets out [s]
  std::vector<double> suture_cross_s;         ///< per neuron: when its cone may cross a suture line [s]
  /// Who is where at the start of this tick's site phase, built by the engine before the site's
  /// mechanisms run (current_occupancy); derived, not checkpointed.
  Occupancy occupancy;
  // Running totals for readouts and conservation checks.
  double myelin_initial = 0;              ///< total myelin at the start [voxel units]
  double myelin_autophagy = 0;            ///< cleared by Schwann cells [voxel units]
  double myelin_phagocytosis = 0;         ///< cleared by macrophages [voxel units]
  double vessel_length_um = 0;            ///< total length grown by endothelial tips [um]
  std::uint64_t monocytes_recruited = 0;  ///< agents recruited
  double epineurial_macrophages = 0;      ///< macrophages of the epineurium (0D, both stumps) [cells/mm^2]

  static constexpr std::uint32_t no_axon = 0xFFFFFFFFu;
};

/// A fresh InjurySite on the layout: zero fields, no cells, no axons.
InjurySite make_site(const Layout& layout, agents::GrowthCone cone);

/// Builds the site's occupancy table for tick `tick` (State::tick) from where its agents are now.
/// The engine calls it once per tick, before the first process of the site phase.
void build_occupancy(const Layout& layout, InjurySite& site, std::int64_t tick);

/// The site's occupancy table of tick `now` (State::tick), for a mechanism of the site phase;
/// throws std::logic_error when it was not built in that tick or agents were removed other than
/// through remove_agents (the table's per-agent voxels would belong to other agents).
const Occupancy& current_occupancy(const InjurySite& site, std::int64_t now);

/// Removes the flagged agents of the site, keeping its occupancy table in step (remove_agents).
inline void remove_agents(InjurySite& site, const std::vector<std::uint8_t>& dead) {
  remove_agents(site.cells, site.occupancy, dead);
}

/// The site's fields for viewing: every substrate, then the tissue columns (axon integrity,
/// myelin, fibrin, vessels, bands, repair Schwann cells, regrown axons) as extra named arrays.
fields::Fields snapshot_fields(const InjurySite& site, const Layout& layout, std::vector<std::string>& names);

/// Mean of a per-voxel quantity over the nerve voxels of the (2 radius + 1)^3 box around each
/// nerve voxel (zero elsewhere): what coarse-grained agents stand for, spread over the tissue
/// they represent. Separable, in a fixed order.
std::vector<double> smooth_over_nerve(const Layout& layout, std::span<const double> per_voxel, int radius);

/// Voxel index of a point (clamped to the grid).
inline std::size_t voxel_at(const fields::Grid& grid, double x, double y, double z) {
  const auto v = grid.voxel_of({x, y, z});
  return grid.index(v[0], v[1], v[2]);
}

/// A secretion rate per cell [pg/day] in field units per minute [(ng/mL) um^3/min]:
/// 1 pg = 1e-3 ng and 1 mL = 1e12 um^3.
constexpr double pg_per_day_to_field(double pg_per_day) { return pg_per_day * 1e-3 * 1e12 / 1440.0; }

/// A unit vector uniformly distributed on the sphere (two uniforms).
std::array<double, 3> random_direction(RandomStream& stream);

/// One cue a cell or growth cone steers by: a direction and its weight. A gradient is a cue with
/// `unit` set: it counts by its direction only (its length divided out), and not at all where it
/// vanishes.
struct Cue {
  double weight = 0;
  std::array<double, 3> direction{};
  bool unit = false;
};

/// The direction a cell or growth cone moves in: the weighted sum of its cues (its heading, the
/// local guidance of bands or vessels, a gradient, a random direction; the weights are each
/// mechanism's declared parameters), added in the order given, and the sum's squared length.
struct Steering {
  std::array<double, 3> direction{};
  double norm2 = 0;
};
template <std::size_t N>
Steering steer(const std::array<Cue, N>& cues) {
  static_assert(N > 0);
  std::array<double, N> scale{};
  for (std::size_t c = 0; c < N; ++c) {
    const auto& g = cues[c].direction;
    scale[c] = cues[c].unit ? std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]) : 1.0;
  }
  const auto term = [&](std::size_t c, int q) {
    if (!cues[c].unit) return cues[c].weight * cues[c].direction[q];
    return scale[c] > 0 ? cues[c].weight * cues[c].direction[q] / scale[c] : 0.0;
  };
  Steering s;
  for (int q = 0; q < 3; ++q) {
    double d = term(0, q);
    for (std::size_t c = 1; c < N; ++c) d += term(c, q);
    s.direction[q] = d;
    s.norm2 += d * d;
  }
  return s;
}

/// Moves agent `a` by `d` [um] if the voxel it would land in satisfies `allowed(voxel)`;
/// returns whether it moved. Cells never leave the grid.
template <typename Allowed>
bool try_move(const Layout& layout, agents::Agents& cells, std::size_t a, const std::array<double, 3>& d, Allowed allowed) {
  const std::array<double, 3> p{cells.x[a] + d[0], cells.y[a] + d[1], cells.z[a] + d[2]};
  const fields::Grid& g = layout.grid;
  for (int axis = 0; axis < 3; ++axis) {
    const int n = axis == 0 ? g.nx : axis == 1 ? g.ny : g.nz;
    if (p[axis] <= g.origin_um[axis] || p[axis] >= g.origin_um[axis] + n * g.dx_um) return false;
  }
  if (!allowed(voxel_at(g, p[0], p[1], p[2]))) return false;
  cells.x[a] = p[0];
  cells.y[a] = p[1];
  cells.z[a] = p[2];
  return true;
}

/// What the layout is built from: the Model fills the geometry that the scenario gives, the
/// content the rest (SiteDeclaration): substrates with their transport constants, cell kinds, and
/// the geometry that its parameters give (a conduit's wall, the wound bed of an unrepaired gap).
struct LayoutSpec {
  double resolution_um = 100;
  double nerve_radius_um = 500;
  double proximal_length_um = 1000;
  double gap_length_um = 0;
  double distal_length_um = 4000;
  double distal_section_um = 3000;  ///< readout section, distal to the distal cut face
  bool conduit = false;
  /// An unrepaired gap: a lumen open to the wound bed (conduit is also true), whose radius the
  /// content sets.
  bool wound_bed = false;
  double lumen_radius_um = 750;
  double wall_thickness_um = 250;
  bool graft = false;
  bool graft_has_cells = false;
  std::vector<fields::Substrate> substrates;
  std::vector<agents::CellKind> kinds;
};

Layout make_layout(const LayoutSpec& spec);

}  // namespace bungner::site
