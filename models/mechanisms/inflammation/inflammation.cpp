// Inflammation at the injury site: monocytes are recruited from vessels by CCL2 (and arrive with
// the exudate in a fresh bridge), become macrophages that phagocytose myelin debris, shift from
// the pro-inflammatory (M1) to the pro-repair (M2, IL-10) state, sense hypoxia and secrete VEGF,
// and leave or die once the debris is gone. Equations and sources: README.md and docs/model.md.
#include <cmath>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

using site::Zone;

class Inflammation final : public Process {
 public:
  Inflammation(const ModelSpec& m, const ParameterSet& p)
      : layout_(m.site),
        cells_per_agent_(p.get("injury_site.macrophage_cells_per_agent")),
        recruitment_per_um3_s_(p.in("inflammation.recruitment_rate", "cells/mm^3/s") * 1e-9),
        ccl2_half_(p.in("inflammation.ccl2_half_recruitment", "ng/mL")),
        exudate_recruitment_per_um3_s_(p.in("inflammation.exudate_recruitment_rate", "cells/mm^3/s") * 1e-9),
        exudate_tau_s_(p.in("bridge_formation.exudate_duration", "s")),
        start_s_(static_cast<double>(m.injury == InjuryType::transection ? m.repair_time_s : 0)),
        epineurial_in_per_s_(p.in("inflammation.epineurial_recruitment", "cells/mm^2/s")),
        epineurial_residence_s_(p.in("inflammation.epineurial_residence_time", "s")),
        m2_per_s_(p.in("inflammation.m2_shift_rate", "1/s")),
        il10_gain_(p.get("inflammation.il10_m2_gain")),
        il10_half_(p.in("inflammation.il10_half_effect", "pg/mL")),
        phagocytosis_um3_per_s_(p.in("inflammation.phagocytic_clearance", "um^3/s")),
        death_per_s_(p.in("inflammation.death_rate", "1/s")),
        debris_retention_(p.get("inflammation.debris_retention")),
        speed_um_per_s_(p.in("inflammation.migration_speed", "um/s")),
        chemotaxis_(p.get("inflammation.chemotaxis_bias")),
        hypoxia_half_(p.in("inflammation.hypoxia_half_po2", "mmHg")),
        fibrin_threshold_(p.get("bridge_formation.matrix_threshold")),
        vegf_(site::pg_per_day_to_field(p.in("inflammation.vegf_secretion", "pg/d")) * cells_per_agent_),
        ccl2_(site::pg_per_day_to_field(p.in("inflammation.ccl2_secretion", "pg/d")) * cells_per_agent_),
        il10_(site::pg_per_day_to_field(p.in("inflammation.il10_secretion", "pg/d")) * 1e3 * cells_per_agent_),
        oxygen_field_(m.site->substrate("oxygen")),
        vegf_field_(m.site->substrate("vegf")),
        ccl2_field_(m.site->substrate("ccl2")),
        il10_field_(m.site->substrate("il10")),
        macrophage_(m.site->kind("macrophage")),
        m2_share_(m.site->variable("macrophage", "m2_share")) {}

