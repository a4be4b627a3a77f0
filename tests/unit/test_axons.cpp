// Axon polylines: what readouts ask of them (plane crossings, lengths).
#include "bungner/agents/axons.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace bungner::agents {
namespace {

TEST(Axons, NewAxonsStartWithOneEmptySegmentAndAUnitHeading) {
  Axons axons(GrowthCone{.segment_um = 10, .initial_diameter_um = 0.5});
  EXPECT_EQ(axons.add({1, 2, 3}, {3, 0, 4}), 0u);
  EXPECT_EQ(axons.add({0, 0, 0}, {1, 0, 0}), 1u);
  const Axon& a = axons.all()[0];
  ASSERT_EQ(a.points.size(), 2u);
  EXPECT_EQ(a.diameter_um, std::vector<double>{0.5});
  EXPECT_DOUBLE_EQ(a.heading[0], 0.6);
  EXPECT_DOUBLE_EQ(a.heading[2], 0.8);
  EXPECT_DOUBLE_EQ(Axons::length(a), 0.0);
  EXPECT_EQ(axons.next_id(), 2u);
}

TEST(Axons, LengthsAndPlaneCrossings) {
  Axons axons(GrowthCone{});
  for (int n = 0; n < 3; ++n) axons.add({0, 0, 0}, {1, 0, 0});
  auto& all = axons.all();
  all[0].points = {{0, 0, 0}, {30, 40, 0}, {60, 0, 0}};  // two 3-4-5 segments of 50 um
  all[1].points = {{0, 10, 0}, {40, 10, 0}};             // ends before x = 45
  all[2].points = {{100, 10, 5}, {20, 10, 5}};           // grows backwards through x = 45
  EXPECT_DOUBLE_EQ(Axons::segment_length(all[0], 1), 50.0);
  EXPECT_DOUBLE_EQ(Axons::length(all[0]), 100.0);
  EXPECT_EQ(axons.crossing(45.0), 2u);  // each axon counts once
  EXPECT_EQ(axons.crossing(25.0), 3u);
  EXPECT_EQ(axons.crossing(10.0), 2u);  // the backward axon ends at x = 20
  EXPECT_EQ(axons.crossing(200.0), 0u);
}

}  // namespace
}  // namespace bungner::agents
