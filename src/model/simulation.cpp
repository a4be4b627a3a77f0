#include "bungner/model/simulation.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <limits>

#include "bungner/core/clock.hpp"
#include "bungner/core/errors.hpp"

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

ExtentSizes extent_sizes(const Model& model) {
  return {static_cast<std::size_t>(model.motor_neurons) + model.sensory_neurons, model.distal_segments, model.targets().size()};
}

}  // namespace

void numerical_failure(std::string_view process, const State& state, std::string_view what, std::string_view where,
                       double value) {
  const double day = static_cast<double>(state.time_s) / seconds_per_day;
  throw RuntimeFailure(fmt::format("numerical failure in {} at day {}: {} of {} is {}", process, day, what, where, value));
}

Simulation::Simulation(std::shared_ptr<const Model> model, std::uint64_t run) : model_(std::move(model)) {
  state_.key = RandomKey{model_->seed, run};
  state_.targets.resize(model_->targets().size());
  state_.blocks = model_->layout().allocate(extent_sizes(*model_));
  state_.signals = model_->layout().neutral_signals();
  populate(*model_, state_);
  for (const auto& process : model_->processes()) process->initialize(*model_, state_);
}

Simulation::Simulation(std::shared_ptr<const Model> model, State restored)
    : model_(std::move(model)), state_(std::move(restored)) {
  state_.blocks = model_->layout().adopt(std::move(state_.blocks), extent_sizes(*model_));
  // The site's cells must be of the kinds this model's content declares, in its order.
  if (state_.site.has_value() != (model_->site != nullptr))
    throw InputError(SourceLocation{"checkpoint", 0, 0}, "--resume", "the checkpoint's 3D site does not match the model's");
  if (state_.site) {
    const auto& restored_kinds = state_.site->cells.kinds();
    const auto& kinds = model_->site->kinds;
    bool same = restored_kinds.size() == kinds.size();
    for (std::size_t k = 0; same && k < kinds.size(); ++k)
      same = restored_kinds[k].name == kinds[k].name && restored_kinds[k].variables == kinds[k].variables;
    if (!same)
      throw InputError(SourceLocation{"checkpoint", 0, 0}, "--resume",
                       "the checkpoint's cell kinds at the 3D site differ from those this model's content declares");
  }
  // Signals live within a tick; a checkpoint does not hold them.
  state_.signals = model_->layout().neutral_signals();
}

void Simulation::tick() {
  const Model& model = *model_;
  // Same size every tick: a copy, no allocation.
  std::copy(model.layout().neutral_signals().begin(), model.layout().neutral_signals().end(), state_.signals.begin());
  bool site_phase_begun = false;
  for (const auto& process : model.processes()) {
    const std::int64_t period = process->period_s();
    if (!clock::due(state_.time_s, period)) continue;
    // Who is where at the site, counted once per tick before its first mechanism runs and read by
    // all of them (site::Occupancy: the start-of-tick occupancy).
    if (!site_phase_begun && process->phase() == Phase::site && state_.site) {
      site::build_occupancy(*model.site, *state_.site, state_.tick);
      site_phase_begun = true;
    }
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
  for (const auto& process : model_->processes()) process->check_numerics(*model_, state_);
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
    for (const auto& name : names) {
      // One name, one meaning: two readouts reporting the same name would give one column two
      // sources in every output.
      const auto other = std::find_if(out.begin(), out.end(), [&](const ObservationName& o) { return o.name == name; });
      if (other == out.end())
        out.push_back({name, module});
      else if (other->readout != module)
        throw ModelError("readouts '" + other->readout + "' and '" + module + "' both report '" + name + "'");
    }
  }
  return out;
}

}  // namespace bungner
