// Scenario loading: schema validation, located errors, presets, overrides, resolution.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::registry;

std::vector<Diagnostic> errors_of(const std::string& text, const std::vector<Override>& overrides = {}) {
  try {
    (void)load_scenario_text(text, "s.toml", registry(), overrides);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

const Diagnostic* find_key(const std::vector<Diagnostic>& d, const std::string& key) {
  const auto it = std::find_if(d.begin(), d.end(), [&](const Diagnostic& x) { return x.key == key; });
  return it == d.end() ? nullptr : &*it;
}

const char* base = R"(species = "rat"
nerve = "sciatic"
[injury]
type = "crush"
)";

TEST(Scenario, ReportsEveryErrorAtOnceWithLineAndColumn) {
  const std::string text = R"(species = "rat"
nerve = "sciatic"
[injury]
type = "transection"
gap_lenght = "0 mm"
[repair]
type = "conduit"
[repair.conduit]
inner_diameter = "2 kg"
[[therapies]]
type = "acetyl_l_carnitine"
dose = "-5 mg/kg/day"
)";
  const auto d = errors_of(text);
  ASSERT_EQ(d.size(), 3u);
  const Diagnostic* typo = find_key(d, "injury.gap_lenght");
  ASSERT_NE(typo, nullptr);
  EXPECT_EQ(typo->where.line, 5);
  EXPECT_EQ(typo->where.column, 1);
  EXPECT_NE(typo->message.find("did you mean 'injury.gap_length'"), std::string::npos) << typo->message;
  const Diagnostic* kg = find_key(d, "repair.conduit.inner_diameter");
  ASSERT_NE(kg, nullptr);
  EXPECT_EQ(kg->where.line, 9);
  EXPECT_EQ(kg->where.column, 18);
  EXPECT_NE(kg->message.find("expected a length"), std::string::npos) << kg->message;
  const Diagnostic* dose = find_key(d, "therapies[0].dose");
  ASSERT_NE(dose, nullptr);
  EXPECT_EQ(dose->where.line, 12);
  EXPECT_NE(dose->message.find("outside the allowed range"), std::string::npos) << dose->message;
}

TEST(Scenario, MissingUnitAndWrongTypesAreErrors) {
  const auto d = errors_of(std::string(base) + "gap_length = 5\n[simulation]\nduration = \"12\"\n");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(find_key(d, "injury.gap_length")->message.find("missing unit"), std::string::npos);
  EXPECT_NE(find_key(d, "simulation.duration")->message.find("missing unit"), std::string::npos);
  const auto seed = errors_of(std::string("seed = \"one\"\n") + base);
  ASSERT_EQ(seed.size(), 1u);
  EXPECT_EQ(seed[0].key, "seed");
}

