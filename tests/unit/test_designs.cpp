// Tests for the study designs (factorial, Latin hypercube, Sobol, scaling, CSV tables) and the
// sensitivity analyses (Morris, Sobol indices). Sobol points are scipy's
// (tests/reference/make_statistics_reference.py); the sensitivity tests use analytic answers.
#include "bungner/core/errors.hpp"
#include "bungner/study/designs.hpp"
#include "bungner/study/sensitivity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bungner::study {
namespace {

// ---------------------------------------------------------------------------------------------
// Full factorial

TEST(DesignFactorial, EnumeratesWithTheLastFactorFastest) {
  const Points points = full_factorial({{1.0, 2.0}, {10.0, 20.0, 30.0}});
  const Points expected = {{1, 10}, {1, 20}, {1, 30}, {2, 10}, {2, 20}, {2, 30}};
  EXPECT_EQ(points, expected);
  EXPECT_EQ(full_factorial({{1.0, 2.0}, {3.0}, {4.0, 5.0, 6.0}, {7.0, 8.0}}).size(), 12U);
  EXPECT_TRUE(full_factorial({}).empty());
  EXPECT_THROW(full_factorial({{1.0}, {}}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Latin hypercube

void expect_one_point_per_stratum(const Points& points, std::size_t n, std::size_t dims) {
  ASSERT_EQ(points.size(), n);
  for (std::size_t d = 0; d < dims; ++d) {
    std::vector<int> count(n, 0);
    for (const auto& point : points) {
      ASSERT_EQ(point.size(), dims);
      ASSERT_GE(point[d], 0.0);
      ASSERT_LT(point[d], 1.0);
      ++count[static_cast<std::size_t>(std::floor(point[d] * static_cast<double>(n)))];
    }
    for (std::size_t s = 0; s < n; ++s) EXPECT_EQ(count[s], 1) << "dimension " << d << " stratum " << s;
  }
}

TEST(DesignLatinHypercube, EachStratumOfEachDimensionHoldsExactlyOnePoint) {
  for (const std::size_t n : {1U, 2U, 3U, 37U, 1000U}) {
    expect_one_point_per_stratum(latin_hypercube(n, 6, RandomKey{.seed = 11, .run = n}), n, 6);
  }
  const Points centred = latin_hypercube(10, 3, RandomKey{.seed = 5}, true);
  expect_one_point_per_stratum(centred, 10, 3);
  for (const auto& point : centred) {
    for (const double x : point) EXPECT_NEAR(std::fmod(x * 10.0, 1.0), 0.5, 1e-12);
  }
}

TEST(DesignLatinHypercube, IsDeterministicPerKeyAndStableInEarlierDimensions) {
  const RandomKey key{.seed = 2024, .run = 3};
  const Points a = latin_hypercube(50, 4, key);
  EXPECT_EQ(a, latin_hypercube(50, 4, key));
  EXPECT_NE(a, latin_hypercube(50, 4, RandomKey{.seed = 2025, .run = 3}));
  const Points wider = latin_hypercube(50, 7, key);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t d = 0; d < 4; ++d) EXPECT_EQ(wider[i][d], a[i][d]);
  }
  // The columns are not all the same permutation.
  std::size_t same = 0;
  for (const auto& point : a) same += std::floor(point[0] * 50) == std::floor(point[1] * 50) ? 1 : 0;
  EXPECT_LT(same, 10U);
}

// ---------------------------------------------------------------------------------------------
// Sobol sequence

TEST(DesignSobol, FirstPointsMatchScipyInTwentyOneDimensions) {
  // scipy.stats.qmc.Sobol(d=21, scramble=False).random(8)
  const Points expected = {
      {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.75, 0.75, 0.75,
       0.75, 0.25, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.25},
      {0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25, 0.25, 0.25, 0.25,
       0.25, 0.75, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.75},
      {0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875, 0.875, 0.625, 0.875,
       0.375, 0.375, 0.625, 0.375, 0.875, 0.375, 0.875, 0.875, 0.125, 0.125},
      {0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375, 0.375, 0.125, 0.375,
       0.875, 0.875, 0.125, 0.875, 0.375, 0.875, 0.375, 0.375, 0.625, 0.625},
      {0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125, 0.125, 0.375, 0.125,
       0.625, 0.125, 0.875, 0.625, 0.625, 0.625, 0.625, 0.125, 0.375, 0.375},
      {0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625, 0.625, 0.875, 0.625,
       0.125, 0.625, 0.375, 0.125, 0.125, 0.125, 0.125, 0.625, 0.875, 0.875}};
  EXPECT_EQ(sobol_sequence(8, 21), expected);
}

TEST(DesignSobol, LaterPointsMatchScipyInTheLastDimensions) {
  // Sobol(d=256, scramble=False) fast-forwarded to point 1000; dimensions 250..256 (1-based).
  const Points expected = {{0.4072265625, 0.7060546875, 0.1708984375, 0.3798828125, 0.5888671875, 0.4345703125, 0.2490234375},
                           {0.9072265625, 0.2060546875, 0.6708984375, 0.8798828125, 0.0888671875, 0.9345703125, 0.7490234375},
                           {0.1572265625, 0.9560546875, 0.9208984375, 0.1298828125, 0.3388671875, 0.6845703125, 0.9990234375}};
  const Points points = sobol_sequence(3, sobol_max_dimensions, 1000);
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t d = 0; d < 7; ++d) EXPECT_EQ(points[i][249 + d], expected[i][d]) << i << " " << d;
  }
}

