// Cyclosporine: immunosuppression keeps xenogeneic cell grafts as the graft's own key does (once
// the drug has built up, until it has washed out), and while the drug acts no axon is lost
// crossing a bridge (E64's fit); after the axons have crossed it changes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "../pharmacokinetics.hpp"
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

// The ticks in [0, until) during which a course of the default dose from day 0, ending at `end_s`,
// has built up to the immunosuppressive exposure at the end of the tick (when the therapy writes
// the signal): the threshold's share of the minimal immunosuppressive dose, in days. The PK is
// that of the therapy (treatment::Course, one exact step each).
double suppressed_days(const Model& m, std::int64_t end_s, std::int64_t until_s) {
  const ParameterSet& p = m.parameters();
  const treatment::Course course(treatment::PkRates::declared(p, "cyclosporine"), 15.0, treatment::Window{0, end_s});
  const double threshold =
      p.get("cyclosporine.immunosuppression_threshold") * p.in("cyclosporine.immunosuppressive_dose", "mg/kg/day");
  std::int64_t suppressed = 0;
  for (std::int64_t t = 0; t < until_s; t += m.tick_s)
    if (course.at(t + m.tick_s) >= threshold) suppressed += m.tick_s;
  return static_cast<double>(suppressed) / 86400.0;
}

// Immunosuppression has an onset: until the drug has built up to the immunosuppressive share the
// xenogeneic cells are rejected; from then on as under the graft's own key. At day 7 the drug's
// survivors fall short of the key's by exactly exp(-(1 - f) t_onset / tau_xeno).
TEST(TherapyCyclosporine, KeepsXenogeneicCellsLikeTheGraftsOwnImmunosuppressionOnceBuiltUp) {
  auto at_day_7 = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies, "7 d")));
    return sample(sim, "msc_surviving", {7})[0];
  };
  Simulation probe(compile(allograft(cyclosporine + xenograft, "7 d")));
  const Model& m = probe.model();
  const double f = m.parameters().get("msc.immunosuppression_factor");
  const double tau_days = m.parameters().in("msc.xenogeneic_rejection_time_constant", "d");
  // The survivors at day 7 count the ticks before the last one.
  const std::int64_t counted = 7 * 86400 - m.tick_s;
  const double onset_days = static_cast<double>(counted) / 86400.0 - suppressed_days(m, 7 * 86400 + 1, counted);
  ASSERT_GT(onset_days, 0.1) << "the drug needs time to build up";
  ASSERT_LT(onset_days, 3.0);
  const double rejected = at_day_7(xenograft);
  const double by_key = at_day_7(xenograft + "immunosuppression = true\n");
  const double by_drug = at_day_7(cyclosporine + xenograft);
  EXPECT_GT(by_drug, 3 * rejected);
  EXPECT_LT(by_drug, by_key);
  const double expected = std::exp(-(1 - f) * onset_days / tau_days);
  EXPECT_NEAR(by_drug / by_key, expected, 1e-9 * expected);
}

// A 7-day course protects the cells from the drug's onset until it has washed out below the
// immunosuppressive share: at day 14 the survivors exceed the unprotected graft's by exactly
// exp((1 - f) t_suppressed / tau_xeno), the rejection spared while the drug acted.
TEST(TherapyCyclosporine, ACourseProtectsTheGraftOnlyWhileTheDrugActs) {
  auto at_day_14 = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies, "14 d")));
    return sample(sim, "msc_surviving", {14})[0];
  };
  Simulation probe(compile(allograft(cyclosporine + xenograft, "14 d")));
  const Model& m = probe.model();
  const double f = m.parameters().get("msc.immunosuppression_factor");
  const double tau_days = m.parameters().in("msc.xenogeneic_rejection_time_constant", "d");
  const double acting = suppressed_days(m, 7 * 86400, 14 * 86400 - m.tick_s);
  EXPECT_GT(acting, 6.0);
  EXPECT_LT(acting, 9.0) << "washes out within two days of the last dose";
  const double rejected = at_day_14(xenograft);
  const double week = at_day_14(cyclosporine + "duration = \"7 d\"\n" + xenograft);
  const double throughout = at_day_14(cyclosporine + xenograft);
  ASSERT_GT(rejected, 0);
  EXPECT_NEAR(week / rejected, std::exp((1 - f) * acting / tau_days), 1e-9 * std::exp((1 - f) * acting / tau_days));
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

// Below the minimal immunosuppressive dose (Bain 1988, 5 mg/kg/day) the drug acts in proportion
// to its exposure: half that dose never immunosuppresses (the xenogeneic cells are rejected exactly
// as without it) and halves the bridge loss at steady state (share passing 1 - L/2 instead of
// 1 - L), between no drug and a full dose.
TEST(TherapyCyclosporine, ADoseBelowTheMinimalImmunosuppressiveDoseActsInProportion) {
  const std::string half = "[[therapies]]\ntype = \"cyclosporine\"\ndose = \"2.5 mg/kg/day\"\n";
  auto surviving = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies, "7 d")));
    return sample(sim, "msc_surviving", {7})[0];
  };
  EXPECT_EQ(surviving(half + xenograft), surviving(xenograft));
  // Exactly the minimal dose does immunosuppress, once built up (its exposure only approaches it).
  const std::string minimal = "[[therapies]]\ntype = \"cyclosporine\"\ndose = \"5 mg/kg/day\"\n";
  EXPECT_GT(surviving(minimal + xenograft), surviving(xenograft));
  auto regenerating = [](const std::string& therapies) {
    Simulation sim(compile(allograft(therapies)));
    return sample(sim, "regenerating_motor_axons", {84})[0];
  };
  const double untreated = regenerating("");
  const double treated = regenerating(cyclosporine);
  const double halved = regenerating(half);
  const double pass = std::exp(-10.0 / 4.6);
  const double relative_se = std::sqrt((1 - pass) / untreated);
  // The exposure builds up over the first days, when few axons have reached the bridge yet.
  EXPECT_NEAR(halved / untreated * pass / (1 - (1 - pass) / 2), 1.0, 3 * relative_se);
  EXPECT_LT(untreated, halved);
  EXPECT_LT(halved, treated);
}

}  // namespace
}  // namespace bungner
