// Targets: the fibres of a denervated muscle atrophy and their end-plates lose receptivity;
// arriving motor axons connect with the current receptivity, enlarged motor units make up for few
// axons, the reinnervated units mature (new end-plates, unit growth) over weeks, and reinnervated
// fibres regrow their cross-section. Fibres left without a unit too long are lost and partly
// replaced by connective tissue and fat; reinnervated fibres take the type of their new motor
// neuron, which sets their specific tension. Wet weight is fibre plus non-contractile volume
// (muscle_fibres.hpp). Skin targets count connected sensory axons.
// Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include "../../signals.hpp"
#include "../axon_regeneration/crush_severity.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "fibre_types.hpp"
#include "muscle_fibres.hpp"

namespace bungner {
namespace {

class MuscleTarget final : public Process {
 public:
  MuscleTarget(const ModelSpec& m, const ParameterSet& p)
      : atrophy_tau_s_(p.in("muscle_target.atrophy_time_constant", "s")),
        area_floor_(p.get("muscle_target.fibre_area_floor")),
        noncontractile_(p.get("muscle_target.noncontractile_share")),
        fibrosis_(p.get("muscle_target.fibrosis_share")),
        recovery_tau_s_(p.in("muscle_target.recovery_time_constant", "s")),
        receptivity_tau_s_(p.in("muscle_target.receptivity_time_constant", "s")),
        receptivity_floor_(p.get("muscle_target.receptivity_floor")),
        receptivity_lag_s_(p.in("muscle_target.receptivity_lag", "s")),
        enlargement_(p.get("muscle_target.motor_unit_enlargement")),
        fibre_loss_tau_s_(p.in("muscle_target.fibre_loss_time_constant", "s")),
        fibre_loss_lag_s_(p.in("muscle_target.fibre_loss_lag", "s")),
        tension_{1.0, p.get("muscle_target.specific_tension_type_iia"), p.get("muscle_target.specific_tension_type_iix")},
        // After a crush with the endoneurial tubes intact (Sunderland II) axons return to their
        // own end-plates; once the tubes are disrupted (III-V) they reach foreign, partly
        // polyneuronally innervated end-plates and the units take longer to mature.
        maturation_tau_s_(m.injury == InjuryType::crush && m.sunderland_grade <= 2
                              ? p.in("muscle_target.maturation_time_constant_crush", "s")
                              : p.in("muscle_target.maturation_time_constant", "s")) {}

  std::string_view name() const override { return "muscle_target"; }

  void declare_state(StateLayout& layout) override {
    activity_ = signals::muscle_activity(layout);
    fibres_ = muscle::fibres(layout);
    end_plates_ = crush_severity::end_plates(layout);
  }

