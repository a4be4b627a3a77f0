// Direct stimulation of denervated muscle: the mass tends to floor + (1 - floor) a instead of the
// floor, so the loss at any time is (1 - a) times the unstimulated loss (E70's fit: a = 0.49
// turns 55.8 % into 28.3 % at 15 d); innervated muscle is untouched; the effect ends with the course.
#include <gtest/gtest.h>

#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::sample;

std::string denervated(const std::string& therapies, const std::string& injury = "transection") {
  return "species = \"rat\"\nnerve = \"sciatic\"\nseed = 5\n[injury]\ntype = \"" + injury + "\"\n[repair]\ntype = \"none\"\n" +
         therapies + "[simulation]\nduration = \"40 d\"\n[readouts]\ntimes = []\n";
}

const std::string stimulation = "[[therapies]]\ntype = \"muscle_stimulation\"\n";

double mass(const std::string& text, double day) {
  Simulation sim(compile(text));
  return sample(sim, "muscle_mass_ratio.gastrocnemius", {day})[0] / 100;
}

TEST(TherapyMuscleStimulation, LossIsOneMinusTheSubstitutedActivityTimesTheUnstimulatedLoss) {
  Simulation probe(compile(denervated(stimulation)));
  const double a = probe.model().parameters().get("muscle_stimulation.activity_substitution");
  for (const double day : {5.0, 15.0, 30.0}) {
    const double untreated = 1 - mass(denervated(""), day);
    const double treated = 1 - mass(denervated(stimulation), day);
    ASSERT_GT(untreated, 0.05) << "day " << day;
    EXPECT_NEAR(treated / untreated, 1 - a, 1e-9) << "day " << day;
  }
  // The balance reads the same: grams = ratio x the preset's 1.98 g (muscle_wet_weight).
  {
    Simulation sim(compile(denervated(stimulation)));
    const double ratio = sample(sim, "muscle_mass_ratio.gastrocnemius", {15})[0] / 100;
    Simulation again(compile(denervated(stimulation)));
    EXPECT_NEAR(sample(again, "muscle_wet_weight.gastrocnemius", {15})[0], 1.98 * ratio, 1e-12);
  }
  // E70 against E43 at 15 d: 28.3 % against 55.8 % lost.
  EXPECT_NEAR(100 * (1 - mass(denervated(stimulation), 15)), 28.3, 2.0);
}

TEST(TherapyMuscleStimulation, InnervatedMuscleIsUntouchedAndTheEffectEndsWithTheCourse) {
  EXPECT_EQ(mass(denervated(stimulation, "conduction_block"), 20), mass(denervated("", "conduction_block"), 20));
  // A 10 d course: afterwards the muscle wastes toward the floor again.
  const std::string course = stimulation + "duration = \"10 d\"\n";
  EXPECT_LT(mass(denervated(course), 30), mass(denervated(course), 10) - 0.05);
  EXPECT_GT(mass(denervated(course), 30), mass(denervated(""), 30));
}

}  // namespace
}  // namespace bungner
