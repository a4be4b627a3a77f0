// Axon polylines: elongation, steering, branching, retraction and plane-crossing queries.
#include "bungner/agents/axons.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

namespace bungner::agents {
namespace {

TEST(Axons, StraightGrowthHasTheExactLength) {
  GrowthCone cone;
  cone.speed_um_per_min = 2.0;
  cone.wander = 0;
  Axons axons(cone);
  axons.add({0, 0, 0}, {1, 0, 0});
  for (std::uint64_t s = 0; s < 600; ++s) axons.step(nullptr, 0.5, s, {1, 0});
  const Axon& a = axons.all()[0];
  EXPECT_NEAR(Axons::length(a), 600.0, 1e-9);
  EXPECT_NEAR(a.points.back()[0], 600.0, 1e-9);
  EXPECT_EQ(a.points.size(), 62u);  // origin, a point every 10 um, and the tip of a new, empty segment
  for (std::size_t s = 0; s + 1 < a.points.size(); ++s) EXPECT_LE(Axons::segment_length(a, s), 10.0 + 1e-9);
  EXPECT_EQ(axons.crossing(300), 1u);
  EXPECT_EQ(axons.crossing(700), 0u);
}

// Growth cones turn up a gradient: with chemotropism all of them end up crossing a plane ahead;
// without it, a wandering population spreads and fewer get there.
TEST(Axons, ChemotropismSteersUpTheGradient) {
  fields::Grid g;
  g.nx = 60;
  g.ny = 60;
  g.nz = 4;
  g.dx_um = 20;
  g.origin_um = {-600, -600, -40};
  fields::Fields f(g, 1);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) f.at(i, j, k, 0) = 0.01 * j;  // rises along +y
  const auto arrived = [&](double chemotropism) {
    GrowthCone cone;
    cone.wander = 0.3;
    cone.attractant = 0;
    cone.chemotropism = chemotropism;
    Axons axons(cone);
    for (int n = 0; n < 200; ++n) axons.add({0, 0, 0}, {1, 0, 0});  // all start at right angles
    for (std::uint64_t s = 0; s < 150; ++s) axons.step(&f, 1.0, s, {2, 0});
    std::size_t up = 0;
    for (const auto& a : axons.all()) up += a.points.back()[1] > 100 ? 1 : 0;
    return up;
  };
  EXPECT_GE(arrived(0.5), 195u);
  EXPECT_LT(arrived(0.0), 100u);
}

// Branching at rate b: the expected number of axons after t is exp(b t) per initial axon.
TEST(Axons, BranchingFollowsTheRate) {
  GrowthCone cone;
  cone.branch_rate_per_min = 0.01;
  Axons axons(cone);
  for (int n = 0; n < 300; ++n) axons.add({0, 10.0 * n, 0}, {1, 0, 0});
  const double dt = 1.0;
  for (std::uint64_t s = 0; s < 100; ++s) axons.step(nullptr, dt, s, {4, 0});
  const double m = std::pow(1 - std::expm1(-0.01 * dt), 100);
  const double se = std::sqrt(300 * m * (m - 1));
  EXPECT_NEAR(static_cast<double>(axons.all().size()), 300 * m, 4 * se);
  for (const auto& a : axons.all())
    if (a.parent != UINT64_MAX) {
      EXPECT_LT(a.parent, a.id);
    }
}

TEST(Axons, RetractWhereTheSignalIsLow) {
  fields::Grid g;
  g.nx = 50;
  g.dx_um = 20;
  fields::Fields f(g, 1);  // all zero: below any positive threshold
  GrowthCone cone;
  cone.wander = 0;
  Axons axons(cone);
  axons.add({0, 0, 0}, {1, 0, 0});
  for (std::uint64_t s = 0; s < 100; ++s) axons.step(nullptr, 1.0, s, {1, 0});  // grow 200 um
  GrowthCone retracting = cone;
  retracting.retraction_substrate = 0;
  retracting.retraction_threshold = 0.5;
  retracting.retraction_speed_um_per_min = 1.0;
  Axons shrinking(retracting);
  shrinking.all() = axons.all();
  for (std::uint64_t s = 0; s < 50; ++s) shrinking.step(&f, 1.0, s, {1, 0});
  EXPECT_NEAR(Axons::length(shrinking.all()[0]), 150.0, 1e-9);
}

TEST(Axons, BitIdenticalAtOneAndTwoThreads) {
  const auto run = [](int threads) {
    omp_set_num_threads(threads);
    GrowthCone cone;
    cone.wander = 0.2;
    cone.branch_rate_per_min = 0.002;
    Axons axons(cone);
    for (int n = 0; n < 2000; ++n) axons.add({0, 0.5 * n, 0}, {1, 0, 0});
    for (std::uint64_t s = 0; s < 50; ++s) axons.step(nullptr, 1.0, s, {9, 0});
    return axons.all();
  };
  const int before = omp_get_max_threads();
  const auto one = run(1), two = run(2);
  omp_set_num_threads(before);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t n = 0; n < one.size(); ++n) {
    ASSERT_EQ(one[n].id, two[n].id);
    ASSERT_EQ(one[n].points, two[n].points);
  }
}

// Cells find the segments near them: the index returns exactly what a brute-force scan finds.
TEST(Axons, SegmentIndexFindsTheSameSegmentsAsABruteForceScan) {
  GrowthCone cone;
  cone.wander = 0.4;
  cone.branch_rate_per_min = 0.01;
  Axons axons(cone);
  for (int n = 0; n < 40; ++n) axons.add({0, 15.0 * n, 0}, {1, 0, 0});
  for (std::uint64_t s = 0; s < 100; ++s) axons.step(nullptr, 1.0, s, {5, 0});
  const SegmentIndex index(axons, 25.0);
  for (int q = 0; q < 50; ++q) {
    RandomStream r({8, 0}, static_cast<std::uint64_t>(q), 0, 1);
    const std::array<double, 3> p{r.uniform(0, 220), r.uniform(-20, 620), r.uniform(-40, 40)};
    const double radius = r.uniform(1, 30);
    std::vector<std::pair<std::size_t, std::size_t>> expected;
    for (std::size_t n = 0; n < axons.all().size(); ++n)
      for (std::size_t s = 0; s + 1 < axons.all()[n].points.size(); ++s)
        if (distance_to_segment(p, axons.all()[n].points[s], axons.all()[n].points[s + 1]) <= radius) expected.emplace_back(n, s);
    std::vector<std::pair<std::size_t, std::size_t>> found;
    for (const auto& h : index.near(p, radius)) found.emplace_back(h.axon, h.segment);
    EXPECT_EQ(found, expected) << "query " << q;
  }
  EXPECT_DOUBLE_EQ(distance_to_segment({5, 3, 0}, {0, 0, 0}, {10, 0, 0}), 3.0);
  EXPECT_DOUBLE_EQ(distance_to_segment({-4, 3, 0}, {0, 0, 0}, {10, 0, 0}), 5.0);
}

}  // namespace
}  // namespace bungner::agents
