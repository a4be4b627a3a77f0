// Benchmarks of the first model: whole runs and scenario compilation. Report with
//   build/bin/bench-run --benchmark_format=json
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>

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
      load_scenario(std::string(BUNGNER_SOURCE_DIR) + "/scenarios/rat-sciatic-crush.toml", registry(), overrides), registry());
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
  state.counters["neuron_steps_per_s"] = benchmark::Counter(steps * static_cast<double>(m->motor_neurons + m->sensory_neurons),
                                                            benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_RatSciaticCrush12Weeks)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Issue 6 acceptance: a human median nerve transection repaired at the wrist (16,000 neurons),
// 24 months at hourly steps on one core, observing every readout monthly (the MRC grade and Tinel
// time course). Target: under 10 s per run, so that a 1000-patient virtual trial is practical.
void BM_HumanMedianWristRepair24Months(benchmark::State& state) {
  omp_set_num_threads(1);
  const auto m = Model::compile(load_scenario(std::string(BUNGNER_SOURCE_DIR) + "/scenarios/examples/human-median-suture.toml",
                                              registry(), {{"simulation.duration", "\"24 months\""}, {"readouts.times", "[]"}}),
                                registry());
  double grade = 0;
  for (auto _ : state) {
    Simulation simulation(m);
    for (int month = 1; month <= 24; ++month) {
      simulation.advance_to(std::min(m->duration_s, static_cast<std::int64_t>(month * 30.4375 * seconds_per_day)));
      for (const auto& o : simulation.observe())
        if (o.name == "mrc_motor_grade.abductor_pollicis_brevis") grade = o.value;
    }
    benchmark::DoNotOptimize(grade);
  }
  state.counters["mrc_motor_grade_24_months"] = grade;
  state.counters["neurons"] = static_cast<double>(m->motor_neurons + m->sensory_neurons);
}
BENCHMARK(BM_HumanMedianWristRepair24Months)->Unit(benchmark::kSecond)->Iterations(3);

// Loading, validating and compiling the default scenario with its preset.
void BM_LoadAndCompileScenario(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(model().get());
}
BENCHMARK(BM_LoadAndCompileScenario)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
