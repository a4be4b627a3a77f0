// A cut nerve left unrepaired: the stump's axons sprout into the wound bed and grow there,
// unguided, ever more slowly as the scar matures; none finds the distal stump (E69). Crush
// severity (README.md, "Crush severity"): the dose's closed form, the shares of the three fates,
// and the simulated fates of one run against those shares. Stretch severity likewise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "crush_severity.hpp"
#include "run_helpers.hpp"
#include "stretch_severity.hpp"

namespace bungner {
namespace {

using namespace testing;

const char* excised = R"(
species = "rat"
nerve = "sciatic"
seed = 169
[injury]
type = "transection"
gap_length = "10 mm"
[repair]
type = "none"
[simulation]
duration = "150 d"
[readouts]
times = []
)";

// Each sprouting axon follows x(t) = f v tau (1 - exp(-(t - t_s) / tau)) from its own sprouting
// time t_s and speed v: the hourly exact updates must add up to the closed form.
TEST(UnguidedOutgrowth, EachAxonFollowsTheSlowingClosedForm) {
  Simulation sim(compile(excised));
  const double f = sim.model().parameters().get("axon_regeneration.unguided_speed_factor");
  const double tau = sim.model().parameters().in("axon_regeneration.scar_maturation_time", "s");
  for (const int day : {5, 20, 150}) {
    sim.advance_to(day * seconds_per_day);
    const NeuronPopulation& n = sim.state().neurons;
    const double t = static_cast<double>(day * seconds_per_day);
    int sprouting = 0;
    for (std::size_t i = 0; i < n.size(); ++i) {
      ASSERT_NE(n.status[i], AxonStatus::growing) << "neuron " << i << ": no axon enters the distal nerve";
      ASSERT_NE(n.status[i], AxonStatus::arrived) << "neuron " << i;
      if (n.status[i] != AxonStatus::waiting) continue;
      const double since = std::max(0.0, t - n.growth_start_s[i]);
      const double expected = f * n.speed_m_per_s[i] * tau * (1 - std::exp(-since / tau));
      EXPECT_NEAR(n.position_m[i], expected, 1e-12 + 1e-10 * expected) << "neuron " << i << " day " << day;
      if (since > 0) ++sprouting;
    }
    EXPECT_GT(sprouting, 1000) << "day " << day;
  }
}

// The leading motor axons (99th percentile) have come 23.7 +- 6.4 mm by 5 months (Mackinnon 1985,
// E69, the entry scar_maturation_time was fitted to); the median axon less far, and all of them
// much less than in a repaired nerve (3 mm/d for 147 d).
TEST(UnguidedOutgrowth, LeadingAxonsReachAboutTwoCentimetresInFiveMonths) {
  Simulation sim(compile(excised));
  sim.advance_to(150 * seconds_per_day);
  const NeuronPopulation& n = sim.state().neurons;
  std::vector<double> motor;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (n.kind[i] == NeuronKind::motor && n.alive[i] && n.status[i] == AxonStatus::waiting) motor.push_back(n.position_m[i]);
  ASSERT_GT(motor.size(), 500u);
  std::sort(motor.begin(), motor.end());
  const double leading_mm = 1e3 * motor[static_cast<std::size_t>(0.99 * static_cast<double>(motor.size() - 1))];
  const double median_mm = 1e3 * motor[motor.size() / 2];
  EXPECT_NEAR(leading_mm, 23.7, 6.4);
  EXPECT_LT(median_mm, leading_mm);
  EXPECT_GT(median_mm, 0.5 * leading_mm);
}

// Chen 1992's crush: 100 g (0.980665 N) on 5 mm of a rat sciatic nerve of 0.7 mm^2 endoneurial
// area (diameter 0.9441 mm), held 10 min: p = 0.20775 MPa, D = p sqrt(10) = 0.6570.
TEST(CrushSeverity, DoseIsPressureTimesARootOfTheDuration) {
  const double d = crush_severity::dose(0.980665, 600, 5e-3, 0.7e-6, 0.5);
  const double diameter = 2 * std::sqrt(0.7 / std::numbers::pi);  // mm
  EXPECT_NEAR(d, 0.980665 / (5 * diameter) * std::sqrt(10.0), 1e-12);
  EXPECT_NEAR(d, 0.6570, 1e-3);
  // Five times the load equals 25 times the time at a = 0.5, and the time exponent matters.
  EXPECT_NEAR(crush_severity::dose(5 * 0.980665, 600, 5e-3, 0.7e-6, 0.5),
              crush_severity::dose(0.980665, 25 * 600, 5e-3, 0.7e-6, 0.5), 1e-12);
  EXPECT_NEAR(crush_severity::dose(1, 60, 1e-3, 1e-6 * std::numbers::pi / 4, 0.7), 1.0, 1e-12);
}

TEST(CrushSeverity, FatesAreHillSharesAndTheDepletedNeverExceedTheCut) {
  EXPECT_DOUBLE_EQ(crush_severity::share_above(0, 1, 2), 0.0);
  EXPECT_DOUBLE_EQ(crush_severity::share_above(1, 1, 2), 0.5);
  EXPECT_NEAR(crush_severity::share_above(3, 1, 2), 0.9, 1e-12);
  // A light long crush: few cut, though the time would deplete most.
  const auto light = crush_severity::fates(0.5, 1.0, 600, 90, 2);
  EXPECT_NEAR(light.cut, 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(light.depleted_zone, light.cut);
  // A heavy brief crush: all cut, few depleted.
  const auto brief = crush_severity::fates(100, 1.0, 30, 90, 2);
  EXPECT_NEAR(brief.cut, 1e4 / (1e4 + 1), 1e-12);
  EXPECT_NEAR(brief.depleted_zone, 0.1, 1e-12);
  EXPECT_EQ(crush_severity::fate_of(0.05, brief), crush_severity::Fate::depleted_zone);
  EXPECT_EQ(crush_severity::fate_of(0.5, brief), crush_severity::Fate::cut);
  EXPECT_EQ(crush_severity::fate_of(0.99999, brief), crush_severity::Fate::block);
}

std::string crush(const std::string& force, const std::string& duration) {
  return R"(
species = "rat"
nerve = "sciatic"
seed = 163
[injury]
type = "crush"
crush_force = ")" +
         force + R"("
crush_duration = ")" +
         duration + R"("
crush_length = "5 mm"
[simulation]
duration = "40 d"
[readouts]
times = []
)";
}

// The blocked share of the simulated axons matches 1 - cut within 4 binomial SDs; blocked axons
// conduct again without regrowing, cut ones regrow, and those in a depleted zone start late.
TEST(CrushSeverity, SimulatedFatesMatchTheShares) {
  Simulation sim(compile(crush("100 gf", "10 min")));
  const ParameterSet& p = sim.model().parameters();
  const double dose = crush_severity::dose(0.980665, 600, 5e-3, sim.model().endoneurial_area_m2,
                                           p.get("axon_regeneration.crush_duration_exponent"));
  const auto f =
      crush_severity::fates(dose, p.get("axon_regeneration.crush_axonotmesis_dose"), 600,
                            p.in("axon_regeneration.crush_depletion_time", "s"), p.get("axon_regeneration.crush_dose_hill"));
  ASSERT_GT(f.cut, 0.05);
  ASSERT_LT(f.cut, 0.95);
  const NeuronPopulation& n = sim.state().neurons;
  std::size_t blocked = 0;
  for (std::size_t i = 0; i < n.size(); ++i) blocked += n.status[i] == AxonStatus::intact ? 1 : 0;
  const double N = static_cast<double>(n.size());
  EXPECT_NEAR(static_cast<double>(blocked) / N, 1 - f.cut, 4 * std::sqrt(f.cut * (1 - f.cut) / N));
}

// Heavier and longer crushes recover later: the day the gastrocnemius' innervation first reaches
// half, for 100 g x 10 min < 500 g x 10 min, and 100 g x 6 h later than 100 g x 10 min.
TEST(CrushSeverity, HeavierAndLongerCrushesReinnervateLater) {
  auto half_day = [](const std::string& force, const std::string& duration) {
    Simulation sim(compile(crush(force, duration)));
    for (int day = 1; day <= 40; ++day) {
      sim.advance_to(day * seconds_per_day);
      if (sim.state().targets[0].innervation >= 0.5) return day;
    }
    return 41;
  };
  const int light = half_day("100 gf", "10 min");
  const int heavy = half_day("500 gf", "10 min");
  const int long_light = half_day("100 gf", "6 h");
  EXPECT_LT(light, heavy);
  EXPECT_LT(light, long_light);
  EXPECT_GE(heavy - light, 7) << "a week or more apart (Chen 1992: 14 vs 39 d to a normal SFI)";
}

// Stretch severity (README.md, "Stretch severity"): the force-to-strain closed form, nested shares,
// and the fate of each simulated axon against them.
TEST(StretchSeverity, StrainOfForceAndNestedShares) {
  // 1 N on a 1 mm nerve of modulus 4/pi MPa: stress 4/pi MPa, strain 1.
  EXPECT_NEAR(stretch_severity::strain_of_force(1.0, 1e-3, 4e6 / std::numbers::pi), 1.0, 1e-12);
  EXPECT_NEAR(stretch_severity::strain_of_force(0.7, 1e-3, 6.58e6), 0.7 / (6.58e6 * std::numbers::pi * 0.25e-6), 1e-15);
  const auto at_axonotmesis = stretch_severity::fates(0.17, 0.11, 0.17, 0.20, 15);
  EXPECT_DOUBLE_EQ(at_axonotmesis.cut, 0.5);
  EXPECT_GT(at_axonotmesis.blocked, 0.99);
  EXPECT_NEAR(at_axonotmesis.torn, 1.0 / (1.0 + std::pow(0.20 / 0.17, 15)), 1e-12);
  for (const double strain : {0.0, 0.05, 0.12, 0.18, 0.22, 0.4}) {
    const auto f = stretch_severity::fates(strain, 0.11, 0.17, 0.20, 15);
    EXPECT_LE(f.torn, f.cut) << strain;
    EXPECT_LE(f.cut, f.blocked) << strain;
  }
  const stretch_severity::Fates f{0.8, 0.5, 0.2};
  EXPECT_EQ(stretch_severity::fate_of(0.1, f), stretch_severity::Fate::torn);
  EXPECT_EQ(stretch_severity::fate_of(0.3, f), stretch_severity::Fate::cut);
  EXPECT_EQ(stretch_severity::fate_of(0.6, f), stretch_severity::Fate::block);
  EXPECT_EQ(stretch_severity::fate_of(0.9, f), stretch_severity::Fate::spared);
}

std::string stretch(const std::string& key, const std::string& value) {
  return R"(
species = "rat"
nerve = "sciatic"
seed = 176
[injury]
type = "stretch"
)" + key +
         " = \"" + value + R"("
[simulation]
duration = "60 d"
[readouts]
times = []
)";
}

