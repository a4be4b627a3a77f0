// Brief low-frequency electrical stimulation of the proximal stump at repair: shortens the
// staggered crossing of the suture line (Al-Majed 2000). Acts once, through
// signals.crossing_delay_factor, which axon_regeneration applies to the crossing delay still ahead
// of every waiting axon. Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/core/text.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class ElectricalStimulation final : public treatment::Therapy {
 public:
  ElectricalStimulation(const CompileContext& c, const toml::table& item) {
    const ParameterSet& p = c.parameters;
    const double reference = p.get("electrical_stimulation.crossing_delay_factor");
    const double tau_d = p.in("electrical_stimulation.duration_time_constant", "s");
    const double optimum = p.in("electrical_stimulation.optimal_frequency", "Hz");
    const double width = p.get("electrical_stimulation.frequency_tuning_width");
    const double tau_t = p.in("electrical_stimulation.delay_time_constant", "s");
    const double frequency = schema::quantity(item, "frequency", "Hz");
    const double length = schema::quantity(item, "duration", "s");
    const double delay = schema::quantity(item, "after_repair", "s");
    // Efficacy relative to the reference protocol (1 h at the optimal frequency, at repair).
    const auto saturation = [&](double d) { return 1.0 - std::exp(-d / tau_d); };
    const double by_duration = saturation(length) / saturation(3600.0);
    const double by_frequency = std::exp(-std::pow(std::log(frequency / optimum) / width, 2) / 2);
    const double by_delay = std::exp(-delay / tau_t);
    factor_ = std::clamp(1.0 - (1.0 - reference) * by_duration * by_frequency * by_delay, 0.0, 1.0);
    // The stimulation acts at the start of an hour, where axon_regeneration (period 1 h) is due.
    time_s_ = round_to_tick(static_cast<double>(c.spec.repair_time_s) + delay, seconds_per_hour);
  }

  std::string_view name() const override { return "electrical_stimulation"; }

  void declare_state(StateLayout& layout) override { delay_ = signals::crossing_delay_factor(layout); }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (tick.time_s <= time_s_ && time_s_ < tick.time_s + tick.dt_s) state.write(delay_, factor_);
  }

 private:
  SignalHandle delay_;
  double factor_ = 1.0;
  std::int64_t time_s_ = 0;
};

void declare(ParameterRegistry& r) {
  const std::string al_majed = "Al-Majed AA et al. J Neurosci 2000;20:2602, doi:10.1523/JNEUROSCI.20-07-02602.2000";
  r.declare({.name = "electrical_stimulation.crossing_delay_factor",
             .unit = "1",
             .default_value = 0.2665,
             .hard = {0, 1},
             .plausible = {0.1, 0.6},
             .species = "rat",
             .meaning = "factor on the suture-crossing delay after 1 h of 20 Hz stimulation at repair",
             .source = "fitted to " + al_majed +
                       " (all motoneurons across in 3 instead of 10 weeks: (21 - 3.2)/66.8 d, given the "
                       "untreated crossing fit)",
             .calibration = "E05,E06"});
  r.declare({.name = "electrical_stimulation.duration_time_constant",
             .unit = "min",
             .default_value = 15,
             .hard = {0.1, 100000},
             .plausible = {1, 60},
             .species = "rat",
             .meaning = "time constant with which the effect saturates with the length of stimulation",
             .source = "assumption (" + al_majed + ": 1 h as effective as 2 weeks, so saturated by 1 h)"});
  r.declare({.name = "electrical_stimulation.optimal_frequency",
             .unit = "Hz",
             .default_value = 20,
             .hard = {0.1, 1000},
             .plausible = {5, 50},
             .species = "rat",
             .meaning = "stimulation frequency of the full effect",
             .source = "assumption (only 20 Hz tested, " + al_majed + ")"});
  r.declare({.name = "electrical_stimulation.frequency_tuning_width",
             .unit = "1",
             .default_value = 1.0,
             .hard = {0.01, 10},
             .plausible = {0.3, 3},
             .species = "rat",
             .meaning = "log-SD of the frequency tuning (efficacy falls as a Gaussian in ln frequency)",
             .source = "assumption (no frequency-response data)"});
  r.declare({.name = "electrical_stimulation.delay_time_constant",
             .unit = "d",
             .default_value = 3,
             .hard = {0.01, 1000},
             .plausible = {0.5, 30},
             .species = "rat",
             .meaning = "time constant of the loss of efficacy when stimulation follows the repair",
             .source = "assumption (stimulation was given at repair; later stimulation is untested)"});
}

std::vector<TherapyProblem> check(const toml::table& item, const toml::table& s) {
  std::vector<TherapyProblem> problems;
  const std::string injury = schema::string(*s["injury"].as_table(), "type");
  const std::string repair = schema::string(*s["repair"].as_table(), "type");
  if (injury != "transection" || repair == "none")
    problems.push_back({"type", fmt::format("electrical_stimulation stimulates the proximal stump at a repair; this "
                                            "scenario has a {} with repair.type = '{}' (needs a repaired transection)",
                                            injury, repair)});
  if (schema::string(*s["site"].as_table(), "model") == "3d")
    problems.push_back({"type",
                        "electrical_stimulation acts on the 1D suture crossing; the 3D injury site does not "
                        "model it yet (use site.model = \"off\")"});
  if (auto late = treatment::after_the_end(item, s, "the stimulation")) problems.push_back(*late);
  return problems;
}

}  // namespace

void register_electrical_stimulation(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "electrical_stimulation",
             .kind = Kind::table,
             .doc = "brief low-frequency electrical stimulation of the proximal stump at repair"};
  item.children = {
      Field{.key = "frequency",
            .kind = Kind::quantity,
            .doc = "pulse frequency",
            .unit = "Hz",
            .default_text = "20 Hz",
            .hard = {0.1, 1000},
            .plausible = {1, 100}},
      Field{.key = "duration",
            .kind = Kind::quantity,
            .doc = "length of the stimulation",
            .unit = "h",
            .default_text = "1 h",
            .hard = {0.001, 720},
            .plausible = {0.1, 336}},
      Field{.key = "after_repair",
            .kind = Kind::quantity,
            .doc = "delay of the stimulation after the repair (given at or soon after it)",
            .unit = "d",
            .default_text = "0 d",
            .hard = {0, 365},
            .plausible = {0, 1}},
  };
  registry.add(TherapyEntry{.name = "electrical_stimulation",
                            .summary = "1 h of 20 Hz stimulation of the proximal stump at repair: faster staggered "
                                       "crossing of the suture line",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<ElectricalStimulation>,
                            .check = check});
}

}  // namespace bungner
