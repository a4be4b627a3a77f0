// Neuron counts: surviving motor and sensory neurons as a percentage of the uninjured pools (the
// observation of stereological counts in spinal cord and DRG), the same pools as a profile count
// in sections sees them (shrunken somata leave fewer profiles), and regenerating motor axons.
#include "../../mechanisms/neuron_body/soma.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class NeuronCounts final : public Readout {
 public:
  explicit NeuronCounts(const ParameterSet& p)
      : thickness_m_(p.in("neuron_counts.section_thickness", "m")),
        diameter_m_{p.in("neuron_counts.motor_soma_diameter", "m"), p.in("neuron_counts.sensory_soma_diameter", "m")} {}
  std::string_view name() const override { return "neuron_counts"; }
  void declare_state(StateLayout& layout) override { soma_ = neuron_body::soma_area(layout); }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    const NeuronPopulation& n = state.neurons;
    std::size_t motor_alive = 0, sensory_alive = 0, motor_regenerating = 0;
    double profiles[2] = {0, 0};  // motor, sensory (sums in id order)
    const auto area = state.block(soma_);
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!n.alive[i]) continue;
      const std::size_t k = n.kind[i] == NeuronKind::motor ? 0 : 1;
      profiles[k] += neuron_body::profile_weight(area[i], thickness_m_, diameter_m_[k]);
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
    // Profiles counted in sections and corrected as if every neuron were normal-sized (profile
    // counts, Nissl or tracer-labelled): shrunken survivors are undercounted.
    const auto share = [](double part, std::size_t whole) {
      return whole == 0 ? 100.0 : 100.0 * part / static_cast<double>(whole);
    };
    out.push_back({"motor_neuron_profile_count", share(profiles[0], m.motor_neurons), "%"});
    out.push_back({"sensory_neuron_profile_count", share(profiles[1], m.sensory_neurons), "%"});
  }

 private:
  BlockHandle<double> soma_;
  double thickness_m_;
  double diameter_m_[2];
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "neuron_counts.section_thickness",
             .unit = "um",
             .default_value = 10,
             .hard = {0.1, 1000},
             .plausible = {5, 60},
             .species = "all",
             .meaning = "thickness of the sections in which neuron profiles are counted (a protocol choice of the "
                        "profile-count readouts)",
             .source = "assumption (typical cryostat sections of spinal cord and DRG, 10-20 um)",
             .numerical = true});
  r.declare({.name = "neuron_counts.motor_soma_diameter",
             .unit = "um",
             .default_value = 40,
             .hard = {1, 500},
             .plausible = {20, 80},
             .species = "rat",
             .meaning = "mean soma diameter of a normal motoneuron (the profile height in the Abercrombie correction)",
             .source = "assumption (rat lumbar alpha-motoneurons about 30-50 um)"});
  r.declare({.name = "neuron_counts.sensory_soma_diameter",
             .unit = "um",
             .default_value = 30,
             .hard = {1, 500},
             .plausible = {10, 80},
             .species = "rat",
             .meaning = "mean soma diameter of a normal DRG neuron",
             .source = "assumption (rat DRG neurons about 15-60 um, small cells most numerous)"});
}

}  // namespace

void register_neuron_counts(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "neuron_counts",
      .summary = "motor and sensory neuron survival [%], as profile counts see it [%]; regenerating motor axons",
      .declare_parameters = declare,
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> { return std::make_unique<NeuronCounts>(c.parameters); },
      .observations = {"motor_neuron_survival", "sensory_neuron_survival", "regenerating_motor_axons",
                       "motor_neuron_profile_count", "sensory_neuron_profile_count"},
      .headline = {{10, "motor_neuron_survival"}, {20, "sensory_neuron_survival"}, {30, "regenerating_motor_axons"}}});
}

}  // namespace bungner
