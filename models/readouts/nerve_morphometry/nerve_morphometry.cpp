// Nerve morphometry at a distal section: myelinated fibre count and density, mean fibre diameter,
// myelin thickness and g-ratio, as a histological cross-section shows them. Observation model
// (maturation, sprouting): README.md beside this file.
#include <cmath>

#include "../../signals.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "fibre_maturation.hpp"

namespace bungner {
namespace {

class NerveMorphometry final : public Readout {
 public:
  explicit NerveMorphometry(const CompileContext& c)
      : maturation_(c),
        section_m_(c.parameters.in("nerve_morphometry.section_distance", "m")),
        sprouts_(c.parameters.get("nerve_morphometry.sprouts_per_axon")),
        pruning_s_(c.parameters.in("nerve_morphometry.sprout_pruning_time", "s")) {}
  std::string_view name() const override { return "nerve_morphometry"; }
  void declare_state(StateLayout& layout) override { diameter_effect_ = signals::fibre_diameter_factor(layout); }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    const NeuronPopulation& n = state.neurons;
    const double now = static_cast<double>(state.time_s);
    const double x = m.gap_m + section_m_;
    double fibres = 0, diameter = 0, myelin = 0, g = 0;
    for (std::size_t i = 0; i < n.size(); ++i) {  // ascending ids: a fixed-order sum
      if (!n.alive[i]) continue;
      const double normal = maturation_.normal_diameter_m(n.kind[i]);
      maturation::Fibre f;
      double weight = 1.0;
      if (m.injury == InjuryType::conduction_block) {
        f = maturation_.normal(normal);  // axons in continuity: the section shows normal fibres
      } else {
        if (n.status[i] != AxonStatus::growing && n.status[i] != AxonStatus::arrived) continue;
        const double age = now - maturation::passed_at_s(n, i, x, now);
        if (!(age >= maturation_.myelination_lag_s())) continue;  // not there yet, or unmyelinated
        f = maturation_.regenerated(normal, age, n.connection[i] == Connection::connected, state.scalar(diameter_effect_));
        weight = 1.0 + (sprouts_ - 1.0) * std::exp(-age / pruning_s_);  // sprouts pruned with time (E56)
      }
      fibres += weight;
      diameter += weight * f.diameter_m;
      myelin += weight * f.myelin_thickness_m();
      g += weight * f.g_ratio;
    }
    const double normal_count = static_cast<double>(m.motor_neurons + m.sensory_neurons);
    out.push_back({"myelinated_fibres_distal", fibres, "fibres"});
    out.push_back({"myelinated_fibres_distal_ratio", normal_count > 0 ? 100.0 * fibres / normal_count : 0.0, "%"});
    if (m.endoneurial_area_m2 > 0) out.push_back({"fibre_density_distal", fibres / (m.endoneurial_area_m2 * 1e6), "fibres/mm^2"});
    if (fibres <= 0 || maturation_.normal_motor_velocity_m_per_s() <= 0) return;
    out.push_back({"fibre_diameter_distal", 1e6 * diameter / fibres, "um"});
    out.push_back({"myelin_thickness_distal", 1e6 * myelin / fibres, "um"});
    out.push_back({"g_ratio_distal", g / fibres, "1"});
  }

  /// Fibre size and myelin once myelinated fibres cross the section.
  void names_observed_later(const Model& /*m*/, std::vector<std::string>& out) const override {
    if (maturation_.normal_motor_velocity_m_per_s() <= 0) return;
    out.insert(out.end(), {"fibre_diameter_distal", "myelin_thickness_distal", "g_ratio_distal"});
  }

