// Tests for the study statistics: special functions, descriptive statistics and tests against
// scipy 1.10.1 (the numbers come from tests/reference/make_statistics_reference.py; rerun it to
// regenerate them), plus identities that tie the distributions to each other.
#include "bungner/study/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace bungner::study {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Samples shared with the reference script.
const std::vector<double> sample_a = {4.1, 5.3, 6.2, 5.8, 4.9, 5.5, 6.7, 5.0};
const std::vector<double> sample_b = {6.3, 7.1, 5.9, 7.8, 6.6, 7.4};
const std::vector<double> sample_c = {5.2, 5.9, 6.1, 4.8, 5.5, 6.0, 5.7};
const std::vector<double> sample_d = {3.9, 4.4, 5.1, 4.0, 4.7};
const std::vector<double> sample_e1 = {24.5, 23.5, 26.4, 27.1, 29.9};
const std::vector<double> sample_e2 = {28.4, 34.2, 29.5, 32.2, 30.1};
const std::vector<double> sample_e3 = {26.1, 28.3, 24.3, 26.2, 27.8};

/// |actual - expected| <= relative * |expected| (plus a floor for zero).
::testing::AssertionResult near_relative(double actual, double expected, double relative) {
  const double tolerance = relative * std::fabs(expected) + 1e-300;
  if (std::fabs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << actual << " expected " << expected << " (relative error "
                                       << std::fabs(actual / expected - 1.0) << ", allowed " << relative << ")";
}

// ---------------------------------------------------------------------------------------------
// Special functions

TEST(StatisticsSpecial, LogGammaMatchesScipy) {
  struct Case {
    double x, expected;
  };
  const Case cases[] = {{0.1, 2.252712651734206},
                        {0.5, 0.5723649429247},
                        {1.0, 0.0},
                        {1.5, -0.12078223763524526},
                        {2.0, 0.0},
                        {3.7, 1.428072326665388},
                        {9.99, 12.779315214350195},
                        {10.0, 12.801827480081469},
                        {25.5, 56.38916764371994},
                        {10000.0, 82099.71749644238}};
  for (const auto& c : cases) {
    EXPECT_NEAR(log_gamma(c.x), c.expected, 1e-13 * std::max(1.0, std::fabs(c.expected))) << c.x;
  }
  EXPECT_THROW(log_gamma(0.0), std::invalid_argument);
  EXPECT_THROW(log_gamma(-1.5), std::invalid_argument);
}

TEST(StatisticsSpecial, LogBetaAvoidsCancellation) {
  // ln B(a, b) for large arguments against the naive sum in long double.
  for (const auto& [a, b] : {std::pair{0.5, 2e5}, std::pair{3.0, 5e4}, std::pair{40.0, 70.0}, std::pair{2e4, 3e4}}) {
    const long double naive = std::lgamma(static_cast<long double>(a)) + std::lgamma(static_cast<long double>(b)) -
                              std::lgamma(static_cast<long double>(a) + static_cast<long double>(b));
    EXPECT_NEAR(log_beta(a, b), static_cast<double>(naive), 1e-13 * std::fabs(static_cast<double>(naive))) << a << " " << b;
    EXPECT_EQ(log_beta(a, b), log_beta(b, a));
  }
}

TEST(StatisticsSpecial, IncompleteBetaMatchesScipy) {
  struct Case {
    double a, b, x, expected;
  };
  const Case cases[] = {{0.5, 0.5, 0.3, 0.3690101195655454},      {2.0, 3.0, 0.4, 0.5247999999999999},
                        {10.0, 20.0, 0.25, 0.1663049495978794},   {0.5, 50.0, 0.01, 0.6826956021258024},
                        {200.0, 300.0, 0.41, 0.6776281647721865}, {1000.0, 500.0, 0.65, 0.08623324587222468},
                        {3.0, 0.2, 0.999, 0.6685414839010846}};
  for (const auto& c : cases) {
    EXPECT_TRUE(near_relative(regularized_incomplete_beta(c.a, c.b, c.x), c.expected, 1e-11)) << c.a << " " << c.b << " " << c.x;
    // Symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
    EXPECT_NEAR(regularized_incomplete_beta(c.b, c.a, 1.0 - c.x), 1.0 - c.expected, 1e-12);
  }
  EXPECT_EQ(regularized_incomplete_beta(2.0, 3.0, 0.0), 0.0);
  EXPECT_EQ(regularized_incomplete_beta(2.0, 3.0, 1.0), 1.0);
  // I_x(1, 1) = x and I_x(a, 1) = x^a exactly in closed form.
  EXPECT_NEAR(regularized_incomplete_beta(1.0, 1.0, 0.37), 0.37, 1e-15);
  EXPECT_NEAR(regularized_incomplete_beta(3.5, 1.0, 0.6), std::pow(0.6, 3.5), 1e-15);
  EXPECT_THROW(regularized_incomplete_beta(0.0, 1.0, 0.5), std::invalid_argument);
  EXPECT_THROW(regularized_incomplete_beta(1.0, 1.0, 1.5), std::invalid_argument);
}

TEST(StatisticsSpecial, InverseIncompleteBetaMatchesScipyAndRoundTrips) {
  struct Case {
    double a, b, p, expected;
  };
  const Case cases[] = {{0.5, 0.5, 0.3, 0.2061073738537634},
                        {2.0, 3.0, 0.9, 0.6795394162781817},
                        {10.0, 20.0, 1e-06, 0.0511660816901942},
                        {0.3, 4.0, 0.5, 0.019778314565049356},
                        {50.0, 0.5, 0.01, 0.9354948162912644}};
  for (const auto& c : cases) {
    const double x = inverse_regularized_incomplete_beta(c.a, c.b, c.p);
    EXPECT_TRUE(near_relative(x, c.expected, 1e-11)) << c.a << " " << c.b << " " << c.p;
    EXPECT_TRUE(near_relative(regularized_incomplete_beta(c.a, c.b, x), c.p, 1e-11));
  }
  EXPECT_EQ(inverse_regularized_incomplete_beta(2.0, 2.0, 0.0), 0.0);
  EXPECT_EQ(inverse_regularized_incomplete_beta(2.0, 2.0, 1.0), 1.0);
  EXPECT_NEAR(inverse_regularized_incomplete_beta(2.0, 2.0, 0.5), 0.5, 1e-15);  // symmetric
}

TEST(StatisticsSpecial, StudentTMatchesScipy) {
  struct Case {
    double t, df, cdf, sf;
  };
  const Case cases[] = {
      {2.1, 3.0, 0.9367173987251578, 0.06328260127484227},     {-1.5, 7.5, 0.08724028529323215, 0.9127597147067679},
      {0.3, 1.0, 0.5927735790777423, 0.4072264209222577},      {4.0, 30.0, 0.9998090771819581, 0.0001909228180418782},
      {-10.0, 2.5, 0.002220747883653711, 0.9977792521163463},  {8.0, 100.0, 0.9999999999988636, 1.1364324038640401e-12},
      {40.0, 4.0, 0.9999988329918387, 1.1670081613006347e-06}, {1.0, 1000000.0, 0.841344625083211, 0.15865537491678905}};
  for (const auto& c : cases) {
    EXPECT_TRUE(near_relative(student_t_cdf(c.t, c.df), c.cdf, 1e-11)) << c.t << " " << c.df;
    EXPECT_TRUE(near_relative(student_t_sf(c.t, c.df), c.sf, 1e-10)) << c.t << " " << c.df;
  }
  // df = 1 is the Cauchy distribution.
  EXPECT_NEAR(student_t_cdf(2.5, 1.0), 0.5 + std::atan(2.5) / std::numbers::pi, 1e-15);
  EXPECT_EQ(student_t_cdf(0.0, 4.0), 0.5);
  EXPECT_NEAR(student_t_cdf(1.3, inf), normal_cdf(1.3), 1e-16);
}

TEST(StatisticsSpecial, StudentTQuantileMatchesScipy) {
  struct Case {
    double p, df, expected;
  };
  // mpmath at 40 digits: scipy 1.10's t.ppf is itself off by up to 2e-9 (see the script).
  const Case cases[] = {
      {0.975, 1.0, 12.706204736174694},  {0.975, 2.0, 4.302652729749462},          {0.975, 5.0, 2.5705818356363146},
      {0.975, 7.0, 2.364624251592785},   {0.975, 29.0, 2.045229642132704},         {0.995, 9.3, 3.2234796594331345},
      {0.001, 4.0, -7.1731822197823085}, {1e-10, 3.0, -2225.7692846830932},        {0.6, 1000.0, 0.2534145158394987},
      {0.975, inf, 1.9599639845400538},  {0.500000001, 7.0, 2.597460202184457e-09}};
  for (const auto& c : cases) {
    EXPECT_TRUE(near_relative(student_t_quantile(c.p, c.df), c.expected, 1e-13)) << c.p << " " << c.df;
    EXPECT_TRUE(near_relative(student_t_cdf(student_t_quantile(c.p, c.df), c.df), c.p, 1e-13));
  }
  EXPECT_EQ(student_t_quantile(0.5, 3.0), 0.0);
  EXPECT_THROW(student_t_quantile(0.0, 3.0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1.0, 3.0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.5, 0.0), std::invalid_argument);
}

TEST(StatisticsSpecial, FDistributionMatchesScipy) {
  struct Case {
    double f, df1, df2, cdf, sf;
  };
  const Case cases[] = {{3.2, 2.0, 15.0, 0.9304045026472426, 0.06959549735275743},
                        {0.5, 4.0, 7.0, 0.26231350936734876, 0.7376864906326512},
                        {12.0, 3.0, 40.0, 0.9999903455416806, 9.654458319372911e-06},
                        {1.0, 1.0, 1.0, 0.5000000000000001, 0.5000000000000001},
                        {2.5, 10.0, 1000.0, 0.9942441109527722, 0.005755889047227843}};
  for (const auto& c : cases) {
    EXPECT_TRUE(near_relative(f_cdf(c.f, c.df1, c.df2), c.cdf, 1e-11)) << c.f;
    EXPECT_TRUE(near_relative(f_sf(c.f, c.df1, c.df2), c.sf, 1e-10)) << c.f;
  }
  // F(1, nu) is the square of t(nu): P(F > t^2) = 2 P(T > t).
  for (const double df : {1.0, 4.0, 17.5, 300.0}) {
    EXPECT_TRUE(near_relative(f_sf(2.2 * 2.2, 1.0, df), 2.0 * student_t_sf(2.2, df), 1e-12)) << df;
  }
}

TEST(StatisticsSpecial, StudentizedRangeMatchesScipy) {
  struct Case {
    double q, k, df, cdf, sf;
  };
  const Case cases[] = {
      {3.5, 3.0, 10.0, 0.9228966891615896, 0.07710331083841038},   {2.0, 4.0, 20.0, 0.4945596545878861, 0.5054403454121139},
      {5.0, 5.0, 12.0, 0.9724319456296621, 0.027568054370337935},  {4.2, 10.0, 30.0, 0.8697399089052474, 0.13026009109475256},
      {6.5, 3.0, 8.0, 0.9955601413313986, 0.004439858668601415},   {3.0, 2.0, 1.0, 0.7195622019924566, 0.2804377980075434},
      {3.3, 3.0, 200.0, 0.9464520169888122, 0.053547983011187794}, {1.0, 6.0, 5.0, 0.02721150208587978, 0.9727884979141203}};
  for (const auto& c : cases) {
    EXPECT_NEAR(studentized_range_cdf(c.q, c.k, c.df), c.cdf, 1e-9) << c.q << " " << c.k << " " << c.df;
    EXPECT_NEAR(studentized_range_sf(c.q, c.k, c.df), c.sf, 1e-9) << c.q << " " << c.k << " " << c.df;
  }
  EXPECT_EQ(studentized_range_cdf(0.0, 3.0, 10.0), 0.0);
  EXPECT_EQ(studentized_range_sf(0.0, 3.0, 10.0), 1.0);
  EXPECT_THROW(studentized_range_cdf(1.0, 1.0, 10.0), std::invalid_argument);
  EXPECT_THROW(studentized_range_cdf(1.0, 3.0, 0.5), std::invalid_argument);
}

TEST(StatisticsSpecial, StudentizedRangeOfTwoIsScaledStudentT) {
  // For k = 2 the range is |Z1 - Z2| = sqrt(2) |Z|: P(Q > q) = 2 P(T > q / sqrt 2). This ties the
  // double integral to the incomplete beta, deep into the tail where relative accuracy counts.
  for (const double df : {1.0, 3.0, 12.0, 60.0}) {
    for (const double q : {0.5, 2.0, 5.0, 12.0}) {
      const double expected = 2.0 * student_t_sf(q / std::numbers::sqrt2, df);
      EXPECT_TRUE(near_relative(studentized_range_sf(q, 2.0, df), expected, 1e-8)) << q << " " << df;
      EXPECT_NEAR(studentized_range_cdf(q, 2.0, df), 1.0 - expected, 1e-10) << q << " " << df;
    }
  }
  // Infinite df: P(Q > q) = erfc(q / 2).
  EXPECT_TRUE(near_relative(studentized_range_sf(3.1, 2.0, inf), std::erfc(1.55), 1e-10));
}

TEST(StatisticsSpecial, StudentizedRangeQuantileMatchesScipy) {
  struct Case {
    double p, k, df, expected;
  };
  const Case cases[] = {{0.95, 3.0, 10.0, 3.876776750013158},
                        {0.95, 4.0, 20.0, 3.9582935609453846},
                        {0.99, 5.0, 12.0, 5.836308366059152},
                        {0.5, 3.0, 30.0, 1.6063944546834137}};
  for (const auto& c : cases) {
    EXPECT_NEAR(studentized_range_quantile(c.p, c.k, c.df), c.expected, 1e-8) << c.p << " " << c.k;
  }
}

// ---------------------------------------------------------------------------------------------
// Descriptive statistics

TEST(StatisticsDescriptive, SummaryMatchesScipy) {
  const Summary s = summarize(sample_a);
  EXPECT_EQ(s.n, 8U);
  EXPECT_NEAR(s.mean, 5.4375, 1e-14);
  EXPECT_NEAR(s.sd, 0.8105333341166703, 1e-14);
  EXPECT_NEAR(s.sem, 0.28656680846581956, 1e-14);
  EXPECT_NEAR(s.ci_low, 4.759877175000178, 1e-12);
  EXPECT_NEAR(s.ci_high, 6.115122824999822, 1e-12);
  EXPECT_EQ(mean(sample_a), s.mean);
  EXPECT_EQ(standard_deviation(sample_a), s.sd);
  EXPECT_EQ(standard_error(sample_a), s.sem);

  const Summary d = summarize(sample_d, 0.99);
  EXPECT_NEAR(d.ci_low, 3.3966887738967535, 1e-12);
  EXPECT_NEAR(d.ci_high, 5.443311226103246, 1e-12);
}

TEST(StatisticsDescriptive, RejectsTooSmallSamples) {
  const std::vector<double> empty;
  const std::vector<double> one = {1.0};
  EXPECT_THROW(mean(empty), std::invalid_argument);
  EXPECT_EQ(mean(one), 1.0);
  EXPECT_THROW(standard_deviation(one), std::invalid_argument);
  EXPECT_THROW(summarize(one), std::invalid_argument);
  EXPECT_THROW(summarize(sample_a, 1.0), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Tests

TEST(StatisticsWelch, MatchesScipy) {
  const WelchTTest w = welch_t_test(sample_a, sample_b);
  EXPECT_NEAR(w.t, -3.4603831871395383, 1e-12);
  EXPECT_NEAR(w.df, 11.609037250775906, 1e-11);
  EXPECT_TRUE(near_relative(w.p, 0.00493742598757657, 1e-9));
  EXPECT_NEAR(w.ci_low, -2.3052068243324055, 1e-12);
  EXPECT_NEAR(w.ci_high, -0.519793175667592, 1e-12);
  EXPECT_NEAR(w.mean_difference, mean(sample_a) - mean(sample_b), 1e-15);

  const WelchTTest cd = welch_t_test(sample_c, sample_d);
  EXPECT_NEAR(cd.t, 4.15049175773615, 1e-12);
  EXPECT_TRUE(near_relative(cd.p, 0.0028589931719135873, 1e-9));
}

TEST(StatisticsWelch, IsAntisymmetricAndHandlesNoVariation) {
  const WelchTTest ab = welch_t_test(sample_a, sample_b);
  const WelchTTest ba = welch_t_test(sample_b, sample_a);
  EXPECT_DOUBLE_EQ(ab.t, -ba.t);
  EXPECT_DOUBLE_EQ(ab.p, ba.p);
  EXPECT_DOUBLE_EQ(ab.df, ba.df);

  const std::vector<double> flat = {2.0, 2.0, 2.0};
  const std::vector<double> other = {3.0, 3.0};
  const WelchTTest degenerate = welch_t_test(flat, other);
  EXPECT_TRUE(std::isinf(degenerate.t));
  EXPECT_EQ(degenerate.p, 0.0);
  EXPECT_TRUE(std::isnan(welch_t_test(flat, flat).p));
  EXPECT_THROW(welch_t_test(flat, std::vector<double>{1.0}), std::invalid_argument);
}

TEST(StatisticsHolm, MatchesReferenceAndKeepsOrder) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005, 0.20, 0.04};
  const std::vector<double> expected = {0.05, 0.12, 0.12, 0.03, 0.2, 0.12};
  const std::vector<double> adjusted = holm_bonferroni(p);
  ASSERT_EQ(adjusted.size(), expected.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_NEAR(adjusted[i], expected[i], 1e-15) << i;
    EXPECT_GE(adjusted[i], p[i]);
  }
  EXPECT_EQ(holm_bonferroni(std::vector<double>{0.9, 0.8}), (std::vector<double>{1.0, 1.0}));
  EXPECT_TRUE(holm_bonferroni(std::vector<double>{}).empty());
  EXPECT_THROW(holm_bonferroni(std::vector<double>{0.1, 1.2}), std::invalid_argument);
}

TEST(StatisticsAnova, MatchesScipy) {
  const std::vector<std::vector<double>> groups = {sample_a, sample_b, sample_c, sample_d};
  const Anova a = one_way_anova(groups);
  EXPECT_NEAR(a.f, 12.850207717631655, 1e-11);
  EXPECT_TRUE(near_relative(a.p, 4.600669382142975e-05, 1e-9));
  EXPECT_EQ(a.df_between, 3.0);
  EXPECT_EQ(a.df_within, 22.0);

  const std::vector<std::vector<double>> equal = {sample_e1, sample_e2, sample_e3};
  const Anova e = one_way_anova(equal);
  EXPECT_NEAR(e.f, 7.137827822120864, 1e-11);
  EXPECT_TRUE(near_relative(e.p, 0.009073317468563076, 1e-9));
}

TEST(StatisticsAnova, TwoGroupsIsThePooledTTestAndScaleFree) {
  // With two groups F = t^2 of the pooled-variance t-test, so p = 2 P(T > |t|).
  const std::vector<std::vector<double>> two = {sample_a, sample_b};
  const Anova a = one_way_anova(two);
  const double na = 8.0;
  const double nb = 6.0;
  const double pooled =
      ((na - 1.0) * std::pow(standard_deviation(sample_a), 2) + (nb - 1.0) * std::pow(standard_deviation(sample_b), 2)) /
      (na + nb - 2.0);
  const double t = (mean(sample_a) - mean(sample_b)) / std::sqrt(pooled * (1.0 / na + 1.0 / nb));
  EXPECT_NEAR(a.f, t * t, 1e-11);
  EXPECT_TRUE(near_relative(a.p, 2.0 * student_t_sf(std::fabs(t), na + nb - 2.0), 1e-11));

  // Affine changes of all data leave F unchanged.
  std::vector<std::vector<double>> scaled = two;
  for (auto& group : scaled) {
    for (double& x : group) x = 3.0 * x - 7.0;
  }
  EXPECT_NEAR(one_way_anova(scaled).f, a.f, 1e-10);
  EXPECT_THROW(one_way_anova(std::vector<std::vector<double>>{sample_a}), std::invalid_argument);
  EXPECT_THROW(one_way_anova(std::vector<std::vector<double>>{{1.0}, {2.0}}), std::invalid_argument);
}

TEST(StatisticsAnova, DeterministicGroupsAreNotAnError) {
  // Identical runs within each group (a deterministic model): infinitely significant if the
  // group means differ, undefined if they do not.
  const std::vector<std::vector<double>> differ = {{1.0, 1.0}, {2.0, 2.0, 2.0}};
  const Anova a = one_way_anova(differ);
  EXPECT_TRUE(std::isinf(a.f));
  EXPECT_EQ(a.p, 0.0);
  const auto pairs = tukey_hsd(differ);
  ASSERT_EQ(pairs.size(), 1U);
  EXPECT_EQ(pairs[0].p, 0.0);
  EXPECT_EQ(pairs[0].mean_difference, -1.0);
  const std::vector<std::vector<double>> same = {{1.0, 1.0}, {1.0, 1.0}};
  EXPECT_TRUE(std::isnan(one_way_anova(same).p));
}

struct TukeyReference {
  std::size_t i, j;
  double difference, p, low, high;
};

void expect_tukey(const std::vector<std::vector<double>>& groups, const std::vector<TukeyReference>& expected) {
  const auto result = tukey_hsd(groups);
  ASSERT_EQ(result.size(), expected.size());
  for (std::size_t n = 0; n < expected.size(); ++n) {
    const auto& r = result[n];
    const auto& e = expected[n];
    EXPECT_EQ(r.i, e.i);
    EXPECT_EQ(r.j, e.j);
    EXPECT_NEAR(r.mean_difference, e.difference, 1e-12);
    EXPECT_NEAR(r.p, e.p, 1e-8) << e.i << "-" << e.j;
    EXPECT_NEAR(r.ci_low, e.low, 1e-8) << e.i << "-" << e.j;
    EXPECT_NEAR(r.ci_high, e.high, 1e-8) << e.i << "-" << e.j;
    EXPECT_NEAR(r.q, std::fabs(r.mean_difference) / r.standard_error, 1e-12);
  }
}

TEST(StatisticsTukey, MatchesScipyUnequalSizes) {
  expect_tukey({sample_a, sample_b, sample_c, sample_d},
               {{0, 1, -1.4124999999999988, 0.003196188972882541, -2.394945594601582, -0.43005440539841533},
                {0, 2, -0.16250000000000053, 0.9628835117814045, -1.1039922001675753, 0.7789922001675742},
                {0, 3, 1.0175, 0.055759141713708105, -0.019566942428505207, 2.0545669424285053},
                {1, 2, 1.2499999999999982, 0.011890193608699029, 0.23792629523150755, 2.262073704768489},
                {1, 3, 2.429999999999999, 2.0412247375256598e-05, 1.3284585963362756, 3.531541403663722},
                {2, 3, 1.1800000000000006, 0.026295538725825574, 0.11482316932362546, 2.2451768306763755}});
}

TEST(StatisticsTukey, MatchesScipyEqualSizes) {
  expect_tukey({sample_e1, sample_e2, sample_e3},
               {{0, 1, -4.600000000000001, 0.01444832673640073, -8.249159003581287, -0.9508409964187154},
                {0, 2, -0.26000000000000156, 0.9803107240941081, -3.9091590035812875, 3.3891590035812844},
                {1, 2, 4.34, 0.02033113673971476, 0.6908409964187139, 7.989159003581285}});
}

// ---------------------------------------------------------------------------------------------
// Effect size

TEST(StatisticsHedges, MatchesReference) {
  const EffectSize exact = hedges_g(sample_a, sample_b);
  EXPECT_NEAR(exact.cohens_d, -1.8319775054610117, 1e-13);
  EXPECT_NEAR(exact.correction, 0.935941822906475, 1e-14);
  EXPECT_NEAR(exact.hedges_g, -1.714624365984836, 1e-13);
  EXPECT_EQ(exact.df, 12.0);

  const EffectSize approx = hedges_g(sample_a, sample_b, HedgesCorrection::approximate);
  EXPECT_NEAR(approx.correction, 0.9361702127659575, 1e-15);
  EXPECT_NEAR(approx.hedges_g, -1.7150427710698832, 1e-13);

  struct Case {
    double df, j;
  };
  // Exact J from mpmath (the gammaln difference in double loses digits at large df).
  for (const Case c : {Case{2.0, 0.5641895835477563}, Case{10.0, 0.9227456080530871}, Case{100.0, 0.9924780549814448},
                       Case{1e5, 0.9999924999781249}}) {
    EXPECT_NEAR(hedges_correction(c.df), c.j, 1e-14) << c.df;
    // The approximation is close to the exact factor, and closer for larger df (error ~ df^-2).
    EXPECT_NEAR(hedges_correction(c.df, HedgesCorrection::approximate), c.j, 0.04 / (c.df * c.df)) << c.df;
  }
  EXPECT_THROW(hedges_correction(1.0), std::invalid_argument);
}

}  // namespace
}  // namespace bungner::study
