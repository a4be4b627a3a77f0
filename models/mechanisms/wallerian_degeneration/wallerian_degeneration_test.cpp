// Wallerian degeneration against E08-E11: the fragmentation wave's timing after transection and
// crush, loss of the distal axons (compound action potential) by 3 days, and the share of myelin
// Schwann cells digest themselves in the first week.
#include <gtest/gtest.h>

#include "run_helpers.hpp"
#include "site_helpers.hpp"

namespace bungner {
namespace {

using namespace testing;

/// Hour at which the distal axon integrity first falls below half.
double half_fragmented_hour(const std::string& scenario) {
  Simulation sim(compile(scenario));
  for (int h = 1; h <= 96; ++h) {
    sim.advance_to(h * seconds_per_hour);
    if (observed(sim, "distal_axon_integrity") < 50) return h;
  }
  return 1e9;
}

// E08: after a transection, mouse sciatic axons fragment at 37-42 h (Beirowski et al. 2005).
TEST(WallerianDegenerationE08, TransectionFragmentsAt37To42Hours) {
  const double h = half_fragmented_hour(site_run("mouse", "sciatic", transection(), "5 d"));
  EXPECT_GE(h, 37);
  EXPECT_LE(h, 42);
}

// E09: after a crush, at 40-44 h.
TEST(WallerianDegenerationE09, CrushFragmentsAt40To44Hours) {
  const double h = half_fragmented_hour(site_run("mouse", "sciatic", crush(), "5 d"));
  EXPECT_GE(h, 40);
  EXPECT_LE(h, 44);
}

// E10: the distal compound action potential is lost by 3 days (intact distal axons < 5%), and the
// proximal stump away from the cut keeps its axons.
TEST(WallerianDegenerationE10, DistalAxonsGoneByThreeDaysProximalKept) {
  const auto model = compile(site_run("mouse", "sciatic", transection(), "5 d"));
  Simulation sim(model);
  sim.advance_to(24 * seconds_per_hour);
  EXPECT_GT(observed(sim, "distal_axon_integrity"), 95);
  sim.advance_to(3 * seconds_per_day);
  EXPECT_LT(observed(sim, "distal_axon_integrity"), 5);
  const site::Layout& L = *model->site;
  const auto& s = *sim.state().site;
  for (std::size_t v = 0; v < L.grid.voxels(); ++v) {
    const double x = L.grid.center(static_cast<int>(v % L.grid.nx), 0, 0)[0];
    if (L.zone[v] == site::Zone::proximal_stump && x < L.gap_start_um - 600) {
      ASSERT_DOUBLE_EQ(s.axon_integrity[v], 1.0);
    }
  }
}

// E11: Schwann-cell autophagy clears 40-50% of the myelin in 5-7 days (Gomez-Sanchez et al. 2015):
// the cleared share passes through that range during days 5 to 7.
TEST(WallerianDegenerationE11, AutophagyClearsAboutHalfTheMyelinInAWeek) {
  Simulation sim(compile(site_run("mouse", "sciatic", transection(), "8 d")));
  sim.advance_to(5 * seconds_per_day);
  const double day5 = observed(sim, "myelin_cleared_by_autophagy");
  sim.advance_to(7 * seconds_per_day);
  const double day7 = observed(sim, "myelin_cleared_by_autophagy");
  EXPECT_LE(day5, 50);
  EXPECT_GE(day7, 40);
  EXPECT_LT(day5, day7);
}

}  // namespace
}  // namespace bungner
