// Tests for the in-silico trial layer: Kaplan-Meier, log-rank and the power formulas against
// independent reference values (tests/reference/make_trial_reference.py, scipy 1.10.1, and the
// textbook values they reproduce), and the design's draws: block randomisation balance, dropout
// at the stated hazard, Poisson accrual, the 3+3 rule, and patient outcomes.
#include "bungner/study/statistics.hpp"
#include "bungner/study/trial.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bungner::study {
namespace {

// Freireich 6-MP leukaemia data (Gehan 1965): weeks in remission, event = relapse.
const std::vector<double> mp_time = {6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35};
const bool mp_event[] = {true,  true,  true,  false, true, false, true,  false, false, true, true,
                         false, false, false, true,  true, false, false, false, false, false};
const std::vector<double> placebo_time = {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23};

TEST(TrialSurvival, KaplanMeierMatchesReference) {
  const auto curve = kaplan_meier(mp_time, mp_event);
  struct Ref {
    double time;
    std::size_t at_risk, events;
    double s, se, low, high;
  };
  const Ref ref[] = {
      {6, 21, 3, 0.85714285714285721, 0.076360354832121252, 0.61971795526598372, 0.95155174764699713},
      {7, 17, 1, 0.80672268907563027, 0.086935285180057206, 0.56314656462223334, 0.9228090192028805},
      {10, 15, 1, 0.75294117647058822, 0.096349652994320509, 0.5031995107999564, 0.88936183516926559},
      {13, 12, 1, 0.69019607843137254, 0.10681470777500983, 0.43161022248618397, 0.84906596334945084},
      {16, 11, 1, 0.62745098039215685, 0.11405386525675254, 0.36751085598750205, 0.80491218947184129},
      {22, 7, 1, 0.53781512605042026, 0.12823375169303403, 0.26777893676713499, 0.74679071763539473},
      {23, 6, 1, 0.44817927170868355, 0.13459145675576048, 0.18805200595923241, 0.68014262849524154},
      {35, 1, 0, 0.44817927170868355, 0.13459145675576048, 0.18805200595923241, 0.68014262849524154},
  };
  ASSERT_EQ(curve.size(), 16u);  // distinct times
  for (const Ref& r : ref) {
    const auto it = std::find_if(curve.begin(), curve.end(), [&](const SurvivalPoint& p) { return p.time == r.time; });
    ASSERT_NE(it, curve.end()) << r.time;
    EXPECT_EQ(it->at_risk, r.at_risk) << r.time;
    EXPECT_EQ(it->events, r.events) << r.time;
    EXPECT_NEAR(it->survival, r.s, 1e-14) << r.time;
    EXPECT_NEAR(it->se, r.se, 1e-12) << r.time;
    EXPECT_NEAR(it->ci_low, r.low, 1e-9) << r.time;
    EXPECT_NEAR(it->ci_high, r.high, 1e-9) << r.time;
  }
  const Median m = km_median(curve);
  EXPECT_EQ(m.median, 23);  // the textbook median of the 6-MP arm
  EXPECT_EQ(m.ci_low, 13);
  EXPECT_TRUE(std::isnan(m.ci_high));  // the upper limit never falls to one half
}

// Issue 25, item 7: 2 * (1 - normal_cdf(sqrt(chi2))) is exactly 0 beyond chi2 ~ 75 and has lost
// most of its digits long before; erfc keeps them. References: mpmath, 30 digits.
TEST(TrialSurvival, TinyPValuesKeepTheirDigits) {
  EXPECT_NEAR(chi_square_1_sf(100.0) / 1.52397060483210521319466865033e-23, 1.0, 1e-12);
  EXPECT_NEAR(chi_square_1_sf(900.0) / 9.81342785429637411906761851313e-198, 1.0, 1e-12);
  EXPECT_NEAR(chi_square_1_sf(16.79294098921654) / 4.1688091093345321e-05, 1.0, 1e-9);
  EXPECT_EQ(chi_square_1_sf(0.0), 1.0);
  EXPECT_NEAR(normal_two_sided_p(-10.0) / 1.52397060483210521319466865033e-23, 1.0, 1e-12);
  // 100/100 responders against 0/100: z = sqrt(200), p = erfc(10).
  EXPECT_NEAR(two_proportion_p(100, 100, 0, 100) / 2.08848758376254475700078629502e-45, 1.0, 1e-12);
  // A log-rank test with a p far below 1e-20: every patient of arm A dies, none of arm B.
  std::vector<double> time;
  std::vector<int> group;
  for (int i = 0; i < 200; ++i) {
    time.push_back(i < 100 ? 1.0 + i : 1000.0);
    group.push_back(i < 100 ? 0 : 1);
  }
  auto event = std::make_unique<bool[]>(time.size());
  for (std::size_t i = 0; i < time.size(); ++i) event[i] = group[i] == 0;
  const LogRank r = log_rank(time, std::span<const bool>(event.get(), time.size()), group);
  ASSERT_GT(r.chi2, 100.0);
  EXPECT_GT(r.p, 0.0);
  EXPECT_LT(r.p, 1e-20);
  EXPECT_NEAR(r.p / std::erfc(std::sqrt(r.chi2 / 2.0)), 1.0, 1e-14);
}

TEST(TrialSurvival, LogRankMatchesTextbook) {
  std::vector<double> time = mp_time;
  time.insert(time.end(), placebo_time.begin(), placebo_time.end());
  auto event = std::make_unique<bool[]>(time.size());
  std::vector<int> group(time.size(), 1);
  for (std::size_t i = 0; i < time.size(); ++i) event[i] = i < mp_time.size() ? mp_event[i] : true;
  for (std::size_t i = 0; i < mp_time.size(); ++i) group[i] = 0;
  const LogRank r = log_rank(time, std::span<const bool>(event.get(), time.size()), group);
  EXPECT_EQ(r.observed_a, 9);
  EXPECT_NEAR(r.expected_a, 19.250500948031132, 1e-12);
  EXPECT_NEAR(r.variance, 6.2569605736755003, 1e-12);
  EXPECT_NEAR(r.chi2, 16.79294098921654, 1e-10);  // textbook: 16.79
  EXPECT_NEAR(r.p, 4.1688091093345321e-05, 1e-12);
  EXPECT_NEAR(r.hazard_ratio, 0.19431870864219944, 1e-12);
  EXPECT_NEAR(r.hr_ci_low, 0.088761255263653749, 1e-10);
  EXPECT_NEAR(r.hr_ci_high, 0.42540814025456875, 1e-10);
  // Swapping the groups inverts the hazard ratio and keeps the test.
  for (auto& g : group) g = 1 - g;
  const LogRank s = log_rank(time, std::span<const bool>(event.get(), time.size()), group);
  EXPECT_NEAR(s.chi2, r.chi2, 1e-10);
  EXPECT_NEAR(s.hazard_ratio, 1 / r.hazard_ratio, 1e-10);
}

TEST(TrialPower, QuantilesProportionsAndTextbookSampleSizes) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.8), 0.8416212335729143, 1e-13);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-10);
  EXPECT_NEAR(normal_quantile(0.3), -0.5244005127080409, 1e-13);
  const auto [lo, hi] = wilson_interval(7, 20);
  EXPECT_NEAR(lo, 0.18119182410108206, 1e-12);
  EXPECT_NEAR(hi, 0.56714572331476376, 1e-12);
  EXPECT_NEAR(two_proportion_p(30, 50, 20, 50), 0.04550026389635857, 1e-12);
  // Fleiss (no continuity correction): 0.3 vs 0.5 at alpha 0.05 and 80 % power needs 93 per arm.
  EXPECT_EQ(sample_size_two_proportions(0.3, 0.5, 0.05, 0.8), 93);
  EXPECT_NEAR(power_two_proportions(0.3, 0.5, 93, 93, 0.05), 0.81159692560704433, 1e-12);
  // Schoenfeld: a hazard ratio of 0.75 with 1:1 allocation needs 380 events.
  EXPECT_EQ(std::ceil(schoenfeld_events(0.75, 0.5, 0.05, 0.8)), 380);
  EXPECT_NEAR(schoenfeld_power(0.75, 0.5, 380, 0.05), 0.80066921223823395, 1e-12);
  EXPECT_NEAR(schoenfeld_power(1 / 0.75, 0.5, 380, 0.05), 0.80066921223823395, 1e-12);
}

