// Cyclosporine: immunosuppression keeps xenogeneic cell grafts as the graft's own key does (while
// the course runs), and
// while the drug is given no axon is lost crossing a bridge (E64's fit); after the axons have
// crossed it changes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::sample;

std::string allograft(const std::string& therapies, const std::string& duration = "84 d") {
  return "species = \"rat\"\nnerve = \"sciatic\"\nseed = 11\n[injury]\ntype = \"transection\"\ngap_length = "
         "\"10 mm\"\n[repair]\ntype = \"decellularized_allograft\"\n" +
         therapies + "[simulation]\nduration = \"" + duration + "\"\n[readouts]\ntimes = []\n";
}

const std::string cyclosporine = "[[therapies]]\ntype = \"cyclosporine\"\n";
const std::string xenograft =
    "[[therapies]]\ntype = \"msc\"\nsource = \"umbilical_cord\"\ndose = \"1e6 cells\"\n"
    "route = \"graft_surface\"\ndonor = \"xenogeneic\"\n";

TEST(TherapyCyclosporine, KeepsXenogeneicCellsLikeTheGraftsOwnImmunosuppression) {
  auto at_day_7 = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies, "7 d")));
    return sample(sim, "msc_surviving", {7})[0];
  };
  const double rejected = at_day_7(xenograft);
  const double by_key = at_day_7(xenograft + "immunosuppression = true\n");
  const double by_drug = at_day_7(cyclosporine + xenograft);
  EXPECT_GT(by_key, 3 * rejected);
  EXPECT_DOUBLE_EQ(by_drug, by_key);
}

// A 7-day course protects the cells for 7 days only: at day 14 the survivors exceed the
// unprotected graft's by exactly exp((1 - f) 7 d / tau_xeno), the rejection spared during the course.
TEST(TherapyCyclosporine, ACourseProtectsTheGraftOnlyWhileItRuns) {
  auto at_day_14 = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies, "14 d")));
    return sample(sim, "msc_surviving", {14})[0];
  };
  Simulation probe(compile(allograft(xenograft, "1 d")));
  const double f = probe.model().parameters().get("msc.immunosuppression_factor");
  const double tau_days = probe.model().parameters().in("msc.xenogeneic_rejection_time_constant", "d");
  const double rejected = at_day_14(xenograft);
  const double week = at_day_14(cyclosporine + "duration = \"7 d\"\n" + xenograft);
  const double throughout = at_day_14(cyclosporine + xenograft);
  ASSERT_GT(rejected, 0);
  EXPECT_NEAR(week / rejected, std::exp((1 - f) * 7 / tau_days), 1e-9 * std::exp((1 - f) * 7 / tau_days));
  EXPECT_LT(week, throughout);
}

// A 10 mm decellularised allograft passes e^(-10/4.6) = 11.4 % of the axons that reach it; with
// the drug (bridge loss factor 0) all of them: about 1 / 0.114 = 8.8 times as many regenerate.
TEST(TherapyCyclosporine, NoAxonLostInTheBridgeWhileGiven) {
  auto regenerating = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies)));
    return sample(sim, "regenerating_motor_axons", {84})[0];
  };
  const double untreated = regenerating("");
  const double treated = regenerating(cyclosporine);
  const double pass = std::exp(-10.0 / 4.6);
  ASSERT_GT(untreated, 50);
  // Binomial SE of the untreated count relative to its mean: sqrt((1 - p) / (n p)).
  const double relative_se = std::sqrt((1 - pass) / untreated);
  EXPECT_NEAR(treated / untreated * pass, 1.0, 3 * relative_se);
  // A course that starts at day 80, when nearly every axon has met the bridge (99 % of the
  // crossing delays are under 70 d), changes little: only the stragglers gain.
  const double late = regenerating(cyclosporine + "start = \"80 d\"\n");
  EXPECT_GE(late, untreated);
  EXPECT_LT(late - untreated, 0.05 * (treated - untreated));
}

}  // namespace
}  // namespace bungner
