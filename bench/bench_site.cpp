// The 3D injury site: wall time of the rat sciatic 10 mm conduit scenario over 12 weeks (issue 5
// goal: under 2 minutes on 2 cores), and of one simulated day at the default resolution.
//   build/bin/bench-site --benchmark_format=json
#include <benchmark/benchmark.h>
#include <omp.h>

#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"
#include "bungner/scenario/scenario.hpp"

namespace {

using namespace bungner;

std::shared_ptr<const Model> conduit_model(const std::vector<Override>& overrides = {}) {
  static const Registry registry = make_builtin_registry();
  return Model::compile(load_scenario(std::string(BUNGNER_SOURCE_DIR) + "/scenarios/examples/rat-sciatic-conduit-10mm-3d.toml",
                                      registry, overrides),
                        registry);
}

void report(benchmark::State& state, const Simulation& simulation) {
  const auto& site = *simulation.state().site;
  state.counters["voxels"] = static_cast<double>(site.fields.grid().voxels());
  state.counters["agents"] = static_cast<double>(site.cells.size());
  state.counters["axons"] = static_cast<double>(site.axons.all().size());
}

// The whole 12 weeks (one iteration: a run takes a minute or more).
void BM_RatSciaticConduit10mm12Weeks(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  const auto model = conduit_model({{"readouts.times", "[]"}});
  for (auto _ : state) {
    Simulation simulation(model);
    simulation.advance_to(model->duration_s);
    report(state, simulation);
  }
}
BENCHMARK(BM_RatSciaticConduit10mm12Weeks)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// One day of the first week (the busiest: degeneration, recruitment, the bridge forming).
void BM_RatSciaticConduit10mmDay(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  const auto model = conduit_model({{"readouts.times", "[]"}});
  Simulation simulation(model);
  simulation.advance_to(3 * seconds_per_day);
  for (auto _ : state) {
    Simulation day = simulation;
    day.advance_to(4 * seconds_per_day);
    benchmark::DoNotOptimize(day.state().time_s);
  }
  report(state, simulation);
}
BENCHMARK(BM_RatSciaticConduit10mmDay)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
