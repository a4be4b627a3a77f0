// bench-fields: the standard diffusion benchmark shared with BioFVM (issue 3). Prints one JSON
// object per measurement:
//   build/bin/bench-fields --problem A1|A2 --threads N
// A1: 100 x 100 x 100 voxels, A2: 400 x 60 x 60; dx = 20 um; 4 substrates; zero flux; dt = 0.01 min.
// Five warm-up steps, then three timed repetitions of 100 steps; the median is reported. The sum of
// all concentrations after the 305 steps is checked against the reference to 1e-10 relative.
#include <fmt/format.h>
#include <omp.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "bungner/fields/diffusion.hpp"

int main(int argc, char** argv) {
  using namespace bungner::fields;
  CLI::App app{"bench-fields: implicit LOD diffusion benchmark (BioFVM standard problem)"};
  std::string problem = "A1";
  int threads = 1;
  int repetitions = 3;
  app.add_option("--problem", problem, "A1 (100^3) or A2 (400x60x60)")->check(CLI::IsMember({"A1", "A2"}));
  app.add_option("--threads", threads, "OpenMP threads")->check(CLI::Range(1, 1024));
  app.add_option("--repetitions", repetitions, "timed repetitions of 100 steps")->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);
  omp_set_num_threads(threads);

  Grid grid;
  grid.dx_um = 20;
  if (problem == "A1")
    grid.nx = grid.ny = grid.nz = 100;
  else {
    grid.nx = 400;
    grid.ny = 60;
    grid.nz = 60;
  }
  const std::vector<Substrate> substrates = {{"s0", 1e5, 0.1}, {"s1", 1e3, 0.01}, {"s2", 5e3, 0.05}, {"s3", 1e2, 0.001}};
  const double dt = 0.01;
  DiffusionSolver solver(grid, substrates, dt);
  Fields fields(grid, substrates.size());
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const auto [x, y, z] = grid.center(i, j, k);
        for (std::size_t s = 0; s < substrates.size(); ++s)
          fields.at(i, j, k, s) =
              1 + std::sin(0.001 * x * static_cast<double>(s + 1)) * std::cos(0.002 * y) + 0.5 * std::exp(-1e-6 * z * z);
      }

  for (int step = 0; step < 5; ++step) solver.step(fields);
  std::vector<double> seconds;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < 100; ++step) solver.step(fields);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  double checksum = 0;
  for (double v : fields.all()) checksum += v;
  const double expected = problem == "A1" ? 4.145544773639e6 : 6.956048266770e6;
  // The reference holds for exactly 305 steps (5 warm-up + 3 x 100).
  const bool comparable = repetitions == 3;
  const bool ok = comparable && std::abs(checksum - expected) <= 1e-10 * std::abs(expected);
  const double updates = static_cast<double>(grid.voxels()) * static_cast<double>(substrates.size()) * 100.0;
  fmt::print(
      "{{\"problem\": \"{}\", \"threads\": {}, \"substrates\": {}, \"voxels\": {}, \"seconds_per_100_steps\": {:.6f}, "
      "\"voxel_substrate_updates_per_s\": {:.6e}, \"ns_per_voxel_step\": {:.4f}, \"checksum\": {:.12e}, "
      "\"checksum_expected\": {:.12e}, \"checksum_ok\": {}}}\n",
      problem, threads, substrates.size(), grid.voxels(), median, updates / median,
      median * 1e9 / (100.0 * static_cast<double>(grid.voxels())), checksum, expected, ok ? "true" : "false");
  return ok || !comparable ? 0 : 1;
}
