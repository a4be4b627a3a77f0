// Acetyl-L-carnitine: systemic neuroprotection that lowers the death hazard of axotomised sensory
// neurons with a Hill dose-response of the drug at the nerve (pharmacokinetics: absorption,
// elimination, effect site), and a faster elongation of the regenerating axons with the same
// dose-response. Sources: README.md beside this file.
#include "../../signals.hpp"
#include "../pharmacokinetics.hpp"
#include "../treatment_window.hpp"
#include "bungner/core/units.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class AcetylLCarnitine final : public treatment::Therapy {
 public:
  AcetylLCarnitine(const CompileContext& c, const toml::table& item)
      : course_(treatment::PkRates::declared(c.parameters, "acetyl_l_carnitine"), schema::quantity(item, "dose", "mg/kg/day"),
                treatment::Window::of(item, c)) {
    const ParameterSet& p = c.parameters;
    max_protection_ = p.get("acetyl_l_carnitine.max_protection");
    max_speed_gain_ = p.get("acetyl_l_carnitine.max_speed_gain");
    ed50_ = p.get("acetyl_l_carnitine.ed50");
    hill_ = p.get("acetyl_l_carnitine.hill");
  }

  std::string_view name() const override { return "acetyl_l_carnitine"; }

  void declare_state(StateLayout& layout) override {
    hazard_ = signals::neuron_death_hazard_factor(layout);
    speed_ = signals::growth_speed_factor(layout);
    course_.declare(layout, "acetyl_l_carnitine.pk");
  }

  // The drug at the nerve after this tick, as the daily dose that keeps it there at steady state,
  // sets the protection of the tick (the fitted dose-response, unchanged at steady state).
  void advance(const Model&, State& state, const Tick& tick) const override {
    const double equivalent = course_.advance(state, tick);
    const double effect = treatment::hill(equivalent, ed50_, hill_);
    if (effect <= 0) return;
    state.write(hazard_, 1.0 - max_protection_ * effect);
    // Faster elongation (a pinch-test front 16 % faster in the first days after a crush); the
    // dose-response of the protection is the only one measured, so it is taken for both.
    state.write(speed_, 1.0 + max_speed_gain_ * effect);
  }

 private:
  SignalHandle hazard_, speed_;
  treatment::Course course_;
  double max_protection_ = 0, max_speed_gain_ = 0, ed50_ = 1, hill_ = 1;
};

void declare(ParameterRegistry& r) {
  const std::string fitted =
      "fitted to Hart 2002 doi:10.1007/s00221-002-1100-2 (50 mg/kg/day: 0-2% loss) and Wilson 2003 "
      "doi:10.1016/j.bjps.2003.08.005 (5 mg/kg/day: 12% loss; 10 mg/kg/day: none) given the untreated "
      "neuron_survival fit";
  r.declare({.name = "acetyl_l_carnitine.ed50",
             .unit = "mg/kg/day",
             .default_value = 4.58,
             .hard = {0.001, 10000},
             .plausible = {0.5, 100},
             .species = "rat",
             .meaning = "dose giving half the maximal neuroprotection",
             .source = fitted,
             .calibration = "E27,E28"});
  r.declare({.name = "acetyl_l_carnitine.hill",
             .unit = "1",
             .default_value = 4,
             .hard = {0.1, 10},
             .plausible = {1, 6},
             .species = "rat",
             .meaning = "Hill coefficient of the dose-response",
             .source = fitted + " (no loss at 10 mg/kg/day needs a coefficient >= 3.5)",
             .calibration = "E27,E28"});
  r.declare({.name = "acetyl_l_carnitine.max_protection",
             .unit = "1",
             .default_value = 1.0,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "rat",
             .meaning = "largest fractional reduction of the neuron death hazard",
             .source = "assumption (high doses abolish loss, E27)",
             .calibration = "E27"});
  r.declare({.name = "acetyl_l_carnitine.max_speed_gain",
             .unit = "1",
             .default_value = 0.16,
             .hard = {0, 5},
             .plausible = {0, 0.5},
             .species = "rat",
             .meaning = "largest fractional rise of the axons' elongation speed (signals.growth_speed_factor); same "
                        "dose-response as the protection",
             .source = "taken from E157 (Drugs Exp Clin Res 1991;17(12):563-70, authors not shown on the page read: rat "
                       "sciatic crush, 100 mg per rat per day i.p. from day 0, pinch-test elongation speed +16 % over "
                       "days 0-3, P < 0.01; after a section +14 % days 0-4 and +32 % days 5-8, not significant); a dose "
                       "on the plateau of the protection's dose-response [no identifier on record: assumption]",
             .calibration = "E157"});
  // Pharmacokinetics. No rat study of ALCAR kinetics was found; the values are assumptions
  // informed by human data (below) and by the faster clearance of small animals.
  r.declare({.name = "acetyl_l_carnitine.absorption_half_life",
             .unit = "h",
             .default_value = 0.25,
             .hard = {0.001, 100},
             .plausible = {0.05, 2},
             .species = "rat",
             .meaning = "half-time of absorption from the injection site (intraperitoneal or subcutaneous)",
             .source = "assumption (a small polar molecule injected intraperitoneally; no rat measurement found)"});
  r.declare({.name = "acetyl_l_carnitine.elimination_half_life",
             .unit = "h",
             .default_value = 2,
             .hard = {0.01, 1000},
             .plausible = {0.5, 12},
             .species = "rat",
             .meaning = "plasma elimination half-life of the excess acetyl-L-carnitine given",
             .source = "assumption: in humans, plasma ALCAR returns to baseline within 12 h of 500 mg i.v. "
                       "(Eur J Clin Pharmacol 1989;37:59, doi:10.1007/BF00609426) and L-carnitine "
                       "i.v. has t1/2 3.9-6.5 h (Harper P et al. Eur J Clin Pharmacol 1988;35:69, "
                       "doi:10.1007/BF00555510); shorter in rats (no rat measurement found)"});
  r.declare({.name = "acetyl_l_carnitine.effect_half_life",
             .unit = "h",
             .default_value = 2,
             .hard = {0.001, 1000},
             .plausible = {0.25, 24},
             .species = "rat",
             .meaning = "half-time of equilibration of the nerve (dorsal root ganglia) with plasma (ln 2 / ke0)",
             .source = "assumption (no measurement of ALCAR uptake into dorsal root ganglia found)"});
}

}  // namespace

void register_acetyl_l_carnitine(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "acetyl_l_carnitine", .kind = Kind::table, .doc = "acetyl-L-carnitine"};
  item.children = {
      Field{.key = "dose",
            .kind = Kind::quantity,
            .doc = "daily dose per body weight",
            .unit = "mg/kg/day",
            .required = true,
            .hard = {0, 5000},
            .plausible = {1, 500}},
      treatment::start_field(),
      treatment::duration_field(),
      Field{.key = "route",
            .kind = Kind::choice,
            .doc = "administration route (recorded)",
            .default_text = "intraperitoneal",
            .choices = {"intraperitoneal", "subcutaneous", "oral"}},
  };
  registry.add(TherapyEntry{.name = "acetyl_l_carnitine",
                            .summary = "systemic neuroprotection of axotomised sensory neurons",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<AcetylLCarnitine>});
}

}  // namespace bungner
