// Direct electrical stimulation of denervated muscle: contractions evoked through electrodes on
// the muscle replace part of the activity its lost nerve gave, and so slow denervation atrophy
// (E70). Modelled as a floor on the activity that sets the mass a denervated muscle tends to.
// Equations and sources: README.md beside this file.
#include <algorithm>

#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class MuscleStimulation final : public treatment::Therapy {
 public:
  MuscleStimulation(const CompileContext& c, const toml::table& item)
      : window_(treatment::Window::of(item, c)), activity_(c.parameters.get("muscle_stimulation.activity_substitution")) {}

  std::string_view name() const override { return "muscle_stimulation"; }

  void declare_state(StateLayout& layout) override { activity_signal_ = signals::muscle_activity(layout); }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (!window_.covers(tick.time_s)) return;
    state.write(activity_signal_, activity_);
  }

 private:
  SignalHandle activity_signal_;
  treatment::Window window_;
  double activity_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "muscle_stimulation.activity_substitution",
             .unit = "1",
             .default_value = 0.49,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "rat",
             .meaning = "share of a normal muscle's activity that direct stimulation of a denervated muscle "
                        "replaces, as far as its mass is concerned",
             .source = "assumption, fitted to E70 (electrically stimulated denervated rat gastrocnemius lost 28.3 % "
                       "of its wet weight by 15 d against 55.8 % unstimulated, E43; abstract, attribution "
                       "incomplete): 1 - 0.283 / 0.558 of the loss toward the floor is prevented",
             .calibration = "E70"});
}

}  // namespace

void register_muscle_stimulation(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "muscle_stimulation",
             .kind = Kind::table,
             .doc =
                 "direct electrical stimulation of the denervated muscles (electrodes on the muscle): slows "
                 "their atrophy"};
  item.children = {
      Field{.key = "frequency",
            .kind = Kind::quantity,
            .doc = "stimulation frequency (recorded)",
            .unit = "Hz",
            .default_text = "20 Hz",
            .hard = {0, 1000},
            .plausible = {1, 200}},
      treatment::start_field(),
      treatment::duration_field(),
  };
  registry.add(TherapyEntry{.name = "muscle_stimulation",
                            .summary = "direct stimulation of denervated muscle: atrophy slowed while given",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<MuscleStimulation>});
}

}  // namespace bungner