// At the axonotmesis strain half the axons are cut (within 4 binomial SDs); the others are in
// continuity with their end-plates and conduct within a day; a force gives the strain of its
// closed form (the same shares as that strain given directly).
TEST(StretchSeverity, SimulatedFatesMatchTheShares) {
  Simulation sim(compile(stretch("stretch_strain", "17 %")));
  const NeuronPopulation& n = sim.state().neurons;
  const double N = static_cast<double>(n.size());
  std::size_t continuous = 0;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (n.status[i] == AxonStatus::intact) {
      ++continuous;
      EXPECT_LT(n.growth_start_s[i], 7 * seconds_per_day) << "neuron " << i << ": a stretch block lasts hours";
    }
  EXPECT_NEAR(static_cast<double>(continuous) / N, 0.5, 4 * std::sqrt(0.25 / N));
  const double modulus = sim.model().parameters().in("axon_regeneration.nerve_tensile_modulus", "Pa");
  const double force = 0.17 * modulus * std::numbers::pi * 0.25e-6;  // the preset's 1.0 mm nerve
  Simulation by_force(compile(stretch("stretch_force", std::to_string(force) + " N")));
  std::size_t continuous_by_force = 0;
  for (std::size_t i = 0; i < n.size(); ++i)
    continuous_by_force += by_force.state().neurons.status[i] == AxonStatus::intact ? 1 : 0;
  EXPECT_EQ(continuous_by_force, continuous);
}

