// The 1D distal nerve: each segment's Schwann cells lose support while they wait for axons, so
// the farther a segment the less support the first axons find there; where support has fallen
// below what axons need, they slow down and some stop, more of them the farther they must go.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using namespace testing;

const char* rat_nerve = R"(
species = "rat"
nerve = "sciatic"
seed = 7
[injury]
type = "transection"
[repair]
type = "direct_suture"
timing = "0 d"
[simulation]
duration = "60 d"
[readouts]
times = []
)";

double denervated_support(double days) { return 0.05 + 0.95 * std::exp(-days / 54.0); }

// Until the first tip reaches a segment, its support follows the closed-form decline exactly;
// the first axons therefore find less support the farther the segment (they took longer).
TEST(DistalNerve, SegmentsDeclineUntilTheFirstAxonsReachThem) {
  Simulation sim(compile(rat_nerve));
  const std::size_t segments = sim.model().distal_segments;
  std::vector<double> support_when_reached(segments, -1);
  double previous_hour = 0;
  std::vector<double> before(segments, 1.0);
  for (int h = 1; h <= 60 * 24; ++h) {
    sim.advance_to(h * seconds_per_hour);
    const DistalNerve& d = sim.state().distal;
    ASSERT_EQ(d.segment_support.size(), segments);
    for (std::size_t j = 1; j < segments; ++j) {
      if (support_when_reached[j] >= 0) continue;
      if (d.segment_reached[j] > 0) {
        support_when_reached[j] = before[j];
        // The support it had one tick earlier, still unreached, is the closed form's.
        EXPECT_NEAR(before[j], denervated_support(previous_hour / 24), 1e-12) << "segment " << j;
      }
      before[j] = d.segment_support[j];
    }
    previous_hour = h;
  }
  int reached = 0;
  for (std::size_t j = 2; j < segments; ++j) {
    if (support_when_reached[j] < 0) continue;
    ++reached;
    EXPECT_LE(support_when_reached[j], support_when_reached[j - 1] + 1e-15) << "segment " << j;
  }
  EXPECT_GE(reached, static_cast<int>(segments) - 3);
  // The first axons reach the far end of a fresh rat nerve in weeks: support there is still
  // above the level at which growth slows (0.5), so a fresh repair loses nothing on the way.
  EXPECT_GT(support_when_reached[segments - 1], 0.5);
  EXPECT_LT(support_when_reached[segments - 1], support_when_reached[1] - 0.1);
}

struct DistalOutcome {
  std::map<std::uint16_t, double> lost_share;   ///< per target: entered axons stopped on the way
  std::map<std::uint16_t, double> days_per_mm;  ///< per target: mean travel time per mm
};

DistalOutcome distal_outcome(double delay_days) {
  const double end = delay_days + 150;
  Simulation sim(compile(
      rat_nerve, {{"repair.timing", std::to_string(delay_days) + " d"}, {"simulation.duration", std::to_string(end) + " d"}}));
  sim.advance_to(static_cast<std::int64_t>(end * seconds_per_day));
  const NeuronPopulation& n = sim.state().neurons;
  const auto& targets = sim.model().targets();
  std::map<std::uint16_t, double> entered, lost, travel, arrived;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::uint16_t t = n.target[i];
    if (t == no_target) continue;
    const bool stopped_on_the_way = n.status[i] == AxonStatus::failed && n.distal_hazard[i] > 0;
    if (n.status[i] == AxonStatus::arrived || stopped_on_the_way || n.status[i] == AxonStatus::growing) entered[t] += 1;
    if (stopped_on_the_way) lost[t] += 1;
    if (n.status[i] == AxonStatus::arrived) {
      arrived[t] += 1;
      travel[t] += (n.arrival_s[i] - n.growth_start_s[i]) / seconds_per_day / (targets[t].distance_m * 1e3);
    }
  }
  DistalOutcome out;
  for (const auto& [t, e] : entered) {
    out.lost_share[t] = lost[t] / e;
    out.days_per_mm[t] = arrived[t] > 0 ? travel[t] / arrived[t] : NAN;
  }
  return out;
}

std::uint16_t target_index(const Model& m, const std::string& name) {
  for (std::size_t t = 0; t < m.targets().size(); ++t)
    if (m.targets()[t].name == name) return static_cast<std::uint16_t>(t);
  ADD_FAILURE() << "no target " << name;
  return 0;
}

// After a 90-day delay every segment waits 90 days, then the far ones wait longer still while
// the axons cross the suture and grow: axons to farther targets are lost more often and travel
// more slowly. An immediate repair loses none on the way.
TEST(DistalNerve, DelayedRepairLosesMoreAxonsOnTheWayToFartherTargets) {
  const auto model = compile(rat_nerve);
  const auto gastrocnemius = target_index(*model, "gastrocnemius");  // 25 mm
  const auto tibialis = target_index(*model, "tibialis_anterior");   // 35 mm
  const auto skin = target_index(*model, "plantar_skin");            // 60 mm
  const DistalOutcome fresh = distal_outcome(0);
  for (const auto& [t, share] : fresh.lost_share) EXPECT_EQ(share, 0.0) << "target " << t;
  const DistalOutcome late = distal_outcome(90);
  // Measured (seed 7): 0.0 % to the gastrocnemius at 25 mm, 5.2 % to tibialis anterior at 35 mm,
  // 6.6 % to the plantar skin at 60 mm; travel 2-4 % slower per millimetre.
  EXPECT_LE(late.lost_share.at(gastrocnemius), late.lost_share.at(tibialis));
  EXPECT_LT(late.lost_share.at(tibialis), late.lost_share.at(skin));
  EXPECT_GT(late.lost_share.at(skin), 0.03);
  EXPECT_LT(late.lost_share.at(skin), 0.3);
  // Travel time per millimetre: slower through the chronically denervated nerve.
  for (const auto t : {gastrocnemius, tibialis, skin})
    EXPECT_GT(late.days_per_mm.at(t), 1.01 * fresh.days_per_mm.at(t)) << "target " << t;
}

}  // namespace
}  // namespace bungner
