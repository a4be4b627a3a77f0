// calibration.json and report.html of `bungner calibrate` (include/bungner/calibration/report.hpp)
// on a population made by hand, whose weighted marginals are computed here independently.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "bungner/calibration/report.hpp"

namespace bungner::calibration {
namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// Three parameters (uniform, log-uniform, normal) and 7 particles with unequal weights.
struct Fixture {
  CalibrationSpec spec;
  Result result;
  Fixture() {
    spec.path = "fixture.toml";
    spec.title = "A <fixture> & co";
    spec.priors = {Prior{"a.fraction", PriorKind::uniform, 0, 1}, Prior{"b.time", PriorKind::log_uniform, 1, 100},
                   Prior{"c.speed", PriorKind::normal, -5, 5, 0.5, 2}};
    spec.units = {"1", "d", "mm/day"};
    spec.fit = {FitEntry{"E25", 1, {}}, FitEntry{"E26.2", 0.5, {}}};
    spec.options.particles = 7;
    spec.options.seed = 3;
    Generation g0;
    g0.tolerance = std::numeric_limits<double>::infinity();
    g0.evaluations = g0.proposals = 7;
    g0.acceptance_rate = 1;
    g0.ess = 7;
    Generation g1;
    g1.index = 1;
    g1.tolerance = 0.75;
    g1.evaluations = 20, g1.proposals = 23;
    g1.acceptance_rate = 0.35;
    const double w[] = {3, 1, 4, 1, 5, 9, 2};
    const double total = std::accumulate(std::begin(w), std::end(w), 0.0);
    for (int i = 0; i < 7; ++i) {
      Particle p;
      p.x = {0.1 + 0.1 * i, std::exp(0.5 * i), -1.0 + 0.3 * (i % 4)};
      for (std::size_t k = 0; k < 3; ++k) p.z.push_back(spec.priors[k].to_z(p.x[k]));
      p.weight = w[i] / total;
      p.distance = 0.1 * i;
      g1.population.push_back(p);
    }
    g0.population = g1.population;
    result.generations = {g0, g1};
    result.stop_reason = "max_generations";
  }
};

TEST(CalibrationJson, MarginalsAreTheWeightedOnesOfTheLastPopulation) {
  const Fixture f;
  const auto j = nlohmann::json::parse(calibration_json(f.result, f.spec, "abc123"));
  EXPECT_EQ(j["file_sha256"], "abc123");
  EXPECT_EQ(j["stop_reason"], "max_generations");
  EXPECT_TRUE(j.contains("git_commit"));
  ASSERT_EQ(j["parameters"].size(), 3u);
  const auto& pop = f.result.posterior().population;
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& p = j["parameters"][k];
    EXPECT_EQ(p["name"], f.spec.priors[k].name);
    EXPECT_EQ(p["unit"], f.spec.units[k]);
    // Computed here without marginal(): weighted mean and SD, and the smallest value whose
    // cumulative weight reaches the level.
    double mean = 0;
    for (const Particle& q : pop) mean += q.weight * q.x[k];
    double var = 0;
    for (const Particle& q : pop) var += q.weight * (q.x[k] - mean) * (q.x[k] - mean);
    std::vector<std::pair<double, double>> sorted;
    for (const Particle& q : pop) sorted.emplace_back(q.x[k], q.weight);
    std::sort(sorted.begin(), sorted.end());
    auto level = [&](double q) {
      double c = 0;
      for (const auto& [x, w] : sorted)
        if ((c += w) >= q - 1e-12) return x;
      return sorted.back().first;
    };
    EXPECT_NEAR(p["mean"].get<double>(), mean, 1e-12 * std::max(1.0, std::abs(mean))) << p["name"];
    EXPECT_NEAR(p["sd"].get<double>(), std::sqrt(var), 1e-12 * std::max(1.0, std::sqrt(var))) << p["name"];
    EXPECT_EQ(p["q05"].get<double>(), level(0.05)) << p["name"];
    EXPECT_EQ(p["q50"].get<double>(), level(0.5)) << p["name"];
    EXPECT_EQ(p["q95"].get<double>(), level(0.95)) << p["name"];
    EXPECT_LE(p["q05"].get<double>(), p["q50"].get<double>());
    EXPECT_LE(p["q50"].get<double>(), p["q95"].get<double>());
  }
  EXPECT_EQ(j["parameters"][1]["prior"]["kind"], "log_uniform");
  EXPECT_EQ(j["parameters"][2]["prior"]["sd"], 2);
  ASSERT_EQ(j["generations"].size(), 2u);
  EXPECT_TRUE(j["generations"][0]["tolerance"].is_null());  // infinite: the prior generation
  EXPECT_EQ(j["generations"][1]["tolerance"], 0.75);
  EXPECT_EQ(j["generations"][1]["proposals"], 23);
  EXPECT_EQ(j["fit"][1]["entry"], "E26.2");
}

TEST(CalibrationReport, OneWeightedHistogramPerParameterAndOneScatterPerPair) {
  const Fixture f;
  const std::string html = calibration_report_html(f.result, f.spec, "abc123");
  EXPECT_EQ(occurrences(html, "<figure class=\"histogram\""), 3u);
  EXPECT_EQ(occurrences(html, "<figure class=\"scatter\""), 3u);  // 3 parameters: 3 pairs
  EXPECT_EQ(occurrences(html, "<circle class=\"particle\""), 3u * 7u);
  EXPECT_EQ(occurrences(html, "<line class=\"quantile\""), 3u * 3u);
  EXPECT_EQ(occurrences(html, "<svg "), 6u);
  EXPECT_EQ(occurrences(html, "</svg>"), 6u);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // static: nothing to run or fetch
  EXPECT_NE(html.find("A &lt;fixture&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(html.find("<fixture>"), std::string::npos);
  // Each histogram's bars carry the whole weight.
  std::size_t at = 0;
  for (int h = 0; h < 3; ++h) {
    at = html.find("<figure class=\"histogram\"", at);
    const std::size_t end = html.find("</figure>", at);
    double sum = 0;
    std::size_t bars = 0;
    for (std::size_t b = html.find("data-weight=\"", at); b < end; b = html.find("data-weight=\"", b + 1)) {
      sum += std::stod(html.substr(b + 13));
      ++bars;
    }
    EXPECT_EQ(bars, 5u);  // sqrt(7) rounds to 3, raised to the minimum of 5 bins
    EXPECT_NEAR(sum, 1.0, 1e-12);
    at = end;
  }
  // One parameter: no pairs.
  Fixture one;
  one.spec.priors.resize(1);
  one.spec.units.resize(1);
  const std::string single = calibration_report_html(one.result, one.spec, "abc123");
  EXPECT_EQ(occurrences(single, "<figure class=\"histogram\""), 1u);
  EXPECT_EQ(occurrences(single, "<figure class=\"scatter\""), 0u);
}

}  // namespace
}  // namespace bungner::calibration