  std::string_view name() const override { return "inflammation"; }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void advance(const Model&, State& state, const Tick& tick) const override {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    agents::Agents& c = s.cells;
    const double dt = static_cast<double>(tick.dt_s);
    const double volume = g.voxel_volume_um3();
    const auto passable = [&](std::size_t w) {
      if (!L.in_nerve(w)) return false;
      return L.zone[w] != Zone::bridge || L.graft || s.fibrin[w] >= fibrin_threshold_;
    };
    const double since = static_cast<double>(tick.time_s) - start_s_;
    const double exudation = since >= 0 ? std::exp(-since / exudate_tau_s_) : 0.0;
    // The epineurium (outside the blood-nerve barrier) takes in macrophages from the wound as long
    // as it exudes, and they leave with a residence time: an early peak (E14), before the
    // endoneurial one that Wallerian degeneration drives. Exact for a rate held over the tick.
    const double stay = std::exp(-dt / epineurial_residence_s_);
    s.epineurial_macrophages =
        s.epineurial_macrophages * stay + epineurial_in_per_s_ * exudation * epineurial_residence_s_ * (1 - stay);
    // Macrophages per voxel: those of the site's occupancy table (the start of the tick) and, kept
    // up to date here, the monocytes recruited in this step, which phagocytose from the hour they
    // arrive (they are not in the table until the next tick).
    const site::Occupancy& occupancy = site::current_occupancy(s, state.tick);
    const auto binned = occupancy.cells_of(macrophage_);
    std::vector<double> present(binned.begin(), binned.end());
    // Recruitment: from perfused vessels toward CCL2, and with the exudate into a fresh clot.
    for (int k = 0; k < g.nz; ++k)
      for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
          const std::size_t v = g.index(i, j, k);
          if (!passable(v)) continue;
          const double ccl2 = s.fields.at(v, ccl2_field_);
          // Leukocytes invade a fresh clot from the wound while it still exudes.
          const double clot = L.zone[v] == Zone::bridge && !L.graft ? s.fibrin[v] * exudation : 0.0;
          const double rate =
              recruitment_per_um3_s_ * s.vessel[v] * ccl2 / (ccl2_half_ + ccl2) + exudate_recruitment_per_um3_s_ * clot;
          if (rate <= 0) continue;
          RandomStream stream(state.key, v, static_cast<std::uint64_t>(tick.step), purpose_id("inflammation.recruit"));
          const std::uint64_t n = stream.poisson(rate * volume * dt / cells_per_agent_);
          const auto centre = g.center(i, j, k);
          for (std::uint64_t q = 0; q < n; ++q) {
            c.add(macrophage_, {centre[0] + (stream.uniform() - 0.5) * g.dx_um, centre[1] + (stream.uniform() - 0.5) * g.dx_um,
                                centre[2] + (stream.uniform() - 0.5) * g.dx_um});
            ++s.monocytes_recruited;
          }
          // Each is placed inside the voxel v.
          present[v] += static_cast<double>(n) * cells_per_agent_;
        }
    // Phagocytosis: each voxel's macrophages clear a volume of debris per second.
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      if (present[v] <= 0 || s.myelin[v] <= 0 || s.axon_integrity[v] > 0.5) continue;
      const double cleared = s.myelin[v] * (1 - std::exp(-phagocytosis_um3_per_s_ * present[v] / volume * dt));
      s.myelin[v] -= cleared;
      s.myelin_phagocytosis += cleared;
    }
    std::vector<fields::Exchange> secretion;
    std::vector<std::uint8_t> gone(c.size(), 0);
    for (std::size_t a = 0; a < c.size(); ++a) {
      if (c.kind[a] != macrophage_) continue;
      // Its voxel in the table, or for a monocyte recruited in this step, where it was placed.
      const std::size_t v = occupancy.voxel_or_current(a, g, c);
      RandomStream stream(state.key, c.id[a], static_cast<std::uint64_t>(tick.step), purpose_id("inflammation"));
      // M1 -> M2, faster with IL-10.
      double& m2 = c.variables[m2_share_][a];
      const double il10 = s.fields.at(v, il10_field_);
      const double shift = m2_per_s_ * (1 + il10_gain_ * il10 / (il10_half_ + il10));
      m2 = 1 - (1 - m2) * std::exp(-shift * dt);
      // HIF-1 switches on steeply below its threshold pO2 (Hill coefficient 3).
      const double hypoxia = 1 / (1 + std::pow(s.fields.at(v, oxygen_field_) / hypoxia_half_, 3));
      secretion.push_back({.voxel = v, .substrate = vegf_field_, .secretion = vegf_ * hypoxia});
      secretion.push_back({.voxel = v, .substrate = ccl2_field_, .secretion = ccl2_ * (1 - m2)});
      secretion.push_back({.voxel = v, .substrate = il10_field_, .secretion = il10_ * m2});
      // Debris (myelin, or the fibrin of a clot) keeps macrophages; without it they leave or die.
      const double debris = s.axon_integrity[v] > 0.5 ? 0.0 : s.myelin[v];  // intact myelin is not debris
      const double death = death_per_s_ / (1 + debris_retention_ * std::min(1.0, debris + s.fibrin[v]));
      if (stream.bernoulli(1 - std::exp(-death * dt))) {
        gone[a] = 1;
        continue;
      }
      // Chemotaxis up the CCL2 gradient, mixed with a random direction.
      const auto ijk = g.ijk(v);
      const auto grad = s.fields.gradient(ijk[0], ijk[1], ijk[2], ccl2_field_);
      const auto noise = site::random_direction(stream);
      const site::Steering steering = site::steer(std::array<site::Cue, 2>{
          {{.weight = 1 - chemotaxis_, .direction = noise}, {.weight = chemotaxis_, .direction = grad, .unit = true}}});
      std::array<double, 3> d = steering.direction;
      const double norm = steering.norm2;
      if (norm <= 0) continue;
      // A dense clot holds the cells that invaded it (they migrate through it slowly).
      const double hold = L.zone[v] == Zone::bridge && !L.graft ? std::min(1.0, s.fibrin[v]) : 0.0;
      const double step = speed_um_per_s_ * (1 - hold) * dt / std::sqrt(norm);
      for (auto& x : d) x *= step;
      site::try_move(L, c, a, d, passable);
    }
    site::remove_agents(s, gone);
    fields::apply_exchange(s.fields, secretion, dt / 60.0);
  }

 private:
  std::shared_ptr<const site::Layout> layout_;
  double cells_per_agent_;
  double recruitment_per_um3_s_;
  double ccl2_half_;
  double exudate_recruitment_per_um3_s_;
  double exudate_tau_s_;
  double start_s_;
  double epineurial_in_per_s_;
  double epineurial_residence_s_;
  double m2_per_s_;
  double il10_gain_;
  double il10_half_;
  double phagocytosis_um3_per_s_;
  double death_per_s_;
  double debris_retention_;
  double speed_um_per_s_;
  double chemotaxis_;
  double hypoxia_half_;
  double fibrin_threshold_;
  double vegf_;
  double ccl2_;
  double il10_;
  std::size_t oxygen_field_;
  std::size_t vegf_field_;
  std::size_t ccl2_field_;
  std::size_t il10_field_;
  std::uint8_t macrophage_;
  std::size_t m2_share_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "inflammation.recruitment_rate",
             .unit = "cells/mm^3/d",
             .default_value = 1.2e4,
             .hard = {0, 1e8},
             .plausible = {1e2, 1e6},
             .species = "rat",
             .meaning = "monocyte recruitment per volume of fully vascularised tissue at saturating CCL2",
             .source = "fitted to E12-E13 (endoneurial macrophages peak ~1000/mm^2 at ~14 d; Taskinen & Roytta, "
                       "Acta Neuropathol 1997;93:252, PMID 9083556)",
             .calibration = "E12, E13"});
  r.declare({.name = "inflammation.ccl2_half_recruitment",
             .unit = "ng/mL",
             .default_value = 1.0,
             .hard = {1e-6, 1e6},
             .plausible = {0.01, 100},
             .species = "all",
             .meaning = "CCL2 concentration of half-maximal monocyte recruitment",
             .source = "assumption"});
  r.declare({.name = "inflammation.exudate_recruitment_rate",
             .unit = "cells/mm^3/d",
             .default_value = 1e5,
             .hard = {0, 1e8},
             .plausible = {1e2, 1e6},
             .species = "all",
             .meaning = "leukocytes invading a fresh fibrin clot from the wound, per unit matrix density",
             .source = "assumption (macrophages fill the bridge within 1-2 days, Cattin et al., Cell 2015;162:1127)"});
  r.declare({.name = "inflammation.epineurial_recruitment",
             .unit = "cells/mm^2/d",
             .default_value = 1500,
             .hard = {0, 1e7},
             .plausible = {100, 1e5},
             .species = "rat",
             .meaning = "inflow of macrophages into the epineurium while the wound exudes (per mm^2 of epineurial "
                        "section, at full exudation)",
             .source = "fitted to E14 (Taskinen HS, Royttae M. Acta Neuropathol 1997;93:252, PMID 9083556: peak "
                       "1000-2000 /mm^2 at 3 d): peak = inflow x 1.0 d for the residence time below",
             .calibration = "E14"});
  r.declare({.name = "inflammation.epineurial_residence_time",
             .unit = "d",
             .default_value = 7.4,
             .hard = {0.01, 1000},
             .plausible = {1, 30},
             .species = "rat",
             .meaning = "mean time an epineurial macrophage stays",
             .source = "fitted to E14 (peak at 3 d, PMID 9083556, with the 1.5 d exudation of "
                       "bridge_formation.exudate_duration)",
             .calibration = "E14"});
  r.declare({.name = "inflammation.m2_shift_rate",
             .unit = "1/d",
             .default_value = 0.15,
             .hard = {0, 100},
             .plausible = {0.02, 2},
             .species = "all",
             .meaning = "rate of the M1 to M2 shift of macrophages without IL-10",
             .source = "assumption (M2 markers dominate from about 1-2 weeks after injury)"});
  r.declare({.name = "inflammation.il10_m2_gain",
             .unit = "1",
             .default_value = 2,
             .hard = {0, 100},
             .plausible = {0, 10},
             .species = "all",
             .meaning = "relative speed-up of the M2 shift at saturating IL-10",
             .source = "assumption"});
  r.declare({.name = "inflammation.il10_half_effect",
             .unit = "pg/mL",
             .default_value = 50,
             .hard = {1e-6, 1e9},
             .plausible = {1, 1e4},
             .species = "all",
             .meaning = "IL-10 concentration of half-maximal effect",
             .source = "assumption"});
  r.declare({.name = "inflammation.phagocytic_clearance",
             .unit = "um^3/s",
             .default_value = 0.012,
             .hard = {0, 1e6},
             .plausible = {1e-4, 10},
             .species = "rat",
             .meaning = "volume of tissue whose myelin debris one macrophage clears per second",
             .source = "fitted to E12 (rat macrophage peak at ~14 d, Taskinen & Roytta 1997, PMID 9083556); debris "
                       "largely cleared by 3-4 weeks",
             .calibration = "E12"});
  r.declare({.name = "inflammation.death_rate",
             .unit = "1/d",
             .default_value = 0.35,
             .hard = {0, 100},
             .plausible = {0.01, 3},
             .species = "all",
             .meaning = "rate at which macrophages without debris leave or die",
             .source = "fitted to E12 (peak at ~14 d in the rat)"
                       "; identifier not verified, assumption-grade",
             .calibration = "E12"});
  r.declare({.name = "inflammation.debris_retention",
             .unit = "1",
             .default_value = 4,
             .hard = {0, 1000},
             .plausible = {0, 50},
             .species = "all",
             .meaning = "how much full debris slows macrophage loss (loss rate / (1 + retention * debris))",
             .source = "assumption"});
  r.declare({.name = "inflammation.migration_speed",
             .unit = "um/min",
             .default_value = 1.5,
             .hard = {0, 100},
             .plausible = {0.1, 10},
             .species = "all",
             .meaning = "macrophage migration speed",
             .source = "assumption (typical tissue macrophage speeds 1-3 um/min)"});
  r.declare({.name = "inflammation.chemotaxis_bias",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "weight of the CCL2 gradient against a random direction",
             .source = "assumption"});
  r.declare({.name = "inflammation.hypoxia_half_po2",
             .unit = "mmHg",
             .default_value = 10,
             .hard = {0.01, 100},
             .plausible = {1, 30},
             .species = "all",
             .meaning = "pO2 at which macrophage VEGF secretion is half-maximal (HIF-1 activation, Hill coefficient 3)",
             .source = "assumption (HIF-1 stabilises below ~10-15 mmHg)"});
  r.declare({.name = "inflammation.vegf_secretion",
             .unit = "pg/d",
             .default_value = 2e-3,
             .hard = {0, 1},
             .plausible = {1e-5, 0.1},
             .species = "all",
             .meaning = "VEGF-A secreted per macrophage under full hypoxia",
             .source = "assumption (order of macrophage VEGF secretion in vitro); the mechanism follows Cattin et al., "
                       "Cell 2015;162:1127 (E16, E18)"});
  r.declare({.name = "inflammation.ccl2_secretion",
             .unit = "pg/d",
             .default_value = 0,
             .hard = {0, 1},
             .plausible = {0, 0.1},
             .species = "all",
             .meaning = "CCL2 secreted per M1 macrophage",
             .source = "assumption (0: recruitment follows the Schwann-cell signal alone; a macrophage source "
                       "recruiting more macrophages runs away at this coarse graining)"});
  r.declare({.name = "inflammation.il10_secretion",
             .unit = "pg/d",
             .default_value = 1e-3,
             .hard = {0, 1},
             .plausible = {1e-5, 0.1},
             .species = "all",
             .meaning = "IL-10 secreted per M2 macrophage",
             .source = "assumption"});
}

}  // namespace

void register_inflammation(Registry& registry) {
  registry.add(MechanismEntry{.name = "inflammation",
                              .summary = "monocyte recruitment, M1/M2 macrophages, debris phagocytosis, VEGF",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (!c.spec.site) return nullptr;
                                return std::make_unique<Inflammation>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
