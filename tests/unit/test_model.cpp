// The two-stage compile (issue 20): the scenario's spec is finished before any content is built,
// times are rounded to the tick, and a study's subject is its arm's Model with its own seed and a
// typed parameter overlay, giving what the same seed and values written in the scenario give.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::registry;

// A suture three weeks late to a freshly cut distal stump (a cross-suture design): the stump's
// and the muscles' clocks start at the repair.
const char* late_cross_suture = R"(
species = "rat"
nerve = "sciatic"
seed = 5
[injury]
type = "transection"
[repair]
type = "direct_suture"
timing = "3 weeks"
cross_suture = "fresh_distal_stump"
[anatomy]
body_weight = "300 g"
[simulation]
duration = "60 d"
[readouts]
times = ["30 d", "60 d"]
)";

std::vector<Observation> run_to(const std::shared_ptr<const Model>& model, std::int64_t days) {
  Simulation simulation(model);
  simulation.advance_to(days * seconds_per_day);
  return simulation.observe();
}

/// Same names and bit-identical values.
bool same(const std::vector<Observation>& a, const std::vector<Observation>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || std::memcmp(&a[i].value, &b[i].value, sizeof(double)) != 0) return false;
  return true;
}

TEST(ModelSpec, TimesAreSetBeforeTheContentIsBuilt) {
  const auto model = compile(late_cross_suture);
  EXPECT_EQ(model->repair_time_s, 21 * seconds_per_day);
  EXPECT_EQ(model->axotomy_time_s, 0);
  EXPECT_EQ(model->stump_denervation_time_s, 21 * seconds_per_day);
  EXPECT_EQ(model->muscle_denervation_time_s, 21 * seconds_per_day);
  EXPECT_EQ(model->contact_time_s, 21 * seconds_per_day);
  EXPECT_EQ(model->readout_times_s, (std::vector<std::int64_t>{30 * seconds_per_day, 60 * seconds_per_day}));
  // The spec carries the body weight relative to the preset's reference weight (300 / 260 g).
  EXPECT_DOUBLE_EQ(model->body_weight_ratio, 300.0 / 260.0);
}

// Times that are not whole ticks are rounded to the tick (1 h here), and readout times that round
// alike are one.
TEST(ModelSpec, TimesAreRoundedToTheTick) {
  const auto model =
      compile(late_cross_suture, {{"repair.timing", "\"100 min\""}, {"readouts.times", "[\"61 min\", \"65 min\"]"}});
  EXPECT_EQ(model->tick_s, seconds_per_hour);
  EXPECT_EQ(model->repair_time_s, 2 * seconds_per_hour);
  EXPECT_EQ(model->stump_denervation_time_s, 2 * seconds_per_hour);
  EXPECT_EQ(model->readout_times_s, (std::vector<std::int64_t>{seconds_per_hour}));
}

TEST(ModelForSubject, ASeedGivesWhatTheScenarioWithThatSeedGives) {
  const auto arm = compile(late_cross_suture);
  const auto subject = Model::for_subject(*arm, SubjectOverlay{.seed = 77, .parameters = {}}, registry());
  EXPECT_EQ(subject->seed, 77u);
  EXPECT_EQ(arm->seed, 5u);
  EXPECT_TRUE(same(run_to(subject, 60), run_to(compile(late_cross_suture, {{"seed", "77"}}), 60)));
  EXPECT_FALSE(same(run_to(subject, 60), run_to(arm, 60)));
}

TEST(ModelForSubject, AParameterOverlayGivesWhatTheValueWrittenInTheScenarioGives) {
  const auto arm = compile(late_cross_suture);
  const std::string name = "axon_regeneration.speed";
  const SubjectOverlay overlay{.seed = 5, .parameters = {{name, 4.25, "test", "test"}}};
  const auto subject = Model::for_subject(*arm, overlay, registry());
  EXPECT_EQ(subject->parameters().get(name), 4.25);
  EXPECT_NE(arm->parameters().get(name), 4.25);  // the arm is not changed
  const auto written = compile(late_cross_suture, {{"parameters." + name, "\"4.25 " + arm->parameters().spec(name).unit + "\""}});
  EXPECT_TRUE(same(run_to(subject, 60), run_to(written, 60)));
  EXPECT_FALSE(same(run_to(subject, 60), run_to(arm, 60)));
}

