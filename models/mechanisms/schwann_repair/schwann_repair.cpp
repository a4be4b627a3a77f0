// Schwann cells at the injury site: denervation switches on the repair programme (c-Jun); repair
// cells elongate, proliferate up to a crowding limit, line up into Büngner bands, secrete
// neurotrophins and CCL2, and migrate into the bridge only along vessels. The programme fades
// with time denervated (chronic denervation) and when axons return.
// Equations and sources: README.md beside this file and docs/model.md.
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

using site::Zone;

/// A daughter cell, added after every cell has decided.
struct Birth {
  std::array<double, 3> at{};
  std::size_t voxel = 0;  ///< the mother's voxel in the occupancy table, which the daughter is placed in
  double cjun = 0;
  double elongation = 0;
};

class SchwannRepair final : public Process {
 public:
  SchwannRepair(const ModelSpec& m, const ParameterSet& p)
      : layout_(m.site),
        activation_per_s_(p.in("schwann_repair.activation_rate", "1/s")),
        redifferentiation_per_s_(p.in("schwann_repair.redifferentiation_rate", "1/s")),
        chronic_tau_s_(p.in("schwann_repair.chronic_decline_time_constant", "s")),
        elongation_max_(p.get("schwann_repair.repair_cell_elongation")),
        elongation_tau_s_(p.in("schwann_repair.elongation_time", "s")),
        division_per_s_(p.in("schwann_repair.proliferation_rate", "1/s")),
        carrying_capacity_(p.get("schwann_repair.carrying_capacity")),
        speed_um_per_s_(p.in("schwann_repair.migration_speed", "um/s")),
        vessel_threshold_(p.get("schwann_repair.vessel_threshold")),
        band_per_s_(p.in("schwann_repair.band_formation_rate", "1/s")),
        guidance_weight_(p.get("schwann_repair.guidance_weight")),
        persistence_weight_(p.get("schwann_repair.persistence_weight")),
        random_weight_(p.get("schwann_repair.random_weight")),
        normal_per_voxel_(p.in("injury_site.schwann_density", "cells/mm^3") * 1e-9 * m.site->grid.voxel_volume_um3()),
        cells_per_agent_(p.get("injury_site.schwann_cells_per_agent")),
        smoothing_radius_(static_cast<int>(std::lround(p.in("injury_site.agent_footprint", "um") / m.site->grid.dx_um))),
        schwann_(m.site->kind("schwann")),
        cjun_(m.site->variable("schwann", "cjun")),
        elongation_(m.site->variable("schwann", "elongation")) {
    const char* factors[] = {"ngf", "bdnf", "gdnf", "nt3"};
    for (int f = 0; f < 4; ++f)
      neurotrophin_[f] =
          site::pg_per_day_to_field(p.in(fmt::format("schwann_repair.{}_secretion", factors[f]), "pg/d")) * cells_per_agent_;
    ccl2_ = site::pg_per_day_to_field(p.in("schwann_repair.ccl2_secretion", "pg/d")) * cells_per_agent_;
    const site::Layout& L = *m.site;
    for (int f = 0; f < 4; ++f) neurotrophin_field_[f] = L.substrate(factors[f]);
    ccl2_field_ = L.substrate("ccl2");
    // Cells of other kinds with a Schwann-like phenotype (transplanted, differentiated cells) line
    // bands too, as far as they keep it.
    for (std::size_t k = 0; k < L.kinds.size(); ++k) {
      const agents::CellKind& kind = L.kinds[k];
      const bool lines_bands = k != schwann_ && !kind.phenotype.empty() && !kind.cells_variable.empty();
      band_phenotype_.push_back(lines_bands ? static_cast<int>(kind.variable(kind.phenotype)) : -1);
      band_cells_.push_back(lines_bands ? static_cast<int>(kind.variable(kind.cells_variable)) : -1);
    }
  }

