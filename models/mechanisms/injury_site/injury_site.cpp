// The injury site in 3D, its tissue and transport: builds the site on its layout (normal nerve in
// the stumps, a graft or an empty lumen in the gap), supplies oxygen from vessels, lets cells
// breathe it, and diffuses every substrate. The other site mechanisms (wallerian_degeneration,
// schwann_repair, inflammation, bridge_formation, site_axons) act on what this one sets up.
// Equations and sources: README.md beside this file and docs/model.md.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

using site::Zone;

class InjurySiteCore final : public Process {
 public:
  InjurySiteCore(const ModelSpec& m, const ParameterSet& p)
      : layout_(m.site),
        substeps_(static_cast<int>(std::lround(p.in("injury_site.transport_steps_per_hour", "1")))),
        solver_(m.site->grid, m.site->substrates, 60.0 / substeps_, m.site->domain),
        schwann_per_um3_(p.in("injury_site.schwann_density", "cells/mm^3") * 1e-9),
        macrophage_per_um3_(p.in("injury_site.resident_macrophage_density", "cells/mm^3") * 1e-9),
        schwann_per_agent_(p.get("injury_site.schwann_cells_per_agent")),
        macrophage_per_agent_(p.get("injury_site.macrophage_cells_per_agent")),
        blood_po2_(p.in("injury_site.vessel_po2", "mmHg")),
        supply_per_min_(p.in("injury_site.vessel_oxygen_exchange", "1/min")),
        uptake_max_(p.in("injury_site.oxygen_uptake", "mol/s") * 60.0 /
                    (p.in("injury_site.oxygen_solubility", "mol/m^3") * 1e-18)),
        uptake_km_(p.in("injury_site.oxygen_uptake_half_saturation", "mol/m^3") /
                   p.in("injury_site.oxygen_solubility", "mol/m^3")),
        oxygen_(m.site->substrate("oxygen")),
        schwann_(m.site->kind("schwann")),
        macrophage_(m.site->kind("macrophage")),
        schwann_elongation_(m.site->variable("schwann", "elongation")) {
    // What an agent of each kind stands for in the oxygen balance: a fixed number of cells, a
    // number it carries (agents::CellKind::cells_variable), or no cell at all; the occupancy
    // table counts the cells either way.
    for (const agents::CellKind& k : m.site->kinds) breathes_.push_back(k.cells_per_agent > 0 || !k.cells_variable.empty());
  }

