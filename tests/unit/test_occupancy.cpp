// The site's occupancy table (issue 20): agents per voxel and per kind, built once per tick before
// the site's mechanisms run. Its per-agent voxels and per-kind counts and cells against a direct
// recount; in step with removals; refused when stale; no allocation after the first build; and,
// in a whole 3D run with transplanted cells, built exactly once per tick from where the agents
// were when the site phase began.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "bungner/core/random.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"
#include "bungner/model/state.hpp"
#include "bungner/site/site.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

/// Three generic kinds: a fixed number of cells per agent, a number carried in a variable, no cell.
std::vector<agents::CellKind> kinds() {
  return {{.name = "fixed", .variables = {"p"}, .cells_per_agent = 25},
          {.name = "carried", .variables = {"q", "n"}, .cells_variable = "n"},
          {.name = "none", .variables = {"r"}}};
}

fields::Grid grid() {
  fields::Grid g;
  g.nx = 7;
  g.ny = 5;
  g.nz = 4;
  g.dx_um = 10;
  g.origin_um = {-35, -25, -20};
  return g;
}

/// `n` agents at random places (some outside the grid, which clamps them to its edge voxels).
agents::Agents scatter(std::size_t n, std::uint64_t seed) {
  agents::Agents c(kinds());
  RandomStream stream(RandomKey{seed, 0}, 0, 0, purpose_id("test.occupancy"));
  for (std::size_t i = 0; i < n; ++i) {
    const auto kind = static_cast<std::uint8_t>(stream.uniform() * 3);
    const std::size_t a = c.add(kind, {-40 + 80 * stream.uniform(), -30 + 60 * stream.uniform(), -25 + 50 * stream.uniform()});
    c.variables[1][a] = 1 + 99 * stream.uniform();  // the "carried" kind's cell count
  }
  return c;
}

/// The table against a recount of the agents, one by one, with site::voxel_at.
void expect_matches_recount(const site::Occupancy& o, const fields::Grid& g, const agents::Agents& c) {
  const std::size_t V = g.voxels();
  const auto K = kinds();
  ASSERT_EQ(o.voxel.size(), c.size());
  std::vector<std::uint32_t> agents(K.size() * V, 0);
  std::vector<double> cells(K.size() * V, 0.0);
  for (std::size_t a = 0; a < c.size(); ++a) {
    const std::size_t v = site::voxel_at(g, c.x[a], c.y[a], c.z[a]);
    EXPECT_EQ(o.voxel[a], v) << "agent " << a;
    const std::size_t k = c.kind[a];
    ++agents[k * V + v];
    cells[k * V + v] += k == 0 ? 25.0 : k == 1 ? c.variables[1][a] : 0.0;
  }
  for (std::size_t k = 0; k < K.size(); ++k) {
    std::uint64_t agents_total = 0;
    double cells_total = 0;
    for (std::size_t v = 0; v < V; ++v) {
      EXPECT_EQ(o.agents_of(k)[v], agents[k * V + v]) << "kind " << k << " voxel " << v;
      EXPECT_NEAR(o.cells_of(k)[v], cells[k * V + v], 1e-12 * (1 + cells[k * V + v])) << "kind " << k << " voxel " << v;
      agents_total += agents[k * V + v];
      cells_total += cells[k * V + v];
    }
    EXPECT_EQ(o.agents_total[k], agents_total);
    EXPECT_NEAR(o.cells_total[k], cells_total, 1e-9 * (1 + cells_total));
  }
}

TEST(Occupancy, MatchesARecountOfTheAgents) {
  const fields::Grid g = grid();
  const agents::Agents c = scatter(2000, 1);
  site::Occupancy o;
  site::build_occupancy(o, g, kinds(), c, 7);
  expect_matches_recount(o, g, c);
  EXPECT_EQ(o.tick, 7);
  EXPECT_EQ(o.builds, 1u);
  EXPECT_GT(o.agents_total[2], 0u);  // agents of a kind that is no cell are counted,
  EXPECT_EQ(o.cells_total[2], 0.0);  // but stand for no cell
  EXPECT_GT(o.cells_total[1], 0.0);  // a carried count is summed
  EXPECT_EQ(o.cells_total[0], 25.0 * static_cast<double>(o.agents_total[0]));
}

