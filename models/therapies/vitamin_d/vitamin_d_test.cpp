// Vitamin D2/D3 against Chabas 2008 (E46) and 2013 (E47): more axon growth and thicker
// regenerated fibres, D3 better than D2, D3 500 IU/kg/day about +30 % axon diameter.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bungner/io/checkpoint.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::sample;

// Chabas' design: peroneal nerve, 10 mm inverted autograft; the rat sciatic preset with an
// autograft stands in for it. Readouts at 12 weeks.
const char* autograft = R"(species = "rat"
nerve = "sciatic"
seed = 3
[injury]
type = "transection"
gap_length = "10 mm"
[repair]
type = "autograft"
[simulation]
duration = "84 d"
[readouts]
times = []
)";

struct Outcome {
  double diameter = 0;  ///< mean fibre diameter at the distal section [um]
  double front = 0;     ///< regeneration front at 30 d [mm]
};

Outcome outcome(const std::string& therapy) {
  const std::string text = std::string(autograft) + therapy;
  Simulation early(compile(text));
  const double front = sample(early, "regeneration_front", {30})[0];
  Simulation sim(compile(text));
  const double diameter = sample(sim, "fibre_diameter_distal", {84})[0];
  return Outcome{diameter, front};
}

std::string vitamin(const std::string& form, const std::string& dose) {
  return "[[therapies]]\ntype = \"vitamin_d\"\nform = \"" + form + "\"\ndose = \"" + dose + "\"\n";
}

// E47: D3 500 IU/kg/day raises the mean axon diameter by about 30 % (tolerance 10 points: a
// secondary reading, no spread) and acts more than D2 at the same dose.
TEST(CalibrationE46E47, VitaminD3IncreasesFibreDiameterAboutThirtyPercent) {
  const Outcome vehicle = outcome("");
  const Outcome d3 = outcome(vitamin("D3", "500 IU/kg/day"));
  EXPECT_NEAR(100 * (d3.diameter / vehicle.diameter - 1), 30.0, 10.0)
      << "vehicle " << vehicle.diameter << " um, D3 " << d3.diameter << " um";
  const Outcome d2 = outcome(vitamin("D2", "500 IU/kg/day"));
  EXPECT_GT(d3.diameter, d2.diameter);
  EXPECT_GT(d3.front, d2.front);
}

// E46: D2 100 IU/kg/day for the whole period increases axogenesis (the front at 30 d) and
// axon diameter. (Fibre counts are not compared: older fibres have pruned more sprouts.)
TEST(CalibrationE46E47, VitaminD2IncreasesAxogenesisAndDiameter) {
  const Outcome vehicle = outcome("");
  const Outcome d2 = outcome(vitamin("D2", "100 IU/kg/day"));
  EXPECT_GT(d2.diameter, vehicle.diameter);
  EXPECT_GT(d2.front, vehicle.front) << "vehicle " << vehicle.front << " mm, D2 " << d2.front << " mm";
}

// The lasting diameter effect survives a checkpoint: a restored run reads the same diameters.
TEST(AdjunctVitaminD, DiameterEffectIsCheckpointed) {
  const auto model = compile(std::string(autograft) + vitamin("D3", "500 IU/kg/day"));
  Simulation whole(model);
  const double expected = sample(whole, "fibre_diameter_distal", {84})[0];
  Simulation first(model);
  first.advance_to(30 * seconds_per_day);
  const auto path = std::filesystem::temp_directory_path() / "bungner-test-vitamin-d-checkpoint.bin";
  io::write_checkpoint(path, io::Checkpoint{io::binary_version(), model->scenario().sha256(), "test.toml",
                                            model->scenario().canonical_toml(), first.state(), "", "", 0, 0});
  const io::Checkpoint restored = io::read_checkpoint(path);
  std::filesystem::remove(path);
  EXPECT_DOUBLE_EQ(testing::block_named<double>(restored.state, "effects.fibre_diameter_factor")[0],
                   testing::block_named<double>(first.state(), "effects.fibre_diameter_factor")[0]);
  EXPECT_GT(testing::block_named<double>(restored.state, "effects.fibre_diameter_factor")[0], 1.29);
  Simulation second(model, restored.state);
  EXPECT_DOUBLE_EQ(sample(second, "fibre_diameter_distal", {84})[0], expected);
}

double diameter_factor_at(const std::string& therapy, double days) {
  Simulation sim(compile(std::string(autograft) + therapy));
  sim.advance_to(static_cast<std::int64_t>(days * seconds_per_day));
  return testing::block_named<double>(sim.state(), "effects.fibre_diameter_factor")[0];
}

// At steady state (25(OH)D t1/2 3 d: weeks into the course) the diameter factor is the fitted
// instantaneous one, 1 + G_d D / (D + ED50) = 1 + 0.36 x 500 / 600 for D3 500 IU/kg/day.
TEST(AdjunctVitaminD, SteadyStateIsTheFittedDoseResponse) {
  const auto model = compile(std::string(autograft) + vitamin("D3", "500 IU/kg/day"));
  const ParameterSet& p = model->parameters();
  const double fitted = 1 + p.get("vitamin_d.max_diameter_gain") * 500 / (500 + p.in("vitamin_d.ed50", "IU/kg/day"));
  EXPECT_NEAR(diameter_factor_at(vitamin("D3", "500 IU/kg/day"), 84), fitted, 1e-6);
}

// The effect builds up with 25(OH)D: at day 10 a course started at day 5 has raised the diameter
// factor less than one started at day 0, and a 3-day course never reaches the steady state's.
TEST(AdjunctVitaminD, LateStartActsLessOverTheSameWindow) {
  const std::string d3 = vitamin("D3", "500 IU/kg/day");
  const double early = diameter_factor_at(d3, 10);
  const double late = diameter_factor_at(d3 + "start = \"5 d\"\n", 10);
  EXPECT_GT(early, late);
  EXPECT_GT(late, 1.0);
  const double short_course = diameter_factor_at(d3 + "duration = \"3 d\"\n", 84);
  EXPECT_LT(short_course - 1, 0.9 * (diameter_factor_at(d3, 84) - 1));
}

}  // namespace
}  // namespace bungner