 private:
  BlockHandle<double> diameter_effect_;
  maturation::FibreMaturation maturation_;
  double section_m_;
  double sprouts_;
  double pruning_s_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "nerve_morphometry.section_distance",
             .unit = "mm",
             .default_value = 5,
             .hard = {0, 1000},
             .plausible = {1, 20},
             .species = "all",
             .meaning = "distance of the histological section distal to the distal end of the injury or gap",
             .source = "assumption (usual sampling 5 mm distal to the repair)",
             .numerical = true});
  r.declare({.name = "nerve_morphometry.hursh_factor",
             .unit = "m/s/um",
             .default_value = 5.7,
             .hard = {1, 10},
             .plausible = {4, 6.5},
             .species = "all",
             .meaning = "conduction velocity per micrometre of fibre diameter of mature myelinated fibres (Hursh)",
             .source = "Boyd IA, Kalu KU, J Physiol 1979;289:277 (P44: 5.7 (m/s)/um for large fibres); "
                       "Hursh 1939 (6 (m/s)/um); identifiers not verified, assumption-grade"});
  r.declare({.name = "nerve_morphometry.sensory_diameter_ratio",
             .unit = "1",
             .default_value = 0.75,
             .hard = {0.1, 2},
             .plausible = {0.5, 1},
             .species = "all",
             .meaning = "mean diameter of myelinated sensory fibres relative to motor fibres",
             .source = "assumption (cutaneous myelinated fibres are mostly A-beta/A-delta, smaller than alpha motor)"});
  r.declare({.name = "nerve_morphometry.initial_diameter_fraction",
             .unit = "1",
             .default_value = 0.25,
             .hard = {0.01, 1},
             .plausible = {0.1, 0.5},
             .species = "all",
             .meaning = "diameter of a newly myelinated regenerated fibre relative to the normal diameter",
             .source = "assumption (regenerating sprouts of 1-3 um)"});
  r.declare({.name = "nerve_morphometry.connected_diameter_fraction",
             .unit = "1",
             .default_value = 0.8,
             .hard = {0.1, 1.2},
             .plausible = {0.5, 1},
             .species = "all",
             .meaning = "final diameter of a regenerated fibre that reconnected to its target, relative to normal",
             .source = "assumption (regenerated fibres stay smaller; conduction velocity recovers to ~70-90%)"});
  r.declare({.name = "nerve_morphometry.unconnected_diameter_fraction",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0.05, 1.2},
             .plausible = {0.2, 0.8},
             .species = "all",
             .meaning = "final diameter of a regenerated fibre without a (right) target, relative to normal",
             .source = "assumption (axons without target connection stay thin)"});
  r.declare({.name = "nerve_morphometry.diameter_maturation_time",
             .unit = "d",
             .default_value = 60,
             .hard = {1, 3650},
             .plausible = {20, 365},
             .species = "all",
             .meaning = "time constant of the radial growth of regenerated fibres",
             .source = "assumption (fibre diameters keep growing for months after regeneration)"});
  r.declare({.name = "nerve_morphometry.optimal_g_ratio",
             .unit = "1",
             .default_value = 0.6,
             .hard = {0.3, 0.9},
             .plausible = {0.55, 0.7},
             .species = "all",
             .meaning = "g-ratio of mature myelinated fibres (optimal for conduction)",
             .source = "Gillespie MJ, Stein RB, Brain Res 1983;259:41 (P45); identifier not verified, assumption-grade"});
  r.declare({.name = "nerve_morphometry.initial_g_ratio",
             .unit = "1",
             .default_value = 0.8,
             .hard = {0.3, 0.99},
             .plausible = {0.7, 0.9},
             .species = "all",
             .meaning = "g-ratio of a newly myelinated regenerated fibre (thin myelin)",
             .source = "assumption (thin myelin of remyelinated and regenerated fibres)"});
  r.declare({.name = "nerve_morphometry.myelination_time",
             .unit = "d",
             .default_value = 30,
             .hard = {1, 3650},
             .plausible = {10, 180},
             .species = "all",
             .meaning = "time constant of myelin thickening on regenerated fibres",
             .source = "assumption"});
  r.declare({.name = "nerve_morphometry.myelination_lag",
             .unit = "d",
             .default_value = 7,
             .hard = {0, 365},
             .plausible = {3, 21},
             .species = "all",
             .meaning = "time after the tip passes before Schwann cells have myelinated a regenerated fibre",
             .source = "assumption (myelination of regenerating axons begins within 1-2 weeks)"});
  r.declare({.name = "nerve_morphometry.sprouts_per_axon",
             .unit = "1",
             .default_value = 2.5,
             .hard = {1, 10},
             .plausible = {1, 4},
             .species = "rat",
             .meaning = "regenerating sprouts per parent axon when the tips pass (before pruning)",
             .source = "Toft PB et al. 1988 (E56: distal counts 2-3 times proximal at 2-4 weeks); identifier not "
                       "verified, assumption-grade",
             .calibration = "E56"});
  r.declare({.name = "nerve_morphometry.sprout_pruning_time",
             .unit = "d",
             .default_value = 90,
             .hard = {1, 3650},
             .plausible = {20, 365},
             .species = "all",
             .meaning = "time constant of the pruning of surplus sprouts",
             .source = "assumption, set so distal counts stay 2-3 times the parent axons through week 4 (E56, "
                       "Toft 1988)",
             .calibration = "E56"});
}

}  // namespace

void register_nerve_morphometry(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "nerve_morphometry",
      .summary = "myelinated fibre count and density, fibre diameter, myelin thickness and "
                 "g-ratio at a distal section",
      .declare_parameters = declare,
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> { return std::make_unique<NerveMorphometry>(c); },
      .observations = {"myelinated_fibres_distal", "myelinated_fibres_distal_ratio", "fibre_density_distal",
                       "fibre_diameter_distal", "myelin_thickness_distal", "g_ratio_distal"},
      .headline = {{50, "myelinated_fibres_distal"}, {60, "g_ratio_distal"}}});
}

}  // namespace bungner