// A parameter that the spec itself reads (here a transport constant of the 3D site's layout)
// gives the subject a spec of its own.
TEST(ModelForSubject, AnOverlayOfAParameterTheSpecReadsParsesTheSpecAgain) {
  const std::vector<Override> site = {{"site.model", "\"3d\""}};
  const auto arm = compile(late_cross_suture, site);
  ASSERT_TRUE(arm->site);
  const std::string name = "injury_site.oxygen_diffusivity";
  ASSERT_NE(std::find(arm->parameters_read.begin(), arm->parameters_read.end(), name), arm->parameters_read.end());
  const double value = 2 * arm->parameters().get(name);
  const auto subject =
      Model::for_subject(*arm, SubjectOverlay{.seed = 5, .parameters = {{name, value, "test", "test"}}}, registry());
  std::vector<Override> written_overrides = site;
  written_overrides.push_back({"parameters." + name, fmt::format("\"{} {}\"", value, arm->parameters().spec(name).unit)});
  const auto written = compile(late_cross_suture, written_overrides);
  ASSERT_TRUE(subject->site && written->site);
  EXPECT_NE(subject->site, arm->site);
  EXPECT_EQ(subject->site->substrates.at(0).name, "oxygen");
  EXPECT_EQ(subject->site->substrates.at(0).diffusion_um2_per_min, written->site->substrates.at(0).diffusion_um2_per_min);
  EXPECT_NE(subject->site->substrates.at(0).diffusion_um2_per_min, arm->site->substrates.at(0).diffusion_um2_per_min);
}

// Issue 22: a parameter declared for another species and read at its default is never used
// silently. A rat run reads none; a human run names the rat constants it extrapolates (one
// warning, at the preset's species key), and a value the scenario gives is no longer named.
TEST(ModelWarnings, NameTheParametersOfAnotherSpeciesUsedAtTheirDefault) {
  // A rat run names no rat parameter (the mouse constants it borrows are named: an extrapolation too).
  const auto rat = compile(late_cross_suture);
  for (const auto& w : rat->warnings()) EXPECT_EQ(w.message.find("declared for the rat"), std::string::npos) << w.message;
  const char* human = R"(species = "human"
nerve = "median"
[injury]
type = "transection"
[repair]
type = "direct_suture"
[simulation]
duration = "120 d"
)";
  const auto patient = compile(human);
  const auto warnings = patient->warnings();
  const auto it = std::find_if(warnings.begin(), warnings.end(), [](const Diagnostic& d) {
    return d.key == "species" && d.message.find("declared for the rat") != std::string::npos;
  });
  ASSERT_NE(it, warnings.end());
  EXPECT_EQ(it->severity, Diagnostic::Severity::warning);
  EXPECT_NE(it->where.file.find("human-median.toml"), std::string::npos);
  EXPECT_GT(it->where.line, 0);
  EXPECT_NE(it->message.find("declared for the rat"), std::string::npos);
  // Every parameter it names is a rat parameter the model read at its default, and every such
  // parameter is named.
  std::size_t named = 0;
  for (const auto& name : patient->parameters().read_names()) {
    const auto& spec = patient->parameters().spec(name);
    const bool rat_default = spec.species == "rat" && patient->parameters().value(name).origin == "default";
    EXPECT_EQ(it->message.find(" " + name + ",") != std::string::npos || it->message.find(" " + name + " (") != std::string::npos,
              rat_default)
        << name;
    named += rat_default ? 1 : 0;
  }
  EXPECT_GT(named, 0u);
  EXPECT_NE(it->message.find(fmt::format("{} parameters", named)), std::string::npos);
  // The preset's own human values (regeneration speed) are not named.
  EXPECT_EQ(it->message.find("axon_regeneration.speed,"), std::string::npos);
}

}  // namespace
}  // namespace bungner
