// Pathway accuracy: of the axons that have entered the distal nerve, the share that chose an
// endoneurial pathway of their own kind and target (motor into motor, to their own muscle). Only
// where the injury disrupted the endoneurium (Sunderland III-V); after a crush every axon keeps its
// tube. The observation of retrograde double labelling of two branches (the correct share of
// motoneurons) and of Madison 1999's motor-unit counts.
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "pathway_counts.hpp"

namespace bungner {
namespace {

class PathwayAccuracy final : public Readout {
 public:
  std::string_view name() const override { return "pathway_accuracy"; }

  void observe(const Model&, const State& state, std::vector<Observation>& out) const override {
    const pathway::Counts c = pathway::count(state.neurons);
    // Reported once an axon of the kind has entered the distal nerve: a share of nothing is no value.
    const char* names[2] = {"motor_pathway_accuracy", "sensory_pathway_accuracy"};
    for (std::size_t k = 0; k < 2; ++k)
      if (c.entered[k] > 0)
        out.push_back({names[k], 100.0 * static_cast<double>(c.correct[k]) / static_cast<double>(c.entered[k]), "%"});
  }

  void names_observed_later(const Model&, std::vector<std::string>& out) const override {
    out.insert(out.end(), {"motor_pathway_accuracy", "sensory_pathway_accuracy"});
  }
};

}  // namespace

void register_pathway_accuracy(Registry& registry) {
  registry.add(
      ReadoutEntry{.name = "pathway_accuracy",
                   .summary = "share of regenerating motor and sensory axons in a pathway of their own kind and target [%]",
                   .declare_parameters = nullptr,
                   .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
                     if (c.spec.sunderland_grade < 3) return nullptr;  // tubes intact: no choice of pathway
                     return std::make_unique<PathwayAccuracy>();
                   },
                   .observations = {"motor_pathway_accuracy", "sensory_pathway_accuracy"}});
}

}  // namespace bungner
