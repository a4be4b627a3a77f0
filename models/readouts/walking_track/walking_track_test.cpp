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

/// The index from the observed force ratios (%) and motor pathway accuracy (%), as the README's
/// formula gives it with the model's parameters.
double closed_form(const Model& model, double tibial_force, double peroneal_force, double accuracy) {
  const ParameterSet& p = model.parameters();
  const double w = p.get("walking_track.tibial_weight"), fw = p.get("walking_track.walking_force_share");
  const auto control = [&](double f) { return accuracy / 100 * std::min(1.0, f / 100 / fw); };
  const double deficit = w * (1 - control(tibial_force)) + (1 - w) * (1 - control(peroneal_force));
  return -38.3 * p.get("walking_track.print_length_factor_max") * deficit -
         109.5 * p.get("walking_track.toe_spread_factor_max") * deficit -
         13.3 * p.get("walking_track.intermediate_toe_factor_max") * deficit - 8.8;
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
    const double accuracy = crush ? 100.0 : value(o, "motor_pathway_accuracy");
    const double sfi = closed_form(sim.model(), tibial, peroneal, accuracy);
    EXPECT_NEAR(value(o, "sciatic_functional_index"), sfi, 1e-9) << injury << " " << days << " d";
    // The static index (Bervar 2000) from the same deficit, without the print length: the deficit
    // back from the SFI, then 108.44 TSF + 31.85 ITF - 5.49.
    const ParameterSet& p = sim.model().parameters();
    const double per_deficit = 38.3 * p.get("walking_track.print_length_factor_max") +
                               109.5 * p.get("walking_track.toe_spread_factor_max") +
                               13.3 * p.get("walking_track.intermediate_toe_factor_max");
    const double deficit = (-8.8 - sfi) / per_deficit;
    EXPECT_NEAR(value(o, "sciatic_static_index"),
                -108.44 * p.get("walking_track.toe_spread_factor_max") * deficit -
                    31.85 * p.get("walking_track.intermediate_toe_factor_max") * deficit - 5.49,
                1e-9);
    if (crush && days == 28) {
      ASSERT_GE(std::min(tibial, peroneal), 25.0);  // past the walking force: normal footprint
      EXPECT_DOUBLE_EQ(value(o, "sciatic_functional_index"), -8.8);
    }
    if (!crush) {
      EXPECT_LT(accuracy, 60.0);  // about half misrouted
      EXPECT_LT(value(o, "sciatic_functional_index"), -45.0);
    }
  }
}

}  // namespace
}  // namespace bungner
