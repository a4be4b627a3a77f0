#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "bungner/core/clock.hpp"

namespace clk = bungner::clock;

TEST(Clock, BaseTickIsTheGcdOfThePositivePeriods) {
  const std::array<std::int64_t, 3> periods{3600, 600, 0};
  EXPECT_EQ(clk::base_tick(periods, 60), 600);
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{86400, 3600, 900}, 60), 900);
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{6, 10, 15}, 60), 1);
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{7}, 60), 7);
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{0, 3600, 0, 5400}, 60), 1800);
  // Negative periods are ignored like zeros.
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{-300, 3600}, 60), 3600);
}

TEST(Clock, BaseTickFallsBackWithoutPositivePeriods) {
  EXPECT_EQ(clk::base_tick(std::span<const std::int64_t>{}, 60), 60);
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{}, 3600), 3600);
  EXPECT_EQ(clk::base_tick(std::vector<std::int64_t>{0, 0}, 60), 60);
}

TEST(Clock, Due) {
  static_assert(clk::due(0, 600));
  static_assert(!clk::due(601, 600));
  EXPECT_TRUE(clk::due(0, 600));
  EXPECT_TRUE(clk::due(600, 600));
  EXPECT_TRUE(clk::due(3600, 600));
  EXPECT_FALSE(clk::due(300, 600));
  EXPECT_FALSE(clk::due(1300, 600));
  EXPECT_TRUE(clk::due(86400, 3600));
  EXPECT_FALSE(clk::due(86400 + 60, 3600));
  // Period 0: every tick.
  EXPECT_TRUE(clk::due(0, 0));
  EXPECT_TRUE(clk::due(1, 0));
  EXPECT_TRUE(clk::due(12345, 0));
  // A day of 10-minute ticks: an hourly process is due 25 times, both ends included.
  int due_count = 0;
  for (std::int64_t t = 0; t <= 86400; t += 600) due_count += clk::due(t, 3600) ? 1 : 0;
  EXPECT_EQ(due_count, 25);
}
