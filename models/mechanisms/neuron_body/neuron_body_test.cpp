// The neuron body (issue 21): axotomised neurons shrink toward a floor while unconnected and regrow
// once reconnected; a profile count sees the shrinkage as loss (Abercrombie), a stereological
// count does not.
#include <gtest/gtest.h>

#include <cmath>

#include "run_helpers.hpp"
#include "soma.hpp"

namespace bungner {
namespace {

using testing::compile;

std::string scenario(const std::string& injury, const std::string& repair) {
  return "species = \"rat\"\nnerve = \"sciatic\"\n[injury]\ntype = \"" + injury + "\"\n[repair]\ntype = \"" + repair +
         "\"\n[simulation]\nduration = \"120 d\"\n[readouts]\ntimes = []\n";
}

// Unrepaired transection: no motoneuron reconnects, so every surviving soma follows
// a(t) = a_inf + (1 - a_inf) e^(-t/tau) exactly, and the motor profile count is the survival
// times (T + D sqrt(a)) / (T + D).
TEST(NeuronBody, UnconnectedSomataShrinkAsTheClosedFormAndProfilesUndercount) {
  Simulation sim(compile(scenario("transection", "none")));
  const Model& m = sim.model();
  const ParameterSet& p = m.parameters();
  const double floor = p.get("neuron_body.motor_soma_floor"), tau = p.get("neuron_body.atrophy_time_constant");
  const double thickness = p.get("neuron_counts.section_thickness"), diameter = p.get("neuron_counts.motor_soma_diameter");
  const auto soma = m.layout().find<double>("neuron_body.soma_area");
  for (const double day : {3.0, 30.0, 120.0}) {
    sim.advance_to(static_cast<std::int64_t>(day * seconds_per_day));
    const double expected = floor + (1 - floor) * std::exp(-day / tau);
    const State& s = sim.state();
    for (std::size_t i = 0; i < s.neurons.size(); ++i)
      if (s.neurons.kind[i] == NeuronKind::motor && s.neurons.alive[i]) {
        ASSERT_NEAR(s.block(soma)[i], expected, 1e-12) << day;
      }
    // A few motoneurons die after this lesion (45 mm from the cord, neuron_survival); the profile
    // count weighs the survivors.
    const double survival = testing::observed(sim, "motor_neuron_survival");
    EXPECT_GT(survival, 95.0);
    EXPECT_NEAR(testing::observed(sim, "motor_neuron_profile_count"),
                survival * (thickness + diameter * std::sqrt(expected)) / (thickness + diameter), 1e-9);
  }
  // Sensory neurons die as well: the profile count is below the survival by at least the
  // shrinkage of the survivors.
  EXPECT_LT(testing::observed(sim, "sensory_neuron_profile_count"), 0.95 * testing::observed(sim, "sensory_neuron_survival"));
}

// After a crush the axons reconnect within weeks and the somata regrow: by 120 d the profile count
// is within 2 % of the true count, while after an unrepaired transection it stays below it by the
// floor's weight (0.92 for motoneurons).
TEST(NeuronBody, ReconnectedNeuronsRecoverTheirSize) {
  Simulation crush(compile(scenario("crush", "none")));
  crush.advance_to(120 * seconds_per_day);
  const double ratio_crush =
      testing::observed(crush, "motor_neuron_profile_count") / testing::observed(crush, "motor_neuron_survival");
  EXPECT_GT(ratio_crush, 0.98);
  Simulation cut(compile(scenario("transection", "none")));
  cut.advance_to(120 * seconds_per_day);
  const double ratio_cut = testing::observed(cut, "motor_neuron_profile_count") / testing::observed(cut, "motor_neuron_survival");
  EXPECT_LT(ratio_cut, 0.93);
  EXPECT_NEAR(neuron_body::profile_weight(1.0, 10, 40), 1.0, 1e-15);
  EXPECT_NEAR(neuron_body::profile_weight(0.25, 0, 40), 0.5, 1e-15);  // thin sections: the diameter ratio
}

}  // namespace
}  // namespace bungner