  void check_numerics(const Model& m, const State& state) const override {
    for (std::size_t t = 0; t < state.targets.size(); ++t) {
      const TargetState& g = state.targets[t];
      const muscle::Fibres& f = state.block(fibres_)[t];
      for (const auto& [what, v] :
           {std::pair{"mass ratio", g.mass_ratio}, std::pair{"receptivity", g.receptivity},
            std::pair{"innervation", g.innervation}, std::pair{"innervated fibre area", f.innervated_area},
            std::pair{"denervated fibre area", f.denervated_area}, std::pair{"non-contractile volume", f.noncontractile}})
        if (!std::isfinite(v) || v < 0) numerical_failure(name(), state, what, "target " + m.targets()[t].name, v);
    }
  }
  Phase phase() const override { return Phase::targets; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void initialize(const Model& m, State& state) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      state.targets[t] = TargetState{};
      state.targets[t].innervation = 1.0;
      state.block(fibres_)[t] = muscle::Fibres{.noncontractile = noncontractile_};
    }
    state.arrivals.clear();
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    NeuronPopulation& n = state.neurons;
    const std::size_t targets = m.targets().size();
    // Only the axons that arrived since the last step are looked at (State::arrivals, ascending
    // ids): each connects with the receptivity its target has now (a per-axon draw). Connected
    // neurons never die (arrived axons have full trophic support), so the counts only grow.
    for (const std::uint32_t i : state.arrivals) {
      if (n.connection[i] != Connection::none) continue;  // misdirected at the injury site
      const std::uint16_t t = n.target[i];
      const bool counts = t != no_target && m.targets()[t].is_muscle == (n.kind[i] == NeuronKind::motor);
      if (!counts) {
        // Targets outside the model accept every axon that reaches them.
        n.connection[i] = Connection::connected;
        continue;
      }
      if (m.targets()[t].is_muscle && state.block(end_plates_)[i].kept > 0) {
        // Only blocked by a crush: the unit never lost its end-plates or its fibres' types.
        n.connection[i] = Connection::connected;
        if (n.alive[i]) {
          ++state.targets[t].connected_axons;
          state.block(fibres_)[t].kept_units += 1.0;
        }
        continue;
      }
      const double receptivity = m.targets()[t].is_muscle ? state.targets[t].receptivity : 1.0;
      RandomStream stream(state.key, i, 0, purpose_id("muscle_target.connect"));
      n.connection[i] = stream.uniform() < receptivity ? Connection::connected : Connection::rejected;
      if (n.connection[i] == Connection::connected && n.alive[i]) {
        TargetState& s = state.targets[t];
        ++s.connected_axons;
        // The fibres a motor neuron reinnervates take its type (fibre-type conversion and type
        // grouping after reinnervation); a conduction block never changed which neuron drives
        // which fibre, so the fibres keep their types there.
        if (m.targets()[t].is_muscle && m.injury != InjuryType::conduction_block) {
          ++s.connected_by_type[static_cast<std::size_t>(motor_neuron_type(state.key, i, m.targets()[t]))];
          s.specific_force = relative_specific_tension(s.connected_by_type, m.targets()[t].fibre_shares, tension_);
        }
      }
    }
    state.arrivals.clear();
    const bool denervated = m.injury != InjuryType::conduction_block && tick.time_s >= m.muscle_denervation_time_s;
    const double dt = static_cast<double>(tick.dt_s);
    for (std::size_t t = 0; t < targets; ++t) {
      TargetState& s = state.targets[t];
      if (tick.time_s < m.muscle_denervation_time_s) continue;  // still innervated by its own nerve
      const std::uint32_t supplied = m.targets()[t].own_axons();
      const double units = supplied > 0 ? static_cast<double>(s.connected_axons) / supplied : 0.0;
      // A conduction block keeps the axons and so the trophic support: no denervation atrophy.
      if (!m.targets()[t].is_muscle) {
        s.innervation = units;
        continue;
      }
      // The level the connected axons sustain once their units have matured and enlarged, among
      // the fibres chronic denervation left able to recover; the innervated fraction approaches it
      // with the maturation time constant (new end-plates and unit growth take weeks; Gordon &
      // Stein 1982). Losses are immediate, and a conduction block never disconnected its
      // end-plates, so conduction returns at once.
      const double reach = std::min(1.0, enlargement_ * units);
      const double sustained = std::min(s.fibre_capacity, reach);
      const double innervated_before = s.innervation;
      muscle::Fibres& f = state.block(fibres_)[t];
      if (!denervated || sustained <= s.innervation) {
        s.innervation = sustained;
      } else {
        // Units that were only blocked transmit at once; the reinnervated ones mature.
        const double kept = std::min(s.fibre_capacity, f.kept_units / supplied);
        s.innervation = std::max(kept, sustained + (s.innervation - sustained) * std::exp(-dt / maturation_tau_s_));
      }
      if (!denervated) {
        s.mass_ratio = 1.0;
        continue;
      }
      // Fibres change pools with the area they have: newly innervated fibres bring their
      // denervated area, newly denervated ones (the nerve's section) their innervated area.
      muscle::move_fibres(s.fibre_capacity, innervated_before, s.innervation, f);
      // End-plate receptivity decays toward its floor while the muscle lacks innervation, after a
      // lag during which denervated muscle keeps its full restorative capacity (E44).
      const double lagged = static_cast<double>(tick.time_s - m.muscle_denervation_time_s) - receptivity_lag_s_;
      const double exposed = std::clamp(lagged + dt, 0.0, dt);
      const double rate = (1.0 - s.innervation) / receptivity_tau_s_;
      s.receptivity = receptivity_floor_ + (s.receptivity - receptivity_floor_) * std::exp(-rate * exposed);
      // Viable fibres that no connected unit reaches start to degenerate beyond recovery once the
      // muscle has been denervated for a while (atrophy, fibrosis: Kobayashi 1997, Fu & Gordon
      // 1995); those reached, even while their units still mature, are spared. The loss applies
      // from the next step on; a share of the lost fibres' volume stays as connective tissue and fat.
      const double fibre_lagged = static_cast<double>(tick.time_s - m.muscle_denervation_time_s) - fibre_loss_lag_s_;
      const double fibre_exposed = std::clamp(fibre_lagged + dt, 0.0, dt);
      if (s.fibre_capacity > reach) {
        const double viable = reach + (s.fibre_capacity - reach) * std::exp(-fibre_exposed / fibre_loss_tau_s_);
        f.noncontractile += fibrosis_ * (1.0 - noncontractile_) * (s.fibre_capacity - viable) * f.denervated_area;
        s.fibre_capacity = viable;
      }
      // Cross-sections: reinnervated fibres regrow toward normal; denervated fibres shrink toward
      // the area floor, or toward what the activity of direct stimulation (muscle_stimulation)
      // sustains.
      f.innervated_area = 1.0 + (f.innervated_area - 1.0) * std::exp(-dt / recovery_tau_s_);
      const double sustained_area = area_floor_ + (1.0 - area_floor_) * state.signal(activity_);
      const double tau = f.denervated_area > sustained_area ? atrophy_tau_s_ : recovery_tau_s_;
      f.denervated_area = sustained_area + (f.denervated_area - sustained_area) * std::exp(-dt / tau);
      s.mass_ratio = muscle::wet_weight_ratio(s, f, noncontractile_);
    }
  }

