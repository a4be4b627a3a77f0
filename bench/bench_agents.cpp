// bench-agents: the standard mechanics problem shared with PhysiCell 1.14 (issue 4). Prints one
// JSON object per measurement:
//   build/bin/bench-agents --cells N --threads T
// Spherical cells of volume 2494 um^3 (radius 8.41 um), repulsion 10 um/min, adhesion 0.4 um/min,
// maximum adhesion distance 1.25 x the sum of radii; no motility, cycling, death or secretion;
// placed on a simple cubic lattice of spacing 15 um at the N lattice points closest to the origin
// (ties broken by x, y, z); dt = 0.1 min; 300 steps.
#include <fmt/format.h>
#include <omp.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>

#include "bungner/agents/agents.hpp"

int main(int argc, char** argv) {
  using namespace bungner::agents;
  CLI::App app{"bench-agents: cell mechanics benchmark (PhysiCell standard problem)"};
  std::size_t cells = 10000;
  int threads = 1;
  int steps = 300;
  app.add_option("--cells", cells, "number of cells")->check(CLI::Range(1, 100000000));
  app.add_option("--threads", threads, "OpenMP threads")->check(CLI::Range(1, 1024));
  app.add_option("--steps", steps, "mechanics steps")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  omp_set_num_threads(threads);

  // The N lattice points closest to the origin, ties broken lexicographically by (x, y, z).
  const int half = static_cast<int>(std::ceil(std::cbrt(static_cast<double>(cells)) * 0.65)) + 2;
  std::vector<std::array<int, 3>> points;
  for (int i = -half; i <= half; ++i)
    for (int j = -half; j <= half; ++j)
      for (int k = -half; k <= half; ++k) points.push_back({i, j, k});
  const auto key = [](const std::array<int, 3>& p) {
    return std::make_tuple(p[0] * p[0] + p[1] * p[1] + p[2] * p[2], p[0], p[1], p[2]);
  };
  std::nth_element(points.begin(), points.begin() + static_cast<std::ptrdiff_t>(cells - 1), points.end(),
                   [&](const auto& p, const auto& q) { return key(p) < key(q); });
  points.resize(cells);
  std::sort(points.begin(), points.end(), [&](const auto& p, const auto& q) { return key(p) < key(q); });

  CellKind kind;
  kind.name = "cell";
  Agents agents({kind});
  for (const auto& p : points) agents.add(0, {15.0 * p[0], 15.0 * p[1], 15.0 * p[2]});
  Engine::Settings settings;
  settings.dt_min = 0.1;
  settings.behaviours.motility = false;
  settings.behaviours.life_cycle = false;
  settings.behaviours.exchange = false;
  settings.behaviours.state_variables = false;
  const Engine engine(settings);

  const auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) engine.step(agents, nullptr, static_cast<std::uint64_t>(s), {1, 0});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Storage: the agent columns, the neighbour grid (index per agent, sorted list, voxel offsets)
  // and the per-step work arrays (voxel-sorted position and radius copies, kind, slot, intents).
  NeighbourGrid grid;
  grid.build(agents, interaction_range(agents.kinds()));
  const double grid_bytes =
      static_cast<double>((grid.agents.size() + grid.voxel_of.size() + grid.start.size()) * sizeof(std::uint32_t)) /
      static_cast<double>(cells);
  double spread = 0;
  for (std::size_t i = 0; i < agents.size(); ++i)
    spread = std::max(spread, std::sqrt(agents.x[i] * agents.x[i] + agents.y[i] * agents.y[i] + agents.z[i] * agents.z[i]));
  fmt::print(
      "{{\"cells\": {}, \"threads\": {}, \"steps\": {}, \"seconds\": {:.4f}, \"cell_updates_per_s\": {:.6e}, "
      "\"bytes_per_cell\": {:.1f}, \"max_radius_um\": {:.4f}}}\n",
      cells, threads, steps, seconds, static_cast<double>(cells) * steps / seconds,
      agents.bytes_per_agent() + grid_bytes + 4 * sizeof(double) + 1 + 4 + 2, spread);
  return 0;
}
