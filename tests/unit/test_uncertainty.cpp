// Parameter uncertainty (include/bungner/study/uncertainty.hpp, docs/uncertainty.md): how
// parameter sets are drawn from a posterior and from priors, and how the scorecard counts the
// coverage of its predictive intervals. tests/integration/study_uncertainty.sh runs studies.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include "bungner/study/uncertainty.hpp"
#include "bungner/validation/validation.hpp"

namespace bungner::study {
namespace {

struct TempFile {
  std::filesystem::path path;
  TempFile(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / "bungner-uncertainty-test";
    std::filesystem::create_directories(dir);
    path = dir / name;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

TEST(Uncertainty, PosteriorParticlesAreDrawnInProportionToTheirWeights) {
  const Registry registry = make_builtin_registry();
  // Weights 7 : 3 : 0 (not normalised, as a reader may be given them).
  const TempFile posterior("weights.csv",
                           "particle,weight,distance,neuron_survival.death_time_constant\n"
                           "0,0.7,1,10\n1,0.3,1,20\n2,0,1,30\n");
  const Uncertainty u = load_uncertainty(posterior.path, registry, 4000, 5);
  ASSERT_EQ(u.sets.size(), 4000U);
  std::map<double, int> count;
  for (const auto& set : u.sets) ++count[set.at(0)];
  EXPECT_EQ(count.count(30.0), 0U) << "a particle of weight 0 was drawn";
  // Binomial SD of the share at n = 4000: sqrt(0.21 / 4000) = 0.0072; 4 SD.
  EXPECT_NEAR(count[10.0] / 4000.0, 0.7, 0.029);
  EXPECT_NEAR(count[20.0] / 4000.0, 0.3, 0.029);
}

TEST(Uncertainty, SeparatePosteriorsAreDrawnIndependently) {
  const Registry registry = make_builtin_registry();
  const TempFile a("a.csv", "particle,weight,distance,neuron_survival.death_time_constant\n0,1,0,10\n1,1,0,20\n");
  const TempFile b("b.csv", "particle,weight,distance,neuron_survival.death_onset\n0,1,0,1\n1,1,0,2\n");
  const TempFile file("two.toml", "[uncertainty]\ndraws = 4000\nposterior = [\"a.csv\", \"b.csv\"]\n");
  const Uncertainty u = load_uncertainty(file.path, registry, 0, 1);
  ASSERT_EQ(u.names, (std::vector<std::string>{"neuron_survival.death_time_constant", "neuron_survival.death_onset"}));
  std::map<std::pair<double, double>, int> count;
  for (const auto& set : u.sets) ++count[{set.at(0), set.at(1)}];
  ASSERT_EQ(count.size(), 4U) << "a combination of the two posteriors' particles never occurs";
  for (const auto& [pair, n] : count) EXPECT_NEAR(n / 4000.0, 0.25, 0.03);  // 4 SD of a share of 1/4 at n = 4000
  const TempFile again("again.csv", "particle,weight,distance,neuron_survival.death_onset\n0,1,0,3\n");
  const TempFile both("both.toml", "[uncertainty]\ndraws = 2\nposterior = [\"b.csv\", \"again.csv\"]\n");
  EXPECT_THROW((void)load_uncertainty(both.path, registry, 0, 1), InputError) << "a parameter in two posteriors";
}

TEST(Uncertainty, PriorDrawsFollowThePrior) {
  const Registry registry = make_builtin_registry();
  const TempFile file("priors.toml", R"([uncertainty]
draws = 4000
seed = 3
[[uncertainty.parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
low = "0.2"
high = "0.5"
[[uncertainty.parameters]]
name = "neuron_survival.death_time_constant"
prior = "lognormal"
median = "13.4 d"
sigma = 0.3
low = "3 d"
high = "100 d"
)");
  const Uncertainty u = load_uncertainty(file.path, registry, 0, 1);
  ASSERT_EQ(u.names.size(), 2U);
  EXPECT_EQ(u.units[1], "d");
  double sum = 0, sum2 = 0, log_sum = 0;
  for (const auto& set : u.sets) {
    ASSERT_GE(set[0], 0.2);
    ASSERT_LE(set[0], 0.5);
    sum += set[0], sum2 += set[0] * set[0];
    log_sum += std::log(set[1]);
  }
  const double n = 4000, mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  // Uniform(0.2, 0.5): mean 0.35, SD 0.3 / sqrt(12) = 0.0866; the mean's SE is 0.0014.
  EXPECT_NEAR(mean, 0.35, 0.006);
  EXPECT_NEAR(sd, 0.0866, 0.004);
  // Lognormal, median 13.4 d, sigma 0.3 (the truncation at 3 and 100 d is 5 and 7 sigma away).
  EXPECT_NEAR(log_sum / n, std::log(13.4), 0.3 / std::sqrt(n) * 4);
}

TEST(Uncertainty, EachDrawDependsOnlyOnTheSeedAndItsIndex) {
  const Registry registry = make_builtin_registry();
  const TempFile file("index.toml", R"([uncertainty]
draws = 5
seed = 11
[[uncertainty.parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
)");
  Uncertainty five = load_uncertainty(file.path, registry, 0, 1);
  Uncertainty ten = load_uncertainty(file.path, registry, 10, 1);
  for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(five.sets[k], ten.sets[k]) << "draw " << k;
  EXPECT_NE(ten.sets[5], ten.sets[6]);
  five.seed = 12;
  const auto before = five.sets;
  five.draw(5);
  EXPECT_NE(five.sets, before) << "another seed drew the same sets";
}

TEST(Uncertainty, ProblemsAreReportedAtTheirPlace) {
  const Registry registry = make_builtin_registry();
  const TempFile file("problems.toml", R"([uncertainty]
draw = 5
[[uncertainty.parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
low = "0.5"
high = "0.4"
[[uncertainty.parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
)");
  try {
    (void)load_uncertainty(file.path, registry, 0, 1);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    std::string all;
    for (const Diagnostic& d : e.diagnostics()) all += d.key + ": " + d.message + "\n";
    EXPECT_NE(all.find("draws"), std::string::npos) << all;                           // missing, and 'draw' unknown
    EXPECT_NE(all.find("uncertainty.parameters.0.prior"), std::string::npos) << all;  // low > high
    EXPECT_NE(all.find("named twice"), std::string::npos) << all;
  }
  const TempFile header("header.csv", "particle,weight,neuron_survival.death_time_constant\n0,1,10\n");
  EXPECT_THROW((void)load_uncertainty(header.path, registry, 3, 1), InputError);
  const TempFile weights("zero.csv", "particle,weight,distance,neuron_survival.death_time_constant\n0,0,1,10\n");
  EXPECT_THROW((void)load_uncertainty(weights.path, registry, 3, 1), InputError);
}

TEST(Uncertainty, DeclaredPatternsDrawFromThePlausibleRanges) {
  const Registry registry = make_builtin_registry();
  // maturation_time_constant (fitted, plausible 30..240 d) is named explicitly and keeps its
  // lognormal prior; the pattern adds the crush constant (assumption, 7..60 d) and the CV
  // (assumption, 0.05..0.5), log-uniform over their plausible ranges.
  const TempFile file("declared.toml", R"([uncertainty]
draws = 4000
declared = ["muscle_target.maturation_time_constant*"]
declared_prior = "log_uniform"
[[uncertainty.parameters]]
name = "muscle_target.maturation_time_constant"
prior = "lognormal"
median = "60 d"
sigma = 0.1
)");
  const Uncertainty u = load_uncertainty(file.path, registry, 0, 1);
  ASSERT_EQ(u.names, (std::vector<std::string>{"muscle_target.maturation_time_constant",
                                               "muscle_target.maturation_time_constant_between_subject_cv",
                                               "muscle_target.maturation_time_constant_crush"}));
  std::vector<double> explicit_log, cv, crush;
  for (const auto& set : u.sets) {
    explicit_log.push_back(std::log(set.at(0)));
    cv.push_back(set.at(1));
    crush.push_back(set.at(2));
  }
  const auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); };
  EXPECT_NEAR(mean(explicit_log), std::log(60.0), 0.01) << "the explicit prior was replaced by the pattern's";
  EXPECT_GE(*std::min_element(crush.begin(), crush.end()), 7.0);
  EXPECT_LE(*std::max_element(crush.begin(), crush.end()), 60.0);
  // Log-uniform on [a, b]: ln x uniform, mean (ln a + ln b) / 2, SD (ln b - ln a) / sqrt(12).
  std::vector<double> log_crush;
  for (double x : crush) log_crush.push_back(std::log(x));
  const double sd = (std::log(60.0) - std::log(7.0)) / std::sqrt(12.0);
  EXPECT_NEAR(mean(log_crush), (std::log(7.0) + std::log(60.0)) / 2, 4 * sd / std::sqrt(4000.0));
  const double cv_sd = (std::log(0.5) - std::log(0.05)) / std::sqrt(12.0);
  std::vector<double> log_cv;
  for (double x : cv) log_cv.push_back(std::log(x));
  EXPECT_NEAR(mean(log_cv), (std::log(0.05) + std::log(0.5)) / 2, 4 * cv_sd / std::sqrt(4000.0));

  // sources: only the parameters declared `assumption`; a pattern that then matches nothing is
  // an error, as are a mistyped pattern and an unknown prior kind, each at its place.
  const TempFile only("assumptions.toml", R"([uncertainty]
draws = 2
declared = ["muscle_target.maturation_time_constant*"]
sources = "assumption"
)");
  const Uncertainty a = load_uncertainty(only.path, registry, 0, 1);
  EXPECT_EQ(a.names, (std::vector<std::string>{"muscle_target.maturation_time_constant_between_subject_cv",
                                               "muscle_target.maturation_time_constant_crush"}));
  // Numerical settings are never drawn: a pattern over the site leaves its time step and
  // coarse-graining alone.
  const TempFile site("site.toml", "[uncertainty]\ndraws = 1\ndeclared = [\"injury_site.*\"]\n");
  const Uncertainty s = load_uncertainty(site.path, registry, 0, 1);
  EXPECT_GT(s.names.size(), 10U);
  for (const char* numerical : {"injury_site.transport_steps_per_hour", "injury_site.schwann_cells_per_agent"})
    EXPECT_EQ(std::count(s.names.begin(), s.names.end(), numerical), 0) << numerical;
  EXPECT_EQ(std::count(s.names.begin(), s.names.end(), "injury_site.oxygen_diffusivity"), 1);
  const TempFile bad("declared-bad.toml", R"([uncertainty]
draws = 2
sources = "fitted"
declared = ["muscle_target.maturation_time_constant_crush", "muscle_target.maturaton_time_constant"]
declared_prior = "normal"
)");
  try {
    (void)load_uncertainty(bad.path, registry, 0, 1);
    FAIL() << "bad declared patterns were accepted";
  } catch (const InputError& e) {
    std::string all;
    for (const Diagnostic& d : e.diagnostics())
      all += fmt::format("{}:{}: {}: {}\n", d.where.line, d.where.column, d.key, d.message);
    EXPECT_NE(all.find("4:13: uncertainty.declared: 'muscle_target.maturation_time_constant_crush' matches 1 parameter(s), "
                       "none of sources = \"fitted\""),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("4:61: uncertainty.declared: 'muscle_target.maturaton_time_constant' matches no parameter; did you "
                       "mean 'muscle_target.maturation_time_constant'?"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("5:18: uncertainty.declared_prior"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace bungner::study

namespace bungner::validation {
namespace {

TEST(ScorecardCoverage, CountsObservedValuesInsideTheIntervalsPerSplit) {
  Scorecard card;
  const auto score = [&](bool test, double observed, double low, double high) {
    Score s;
    s.test = test;
    s.observed_value = observed;
    s.predictive = Interval{low, high};
    card.scores.push_back(s);
  };
  score(true, 10, 8, 12);   // inside, width 0.4
  score(true, 20, 21, 25);  // outside, width 0.2
  score(true, 50, 40, 60);  // inside, width 0.4
  score(false, 5, 0, 1);    // fit: outside, width 0.2
  Score ordering;           // no interval: not counted
  ordering.test = true;
  card.scores.push_back(ordering);
  ASSERT_TRUE(card.uncertain());
  const Coverage test = card.coverage(true), fit = card.coverage(false);
  EXPECT_EQ(test.total, 3U);
  EXPECT_EQ(test.inside, 2U);
  EXPECT_DOUBLE_EQ(test.coverage_90, 2.0 / 3.0);
  EXPECT_NEAR(test.sharpness, (0.4 + 0.2 + 0.4) / 3, 1e-12);
  EXPECT_EQ(fit.inside, 0U);
  EXPECT_DOUBLE_EQ(fit.sharpness, 0.2);
  const std::string json = scorecard_json(card);
  EXPECT_NE(json.find("\"coverage_90\": 0.666667"), std::string::npos) << json;
  EXPECT_NE(json.find("\"coverage_checks\": 3"), std::string::npos) << json;
  EXPECT_EQ(scorecard_json(Scorecard{}).find("coverage"), std::string::npos) << "coverage without uncertainty";
}

}  // namespace
}  // namespace bungner::validation
