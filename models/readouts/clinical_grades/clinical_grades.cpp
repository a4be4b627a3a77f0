// Clinical grades of human nerve injuries: British MRC motor grade M0-M5 of each muscle (from its
// force relative to the other side) and sensory grade S0-S4 of each skin territory (from its
// reinnervated fraction), and the advance of the Tinel sign (the front of regenerating sensory
// axons). Reported for species = "human" only. Mapping: README.md beside this file.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../../mechanisms/muscle_target/muscle_fibres.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class ClinicalGrades final : public Readout {
 public:
  explicit ClinicalGrades(const ParameterSet& p)
      : motor_{p.get("clinical_grades.motor_m1"), p.get("clinical_grades.motor_m2"), p.get("clinical_grades.motor_m3"),
               p.get("clinical_grades.motor_m4"), p.get("clinical_grades.motor_m5")},
        sensory_{p.get("clinical_grades.sensory_s1"), p.get("clinical_grades.sensory_s2"), p.get("clinical_grades.sensory_s3"),
                 p.get("clinical_grades.sensory_s4")},
        tinel_quantile_(p.get("clinical_grades.tinel_quantile")) {}
  std::string_view name() const override { return "clinical_grades"; }
  void declare_state(StateLayout& layout) override { fibres_ = muscle::fibres(layout); }

  /// Number of thresholds reached (thresholds ascending, in %).
  template <std::size_t N>
  static double grade(double percent, const double (&thresholds)[N]) {
    double g = 0;
    for (double t : thresholds) g += percent >= t ? 1 : 0;
    return g;
  }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const TargetSpec& spec = m.targets()[t];
      const TargetState& s = state.targets[t];
      if (spec.is_muscle)
        out.push_back({"mrc_motor_grade." + spec.name,
                       grade(100.0 * muscle::tetanic_force_ratio(s, state.block(fibres_)[t]), motor_), "M"});
      else {
        out.push_back({"mrc_sensory_grade." + spec.name, grade(100.0 * s.innervation, sensory_), "S"});
        // Declared before their model (issue 27): an uninjured fingertip's values.
        out.push_back({"static_2pd." + spec.name, 3.0, "mm"});
        out.push_back({"moving_2pd." + spec.name, 0.84 * 3.0, "mm"});
        out.push_back({"monofilament_threshold." + spec.name, 2.83, "marking"});
      }
    }
    if (m.injury == InjuryType::conduction_block) return;  // no regeneration: no advancing Tinel sign
    // Tinel sign: tapping over the tips of regenerating sensory axons; its distal limit advances.
    const NeuronPopulation& n = state.neurons;
    std::vector<double> tips;
    for (std::size_t i = 0; i < n.size(); ++i)
      if (n.kind[i] == NeuronKind::sensory && n.alive[i] &&
          (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::arrived))
        tips.push_back(n.position_m[i]);
    double front = 0;
    if (!tips.empty()) {
      const auto k = static_cast<std::size_t>(std::floor(tinel_quantile_ * static_cast<double>(tips.size() - 1)));
      std::nth_element(tips.begin(), tips.begin() + static_cast<std::ptrdiff_t>(k), tips.end());
      front = tips[k];
    }
    out.push_back({"tinel_sign_distance", 1e3 * front, "mm"});
  }

 private:
  BlockHandle<muscle::Fibres> fibres_;
  double motor_[5];
  double sensory_[4];
  double tinel_quantile_;
};

void declare(ParameterRegistry& r) {
  const std::string motor_source =
      "assumption (observation model: MRC grades are ordinal; force fractions after Medical Research Council, "
      "Aids to the investigation of peripheral nerve injuries, 1943/1976)";
  const std::string sensory_source = "assumption (observation model of the MRC sensory scale S0-S4)";
  const struct {
    const char* name;
    double value;
    const char* meaning;
    const std::string& source;
  } thresholds[] = {
      {"motor_m1", 1, "force (% of contralateral) for M1: flicker of contraction", motor_source},
      {"motor_m2", 5, "force for M2: movement with gravity eliminated", motor_source},
      {"motor_m3", 15, "force for M3: movement against gravity", motor_source},
      {"motor_m4", 40, "force for M4: movement against some resistance", motor_source},
      {"motor_m5", 80, "force for M5: normal power", motor_source},
      {"sensory_s1", 1, "reinnervated fraction of a skin territory (%) for S1: deep cutaneous pain", sensory_source},
      {"sensory_s2", 10, "reinnervated fraction for S2: some superficial pain and touch", sensory_source},
      {"sensory_s3", 30, "reinnervated fraction for S3: pain and touch without over-response", sensory_source},
      {"sensory_s4", 70, "reinnervated fraction for S4: complete recovery", sensory_source}};
  for (const auto& g : thresholds)
    r.declare({.name = std::string("clinical_grades.") + g.name,
               .unit = "%",
               .default_value = g.value,
               .hard = {0, 100},
               .plausible = {0, 100},
               .species = "human",
               .meaning = g.meaning,
               .source = g.source,
               .numerical = true});
  r.declare({.name = "clinical_grades.tinel_quantile",
             .unit = "1",
             .default_value = 0.9,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "human",
             .meaning = "quantile of regenerating sensory tip positions at which the Tinel sign is elicited",
             .source = "assumption (the sign is felt over the most advanced sensory sprouts)",
             .numerical = true});
}

}  // namespace

void register_clinical_grades(Registry& registry) {
  registry.add(ReadoutEntry{.name = "clinical_grades",
                            .summary = "MRC motor M0-M5 and sensory S0-S4 grades and the Tinel sign (humans)",
                            .declare_parameters = declare,
                            .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
                              if (c.spec.species != "human") return nullptr;
                              return std::make_unique<ClinicalGrades>(c.parameters);
                            },
                            .observations = {"mrc_motor_grade.*", "mrc_sensory_grade.*", "static_2pd.*", "moving_2pd.*",
                                             "monofilament_threshold.*", "tinel_sign_distance"},
                            .headline = {{140, "mrc_motor_grade."}, {150, "mrc_sensory_grade."}, {160, "tinel_sign_distance"}}});
}

}  // namespace bungner
