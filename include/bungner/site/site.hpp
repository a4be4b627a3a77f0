#pragma once
// The injury site in 3D: the fields, cells and growth cones of the first millimetres around the
// injury (proximal stump, gap or bridge, distal stump), as one block of the State. The layout
// (grid, regions, substrates, cell kinds) is fixed by the Model; see docs/model.md, "Injury site".
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bungner/agents/agents.hpp"
#include "bungner/agents/axons.hpp"
#include "bungner/core/random.hpp"
#include "bungner/fields/diffusion.hpp"
#include "bungner/fields/fields.hpp"

namespace bungner::site {

/// Diffusing substrates of the site, in field order.
enum Substrate : std::size_t {
  oxygen = 0,  ///< [mmHg]
  vegf,        ///< VEGF-A [ng/mL]
  ccl2,        ///< monocyte chemokine (CCL2/MCP-1) [ng/mL]
  ngf,         ///< [ng/mL]
  bdnf,        ///< [ng/mL]
  gdnf,        ///< [ng/mL]
  nt3,         ///< [ng/mL]
  il10,        ///< [pg/mL]
  fibrinogen,  ///< plasma exudate that polymerises into the fibrin cable [mg/mL]
  substrate_count
};

/// Cell kinds of the site's agents. One agent stands for `cells_per_agent` cells of its kind.
enum Kind : std::uint8_t { schwann = 0, macrophage = 1, endothelial_tip = 2, msc = 3, kind_count };

/// Per-agent state variables (columns of Agents::variables).
enum Variable : std::size_t {
  cjun = 0,    ///< Schwann cells: repair programme (c-Jun) activation [0, 1]; MSCs: Schwann-like share [0, 1]
  elongation,  ///< Schwann cells: length relative to a myelinating cell [1]; tips: +1 or -1, the x direction they grow in; MSCs:
               ///< 1 in the early-loss pool, 0 persistent
  polarisation,  ///< macrophages: M2 (pro-repair) fraction [0, 1]; tips: age [s]; MSCs: cells the agent stands for
  variable_count
};

/// What occupies a voxel, for the cells (finer than the solver's regions).
enum class Zone : std::uint8_t { proximal_stump, bridge, distal_stump, wall, outside };

/// The layout: immutable, compiled with the Model.
struct Layout {
  fields::Grid grid;
  fields::Domain domain;
  std::vector<fields::Substrate> substrates;
  std::vector<Zone> zone;   ///< per voxel
  double gap_start_um = 0;  ///< x of the proximal cut face
  double gap_end_um = 0;    ///< x of the distal cut face
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
  // Running totals for readouts and conservation checks.
  double myelin_initial = 0;              ///< total myelin at the start [voxel units]
  double myelin_autophagy = 0;            ///< cleared by Schwann cells [voxel units]
  double myelin_phagocytosis = 0;         ///< cleared by macrophages [voxel units]
  double vessel_length_um = 0;            ///< total length grown by endothelial tips [um]
  std::uint64_t monocytes_recruited = 0;  ///< agents recruited
  double epineurial_macrophages = 0;      ///< macrophages of the epineurium (0D, both stumps) [cells/mm^2]

  static constexpr std::uint32_t no_axon = 0xFFFFFFFFu;
};

/// The cell kinds and state variables of the site (behaviour constants filled by mechanisms).
std::vector<agents::CellKind> cell_kinds();
std::vector<agents::StateVariable> state_variables();

/// A fresh InjurySite on the layout: zero fields, no cells, no axons.
InjurySite make_site(const Layout& layout, agents::GrowthCone cone);

/// The site's fields for viewing: every substrate, then the tissue columns (axon integrity,
/// myelin, fibrin, vessels, bands, repair Schwann cells, regrown axons) as extra named arrays.
fields::Fields snapshot_fields(const InjurySite& site, const Layout& layout, std::vector<std::string>& names);

/// Mean of a per-voxel quantity over the nerve voxels of the (2 radius + 1)^3 box around each
/// nerve voxel (zero elsewhere): what coarse-grained agents stand for, spread over the tissue
/// they represent. Separable, in a fixed order.
std::vector<double> smooth_over_nerve(const Layout& layout, const std::vector<double>& per_voxel, int radius);

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

/// What the layout is built from (the Model fills it from the scenario and parameters).
struct LayoutSpec {
  double resolution_um = 100;
  double nerve_radius_um = 500;
  double proximal_length_um = 1000;
  double gap_length_um = 0;
  double distal_length_um = 4000;
  double distal_section_um = 3000;  ///< readout section, distal to the distal cut face
  bool conduit = false;
  double lumen_radius_um = 750;
  double wall_thickness_um = 250;
  bool graft = false;
  bool graft_has_cells = false;
  std::vector<fields::Substrate> substrates;
};

Layout make_layout(const LayoutSpec& spec);

}  // namespace bungner::site
