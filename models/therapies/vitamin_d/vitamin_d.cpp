// Vitamin D2 (ergocalciferol) or D3 (cholecalciferol), given daily: more and faster axon growth
// while it acts, and thicker regenerated fibres (Chabas 2008, 2013), with the onset and washout
// of its pharmacokinetics (25-hydroxyvitamin D). Acts through signals.growth_speed_factor and
// effects.fibre_diameter_factor. Equations and sources: README.md.
#include <algorithm>

#include "../../signals.hpp"
#include "../pharmacokinetics.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class VitaminD final : public treatment::Therapy {
 public:
  VitaminD(const CompileContext& c, const toml::table& item)
      : course_(treatment::PkRates::declared(c.parameters, "vitamin_d"), schema::quantity(item, "dose", "IU/kg/day"),
                treatment::Window::of(item, c)) {
    const ParameterSet& p = c.parameters;
    potency_ = schema::string(item, "form") == "D2" ? p.get("vitamin_d.d2_relative_potency") : 1.0;
    ed50_ = p.in("vitamin_d.ed50", "IU/kg/day");
    speed_gain_ = p.get("vitamin_d.max_speed_gain");
    diameter_gain_ = p.get("vitamin_d.max_diameter_gain");
  }

  std::string_view name() const override { return "vitamin_d"; }

  void declare_state(StateLayout& layout) override {
    speed_ = signals::growth_speed_factor(layout);
    diameter_effect_ = signals::fibre_diameter_factor(layout);
    course_.declare(layout, "vitamin_d.pk");
  }

  // The response of the tick is the fitted dose-response at the effect site's equivalent daily
  // dose: the same as before at steady state, less while it builds up, some after the course.
  void advance(const Model&, State& state, const Tick& tick) const override {
    const double response = potency_ * treatment::hill(course_.advance(state, tick), ed50_, 1.0);
    if (response <= 0) return;
    state.write(speed_, 1.0 + speed_gain_ * response);
    double& diameter = state.scalar(diameter_effect_);
    diameter = std::max(diameter, 1.0 + diameter_gain_ * response);
  }

 private:
  SignalHandle speed_;
  BlockHandle<double> diameter_effect_;
  treatment::Course course_;
  double potency_ = 1.0, ed50_ = 1.0, speed_gain_ = 0.0, diameter_gain_ = 0.0;
};

void declare(ParameterRegistry& r) {
  const std::string chabas2013 = "Chabas JF et al. PLoS One 2013;8:e65034, doi:10.1371/journal.pone.0065034";
  const std::string chabas2008 = "Chabas JF et al. J Neurotrauma 2008;25:1247 (HAL hal-00320785)";
  r.declare({.name = "vitamin_d.ed50",
             .unit = "IU/kg/day",
             .default_value = 100,
             .hard = {0.01, 1e6},
             .plausible = {20, 500},
             .species = "rat",
             .meaning = "daily dose of half the maximal effect",
             .source = "assumption (doses of 100 and 500 IU/kg/day tested, " + chabas2013 + ")"});
  r.declare({.name = "vitamin_d.d2_relative_potency",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 2},
             .plausible = {0.2, 1},
             .species = "rat",
             .meaning = "effect of ergocalciferol (D2) relative to the same dose of cholecalciferol (D3)",
             .source = "assumption (D3 more efficient than D2, " + chabas2013 + ")",
             .calibration = "E47"});
  r.declare({.name = "vitamin_d.max_diameter_gain",
             .unit = "1",
             .default_value = 0.36,
             .hard = {0, 5},
             .plausible = {0, 1},
             .species = "rat",
             .meaning = "largest fractional rise of the diameter of regenerated fibres",
             .source = "fitted to " + chabas2013 +
                       " (D3 500 IU/kg/day: mean axon diameter about +30 %, secondary reading): 0.30 / (500 / 600)",
             .calibration = "E47"});
  r.declare({.name = "vitamin_d.max_speed_gain",
             .unit = "1",
             .default_value = 0.1,
             .hard = {0, 5},
             .plausible = {0, 0.5},
             .species = "rat",
             .meaning = "largest fractional rise of the elongation speed (axogenesis) while vitamin D is given",
             .source = "assumption (direction only: increased axogenesis, " + chabas2008 + " and " + chabas2013 + ")",
             .calibration = "E46"});
  // Pharmacokinetics: the body compartment stands for serum 25-hydroxyvitamin D, the long-lived
  // circulating form; no rat half-life was found, so the human value is scaled by body weight.
  r.declare({.name = "vitamin_d.absorption_half_life",
             .unit = "d",
             .default_value = 1,
             .hard = {0.001, 100},
             .plausible = {0.1, 5},
             .species = "rat",
             .meaning = "half-time of oral absorption and hepatic 25-hydroxylation of the vitamin given",
             .source = "assumption (in humans serum 25(OH)D peaks about 4 h after an oral dose of 25(OH)D2 "
                       "itself, Jones KS et al. Br J Nutr 2012;107:1128, doi:10.1017/S0007114511004132; the "
                       "parent vitamin must first be hydroxylated in the liver)"});
  r.declare({.name = "vitamin_d.elimination_half_life",
             .unit = "d",
             .default_value = 3,
             .hard = {0.01, 1000},
             .plausible = {1, 15},
             .species = "rat",
             .meaning = "elimination half-life of serum 25-hydroxyvitamin D",
             .source = "assumption: human 25(OH)D t1/2 about 12 d ('Acute administration of 25-hydroxycholecalciferol in "
                       "man', 1976; 2-3 weeks, Jones 2012 doi:10.1017/S0007114511004132) scaled to a 0.3 kg "
                       "rat by body weight^0.25 (x 0.26); no rat measurement found"});
  r.declare({.name = "vitamin_d.effect_half_life",
             .unit = "d",
             .default_value = 1,
             .hard = {0.001, 100},
             .plausible = {0.1, 7},
             .species = "rat",
             .meaning = "half-time of the nerve's response to a change of 25(OH)D (conversion to calcitriol, "
                        "VDR-driven transcription; ln 2 / ke0)",
             .source = "assumption (no measurement found)"});
}

}  // namespace

void register_vitamin_d(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "vitamin_d", .kind = Kind::table, .doc = "vitamin D2 or D3, daily"};
  item.children = {
      Field{.key = "form",
            .kind = Kind::choice,
            .doc = "D2 (ergocalciferol) or D3 (cholecalciferol)",
            .default_text = "D3",
            .choices = {"D2", "D3"}},
      Field{.key = "dose",
            .kind = Kind::quantity,
            .doc = "daily dose per body weight",
            .unit = "IU/kg/day",
            .required = true,
            .hard = {0, 1e6},
            .plausible = {10, 2000}},
      treatment::start_field(),
      treatment::duration_field(),
  };
  registry.add(TherapyEntry{.name = "vitamin_d",
                            .summary = "vitamin D2/D3: faster axon growth while given, thicker regenerated fibres",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<VitaminD>});
}

}  // namespace bungner
