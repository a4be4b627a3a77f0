// Declared state (issue 20): blocks and signals that content declares, allocated, combined, reset
// and restored by the engine by name.
#include <gtest/gtest.h>

#include <string>

#include "bungner/core/errors.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

struct Pair {
  using state_scalar = double;
  double a = 1.5;
  double b = -2.0;
};

std::string input_error(const StateLayout& layout, std::vector<StateBlock> blocks, const ExtentSizes& sizes) {
  try {
    layout.adopt(std::move(blocks), sizes);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(StateLayout, BlocksAreAllocatedByExtentWithTheirInitialValue) {
  StateLayout layout;
  const auto per_neuron = layout.block<double>("x.per_neuron", Extent::per_neuron, 0.25);
  const auto segments = layout.block<std::uint8_t>("x.segments", Extent::per_distal_segment, 7);
  const auto targets = layout.block<std::uint32_t>("x.targets", Extent::per_target);
  const auto records = layout.block<Pair>("x.records", Extent::per_instance);
  EXPECT_EQ(layout.add_instance(records), 0u);
  EXPECT_EQ(layout.add_instance(records), 1u);
  const auto scalar = layout.block<std::int64_t>("x.scalar", Extent::scalar, -3);
  State s;
  s.blocks = layout.allocate({.neurons = 5, .distal_segments = 3, .targets = 2});
  ASSERT_EQ(s.block(per_neuron).size(), 5u);
  for (double v : s.block(per_neuron)) EXPECT_EQ(v, 0.25);
  ASSERT_EQ(s.block(segments).size(), 3u);
  EXPECT_EQ(s.block(segments)[2], 7);
  EXPECT_EQ(s.block(targets).size(), 2u);
  ASSERT_EQ(s.block(records).size(), 2u);
  EXPECT_EQ(s.block(records)[1].a, 1.5);
  EXPECT_EQ(s.block(records)[1].b, -2.0);
  EXPECT_EQ(s.scalar(scalar), -3);
  EXPECT_EQ(s.blocks[3].type, ScalarType::f64);
  EXPECT_EQ(s.blocks[3].width, 2u);
}

TEST(StateLayout, RedeclaringGivesTheSameHandleAndDifferingIsAnError) {
  StateLayout layout;
  const auto a = layout.block<double>("x.a", Extent::scalar, 1.0);
  EXPECT_EQ(layout.block<double>("x.a", Extent::scalar, 1.0).index, a.index);
  EXPECT_THROW(layout.block<double>("x.a", Extent::scalar, 2.0), ModelError);
  EXPECT_THROW(layout.block<double>("x.a", Extent::per_neuron, 1.0), ModelError);
  EXPECT_THROW(layout.block<std::uint32_t>("x.a", Extent::scalar, 1), ModelError);
  EXPECT_THROW(layout.block<double>("unqualified", Extent::scalar), ModelError);
  EXPECT_THROW(layout.add_instance(a), ModelError);
  EXPECT_EQ(layout.find<double>("x.a").index, a.index);
  EXPECT_THROW(layout.find<std::uint8_t>("x.a"), ModelError);
  EXPECT_THROW(layout.find<double>("x.b"), ModelError);
  const auto s = layout.signal({"x.s", "1", 1.0, Combine::product});
  EXPECT_EQ(layout.signal({"x.s", "1", 1.0, Combine::product}).index, s.index);
  EXPECT_THROW(layout.signal({"x.s", "1", 1.0, Combine::sum}), ModelError);
  EXPECT_THROW(layout.signal({"x.s", "1", 0.0, Combine::product}), ModelError);
  EXPECT_THROW(layout.signal({"x.s", "1/d", 1.0, Combine::product}), ModelError);
  EXPECT_THROW(layout.find_signal("x.t"), ModelError);
}

TEST(StateLayout, SignalsCombineByTheirRule) {
  StateLayout layout;
  const auto product = layout.signal({"x.product", "1", 1.0, Combine::product});
  const auto sum = layout.signal({"x.sum", "pg/d", 0.0, Combine::sum});
  const auto max = layout.signal({"x.max", "1", 0.0, Combine::max});
  State s;
  s.signals = layout.neutral_signals();
  EXPECT_EQ(s.signal(product), 1.0);
  EXPECT_EQ(s.signal(sum), 0.0);
  for (double v : {0.5, 0.25}) {
    s.write(product, v);
    s.write(sum, v);
    s.write(max, v);
  }
  EXPECT_EQ(s.signal(product), 0.125);
  EXPECT_EQ(s.signal(sum), 0.75);
  EXPECT_EQ(s.signal(max), 0.5);
}

TEST(StateLayout, RestoreChecksNamesTypesAndSizes) {
  StateLayout layout;
  layout.block<double>("x.a", Extent::per_neuron);
  layout.block<std::uint32_t>("x.b", Extent::scalar);
  const ExtentSizes sizes{.neurons = 4};
  const auto good = layout.allocate(sizes);
  // Order in the file does not matter: blocks are matched by name.
  EXPECT_EQ(input_error(layout, {good[1], good[0]}, sizes), "(accepted)");
  EXPECT_EQ(layout.adopt({good[1], good[0]}, sizes)[0].name, "x.a");
  EXPECT_NE(input_error(layout, {good[0]}, sizes).find("block 'x.b' (u32 scalar) is missing"), std::string::npos);
  auto retyped = good;
  retyped[1].type = ScalarType::i32;
  EXPECT_NE(input_error(layout, retyped, sizes).find("block 'x.b' holds i32 but the model declares u32"), std::string::npos)
      << input_error(layout, retyped, sizes);
  EXPECT_NE(input_error(layout, good, {.neurons = 5}).find("block 'x.a' has 4 elements but the model has 5 (per neuron)"),
            std::string::npos);
  auto extra = good;
  extra.push_back(StateBlock{"y.c", ScalarType::u8, 1, {}});
  EXPECT_NE(input_error(layout, extra, sizes).find("block 'y.c' (u8) is not declared by this model"), std::string::npos);
}

}  // namespace
}  // namespace bungner
