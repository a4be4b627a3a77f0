// Low-level laser against Rochkind 2007 (E48, direction only): better motor recovery than placebo.
#include <gtest/gtest.h>

#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::sample;

const char* median_repair = R"(species = "human"
nerve = "median"
[injury]
type = "transection"
[repair]
type = "direct_suture"
[simulation]
duration = "183 d"
[readouts]
times = []
)";

double force_at_six_months(const std::string& therapy) {
  Simulation sim(compile(std::string(median_repair) + therapy));
  return sample(sim, "tetanic_force_ratio.abductor_pollicis_brevis", {183})[0];
}

// E48: 780 nm, 21 daily sessions: motor function better than placebo at 6 months.
TEST(CalibrationE48, LowLevelLaserImprovesMotorRecovery) {
  const double placebo = force_at_six_months("");
  const double laser = force_at_six_months("[[therapies]]\ntype = \"low_level_laser\"\n");
  EXPECT_GT(laser, placebo);
  // Outside the red/near-infrared window the laser does nothing (assumption).
  const double blue = force_at_six_months("[[therapies]]\ntype = \"low_level_laser\"\nwavelength = \"450 nm\"\n");
  EXPECT_DOUBLE_EQ(blue, placebo);
}

}  // namespace
}  // namespace bungner
