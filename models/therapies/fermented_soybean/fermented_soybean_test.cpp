// Fermented soybean: no effect by default (no quantitative evidence); a set protection lowers
// sensory neuron loss like any neuroprotectant.
#include <gtest/gtest.h>

#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::sample;

const char* unrepaired = R"(species = "rat"
nerve = "sciatic"
seed = 7
[injury]
type = "transection"
[simulation]
duration = "30 d"
[readouts]
times = []
)";

double survival(const std::string& extra, const std::vector<Override>& overrides = {}) {
  Simulation sim(compile(std::string(unrepaired) + extra, overrides));
  return sample(sim, "sensory_neuron_survival", {28})[0];
}

TEST(AdjunctFermentedSoybean, NoEffectByDefaultProtectsWhenSet) {
  const std::string soy = "[[therapies]]\ntype = \"fermented_soybean\"\n";
  const double control = survival("");
  EXPECT_DOUBLE_EQ(survival(soy), control);
  EXPECT_GT(survival(soy, {{"parameters.fermented_soybean.protection", "0.3"}}), control);
}

}  // namespace
}  // namespace bungner