  std::string_view name() const override { return "injury_site"; }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void initialize(const Model&, State& state) const override {
    const site::Layout& L = *layout_;
    agents::GrowthCone cone;
    cone.segment_um = L.grid.dx_um;
    cone.initial_diameter_um = 0.5;
    state.site.emplace(site::make_site(L, cone));
    site::InjurySite& s = *state.site;
    const fields::Grid& g = L.grid;
    const bool allograft = L.graft && !L.graft_has_cells;
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      const Zone z = L.zone[v];
      if (!L.in_nerve(v)) continue;
      const bool nerve_tissue = z != Zone::bridge || L.graft;
      // Normal nerve: intact axons and myelin, a full endoneurial vascular bed. A decellularised
      // graft keeps its basal-lamina tubes and matrix but no cells, myelin or perfused vessels.
      if (nerve_tissue && !(z == Zone::bridge && allograft)) {
        s.myelin[v] = 1.0;
        s.axon_integrity[v] = 1.0;
        s.vessel[v] = z == Zone::bridge ? 0.0 : 1.0;  // graft vessels must inosculate first
      }
      if (z == Zone::bridge && L.graft) s.fibrin[v] = 1.0;  // the graft's own matrix
      s.fields.at(v, oxygen_) = nerve_tissue ? blood_po2_ : 0.0;
    }
    s.myelin_initial = 0;
    for (double x : s.myelin) s.myelin_initial += x;
    // Resident cells, placed uniformly in each voxel with draws keyed by the voxel.
    const double volume = g.voxel_volume_um3();
    for (int k = 0; k < g.nz; ++k)
      for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
          const std::size_t v = g.index(i, j, k);
          if (!L.in_nerve(v)) continue;
          const bool cellular = L.zone[v] != Zone::bridge || (L.graft && L.graft_has_cells);
          if (!cellular) continue;
          RandomStream stream(state.key, v, 0, purpose_id("injury_site.resident_cells"));
          const auto place = [&](std::uint8_t kind, double per_um3, double per_agent) {
            const std::uint64_t n = stream.poisson(per_um3 * volume / per_agent);
            for (std::uint64_t c = 0; c < n; ++c) {
              const auto corner = g.center(i, j, k);
              const std::size_t a = s.cells.add(
                  kind, {corner[0] + (stream.uniform() - 0.5) * g.dx_um, corner[1] + (stream.uniform() - 0.5) * g.dx_um,
                         corner[2] + (stream.uniform() - 0.5) * g.dx_um});
              if (kind == schwann_) s.cells.variables[schwann_elongation_][a] = 1.0;  // myelinating cells
            }
          };
          place(schwann_, schwann_per_um3_, schwann_per_agent_);
          place(macrophage_, macrophage_per_um3_, macrophage_per_agent_);
        }
  }

  void advance(const Model&, State& state, const Tick&) const override {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    // Oxygen: every cell breathes (Michaelis-Menten) and vessels supply it, both in one
    // semi-implicit step per voxel, c' = (c + dt k v P) / (1 + dt k v + dt U / (Km + c)), whose
    // fixed point is the continuous balance k v (P - c) = U c / (Km + c); then it diffuses.
    // The cells per voxel of every kind are the site's occupancy table (start of the tick).
    const site::Occupancy& occupancy = site::current_occupancy(s, state.tick);
    std::vector<double> demand(g.voxels(), 0.0);  // sum of Vmax per volume [mmHg/min]
    const double volume = g.voxel_volume_um3();
    for (std::size_t k = 0; k < L.kinds.size(); ++k) {
      if (!breathes_[k]) continue;
      const auto cells = occupancy.cells_of(k);
      for (std::size_t v = 0; v < g.voxels(); ++v) demand[v] += cells[v];
    }
    for (double& d : demand) d *= uptake_max_ / volume;
    const double dt = 60.0 / substeps_;
    for (int step = 0; step < substeps_; ++step) {
      for (std::size_t v = 0; v < g.voxels(); ++v) {
        if (s.vessel[v] <= 0 && demand[v] <= 0) continue;
        double& c = s.fields.at(v, oxygen_);
        const double supply = dt * supply_per_min_ * s.vessel[v];
        c = (c + supply * blood_po2_) / (1 + supply + dt * demand[v] / (uptake_km_ + c));
      }
      solver_.step(s.fields);
    }
  }

 private:
  std::shared_ptr<const site::Layout> layout_;
  int substeps_;
  fields::DiffusionSolver solver_;
  double schwann_per_um3_;
  double macrophage_per_um3_;
  double schwann_per_agent_;
  double macrophage_per_agent_;
  double blood_po2_;
  double supply_per_min_;
  double uptake_max_;  ///< per cell [mmHg um^3/min]
  double uptake_km_;   ///< [mmHg]
  std::size_t oxygen_;
  std::uint8_t schwann_;
  std::uint8_t macrophage_;
  std::size_t schwann_elongation_;
  std::vector<bool> breathes_;  ///< per kind
};

