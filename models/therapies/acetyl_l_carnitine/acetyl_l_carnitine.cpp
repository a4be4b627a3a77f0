// Acetyl-L-carnitine: systemic neuroprotection that lowers the death hazard of axotomised sensory
// neurons with a Hill dose-response while it is given. Sources: README.md beside this file.
#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/core/units.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class AcetylLCarnitine final : public treatment::Therapy {
 public:
  AcetylLCarnitine(const CompileContext& c, const toml::table& item) : window_(treatment::Window::of(item, c)) {
    const ParameterSet& p = c.parameters;
    protection_ = p.get("acetyl_l_carnitine.max_protection") * treatment::hill(schema::quantity(item, "dose", "mg/kg/day"),
                                                                               p.get("acetyl_l_carnitine.ed50"),
                                                                               p.get("acetyl_l_carnitine.hill"));
  }

  std::string_view name() const override { return "acetyl_l_carnitine"; }

  void declare_state(StateLayout& layout) override { hazard_ = signals::neuron_death_hazard_factor(layout); }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (window_.covers(tick.time_s)) state.write(hazard_, 1.0 - protection_);
  }

 private:
  SignalHandle hazard_;
  treatment::Window window_;
  double protection_ = 0;
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
