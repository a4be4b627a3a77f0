// Pharmacokinetics of the systemic drugs (models/therapies/pharmacokinetics.hpp) against analytic
// solutions, and acetyl-L-carnitine through it: the fitted dose-response at steady state, an
// onset, and a late start protecting less than an early one.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "../pharmacokinetics.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::sample;
using treatment::PkRates;
using treatment::PkState;

constexpr double hour = 3600.0;
constexpr double day = 86400.0;

// A bolus D in the depot, no input: the body holds the Bateman function
// D ka / (ka - ke) (e^{-ke t} - e^{-ka t}).
TEST(Pharmacokinetics, BolusGivesTheBatemanFunction) {
  const PkRates k = PkRates::from_half_lives(0.5 * hour, 3 * hour, 1 * hour);
  const double dose = 50;
  for (double t : {0.25 * hour, 1 * hour, 4 * hour, 12 * hour, 48 * hour}) {
    const PkState x = treatment::pk_advance(PkState{dose, 0, 0}, k, 0.0, t);
    const double bateman =
        dose * k.absorption / (k.absorption - k.elimination) * (std::exp(-k.elimination * t) - std::exp(-k.absorption * t));
    EXPECT_NEAR(x.central, bateman, 1e-12 * dose) << "t = " << t / hour << " h";
    EXPECT_NEAR(x.depot, dose * std::exp(-k.absorption * t), 1e-12 * dose);
  }
}

// A constant input R with absorption much faster than elimination: C(t) = R / ke (1 - e^{-ke t}).
// The effect site follows C with the first-order lag ke0:
// Ce(t) = R / ke (1 - (ke0 e^{-ke t} - ke e^{-ke0 t}) / (ke0 - ke)).
TEST(Pharmacokinetics, ConstantInfusionAndEffectSite) {
  const PkRates k{1e3, std::log(2.0) / (6 * hour), std::log(2.0) / (2 * hour)};
  const double rate = 10.0 / day;
  for (double t : {1 * hour, 6 * hour, 24 * hour, 5 * day}) {
    const PkState x = treatment::pk_advance(PkState{}, k, rate, t);
    const double ke = k.elimination, ke0 = k.effect;
    EXPECT_NEAR(x.central, rate / ke * (1 - std::exp(-ke * t)), 1e-6 * rate / ke) << "t = " << t / hour << " h";
    const double effect = rate / ke * (1 - (ke0 * std::exp(-ke * t) - ke * std::exp(-ke0 * t)) / (ke0 - ke));
    EXPECT_NEAR(x.effect, effect, 1e-6 * rate / ke) << "t = " << t / hour << " h";
  }
  // At steady state the equivalent daily dose is the daily dose.
  EXPECT_NEAR(treatment::equivalent_daily_dose(treatment::pk_advance(PkState{}, k, rate, 30 * day), k), 10.0, 1e-6);
}

// Exact integration: 24 one-hour steps, 96 quarter-hour steps and one 24-hour step agree to
// round-off (1e-10 relative after 96 steps), also when two rates coincide (where closed forms divide by zero).
TEST(Pharmacokinetics, ResultDoesNotDependOnTheStep) {
  for (const PkRates k :
       {PkRates::from_half_lives(0.25 * hour, 2 * hour, 2 * hour), PkRates::from_half_lives(1 * day, 3 * day, 1 * day)}) {
    const double rate = 50.0 / day;
    const PkState one = treatment::pk_advance(PkState{}, k, rate, 24 * hour);
    PkState hourly{}, quarterly{};
    for (int i = 0; i < 24; ++i) hourly = treatment::pk_advance(hourly, k, rate, hour);
    for (int i = 0; i < 96; ++i) quarterly = treatment::pk_advance(quarterly, k, rate, hour / 4);
    for (const PkState& x : {hourly, quarterly}) {
      EXPECT_NEAR(x.depot, one.depot, 1e-10 * (1 + one.depot));
      EXPECT_NEAR(x.central, one.central, 1e-10 * (1 + one.central));
      EXPECT_NEAR(x.effect, one.effect, 1e-10 * (1 + one.effect));
    }
  }
}

std::string transection(const std::string& alcar) {
  return std::string(R"(species = "rat"
nerve = "sciatic"
seed = 5
[injury]
type = "transection"
[repair]
type = "none"
[simulation]
duration = "14 d"
[readouts]
times = []
)") + "[[therapies]]\ntype = \"acetyl_l_carnitine\"\n" +
         alcar;
}

