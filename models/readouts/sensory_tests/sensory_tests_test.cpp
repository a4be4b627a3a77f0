// The paw's sensory tests against their closed forms (README): the response share at the test
// site from the skin's own innervation and the neighbour's sprouts, then pinprick, latency and the
// log-graded von Frey threshold from it.
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

TEST(SensoryTests, TestsFollowTheResponseShareOfTheTestSite) {
  for (const auto& [injury, repair] :
       {std::pair{"crush", "none"}, std::pair{"transection", "direct_suture"}, std::pair{"transection", "none"}}) {
    Simulation sim(compile(scenario(injury, repair)));
    const ParameterSet& p = sim.model().parameters();
    const double full = p.get("sensory_tests.innervation_for_full_response");
    const double l0 = p.get("sensory_tests.thermal_latency_normal"), l1 = p.get("sensory_tests.thermal_latency_cutoff");
    const double f0 = p.get("sensory_tests.von_frey_normal"), f1 = p.get("sensory_tests.von_frey_cutoff");
    bool partial = false;
    for (const int day : {10, 20, 30, 60, 200}) {
      sim.advance_to(day * seconds_per_day);
      const double own = observed(sim, "skin_innervation.plantar_skin") / 100;
      const double sprouted = observed(sim, "collateral_share.plantar_skin") / 100;
      const double response = std::min(1.0, (1 - (1 - own) * (1 - sprouted)) / full);
      partial = partial || (response > 0.05 && response < 0.95);
      const std::string at = std::string(injury) + " + " + repair + ", day " + std::to_string(day);
      EXPECT_NEAR(observed(sim, "pinprick_score.plantar_skin"), 3 * response, 1e-12) << at;
      EXPECT_NEAR(observed(sim, "thermal_withdrawal_latency.plantar_skin"), l0 + (l1 - l0) * (1 - response), 1e-12) << at;
      EXPECT_NEAR(observed(sim, "von_frey_threshold.plantar_skin"), std::pow(f0, response) * std::pow(f1, 1 - response), 1e-9)
          << at;
    }
    EXPECT_TRUE(partial) << injury << ": some day between no and full response";
  }
}

}  // namespace
}  // namespace bungner
