// Sensory tests of the rat paw (issue 27, deliverable 2): von Frey withdrawal threshold, thermal
// withdrawal latency (Hargreaves, hot plate) and pinprick score of each skin target. Declared here
// first with a null model (the paw of an intact rat, whatever the injury), so that the evidence
// entries that judge the model can be frozen with their cases before it (docs/validation.md).
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class SensoryTests final : public Readout {
 public:
  std::string_view name() const override { return "sensory_tests"; }
  void observe(const Model& m, const State&, std::vector<Observation>& out) const override {
    for (const auto& t : m.targets()) {
      if (t.is_muscle) continue;
      out.push_back({"von_frey_threshold." + t.name, 15.0, "g"});
      out.push_back({"thermal_withdrawal_latency." + t.name, 10.0, "s"});
      out.push_back({"pinprick_score." + t.name, 3.0, "score"});
      out.push_back({"collateral_share." + t.name, 0.0, "%"});
    }
  }
};

}  // namespace

void register_sensory_tests(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "sensory_tests",
      .summary =
          "rat paw sensory tests: von Frey threshold [g], thermal withdrawal latency [s], pinprick score (not yet modelled)",
      .declare_parameters = nullptr,
      .create = [](const CompileContext&) -> std::unique_ptr<Readout> { return std::make_unique<SensoryTests>(); },
      .observations = {"von_frey_threshold.*", "thermal_withdrawal_latency.*", "pinprick_score.*", "collateral_share.*"}});
}

}  // namespace bungner