TEST(DesignSobol, EveryDimensionIsBalancedAndSkippingIsConsistent) {
  // Each one-dimensional projection of the first 2^m points puts one point in each interval
  // [j 2^-m, (j+1) 2^-m).
  constexpr std::size_t m = 10;
  constexpr std::size_t n = std::size_t{1} << m;
  const Points points = sobol_sequence(n, sobol_max_dimensions);
  for (std::size_t d = 0; d < sobol_max_dimensions; ++d) {
    std::vector<int> count(n, 0);
    for (const auto& point : points) ++count[static_cast<std::size_t>(point[d] * static_cast<double>(n))];
    EXPECT_EQ(std::count(count.begin(), count.end(), 1), static_cast<long>(n)) << "dimension " << d;
  }
  const Points tail = sobol_sequence(37, 9, 987);
  for (std::size_t i = 0; i < tail.size(); ++i) {
    for (std::size_t d = 0; d < 9; ++d) EXPECT_EQ(tail[i][d], points[987 + i][d]);
  }
  EXPECT_THROW(sobol_sequence(4, 0), std::invalid_argument);
  EXPECT_THROW(sobol_sequence(4, sobol_max_dimensions + 1), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Scaling

TEST(DesignScale, MapsTheUnitIntervalOntoRanges) {
  const ParameterRange linear{.name = "a", .unit = "mm", .low = 2.0, .high = 6.0};
  const ParameterRange logarithmic{.name = "b", .low = 0.01, .high = 100.0, .scale = Scale::log_uniform};
  EXPECT_EQ(scale_value(0.0, linear), 2.0);
  EXPECT_EQ(scale_value(0.25, linear), 3.0);
  EXPECT_EQ(scale_value(1.0, linear), 6.0);
  EXPECT_EQ(scale_value(0.0, logarithmic), 0.01);
  EXPECT_NEAR(scale_value(0.5, logarithmic), 1.0, 1e-15);
  EXPECT_NEAR(scale_value(0.75, logarithmic), 10.0, 1e-13);
  EXPECT_EQ(scale_value(1.0, logarithmic), 100.0);

  const std::vector<ParameterRange> ranges = {linear, logarithmic};
  const Points scaled = scale_points({{0.5, 0.25}}, ranges);
  EXPECT_EQ(scaled[0][0], 4.0);
  EXPECT_NEAR(scaled[0][1], 0.1, 1e-15);
  EXPECT_THROW(scale_points({{0.5}}, ranges), std::invalid_argument);
  EXPECT_THROW(validate(ParameterRange{.name = "c", .low = 0.0, .high = 1.0, .scale = Scale::log_uniform}),
               std::invalid_argument);
  EXPECT_THROW(validate(ParameterRange{.name = "c", .low = 2.0, .high = 1.0}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// CSV design tables

TEST(DesignCsv, HeadersCarryUnits) {
  EXPECT_EQ(column_header("axon_regeneration.speed", "mm/day"), "axon_regeneration.speed [mm/day]");
  EXPECT_EQ(column_header("neuron_survival.fraction", ""), "neuron_survival.fraction");
  EXPECT_EQ(split_column_header("axon_regeneration.speed [mm/day]"),
            (std::pair<std::string, std::string>{"axon_regeneration.speed", "mm/day"}));
  EXPECT_EQ(split_column_header(" n "), (std::pair<std::string, std::string>{"n", ""}));
}

TEST(DesignCsv, RoundTripsExactly) {
  const std::vector<ParameterRange> ranges = {
      {.name = "axon_regeneration.speed", .unit = "mm/day", .low = 0.5, .high = 3.0},
      {.name = "schwann_support.decay", .unit = "1/day", .low = 1e-3, .high = 1.0, .scale = Scale::log_uniform},
      {.name = "muscle_target.count", .unit = "", .low = 1.0, .high = 9.0}};
  const Points values = scale_points(latin_hypercube(25, 3, RandomKey{.seed = 9}), ranges);
  const DesignTable table = make_design_table(ranges, values);
  std::ostringstream out;
  write_design_csv(out, table);
  const std::string text = out.str();
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "row,axon_regeneration.speed [mm/day],schwann_support.decay [1/day],muscle_target.count");
  EXPECT_EQ(text.substr(text.find('\n') + 1, 2), "0,");

  std::istringstream in(text);
  const DesignTable back = read_design_csv(in);
  EXPECT_EQ(back.columns, table.columns);
  EXPECT_EQ(back.rows, table.rows);  // bit-exact: shortest round-trip formatting
}

TEST(DesignCsv, AcceptsQuotesAndCrLf) {
  std::istringstream in("row,\"odd, name [mm]\",b\r\n0,1.5,2\r\n1, 3 ,4e-3\r\n\r\n");
  const DesignTable table = read_design_csv(in);
  EXPECT_EQ(table.columns, (std::vector<std::string>{"odd, name [mm]", "b"}));
  EXPECT_EQ(table.rows, (Points{{1.5, 2.0}, {3.0, 4e-3}}));
}

TEST(DesignCsv, RejectsMalformedTables) {
  const auto read = [](const std::string& text) {
    std::istringstream in(text);
    return read_design_csv(in, "bad.csv");
  };
  EXPECT_THROW(read(""), InputError);
  EXPECT_THROW(read("index,a\n0,1\n"), InputError);  // first column must be row
  EXPECT_THROW(read("row,a\n1,1\n"), InputError);    // rows count from 0
  EXPECT_THROW(read("row,a\n0,1\n0,2\n"), InputError);
  EXPECT_THROW(read("row,a\n0,abc\n"), InputError);
  EXPECT_THROW(read("row,a\n0,1,2\n"), InputError);      // field count
  EXPECT_THROW(read("row,a\n0,\n"), InputError);         // empty value
  EXPECT_THROW(read("row,a [mm],a [m]\n"), InputError);  // duplicate parameter
  EXPECT_THROW(read("row,\"a\n"), InputError);           // unterminated quote
  try {
    read("row,a,b\n0,1,2\n1,1,x\n");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U);
    EXPECT_EQ(e.diagnostics()[0].where.file, "bad.csv");
    EXPECT_EQ(e.diagnostics()[0].where.line, 3);
    EXPECT_EQ(e.diagnostics()[0].where.column, 5);
    EXPECT_EQ(e.diagnostics()[0].key, "b");
  }
}

// ---------------------------------------------------------------------------------------------
// Morris

TEST(SensitivityMorris, TrajectoriesStepEachParameterOnceOnTheGrid) {
  const MorrisOptions options{.trajectories = 7, .levels = 6, .key = {.seed = 3}};
  const MorrisDesign design = morris_design(5, options);
  ASSERT_EQ(design.unit_points.size(), 7U * 6U);
  const double delta = 6.0 / (2.0 * 5.0);
  for (std::size_t t = 0; t < 7; ++t) {
    std::set<std::size_t> stepped;
    for (std::size_t s = 0; s <= 5; ++s) {
      const auto& point = design.unit_points[t * 6 + s];
      for (const double x : point) {
        EXPECT_GE(x, 0.0);
        EXPECT_LE(x, 1.0);
        EXPECT_NEAR(x * 5.0, std::round(x * 5.0), 1e-12);  // on the grid {0, 1/5, ..., 1}
      }
      if (s == 0) continue;
      const auto& before = design.unit_points[t * 6 + s - 1];
      std::size_t changed = 0;
      for (std::size_t i = 0; i < 5; ++i) {
        if (point[i] != before[i]) {
          ++changed;
          stepped.insert(i);
          EXPECT_NEAR(std::fabs(point[i] - before[i]), delta, 1e-12);
        }
      }
      EXPECT_EQ(changed, 1U);
    }
    EXPECT_EQ(stepped.size(), 5U);
  }
  EXPECT_EQ(morris_design(5, options).unit_points, design.unit_points);
  EXPECT_THROW(morris_design(5, MorrisOptions{.levels = 5}), std::invalid_argument);
  EXPECT_THROW(morris_design(5, MorrisOptions{.trajectories = 1}), std::invalid_argument);
}

TEST(SensitivityMorris, LinearModelGivesAbsoluteCoefficients) {
  const std::vector<double> coefficients = {2.0, -3.0, 0.0, 0.5};
  const ModelFunction linear = [&](const std::vector<double>& x) {
    double y = 1.0;
    for (std::size_t i = 0; i < x.size(); ++i) y += coefficients[i] * x[i];
    return y;
  };
  const std::vector<ParameterRange> unit(4, ParameterRange{.name = "x", .low = 0.0, .high = 1.0});
  const MorrisIndices result = morris(linear, unit, {.trajectories = 12, .levels = 4, .key = {.seed = 1}});
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(result.mu_star[i], std::fabs(coefficients[i]), 1e-12) << i;
    EXPECT_NEAR(result.mu[i], coefficients[i], 1e-12) << i;
    EXPECT_NEAR(result.sigma[i], 0.0, 1e-12) << i;
  }
  // Effects are per unit of the normalised input: a range of width 10 multiplies them by 10.
  std::vector<ParameterRange> wide = unit;
  wide[1].high = 10.0;
  const MorrisIndices scaled = morris(linear, wide, {.trajectories = 4, .levels = 4});
  EXPECT_NEAR(scaled.mu_star[1], 30.0, 1e-11);
}

TEST(SensitivityMorris, InteractionShowsAsSigma) {
  // y = x0 * x1 + x2: the effects of x0 and x1 vary along the trajectories, that of x2 does not.
  const ModelFunction model = [](const std::vector<double>& x) { return x[0] * x[1] + x[2]; };
  const std::vector<ParameterRange> unit(3, ParameterRange{.name = "x", .low = 0.0, .high = 1.0});
  const MorrisIndices result = morris(model, unit, {.trajectories = 20, .levels = 4, .key = {.seed = 8}});
  EXPECT_GT(result.sigma[0], 0.1);
  EXPECT_GT(result.sigma[1], 0.1);
  EXPECT_NEAR(result.sigma[2], 0.0, 1e-12);
  EXPECT_NEAR(result.mu_star[2], 1.0, 1e-12);
  std::vector<double> outputs(result.elementary_effects.size());
  EXPECT_THROW(morris_analyze(morris_design(3, {.trajectories = 20}), outputs), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Sobol indices

double ishigami(const std::vector<double>& x) {
  return std::sin(x[0]) + 7.0 * std::pow(std::sin(x[1]), 2) + 0.1 * std::pow(x[2], 4) * std::sin(x[0]);
}

std::vector<ParameterRange> ishigami_ranges() {
  return std::vector<ParameterRange>(3, ParameterRange{.name = "x", .low = -std::numbers::pi, .high = std::numbers::pi});
}

// Analytic indices of the Ishigami function, a = 7, b = 0.1.
constexpr double ishigami_first[] = {0.31390519114781146, 0.4424111447900409, 0.0};
constexpr double ishigami_total[] = {0.5575888552099592, 0.4424111447900409, 0.2436836640621477};

TEST(SensitivitySobol, IshigamiWithTheSobolSequence) {
  const SobolIndices s = sobol_indices(ishigami, ishigami_ranges(), {.base_samples = 8192});
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first_order[i], ishigami_first[i], 0.03) << i;
    EXPECT_NEAR(s.total_order[i], ishigami_total[i], 0.03) << i;
  }
  // Analytic mean a/2 and variance a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
  const double pi4 = std::pow(std::numbers::pi, 4);
  EXPECT_NEAR(s.mean, 3.5, 0.05);
  EXPECT_NEAR(s.variance, 49.0 / 8.0 + 0.1 * pi4 / 5.0 + 0.01 * pi4 * pi4 / 18.0 + 0.5, 0.2);
  EXPECT_TRUE(s.first_order_conf.empty());
}

TEST(SensitivitySobol, IshigamiWithRandomSamplingAndBootstrap) {
  const SobolOptions options{
      .base_samples = 16384, .sampling = SaltelliSampling::random, .key = {.seed = 77}, .bootstrap_resamples = 50};
  const SobolIndices s = sobol_indices(ishigami, ishigami_ranges(), options);
  ASSERT_EQ(s.first_order_conf.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first_order[i], ishigami_first[i], 0.03) << i;
    EXPECT_NEAR(s.total_order[i], ishigami_total[i], 0.03) << i;
    EXPECT_GT(s.first_order_conf[i], 0.0);
    EXPECT_LT(s.first_order_conf[i], 0.05);
    EXPECT_GT(s.total_order_conf[i], 0.0);
    EXPECT_LT(s.total_order_conf[i], 0.05);
  }
  // Deterministic from the key.
  const SobolIndices again = sobol_indices(ishigami, ishigami_ranges(), options);
  EXPECT_EQ(again.first_order, s.first_order);
  EXPECT_EQ(again.first_order_conf, s.first_order_conf);
}

TEST(SensitivitySobol, AdditiveModelHasEqualFirstAndTotalIndices) {
  // y = sum c_i x_i on [0,1]^3: S_i = c_i^2 / sum c_j^2, no interactions.
  const std::vector<double> c = {1.0, 2.0, 3.0};
  const ModelFunction model = [&](const std::vector<double>& x) { return c[0] * x[0] + c[1] * x[1] + c[2] * x[2]; };
  const std::vector<ParameterRange> unit(3, ParameterRange{.name = "x", .low = 0.0, .high = 1.0});
  const SobolIndices s = sobol_indices(model, unit, {.base_samples = 4096});
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first_order[i], c[i] * c[i] / 14.0, 0.01) << i;
    EXPECT_NEAR(s.total_order[i], c[i] * c[i] / 14.0, 0.01) << i;
  }
}