// Severity changes the course the way Spiegel 1993 (E177) and Byun 2021 (E176) report: below the
// failure strain the gastrocnemius keeps most of its innervation; past it the axons are torn,
// cross a scar and choose among pathways, so at 60 d fewer have found their own muscle than after
// a stretch that only cut them in their tubes.
TEST(StretchSeverity, StrongerStretchesCostMoreAndTornAxonsAreMisrouted) {
  auto at = [](const std::string& strain, int day) {
    Simulation sim(compile(stretch("stretch_strain", strain)));
    sim.advance_to(day * seconds_per_day);
    const NeuronPopulation& n = sim.state().neurons;
    double entered = 0, correct = 0;
    for (std::size_t i = 0; i < n.size(); ++i)
      if (n.kind[i] == NeuronKind::motor && (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::arrived)) {
        ++entered;
        correct += n.connection[i] == Connection::misdirected ? 0 : 1;
      }
    return std::pair{observed(sim, "muscle_innervation.gastrocnemius"), 100.0 * correct / entered};
  };
  const auto mild = at("12 %", 14);
  const auto cut = at("19 %", 14);
  EXPECT_GT(mild.first, 90.0);
  EXPECT_LT(cut.first, mild.first - 20.0);
  const auto cut_late = at("17.5 %", 60);
  const auto torn_late = at("30 %", 60);
  EXPECT_GT(cut_late.second, torn_late.second + 10.0) << "torn axons choose among pathways";
}