void declare(ParameterRegistry& r) {
  struct Transport {
    const char* name;
    const char* what;
    double diffusivity;  // m^2/s
    const char* d_source;
    double decay;  // 1/h
    const char* decay_source;
  };
  const Transport transport[] = {
      {"vegf", "VEGF-A", 1.0e-10, "assumption (VEGF165, ~45 kDa, in tissue)", 0.35, "assumption (half-life about 2 h in tissue)"},
      {"ccl2", "the monocyte chemokine CCL2", 1.5e-10, "assumption (~13 kDa chemokine)", 0.35,
       "assumption (half-life about 2 h)"},
      {"ngf", "NGF", 1.0e-10, "assumption (~26 kDa dimer)", 0.1, "assumption (half-life about 7 h)"},
      {"bdnf", "BDNF", 1.0e-10, "assumption (~27 kDa dimer)", 0.1, "assumption (half-life about 7 h)"},
      {"gdnf", "GDNF", 1.0e-10, "assumption (~30 kDa dimer)", 0.1, "assumption (half-life about 7 h)"},
      {"nt3", "NT-3", 1.0e-10, "assumption (~27 kDa dimer)", 0.1, "assumption (half-life about 7 h)"},
      {"il10", "IL-10", 1.5e-10, "assumption (~18 kDa)", 0.35, "assumption (half-life about 2 h)"},
      {"fibrinogen", "fibrinogen of the plasma exudate", 2.0e-11, "assumption (340 kDa protein, free diffusion ~2e-11 m^2/s)",
       0.0, "assumption (no decay: fibrinogen leaves the solution only by polymerising, bridge_formation)"},
  };
  // Oxygen first (the order of the registry), declared on its own: its diffusivity is taken from E40.
  r.declare({.name = "injury_site.oxygen_diffusivity",
             .unit = "m^2/s",
             .default_value = 1.7e-9,
             .hard = {0, 1e-6},
             .plausible = {1e-12, 5e-9},
             .species = "all",
             .meaning = "diffusivity of oxygen in nerve tissue and bridge",
             .source = "Ehsan & George, Tissue Eng A 2013;19:1433 (E40, fibrin gel); identifier not verified, assumption-grade",
             .calibration = "E40"});
  r.declare({.name = "injury_site.oxygen_decay",
             .unit = "1/h",
             .default_value = 0.0,
             .hard = {0, 100},
             .plausible = {0, 5},
             .species = "all",
             .meaning = "first-order loss of oxygen (degradation, clearance)",
             .source = "assumption (no decay: oxygen is only consumed by cells)"});
  for (const auto& t : transport) {
    r.declare({.name = fmt::format("injury_site.{}_diffusivity", t.name),
               .unit = "m^2/s",
               .default_value = t.diffusivity,
               .hard = {0, 1e-6},
               .plausible = {1e-12, 5e-9},
               .species = "all",
               .meaning = fmt::format("diffusivity of {} in nerve tissue and bridge", t.what),
               .source = t.d_source});
    r.declare({.name = fmt::format("injury_site.{}_decay", t.name),
               .unit = "1/h",
               .default_value = t.decay,
               .hard = {0, 100},
               .plausible = {0, 5},
               .species = "all",
               .meaning = fmt::format("first-order loss of {} (degradation, clearance)", t.what),
               .source = t.decay_source});
  }
  r.declare({.name = "injury_site.transport_steps_per_hour",
             .unit = "1",
             .default_value = 3,
             .hard = {1, 60},
             .plausible = {1, 12},
             .species = "all",
             .meaning = "implicit diffusion steps per hour of the site (numerical setting)",
             .source = "assumption (numerical; docs/fields.md gives the splitting error)",
             .numerical = true});
  r.declare({.name = "injury_site.conduit_wall_thickness",
             .unit = "um",
             .default_value = 250,
             .hard = {10, 5000},
             .plausible = {50, 1000},
             .species = "all",
             .meaning = "wall thickness of a nerve conduit",
             .source = "assumption (typical silicone and collagen conduits 0.2-0.4 mm)"});
  r.declare({.name = "injury_site.wound_bed_radius_factor",
             .unit = "1",
             .default_value = 1.5,
             .hard = {1, 5},
             .plausible = {1, 3},
             .species = "all",
             .meaning = "radius of the space an unrepaired gap's bridge can fill, relative to the nerve",
             .source = "assumption"});
  r.declare({.name = "injury_site.schwann_density",
             .unit = "cells/mm^3",
             .default_value = 1.4e4,
             .hard = {0, 1e7},
             .plausible = {3e3, 1e5},
             .species = "rat",
             .meaning = "Schwann cells per volume of normal endoneurium",
             .source = "assumption from E30 (7640 myelinated fibres, internodes ~1 mm) plus Remak cells, over "
                       "~0.7 mm^2 of endoneurium"});
  r.declare({.name = "injury_site.resident_macrophage_density",
             .unit = "cells/mm^3",
             .default_value = 3000,
             .hard = {0, 1e7},
             .plausible = {300, 2e4},
             .species = "rat",
             .meaning = "resident endoneurial macrophages in normal nerve",
             .source = "assumption (resident macrophages are a few per cent of endoneurial cells; Mueller et al. "
                       "2001 doi:10.1016/S0002-9440(10)64017-X)"});
  r.declare({.name = "injury_site.schwann_cells_per_agent",
             .unit = "1",
             .default_value = 100,
             .hard = {1, 1e6},
             .plausible = {1, 1000},
             .species = "all",
             .meaning = "Schwann cells one agent stands for (coarse graining)",
             .source = "assumption (numerical)",
             .numerical = true});
  r.declare({.name = "injury_site.macrophage_cells_per_agent",
             .unit = "1",
             .default_value = 100,
             .hard = {1, 1e6},
             .plausible = {1, 1000},
             .species = "all",
             .meaning = "macrophages one agent stands for (coarse graining)",
             .source = "assumption (numerical)",
             .numerical = true});
  r.declare({.name = "injury_site.agent_footprint",
             .unit = "um",
             .default_value = 200,
             .hard = {0, 5000},
             .plausible = {0, 1000},
             .species = "all",
             .meaning = "half-width of the tissue a coarse-grained agent's cells are spread over when densities "
                        "are computed",
             .source = "assumption (numerical; 100 cells of ~14 per 100 um voxel fill about 7 voxels)",
             .numerical = true});
  r.declare({.name = "injury_site.vessel_po2",
             .unit = "mmHg",
             .default_value = 40,
             .hard = {1, 200},
             .plausible = {20, 100},
             .species = "all",
             .meaning = "tissue pO2 next to perfused capillaries",
             .source = "assumption (typical tissue pO2 near capillaries)"});
  r.declare({.name = "injury_site.vessel_oxygen_exchange",
             .unit = "1/min",
             .default_value = 5,
             .hard = {0, 100},
             .plausible = {0.01, 10},
             .species = "all",
             .meaning = "rate at which a fully vascularised voxel relaxes to the capillary pO2",
             .source = "assumption"});
  r.declare({.name = "injury_site.oxygen_uptake",
             .unit = "mol/s",
             .default_value = 1.3e-17,
             .hard = {0, 1e-14},
             .plausible = {1e-19, 1e-16},
             .species = "all",
             .meaning = "maximal oxygen uptake per cell (Vmax)",
             .source = "Ehsan & George, Tissue Eng A 2013;19:1433 (E42, fibroblasts)"
                       "; identifier not verified, assumption-grade",
             .calibration = "E42"});
  r.declare({.name = "injury_site.oxygen_uptake_half_saturation",
             .unit = "mol/m^3",
             .default_value = 8.0e-3,
             .hard = {0, 1},
             .plausible = {1e-4, 0.1},
             .species = "all",
             .meaning = "oxygen concentration of half-maximal uptake (Km)",
             .source = "Ehsan & George, Tissue Eng A 2013;19:1433 (E42)"
                       "; identifier not verified, assumption-grade",
             .calibration = "E42"});
  r.declare({.name = "injury_site.oxygen_solubility",
             .unit = "mol/m^3",
             .default_value = 1.3e-3,
             .hard = {1e-5, 1},
             .plausible = {1e-3, 2e-3},
             .species = "all",
             .meaning = "dissolved oxygen per mmHg of partial pressure (per-mmHg solubility, unit mol/m^3 per mmHg)",
             .source = "assumption (standard value for water/plasma at 37 C, ~1.3 umol/L/mmHg)"});
}

}  // namespace

