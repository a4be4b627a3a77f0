#include "bungner/site/occupancy.hpp"

#include <algorithm>
#include <array>

#include "bungner/site/site.hpp"

namespace bungner::site {

std::size_t Occupancy::voxel_or_current(std::size_t a, const fields::Grid& grid, const agents::Agents& now) const {
  return binned(a) ? voxel[a] : voxel_at(grid, now.x[a], now.y[a], now.z[a]);
}

bool Occupancy::current(const agents::Agents& now, std::int64_t tick_now) const {
  if (tick != tick_now || voxel.size() > now.size()) return false;
  // The binned agents are those with an id below id_end, and they come first.
  const std::size_t n = voxel.size();
  return (n == 0 || now.id[n - 1] < id_end) && (n == now.size() || now.id[n] >= id_end);
}

void build_occupancy(Occupancy& occupancy, const fields::Grid& grid, const std::vector<agents::CellKind>& kinds,
                     const agents::Agents& cells, std::int64_t tick) {
  Occupancy& o = occupancy;
  const std::size_t V = grid.voxels();
  const std::size_t K = kinds.size();
  const std::size_t n = cells.size();
  o.voxels = V;
  // assign() reuses the capacity: no allocation once the grid and the agent count have been seen.
  o.voxel.resize(n);
  o.agents.assign(K * V, 0);
  o.cells.assign(K * V, 0.0);
  o.agents_total.assign(K, 0);
  o.cells_total.assign(K, 0.0);
  // Per kind: the column that counts its cells, or none (then cells_per_agent per agent).
  constexpr std::size_t no_column = static_cast<std::size_t>(-1);
  std::array<std::size_t, 256> column{};  // a kind is a byte
  for (std::size_t k = 0; k < K; ++k)
    column[k] = kinds[k].cells_variable.empty() ? no_column : kinds[k].variable(kinds[k].cells_variable);
  for (std::size_t a = 0; a < n; ++a) {
    const std::size_t v = voxel_at(grid, cells.x[a], cells.y[a], cells.z[a]);
    const std::size_t k = cells.kind[a];
    o.voxel[a] = static_cast<std::uint32_t>(v);
    ++o.agents[k * V + v];
    if (column[k] != no_column) o.cells[k * V + v] += cells.variables[column[k]][a];
  }
  for (std::size_t k = 0; k < K; ++k) {
    double* c = o.cells.data() + k * V;
    const std::uint32_t* count = o.agents.data() + k * V;
    std::uint64_t agents_total = 0;
    double cells_total = 0;
    const bool fixed = column[k] == no_column;
    for (std::size_t v = 0; v < V; ++v) {
      if (fixed) c[v] = static_cast<double>(count[v]) * kinds[k].cells_per_agent;
      agents_total += count[v];
      cells_total += c[v];
    }
    o.agents_total[k] = agents_total;
    o.cells_total[k] = cells_total;
  }
  o.id_end = cells.next_id;
  o.tick = tick;
  ++o.builds;
}

void remove_agents(agents::Agents& cells, Occupancy& occupancy, const std::vector<std::uint8_t>& dead) {
  std::vector<std::uint32_t>& voxel = occupancy.voxel;
  std::size_t kept = 0;
  const std::size_t binned = std::min(voxel.size(), dead.size());
  for (std::size_t a = 0; a < binned; ++a)
    if (!dead[a]) voxel[kept++] = voxel[a];
  voxel.resize(kept);
  cells.remove_flagged(dead);
}

}  // namespace bungner::site