TEST(Occupancy, RemovalsKeepThePerAgentVoxelsInStepAndBirthsAreNotInTheTable) {
  const fields::Grid g = grid();
  agents::Agents c = scatter(500, 2);
  site::Occupancy o;
  site::build_occupancy(o, g, kinds(), c, 3);
  const site::Occupancy before = o;
  // Births during the tick: not in the table, and located where they are now.
  const std::size_t born = c.add(0, {1, 2, 3});
  EXPECT_FALSE(o.binned(born));
  EXPECT_EQ(o.voxel_or_current(born, g, c), site::voxel_at(g, 1, 2, 3));
  // Agents move: the table keeps where they were when it was built.
  c.x[0] += 30;
  EXPECT_EQ(o.voxel_or_current(0, g, c), before.voxel[0]);
  c.x[0] -= 30;
  EXPECT_TRUE(o.current(c, 3));
  // Every third agent dies, and the newborn too.
  std::vector<std::uint8_t> dead(c.size(), 0);
  for (std::size_t a = 0; a < c.size(); a += 3) dead[a] = 1;
  dead[born] = 1;
  std::vector<std::uint64_t> kept_ids;
  for (std::size_t a = 0; a + 1 < c.size(); ++a)
    if (!dead[a]) kept_ids.push_back(c.id[a]);
  site::remove_agents(c, o, dead);
  ASSERT_EQ(c.size(), kept_ids.size());
  EXPECT_TRUE(o.current(c, 3));
  for (std::size_t a = 0; a < c.size(); ++a) {
    EXPECT_EQ(c.id[a], kept_ids[a]);
    EXPECT_EQ(o.voxel[a], site::voxel_at(g, c.x[a], c.y[a], c.z[a])) << "agent " << a;
  }
  // The per-voxel counts stay those of the start of the tick.
  EXPECT_EQ(o.agents, before.agents);
  EXPECT_EQ(o.cells, before.cells);
}

TEST(Occupancy, AStaleTableIsRefused) {
  const fields::Grid g = grid();
  agents::Agents c = scatter(100, 3);
  site::Occupancy o;
  EXPECT_FALSE(o.current(c, 0));  // never built
  site::build_occupancy(o, g, kinds(), c, 5);
  EXPECT_TRUE(o.current(c, 5));
  EXPECT_FALSE(o.current(c, 6));  // built in another tick
  // An agent removed behind the table's back: its per-agent voxels would belong to others.
  std::vector<std::uint8_t> dead(c.size(), 0);
  dead[10] = 1;
  c.remove_flagged(dead);
  EXPECT_FALSE(o.current(c, 5));
  site::InjurySite s{.fields = fields::Fields(g, 1), .cells = c, .axons = agents::Axons(agents::GrowthCone{})};
  s.occupancy = o;
  EXPECT_THROW(site::current_occupancy(s, 5), std::logic_error);
  site::build_occupancy(s.occupancy, g, kinds(), s.cells, 5);
  EXPECT_NO_THROW(site::current_occupancy(s, 5));
  EXPECT_THROW(site::current_occupancy(s, 4), std::logic_error);
}

TEST(Occupancy, RebuildingReusesItsStorage) {
  const fields::Grid g = grid();
  agents::Agents c = scatter(300, 4);
  site::Occupancy o;
  site::build_occupancy(o, g, kinds(), c, 0);
  const auto* voxel = o.voxel.data();
  const auto* agents = o.agents.data();
  const auto* cells = o.cells.data();
  std::vector<std::uint8_t> dead(c.size(), 0);
  for (std::size_t a = 0; a < c.size(); a += 2) dead[a] = 1;
  site::remove_agents(c, o, dead);
  for (std::size_t a = 0; a < c.size(); ++a) c.x[a] = -c.x[a];
  site::build_occupancy(o, g, kinds(), c, 1);
  expect_matches_recount(o, g, c);
  EXPECT_EQ(o.voxel.data(), voxel);
  EXPECT_EQ(o.agents.data(), agents);
  EXPECT_EQ(o.cells.data(), cells);
  EXPECT_EQ(o.builds, 2u);
}

// In a whole run: two test-only processes, one at the end of the neurons phase (nothing moves the
// agents between it and the first process of the site phase) that recounts the agents, and one at
// the end of the site phase that compares the table with that recount, by agent id for the
// agents still there after this tick's deaths. Every tick, so the table is built once per tick.
struct Recount {
  std::map<std::uint64_t, std::size_t> voxel_of_id;
  std::vector<double> cells;  ///< kind-major, like the table
  std::vector<std::uint32_t> agents;
  std::int64_t ticks_checked = 0;
  std::size_t agents_checked = 0;
  std::size_t carried_cells_seen = 0;  ///< voxels with cells counted by a kind's variable
};