// A tibial lesion (injury.branch) injures only the neurons of the tibial branch's targets: the
// peroneal muscle keeps its force and its axons conduct throughout, the tibial muscle and the
// (tibial) plantar skin lose theirs, and the neurons of unmodelled targets are spared.
TEST(BranchLesion, TibialLesionSparesThePeronealBranch) {
  Simulation sim(compile(R"(
species = "rat"
nerve = "sciatic"
seed = 171
[injury]
type = "transection"
branch = "tibial"
[repair]
type = "direct_suture"
[simulation]
duration = "20 d"
[readouts]
times = []
)"));
  sim.advance_to(10 * seconds_per_day);
  const Model& m = sim.model();
  const NeuronPopulation& n = sim.state().neurons;
  std::size_t injured = 0, spared = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const bool tibial = n.target[i] != no_target && m.targets()[n.target[i]].branch == "tibial";
    if (tibial) {
      EXPECT_NE(n.status[i], AxonStatus::arrived) << "neuron " << i << ": cut 10 d ago, not back yet";
      ++injured;
    } else {
      EXPECT_EQ(n.status[i], AxonStatus::arrived) << "neuron " << i << ": spared, conducting";
      ++spared;
    }
  }
  EXPECT_GT(injured, 1000u);
  EXPECT_GT(spared, 1000u);
  EXPECT_NEAR(observed(sim, "muscle_innervation.tibialis_anterior"), 100.0, 1e-9);
  EXPECT_LT(observed(sim, "muscle_innervation.gastrocnemius"), 1.0);
  EXPECT_LT(observed(sim, "skin_innervation.plantar_skin"), 1.0);
  EXPECT_LT(observed(sim, "tibial_functional_index"), -90.0);
}

// A partial transection (injury.injured_share) reaches each axon with that probability: the spared
// share matches 1 - share within 4 binomial SDs, spared axons conduct throughout, and the walking
// track is far better than after a complete cut (the spared units alone pass the walking force).
TEST(PartialLesion, SparesTheRestOfTheAxons) {
  auto run =
      [](const std::string& share) {
        Simulation sim(compile(R"(
species = "rat"
nerve = "sciatic"
seed = 172
[injury]
type = "transection"
injured_share = ")" + share + R"("
[repair]
type = "direct_suture"
[simulation]
duration = "10 d"
[readouts]
times = []
)"));
        sim.advance_to(10 * seconds_per_day);
        const NeuronPopulation& n = sim.state().neurons;
        std::size_t spared = 0;
        for (std::size_t i = 0; i < n.size(); ++i) spared += n.status[i] == AxonStatus::arrived ? 1 : 0;
        return std::pair{static_cast<double>(spared) / static_cast<double>(n.size()), observed(sim, "sciatic_functional_index")};
      };
  const auto [half_spared, half_sfi] = run("50 %");
  const auto [none_spared, full_sfi] = run("100 %");
  EXPECT_NEAR(half_spared, 0.5, 4 * std::sqrt(0.25 / 7640));
  EXPECT_EQ(none_spared, 0.0);
  EXPECT_LT(full_sfi, -90);
  EXPECT_GT(half_sfi, -30);
}

}  // namespace
}  // namespace bungner
