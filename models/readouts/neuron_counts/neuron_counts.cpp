// Neuron counts: surviving motor and sensory neurons as a percentage of the uninjured pools (the
// observation of stereological counts in spinal cord and DRG), and regenerating motor axons.
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class NeuronCounts final : public Readout {
 public:
  std::string_view name() const override { return "neuron_counts"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    const NeuronPopulation& n = state.neurons;
    std::size_t motor_alive = 0, sensory_alive = 0, motor_regenerating = 0;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!n.alive[i]) continue;
      if (n.kind[i] == NeuronKind::motor) {
        ++motor_alive;
        if (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::arrived) ++motor_regenerating;
      } else {
        ++sensory_alive;
      }
    }
    const auto percent = [](std::size_t part, std::size_t whole) {
      return whole == 0 ? 100.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    };
    out.push_back({"motor_neuron_survival", percent(motor_alive, m.motor_neurons), "%"});
    out.push_back({"sensory_neuron_survival", percent(sensory_alive, m.sensory_neurons), "%"});
    out.push_back({"regenerating_motor_axons", static_cast<double>(motor_regenerating), "axons"});
  }
};

}  // namespace

void register_neuron_counts(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "neuron_counts",
      .summary = "motor and sensory neuron survival [%]; regenerating motor axons",
      .declare_parameters = nullptr,
      .create = [](const CompileContext&) -> std::unique_ptr<Readout> { return std::make_unique<NeuronCounts>(); },
      .observations = {"motor_neuron_survival", "sensory_neuron_survival", "regenerating_motor_axons"},
      .headline = {{10, "motor_neuron_survival"}, {20, "sensory_neuron_survival"}, {30, "regenerating_motor_axons"}}});
}

}  // namespace bungner