// At steady state the drug at the nerve is worth the daily dose, so the protection is the fitted
// Hill curve of the dose (E27, E28), not a different one.
TEST(TherapyAcetylLCarnitine, SteadyStateIsTheFittedDoseResponse) {
  const auto model = compile(transection("dose = \"5 mg/kg/day\"\n"));
  Simulation sim(model);
  sim.advance_to(static_cast<std::int64_t>(5 * day));
  const ParameterSet& p = model->parameters();
  const PkRates k = PkRates::declared(p, "acetyl_l_carnitine");
  const PkState x = testing::block_named<PkState>(sim.state(), "acetyl_l_carnitine.pk")[0];
  EXPECT_NEAR(treatment::equivalent_daily_dose(x, k), 5.0, 1e-9);
  // And the hazard factor the neurons read in the last tick is 1 - P(5 mg/kg/day).
  const double protection = p.get("acetyl_l_carnitine.max_protection") *
                            treatment::hill(5.0, p.get("acetyl_l_carnitine.ed50"), p.get("acetyl_l_carnitine.hill"));
  const SignalHandle hazard = model->layout().find_signal("neuron_death_hazard_factor");
  EXPECT_NEAR(sim.state().signal(hazard), 1.0 - protection, 1e-9);
  // The elongation speed rises with the same dose-response (E157).
  const double gain = p.get("acetyl_l_carnitine.max_speed_gain") *
                      treatment::hill(5.0, p.get("acetyl_l_carnitine.ed50"), p.get("acetyl_l_carnitine.hill"));
  const SignalHandle speed = model->layout().find_signal("growth_speed_factor");
  EXPECT_NEAR(sim.state().signal(speed), 1.0 + gain, 1e-9);
}

// E157: at a dose on the plateau the median front after a crush advances max_speed_gain faster
// (fitted over days 4-10, after the few hours the drug needs to build up).
TEST(TherapyAcetylLCarnitine, ElongationFasterOnThePlateau) {
  auto front_speed = [](const std::string& therapies) {
    Simulation sim(compile(std::string(testing::rat_sciatic) + therapies));
    const std::vector<double> x = {4, 5, 6, 7, 8, 9, 10};
    return testing::fit_line(x, sample(sim, "regeneration_front", x)).second;
  };
  const auto model = compile(std::string(testing::rat_sciatic));
  const double gain = model->parameters().get("acetyl_l_carnitine.max_speed_gain");
  const double ratio = front_speed("[[therapies]]\ntype = \"acetyl_l_carnitine\"\ndose = \"200 mg/kg/day\"\n") / front_speed("");
  EXPECT_NEAR(ratio, 1.0 + gain, 1e-3);
}

// The protection builds up: in the first hours of a course it is below the steady state's.
TEST(TherapyAcetylLCarnitine, ProtectionHasAnOnset) {
  const auto model = compile(transection("dose = \"50 mg/kg/day\"\n"));
  Simulation sim(model);
  sim.advance_to(static_cast<std::int64_t>(1 * hour));
  const SignalHandle hazard = model->layout().find_signal("neuron_death_hazard_factor");
  EXPECT_GT(sim.state().signal(hazard), 0.5) << "after one hour the hazard is still more than half the untreated one";
  sim.advance_to(static_cast<std::int64_t>(2 * day));
  EXPECT_LT(sim.state().signal(hazard), 1e-3);
}

// The same 14-day observation: a start at 2 d keeps fewer sensory neurons than a start at 0, and
// a start at 6 h no more than a start at 0 and more than a start at 2 d.
TEST(TherapyAcetylLCarnitine, LateStartProtectsLess) {
  auto survival = [](const std::string& alcar) {
    Simulation sim(compile(transection(alcar)));
    return sample(sim, "sensory_neuron_survival", {14})[0];
  };
  const double early = survival("dose = \"5 mg/kg/day\"\n");
  const double late = survival("dose = \"5 mg/kg/day\"\nstart = \"2 d\"\n");
  EXPECT_GT(early, late);
  const double six_hours = survival("dose = \"5 mg/kg/day\"\nstart = \"6 h\"\n");
  EXPECT_GE(early, six_hours);
  EXPECT_GT(six_hours, late);
}

}  // namespace
}  // namespace bungner
