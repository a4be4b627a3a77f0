// Fermented soybean (natto, cheonggukjang): reported to improve neuronal aerobic capacity and to
// reduce apoptosis after nerve injury, without numbers a model could be fitted to. Modelled as a
// fractional reduction of the neuron death hazard while it is given, 0 by default (no effect
// unless a study sets it). Sources and what is assumption: README.md beside this file.
#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class FermentedSoybean final : public treatment::Therapy {
 public:
  FermentedSoybean(const CompileContext& c, const toml::table& item) : window_(treatment::Window::of(item, c)) {
    hazard_factor_ = 1.0 - c.parameters.get("fermented_soybean.protection");
  }

  std::string_view name() const override { return "fermented_soybean"; }

  void declare_state(StateLayout& layout) override { hazard_ = signals::neuron_death_hazard_factor(layout); }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (window_.covers(tick.time_s)) state.write(hazard_, hazard_factor_);
  }

 private:
  SignalHandle hazard_;
  treatment::Window window_;
  double hazard_factor_ = 1.0;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "fermented_soybean.protection",
             .unit = "1",
             .default_value = 0.0,
             .hard = {0, 1},
             .plausible = {0, 0.3},
             .species = "all",
             .meaning = "fractional reduction of the neuron death hazard while fermented soybean is given",
             .source = "assumption: 0, no quantitative evidence (natto lowered apoptosis and inflammation after "
                       "sciatic crush together with stem cells, Pan HC et al. J Biomed Sci 2009;16:75, identifier "
                       "not verified)"});
}

}  // namespace

void register_fermented_soybean(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "fermented_soybean", .kind = Kind::table, .doc = "fermented soybean (natto) by mouth"};
  item.children = {
      Field{.key = "dose",
            .kind = Kind::quantity,
            .doc = "daily amount (recorded)",
            .unit = "mg/day",
            .default_text = "16 mg/day",
            .hard = {0, 1e6}},
      treatment::start_field(),
      treatment::duration_field(),
  };
  registry.add(TherapyEntry{.name = "fermented_soybean",
                            .summary = "fermented soybean: neuroprotection, no effect by default (no quantitative data)",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<FermentedSoybean>});
}

}  // namespace bungner
