// Issue 25, part A: observation names known without a run, readouts named either way (modules or
// observations) in scenarios and studies, misspelt study readouts as located errors, warnings for
// keys that have no effect, and the conduit's length in the report's words.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "bungner/core/text.hpp"
#include "bungner/io/report.hpp"
#include "bungner/study/study.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::registry;

const std::string source_dir = BUNGNER_SOURCE_DIR;

std::string conduit_10mm() {
  return R"(species = "rat"
nerve = "sciatic"
[injury]
type = "transection"
gap_length = "10 mm"
[repair]
type = "conduit"
[repair.conduit]
material = "silicone"
[simulation]
duration = "12 weeks"
)";
}

bool declared(const std::string& module, const std::string& name) {
  for (const auto& r : registry().readouts())
    if (r.name == module)
      return std::any_of(r.observations.begin(), r.observations.end(),
                         [&](const std::string& p) { return text::glob_match(p, name); });
  return false;
}

// Every observation a model can give is declared by its module (ReadoutEntry::observations), and
// every observation a whole run gives is among those observation_names() lists before the run.
TEST(ReadoutNames, ObservationNamesCoverWhatARunObservesAndAreDeclared) {
  const std::vector<std::string> scenarios = {
      std::string(testing::rat_sciatic), conduit_10mm(),
      conduit_10mm() +
          "[[therapies]]\ntype = \"msc\"\nsource = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"conduit_lumen\"\n"
          "[[therapies]]\ntype = \"msc\"\nsource = \"bone_marrow\"\ndose = \"1e6 cells\"\nroute = \"conduit_lumen\"\n",
      R"(species = "human"
nerve = "median"
[injury]
type = "transection"
[repair]
type = "direct_suture"
[simulation]
duration = "2 years"
[readouts]
times = ["6 months", "1 year", "2 years"]
)"};
  for (const auto& text : scenarios) {
    const auto model = testing::compile(text);
    const auto names = observation_names(model);
    ASSERT_FALSE(names.empty());
    std::set<std::string> known;
    for (const auto& o : names) {
      EXPECT_TRUE(declared(o.readout, o.name)) << o.name << " is not declared by readout module " << o.readout;
      known.insert(o.name);
    }
    Simulation simulation(model);
    std::set<std::string> seen;
    for (const double day : {1.0, 7.0, 28.0, 56.0, 84.0, 120.0, 365.0, 730.0}) {
      if (day * seconds_per_day > static_cast<double>(model->duration_s)) break;
      simulation.advance_to(round_to_tick(day * seconds_per_day, model->tick_s));
      for (const auto& o : simulation.observe()) seen.insert(o.name);
    }
    for (const auto& name : seen) EXPECT_TRUE(known.count(name)) << name << " was observed but not listed beforehand";
    // Names given only later (a target reached, fibres at the section) are listed before the run.
    EXPECT_TRUE(
        known.count(model->species == "human" ? "days_to_target.abductor_pollicis_brevis" : "days_to_target.gastrocnemius"));
  }
}

// The 3D site's readouts too (their names depend only on the layout): two days of a 3D conduit.
TEST(ReadoutNames, SiteObservationsAreListedAndDeclared) {
  const auto model = testing::compile(
      conduit_10mm(), {{"site.model", "\"3d\""}, {"simulation.duration", "\"2 d\""}, {"readouts.times", "[\"2 d\"]"}});
  std::set<std::string> known, modules;
  for (const auto& o : observation_names(model)) {
    EXPECT_TRUE(declared(o.readout, o.name)) << o.name << " is not declared by readout module " << o.readout;
    known.insert(o.name);
    modules.insert(o.readout);
  }
  EXPECT_TRUE(modules.count("site_cells") && modules.count("site_histology"));
  EXPECT_TRUE(known.count("axons_mid_gap") && known.count("bridge_vascularised"));
  Simulation simulation(model);
  simulation.advance_to(model->duration_s);
  for (const auto& o : simulation.observe()) EXPECT_TRUE(known.count(o.name)) << o.name;
}

