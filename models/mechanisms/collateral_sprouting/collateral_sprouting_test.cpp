// Collateral sprouting against its closed form (README): after an unrepaired cut the skin's own
// innervation stays 0 and the sprouts approach the ceiling exactly exponentially after the lag;
// after a suture they withdraw as the nerve returns; after a conduction block they never grow.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::observed;

std::string scenario(const std::string& injury, const std::string& repair) {
  return "species = \"rat\"\nnerve = \"sciatic\"\nseed = 7\n[injury]\ntype = \"" + injury + "\"\n[repair]\ntype = \"" + repair +
         "\"\n[simulation]\nduration = \"200 d\"\n[readouts]\ntimes = []\n";
}

// Unrepaired: the skin's own innervation stays 0, so the sprouts approach the ceiling c exactly as
// c (1 - exp(-(t - t_d - L) / tau)) from the lag L after the denervation t_d = 0.
TEST(CollateralSprouting, SproutsApproachTheCeilingAfterTheLagWhenTheNerveNeverReturns) {
  Simulation sim(compile(scenario("transection", "none")));
  const ParameterSet& p = sim.model().parameters();
  const double c = p.get("collateral_sprouting.ceiling");
  const double lag = p.in("collateral_sprouting.lag", "d"), tau = p.in("collateral_sprouting.time_constant", "d");
  for (const int day : {3, 7, 10, 30, 100, 200}) {
    sim.advance_to(day * seconds_per_day);
    ASSERT_EQ(observed(sim, "skin_innervation.plantar_skin"), 0.0) << "day " << day;
    const double expected = day <= lag ? 0.0 : c * (1 - std::exp(-(day - lag) / tau));
    EXPECT_NEAR(observed(sim, "collateral_share.plantar_skin") / 100, expected, 1e-9) << "day " << day;
  }
}

// After a suture the nerve returns and the sprouts withdraw toward c (1 - own); a conduction block
// never denervates the skin, so nothing sprouts.
TEST(CollateralSprouting, SproutsWithdrawAsTheNerveReturnsAndNeverGrowAfterABlock) {
  Simulation sim(compile(scenario("transection", "direct_suture")));
  double peak = 0;
  for (int day = 5; day <= 200; day += 5) {
    sim.advance_to(day * seconds_per_day);
    peak = std::max(peak, observed(sim, "collateral_share.plantar_skin"));
  }
  const double last = observed(sim, "collateral_share.plantar_skin");
  const double own = observed(sim, "skin_innervation.plantar_skin") / 100;
  EXPECT_GT(own, 0.2);
  EXPECT_LT(last, peak - 3.0) << "withdrawn by at least 3 points of the territory";
  // Months after the return the share has caught up with its goal c (1 - own) to a few points.
  EXPECT_NEAR(last / 100, sim.model().parameters().get("collateral_sprouting.ceiling") * (1 - own), 0.03);
  Simulation block(compile(scenario("conduction_block", "none")));
  block.advance_to(60 * seconds_per_day);
  EXPECT_EQ(observed(block, "collateral_share.plantar_skin"), 0.0);
}

}  // namespace
}  // namespace bungner
