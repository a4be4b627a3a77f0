// The walking track against its closed form (README): per branch the control is the correctly
// routed share of motor axons times min(1, force / walking force share); the deficit weights the
// branches and Bain's formula maps it to the index. After a crush every axon keeps its pathway,
// so once both muscles pass the walking force the index is the intact foot's -8.8; after a
// suture about half the axons are misrouted and the index stays far from normal at full force.
// The static index (Bervar 2000) follows from the same deficit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;

double value(const std::vector<Observation>& observations, const std::string& name) {
  const auto it = std::find_if(observations.begin(), observations.end(), [&](const Observation& o) { return o.name == name; });
  EXPECT_NE(it, observations.end()) << name;
  return it == observations.end() ? std::nan("") : it->value;
}

/// The footprint factors from the observed force ratios (%) and motor pathway accuracy (%), as the
/// README's per-branch mapping gives them with the model's parameters.
struct Factors {
  double plf, tsf, itf;
};
Factors closed_form(const Model& model, double tibial_force, double peroneal_force, double tibial_accuracy,
                    double peroneal_accuracy) {
  const ParameterSet& p = model.parameters();
  const double fw = p.get("walking_track.walking_force_share");
  const auto deficit = [&](double f, double accuracy) { return 1 - accuracy / 100 * std::min(1.0, f / 100 / fw); };
  const double t = deficit(tibial_force, tibial_accuracy), q = deficit(peroneal_force, peroneal_accuracy);
  return {p.get("walking_track.print_length_factor_tibial") * t + p.get("walking_track.print_length_factor_peroneal") * q,
          -(p.get("walking_track.toe_spread_factor_tibial") * t + p.get("walking_track.toe_spread_factor_peroneal") * q),
          -p.get("walking_track.intermediate_toe_factor_tibial") * t};
}

std::string scenario(const std::string& injury, const std::string& repair, int days) {
  return "species = \"rat\"\nnerve = \"sciatic\"\nseed = 5\n[injury]\ntype = \"" + injury + "\"\n[repair]\ntype = \"" + repair +
         "\"\n[simulation]\nduration = \"" + std::to_string(days) + " d\"\n[readouts]\ntimes = []\n";
}

