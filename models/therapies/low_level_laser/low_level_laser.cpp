// Low-level laser (photobiomodulation) of the injured nerve, a course of daily sessions: raises
// neuronal activity and neurotrophin expression, modelled as a modest rise of the elongation speed
// and a lower death hazard while the course runs (Rochkind 2007). Magnitudes are assumptions.
// Equations and sources: README.md beside this file.
#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class LowLevelLaser final : public treatment::Therapy {
 public:
  LowLevelLaser(const CompileContext& c, const toml::table& item) {
    const ParameterSet& p = c.parameters;
    start_s_ = static_cast<std::int64_t>(std::llround(schema::quantity(item, "start", "s")));
    end_s_ = start_s_ + *item["sessions"].value<std::int64_t>() * seconds_per_day;
    const double wavelength = schema::quantity(item, "wavelength", "nm");
    const bool in_window =
        wavelength >= p.in("low_level_laser.min_wavelength", "nm") && wavelength <= p.in("low_level_laser.max_wavelength", "nm");
    if (!in_window) return;
    speed_factor_ = 1.0 + p.get("low_level_laser.speed_gain");
    hazard_factor_ = 1.0 - p.get("low_level_laser.protection");
  }

  std::string_view name() const override { return "low_level_laser"; }

  void declare_state(StateLayout& layout) override {
    speed_ = signals::growth_speed_factor(layout);
    hazard_ = signals::neuron_death_hazard_factor(layout);
  }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (tick.time_s < start_s_ || tick.time_s >= end_s_) return;
    state.write(speed_, speed_factor_);
    state.write(hazard_, hazard_factor_);
  }

 private:
  SignalHandle speed_;
  SignalHandle hazard_;
  std::int64_t start_s_ = 0;
  std::int64_t end_s_ = 0;
  double speed_factor_ = 1.0;
  double hazard_factor_ = 1.0;
};

void declare(ParameterRegistry& r) {
  const std::string rochkind =
      "Rochkind S et al. Photomed Laser Surg 2007;25:436 (780 nm, 21 daily sessions: better "
      "motor function than placebo at 6 months, direction only)";
  r.declare({.name = "low_level_laser.speed_gain",
             .unit = "1",
             .default_value = 0.1,
             .hard = {0, 5},
             .plausible = {0, 0.3},
             .species = "all",
             .meaning = "fractional rise of the elongation speed during the course of sessions",
             .source = "assumption; " + rochkind,
             .calibration = "E48"});
  r.declare({.name = "low_level_laser.protection",
             .unit = "1",
             .default_value = 0.2,
             .hard = {0, 1},
             .plausible = {0, 0.5},
             .species = "all",
             .meaning = "fractional reduction of the neuron death hazard during the course of sessions",
             .source = "assumption; " + rochkind,
             .calibration = "E48"});
  r.declare({.name = "low_level_laser.min_wavelength",
             .unit = "nm",
             .default_value = 600,
             .hard = {100, 10000},
             .plausible = {500, 700},
             .species = "all",
             .meaning = "shortest wavelength that acts (red light)",
             .source = "assumption (the red to near-infrared window of photobiomodulation)",
             .numerical = true});
  r.declare({.name = "low_level_laser.max_wavelength",
             .unit = "nm",
             .default_value = 1000,
             .hard = {100, 10000},
             .plausible = {850, 1100},
             .species = "all",
             .meaning = "longest wavelength that acts (near infrared)",
             .source = "assumption (the red to near-infrared window of photobiomodulation)",
             .numerical = true});
}

}  // namespace

void register_low_level_laser(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "low_level_laser", .kind = Kind::table, .doc = "low-level laser, one session a day"};
  item.children = {
      Field{.key = "wavelength",
            .kind = Kind::quantity,
            .doc = "laser wavelength",
            .unit = "nm",
            .default_text = "780 nm",
            .hard = {100, 10000},
            .plausible = {600, 1000}},
      Field{.key = "power",
            .kind = Kind::quantity,
            .doc = "output power (recorded)",
            .unit = "mW",
            .default_text = "250 mW",
            .hard = {0, 100000},
            .plausible = {1, 1000}},
      Field{.key = "sessions", .kind = Kind::integer, .doc = "number of daily sessions", .default_text = "21", .hard = {1, 3650}},
      treatment::start_field(),
  };
  registry.add(TherapyEntry{.name = "low_level_laser",
                            .summary = "low-level laser (780 nm): modest speed and survival gain during the sessions",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<LowLevelLaser>});
}

}  // namespace bungner
