// Wallerian degeneration of the axons distal to the injury: after a latent phase the axons
// fragment in a wave that runs distally; their myelin becomes debris that repair Schwann cells
// digest by autophagy (myelinophagy) before macrophages take over (inflammation).
// Equations and sources: README.md beside this file and docs/model.md.
#include <cmath>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class WallerianDegeneration final : public Process {
 public:
  WallerianDegeneration(const ModelSpec& m, const ParameterSet& p)
      : layout_(m.site),
        latent_s_(m.injury == InjuryType::crush ? p.in("wallerian_degeneration.latent_phase_crush", "s")
                                                : p.in("wallerian_degeneration.latent_phase_transection", "s")),
        wave_um_per_s_(p.in("wallerian_degeneration.wave_speed", "um/s")),
        fragmentation_s_(p.in("wallerian_degeneration.fragmentation_time", "s")),
        proximal_um_(p.in("wallerian_degeneration.proximal_dieback", "um")),
        autophagy_per_s_(p.in("wallerian_degeneration.autophagy_rate", "1/s")),
        normal_per_voxel_(p.in("injury_site.schwann_density", "cells/mm^3") * 1e-9 * m.site->grid.voxel_volume_um3()),
        cells_per_agent_(p.get("injury_site.schwann_cells_per_agent")),
        schwann_(m.site->kind("schwann")),
        cjun_(m.site->variable("schwann", "cjun")) {}

  std::string_view name() const override { return "wallerian_degeneration"; }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  /// When the axons at x fragment [s after the injury]; infinite where they survive.
  double fragmentation_time(const Model& m, double x_um) const {
    const site::Layout& L = *layout_;
    const double axotomy = static_cast<double>(m.axotomy_time_s);
    if (x_um >= L.gap_end_um) return axotomy + latent_s_ + (x_um - L.gap_end_um) / wave_um_per_s_;
    if (x_um >= L.gap_start_um) return axotomy + latent_s_;  // a graft's own axons
    // The proximal stump dies back only near the cut (traumatic degeneration).
    if (x_um >= L.gap_start_um - proximal_um_) return axotomy + latent_s_;
    return INFINITY;
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    const double t1 = static_cast<double>(tick.time_s + tick.dt_s);
    const double dt = static_cast<double>(tick.dt_s);
    // Repair programme of the Schwann cells in each voxel, relative to a normal nerve's cells: a
    // c-Jun-weighted sum over the agents, each in its voxel of the occupancy table.
    const site::Occupancy& occupancy = site::current_occupancy(s, state.tick);
    std::vector<double> activity(g.voxels(), 0.0);
    const auto& cjun = s.cells.variables[cjun_];
    for (std::size_t a = 0; a < occupancy.voxel.size(); ++a)
      if (s.cells.kind[a] == schwann_) activity[occupancy.voxel[a]] += cjun[a] * cells_per_agent_ / normal_per_voxel_;
    for (int k = 0; k < g.nz; ++k)
      for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
          const std::size_t v = g.index(i, j, k);
          if (!L.in_nerve(v)) continue;
          const double t_fragment = fragmentation_time(m, g.center(i, j, k)[0]);
          const double overlap = t1 - t_fragment;
          if (overlap > 0) {
            s.axon_integrity[v] *= std::exp(-std::min(overlap, dt) / fragmentation_s_);
            // Once the axon is gone its myelin is debris that Schwann cells begin to digest.
            const double cleared = s.myelin[v] * (1 - std::exp(-autophagy_per_s_ * activity[v] * std::min(overlap, dt)));
            s.myelin[v] -= cleared;
            s.myelin_autophagy += cleared;
          }
        }
  }

 private:
  std::shared_ptr<const site::Layout> layout_;
  double latent_s_;
  double wave_um_per_s_;
  double fragmentation_s_;
  double proximal_um_;
  double autophagy_per_s_;
  double normal_per_voxel_;
  double cells_per_agent_;
  std::uint8_t schwann_;
  std::size_t cjun_;
};

void declare(ParameterRegistry& r) {
  const std::string beirowski = "Beirowski et al., BMC Neurosci 2005;6:6, doi:10.1186/1471-2202-6-6";
  r.declare({.name = "wallerian_degeneration.latent_phase_transection",
             .unit = "h",
             .default_value = 37,
             .hard = {0, 1000},
             .plausible = {20, 80},
             .species = "mouse",
             .meaning = "time from transection to fragmentation of the axons at the cut",
             .source = beirowski + " (E08: fragmentation at 37-42 h)",
             .calibration = "E08"});
  r.declare({.name = "wallerian_degeneration.latent_phase_crush",
             .unit = "h",
             .default_value = 40,
             .hard = {0, 1000},
             .plausible = {20, 80},
             .species = "mouse",
             .meaning = "time from crush to fragmentation of the axons at the crush",
             .source = beirowski + " (E09: fragmentation at 40-44 h)",
             .calibration = "E09"});
  r.declare({.name = "wallerian_degeneration.wave_speed",
             .unit = "mm/h",
             .default_value = 1.0,
             .hard = {0.001, 1000},
             .plausible = {0.1, 20},
             .species = "mouse",
             .meaning = "speed of the proximal-to-distal fragmentation wave",
             .source = "assumption, chosen so the 4 mm distal site fragments within the 37-42 h window of " + beirowski});
  r.declare({.name = "wallerian_degeneration.fragmentation_time",
             .unit = "h",
             .default_value = 2,
             .hard = {0.01, 100},
             .plausible = {0.5, 12},
             .species = "all",
             .meaning = "time constant of the loss of an axon segment once it fragments",
             .source = "assumption (fragmentation of a segment completes within hours, " + beirowski + ")"});
  r.declare({.name = "wallerian_degeneration.proximal_dieback",
             .unit = "mm",
             .default_value = 0.5,
             .hard = {0, 20},
             .plausible = {0, 3},
             .species = "all",
             .meaning = "length of proximal stump whose axons degenerate back from the cut",
             .source = "assumption (traumatic degeneration back to the first node(s) of Ranvier)"});
  r.declare({.name = "wallerian_degeneration.autophagy_rate",
             .unit = "1/d",
             .default_value = 0.04,
             .hard = {0, 100},
             .plausible = {0.01, 2},
             .species = "rat",
             .meaning = "rate at which fully activated repair Schwann cells at normal density digest their myelin",
             .source = "fitted with the inflammation rates to E12 (rat endoneurial macrophages peak at ~14 d, Taskinen & "
                       "Roytta 1997, PMID 9083556): slower debris clearance than in the mouse, whose preset sets 0.25/d "
                       "fitted to E11",
             .calibration = "E12"});
}

}  // namespace

void register_wallerian_degeneration(Registry& registry) {
  registry.add(MechanismEntry{.name = "wallerian_degeneration",
                              .summary = "fragmentation of distal axons and myelin breakdown by Schwann-cell autophagy",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (!c.spec.site) return nullptr;
                                return std::make_unique<WallerianDegeneration>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
