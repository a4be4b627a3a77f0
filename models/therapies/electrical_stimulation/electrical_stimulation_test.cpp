// Brief electrical stimulation against Al-Majed 2000 (E05, E06), its dose and timing rules, and the
// scenario checks that refuse impossible combinations.
#include <gtest/gtest.h>

#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::femoral_suture;
using testing::registry;
using testing::sample;

const std::string stimulated = std::string(femoral_suture) + R"(
[[therapies]]
type = "electrical_stimulation"
)";

/// Share of the 400 femoral motoneurons whose axons have crossed into the distal nerve on each day.
std::vector<double> crossed(const std::string& text, const std::vector<double>& days,
                            const std::vector<Override>& overrides = {}) {
  Simulation sim(compile(text, overrides));
  auto counts = sample(sim, "regenerating_motor_axons", days);
  for (double& c : counts) c /= 400;
  return counts;
}

// E06: 1 h of 20 Hz stimulation at repair: all motoneurons across by about 3 weeks (E05 without
// it: 10 weeks, checked by CalibrationE05). "All" is read as in E05: at least 98 %.
TEST(CalibrationE05E06, ElectricalStimulationShortensTheStaggeredCrossing) {
  const auto with = crossed(stimulated, {14, 21});
  const auto without = crossed(femoral_suture, {21, 70});
  EXPECT_GE(with[1], 0.98) << "stimulated: crossed by 3 weeks";
  EXPECT_LT(with[0], 0.98) << "stimulated: not all across by 2 weeks";
  EXPECT_LT(without[0], 0.6) << "unstimulated: far from all across at 3 weeks";
  EXPECT_GE(without[1], 0.98) << "unstimulated: all across by 10 weeks (E05 unchanged)";
}

// Al-Majed 2000: 1 h is as effective as 2 weeks of stimulation; the assumed frequency tuning and
// loss of efficacy with delay make off-frequency or late stimulation act less.
TEST(AdjunctElectricalStimulation, DurationSaturatesFrequencyAndDelayWeaken) {
  const double reference = crossed(stimulated, {14})[0];
  const double long_course = crossed(stimulated, {14}, {{"therapies.0.duration", "336 h"}})[0];
  EXPECT_NEAR(long_course, reference, 0.03);
  const double off_frequency = crossed(stimulated, {14}, {{"therapies.0.frequency", "200 Hz"}})[0];
  const double late = crossed(stimulated, {14}, {{"therapies.0.after_repair", "7 d"}})[0];
  const double none = crossed(femoral_suture, {14})[0];
  EXPECT_LT(off_frequency, reference);
  EXPECT_GT(off_frequency, none);
  EXPECT_LT(late, reference);
  EXPECT_GE(late, none);
}

std::vector<Diagnostic> errors_of(const std::string& text) {
  try {
    (void)load_scenario_text(text, "es.toml", registry());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(AdjunctElectricalStimulation, RefusesImpossibleCombinations) {
  const std::string crush = R"(species = "rat"
nerve = "sciatic"
[injury]
type = "crush"
[[therapies]]
type = "electrical_stimulation"
)";
  auto d = errors_of(crush);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "therapies[0].type");
  EXPECT_EQ(d[0].where.file, "es.toml");
  EXPECT_EQ(d[0].where.line, 6);
  EXPECT_NE(d[0].message.find("repaired transection"), std::string::npos) << d[0].message;

  d = errors_of(std::string(femoral_suture) + "[[therapies]]\ntype = \"electrical_stimulation\"\nafter_repair = \"80 d\"\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "therapies[0].after_repair");
  EXPECT_EQ(d[0].where.line, 14);
  EXPECT_NE(d[0].message.find("after the end of the simulation"), std::string::npos) << d[0].message;

  d = errors_of(std::string(femoral_suture) +
                "[[therapies]]\ntype = \"vitamin_d\"\ndose = \"500 IU/kg/day\"\nstart = \"90 d\"\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "therapies[0].start");
  EXPECT_EQ(d[0].where.line, 15);
  EXPECT_NE(d[0].message.find("end of the simulation"), std::string::npos) << d[0].message;
}

}  // namespace
}  // namespace bungner
