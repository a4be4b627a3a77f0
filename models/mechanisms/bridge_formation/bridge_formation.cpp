// The bridge across a gap: plasma exudate from the cut faces (and through a permeable conduit
// wall) polymerises into a fibrin cable that lyses unless cells colonise it; hypoxia makes the
// macrophages in it secrete VEGF (inflammation), and endothelial tips sprout from the stumps' vessels,
// climb the VEGF gradient along the matrix and leave polarised vessels that Schwann cells follow.
// A long, impermeable gap fails because the cable there is too thin and lyses before vessels
// arrive, not by a rule. Equations and sources: README.md beside this file and docs/model.md.
#include <cmath>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

using site::Zone;

class BridgeFormation final : public Process {
 public:
  BridgeFormation(const ModelSpec& m, const ParameterSet& p)
      : layout_(m.site),
        exudate_um_per_s_(p.in("bridge_formation.exudate_flux", "um/s")),
        exudate_mg_ml_(p.in("bridge_formation.exudate_fibrinogen", "mg/mL")),
        exudate_tau_s_(p.in("bridge_formation.exudate_duration", "s")),
        exudate_spread_(p.get("bridge_formation.exudate_variability")),
        yield_mg_per_um2_(p.in("bridge_formation.exudate_yield", "mg/mm^2") * 1e-6),
        wall_um_per_s_(m.repair == RepairType::conduit ? m.conduit.wall_permeability_m_per_s * 1e6
                                                       : p.in("bridge_formation.wound_bed_permeability", "um/s")),
        polymerisation_per_s_(p.in("bridge_formation.polymerisation_rate", "1/s")),
        gel_mg_ml_(p.in("bridge_formation.cable_fibrin", "mg/mL")),
        lysis_per_s_(p.in("bridge_formation.fibrinolysis_rate", "1/s")),
        matrix_threshold_(p.get("bridge_formation.matrix_threshold")),
        sprout_per_s_(p.in("bridge_formation.sprouting_rate", "1/s")),
        vegf_half_(p.in("bridge_formation.vegf_half_sprouting", "ng/mL")),
        tip_um_per_s_(p.in("bridge_formation.tip_speed", "um/s")),
        tip_chemotaxis_(p.get("bridge_formation.tip_chemotaxis")),
        tip_wander_(p.get("bridge_formation.tip_wander")),
        tip_polarity_(p.get("bridge_formation.tip_polarity")),
        tip_life_s_(p.in("bridge_formation.tip_lifetime", "s")),
        vessel_per_pass_(p.get("bridge_formation.vessel_per_tip_pass")),
        po2_(p.in("injury_site.vessel_po2", "mmHg")),
        start_s_(static_cast<double>(m.injury == InjuryType::transection ? m.repair_time_s : 0)),
        oxygen_field_(m.site->substrate("oxygen")),
        vegf_field_(m.site->substrate("vegf")),
        fibrinogen_field_(m.site->substrate("fibrinogen")),
        tip_(m.site->kind("endothelial_tip")),
        tip_direction_(m.site->variable("endothelial_tip", "direction")),
        tip_age_(m.site->variable("endothelial_tip", "age")) {}

