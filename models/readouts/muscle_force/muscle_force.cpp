// Isometric tetanic force of each muscle relative to the contralateral muscle (and in newtons
// where the preset gives the normal force): the innervated contractile area times the specific
// tension of its fibres (muscle_target's fibre state). Observation model: README.md beside this file.
#include "../../mechanisms/muscle_target/muscle_fibres.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class MuscleForce final : public Readout {
 public:
  explicit MuscleForce(const ParameterSet& p) : normal_force_factor_(p.get("muscle_force.normal_force_factor")) {}
  std::string_view name() const override { return "muscle_force"; }
  void declare_state(StateLayout& layout) override { fibres_ = muscle::fibres(layout); }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const TargetSpec& spec = m.targets()[t];
      if (!spec.is_muscle) continue;
      const double ratio = muscle::tetanic_force_ratio(state.targets[t], state.block(fibres_)[t]);
      out.push_back({"tetanic_force_ratio." + spec.name, 100.0 * ratio, "%"});
      // The ratio is to the same animal's contralateral muscle; newtons carry its own strength.
      if (spec.tetanic_force_n > 0)
        out.push_back({"tetanic_force." + spec.name, ratio * spec.tetanic_force_n * normal_force_factor_, "N"});
    }
  }

 private:
  BlockHandle<muscle::Fibres> fibres_;
  double normal_force_factor_;
};

}  // namespace

void register_muscle_force(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "muscle_force",
      .summary = "isometric tetanic force per muscle [% of contralateral, N]",
      .declare_parameters =
          [](ParameterRegistry& r) {
            r.declare_varying({.name = "muscle_force.normal_force_factor",
                               .unit = "1",
                               .default_value = 1,
                               .hard = {0.1, 10},
                               .plausible = {0.6, 1.6},
                               .species = "all",
                               .meaning = "this subject's normal tetanic force relative to the preset's "
                                          "(a strong or weak animal); ratios to the contralateral "
                                          "muscle do not depend on it",
                               .source = "assumption (1: the preset's normal force)"},
                              {.cv = 0.17,
                               .plausible = {0.05, 0.4},
                               .species = "rat",
                               .meaning = "between-subject CV of the normal tetanic force (lognormal)",
                               .source = "taken from E60 (Schmoll et al. 2017: rat TA specific force "
                                         "16.5 +- 3.0 SD, n = 11: CV 0.18); "
                                         "assumption that force varies as specific force does",
                               .calibration = "E60"});
          },
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> { return std::make_unique<MuscleForce>(c.parameters); },
      .observations = {"tetanic_force_ratio.*", "tetanic_force.*"},
      .headline = {{80, "tetanic_force_ratio."}}});
}

}  // namespace bungner