class RecountBeforeTheSite final : public Process {
 public:
  explicit RecountBeforeTheSite(std::shared_ptr<Recount> r) : r_(std::move(r)) {}
  std::string_view name() const override { return "test_occupancy_recount"; }
  Phase phase() const override { return Phase::neurons; }
  std::int64_t period_s() const override { return seconds_per_hour; }
  void advance(const Model& m, State& state, const Tick&) const override {
    const site::Layout& L = *m.site;
    const agents::Agents& c = state.site->cells;
    const std::size_t V = L.grid.voxels();
    r_->voxel_of_id.clear();
    r_->cells.assign(L.kinds.size() * V, 0.0);
    r_->agents.assign(L.kinds.size() * V, 0);
    for (std::size_t a = 0; a < c.size(); ++a) {
      const std::size_t v = site::voxel_at(L.grid, c.x[a], c.y[a], c.z[a]);
      const agents::CellKind& kind = L.kinds[c.kind[a]];
      r_->voxel_of_id[c.id[a]] = v;
      ++r_->agents[c.kind[a] * V + v];
      r_->cells[c.kind[a] * V + v] +=
          kind.cells_variable.empty() ? kind.cells_per_agent : c.variables[kind.variable(kind.cells_variable)][a];
    }
  }

 private:
  std::shared_ptr<Recount> r_;
};

class CompareAfterTheSite final : public Process {
 public:
  explicit CompareAfterTheSite(std::shared_ptr<Recount> r) : r_(std::move(r)) {}
  std::string_view name() const override { return "test_occupancy_compare"; }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }
  void advance(const Model& m, State& state, const Tick&) const override {
    const site::Occupancy& o = site::current_occupancy(*state.site, state.tick);  // throws when stale
    const agents::Agents& c = state.site->cells;
    const site::Layout& L = *m.site;
    // Built once in every tick so far (a fresh State starts at tick 0).
    EXPECT_EQ(o.builds, static_cast<std::uint64_t>(state.tick) + 1);
    EXPECT_EQ(o.agents, r_->agents);
    ASSERT_EQ(o.cells.size(), r_->cells.size());
    for (std::size_t i = 0; i < o.cells.size(); ++i) {
      EXPECT_NEAR(o.cells[i], r_->cells[i], 1e-9 * (1 + r_->cells[i])) << "kind-voxel " << i;
      const std::size_t k = i / L.grid.voxels();
      if (!L.kinds[k].cells_variable.empty() && o.cells[i] > 0) ++r_->carried_cells_seen;
    }
    for (std::size_t a = 0; a < o.voxel.size(); ++a) {
      const auto it = r_->voxel_of_id.find(c.id[a]);
      ASSERT_NE(it, r_->voxel_of_id.end()) << "agent id " << c.id[a] << " is in the table but was not there";
      EXPECT_EQ(o.voxel[a], it->second) << "agent id " << c.id[a];
    }
    r_->agents_checked += o.voxel.size();
    ++r_->ticks_checked;
  }

 private:
  std::shared_ptr<Recount> r_;
};

TEST(Occupancy, BuiltOncePerTickFromWhereTheAgentsWereWhenTheSitePhaseBegan) {
  auto recount = std::make_shared<Recount>();
  Registry registry = make_builtin_registry();
  registry.add(MechanismEntry{.name = "test_occupancy_recount",
                              .summary = "test-only: recounts the site's agents before the site phase",
                              .declare_parameters = nullptr,
                              .create = [recount](const CompileContext&) -> std::unique_ptr<Process> {
                                return std::make_unique<RecountBeforeTheSite>(recount);
                              }});
  registry.add(MechanismEntry{.name = "test_occupancy_compare",
                              .summary = "test-only: compares the occupancy table with the recount",
                              .declare_parameters = nullptr,
                              .create = [recount](const CompileContext&) -> std::unique_ptr<Process> {
                                return std::make_unique<CompareAfterTheSite>(recount);
                              }});
  // A conduit with transplanted cells in its lumen: a kind counted by a variable, deaths of
  // cells of two kinds during the site phase, births and moves.
  const std::string scenario = R"(
species = "rat"
nerve = "sciatic"
seed = 9
[injury]
type = "transection"
gap_length = "3 mm"
[repair]
type = "conduit"
[[therapies]]
type = "msc"
source = "bone_marrow"
dose = "1e5 cells"
route = "conduit_lumen"
[site]
model = "3d"
resolution = "200 um"
[simulation]
duration = "4 d"
[readouts]
times = []
)";
  const auto model = Model::compile(load_scenario_text(scenario, "test.toml", registry), registry);
  Simulation simulation(model);
  simulation.advance_to(4 * seconds_per_day);
  EXPECT_EQ(recount->ticks_checked, 4 * 24);
  EXPECT_EQ(simulation.state().site->occupancy.builds, 4u * 24u);
  EXPECT_GT(recount->agents_checked, 1000u);
  EXPECT_GT(recount->carried_cells_seen, 0u);
}

}  // namespace
}  // namespace bungner