TEST(ReadoutNames, ScenarioIncludeTakesModulesAndObservations) {
  // An observation selects its module; a module stays a module.
  auto model = testing::compile(conduit_10mm() + "[readouts]\ninclude = [\"myelinated_fibres_distal\", \"neuron_counts\"]\n");
  EXPECT_EQ(model->readouts_included, (std::vector<std::string>{"nerve_morphometry", "neuron_counts"}));
  model = testing::compile(conduit_10mm(), {{"readouts.include", "[\"mune.gastrocnemius\"]"}});
  EXPECT_EQ(model->readouts_included, (std::vector<std::string>{"electrophysiology"}));
  // A misspelt one is an error at the entry, naming which scheme the suggestion belongs to.
  try {
    (void)load_scenario_text(conduit_10mm() + "[readouts]\ninclude = [\"neuron_counts\", \"myelinated_fibres_distl\"]\n",
                             "s.toml", registry());
    FAIL() << "no error";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.key, "readouts.include[1]");
    EXPECT_GT(d.where.line, 1);
    EXPECT_EQ(d.where.column, 29);
    EXPECT_NE(d.message.find("did you mean 'myelinated_fibres_distal', an observation of the readout module 'nerve_morphometry'"),
              std::string::npos)
        << d.message;
  }
  // An observation of a target the nerve does not have is no observation.
  try {
    (void)load_scenario_text(conduit_10mm() + "[readouts]\ninclude = [\"mune.gastrocnemus\"]\n", "s.toml", registry());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find(
                  "did you mean 'mune.gastrocnemius', an observation of the readout module 'electrophysiology'"),
              std::string::npos)
        << e.diagnostics()[0].message;
  }
  // A second graft's observations are numbered.
  EXPECT_NO_THROW(
      load_scenario_text(conduit_10mm() + "[readouts]\ninclude = [\"msc_cells.2\", \"msc_cells\"]\n", "s.toml", registry()));
  try {
    (void)load_scenario_text(conduit_10mm() + "[readouts]\ninclude = [\"neuron_count\"]\n", "s.toml", registry());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find("did you mean the readout module 'neuron_counts'"), std::string::npos)
        << e.diagnostics()[0].message;
  }
}

std::string study_text(const std::string& readouts) {
  return "base = \"../examples/rat-sciatic-conduit-10mm.toml\"\nsubjects = 2\nreadouts = " + readouts +
         "\n[[arms]]\nname = \"conduit\"\n[[arms]]\nname = \"autograft\"\nset = { \"repair.type\" = \"autograft\" }\n";
}

study::StudySpec load_test_study(const std::string& text) {
  return study::load_study_text(text, source_dir + "/scenarios/studies/test.toml", registry());
}