TEST(SensitivitySobol, DesignLayoutAndTables) {
  const SaltelliDesign design = saltelli_design(2, {.base_samples = 4});
  ASSERT_EQ(design.unit_points.size(), 4U * 4U);
  for (std::size_t j = 0; j < 4; ++j) {
    const auto& a = design.unit_points[j];
    const auto& b = design.unit_points[4 + j];
    EXPECT_EQ(design.unit_points[8 + j], (std::vector<double>{b[0], a[1]}));   // AB_0
    EXPECT_EQ(design.unit_points[12 + j], (std::vector<double>{a[0], b[1]}));  // AB_1
  }
  EXPECT_THROW(sobol_analyze(design, std::vector<double>(15, 0.0)), std::invalid_argument);
  EXPECT_THROW(saltelli_design(129, {}), std::invalid_argument);  // 258 > 256 Sobol dimensions

  const std::vector<ParameterRange> ranges = {{.name = "a.speed", .unit = "mm/day"}, {.name = "b"}};
  std::ostringstream out;
  write_sobol_csv(out, ranges, SobolIndices{.first_order = {0.25, 0.5}, .total_order = {0.5, 0.75}});
  EXPECT_EQ(out.str(), "parameter,S1,S1_conf,ST,ST_conf\na.speed [mm/day],0.25,,0.5,\nb,0.5,,0.75,\n");
  std::ostringstream morris_out;
  write_morris_csv(morris_out, ranges, MorrisIndices{.mu = {1, -2}, .mu_star = {1, 2}, .sigma = {0, 0.5}});
  EXPECT_EQ(morris_out.str(), "parameter,mu,mu_star,sigma\na.speed [mm/day],1,1,0\nb,-2,2,0.5\n");
}

}  // namespace
}  // namespace bungner::study
