#include "demo_mechanism.hpp"

#include <memory>

#include "bungner/core/random.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner::demo {
namespace {

SignalHandle pulse_signal(StateLayout& layout) { return layout.signal({"demo.pulse", "1/d", 0.0, Combine::sum}); }

/// Writes the pulse every tick (phase therapy, so that the tally reads it in the same tick).
class Pulse final : public Process {
 public:
  explicit Pulse(double rate_per_day) : rate_per_day_(rate_per_day) {}
  std::string_view name() const override { return "demo_pulse"; }
  Phase phase() const override { return Phase::therapy; }
  std::int64_t period_s() const override { return 0; }
  void declare_state(StateLayout& layout) override { pulse_ = pulse_signal(layout); }
  void advance(const Model&, State& state, const Tick&) const override { state.write(pulse_, rate_per_day_); }

 private:
  double rate_per_day_;
  SignalHandle pulse_;
};

/// Every 6 h, each living neuron takes a uniform random share of the pulse into its load.
class Tally final : public Process {
 public:
  std::string_view name() const override { return "demo_tally"; }
  Phase phase() const override { return Phase::targets; }
  std::int64_t period_s() const override { return 6 * seconds_per_hour; }
  void declare_state(StateLayout& layout) override {
    pulse_ = pulse_signal(layout);
    load_ = layout.block<double>("demo_tally.load", Extent::per_neuron);
    steps_ = layout.block<std::uint64_t>("demo_tally.steps", Extent::scalar);
  }
  void advance(const Model&, State& state, const Tick& tick) const override {
    const double pulse = state.signal(pulse_) * static_cast<double>(tick.dt_s) / seconds_per_day;
    const auto load = state.block(load_);
    for (std::size_t i = 0; i < load.size(); ++i) {
      if (!state.neurons.alive[i]) continue;
      RandomStream stream(state.key, i, static_cast<std::uint64_t>(tick.step), purpose_id("demo_tally.share"));
      load[i] += pulse * stream.uniform();
    }
    ++state.scalar(steps_);
  }
  void check_numerics(const Model&, const State& state) const override {
    const auto load = state.block(load_);
    for (std::size_t i = 0; i < load.size(); ++i)
      if (!(load[i] >= 0)) numerical_failure(name(), state, "load", "neuron " + std::to_string(i), load[i]);
  }

 private:
  SignalHandle pulse_;
  BlockHandle<double> load_;
  BlockHandle<std::uint64_t> steps_;
};

}  // namespace

void register_demo(Registry& registry, bool with_pulse) {
  if (with_pulse)
    registry.add(MechanismEntry{.name = "demo_pulse",
                                .summary = "test-only: writes the signal demo.pulse",
                                .declare_parameters =
                                    [](ParameterRegistry& r) {
                                      r.declare({.name = "demo_pulse.rate",
                                                 .unit = "1/d",
                                                 .default_value = 0.5,
                                                 .hard = {0, 100},
                                                 .plausible = {0, 10},
                                                 .species = "all",
                                                 .meaning = "pulse the demo writes every tick",
                                                 .source = "assumption (test-only demonstration)"});
                                    },
                                .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                  return std::make_unique<Pulse>(c.parameters.in("demo_pulse.rate", "1/d"));
                                }});
  registry.add(
      MechanismEntry{.name = "demo_tally",
                     .summary = "test-only: accumulates demo.pulse per neuron",
                     .declare_parameters = nullptr,
                     .create = [](const CompileContext&) -> std::unique_ptr<Process> { return std::make_unique<Tally>(); }});
}

Registry demo_registry(bool with_pulse) {
  Registry registry = make_builtin_registry();
  register_demo(registry, with_pulse);
  return registry;
}

}  // namespace bungner::demo
