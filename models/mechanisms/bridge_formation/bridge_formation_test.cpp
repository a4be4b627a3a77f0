// The bridge against E16-E18, E31 and E49: a short mouse bridge is vascularised within 2-3 days
// and Schwann cells follow the vessels into it from day 4-5; without macrophage VEGF there are no
// vessels and the Schwann cells stay in the stumps; in an impermeable tube the fibrin cable is
// thinner the longer the gap, and the longest gap bridged is about 10 mm in the rat.
#include <gtest/gtest.h>

#include "run_helpers.hpp"
#include "site_helpers.hpp"

namespace bungner {
namespace {

using namespace testing;

const std::string mouse_bridge = site_run("mouse", "sciatic", transection("none", "1.5 mm") + few_neurons(), "11 d");

// E16: the bridge is vascularised by polarised vessels by day 2-3 (Cattin et al. 2015).
TEST(BridgeFormationE16, MouseBridgeVascularisedByDayThree) {
  Simulation sim(compile(mouse_bridge));
  sim.advance_to(1 * seconds_per_day);
  EXPECT_LT(observed(sim, "bridge_vascularised"), 80);
  sim.advance_to(3 * seconds_per_day);
  EXPECT_GE(observed(sim, "bridge_vascularised"), 80);
}

// E17, E49: Schwann cells enter the bridge along the vessels from about day 4 and form cords
// across it by day 5-7 (Cattin et al. 2015; Chen et al. 2019).
TEST(BridgeFormationE17E49, SchwannCellsFollowTheVesselsIntoTheBridge) {
  Simulation sim(compile(mouse_bridge));
  sim.advance_to(2 * seconds_per_day);
  EXPECT_EQ(observed(sim, "bridge_schwann_cells"), 0);
  sim.advance_to(5 * seconds_per_day);
  EXPECT_GT(observed(sim, "bridge_schwann_cells"), 0);
  sim.advance_to(7 * seconds_per_day);
  EXPECT_GE(observed(sim, "bridge_schwann_coverage"), 50);
}

// E18: without macrophage VEGF-A the bridge is poorly vascularised and Schwann cells stay in the
// stumps (Cattin et al. 2015): an ablation of the mechanism, not a rule.
TEST(BridgeFormationE18, NoMacrophageVegfNoVesselsNoSchwannCellsInTheBridge) {
  Simulation sim(compile(mouse_bridge, {{"parameters.inflammation.vegf_secretion", "0 pg/d"}}));
  sim.advance_to(10 * seconds_per_day);
  EXPECT_LT(observed(sim, "bridge_vascularised"), 10);
  EXPECT_EQ(observed(sim, "bridge_schwann_cells"), 0);
  // Axons only creep along the bare clot: a few per cent of the 800 neurons at most.
  EXPECT_LT(observed(sim, "axons_mid_gap"), 0.05 * 800);
}

std::string rat_conduit(int gap_mm, const std::string& permeability = "0 cm/s") {
  return site_run("rat", "sciatic", conduit(std::to_string(gap_mm) + " mm", permeability) + few_neurons(), "36 d", "200 um");
}

// The exudate is diluted into the lumen: the cable is thinner the longer the tube.
TEST(BridgeFormation, CableThinnerInLongerTubes) {
  double previous = 1e9;
  for (int gap : {5, 10, 15}) {
    Simulation sim(compile(rat_conduit(gap)));
    sim.advance_to(2 * seconds_per_day);
    const double fibrin = observed(sim, "bridge_fibrin");
    EXPECT_LT(fibrin, previous) << gap << " mm";
    previous = fibrin;
  }
}

// A delayed repair starts the exudate clock at the repair, not at the injury (issue 20: the
// factories once saw a Model whose repair time was not yet set, so the cut faces of a gap repaired
// a week late exuded from the injury on, and the fibrin cable and the epineurial macrophages came
// as if the repair had been immediate). Before the repair nothing exudes into the gap; two days
// after it, the cut faces exude as much as two days after an immediate repair.
TEST(BridgeFormation, DelayedRepairStartsTheExudateClockAtTheRepair) {
  const auto conduit_at = [](const std::string& timing) {
    return site_run("rat", "sciatic",
                    "[injury]\ntype = \"transection\"\ngap_length = \"5 mm\"\n[repair]\ntype = \"conduit\"\ntiming = \"" +
                        timing + "\"\n[repair.conduit]\nmaterial = \"silicone\"\ninner_diameter = \"1.6 mm\"\n" +
                        "wall_permeability = \"0 cm/s\"\n" + few_neurons(),
                    "10 d", "200 um");
  };
  Simulation at_once(compile(conduit_at("0 d")));
  at_once.advance_to(2 * seconds_per_day);
  const double fibrin = observed(at_once, "bridge_fibrin");
  const double macrophages = observed(at_once, "epineurial_macrophage_density");
  ASSERT_GT(fibrin, 1.0);
  ASSERT_GT(macrophages, 0.0);
  Simulation delayed(compile(conduit_at("7 d")));
  delayed.advance_to(2 * seconds_per_day);
  EXPECT_LT(observed(delayed, "bridge_fibrin"), 0.01 * fibrin);
  EXPECT_LT(observed(delayed, "epineurial_macrophage_density"), 0.01 * macrophages);
  delayed.advance_to(9 * seconds_per_day);
  EXPECT_GT(observed(delayed, "bridge_fibrin"), 0.5 * fibrin);
  EXPECT_LT(observed(delayed, "bridge_fibrin"), 2.0 * fibrin);
  EXPECT_GT(observed(delayed, "epineurial_macrophage_density"), 0.5 * macrophages);
}

/// Whether the bridge is fully vascularised after five weeks, for one seed.
bool bridged(int gap_mm, int seed, const std::string& permeability = "0 cm/s") {
  Simulation sim(compile(rat_conduit(gap_mm, permeability), {{"seed", std::to_string(seed)}}));
  sim.advance_to(35 * seconds_per_day);
  return observed(sim, "bridge_vascularised") >= 99.9;
}

// E31: an empty impermeable tube bridges about 10 mm in the rat (Jenq & Coggeshall 1987): every
// subject bridges 5 mm, none 15 mm, and 10 mm is the edge (some do, some do not; the exudate
// yield is fitted to this entry).
TEST(BridgeFormationE31, ImpermeableTubeBridgesAboutTenMillimetres) {
  int five = 0, ten = 0, fifteen = 0;
  for (int seed = 1; seed <= 4; ++seed) {
    five += bridged(5, seed);
    ten += bridged(10, seed);
    fifteen += bridged(15, seed);
  }
  EXPECT_EQ(five, 4);
  EXPECT_EQ(fifteen, 0);
  EXPECT_GE(ten, 1);
  EXPECT_LE(ten, 3);
}

}  // namespace
}  // namespace bungner
