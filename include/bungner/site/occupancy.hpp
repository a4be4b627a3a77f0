#pragma once
// Who is where at the injury site: one occupancy table (agents per voxel, and per kind the number of
// agents and of cells in each voxel) built once per tick by the engine, before the site's
// mechanisms run, and read by all of them instead of each binning the agents again (issue 20).
// See docs/agents.md, "Occupancy: counted once per tick".
#include <cstdint>
#include <span>
#include <vector>

#include "bungner/agents/agents.hpp"
#include "bungner/fields/grid.hpp"

namespace bungner::site {

/// The occupancy of the site's voxels at the start of the site phase of a tick ("start-of-tick
/// occupancy": only processes of earlier phases have run in that tick). Agents that are born or
/// move during the site phase are not in it, nor out of it, until the next tick: a count or a
/// voxel read from the table is where the agents were when the phase began. A mechanism that must
/// see its own births keeps a local update of what it reads (and says why).
///
/// Storage is flat and reused from tick to tick (no allocation once the agents stop growing): the
/// per-kind columns are `kinds × voxels`, kind-major. The table is derived state: a checkpoint does
/// not hold it (it is rebuilt before it is next read), and it is the same at any thread count
/// (one pass over the agents in index order).
struct Occupancy {
  /// Per agent (by index, for the agents that were there when the table was built): its voxel.
  /// Kept in step with removals by remove_agents(); agents added since come after these, so agent
  /// `a` is in the table exactly when `a < voxel.size()` (binned(a)).
  std::vector<std::uint32_t> voxel;
  /// [kind × voxels + v]: the agents of the kind in voxel v.
  std::vector<std::uint32_t> agents;
  /// [kind × voxels + v]: the cells they stand for: agents × the kind's `cells_per_agent`, or the sum
  /// of the kind's `cells_variable` over them (agents::CellKind); 0 for a kind that is no cell.
  std::vector<double> cells;
  std::vector<std::uint64_t> agents_total;  ///< per kind, over the grid
  std::vector<double> cells_total;          ///< per kind, over the grid
  std::size_t voxels = 0;                   ///< voxels of the grid
  /// Agents with an id below this were binned (Agents::next_id at the build); ids increase in order
  /// of creation and removal keeps the order, so they are the first voxel.size() agents.
  std::uint64_t id_end = 0;
  std::int64_t tick = -1;    ///< State::tick it was built in; -1: never built (a fresh or restored State)
  std::uint64_t builds = 0;  ///< how many times it was built (once per tick with a site phase)

  /// Whether agent `a` is in the table (was there at the build and has not been removed since).
  bool binned(std::size_t a) const { return a < voxel.size(); }
  /// Per voxel: the agents of kind `k`.
  std::span<const std::uint32_t> agents_of(std::size_t k) const { return {agents.data() + k * voxels, voxels}; }
  /// Per voxel: the cells of kind `k`.
  std::span<const double> cells_of(std::size_t k) const { return {cells.data() + k * voxels, voxels}; }
  /// Agent `a`'s voxel at the build, or, for an agent added since (born this tick), the voxel it
  /// is in now.
  std::size_t voxel_or_current(std::size_t a, const fields::Grid& grid, const agents::Agents& now) const;
  /// Whether the table describes the agents `now` in tick `tick_now`: built in that tick and still
  /// in step with the agents (no agent removed other than through remove_agents).
  bool current(const agents::Agents& now, std::int64_t tick_now) const;
};

/// Rebuilds `occupancy` from the agents' positions: one pass over the agents in index order. `kinds`
/// are the layout's cell kinds (the cells each agent stands for).
void build_occupancy(Occupancy& occupancy, const fields::Grid& grid, const std::vector<agents::CellKind>& kinds,
                     const agents::Agents& cells, std::int64_t tick);

/// Removes the agents flagged non-zero (Agents::remove_flagged) and keeps the table's per-agent
/// voxels in step; the per-voxel counts stay those of the start of the tick. Every mechanism that
/// removes agents during the site phase does it through this.
void remove_agents(agents::Agents& cells, Occupancy& occupancy, const std::vector<std::uint8_t>& dead);

}  // namespace bungner::site
