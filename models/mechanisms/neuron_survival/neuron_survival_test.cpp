// Motoneuron and late DRG death after proximal axotomy (issue 21): the vulnerable share falls with
// the lesion's distance from the cord, and an unsupported vulnerable pool dies along the
// closed-form curve.
#include <gtest/gtest.h>

#include <cmath>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;

std::string unrepaired_at(const std::string& distance) {
  return "species = \"rat\"\nnerve = \"sciatic\"\n[anatomy]\nmotor_neurons = \"20000 cells\"\nsensory_neurons = \"20000 "
         "cells\"\nlesion_distance_from_cord = \"" +
         distance +
         "\"\n[injury]\ntype = \"transection\"\n[repair]\ntype = \"none\"\n[simulation]\nduration = \"200 d\"\n"
         "[readouts]\ntimes = []\n";
}

// Unrepaired (no support ever): motoneuron loss = f(x) (1 - e^(-(t - d)/tau_m)) with
// f(x) = min(1, f_15 e^(-(x - 15 mm)/lambda)), within 4 binomial standard errors of 20000 neurons;
// a lesion at an unknown distance (0) kills none, and nearer lesions kill more.
TEST(NeuronSurvival, MotoneuronLossFollowsTheDistanceFromTheCord) {
  const auto loss_at = [](const std::string& distance, double day) {
    Simulation sim(compile(unrepaired_at(distance)));
    return 100.0 - testing::sample(sim, "motor_neuron_survival", {day})[0];
  };
  const auto model = compile(unrepaired_at("15 mm"));
  const ParameterSet& p = model->parameters();
  const double f15 = p.get("neuron_survival.motor_vulnerable_fraction");
  const double lambda = p.get("neuron_survival.motor_vulnerability_length");  // mm
  const double tau = p.get("neuron_survival.motor_death_time_constant"), onset = p.get("neuron_survival.death_onset");
  for (const auto& [distance, x] : {std::pair{"15 mm", 15.0}, std::pair{"25 mm", 25.0}, std::pair{"5 mm", 5.0}}) {
    const double f = std::min(1.0, f15 * std::exp(-(x - 15.0) / lambda));
    for (const double day : {56.0, 112.0}) {
      const double expected = f * (1 - std::exp(-(day - onset) / tau));
      const double se = std::sqrt(expected * (1 - expected) / 20000);
      EXPECT_NEAR(loss_at(distance, day) / 100, expected, 4 * se + 1e-12) << distance << " day " << day;
    }
  }
  EXPECT_EQ(loss_at("0 mm", 112), 0.0);
  EXPECT_GT(loss_at("10 mm", 112), loss_at("20 mm", 112));
}

// Unrepaired: DRG loss = f_s (1 - e^(-(t - d)/tau)) + (1 - f_s) g(x) (1 - e^(-(t - d)/tau_m)), the
// early deaths of every lesion plus the late deaths of a proximal one, g(x) = min(1, g_15
// e^(-(x - 15 mm)/lambda)); a lesion at an unknown distance has the early deaths only.
TEST(NeuronSurvival, SensoryLossAddsLateDeathsNearTheCord) {
  const auto loss_at = [](const std::string& distance, double day) {
    Simulation sim(compile(unrepaired_at(distance)));
    return 100.0 - testing::sample(sim, "sensory_neuron_survival", {day})[0];
  };
  const auto model = compile(unrepaired_at("15 mm"));
  const ParameterSet& p = model->parameters();
  const double early = p.get("neuron_survival.sensory_vulnerable_fraction");
  const double g15 = p.get("neuron_survival.sensory_late_vulnerable_fraction");
  const double lambda = p.get("neuron_survival.motor_vulnerability_length");  // mm
  const double tau = p.get("neuron_survival.death_time_constant"), onset = p.get("neuron_survival.death_onset");
  const double tau_late = p.get("neuron_survival.motor_death_time_constant");
  for (const auto& [distance, x] : {std::pair{"15 mm", 15.0}, std::pair{"30 mm", 30.0}, std::pair{"0 mm", -1.0}}) {
    const double g = x < 0 ? 0.0 : std::min(1.0, g15 * std::exp(-(x - 15.0) / lambda));
    for (const double day : {28.0, 112.0, 200.0}) {
      const double expected =
          early * (1 - std::exp(-(day - onset) / tau)) + (1 - early) * g * (1 - std::exp(-(day - onset) / tau_late));
      const double se = std::sqrt(expected * (1 - expected) / 20000);
      EXPECT_NEAR(loss_at(distance, day) / 100, expected, 4 * se + 1e-12) << distance << " day " << day;
    }
  }
}

}  // namespace
}  // namespace bungner