TEST(StudyReadouts, MisspeltReadoutIsALocatedErrorWithTheClosestName) {
  try {
    (void)load_test_study(study_text("[\"regenerating_motor_axons\", \"mune.tibialis\"]"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.key, "readouts[1]");
    EXPECT_EQ(d.where.line, 3);
    EXPECT_EQ(d.where.column, 41);
    EXPECT_NE(d.message.find("no observation of the arms' scenarios matches 'mune.tibialis'"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("did you mean 'mune.tibialis_anterior'?"), std::string::npos) << d.message;
  }
  // A glob that matches nothing, and an observation no arm gives (a human's MRC grade in rats).
  EXPECT_THROW(load_test_study(study_text("[\"mune.soleus*\"]")), InputError);
  try {
    (void)load_test_study(study_text("[\"mrc_motor_grade.gastrocnemius\"]"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find("an observation of the readout module 'clinical_grades', which none of"),
              std::string::npos)
        << e.diagnostics()[0].message;
  }
}

TEST(StudyReadouts, ModulesAndGlobsAreAccepted) {
  const auto spec = load_test_study(study_text("[\"nerve_morphometry\", \"mune.*\", \"days_to_target.gastrocnemius\"]"));
  const std::string plan = study::study_plan(spec, registry());
  // The module selects its observations; the glob every muscle's MUNE.
  for (const char* name : {"myelinated_fibres_distal", "g_ratio_distal", "mune.gastrocnemius", "mune.tibialis_anterior",
                           "days_to_target.gastrocnemius"})
    EXPECT_NE(plan.find("  " + std::string(name) + "\n"), std::string::npos) << name << " not in\n" << plan;
  EXPECT_EQ(plan.find("mune_ratio"), std::string::npos) << plan;
  EXPECT_NE(plan.find("2. autograft (2 subjects): repair.type = autograft"), std::string::npos) << plan;
}

TEST(IneffectiveKeys, ConduitTableWithoutAConduitIsWarnedAbout) {
  std::string text = conduit_10mm();
  text.replace(text.find("type = \"conduit\""), 16, "type = \"autograft\"");
  const Scenario s = load_scenario_text(text, "s.toml", registry());
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].key, "repair.conduit");
  EXPECT_EQ(s.warnings[0].where.line, 8);
  EXPECT_NE(s.warnings[0].message.find("has no effect here: repair.type is 'autograft', not 'conduit'"), std::string::npos)
      << s.warnings[0].message;
  // With a conduit the same table is read; without the table nothing is said.
  EXPECT_TRUE(load_scenario_text(conduit_10mm(), "s.toml", registry()).warnings.empty());
  EXPECT_TRUE(load_scenario_text(testing::rat_sciatic, "s.toml", registry()).warnings.empty());
  // The run records it: run.json's warnings come from the compiled scenario.
  EXPECT_EQ(Model::compile(s, registry())->scenario().warnings.size(), 1u);
}

TEST(IneffectiveKeys, SiteKeysWithoutTheSiteModelAreWarnedAbout) {
  const Scenario s =
      load_scenario_text(conduit_10mm() + "[site]\nresolution = \"50 um\"\ndistal_length = \"3 mm\"\n", "s.toml", registry());
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_EQ(s.warnings[0].key, "site.resolution");
  EXPECT_NE(s.warnings[0].message.find("site.model is 'off'"), std::string::npos) << s.warnings[0].message;
  EXPECT_EQ(s.warnings[1].key, "site.distal_length");
  // With the site in 3D they are read (the preset's own site values never count as given).
  const Scenario on =
      load_scenario_text(conduit_10mm() + "[site]\nmodel = \"3d\"\nresolution = \"100 um\"\n", "s.toml", registry());
  EXPECT_TRUE(on.warnings.empty()) << on.warnings[0].message;
}

TEST(IneffectiveKeys, TherapyKeysIrrelevantToTheVariantAreWarnedAbout) {
  // Immunosuppression spares only cells the host rejects: with autologous cells it does nothing.
  const std::string msc =
      "[[therapies]]\ntype = \"msc\"\nsource = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"conduit_lumen\"\n"
      "immunosuppression = true\n";
  const Scenario s = load_scenario_text(conduit_10mm() + msc, "s.toml", registry());
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].key, "therapies[0].immunosuppression");
  EXPECT_EQ(s.warnings[0].where.line, 17);
  EXPECT_NE(s.warnings[0].message.find("the cells are autologous"), std::string::npos) << s.warnings[0].message;
  EXPECT_TRUE(load_scenario_text(conduit_10mm() + msc + "donor = \"allogeneic\"\n", "s.toml", registry()).warnings.empty());
  // Given by --set, it is found too.
  const Scenario set = load_scenario_text(conduit_10mm() + msc, "s.toml", registry(), {{"therapies.0.donor", "\"xenogeneic\""}});
  EXPECT_TRUE(set.warnings.empty());
}

TEST(ReportWords, DefaultConduitLengthIsTheGapPlusTheStumps) {
  const Scenario s = load_scenario_text(conduit_10mm(), "s.toml", registry());
  const std::string words = io::scenario_description(s.canonical_toml(), "s.toml");
  EXPECT_NE(words.find("a silicone conduit of 14 mm spanning the 10 mm gap and 2 mm of each stump, "), std::string::npos)
      << words;
  EXPECT_EQ(words.find("conduit of 0 mm"), std::string::npos) << words;
  const Scenario given = load_scenario_text(conduit_10mm(), "s.toml", registry(), {{"repair.conduit.length", "\"16 mm\""}});
  EXPECT_NE(io::scenario_description(given.canonical_toml(), "s.toml").find("a silicone conduit of 16 mm,"), std::string::npos);
}

}  // namespace
}  // namespace bungner
