// Isometric tetanic force of each muscle relative to the contralateral muscle (and in newtons
// where the preset gives the normal force): the innervated fraction of a muscle of the current
// relative mass. Observation model: README.md beside this file.
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class MuscleForce final : public Readout {
 public:
  std::string_view name() const override { return "muscle_force"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const TargetSpec& spec = m.targets()[t];
      if (!spec.is_muscle) continue;
      const double ratio = state.targets[t].force_ratio();
      out.push_back({"tetanic_force_ratio." + spec.name, 100.0 * ratio, "%"});
      if (spec.tetanic_force_n > 0) out.push_back({"tetanic_force." + spec.name, ratio * spec.tetanic_force_n, "N"});
    }
  }
};

}  // namespace

void register_muscle_force(Registry& registry) {
  registry.add(ReadoutEntry{.name = "muscle_force",
                            .summary = "isometric tetanic force per muscle [% of contralateral, N]",
                            .declare_parameters = nullptr,
                            .create = [](const CompileContext&) -> std::unique_ptr<Readout> {
                              return std::make_unique<MuscleForce>();
                            },
      .observations = {"tetanic_force_ratio.*", "tetanic_force.*"}});
}

}  // namespace bungner
