// The injury site's layout, transport and bookkeeping: geometry against the scenario, oxygen
// against its supply-consumption balance, conservation of myelin, restart from a checkpoint bit
// for bit, and the same bits at one and two threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "bungner/io/checkpoint.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::observed;

std::string site_scenario(const std::string& injury, const std::string& repair, const std::string& gap,
                          const std::string& extra = "") {
  return R"(
species = "rat"
nerve = "sciatic"
seed = 5
[injury]
type = ")" +
         injury + R"("
gap_length = ")" +
         gap + R"("
[repair]
type = ")" +
         repair + R"("
[site]
model = "3d"
resolution = "100 um"
[simulation]
duration = "30 d"
[readouts]
times = []
)" + extra;
}

TEST(InjurySiteLayout, ZonesFollowTheScenarioGeometry) {
  const auto model = compile(site_scenario("transection", "conduit", "5 mm"));
  ASSERT_TRUE(model->site);
  const site::Layout& L = *model->site;
  EXPECT_DOUBLE_EQ(L.gap_start_um, 1000);
  EXPECT_DOUBLE_EQ(L.gap_end_um, 6000);
  EXPECT_DOUBLE_EQ(L.distal_section_um, 9000);  // 3 mm distal to the distal cut face
  EXPECT_TRUE(L.conduit);
  EXPECT_DOUBLE_EQ(L.lumen_radius_um, 750);  // default inner diameter 1.5 mm
  std::size_t stump = 0, bridge = 0, wall = 0;
  for (std::size_t v = 0; v < L.grid.voxels(); ++v) {
    const auto& g = L.grid;
    const std::size_t i = v % g.nx, j = (v / g.nx) % g.ny, k = v / (g.nx * g.ny);
    const auto c = g.center(static_cast<int>(i), static_cast<int>(j), static_cast<int>(k));
    const double r = std::hypot(c[1], c[2]);
    switch (L.zone[v]) {
      case site::Zone::bridge:
        ++bridge;
        EXPECT_LT(r, 750);
        EXPECT_GE(c[0], 1000);
        EXPECT_LT(c[0], 6000);
        break;
      case site::Zone::proximal_stump:
      case site::Zone::distal_stump:
        ++stump;
        EXPECT_LT(r, 500);
        break;
      case site::Zone::wall: ++wall; break;
      default: break;
    }
  }
  // Volumes within the voxelisation error of the cylinders (a few per cent at 100 um).
  const double voxel_mm3 = 1e-3;
  EXPECT_NEAR(static_cast<double>(bridge) * voxel_mm3, 3.14159 * 0.75 * 0.75 * 5, 0.1 * 8.8);
  EXPECT_NEAR(static_cast<double>(stump) * voxel_mm3, 3.14159 * 0.5 * 0.5 * 5, 0.1 * 3.9);
  EXPECT_GT(wall, 0u);
  EXPECT_FALSE(L.cut_face_voxels.empty());
  EXPECT_FALSE(L.wall_lumen_voxels.empty());
}

TEST(InjurySiteLayout, OffByDefaultAndForAConductionBlock) {
  EXPECT_FALSE(compile(testing::rat_sciatic)->site);
  EXPECT_FALSE(compile(site_scenario("conduction_block", "none", "0 mm"))->site);
  EXPECT_TRUE(compile(site_scenario("crush", "none", "0 mm"))->site);
}

TEST(InjurySiteLayout, ResolutionCoarserThanTheNerveIsRefused) {
  EXPECT_THROW(compile(site_scenario("crush", "none", "0 mm"), {{"site.resolution", "600 um"}}), ModelError);
}

