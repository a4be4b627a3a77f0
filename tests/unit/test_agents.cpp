// Agent storage: stable ids, removal that keeps the order, and the kinds that name their
// variables (declared by the content that owns them; see docs/agents.md).
#include "bungner/agents/agents.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bungner::agents {
namespace {

Agents two_kinds() {
  return Agents({{.name = "schwann", .variables = {"cjun", "elongation"}, .phenotype = "cjun", .cells_per_agent = 20},
                 {.name = "macrophage", .variables = {"m2_share"}, .cells_per_agent = 10}});
}

TEST(Agents, KindsNameTheirVariablesAndTheColumnsFitTheLargestKind) {
  const Agents a = two_kinds();
  EXPECT_EQ(a.variables.size(), 2u);
  EXPECT_EQ(a.kind_index("macrophage"), 1);
  EXPECT_EQ(a.kinds()[0].variable("elongation"), 1u);
  EXPECT_EQ(a.kinds()[1].variable("m2_share"), 0u);
  EXPECT_THROW((void)a.kinds()[1].variable("cjun"), std::out_of_range);
  EXPECT_THROW((void)a.kind_index("msc"), std::out_of_range);
  EXPECT_THROW(Agents(std::vector<CellKind>{}), std::invalid_argument);
}

TEST(Agents, IdsIncreaseAndRemovalKeepsTheOrderOfTheOthers) {
  Agents a = two_kinds();
  for (int i = 0; i < 5; ++i) {
    const std::size_t k = a.add(static_cast<std::uint8_t>(i % 2), {1.0 * i, 2.0 * i, 3.0 * i});
    a.variables[0][k] = 0.1 * i;
    a.mx[k] = i;
  }
  EXPECT_THROW(a.add(2, {0, 0, 0}), std::out_of_range);
  a.remove_flagged({0, 1, 0, 1, 0});
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.id, (std::vector<std::uint64_t>{0, 2, 4}));
  EXPECT_EQ(a.kind, (std::vector<std::uint8_t>{0, 0, 0}));
  EXPECT_DOUBLE_EQ(a.x[2], 4.0);
  EXPECT_DOUBLE_EQ(a.z[1], 6.0);
  EXPECT_DOUBLE_EQ(a.variables[0][1], 0.2);
  EXPECT_DOUBLE_EQ(a.variables[1][1], 0.0);
  EXPECT_DOUBLE_EQ(a.mx[2], 4.0);
  EXPECT_EQ(a.find(4), 2u);
  EXPECT_EQ(a.find(3), a.size());
  // A new agent gets the next id, never a freed one.
  EXPECT_EQ(a.id[a.add(1, {0, 0, 0})], 5u);
}

}  // namespace
}  // namespace bungner::agents