TEST(Scenario, UnknownNamesGetSuggestions) {
  auto d = errors_of(std::string(base) + "[[therapies]]\ntype = \"acetyl_carnitine\"\ndose = \"5 mg/kg/day\"\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("did you mean 'acetyl_l_carnitine'"), std::string::npos) << d[0].message;
  d = errors_of(R"(species = "rat"
nerve = "sciatc"
[injury]
type = "crush"
)");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("did you mean 'rat-sciatic'"), std::string::npos) << d[0].message;
  d = errors_of(std::string(base) + "[parameters]\n\"axon_regeneration.sped\" = \"3 mm/day\"\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("did you mean 'axon_regeneration.speed'"), std::string::npos) << d[0].message;
  d = errors_of(std::string(base) + "[injury.extra]\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "injury.extra");
}

TEST(Scenario, ParameterOverridesCheckRangesAndRecordTheirOrigin) {
  const auto d = errors_of(std::string(base) + "[parameters]\n\"axon_regeneration.speed\" = \"100 mm/day\"\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("outside the allowed range"), std::string::npos);
  // Outside the plausible range but inside the hard range: a warning, kept for provenance.
  const Scenario s =
      load_scenario_text(std::string(base) + "[parameters.axon_regeneration]\nspeed = \"8 mm/day\"\n", "s.toml", registry());
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].key, "parameters.axon_regeneration.speed");
  const auto model = Model::compile(s, registry());
  EXPECT_DOUBLE_EQ(model->parameters().get("axon_regeneration.speed"), 8.0);
  EXPECT_NE(model->parameters().value("axon_regeneration.speed").origin.find("s.toml:6"), std::string::npos);
}

TEST(Scenario, InconsistentCombinationsAreReported) {
  EXPECT_EQ(errors_of(std::string(base) + "[repair]\ntype = \"direct_suture\"\n").size(), 1u);
  EXPECT_EQ(errors_of(R"(species = "rat"
nerve = "sciatic"
[injury]
type = "transection"
gap_length = "10 mm"
[repair]
type = "direct_suture"
)")
                .size(),
            1u);
  EXPECT_EQ(errors_of(std::string(base) + "[simulation]\nduration = \"10 d\"\n[readouts]\ntimes = [\"20 d\"]\n").size(), 1u);
  EXPECT_EQ(errors_of(std::string(base) + "[readouts]\ninclude = [\"neuron_count\"]\n").size(), 1u);
}

TEST(Scenario, PresetFillsAnatomyAndTargetsWithSources) {
  const Scenario s = load_scenario_text(base, "s.toml", registry());
  EXPECT_EQ(schema::quantity(*s.resolved["anatomy"].as_table(), "motor_neurons", "cells"), 1650);
  EXPECT_TRUE(s.value_sources.contains("anatomy.motor_neurons"));
  EXPECT_TRUE(s.resolved["targets"]["gastrocnemius"]["distance"].is_string());
  // The scenario overrides a preset value; the preset's citation no longer applies to it.
  const Scenario o =
      load_scenario_text(std::string(base) + "[targets.gastrocnemius]\ndistance = \"30 mm\"\n", "s.toml", registry());
  EXPECT_EQ(*o.resolved["targets"]["gastrocnemius"]["distance"].value<std::string>(), "30 mm");
  EXPECT_FALSE(o.value_sources.contains("targets.gastrocnemius.distance"));
  // Human presets override the rat default speed with their own source.
  const auto human = Model::compile(load_scenario_text(R"(species = "human"
nerve = "ulnar"
[injury]
type = "crush"
)",
                                                       "h.toml", registry()),
                                    registry());
  EXPECT_DOUBLE_EQ(human->parameters().get("axon_regeneration.speed"), 1.5);
  EXPECT_NE(human->parameters().value("axon_regeneration.speed").origin.find("human-ulnar.toml"), std::string::npos);
}

TEST(Scenario, CommandLineOverridesApplyBeforeValidation) {
  const Scenario s = load_scenario_text(base, "s.toml", registry(),
                                        {{"injury.type", "transection"},
                                         {"repair.type", "direct_suture"},
                                         {"seed", "99"},
                                         {"parameters.axon_regeneration.speed", "2.5 mm/day"}});
  EXPECT_EQ(schema::string(*s.resolved["injury"].as_table(), "type"), "transection");
  EXPECT_EQ(*s.resolved["seed"].value<std::int64_t>(), 99);
  EXPECT_EQ(*s.resolved["parameters"]["axon_regeneration.speed"].value<std::string>(), "2.5 mm/day");
  const auto d = errors_of(base, {{"injury.typo", "crush"}});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("did you mean 'injury.type'"), std::string::npos);
}

TEST(Scenario, ResolvedScenarioHasEveryDefaultAndRoundTrips) {
  const Scenario s = load_scenario_text(base, "s.toml", registry());
  EXPECT_EQ(schema::string(*s.resolved["repair"].as_table(), "type"), "none");
  EXPECT_EQ(schema::quantity(*s.resolved["simulation"].as_table(), "duration", "d"), 84);
  EXPECT_EQ(s.resolved["parameters"].as_table()->size(), registry().parameters().all().size());
  // The printed configuration is itself a complete scenario with the same hash.
  const Scenario again = load_scenario_text(s.canonical_toml(), "resolved.toml", registry());
  EXPECT_EQ(again.sha256(), s.sha256());
  EXPECT_EQ(s.sha256().size(), 64u);
  const Scenario other = load_scenario_text(base, "s.toml", registry(), {{"seed", "2"}});
  EXPECT_NE(other.sha256(), s.sha256());
}

TEST(Scenario, TomlSyntaxErrorsAreLocated) {
  const auto d = errors_of("species = \"rat\"\nnerve = \n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].where.line, 2);
  EXPECT_NE(d[0].message.find("invalid TOML"), std::string::npos);
}

}  // namespace
}  // namespace bungner
