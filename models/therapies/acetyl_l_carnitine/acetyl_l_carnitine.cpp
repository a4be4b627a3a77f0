// Acetyl-L-carnitine: systemic neuroprotection that lowers the death hazard of axotomised sensory
// neurons with a Hill dose-response while it is given. Sources: README.md beside this file.
#include <cmath>

#include "bungner/core/units.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class AcetylLCarnitine final : public Process {
 public:
  AcetylLCarnitine(const ParameterSet& p, const toml::table& item, std::int64_t duration_s) {
    const double dose = schema::quantity(item, "dose", "mg/kg/day");
    const double ed50 = p.get("acetyl_l_carnitine.ed50");
    const double hill = p.get("acetyl_l_carnitine.hill");
    const double max_protection = p.get("acetyl_l_carnitine.max_protection");
    const double d = std::pow(dose, hill);
    protection_ = max_protection * d / (d + std::pow(ed50, hill));
    start_s_ = static_cast<std::int64_t>(std::llround(schema::quantity(item, "start", "s")));
    const double length = schema::quantity(item, "duration", "s");
    end_s_ = length > 0 ? start_s_ + static_cast<std::int64_t>(std::llround(length)) : duration_s + 1;
  }

  std::string_view name() const override { return "acetyl_l_carnitine"; }
  Phase phase() const override { return Phase::therapy; }
  std::int64_t period_s() const override { return 0; }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (tick.time_s >= start_s_ && tick.time_s < end_s_) state.signals.neuron_death_hazard_factor *= 1.0 - protection_;
  }

 private:
  double protection_ = 0;
  std::int64_t start_s_ = 0;
  std::int64_t end_s_ = 0;
};

void declare(ParameterRegistry& r) {
  const std::string fitted =
      "fitted to Hart 2002 doi:10.1007/s00221-002-1100-2 (50 mg/kg/day: 0-2% loss) and Wilson 2003 "
      "doi:10.1016/j.bjps.2003.08.005 (5 mg/kg/day: 12% loss; 10 mg/kg/day: none) given the untreated "
      "neuron_survival fit";
  r.declare({.name = "acetyl_l_carnitine.ed50", .unit = "mg/kg/day", .default_value = 4.58, .hard = {0.001, 10000},
             .plausible = {0.5, 100}, .species = "rat", .meaning = "dose giving half the maximal neuroprotection",
             .source = fitted, .calibration = "E27,E28"});
  r.declare({.name = "acetyl_l_carnitine.hill", .unit = "1", .default_value = 4, .hard = {0.1, 10},
             .plausible = {1, 6}, .species = "rat", .meaning = "Hill coefficient of the dose-response",
             .source = fitted + " (no loss at 10 mg/kg/day needs a coefficient >= 3.5)", .calibration = "E27,E28"});
  r.declare({.name = "acetyl_l_carnitine.max_protection", .unit = "1", .default_value = 1.0, .hard = {0, 1},
             .plausible = {0.5, 1}, .species = "rat",
             .meaning = "largest fractional reduction of the neuron death hazard",
             .source = "assumption (high doses abolish loss, E27)", .calibration = "E27"});
}

}  // namespace

void register_acetyl_l_carnitine(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "acetyl_l_carnitine", .kind = Kind::table, .doc = "acetyl-L-carnitine"};
  item.children = {
      Field{.key = "dose", .kind = Kind::quantity, .doc = "daily dose per body weight", .unit = "mg/kg/day",
            .required = true, .hard = {0, 5000}, .plausible = {1, 500}},
      Field{.key = "start", .kind = Kind::quantity, .doc = "start after injury", .unit = "d", .default_text = "0 d",
            .hard = {0, 7300}},
      Field{.key = "duration", .kind = Kind::quantity, .doc = "treatment length; 0 = until the end of the run",
            .unit = "d", .default_text = "0 d", .hard = {0, 7300}},
      Field{.key = "route", .kind = Kind::choice, .doc = "administration route (recorded)",
            .default_text = "intraperitoneal", .choices = {"intraperitoneal", "subcutaneous", "oral"}},
  };
  registry.add(TherapyEntry{.name = "acetyl_l_carnitine",
                            .summary = "systemic neuroprotection of axotomised sensory neurons",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = [](const CompileContext& c, const toml::table& t) -> std::unique_ptr<Process> {
                              const double duration = schema::quantity(*c.scenario["simulation"].as_table(), "duration", "s");
                              return std::make_unique<AcetylLCarnitine>(c.parameters, t,
                                                                        static_cast<std::int64_t>(duration));
                            }});
}

}  // namespace bungner
