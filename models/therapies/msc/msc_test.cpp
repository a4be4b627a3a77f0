// The MSC therapy's delivery: attachment after seeding (E66), no viable intravenous cells at the
// nerve (E65), the combinations it refuses, and the default study. What becomes of the cells is
// the cell_graft mechanism's (models/mechanisms/cell_graft/cell_graft_test.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "../../mechanisms/cell_graft/cell_graft.hpp"
#include "../../mechanisms/cell_graft/graft_test_scenarios.hpp"
#include "bungner/scenario/scenario.hpp"
#include "bungner/study/study.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::observed;
using testing::registry;

using testing::ad_on_graft;
using testing::msc;
using testing::nerve;

// E66 (Mathot 2020): 80 % of undifferentiated and 94.5 % of differentiated cells attach.
TEST(CalibrationE66, AttachedFractionAfterSeeding) {
  for (const auto& [state, attached] : {std::pair{"undifferentiated", 0.80}, std::pair{"differentiated", 0.945}}) {
    Simulation sim(compile(
        nerve("decellularized_allograft") +
        msc("source = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"graft_surface\"\nstate = \"" + std::string(state) + "\"\n")));
    sim.advance_to(seconds_per_hour);
    EXPECT_NEAR(testing::block_named<CellGraft>(sim.state(), "cell_graft.grafts")[0].delivered, 1e6 * attached, 1.0) << state;
  }
}

// E65 (Eggenhofer 2012): intravenous cells are trapped in the lungs; none reach the nerve alive,
// so the outcome is that of the untreated animal.
TEST(CalibrationE65, IntravenousCellsDoNotReachTheNerve) {
  const std::string iv = msc("source = \"bone_marrow\"\ndose = \"5e6 cells\"\nroute = \"intravenous\"\n");
  Simulation treated(compile(nerve("decellularized_allograft") + iv));
  Simulation untreated(compile(nerve("decellularized_allograft")));
  for (double day : {1.0, 7.0, 84.0}) {
    treated.advance_to(static_cast<std::int64_t>(day * seconds_per_day));
    untreated.advance_to(static_cast<std::int64_t>(day * seconds_per_day));
    EXPECT_EQ(observed(treated, "msc_cells"), 0.0);
  }
  EXPECT_EQ(observed(treated, "regenerating_motor_axons"), observed(untreated, "regenerating_motor_axons"));
  EXPECT_EQ(observed(treated, "sensory_neuron_survival"), observed(untreated, "sensory_neuron_survival"));
}

std::vector<Diagnostic> errors_of(const std::string& text) {
  try {
    (void)load_scenario_text(text, "msc.toml", registry());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(TherapyMsc, RefusesImpossibleCombinations) {
  // A conduit lumen the scenario does not have.
  auto d = errors_of(nerve("autograft") + msc("source = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"conduit_lumen\"\n"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("no conduit"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].key.find("route"), std::string::npos) << d[0].key;
  // An intravenous dose in a conduit filler.
  d = errors_of(nerve("conduit") +
                msc("source = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"intravenous\"\nvehicle = \"fibrin\"\n"));
  ASSERT_GE(d.size(), 1u);
  EXPECT_NE(d[0].message.find("intravenous"), std::string::npos) << d[0].message;
  // Seeding a graft weeks after it was implanted.
  d = errors_of(nerve("autograft") +
                msc("source = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"graft_surface\"\nafter_repair = \"7 d\"\n"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].key.find("after_repair"), std::string::npos);
  // A misspelt mechanism gets a suggestion.
  d = errors_of(nerve("autograft") + msc("source = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"graft_surface\"\n"
                                         "ablate = [\"angiogenisis\"]\n"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("did you mean 'angiogenesis'"), std::string::npos) << d[0].message;
}

// The default study of `make run`: 8 arms of 8 rats, 12 weeks; the autograft and the MSC-filled
// conduits regenerate more than the empty conduit (means over the arms' rats).
TEST(DefaultStudy, MscConduitsAndAutograftBeatTheEmptyConduit) {
  const auto spec =
      study::load_study(std::string(BUNGNER_SOURCE_DIR) + "/scenarios/studies/rat-sciatic-10mm-msc.toml", registry());
  ASSERT_EQ(spec.arms.size(), 8u);
  for (const auto& arm : spec.arms) EXPECT_EQ(arm.subjects, 8u) << arm.name;
  const auto out = std::filesystem::temp_directory_path() / "bungner-test-default-study";
  const auto result = study::run_study(spec, registry(), {.output_dir = out, .force = true, .quiet = true});
  std::filesystem::remove_all(out);
  std::vector<double> axons(spec.arms.size(), 0.0);
  for (const auto& row : result.rows)
    if (row.readout == "regenerating_motor_axons" && row.time_days == 84) axons[row.arm] += row.value / 8;
  const double empty = axons[0], autograft = axons[1];
  double msc_mean = 0;
  for (std::size_t a = 2; a < axons.size(); ++a) msc_mean += axons[a] / 6;
  EXPECT_GT(autograft, empty);
  EXPECT_GT(msc_mean, empty);
  std::cout << "default study, regenerating motor axons at 12 weeks: empty " << empty << ", autograft " << autograft
            << ", MSC arms " << msc_mean << "\n";
}

}  // namespace
}  // namespace bungner
