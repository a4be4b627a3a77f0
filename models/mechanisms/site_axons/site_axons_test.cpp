// Growth cones at the injury site: with the 3D site on, the fronts after a crush still follow
// E01-E04, staggered crossing of a suture line still takes about ten weeks (E05), regenerated
// axons are remyelinated toward a g-ratio of about 0.6-0.7, and nothing crosses a gap without a
// bridge.
#include <gtest/gtest.h>

#include "run_helpers.hpp"
#include "site_helpers.hpp"

namespace bungner {
namespace {

using namespace testing;

std::vector<double> days(double from, double to) {
  std::vector<double> d;
  for (double t = from; t <= to + 1e-9; t += 1.0) d.push_back(t);
  return d;
}

// E01-E04 with the site on: median front 3.0 mm/d from 3.2 d; fastest axons 4.4 mm/d from 2.1 d
// (Forman & Berenberg 1978), tolerance 2 SE as in the 1D calibration tests.
TEST(SiteAxonsE01E04, CrushFrontsThroughTheSite) {
  Simulation sim(compile(site_run("rat", "sciatic", crush(), "12 d")));
  const auto median_days = days(5, 8);
  const auto [a, b] = fit_line(median_days, sample(sim, "regeneration_front", median_days));
  EXPECT_NEAR(b, 3.0, 2 * 0.1) << "median front speed [mm/d]";
  EXPECT_NEAR(-a / b, 3.2, 2 * 0.2) << "median onset [d]";
  Simulation fast(compile(site_run("rat", "sciatic", crush(), "12 d")));
  const auto leading_days = days(4, 7);
  const auto [c, d] = fit_line(leading_days, sample(fast, "leading_front", leading_days));
  EXPECT_NEAR(d, 4.4, 2 * 0.2) << "leading front speed [mm/d]";
  EXPECT_NEAR(-c / d, 2.1, 2 * 0.2) << "leading onset [d]";
}

// E05: after femoral transection and direct suture motoneurons cross over about ten weeks. The
// site adds the 4 mm of distal stump the cones cross before the 1D nerve counts them, so the
// stated tolerance is 95% (not the 1D test's 98%) by 10 weeks.
TEST(SiteAxonsE05, StaggeredCrossingOfTheSutureLine) {
  Simulation sim(compile(site_run("rat", "femoral", transection("direct_suture"), "70 d", "200 um")));
  const auto counts = sample(sim, "regenerating_motor_axons", {28, 70});
  EXPECT_LT(counts[0] / 400, 0.9);
  EXPECT_GE(counts[1] / 400, 0.95);
}

// Remyelination: six weeks after a crush the regenerated fibres at the distal section are
// myelinated with g-ratios falling toward the mature 0.6 (about 0.65-0.75 at this stage).
TEST(SiteAxons, RegeneratedAxonsAreRemyelinated) {
  Simulation sim(compile(site_run("rat", "sciatic", crush(), "43 d", "200 um")));
  sim.advance_to(14 * seconds_per_day);
  const double g14 = observed(sim, "g_ratio_distal");
  sim.advance_to(42 * seconds_per_day);
  const double g42 = observed(sim, "g_ratio_distal");
  EXPECT_GT(observed(sim, "myelinated_share_distal"), 90);
  EXPECT_LT(g42, g14);
  EXPECT_GE(g42, 0.6);
  EXPECT_LE(g42, 0.75);
  EXPECT_GT(observed(sim, "axons_distal_section"), 0.8 * (1650 + 5990));
}

// Coupling across scales: a cone that leaves the 3D site enters the 1D distal nerve where it
// left the domain and, in a fresh nerve (support above what growth needs), goes on at its own
// neuron's speed to its target, none lost on the way.
TEST(SiteAxons, ConesLeavingTheSiteContinueDownTheOneDimensionalNerve) {
  Simulation sim(compile(site_run("rat", "sciatic", crush(), "20 d", "200 um")));
  sim.advance_to(20 * seconds_per_day);
  const Model& m = sim.model();
  const NeuronPopulation& n = sim.state().neurons;
  const double handover_m = m.gap_m + (m.site->handover_um - m.site->gap_end_um) * 1e-6;
  int arrived = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    EXPECT_EQ(n.distal_hazard[i], 0.0) << "neuron " << i;
    if (n.status[i] != AxonStatus::arrived || n.target[i] == no_target) continue;
    ++arrived;
    const double remaining = m.gap_m + m.targets()[n.target[i]].distance_m - handover_m;
    const double speed = remaining / (n.arrival_s[i] - n.growth_start_s[i]);
    // The handover point lies within one cone step (< 0.1 mm) past the plane.
    EXPECT_NEAR(speed / n.speed_m_per_s[i], 1.0, 0.1e-3 / remaining) << "neuron " << i;
  }
  EXPECT_GT(arrived, 1000);
}

// Without a bridge (unrepaired transection with the stumps apart) no axon reaches the distal stump.
TEST(SiteAxons, NothingCrossesWithoutABridge) {
  Simulation sim(compile(site_run("rat", "sciatic", transection(), "30 d", "200 um")));
  sim.advance_to(29 * seconds_per_day);
  EXPECT_EQ(observed(sim, "axons_through_site"), 0);
  EXPECT_EQ(observed(sim, "regenerating_motor_axons"), 0);
}

}  // namespace
}  // namespace bungner