  std::string_view name() const override { return "bridge_formation"; }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void advance(const Model&, State& state, const Tick& tick) const override {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    if (L.gap_end_um <= L.gap_start_um) return;  // no gap, no bridge
    const fields::Grid& g = L.grid;
    const double t0 = static_cast<double>(tick.time_s);
    const double dt = static_cast<double>(tick.dt_s);
    if (t0 + dt <= start_s_) return;
    // This subject's exudate: one lognormal draw for the whole wound (biological variability).
    RandomStream wound(state.key, 0, 0, purpose_id("bridge_formation.exudate"));
    const double amount = std::exp(exudate_spread_ * wound.normal());
    const double exudate = exudate_mg_ml_ * amount * std::exp(-(t0 - start_s_) / exudate_tau_s_);
    const double area_over_volume = 1.0 / g.dx_um;  // one voxel face per boundary voxel
    if (t0 <= start_s_ && !L.graft) {
      // The gap fills with the fluid the stumps exude at once: a fixed yield of fibrinogen per
      // area of cut face, diluted into the whole lumen, so a longer or wider tube gets a thinner
      // cable (Williams et al. 1983).
      double lumen = 0;
      for (std::size_t v = 0; v < g.voxels(); ++v) lumen += L.zone[v] == Zone::bridge ? 1.0 : 0.0;
      const double faces_um2 = static_cast<double>(L.cut_face_voxels.size()) * g.dx_um * g.dx_um;
      const double fill = lumen > 0 ? yield_mg_per_um2_ * amount * faces_um2 / (lumen * g.voxel_volume_um3()) * 1e12 : 0.0;
      for (std::size_t v = 0; v < g.voxels(); ++v)
        if (L.zone[v] == Zone::bridge) s.fields.at(v, fibrinogen_field_) += fill;
    }
    // Exudate from the cut faces into the gap (a flux through the face into the next voxel).
    for (std::size_t v : L.cut_face_voxels) {
      double& c = s.fields.at(v, fibrinogen_field_);
      c = exudate + (c - exudate) * std::exp(-exudate_um_per_s_ * area_over_volume * dt);
    }
    // Membrane exchange through the conduit wall (or the open wound bed) with the surroundings:
    // perfused tissue outside, exudate early on, no cytokines.
    if (wall_um_per_s_ > 0) {
      const double relax = 1 - std::exp(-wall_um_per_s_ * area_over_volume * dt);
      for (std::size_t v : L.wall_lumen_voxels) {
        for (std::size_t q = 0; q < L.substrates.size(); ++q) {
          const double outside = q == oxygen_field_ ? po2_ : q == fibrinogen_field_ ? exudate : 0.0;
          double& c = s.fields.at(v, q);
          c += (outside - c) * relax;
        }
      }
    }
    // Polymerisation into the cable, and fibrinolysis of what cells have not colonised.
    const double polymerised_share = 1 - std::exp(-polymerisation_per_s_ * dt);
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      if (L.zone[v] != Zone::bridge || L.graft) continue;
      double& c = s.fields.at(v, fibrinogen_field_);
      const double fibrin = c * polymerised_share;
      c -= fibrin;
      s.fibrin[v] = std::min(1.0, s.fibrin[v] + fibrin / gel_mg_ml_);
      const double colonised = std::min(1.0, s.vessel[v] + s.schwann_density[v]);
      s.fibrin[v] *= std::exp(-lysis_per_s_ * (1 - colonised) * dt);
    }
    grow_vessels(state, tick);
  }

 private:
  void grow_vessels(State& state, const Tick& tick) const {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    agents::Agents& c = s.cells;
    const double dt = static_cast<double>(tick.dt_s);
    // Sprouting from the stumps' vessels at the cut faces, driven by VEGF.
    for (std::size_t v : L.cut_face_voxels) {
      const double vegf = s.fields.at(v, vegf_field_);
      if (s.vessel[v] <= 0 || vegf <= 0) continue;
      RandomStream stream(state.key, v, static_cast<std::uint64_t>(tick.step), purpose_id("bridge_formation.sprout"));
      if (!stream.bernoulli(1 - std::exp(-sprout_per_s_ * s.vessel[v] * vegf / (vegf_half_ + vegf) * dt))) continue;
      const std::size_t i = v % static_cast<std::size_t>(g.nx);
      const std::size_t j = (v / static_cast<std::size_t>(g.nx)) % static_cast<std::size_t>(g.ny);
      const std::size_t k = v / (static_cast<std::size_t>(g.nx) * static_cast<std::size_t>(g.ny));
      const auto centre = g.center(static_cast<int>(i), static_cast<int>(j), static_cast<int>(k));
      const std::size_t a = c.add(tip_, centre);
      const bool proximal = L.zone[v] == Zone::proximal_stump;
      c.mx[a] = proximal ? 1.0 : -1.0;  // heading into the gap
      c.my[a] = c.mz[a] = 0;
      c.variables[tip_age_][a] = 0;                            // age [s]
      c.variables[tip_direction_][a] = proximal ? 1.0 : -1.0;  // direction of growth along x
    }
    // Each tip starts the step in its voxel of the site's occupancy table (no other mechanism moves
    // tips), or, sprouted in this step, in the voxel it sprouted into.
    const site::Occupancy& occupancy = site::current_occupancy(s, state.tick);
    std::vector<std::uint8_t> gone(c.size(), 0);
    for (std::size_t a = 0; a < c.size(); ++a) {
      if (c.kind[a] != tip_) continue;
      double& age = c.variables[tip_age_][a];
      age += dt;
      if (age > tip_life_s_) {
        gone[a] = 1;
        continue;
      }
      RandomStream stream(state.key, c.id[a], static_cast<std::uint64_t>(tick.step), purpose_id("bridge_formation.tip"));
      const std::size_t from = occupancy.voxel_or_current(a, g, c);
      const auto ijk = g.ijk(from);
      const auto grad = s.fields.gradient(ijk[0], ijk[1], ijk[2], vegf_field_);
      const auto noise = site::random_direction(stream);
      const std::array<double, 3> h{c.mx[a], c.my[a], c.mz[a]};
      const site::Steering steering =
          site::steer(std::array<site::Cue, 3>{{{.weight = 1, .direction = h},
                                                {.weight = tip_wander_, .direction = noise},
                                                {.weight = tip_chemotaxis_, .direction = grad, .unit = true}}});
      std::array<double, 3> d = steering.direction;
      double norm = steering.norm2;
      // Sprouts are polarised (Cattin et al. 2015): each keeps a forward component along the
      // axis of the gap, away from the stump it sprouted from.
      const double forward = c.variables[tip_direction_][a];
      if (d[0] * forward < tip_polarity_ * std::sqrt(norm)) {
        d[0] = forward * tip_polarity_ * std::sqrt(norm);
        norm = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      }
      norm = std::sqrt(norm);
      const double step = tip_um_per_s_ * dt;
      for (auto& x : d) x *= step / norm;
      const bool in_bridge = L.zone[from] == Zone::bridge;
      const auto passable = [&](std::size_t w) {
        if (!L.in_nerve(w)) return false;
        if (w == from) return true;
        if (L.zone[w] == Zone::bridge) return s.fibrin[w] >= matrix_threshold_;
        return in_bridge;  // back into a stump only to anastomose with its vessels
      };
      if (site::try_move(L, c, a, d, passable)) {
        c.mx[a] = d[0] / step;
        c.my[a] = d[1] / step;
        c.mz[a] = d[2] / step;
        // Where this tip has just moved to (its own step, not a count of the agents).
        const std::size_t to = site::voxel_at(g, c.x[a], c.y[a], c.z[a]);
        if (L.zone[to] == Zone::bridge) s.vessel_length_um += step;
        // A tip that reaches the other stump's vascular bed anastomoses and stops.
        if (L.zone[to] != Zone::bridge && to != from && L.zone[to] != L.zone[from] && L.zone[from] == Zone::bridge) {
          gone[a] = 1;
          continue;
        }
        if (L.zone[to] == Zone::bridge) {
          s.vessel[to] = std::min(1.0, s.vessel[to] + vessel_per_pass_ * step / g.dx_um);
          s.orientation[to] = {c.mx[a], c.my[a], c.mz[a]};
        }
      } else if (!in_bridge) {
        // Still in its stump: keep heading for the gap.
        c.mx[a] = c.variables[tip_direction_][a];
        c.my[a] = c.mz[a] = 0;
      } else {
        const auto turn = site::random_direction(stream);
        c.mx[a] = 0.5 * c.mx[a] + 0.5 * turn[0];
        c.my[a] = 0.5 * c.my[a] + 0.5 * turn[1];
        c.mz[a] = 0.5 * c.mz[a] + 0.5 * turn[2];
      }
    }
    site::remove_agents(s, gone);
  }

  std::shared_ptr<const site::Layout> layout_;
  double exudate_um_per_s_;
  double exudate_mg_ml_;
  double exudate_tau_s_;
  double exudate_spread_;
  double yield_mg_per_um2_;
  double wall_um_per_s_;
  double polymerisation_per_s_;
  double gel_mg_ml_;
  double lysis_per_s_;
  double matrix_threshold_;
  double sprout_per_s_;
  double vegf_half_;
  double tip_um_per_s_;
  double tip_chemotaxis_;
  double tip_wander_;
  double tip_polarity_;
  double tip_life_s_;
  double vessel_per_pass_;
  double po2_;
  double start_s_;
  std::size_t oxygen_field_;
  std::size_t vegf_field_;
  std::size_t fibrinogen_field_;
  std::uint8_t tip_;
  std::size_t tip_direction_;
  std::size_t tip_age_;
};

