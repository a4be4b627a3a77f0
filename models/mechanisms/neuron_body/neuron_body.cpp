// The neuron body after axotomy (issue 21): an axotomised neuron whose axon has not reconnected
// with a target shrinks (chromatolysis, atrophy) toward a floor; once connected it regrows its
// soma. Death is neuron_survival's; this item only changes size, which is what histological
// counting methods see differently (neuron_counts). Sources: README.md beside this file.
#include <cmath>

#include <fmt/format.h>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "soma.hpp"

namespace bungner {
namespace {

class NeuronBody final : public Process {
 public:
  explicit NeuronBody(const ParameterSet& p)
      : floor_{p.get("neuron_body.motor_soma_floor"), p.get("neuron_body.sensory_soma_floor")},
        atrophy_tau_s_(p.in("neuron_body.atrophy_time_constant", "s")),
        recovery_tau_s_(p.in("neuron_body.recovery_time_constant", "s")) {}

  std::string_view name() const override { return "neuron_body"; }
  void declare_state(StateLayout& layout) override { soma_ = neuron_body::soma_area(layout); }
  Phase phase() const override { return Phase::targets; }
  // Daily: sizes change over weeks, and each step is exact for the status it starts with (a
  // reconnection is credited up to a day late).
  std::int64_t period_s() const override { return seconds_per_day; }

  void check_numerics(const Model&, const State& state) const override {
    const auto area = state.block(soma_);
    for (std::size_t i = 0; i < area.size(); ++i)
      if (!std::isfinite(area[i]) || area[i] <= 0)
        numerical_failure(name(), state, "soma area", fmt::format("neuron {}", i), area[i]);
  }

  void advance(const Model& model, State& state, const Tick& tick) const override {
    // The part of the step after the axotomy (the repair, in the fresh-proximal-stump designs).
    const double t0 = static_cast<double>(tick.time_s);
    const double dt = static_cast<double>(tick.dt_s);
    const double exposed = std::clamp(t0 + dt - std::max(t0, static_cast<double>(model.axotomy_time_s)), 0.0, dt);
    if (exposed <= 0) return;
    const double shrink = std::exp(-exposed / atrophy_tau_s_);
    const double regrow = std::exp(-exposed / recovery_tau_s_);
    const NeuronPopulation& n = state.neurons;
    auto area = state.block(soma_);
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!n.alive[i]) continue;
      // Reconnected: the axon arrived and its target accepted it (target-derived support).
      const bool connected = n.status[i] == AxonStatus::arrived && n.connection[i] == Connection::connected;
      const bool intact = n.status[i] == AxonStatus::intact;
      if (connected || intact) {
        area[i] = 1.0 + (area[i] - 1.0) * regrow;
      } else {
        const double floor = floor_[n.kind[i] == NeuronKind::motor ? 0 : 1];
        area[i] = floor + (area[i] - floor) * shrink;
      }
    }
  }

 private:
  BlockHandle<double> soma_;
  double floor_[2];
  double atrophy_tau_s_;
  double recovery_tau_s_;
};

void declare(ParameterRegistry& r) {
  const std::string ma2001 =
      "Ma J, Novikov LN, Wiberg M, Kellerth J-O. Exp Brain Res 2001, doi:10.1007/s002210100769 (E151: rat C7 spinal "
      "nerve cut without repair; surviving motoneurons' somata 20% and DRG neurons' 22% smaller at 16 weeks; "
      "read as cross-sectional area)";
  r.declare({.name = "neuron_body.motor_soma_floor",
             .unit = "1",
             .default_value = 0.8,
             .hard = {0.05, 1},
             .plausible = {0.5, 1},
             .species = "rat",
             .meaning = "soma cross-sectional area, relative to normal, that an axotomised motoneuron left unconnected "
                        "shrinks to",
             .source = "taken from " + ma2001,
             .calibration = "E151"});
  r.declare({.name = "neuron_body.sensory_soma_floor",
             .unit = "1",
             .default_value = 0.78,
             .hard = {0.05, 1},
             .plausible = {0.5, 1},
             .species = "rat",
             .meaning = "soma cross-sectional area, relative to normal, that an axotomised sensory neuron left "
                        "unconnected shrinks to",
             .source = "taken from " + ma2001,
             .calibration = "E151"});
  r.declare({.name = "neuron_body.atrophy_time_constant",
             .unit = "d",
             .default_value = 21,
             .hard = {0.1, 10000},
             .plausible = {5, 100},
             .species = "rat",
             .meaning = "time constant with which an unconnected axotomised neuron's soma shrinks",
             .source = "assumption (chromatolysis within days of axotomy, atrophy over weeks; Ma 2001 measured the "
                       "20% at 16 weeks, about five time constants)"});
  r.declare({.name = "neuron_body.recovery_time_constant",
             .unit = "d",
             .default_value = 30,
             .hard = {0.1, 10000},
             .plausible = {5, 200},
             .species = "rat",
             .meaning = "time constant with which a neuron's soma regrows once its axon has reconnected with a target",
             .source = "assumption (atrophied neurons recover when their axons reconnect; no rat time course read)"});
}

}  // namespace

void register_neuron_body(Registry& registry) {
  registry.add(MechanismEntry{.name = "neuron_body",
                              .summary = "soma atrophy of axotomised neurons and its recovery on reconnection",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (c.spec.injury == InjuryType::conduction_block) return nullptr;
                                return std::make_unique<NeuronBody>(c.parameters);
                              }});
}

}  // namespace bungner