// Normal nerve at rest: every vascularised voxel holds pO2 near the capillary value, lowered by
// what its cells breathe: c = P - q / k for consumption q and exchange rate k (supply balance).
TEST(InjurySiteTransport, OxygenBalancesSupplyAndUptakeInNormalNerve) {
  const auto model = compile(site_scenario("crush", "none", "0 mm"));
  Simulation sim(model);
  sim.advance_to(6 * seconds_per_hour);  // before any fragmentation: nerve still normal
  const auto& s = *sim.state().site;
  const site::Layout& L = *model->site;
  const auto& p = model->parameters();
  const double per_cell =
      p.in("injury_site.oxygen_uptake", "mol/s") * 60 / (p.in("injury_site.oxygen_solubility", "mol/m^3") * 1e-18);
  const double cells_per_um3 = p.in("injury_site.schwann_density", "cells/mm^3") * 1e-9 +
                               p.in("injury_site.resident_macrophage_density", "cells/mm^3") * 1e-9;
  const double k = p.in("injury_site.vessel_oxygen_exchange", "1/min");
  const double po2 = p.in("injury_site.vessel_po2", "mmHg");
  double sum = 0, n = 0;
  for (std::size_t v = 0; v < L.grid.voxels(); ++v)
    if (L.zone[v] == site::Zone::distal_stump) {
      sum += s.fields.at(v, L.substrate("oxygen"));
      n += 1;
    }
  const double km =
      p.in("injury_site.oxygen_uptake_half_saturation", "mol/m^3") / p.in("injury_site.oxygen_solubility", "mol/m^3");
  // Solve c = P - (q c / (Km + c)) / k for the mean cell density (uptake is Michaelis-Menten).
  double c = po2;
  for (int it = 0; it < 100; ++it) c = po2 - per_cell * cells_per_um3 * c / (km + c) / k;
  EXPECT_NEAR(sum / n, c, 0.1 * po2) << "mean distal pO2 [mmHg]";
}

// Myelin is conserved: what remains plus what Schwann cells and macrophages cleared is what there was.
TEST(InjurySiteBookkeeping, MyelinIsConserved) {
  const auto model = compile(site_scenario("transection", "direct_suture", "0 mm"));
  Simulation sim(model);
  for (int day : {3, 10, 20}) {
    sim.advance_to(day * seconds_per_day);
    const auto& s = *sim.state().site;
    double remaining = 0;
    for (double m : s.myelin) remaining += m;
    EXPECT_NEAR(remaining + s.myelin_autophagy + s.myelin_phagocytosis, s.myelin_initial, 1e-9 * s.myelin_initial)
        << "day " << day;
  }
}

std::string site_bytes(const State& state) {
  const auto& s = *state.site;
  std::string out = io::serialize(s.fields) + io::serialize(s.cells) + io::serialize(s.axons);
  const auto append = [&](const auto& v) { out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])); };
  append(s.myelin);
  append(s.vessel);
  append(s.band);
  append(s.fibrin);
  append(state.neurons.growth_start_s);
  append(state.neurons.position_m);
  return out;
}

// A checkpoint is just the State: restoring it and going on gives the same bits as never stopping.
TEST(InjurySiteCheckpoint, RestartIsBitIdentical) {
  const auto model = compile(site_scenario("transection", "conduit", "3 mm"), {{"site.resolution", "200 um"}});
  Simulation straight(model);
  straight.advance_to(4 * seconds_per_day);
  io::Checkpoint c;
  c.state = straight.state();
  const auto path = std::filesystem::temp_directory_path() / "bungner-site-checkpoint.bin";
  io::write_checkpoint(path, c);
  Simulation resumed(model, io::read_checkpoint(path).state);
  std::filesystem::remove(path);
  straight.advance_to(8 * seconds_per_day);
  resumed.advance_to(8 * seconds_per_day);
  EXPECT_EQ(site_bytes(straight.state()), site_bytes(resumed.state()));
}

TEST(InjurySiteDeterminism, SameBitsAtOneAndTwoThreads) {
  const auto model = compile(site_scenario("transection", "conduit", "3 mm"), {{"site.resolution", "200 um"}});
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  Simulation one(model);
  one.advance_to(6 * seconds_per_day);
  omp_set_num_threads(2);
  Simulation two(model);
  two.advance_to(6 * seconds_per_day);
  omp_set_num_threads(threads);
  EXPECT_EQ(site_bytes(one.state()), site_bytes(two.state()));
}

}  // namespace
}  // namespace bungner
