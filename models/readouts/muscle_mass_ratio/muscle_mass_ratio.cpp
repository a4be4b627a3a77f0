// Muscle readouts: wet-weight ratio to the contralateral muscle (the observation of harvested
// muscle weights), with the innervated fraction and end-plate receptivity behind it.
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class MuscleMassRatio final : public Readout {
 public:
  explicit MuscleMassRatio(const ParameterSet& p) : normal_weight_factor_(p.get("muscle_mass_ratio.normal_weight_factor")) {}
  std::string_view name() const override { return "muscle_mass_ratio"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const std::string& name = m.targets()[t].name;
      const TargetState& s = state.targets[t];
      if (!m.targets()[t].is_muscle) {
        out.push_back({"skin_innervation." + name, 100.0 * s.innervation, "%"});
        continue;
      }
      out.push_back({"muscle_mass_ratio." + name, 100.0 * s.mass_ratio, "%"});
      // Grams where the preset knows the normal muscle's weight (what a balance reads).
      if (m.targets()[t].wet_weight_kg > 0)
        out.push_back(
            {"muscle_wet_weight." + name, 1e3 * m.targets()[t].wet_weight_kg * normal_weight_factor_ * s.mass_ratio, "g"});
      out.push_back({"muscle_innervation." + name, 100.0 * s.innervation, "%"});
      out.push_back({"muscle_receptivity." + name, 100.0 * s.receptivity, "%"});
    }
  }

 private:
  double normal_weight_factor_;
};

}  // namespace

void register_muscle_mass_ratio(Registry& registry) {
  registry.add(
      ReadoutEntry{.name = "muscle_mass_ratio",
                   .summary = "muscle wet-weight ratio, innervation and receptivity [%], wet weight [g]; skin innervation",
                   .declare_parameters =
                       [](ParameterRegistry& r) {
                         r.declare_varying({.name = "muscle_mass_ratio.normal_weight_factor",
                                            .unit = "1",
                                            .default_value = 1,
                                            .hard = {0.1, 10},
                                            .plausible = {0.7, 1.4},
                                            .species = "all",
                                            .meaning = "this subject's normal muscle wet weight relative to the "
                                                       "preset's; ratios to the contralateral muscle do not depend on it",
                                            .source = "assumption (1: the preset's normal weight)"},
                                           {.cv = 0.086,
                                            .plausible = {0.03, 0.3},
                                            .species = "rat",
                                            .meaning = "between-subject CV of the normal muscle wet weight (lognormal)",
                                            .source = "taken from E59 (Sci Rep 2023: rat gastrocnemius 1.98 +- "
                                                      "0.17 g SD, CV 0.086); assumption that every muscle "
                                                      "varies as the gastrocnemius",
                                            .calibration = "E59"});
                       },
                   .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
                     return std::make_unique<MuscleMassRatio>(c.parameters);
                   },
                   .observations = {"muscle_mass_ratio.*", "muscle_wet_weight.*", "muscle_innervation.*", "muscle_receptivity.*",
                                    "skin_innervation.*"},
                   .headline = {{70, "muscle_mass_ratio."}, {120, "skin_innervation."}}});
}

}  // namespace bungner