void declare(ParameterRegistry& r) {
  const std::string cattin = "Cattin et al., Cell 2015;162:1127, doi:10.1016/j.cell.2015.07.021";
  r.declare({.name = "bridge_formation.exudate_flux",
             .unit = "um/min",
             .default_value = 5,
             .hard = {0, 1e4},
             .plausible = {0.1, 100},
             .species = "all",
             .meaning = "exchange velocity of plasma exudate across a cut face into the gap",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.exudate_fibrinogen",
             .unit = "mg/mL",
             .default_value = 3,
             .hard = {0, 100},
             .plausible = {0.5, 5},
             .species = "all",
             .meaning = "fibrinogen of the exudate at the cut faces (plasma 2-4 mg/mL)",
             .source = "assumption (normal plasma fibrinogen 2-4 mg/mL)"});
  r.declare({.name = "bridge_formation.exudate_duration",
             .unit = "d",
             .default_value = 1.5,
             .hard = {0.01, 100},
             .plausible = {0.3, 5},
             .species = "all",
             .meaning = "time constant of the fall of exudation after injury or repair",
             .source = "assumption (the fibrin cable forms within about a day; Williams et al. 1983)"});
  r.declare({.name = "bridge_formation.exudate_variability",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 3},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "log-SD over subjects of the amount of exudate (why some long gaps bridge and others fail)",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.exudate_yield",
             .unit = "mg/mm^2",
             .default_value = 5.8e-3,
             .hard = {0, 10},
             .plausible = {1e-4, 0.1},
             .species = "rat",
             .meaning = "fibrinogen the cut faces release into a gap at repair, per area of cut face",
             .source = "fitted to E31 (an empty impermeable tube bridges about 10 mm in the rat; Jenq & Coggeshall, "
                       "Brain Res 1987; identifier not verified, assumption-grade), refitted with tip_speed 0.8 mm/d: "
                       "seeds 1-4 bridge 4/4, 2/4, 0/4 tubes of 5, 10, 15 mm (1.1e-2 would bridge 4/4 at 10 mm)",
             .calibration = "E31"});
  r.declare({.name = "bridge_formation.wound_bed_permeability",
             .unit = "um/min",
             .default_value = 2,
             .hard = {0, 1e4},
             .plausible = {0.01, 100},
             .species = "all",
             .meaning = "exchange velocity between an unrepaired gap and the surrounding wound bed",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.polymerisation_rate",
             .unit = "1/h",
             .default_value = 0.5,
             .hard = {0, 1000},
             .plausible = {0.05, 10},
             .species = "all",
             .meaning = "rate at which exudate fibrinogen polymerises into fibrin in the gap",
             .source = "assumption (clotting within hours)"});
  r.declare({.name = "bridge_formation.cable_fibrin",
             .unit = "mg/mL",
             .default_value = 1.5,
             .hard = {0.01, 100},
             .plausible = {0.5, 10},
             .species = "all",
             .meaning = "fibrin content of a complete cable (matrix density 1)",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.fibrinolysis_rate",
             .unit = "1/d",
             .default_value = 0.05,
             .hard = {0, 100},
             .plausible = {0.01, 1},
             .species = "all",
             .meaning = "lysis of fibrin that no vessel or Schwann cell has colonised",
             .source = "assumption (uncolonised cables degenerate within weeks; Williams et al. 1983)"});
  r.declare({.name = "bridge_formation.matrix_threshold",
             .unit = "1",
             .default_value = 0.15,
             .hard = {0, 1},
             .plausible = {0.01, 0.8},
             .species = "all",
             .meaning = "matrix density that cells and vessels need to enter a voxel of the gap",
             .source = "assumption (a thin fibrin gel does not carry cells)"});
  r.declare({.name = "bridge_formation.sprouting_rate",
             .unit = "1/d",
             .default_value = 2,
             .hard = {0, 1000},
             .plausible = {0.1, 20},
             .species = "all",
             .meaning = "sprouting of endothelial tips per vascularised cut-face voxel at saturating VEGF",
             .source = "assumption; the VEGF-driven mechanism follows " + cattin});
  r.declare({.name = "bridge_formation.vegf_half_sprouting",
             .unit = "ng/mL",
             .default_value = 0.5,
             .hard = {1e-6, 1e6},
             .plausible = {0.01, 50},
             .species = "all",
             .meaning = "VEGF concentration of half-maximal sprouting",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.tip_speed",
             .unit = "mm/d",
             .default_value = 0.8,
             .hard = {0, 100},
             .plausible = {0.05, 3},
             .species = "all",
             .meaning = "advance of an endothelial tip through the matrix",
             .source = "assumption, fitted to E55 (10 mm acellular rat graft: coverage starts by day 7 and is "
                       "complete by day 21; 0.4 mm/d, read from the front speed, covered only 47 % by day 21 because "
                       "sprouting and steering make the covered length grow slower than a tip; scan 0.6/0.7/0.8/0.9 "
                       "mm/d: >= 90 % at 26/23/21/19 d) and checked against E16 (mouse bridge vascularised by day 2-3)",
             .calibration = "E16, E55"});
  r.declare({.name = "bridge_formation.tip_chemotaxis",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 10},
             .plausible = {0, 3},
             .species = "all",
             .meaning = "weight of the VEGF gradient in a tip's steering",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.tip_wander",
             .unit = "1",
             .default_value = 0.15,
             .hard = {0, 10},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "weight of random turning in a tip's steering per hour (persistence of sprouts)",
             .source = "assumption (sprouts extend persistently; polarised vessels, Cattin et al. 2015)"});
  r.declare({.name = "bridge_formation.tip_polarity",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 1},
             .plausible = {0, 0.9},
             .species = "all",
             .meaning = "smallest share of a sprout's heading along the gap axis, away from its stump",
             .source = "assumption (vessels in the bridge are polarised along the axis, Cattin et al. 2015)"});
  r.declare({.name = "bridge_formation.tip_lifetime",
             .unit = "d",
             .default_value = 30,
             .hard = {0.1, 1000},
             .plausible = {3, 100},
             .species = "all",
             .meaning = "how long a tip keeps sprouting before it stops",
             .source = "assumption"});
  r.declare({.name = "bridge_formation.vessel_per_tip_pass",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0.05, 1},
             .species = "all",
             .meaning = "vascular density a tip adds to a voxel per voxel length it crosses",
             .source = "assumption"});
}

}  // namespace

void register_bridge_formation(Registry& registry) {
  registry.add(MechanismEntry{.name = "bridge_formation",
                              .summary = "fibrin cable, hypoxia-driven vessels across a gap",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (!c.spec.site) return nullptr;
                                return std::make_unique<BridgeFormation>(c.spec, c.parameters);
                              },
                              .declare_site =
                                  [](SiteDeclaration& site) {
                                    // A vessel's growing tip: the x direction it grows in (+1 from the
                                    // proximal stump, -1 from the distal one) and its age [s].
                                    site.layout.kinds.push_back({.name = "endothelial_tip", .variables = {"direction", "age"}});
                                  }});
}

}  // namespace bungner
