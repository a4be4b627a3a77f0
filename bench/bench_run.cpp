// Benchmarks of the first model: whole runs and scenario compilation. Report with
//   build/bin/bench-run --benchmark_format=json
#include <benchmark/benchmark.h>
#include <omp.h>

#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"
#include "bungner/scenario/scenario.hpp"

namespace {

using namespace bungner;

const Registry& registry() {
  static const Registry r = make_builtin_registry();
  return r;
}

std::shared_ptr<const Model> model(const std::vector<Override>& overrides = {}) {
  return Model::compile(
      load_scenario(std::string(BUNGNER_SOURCE_DIR) + "/scenarios/rat-sciatic-crush.toml", registry(), overrides),
      registry());
}

// A 12-week rat sciatic crush (7640 neurons, hourly steps): the default study of `make run`.
void BM_RatSciaticCrush12Weeks(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  const auto m = model();
  for (auto _ : state) {
    Simulation simulation(m);
    simulation.advance_to(m->duration_s);
    benchmark::DoNotOptimize(simulation.state().neurons.position_m.data());
  }
  const double steps = static_cast<double>(m->duration_s / m->tick_s);
  state.counters["neuron_steps_per_s"] = benchmark::Counter(
      steps * static_cast<double>(m->motor_neurons + m->sensory_neurons), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_RatSciaticCrush12Weeks)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Loading, validating and compiling the default scenario with its preset.
void BM_LoadAndCompileScenario(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(model().get());
}
BENCHMARK(BM_LoadAndCompileScenario)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