  std::string_view name() const override { return "schwann_repair"; }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    agents::Agents& c = s.cells;
    const double dt = static_cast<double>(tick.dt_s);
    const double denervated_for = std::max(0.0, static_cast<double>(tick.time_s - m.stump_denervation_time_s));
    const double capacity = std::exp(-denervated_for / chronic_tau_s_);  // E21, E23
    // Cells per voxel before anyone moves or divides (two-phase: decisions read this): the
    // Schwann cells of the site's occupancy table, and each agent's voxel from it.
    const site::Occupancy& occupancy = site::current_occupancy(s, state.tick);
    const std::vector<double> crowd = site::smooth_over_nerve(L, occupancy.cells_of(schwann_), smoothing_radius_);
    std::vector<fields::Exchange> secretion;
    std::vector<Birth> births;  // applied after every cell has decided
    const std::size_t n = occupancy.voxel.size();
    // Each agent's voxel at the end of its own step: the table's, updated when it moves (with the
    // voxel try_move checked). A local update, because the repair density below describes the cells
    // where they are after this step: counted where they were when the tick began, the front of
    // migrating repair cells would show in the bands an hour late, which delays bridging (about a
    // day in a 6 mm conduit, docs/agents.md).
    std::vector<std::uint32_t> voxel_now(occupancy.voxel.begin(), occupancy.voxel.begin() + static_cast<std::ptrdiff_t>(n));
    for (std::size_t a = 0; a < n; ++a) {
      if (c.kind[a] != schwann_) continue;
      const std::size_t v = occupancy.voxel[a];
      RandomStream stream(state.key, c.id[a], static_cast<std::uint64_t>(tick.step), purpose_id("schwann_repair"));
      // c-Jun rises where axons are gone, toward a ceiling that falls with time denervated, and
      // falls where regenerated axons are back (redifferentiation).
      double& cj = c.variables[cjun_][a];
      const double denervation = 1.0 - s.axon_integrity[v];
      const double target = denervation * capacity;
      const double up = activation_per_s_ * denervation;
      const double down = redifferentiation_per_s_ * std::min(1.0, s.regrown[v] + s.axon_integrity[v]);
      const double rate = up + down;
      if (rate > 0) cj = (up * target) / rate + (cj - (up * target) / rate) * std::exp(-rate * dt);
      double& e = c.variables[elongation_][a];
      const double e_target = 1.0 + (elongation_max_ - 1.0) * cj;
      e = e_target + (e - e_target) * std::exp(-dt / elongation_tau_s_);
      if (cj < 0.5) continue;
      // Secretion by repair cells.
      for (std::size_t f = 0; f < 4; ++f)
        secretion.push_back({.voxel = v, .substrate = neurotrophin_field_[f], .secretion = neurotrophin_[f] * cj});
      // The monocyte call goes out while there is myelin debris to clear.
      secretion.push_back({.voxel = v, .substrate = ccl2_field_, .secretion = ccl2_ * cj * s.myelin[v]});
      // Proliferation up to the crowding limit (E50, E51).
      const double room = 1.0 - crowd[v] / (carrying_capacity_ * normal_per_voxel_);
      if (room > 0 && stream.bernoulli(1.0 - std::exp(-division_per_s_ * cj * room * dt))) {
        const auto dir = site::random_direction(stream);
        const double r = 0.25 * g.dx_um;
        std::array<double, 3> at{c.x[a] + r * dir[0], c.y[a] + r * dir[1], c.z[a] + r * dir[2]};
        if (site::voxel_at(g, at[0], at[1], at[2]) != v) at = {c.x[a], c.y[a], c.z[a]};  // daughters stay in the tissue
        births.push_back({.at = at, .voxel = v, .cjun = cj, .elongation = e});
      }
      // Migration: persistent, along the local guidance (bands in the stumps, vessels in the
      // bridge); into the bridge only where vessels are (E17, E18).
      const auto& o = s.orientation[v];
      std::array<double, 3> h{c.mx[a], c.my[a], c.mz[a]};
      if (h[0] == 0 && h[1] == 0 && h[2] == 0) h = site::random_direction(stream);
      const double along = h[0] * o[0] + h[1] * o[1] + h[2] * o[2] >= 0 ? 1.0 : -1.0;
      const auto noise = site::random_direction(stream);
      const site::Steering steering = site::steer(std::array<site::Cue, 3>{{{.weight = guidance_weight_ * along, .direction = o},
                                                                            {.weight = persistence_weight_, .direction = h},
                                                                            {.weight = random_weight_, .direction = noise}}});
      std::array<double, 3> d = steering.direction;
      const double norm = std::sqrt(steering.norm2);
      const double step = speed_um_per_s_ * cj * dt;
      for (int q = 0; q < 3; ++q) d[q] *= step / norm;
      std::size_t landed = v;
      const bool moved = site::try_move(L, c, a, d, [&](std::size_t w) {
        landed = w;
        if (!L.in_nerve(w) || s.axon_integrity[w] > 0.5) return false;  // intact nerve holds its own cells
        return L.zone[w] != Zone::bridge || L.graft || s.vessel[w] >= vessel_threshold_;
      });
      if (moved) {
        voxel_now[a] = static_cast<std::uint32_t>(landed);
        c.mx[a] = d[0] / step;
        c.my[a] = d[1] / step;
        c.mz[a] = d[2] / step;
      } else {
        c.mx[a] = c.my[a] = c.mz[a] = 0;  // turn next time
      }
    }
    for (const auto& b : births) {
      const std::size_t a = c.add(schwann_, b.at);
      c.variables[cjun_][a] = b.cjun;
      c.variables[elongation_][a] = b.elongation;
    }
    fields::apply_exchange(s.fields, secretion, dt / 60.0);
    // Repair cells per voxel and the bands they form: each agent in its voxel after its step (the
    // table's, or where it moved), weighted by its c-Jun of the end of the step.
    std::vector<double> repair(g.voxels(), 0.0);
    for (std::size_t a = 0; a < n; ++a) {
      const std::uint8_t k = c.kind[a];
      if (k == schwann_ && c.variables[cjun_][a] >= 0.5) repair[voxel_now[a]] += cells_per_agent_ / normal_per_voxel_;
      // Transplanted Schwann-like cells line bands while most of them keep the phenotype (the
      // same majority rule as for repair cells), as many as keep it.
      else if (const int phenotype = band_phenotype_[k];
               phenotype >= 0 && c.variables[static_cast<std::size_t>(phenotype)][a] >= 0.5)
        repair[voxel_now[a]] += c.variables[static_cast<std::size_t>(phenotype)][a] *
                                c.variables[static_cast<std::size_t>(band_cells_[k])][a] / normal_per_voxel_;
    }
    // This step's daughters are not in the table until the next tick, but they are repair cells
    // from now on (a mother divides only with c-Jun >= 0.5 and passes it on): counted here, in the
    // mother's voxel of the table, where every daughter is placed, so a division shows in the
    // bands in the hour it happens, as it did before the table.
    for (const auto& b : births)
      if (b.cjun >= 0.5) repair[b.voxel] += cells_per_agent_ / normal_per_voxel_;
    s.schwann_density = site::smooth_over_nerve(L, repair, smoothing_radius_);
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      if (!L.in_nerve(v)) continue;
      // Bands form where repair cells are and outlast the repair phenotype: once axons are back
      // the cells myelinate inside the same basal-lamina tubes.
      const double cover = std::min(1.0, s.schwann_density[v]);
      if (cover > s.band[v]) s.band[v] = cover + (s.band[v] - cover) * std::exp(-band_per_s_ * dt);
    }
  }

 private:
  std::shared_ptr<const site::Layout> layout_;
  double activation_per_s_;
  double redifferentiation_per_s_;
  double chronic_tau_s_;
  double elongation_max_;
  double elongation_tau_s_;
  double division_per_s_;
  double carrying_capacity_;
  double speed_um_per_s_;
  double vessel_threshold_;
  double band_per_s_;
  double guidance_weight_;
  double persistence_weight_;
  double random_weight_;
  double normal_per_voxel_;
  double cells_per_agent_;
  int smoothing_radius_;
  double neurotrophin_[4]{};
  double ccl2_ = 0;
  std::uint8_t schwann_;
  std::size_t cjun_;
  std::size_t elongation_;
  std::size_t neurotrophin_field_[4]{};  ///< NGF, BDNF, GDNF, NT-3
  std::size_t ccl2_field_ = 0;
  std::vector<int> band_phenotype_;  ///< per kind: the variable of a Schwann-like phenotype that lines bands, or -1
  std::vector<int> band_cells_;      ///< per kind: the variable counting the cells an agent stands for
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "schwann_repair.activation_rate",
             .unit = "1/d",
             .default_value = 1.0,
             .hard = {0, 100},
             .plausible = {0.2, 5},
             .species = "all",
             .meaning = "rate of c-Jun (repair programme) activation in denervated Schwann cells",
             .source = "assumption (c-Jun rises within 1-3 days of injury; Arthur-Farraj et al., Neuron 2012;75:633, "
                       "doi:10.1016/j.neuron.2012.06.021)"});
  r.declare({.name = "schwann_repair.redifferentiation_rate",
             .unit = "1/d",
             .default_value = 0.1,
             .hard = {0, 100},
             .plausible = {0.01, 1},
             .species = "all",
             .meaning = "rate at which repair cells return to a myelinating state once axons are back",
             .source = "assumption"});
  r.declare({.name = "schwann_repair.chronic_decline_time_constant",
             .unit = "d",
             .default_value = 49,
             .hard = {1, 10000},
             .plausible = {20, 200},
             .species = "rat",
             .meaning = "time constant of the fall of the repair programme with time denervated",
             .source = "PMC6622714 Fig. 5 (E21, chronically denervated distal stump); c-Jun falls in chronic "
                       "denervation, Wagstaff et al., eLife 2021;10:e62232 (E23)",
             .calibration = "E21"});
  r.declare({.name = "schwann_repair.repair_cell_elongation",
             .unit = "1",
             .default_value = 2.5,
             .hard = {1, 10},
             .plausible = {1.5, 4},
             .species = "mouse",
             .meaning = "length of a repair Schwann cell relative to a myelinating one",
             .source = "Gomez-Sanchez et al., J Neurosci 2017;37:9086, doi:10.1523/JNEUROSCI.1453-17.2017 (E19: 2-3x)",
             .calibration = "E19"});
  r.declare({.name = "schwann_repair.elongation_time",
             .unit = "d",
             .default_value = 2,
             .hard = {0.01, 100},
             .plausible = {0.5, 10},
             .species = "all",
             .meaning = "time constant of repair-cell elongation",
             .source = "assumption"});
  r.declare({.name = "schwann_repair.proliferation_rate",
             .unit = "1/d",
             .default_value = 0.5,
             .hard = {0, 10},
             .plausible = {0.1, 2},
             .species = "rat",
             .meaning = "division rate of fully activated repair Schwann cells with room to grow",
             .source = "assumption, chosen so the labelling index is raised from day 2 to about day 8 (E50, "
                       "Clemence et al. 1989)",
             .calibration = "E50"});
  r.declare({.name = "schwann_repair.carrying_capacity",
             .unit = "1",
             .default_value = 3.5,
             .hard = {1, 20},
             .plausible = {1.5, 6},
             .species = "rat",
             .meaning = "Schwann-cell density at which proliferation stops, relative to normal nerve",
             .source = "Salonen et al. 1988 (E51: 3.5-fold distal Schwann cells after regeneration)"
                       "; identifier not verified, assumption-grade",
             .calibration = "E51"});
  r.declare({.name = "schwann_repair.migration_speed",
             .unit = "mm/d",
             .default_value = 0.6,
             .hard = {0, 20},
             .plausible = {0.1, 3},
             .species = "mouse",
             .meaning = "migration speed of repair Schwann cells along vessels or bands",
             .source = "assumption, chosen so Schwann cords reach into a mouse bridge by day 4-5 (E17, E49)",
             .calibration = "E17, E49"});
  // The steering of a migrating repair cell (site::steer): the local guidance (bands in the
  // stumps, vessels in the bridge), its own heading and a random direction.
  r.declare({.name = "schwann_repair.guidance_weight",
             .unit = "1",
             .default_value = 0.6,
             .hard = {0, 10},
             .plausible = {0.2, 2},
             .species = "all",
             .meaning = "weight of the local guidance (bands, vessels) in a repair cell's steering",
             .source = "assumption (repair cells follow vessels across a bridge, Cattin et al., Cell 2015;162:1127, "
                       "doi:10.1016/j.cell.2015.07.021; the weight against persistence and noise is not measured)"});
  r.declare({.name = "schwann_repair.persistence_weight",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 10},
             .plausible = {0, 2},
             .species = "all",
             .meaning = "weight of a repair cell's own heading in its steering (persistence)",
             .source = "assumption"});
  r.declare({.name = "schwann_repair.random_weight",
             .unit = "1",
             .default_value = 0.4,
             .hard = {0, 10},
             .plausible = {0, 2},
             .species = "all",
             .meaning = "weight of a random direction in a repair cell's steering",
             .source = "assumption"});
  r.declare({.name = "schwann_repair.vessel_threshold",
             .unit = "1",
             .default_value = 0.2,
             .hard = {0, 1},
             .plausible = {0.05, 0.8},
             .species = "all",
             .meaning = "vascular density a bridge voxel needs before Schwann cells can enter it",
             .source = "assumption (Schwann cells migrate only along vessels, Cattin et al., Cell 2015;162:1127, "
                       "doi:10.1016/j.cell.2015.07.021, E18)"});
  r.declare({.name = "schwann_repair.band_formation_rate",
             .unit = "1/d",
             .default_value = 0.33,
             .hard = {0, 100},
             .plausible = {0.05, 3},
             .species = "all",
             .meaning = "rate at which repair cells line up into Büngner bands",
             .source = "assumption"});
  const char* factors[][2] = {{"ngf", "NGF"}, {"bdnf", "BDNF"}, {"gdnf", "GDNF"}, {"nt3", "NT-3"}};
  for (const auto& f : factors)
    r.declare({.name = fmt::format("schwann_repair.{}_secretion", f[0]),
               .unit = "pg/d",
               .default_value = 1e-3,
               .hard = {0, 1},
               .plausible = {1e-5, 1e-1},
               .species = "all",
               .meaning = fmt::format("{} secreted per repair Schwann cell", f[1]),
               .source = "assumption (order of cultured Schwann-cell secretion, ~100 pg/mL per 1e5 cells per day)"});
  r.declare({.name = "schwann_repair.ccl2_secretion",
             .unit = "pg/d",
             .default_value = 2e-3,
             .hard = {0, 1},
             .plausible = {1e-5, 1e-1},
             .species = "all",
             .meaning = "CCL2 (MCP-1) secreted per repair Schwann cell",
             .source = "assumption (Schwann cells are the main early source of MCP-1, Toews et al. 1998)"});
}

}  // namespace

void register_schwann_repair(Registry& registry) {
  registry.add(MechanismEntry{.name = "schwann_repair",
                              .summary = "repair Schwann cells: c-Jun, elongation, proliferation, bands, migration",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (!c.spec.site) return nullptr;
                                return std::make_unique<SchwannRepair>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
