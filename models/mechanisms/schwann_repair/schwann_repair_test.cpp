// Repair Schwann cells against E16-E19, E21, E23, E49-E51: elongation, proliferation and its
// limit, the fall of the repair programme with chronic denervation, and migration into a bridge
// only along vessels.
#include <gtest/gtest.h>

#include "run_helpers.hpp"
#include "site_helpers.hpp"

namespace bungner {
namespace {

using namespace testing;

// E19: repair cells are 2-3 times as long as myelinating cells (Gomez-Sanchez et al. 2017).
TEST(SchwannRepairE19, RepairCellsElongateTwoToThreeFold) {
  Simulation sim(compile(site_run("mouse", "sciatic", transection(), "8 d")));
  sim.advance_to(7 * seconds_per_day);
  const double e = observed(sim, "repair_schwann_elongation");
  EXPECT_GE(e, 2.0);
  EXPECT_LE(e, 3.0);
  EXPECT_GT(observed(sim, "site_repair_schwann_share"), 50);
}

// E50, E51: proliferation is raised from day 2 to about day 8 (Clemence et al. 1989) and the
// distal stump ends with about 3.5 times its normal Schwann cells (Salonen et al. 1988; the
// crowding limit is fitted to E51, so this guards the fit).
TEST(SchwannRepairE50E51, ProliferationEarlyThenLimited) {
  Simulation sim(compile(site_run("rat", "sciatic", transection(), "30 d")));
  const auto ratio = [&](int day) {
    sim.advance_to(day * seconds_per_day);
    return observed(sim, "distal_schwann_ratio");
  };
  const double d2 = ratio(2), d8 = ratio(8), d14 = ratio(14), d28 = ratio(28);
  EXPECT_NEAR(d2, 1.0, 0.15) << "before proliferation";
  EXPECT_GT(d8, 1.8 * d2) << "raised from day 2 to day 8";
  EXPECT_LT(d28 - d14, 0.25 * (d8 - d2)) << "proliferation has stopped after two weeks";
  EXPECT_GE(d28, 2.5);
  EXPECT_LE(d28, 3.5 * 1.15);  // stated tolerance: E51 gives no spread
}

// E21, E23: with chronic denervation the repair programme fades (time constant 49 d fitted to
// E21; c-Jun falls in 10-week denervated stumps, Wagstaff et al. 2021).
TEST(SchwannRepairE21E23, RepairProgrammeFadesWithChronicDenervation) {
  Simulation sim(compile(site_run("rat", "sciatic", transection(), "71 d", "200 um")));
  sim.advance_to(7 * seconds_per_day);
  const double week1 = observed(sim, "distal_cjun");
  sim.advance_to(70 * seconds_per_day);
  const double week10 = observed(sim, "distal_cjun");
  EXPECT_GT(week1, 0.8);
  EXPECT_NEAR(week10 / week1, std::exp(-63.0 / 49.0), 0.1);
}

}  // namespace
}  // namespace bungner