TEST(TrialDesign, BlockRandomisationIsBalancedWithinEveryBlock) {
  const unsigned ratio[] = {2, 1};
  const auto arms = block_randomisation(601, ratio, 6, 42);
  ASSERT_EQ(arms.size(), 601u);
  std::size_t orders = 0;
  for (std::size_t block = 0; block + 6 <= arms.size(); block += 6) {
    const auto ones = std::count(arms.begin() + static_cast<long>(block), arms.begin() + static_cast<long>(block + 6), 1u);
    EXPECT_EQ(ones, 2) << "block at " << block;
    orders += arms[block] == 1 ? 1 : 0;
  }
  // The blocks are shuffled: arm 1 comes first in about a third of them (100 blocks).
  EXPECT_GT(orders, 15u);
  EXPECT_LT(orders, 55u);
  EXPECT_EQ(arms, block_randomisation(601, ratio, 6, 42));  // counter-based: reproducible
  EXPECT_NE(arms, block_randomisation(601, ratio, 6, 43));
  EXPECT_THROW(block_randomisation(10, ratio, 4, 1), std::invalid_argument);
}

TEST(TrialDesign, DropoutMatchesTheHazardAndAccrualTheRate) {
  const std::size_t n = 20000;
  std::size_t lost = 0;
  for (std::size_t i = 0; i < n; ++i) lost += dropout_day(0.02, 7, i) < 24 * 365.25 / 12 ? 1 : 0;
  const double expected = 0.38121660819385916;  // 1 - exp(-0.02 * 24)
  const double se = std::sqrt(expected * (1 - expected) / static_cast<double>(n));
  EXPECT_NEAR(static_cast<double>(lost) / static_cast<double>(n), expected, 4 * se);
  EXPECT_TRUE(std::isinf(dropout_day(0, 7, 3)));
  const auto entry = enrolment_days(n, 10, 7);  // 10 a month: 2000 months for 20000 patients
  const double months = entry.back() / (365.25 / 12);
  EXPECT_NEAR(months, 2000, 4 * std::sqrt(static_cast<double>(n)) / 10);
  EXPECT_TRUE(std::is_sorted(entry.begin(), entry.end()));
}

