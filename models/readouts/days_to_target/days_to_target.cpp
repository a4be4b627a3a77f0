// Days to target: the time at which a set fraction of the axons supplying a target have arrived
// (motor axons for a muscle, sensory for skin). Reported once reached.
#include <cmath>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class DaysToTarget final : public Readout {
 public:
  explicit DaysToTarget(const ParameterSet& p) : fraction_(p.get("days_to_target.arrival_fraction")) {}
  std::string_view name() const override { return "days_to_target"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    const NeuronPopulation& n = state.neurons;
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const bool muscle = m.targets()[t].is_muscle;
      std::vector<double> arrivals;
      std::size_t supplied = 0;
      for (std::size_t i = 0; i < n.size(); ++i) {
        if (n.target[i] != t || (n.kind[i] == NeuronKind::motor) != muscle) continue;
        ++supplied;
        if (n.arrival_s[i] >= 0) arrivals.push_back(n.arrival_s[i]);
      }
      const auto needed = static_cast<std::size_t>(std::ceil(fraction_ * static_cast<double>(supplied)));
      if (supplied == 0 || needed == 0 || arrivals.size() < needed) continue;
      std::nth_element(arrivals.begin(), arrivals.begin() + static_cast<std::ptrdiff_t>(needed - 1), arrivals.end());
      out.push_back({"days_to_target." + m.targets()[t].name, arrivals[needed - 1] / seconds_per_day, "d"});
    }
  }

  /// Every target supplied by axons of its kind, once they arrive.
  void names_observed_later(const Model& m, std::vector<std::string>& out) const override {
    for (const TargetSpec& t : m.targets())
      if (t.own_axons() > 0) out.push_back("days_to_target." + t.name);
  }

 private:
  double fraction_;
};

}  // namespace

void register_days_to_target(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "days_to_target",
      .summary = "time after injury at which the first axons reach each target [d]",
      .declare_parameters =
          [](ParameterRegistry& r) {
            r.declare({.name = "days_to_target.arrival_fraction",
                       .unit = "1",
                       .default_value = 0.05,
                       .hard = {0.0001, 1},
                       .plausible = {0.01, 0.5},
                       .species = "all",
                       .meaning = "fraction of a target's axons that must have arrived for it to count as reached",
                       .source = "assumption (observation model: first functional contacts)",
                       .numerical = true});
          },
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> { return std::make_unique<DaysToTarget>(c.parameters); },
      .observations = {"days_to_target.*"},
      .headline = {{40, "days_to_target."}}});
}

}  // namespace bungner
