#include "bungner/model/simulation.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <limits>

#include "bungner/core/clock.hpp"

namespace bungner {
namespace {

/// Assigns `count` neurons starting at `first` to targets by the Model's per-target counts
/// (cumulative rounding of the shares, exact, no random draw); the rest go to no modelled target.
void assign_targets(const Model& model, NeuronPopulation& neurons, std::size_t first, std::size_t count, bool motor) {
  std::size_t assigned = 0;
  for (std::size_t t = 0; t < model.targets().size(); ++t) {
    const std::size_t end = assigned + (motor ? model.targets()[t].motor_axons : model.targets()[t].sensory_axons);
    for (; assigned < end; ++assigned) neurons.target[first + assigned] = static_cast<std::uint16_t>(t);
  }
  for (; assigned < count; ++assigned) neurons.target[first + assigned] = no_target;
}

/// Creates the neuron population: motor neurons first, then sensory; ids are indices.
void populate(const Model& model, State& state) {
  NeuronPopulation& neurons = state.neurons;
  const std::size_t motor = model.motor_neurons;
  neurons.resize(motor + model.sensory_neurons);
  for (std::size_t i = 0; i < neurons.size(); ++i) {
    neurons.kind[i] = i < motor ? NeuronKind::motor : NeuronKind::sensory;
    RandomStream stream(state.key, i, 0, purpose_id("neuron.vigour"));
    neurons.vigour[i] = stream.normal();
    neurons.death_threshold[i] = std::numeric_limits<double>::infinity();
    neurons.growth_start_s[i] = std::numeric_limits<double>::infinity();
  }
  assign_targets(model, neurons, 0, motor, true);
  assign_targets(model, neurons, motor, model.sensory_neurons, false);
}

}  // namespace

Simulation::Simulation(std::shared_ptr<const Model> model, std::uint64_t run) : model_(std::move(model)) {
  state_.key = RandomKey{model_->seed, run};
  state_.targets.resize(model_->targets().size());
  populate(*model_, state_);
  for (const auto& process : model_->processes()) process->initialize(*model_, state_);
}

Simulation::Simulation(std::shared_ptr<const Model> model, State restored)
    : model_(std::move(model)), state_(std::move(restored)) {}

void Simulation::tick() {
  const Model& model = *model_;
  state_.signals = Signals{};
  for (const auto& process : model.processes()) {
    const std::int64_t period = process->period_s();
    if (!clock::due(state_.time_s, period)) continue;
    const std::int64_t dt = period == 0 ? model.tick_s : period;
    process->advance(model, state_, Tick{state_.time_s, dt, state_.time_s / dt});
  }
  state_.time_s += model.tick_s;
  ++state_.tick;
}

void Simulation::advance_to(std::int64_t time_s) {
  while (state_.time_s < time_s) tick();
}

void Simulation::check_numerics() const {
  const State& s = state_;
  const double day = static_cast<double>(s.time_s) / seconds_per_day;
  const auto fail = [&](std::string_view process, std::string_view what, std::string_view where, double value) {
    throw RuntimeFailure(fmt::format("numerical failure in {} at day {}: {} of {} is {}", process, day, what, where, value));
  };
  const NeuronPopulation& n = s.neurons;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string where = fmt::format("neuron {}", i);
    if (!std::isfinite(n.cumulative_hazard[i]) || n.cumulative_hazard[i] < 0)
      fail("neuron_survival", "cumulative hazard", where, n.cumulative_hazard[i]);
    if (!std::isfinite(n.position_m[i]) || n.position_m[i] < 0) fail("axon_regeneration", "position", where, n.position_m[i]);
    if (!std::isfinite(n.speed_m_per_s[i]) || n.speed_m_per_s[i] < 0)
      fail("axon_regeneration", "speed", where, n.speed_m_per_s[i]);
  }
  const double support = s.distal.schwann_support;
  if (!std::isfinite(support) || support < 0 || support > 1) fail("schwann_support", "support", "the distal stump", support);
  for (std::size_t t = 0; t < s.targets.size(); ++t) {
    const std::string where = fmt::format("target {}", model_->targets()[t].name);
    const TargetState& g = s.targets[t];
    for (const auto& [what, v] : {std::pair{"mass ratio", g.mass_ratio}, std::pair{"receptivity", g.receptivity},
                                  std::pair{"innervation", g.innervation}})
      if (!std::isfinite(v) || v < 0) fail("muscle_target", what, where, v);
  }
}

std::vector<Observation> Simulation::observe() const {
  std::vector<Observation> out;
  for (const auto& readout : model_->readouts()) readout->observe(*model_, state_, out);
  return out;
}

std::vector<ObservationName> observation_names(const std::shared_ptr<const Model>& model) {
  const Simulation fresh(model);
  std::vector<ObservationName> out;
  for (const auto& readout : model->readouts()) {
    std::vector<Observation> values;
    readout->observe(*model, fresh.state(), values);
    std::vector<std::string> names;
    for (const auto& o : values) names.push_back(o.name);
    readout->names_observed_later(*model, names);
    const std::string module(readout->name());
    for (const auto& name : names)
      if (std::none_of(out.begin(), out.end(), [&](const ObservationName& o) { return o.name == name && o.readout == module; }))
        out.push_back({name, module});
  }
  return out;
}

}  // namespace bungner
