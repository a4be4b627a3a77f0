// Low-frequency sinusoidal magnetic field: raises the elongation speed of regenerating axons
// while the field is on, if its time-averaged strength reaches a threshold (Rusovan & Kanje
// 1991). Acts through signals.growth_speed_factor. Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class MagneticStimulation final : public treatment::Therapy {
 public:
  MagneticStimulation(const CompileContext& c, const toml::table& item) : window_(treatment::Window::of(item, c)) {
    const ParameterSet& p = c.parameters;
    const double effective = schema::quantity(item, "field_strength", "mT") * schema::quantity(item, "duty_cycle", "1");
    const double frequency = schema::quantity(item, "frequency", "Hz");
    const bool in_band = frequency >= p.in("magnetic_stimulation.min_frequency", "Hz") &&
                         frequency <= p.in("magnetic_stimulation.max_frequency", "Hz");
    const double threshold = p.in("magnetic_stimulation.threshold", "mT");
    const double saturation = std::max(threshold, p.in("magnetic_stimulation.saturation", "mT"));
    const double graded =
        saturation > threshold ? (effective - threshold) / (saturation - threshold) : (effective >= threshold ? 1.0 : 0.0);
    if (in_band) factor_ = 1.0 + p.get("magnetic_stimulation.speed_gain") * std::clamp(graded, 0.0, 1.0);
  }

  std::string_view name() const override { return "magnetic_stimulation"; }

  void declare_state(StateLayout& layout) override { speed_ = signals::growth_speed_factor(layout); }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (window_.covers(tick.time_s)) state.write(speed_, factor_);
  }

 private:
  SignalHandle speed_;
  treatment::Window window_;
  double factor_ = 1.0;
};

void declare(ParameterRegistry& r) {
  const std::string rusovan = "Rusovan A, Kanje M, Exp Neurol 1991;112:312, doi:10.1016/0014-4886(91)90132-v, PMID 2029930";
  r.declare({.name = "magnetic_stimulation.speed_gain",
             .unit = "1",
             .default_value = 0.21,
             .hard = {0, 5},
             .plausible = {0, 0.5},
             .species = "rat",
             .meaning = "fractional rise of the elongation speed in a field above threshold",
             .source = "taken from " + rusovan + " (0.4 mT 50 Hz continuous: +21 % regeneration velocity, days 1-6)",
             .calibration = "E38"});
  r.declare({.name = "magnetic_stimulation.threshold",
             .unit = "mT",
             .default_value = 0.05,
             .hard = {0, 100},
             .plausible = {0.033, 0.067},
             .species = "rat",
             .meaning = "time-averaged field strength (strength x duty cycle) below which the field has no effect",
             .source = "assumption between the ineffective 0.2 mT x 4 h/day (0.033 mT) and the effective "
                       "0.4 mT x 4 h/day (0.067 mT) exposures of " +
                       rusovan,
             .calibration = "E39"});
  r.declare({.name = "magnetic_stimulation.saturation",
             .unit = "mT",
             .default_value = 0.4,
             .hard = {0, 100},
             .plausible = {0.2, 2},
             .species = "rat",
             .meaning = "time-averaged field strength of the full speed gain (linear rise from the threshold)",
             .source = "assumption (the strongest exposure of " + rusovan + ", 0.4 mT continuous, gave +21 %)",
             .calibration = "E38"});
  r.declare({.name = "magnetic_stimulation.min_frequency",
             .unit = "Hz",
             .default_value = 1,
             .hard = {0, 1e6},
             .plausible = {0.1, 50},
             .species = "rat",
             .meaning = "lowest field frequency that acts",
             .source = "assumption (only 50 Hz tested, " + rusovan + ")",
             .numerical = true});
  r.declare({.name = "magnetic_stimulation.max_frequency",
             .unit = "Hz",
             .default_value = 1000,
             .hard = {0, 1e6},
             .plausible = {100, 2000},
             .species = "rat",
             .meaning = "highest field frequency that acts",
             .source = "assumption (50 Hz in " + rusovan +
                       "; 250-1000 Hz acted, 2000 Hz did not, in Rusovan, Kanje "
                       "& Mild 1992, whose 50 Hz arm showed no effect: frequency dependence is not modelled)",
             .numerical = true});
}

}  // namespace

void register_magnetic_stimulation(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "magnetic_stimulation", .kind = Kind::table, .doc = "low-frequency sinusoidal magnetic field"};
  item.children = {
      Field{.key = "field_strength",
            .kind = Kind::quantity,
            .doc = "peak magnetic flux density",
            .unit = "mT",
            .required = true,
            .hard = {0, 1000},
            .plausible = {0.05, 5}},
      Field{.key = "frequency",
            .kind = Kind::quantity,
            .doc = "field frequency",
            .unit = "Hz",
            .default_text = "50 Hz",
            .hard = {0, 1e6},
            .plausible = {1, 100}},
      Field{.key = "duty_cycle",
            .kind = Kind::quantity,
            .doc = "share of the time the field is on (100 % = continuous; intermittent regimens less)",
            .unit = "%",
            .default_text = "100 %",
            .hard = {0, 100}},
      treatment::start_field(),
      treatment::duration_field(),
  };
  registry.add(TherapyEntry{.name = "magnetic_stimulation",
                            .summary = "low-frequency magnetic field: faster axon elongation above a threshold strength",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<MagneticStimulation>});
}

}  // namespace bungner