TEST(TrialDesign, ThreePlusThreeRule) {
  const double safe[] = {0, 0, 0};
  const Escalation all = three_plus_three(safe, 1);
  EXPECT_EQ(all.mtd, 2);
  EXPECT_EQ(all.cohorts.size(), 3u);
  EXPECT_EQ(all.treated, (std::vector<std::size_t>{3, 3, 3}));
  const double toxic[] = {0, 1, 1};
  const Escalation stop = three_plus_three(toxic, 1);
  EXPECT_EQ(stop.mtd, 0);  // 3/3 toxicities at the second level
  EXPECT_EQ(stop.treated, (std::vector<std::size_t>{3, 3, 0}));
  // With a middling toxicity some level gets 6 patients, and nobody is treated above a stop.
  const double middling[] = {0.2, 0.3, 0.4, 0.5};
  for (std::uint64_t seed = 1; seed < 50; ++seed) {
    const Escalation e = three_plus_three(middling, seed);
    for (std::size_t d = 0; d < 4; ++d) {
      EXPECT_TRUE(e.treated[d] == 0 || e.treated[d] == 3 || e.treated[d] == 6);
      if (static_cast<int>(d) > e.mtd + 1) {
        EXPECT_EQ(e.treated[d], 0u);
      }
    }
  }
}

TEST(TrialDesign, PatientOutcomeCensorsAtDropoutAndHorizon) {
  TrialSpec t;
  t.threshold = 3;
  t.horizon_days = 720;
  const PatientCourse course{{180, 360, 540, 720}, {1, 2, 3, 4}};
  const PatientOutcome followed = patient_outcome(course, 1e9, t);
  EXPECT_TRUE(followed.event);
  EXPECT_EQ(followed.time, 540);
  EXPECT_TRUE(followed.responder);
  EXPECT_EQ(followed.at_horizon, 4);
  const PatientOutcome lost = patient_outcome(course, 500, t);
  EXPECT_FALSE(lost.event);
  EXPECT_EQ(lost.time, 500);
  EXPECT_FALSE(lost.completed);
  EXPECT_TRUE(std::isnan(lost.at_horizon));
  const PatientOutcome never = patient_outcome(PatientCourse{{360, 720}, {1, 2}}, 1e9, t);
  EXPECT_FALSE(never.event);
  EXPECT_EQ(never.time, 720);
  EXPECT_FALSE(never.responder);
}

TEST(TrialAnalysis, FasterArmIsSignificantAndPowerful) {
  TrialSpec t;
  t.patients = 80;
  t.threshold = 3;
  t.horizon_days = 720;
  t.replicates = 50;
  // Control recovers at 540 d or never; treatment at 360 d.
  std::vector<std::vector<PatientCourse>> courses(2);
  const auto arms = trial_assignment(t, 2, 5);
  std::vector<std::size_t> n(2, 0);
  for (const auto a : arms) ++n[a];
  EXPECT_EQ(n[0], 40u);
  for (std::size_t s = 0; s < n[0]; ++s) courses[0].push_back({{360, 540, 720}, {1, s % 2 ? 3.0 : 2.0, s % 2 ? 3.0 : 2.0}});
  for (std::size_t s = 0; s < n[1]; ++s) courses[1].push_back({{360, 540, 720}, {3, 4, 5}});
  const std::vector<std::string> names = {"control", "treated"};
  const TrialOutputs out = analyse_trial(t, names, courses, 5);
  EXPECT_NE(out.summary_csv.find("treated,40,40,40,40,1,"), std::string::npos) << out.summary_csv;
  EXPECT_NE(out.json.find("\"power_logrank_simulated\": 1"), std::string::npos) << out.json;
  EXPECT_EQ(out.patients_csv.find("patient,arm"), 0u);
}

}  // namespace
}  // namespace bungner::study