TEST(WalkingTrack, ControlIsRoutedShareTimesForceUpToTheWalkingForce) {
  // The rat preset's tibial muscle is the gastrocnemius and its peroneal one the tibialis anterior.
  for (const auto& [injury, repair, days] :
       {std::tuple{"crush", "none", 14}, std::tuple{"crush", "none", 28}, std::tuple{"transection", "direct_suture", 84},
        std::tuple{"transection", "direct_suture", 365}}) {
    Simulation sim(compile(scenario(injury, repair, days)));
    sim.advance_to(static_cast<std::int64_t>(days) * seconds_per_day);
    const auto o = sim.observe();
    const double tibial = value(o, "tetanic_force_ratio.gastrocnemius");
    const double peroneal = value(o, "tetanic_force_ratio.tibialis_anterior");
    const bool crush = std::string(injury) == "crush";
    // Per branch: of the alive motor axons of the branch's muscles in the distal nerve, the share
    // not misdirected.
    double entered[2] = {0, 0}, correct[2] = {0, 0};
    const NeuronPopulation& n = sim.state().neurons;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (n.kind[i] != NeuronKind::motor || n.target[i] == no_target || !n.alive[i]) continue;
      if (n.status[i] != AxonStatus::growing && n.status[i] != AxonStatus::arrived) continue;
      const int b = sim.model().targets()[n.target[i]].branch == "tibial" ? 0 : 1;
      entered[b] += 1;
      correct[b] += n.connection[i] != Connection::misdirected ? 1 : 0;
    }
    const double accuracy[2] = {entered[0] > 0 ? 100 * correct[0] / entered[0] : 100.0,
                                entered[1] > 0 ? 100 * correct[1] / entered[1] : 100.0};
    if (crush) {
      EXPECT_EQ(accuracy[0] + accuracy[1], 200.0) << "a crush keeps every tube";
    }
    const Factors f = closed_form(sim.model(), tibial, peroneal, accuracy[0], accuracy[1]);
    const std::string at = std::string(injury) + " " + std::to_string(days) + " d";
    EXPECT_NEAR(value(o, "sciatic_functional_index"), -38.3 * f.plf + 109.5 * f.tsf + 13.3 * f.itf - 8.8, 1e-9) << at;
    EXPECT_NEAR(value(o, "tibial_functional_index"), -37.2 * f.plf + 104.4 * f.tsf + 45.6 * f.itf - 8.8, 1e-9) << at;
    EXPECT_NEAR(value(o, "peroneal_functional_index"), 174.9 * f.plf + 80.3 * f.tsf - 13.4, 1e-9) << at;
    // The static index (Bervar 2000) from the same toe factors: 108.44 TSF + 31.85 ITF - 5.49.
    EXPECT_NEAR(value(o, "sciatic_static_index"), 108.44 * f.tsf + 31.85 * f.itf - 5.49, 1e-9) << at;
    // The parts Bain's formulas weigh, reported as they are (relative changes, experimental against
    // normal foot).
    EXPECT_NEAR(value(o, "print_length_factor"), f.plf, 1e-12) << at;
    EXPECT_NEAR(value(o, "toe_spread_factor"), f.tsf, 1e-12) << at;
    EXPECT_NEAR(value(o, "intermediate_toe_factor"), f.itf, 1e-12) << at;
    // Signs: a tibial deficit lengthens the print, every deficit narrows the toes.
    EXPECT_LE(value(o, "toe_spread_factor"), 0.0) << at;
    EXPECT_LE(value(o, "intermediate_toe_factor"), 0.0) << at;
    if (crush && days == 28) {
      ASSERT_GE(std::min(tibial, peroneal), 25.0);  // past the walking force: normal footprint
      EXPECT_DOUBLE_EQ(value(o, "sciatic_functional_index"), -8.8);
    }
    if (!crush) {
      EXPECT_LT(std::max(accuracy[0], accuracy[1]), 60.0);  // about half misrouted
      EXPECT_LT(value(o, "sciatic_functional_index"), -45.0);
    }
  }
}

// The factors solve Bain's formulas: complete loss of both branches gives the SFI's -100, of the
// tibial branch alone the TFI's -100, of the peroneal branch alone the PFI's -100 (to the factors'
// three decimals); an intact foot gives each formula's constant.
TEST(WalkingTrack, FactorsGiveMinusHundredForEachIndexOfItsOwnLesion) {
  Simulation sim(compile(scenario("crush", "none", 1)));
  const Factors both = closed_form(sim.model(), 0, 0, 100, 100), tibial = closed_form(sim.model(), 0, 100, 100, 100),
                peroneal = closed_form(sim.model(), 100, 0, 100, 100), intact = closed_form(sim.model(), 100, 100, 100, 100);
  EXPECT_NEAR(-38.3 * both.plf + 109.5 * both.tsf + 13.3 * both.itf - 8.8, -100, 0.1);
  EXPECT_NEAR(-37.2 * tibial.plf + 104.4 * tibial.tsf + 45.6 * tibial.itf - 8.8, -100, 0.1);
  EXPECT_NEAR(174.9 * peroneal.plf + 80.3 * peroneal.tsf - 13.4, -100, 0.1);
  EXPECT_EQ(intact.plf, 0.0);
  EXPECT_EQ(intact.tsf, 0.0);
  EXPECT_EQ(intact.itf, 0.0);
  // A peroneal lesion barely moves the SFI (Bain: the SFI weighs the tibial branch's footprint).
  EXPECT_GT(-38.3 * peroneal.plf + 109.5 * peroneal.tsf + 13.3 * peroneal.itf - 8.8, -30);
}

}  // namespace
}  // namespace bungner
