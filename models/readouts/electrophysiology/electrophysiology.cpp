// Motor electrophysiology of each muscle, as a nerve-conduction study records it: CMAP amplitude
// (mV and % of contralateral), motor latency from the injury site, motor conduction velocity of
// the reinnervating fibres, and the motor unit number estimate (MUNE). Observation model and
// sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include "../../signals.hpp"
#include "../nerve_morphometry/fibre_maturation.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "dispersion.hpp"

namespace bungner {
namespace {

class Electrophysiology final : public Readout {
 public:
  explicit Electrophysiology(const CompileContext& c)
      : maturation_(c),
        quantile_(c.parameters.get("electrophysiology.fast_fibre_quantile")),
        velocity_factor_(c.parameters.get("electrophysiology.normal_velocity_factor")),
        amplitude_factor_(c.parameters.get("electrophysiology.normal_amplitude_factor")),
        terminal_delay_factor_(c.parameters.get("electrophysiology.terminal_delay_factor")),
        cmap_recording_factor_(c.parameters.get("electrophysiology.cmap_recording_factor")),
        unit_potential_width_s_(c.parameters.in("electrophysiology.motor_unit_potential_width", "s")) {}

  std::string_view name() const override { return "electrophysiology"; }
  void declare_state(StateLayout& layout) override { diameter_effect_ = signals::fibre_diameter_factor(layout); }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    const NeuronPopulation& n = state.neurons;
    const double now = static_cast<double>(state.time_s);
    const double normal_diameter = maturation_.normal_diameter_m(NeuronKind::motor);
    // Conduction velocities of the motor axons connected to each muscle (one pass, id order).
    std::vector<std::vector<double>> velocities(m.targets().size());
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::uint16_t t = n.target[i];
      if (t == no_target || n.kind[i] != NeuronKind::motor || !m.targets()[t].is_muscle) continue;
      if (!n.alive[i] || n.connection[i] != Connection::connected) continue;
      const maturation::Fibre f =
          m.injury == InjuryType::conduction_block
              ? maturation_.normal(normal_diameter)
              : maturation_.regenerated(normal_diameter, now - n.arrival_s[i], true, state.scalar(diameter_effect_));
      velocities[t].push_back(maturation_.velocity_m_per_s(f));
    }
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const TargetSpec& spec = m.targets()[t];
      if (!spec.is_muscle) continue;
      const TargetState& s = state.targets[t];
      // Amplitude ~ innervated muscle fibres, reduced by the temporal dispersion of the
      // regenerated fibres' conduction over the regrown length (slow and fast units no longer
      // summate in phase; tetanic force does not depend on it), as this subject's recording reads
      // it (electrode placement and volume conduction differ between the two sides and animals).
      std::vector<double>& v = velocities[t];
      const double dispersion =
          dispersion::peak_factor(dispersion::conduction_time_spread(v, m.gap_m + spec.distance_m), unit_potential_width_s_);
      const double cmap = 100.0 * s.innervation * dispersion;
      out.push_back({"cmap_amplitude_ratio." + spec.name, cmap * cmap_recording_factor_, "%"});
      // Millivolts carry this subject's own normal amplitude (which holds what varies between
      // single recordings); the ratio compares two recordings of the same subject.
      if (spec.cmap_amplitude_v > 0)
        out.push_back({"cmap_amplitude." + spec.name, 1e3 * spec.cmap_amplitude_v * amplitude_factor_ * cmap / 100, "mV"});
      out.push_back({"mune." + spec.name, static_cast<double>(s.connected_axons), "motor units"});
      out.push_back({"mune_ratio." + spec.name, spec.motor_axons > 0 ? 100.0 * s.connected_axons / spec.motor_axons : 0.0, "%"});
      if (v.empty() || normal_diameter <= 0) continue;  // no response: velocity and latency not measurable
      // The fastest fibres set the measured velocity: the quantile of the connected fibres.
      const auto k = static_cast<std::size_t>(std::floor(quantile_ * static_cast<double>(v.size() - 1)));
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
      const double ncv = v[k] * velocity_factor_;
      out.push_back({"motor_conduction_velocity." + spec.name, ncv, "m/s"});
      if (spec.distal_latency_s > 0) {
        // Normal latency = conduction over the distance + a terminal (branch and end-plate) delay.
        const double terminal =
            terminal_delay_factor_ *
            std::max(0.0, spec.distal_latency_s - spec.distance_m / maturation_.normal_motor_velocity_m_per_s());
        out.push_back({"motor_latency." + spec.name, 1e3 * ((m.gap_m + spec.distance_m) / ncv + terminal), "ms"});
      }
    }
  }

  /// Velocity and latency once a muscle has connected motor axons.
  void names_observed_later(const Model& m, std::vector<std::string>& out) const override {
    if (maturation_.normal_diameter_m(NeuronKind::motor) <= 0) return;
    for (const TargetSpec& spec : m.targets()) {
      if (!spec.is_muscle || spec.motor_axons == 0) continue;
      out.push_back("motor_conduction_velocity." + spec.name);
      if (spec.distal_latency_s > 0) out.push_back("motor_latency." + spec.name);
    }
  }

 private:
  BlockHandle<double> diameter_effect_;
  maturation::FibreMaturation maturation_;
  double quantile_;
  double velocity_factor_;
  double amplitude_factor_;
  double terminal_delay_factor_;
  double cmap_recording_factor_;
  double unit_potential_width_s_;
};

}  // namespace

