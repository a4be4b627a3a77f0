// Muscle readouts: wet-weight ratio to the contralateral muscle (the observation of harvested
// muscle weights), with the innervated fraction and end-plate receptivity behind it.
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class MuscleMassRatio final : public Readout {
 public:
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
        out.push_back({"muscle_wet_weight." + name, 1e3 * m.targets()[t].wet_weight_kg * s.mass_ratio, "g"});
      out.push_back({"muscle_innervation." + name, 100.0 * s.innervation, "%"});
      out.push_back({"muscle_receptivity." + name, 100.0 * s.receptivity, "%"});
    }
  }
};

}  // namespace

void register_muscle_mass_ratio(Registry& registry) {
  registry.add(ReadoutEntry{.name = "muscle_mass_ratio",
                            .summary = "muscle wet-weight ratio, innervation and receptivity [%], wet weight [g]; skin innervation",
                            .declare_parameters = nullptr,
                            .create = [](const CompileContext&) -> std::unique_ptr<Readout> {
                              return std::make_unique<MuscleMassRatio>();
                            },
      .observations = {"muscle_mass_ratio.*", "muscle_wet_weight.*", "muscle_innervation.*", "muscle_receptivity.*", "skin_innervation.*"}});
}

}  // namespace bungner