/// The site's tissue: every diffusing substrate (this item solves their transport), the resident
/// cells (Schwann cells and macrophages, which it places), and the geometry its parameters give.
void declare_site(SiteDeclaration& site) {
  site::LayoutSpec& layout = site.layout;
  if (layout.wound_bed)
    layout.lumen_radius_um = layout.nerve_radius_um * site.parameter("injury_site.wound_bed_radius_factor");
  else if (layout.conduit)
    layout.wall_thickness_um = site.parameter("injury_site.conduit_wall_thickness", "um");
  // Oxygen as partial pressure; secreted factors in ng/mL (site::pg_per_day_to_field); the exudate's
  // fibrinogen in mg/mL.
  for (const char* name : {"oxygen", "vegf", "ccl2", "ngf", "bdnf", "gdnf", "nt3", "il10", "fibrinogen"}) {
    const std::string_view n = name;
    layout.substrates.push_back({name, site.parameter(fmt::format("injury_site.{}_diffusivity", name), "um^2/min"),
                                 site.parameter(fmt::format("injury_site.{}_decay", name), "1/min"),
                                 n == "oxygen"       ? "mmHg"
                                 : n == "fibrinogen" ? "mg/mL"
                                                     : "ng/mL"});
  }
  layout.kinds.push_back({.name = "schwann",
                          .variables = {"cjun", "elongation"},
                          .phenotype = "cjun",
                          .cells_per_agent = site.parameter("injury_site.schwann_cells_per_agent")});
  layout.kinds.push_back({.name = "macrophage",
                          .variables = {"m2_share"},
                          .cells_per_agent = site.parameter("injury_site.macrophage_cells_per_agent")});
}

void register_injury_site(Registry& registry) {
  registry.add(MechanismEntry{.name = "injury_site",
                              .summary = "3D injury site: tissue, vessels' oxygen supply and transport of substrates",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (!c.spec.site) return nullptr;
                                return std::make_unique<InjurySiteCore>(c.spec, c.parameters);
                              },
                              .declare_site = declare_site});
}

}  // namespace bungner