 private:
  SignalHandle activity_;
  BlockHandle<muscle::Fibres> fibres_;
  BlockHandle<crush_severity::EndPlates> end_plates_;
  double atrophy_tau_s_;
  double area_floor_;
  double noncontractile_;
  double fibrosis_;
  double recovery_tau_s_;
  double receptivity_tau_s_;
  double receptivity_floor_;
  double receptivity_lag_s_;
  double enlargement_;
  double fibre_loss_tau_s_;
  double fibre_loss_lag_s_;
  std::array<double, fibre_types> tension_;  // specific tension by type, relative to type I
  double maturation_tau_s_;
};

void declare(ParameterRegistry& r) {
  // E43 (gastrocnemius wet weight -55.8 % at 15 d) and E138 (Dow 2004, denervated EDL at 5 weeks:
  // mass -66 %, fibre area -76 %) fix the three denervation constants together: mass 0.34 with
  // area 0.24 gives the non-contractile share v0 = 0.1/0.76; then the areas at 15 d (from E43's
  // mass) and 35 d give the floor and the time constant (docs/calibration.md).
  const std::string denervation_fit =
      "fitted jointly to E43 (gastrocnemius lost 55.8% of its wet weight by 15 d; attribution incomplete) and "
      "E138 (Dow et al. 2004 doi:10.1002/mus.20054: denervated rat EDL at 5 weeks, mass -66%, fibre area -76%); "
      "two muscles of one species";
  r.declare_varying({.name = "muscle_target.atrophy_time_constant",
                     .unit = "d",
                     .default_value = 8.4,
                     .hard = {0.5, 1000},
                     .plausible = {3, 60},
                     .species = "rat",
                     .meaning = "time constant with which the cross-section of denervated fibres shrinks toward its floor",
                     .source = denervation_fit,
                     .calibration = "E43,E138"},
                    {.cv = 0.15,
                     .plausible = {0.05, 0.4},
                     .species = "rat",
                     .source = "assumption: denervation atrophy rates differ between animals; no measured spread"});
  r.declare({.name = "muscle_target.fibre_area_floor",
             .unit = "1",
             .default_value = 0.228,
             .hard = {0, 1},
             .plausible = {0.1, 0.5},
             .species = "rat",
             .meaning = "cross-sectional area, relative to normal, that the fibres of a long-denervated muscle shrink to",
             .source = denervation_fit,
             .calibration = "E43,E138"});
  r.declare({.name = "muscle_target.noncontractile_share",
             .unit = "1",
             .default_value = 0.132,
             .hard = {0, 0.9},
             .plausible = {0.03, 0.25},
             .species = "rat",
             .meaning = "share of a normal muscle's wet weight that is not contractile fibre (connective tissue, "
                        "vessels, nerve, fat)",
             .source = "fitted to E138 (Dow et al. 2004 doi:10.1002/mus.20054: denervated rat EDL at 5 weeks lost 66% of "
                       "its mass but 76% of its fibre area: 0.34 = (1 - v0) 0.24 + v0 gives v0 = 0.132)",
             .calibration = "E138"});
  r.declare({.name = "muscle_target.fibrosis_share",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "rat",
             .meaning = "share of the volume of the fibres lost after long denervation that connective tissue and fat "
                        "replace",
             .source = "assumption (long-denervated muscle: fibres replaced by fibrous tissue and fat, Carlson 2014 "
                       "doi:10.4081/ejtm.2014.3293; the share is not measured)"});
  r.declare({.name = "muscle_target.recovery_time_constant",
             .unit = "d",
             .default_value = 15,
             .hard = {1, 1000},
             .plausible = {7, 120},
             .species = "rat",
             .meaning = "time constant with which reinnervated fibres regrow their cross-section (and stimulated "
                        "denervated fibres theirs)",
             .source = "fitted with muscle_target.maturation_time_constant to E133 (Saffari: 10 mm rat sciatic "
                       "autograft, TA wet mass 66.6 +- 2.1 and 70.8 +- 1.8 % SEM at 12 and 16 wk) given E32.1's CMAP; "
                       "faster than the 1-2 months of whole-muscle tension in the cat (Gordon & Stein 1982 "
                       "doi:10.1113/jphysiol.1982.sp014074, E137), which include the units' maturation",
             .calibration = "E133"});
  r.declare({.name = "muscle_target.receptivity_time_constant",
             .unit = "d",
             .default_value = 45,
             .hard = {1, 10000},
             .plausible = {20, 200},
             .species = "rat",
             .meaning = "time constant of the loss of a denervated muscle's ability to be reinnervated",
             .source = "Gordon lab cross-suture study, J Neurosci, PMC6622714 Fig. 5",
             .calibration = "E22"});
  r.declare({.name = "muscle_target.receptivity_floor",
             .unit = "1",
             .default_value = 0.1,
             .hard = {0, 1},
             .plausible = {0, 0.5},
             .species = "rat",
             .meaning = "receptivity left after very long denervation",
             .source = "assumption"});
  r.declare({.name = "muscle_target.receptivity_lag",
             .unit = "d",
             .default_value = 60,
             .hard = {0, 1000},
             .plausible = {0, 90},
             .species = "rat",
             .meaning = "time a denervated muscle keeps full receptivity before it starts to decline",
             .source = "fitted to Carlson 2014 doi:10.4081/ejtm.2014.3293 (E44: restorative capacity excellent for "
                       "2-3 months; the lower end, 2 months, taken)",
             .calibration = "E44"});
  r.declare({.name = "muscle_target.motor_unit_enlargement",
             .unit = "1",
             .default_value = 5,
             .hard = {1, 20},
             .plausible = {3, 8},
             .species = "rat",
             .meaning = "largest factor by which reinnervating motor units enlarge when few axons arrive",
             .source = "Fu & Gordon 1995 doi:10.1523/JNEUROSCI.15-05-03886.1995 (regenerated axons innervate "
                       "3-5 times the normal number of fibres)"});
  r.declare_varying(
      {.name = "muscle_target.maturation_time_constant",
       .unit = "d",
       .default_value = 60,
       .hard = {0.01, 10000},
       .plausible = {30, 240},
       .species = "rat",
       .meaning = "time constant with which reinnervated motor units mature and enlarge toward the innervation "
                  "their connected axons can sustain",
       .source = "fitted to E32.1 (Mathot 2021: 10 mm rat sciatic autograft, CMAP 53.8 +- 5.8 % at 12 wk, read "
                 "through the CMAP's temporal dispersion) jointly with the TA mass of E133 (Saffari, same design), "
                 "at the upper end of Gordon & Stein 1982 doi:10.1113/jphysiol.1982.sp014074 (cat triceps "
                 "surae after nerve suture: tension recovers as a single exponential with a time constant of 1-2 months, by "
                 "growth of the reinnervated units after their number has settled)",
       .calibration = "E32,E133"},
      {.cv = 0.2,
       .plausible = {0.05, 0.5},
       .species = "rat",
       .source = "assumption: motor-unit maturation after reinnervation varies between animals; no measured spread"});
  r.declare({.name = "muscle_target.fibre_loss_time_constant",
             .unit = "d",
             .default_value = 180,
             .hard = {1, 100000},
             .plausible = {60, 1000},
             .species = "rat",
             .meaning = "time constant with which the fibres of a denervated muscle that no connected motor unit reaches "
                        "lose the ability to recover, after muscle_target.fibre_loss_lag",
             .source = "assumption informed by Kobayashi et al. 1997 Muscle Nerve 20:858 (rat tibial nerve repaired after "
                       "0 d to 12 months of denervation: axons regenerate well, but recovery of muscle mass and function "
                       "falls sharply when the repair is delayed beyond 1 month) and Fu & Gordon 1995 "
                       "doi:10.1523/JNEUROSCI.15-05-03886.1995 (prolonged denervation alone reduces force recovery); the "
                       "value is not fitted"});
  r.declare({.name = "muscle_target.fibre_loss_lag",
             .unit = "d",
             .default_value = 90,
             .hard = {0, 10000},
             .plausible = {30, 365},
             .species = "rat",
             .meaning = "time a denervated muscle's fibres keep the ability to recover before they start to be lost",
             .source = "set to the upper end of Carlson 2014 doi:10.4081/ejtm.2014.3293 (E44: restorative capacity "
                       "excellent for 2-3 months) so that E44 stays met (with the receptivity lag's 60 d the E44 test "
                       "gives 0.75 < 0.8); Kobayashi 1997 (E71) sees losses after 1 month",
             .calibration = "E44"});
  r.declare({.name = "muscle_target.specific_tension_type_iia",
             .unit = "1",
             .default_value = 1.3,
             .hard = {0.1, 10},
             .plausible = {1, 2},
             .species = "all",
             .meaning = "specific tension (force per cross-sectional area) of type IIA fibres relative to type I",
             .source = "assumption informed by single-fibre studies (Bottinelli et al. 1996 J Physiol 495:573, "
                       "doi:10.1113/jphysiol.1996.sp021617: human type II fibres develop higher specific tension than "
                       "type I); the ratio is not taken from a table"});
  r.declare({.name = "muscle_target.specific_tension_type_iix",
             .unit = "1",
             .default_value = 1.4,
             .hard = {0.1, 10},
             .plausible = {1, 2},
             .species = "all",
             .meaning = "specific tension of type IIX/IIB fibres relative to type I",
             .source = "assumption informed by Bottinelli et al. 1996 (doi:10.1113/jphysiol.1996.sp021617: type IIX at "
                       "least as high as IIA); the ratio is not taken from a table"});
  r.declare({.name = "muscle_target.maturation_time_constant_crush",
             .unit = "d",
             .default_value = 20,
             .hard = {0.01, 10000},
             .plausible = {7, 60},
             .species = "rat",
             .meaning = "maturation time constant of motor units reinnervated through intact endoneurial tubes "
                        "(crush, Sunderland II)",
             .source = "assumption informed by a rat sciatic severe-crush study, J Comp Neurol 1991 (SFI, muscle "
                       "weights and evoked-potential amplitude ratios back to control by 70-80 d; authors and "
                       "identifier not verified): with axons at the gastrocnemius by ~10-30 d, 70-80 d is about "
                       "three time constants of 20 d"});
}

}  // namespace

void register_muscle_target(Registry& registry) {
  registry.add(MechanismEntry{.name = "muscle_target",
                              .summary = "atrophy, receptivity and reinnervation of target muscles",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                return std::make_unique<MuscleTarget>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