void register_electrophysiology(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "electrophysiology",
      .summary = "CMAP amplitude [mV, % of contralateral], motor latency [ms], motor conduction velocity [m/s], "
                 "MUNE, per muscle",
      .declare_parameters =
          [](ParameterRegistry& r) {
            r.declare({.name = "electrophysiology.fast_fibre_quantile",
                       .unit = "1",
                       .default_value = 0.9,
                       .hard = {0, 1},
                       .plausible = {0.5, 1},
                       .species = "all",
                       .meaning = "quantile of the connected fibres' conduction velocities that a nerve-conduction "
                                  "study measures (onset latency: the fastest fibres)",
                       .source = "assumption (observation model: the CMAP onset is set by the fastest fibres)",
                       .numerical = true});
            r.declare({.name = "electrophysiology.velocity_weight_exponent",
                       .unit = "1",
                       .default_value = 0.45,
                       .hard = {0, 2},
                       .plausible = {0, 1},
                       .species = "rat",
                       .meaning = "exponent of body weight in the normal motor conduction velocity (fibres grow "
                                  "with the animal); applies when the scenario gives anatomy.body_weight",
                       .source = "assumption, fitted to E58 (Stanley 1981: rat sciatic motor NCV 30.1 m/s at "
                                 "100-150 g, 55.0 m/s at 450-500 g: ln(55.0/30.1) / ln(475/125) = 0.45)",
                       .calibration = "E58"});
            r.declare_varying({.name = "electrophysiology.normal_velocity_factor",
                               .unit = "1",
                               .default_value = 1,
                               .hard = {0.2, 5},
                               .plausible = {0.7, 1.3},
                               .species = "all",
                               .meaning = "this subject's conduction velocities relative to the preset's (fibre calibre and "
                                          "temperature differ between individuals)",
                               .source = "assumption (1: the preset's normal velocity)"},
                              {.cv = 0.1,
                               .plausible = {0.03, 0.2},
                               .species = "rat",
                               .meaning = "between-subject CV of the normal motor conduction velocity (lognormal)",
                               .source = "assumption, fitted jointly to the SDs of E57 (Park & Choi: rat sciatic motor NCV "
                                         "41.8 +- 3.0 m/s SD, n = 64: CV 0.072) and E58 (Stanley 1981: 30.1 +- 2.8 and "
                                         "55.0 +- 6.9 m/s: CV 0.093 and 0.125): 0.1, near their mean",
                               .calibration = "E57, E58"});
            r.declare_varying({.name = "electrophysiology.terminal_delay_factor",
                               .unit = "1",
                               .default_value = 1,
                               .hard = {0.1, 10},
                               .plausible = {0.5, 2},
                               .species = "all",
                               .meaning = "this subject's terminal motor delay (slower conduction in the terminal branches "
                                          "and the end-plate delay) relative to the preset's",
                               .source = "assumption (1: the preset's distal latency less the conduction time)"},
                              {.cv = 0.2,
                               .plausible = {0.05, 0.5},
                               .species = "all",
                               .meaning = "between-subject CV of the terminal motor delay (lognormal)",
                               .source = "assumption, fitted to the SD of E61.1 (Buschbacher 1999: median distal latency "
                                         "3.7 +- 0.5 ms SD over a fixed 8 cm; with 1.4 ms of conduction at 57 m/s the "
                                         "terminal delay is about 2.3 ms, and 0.5 / 2.3 = 0.2)",
                               .calibration = "E61"});
            r.declare_varying({.name = "electrophysiology.cmap_recording_factor",
                               .unit = "1",
                               .default_value = 1,
                               .hard = {0.05, 20},
                               .plausible = {0.5, 2},
                               .species = "all",
                               .meaning = "how this subject's recording reads the CMAP of the operated side relative to the "
                                          "contralateral one (electrode placement, volume conduction); multiplies the CMAP "
                                          "ratio, not the motor units",
                               .source = "assumption (1: an ideal recording)"},
                              {.cv = 0.3,
                               .plausible = {0.05, 0.5},
                               .species = "rat",
                               .meaning = "between-subject CV of the CMAP ratio's recording (lognormal)",
                               .source = "assumption, fitted to the SDs of E32 (Mathot 2021: CMAP ratios 53.8, 13.5, 44.3, "
                                         "48.9 % with SEMs 5.8, 5.0, 7.2, 5.4, about 10 rats per group: SDs 16-23 points, "
                                         "where the model's biology alone gives 5-8)",
                               .calibration = "E32"});
            r.declare({.name = "electrophysiology.motor_unit_potential_width",
                       .unit = "ms",
                       .default_value = 0.5,
                       .hard = {0.01, 100},
                       .plausible = {0.2, 2},
                       .species = "rat",
                       .meaning = "width (standard deviation of a Gaussian time course) of one motor unit's "
                                  "potential in the CMAP: arrival-time spreads well below it leave the amplitude "
                                  "intact, larger ones disperse it",
                       .source = "assumption (rat muscle CMAPs last a few ms with a negative phase of about 1-2 ms; a "
                                 "Gaussian of SD 0.5 ms has a half-width of 1.2 ms); not fitted"});
            r.declare_varying({.name = "electrophysiology.normal_amplitude_factor",
                               .unit = "1",
                               .default_value = 1,
                               .hard = {0.05, 20},
                               .plausible = {0.4, 2.5},
                               .species = "all",
                               .meaning = "this subject's normal CMAP amplitude relative to the preset's (muscle size, "
                                          "electrode placement)",
                               .source = "assumption (1: the preset's normal amplitude)"},
                              {.cv = 0.3,
                               .plausible = {0.1, 0.5},
                               .species = "rat",
                               .meaning = "between-subject CV of the normal CMAP amplitude in millivolts (lognormal)",
                               .source = "assumption: no rat value with an SD was found; 0.3 as in human median-nerve "
                                         "normative data (E61: 10.2 +- 3.6 mV, CV 0.35)"});
          },
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> { return std::make_unique<Electrophysiology>(c); },
      .observations = {"cmap_amplitude_ratio.*", "cmap_amplitude.*", "mune.*", "mune_ratio.*", "motor_conduction_velocity.*",
                       "motor_latency.*"},
      .headline = {{90, "cmap_amplitude_ratio."}, {100, "motor_conduction_velocity."}, {110, "mune."}}});
}

}  // namespace bungner
