// Tests for the counter-based random streams: the Philox block against Random123's published
// answers, golden sampler outputs (so any change of algorithm shows up), sampler statistics
// under fixed seeds (deterministic, so never flaky), and reproducibility.
#include "bungner/core/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

namespace bungner {
namespace {

using Block = std::array<std::uint64_t, 4>;

// ---------------------------------------------------------------------------------------------
// Known answers

// Vectors from Random123's tests/kat_vectors, lines "philox4x64 10 ...".
TEST(Philox4x64_10, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(philox4x64_10({0, 0, 0, 0}, {0, 0}),
            (Block{0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL, 0x7e68b68aec7ba23bULL}));

  constexpr std::uint64_t ones = ~std::uint64_t{0};
  EXPECT_EQ(philox4x64_10({ones, ones, ones, ones}, {ones, ones}),
            (Block{0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL, 0xa09caebf594f0ba0ULL}));

  EXPECT_EQ(philox4x64_10({0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL},
                          {0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL}),
            (Block{0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL, 0xa5a1610e72fd18b5ULL, 0x57bd43b5e52b7fe6ULL}));
}

TEST(PurposeId, IsFnv1a64AndConstexpr) {
  static_assert(purpose_id("a") != purpose_id("b"));
  static_assert(purpose_id("") == 0xcbf29ce484222325ULL);
  // Published FNV-1a 64-bit test vectors.
  constexpr std::uint64_t a = purpose_id("a");
  EXPECT_EQ(a, 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(purpose_id("foobar"), 0x85944171f73967e8ULL);
  EXPECT_NE(purpose_id("axon.growth"), purpose_id("axon.branch"));
}

TEST(ToOpenUnitInterval, StaysStrictlyInsideZeroOne) {
  EXPECT_EQ(to_open_unit_interval(0), 0x1p-54);
  EXPECT_EQ(to_open_unit_interval(0x7ff), 0x1p-54);  // below the 53 bits used
  EXPECT_EQ(to_open_unit_interval(0x800), 0x1p-53);
  EXPECT_EQ(to_open_unit_interval(std::uint64_t{1} << 63), 0.5);
  EXPECT_EQ(to_open_unit_interval(~std::uint64_t{0}), 1.0 - 0x1p-53);
  EXPECT_LT(to_open_unit_interval(~std::uint64_t{0}), 1.0);
}

// The stream is documented as Philox with counter {entity, step, purpose, draw}; pin that
// layout so saved runs stay reproducible.
TEST(RandomStream, RawWordsFollowTheDocumentedCounterLayout) {
  const RandomKey key{11, 22};
  RandomStream stream(key, 33, 44, 55);
  for (std::uint64_t draw = 0; draw < 3; ++draw) {
    const Block expected = philox4x64_10({33, 44, 55, draw}, {11, 22});
    for (const std::uint64_t word : expected) EXPECT_EQ(stream.next_u64(), word);
  }
}

// ---------------------------------------------------------------------------------------------
// Golden values: computed once from this implementation (printed with %.17g) and identical
// under g++ -O0/-O2 and clang++. A tiny relative tolerance absorbs last-bit libm differences.

RandomStream golden_stream() { return RandomStream(RandomKey{20240611, 3}, 17, 42, purpose_id("golden")); }

void expect_golden(const std::vector<double>& expected, const std::function<double()>& draw) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double value = draw();
    EXPECT_NEAR(value, expected[i], 1e-13 * std::max(1.0, std::fabs(expected[i]))) << "draw " << i;
  }
}

TEST(RandomStreamGolden, RawAndUniform) {
  RandomStream raw = golden_stream();
  EXPECT_EQ(raw.next_u64(), 0xce226161fa7e002aULL);
  EXPECT_EQ(raw.next_u64(), 0x38f01395e0a69e43ULL);
  EXPECT_EQ(raw.next_u64(), 0xce67c721c4bf6fedULL);
  EXPECT_EQ(raw.next_u64(), 0x10b0f40536658a5fULL);

  // Only integer work and one exact multiply: these must match bit for bit.
  RandomStream s = golden_stream();
  for (const double expected :
       {0.80521210329106196, 0.22241327675933531, 0.80627102446010002, 0.065200091621951839, 0.30066156288478951}) {
    EXPECT_EQ(s.uniform(), expected);
  }
}

TEST(RandomStreamGolden, Normal) {
  RandomStream s = golden_stream();
  expect_golden({0.11352644365603425, 0.64839097343379659, 0.60195294880711481, 0.26138729147999129, 0.99668403477241474},
                [&] { return s.normal(); });
}

TEST(RandomStreamGolden, Exponential) {
  RandomStream s = golden_stream();
  expect_golden({0.2166495539198065, 1.5032180207286623, 0.21533533436241348, 2.7302944048058571, 1.2017700226159902},
                [&] { return s.exponential(1.0); });
}

TEST(RandomStreamGolden, PoissonByInversion) {
  RandomStream s = golden_stream();
  for (const std::uint64_t expected : {5, 2, 5, 1, 2, 2, 5, 5}) {
    EXPECT_EQ(s.poisson(3.5), expected);
  }
}

TEST(RandomStreamGolden, PoissonByPtrs) {
  RandomStream s = golden_stream();
  for (const std::uint64_t expected : {265, 265, 241, 261, 261, 263, 257, 261}) {
    EXPECT_EQ(s.poisson(250.0), expected);
  }
}

TEST(RandomStreamGolden, GammaShapeBelowOne) {
  RandomStream s = golden_stream();
  expect_golden({0.0054993116956219643, 0.038887317883555469, 0.30175789140014991, 0.00094922090649561476, 0.10580008318129032},
                [&] { return s.gamma(0.5, 1.0); });
}

TEST(RandomStreamGolden, GammaShapeAboveOne) {
  RandomStream s = golden_stream();
  expect_golden({7.7767552813623748, 10.107300487898488, 11.850895669044112, 12.886005940573641, 4.7557721792313519},
                [&] { return s.gamma(4.0, 2.0); });
}

TEST(RandomStreamGolden, Lognormal) {
  RandomStream s = golden_stream();
  expect_golden({1.0584051734818016, 1.3829176227228708, 1.3511775539062501, 1.139618600815115, 1.6459899843366401},
                [&] { return s.lognormal(0.0, 0.5); });
}

// ---------------------------------------------------------------------------------------------
// Statistics. Fixed seeds make these deterministic; 5 standard errors make a false alarm
// essentially impossible for any seed, while a wrong mean or spread fails by far more.

constexpr std::size_t kSamples = 200000;

/// Theoretical moments; kurtosis is the plain (non-excess) fourth standardized moment, which
/// sets the standard error of the sample variance: SE(s^2) = var * sqrt((kurtosis - 1) / n).
struct Moments {
  double mean;
  double variance;
  double kurtosis;
};

std::vector<double> draw_samples(const std::string& purpose, const std::function<double(RandomStream&)>& draw) {
  RandomStream stream(RandomKey{987654321, 7}, 1, 2, purpose_id(purpose));
  std::vector<double> samples(kSamples);
  for (double& x : samples) x = draw(stream);
  return samples;
}

void expect_moments(const std::string& name, const std::vector<double>& samples, const Moments& theory) {
  const double n = static_cast<double>(samples.size());
  double sum = 0.0;
  for (const double x : samples) sum += x;
  const double mean = sum / n;
  double squares = 0.0;
  for (const double x : samples) squares += (x - mean) * (x - mean);
  const double variance = squares / (n - 1.0);

  const double mean_se = std::sqrt(theory.variance / n);
  const double variance_se = theory.variance * std::sqrt((theory.kurtosis - 1.0) / n);
  EXPECT_NEAR(mean, theory.mean, 5.0 * mean_se) << name << ": mean";
  EXPECT_NEAR(variance, theory.variance, 5.0 * variance_se) << name << ": variance";
}

/// Kolmogorov-Smirnov statistic D*sqrt(n); 1.95 is about the 0.1% critical value.
double ks_statistic(std::vector<double> samples, const std::function<double(double)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0.0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double f = cdf(samples[i]);
    const double index = static_cast<double>(i);
    d = std::max({d, (index + 1.0) / n - f, f - index / n});
  }
  return d * std::sqrt(n);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

TEST(RandomStreamStatistics, Uniform) {
  const auto samples = draw_samples("stats.uniform", [](RandomStream& s) { return s.uniform(); });
  for (const double x : samples) {
    ASSERT_GT(x, 0.0);
    ASSERT_LT(x, 1.0);
  }
  expect_moments("uniform", samples, {0.5, 1.0 / 12.0, 9.0 / 5.0});
  EXPECT_LT(ks_statistic(samples, [](double x) { return x; }), 1.95);

  const auto shifted = draw_samples("stats.uniform2", [](RandomStream& s) { return s.uniform(-2.0, 3.0); });
  for (const double x : shifted) {
    ASSERT_GT(x, -2.0);
    ASSERT_LT(x, 3.0);
  }
  expect_moments("uniform(-2,3)", shifted, {0.5, 25.0 / 12.0, 9.0 / 5.0});
}

TEST(RandomStreamStatistics, Normal) {
  const auto samples = draw_samples("stats.normal", [](RandomStream& s) { return s.normal(); });
  expect_moments("normal", samples, {0.0, 1.0, 3.0});
  EXPECT_LT(ks_statistic(samples, normal_cdf), 1.95);

  const auto scaled = draw_samples("stats.normal2", [](RandomStream& s) { return s.normal(1.5, 2.0); });
  expect_moments("normal(1.5,2)", scaled, {1.5, 4.0, 3.0});
  EXPECT_LT(ks_statistic(scaled, [](double x) { return normal_cdf((x - 1.5) / 2.0); }), 1.95);
}

TEST(RandomStreamStatistics, Exponential) {
  for (const double rate : {1.0, 2.5}) {
    const auto samples =
        draw_samples("stats.exponential" + std::to_string(rate), [rate](RandomStream& s) { return s.exponential(rate); });
    expect_moments("exponential", samples, {1.0 / rate, 1.0 / (rate * rate), 9.0});
    EXPECT_LT(ks_statistic(samples, [rate](double x) { return 1.0 - std::exp(-rate * x); }), 1.95);
  }
}

TEST(RandomStreamStatistics, PoissonMoments) {
  // Both sides of the inversion/PTRS switch at 10, plus small and large means.
  for (const double mean : {0.3, 3.5, 9.99, 10.0, 25.0, 250.0, 1e6}) {
    const auto samples = draw_samples("stats.poisson" + std::to_string(mean),
                                      [mean](RandomStream& s) { return static_cast<double>(s.poisson(mean)); });
    expect_moments("poisson(" + std::to_string(mean) + ")", samples, {mean, mean, 3.0 + 1.0 / mean});
  }
}

// Moments can hide a wrong shape; compare the frequency of each value with the Poisson pmf.
TEST(RandomStreamStatistics, PoissonFrequencies) {
  for (const double mean : {3.5, 25.0}) {
    const auto samples = draw_samples("stats.poisson.pmf" + std::to_string(mean),
                                      [mean](RandomStream& s) { return static_cast<double>(s.poisson(mean)); });
    const auto upper = static_cast<std::size_t>(mean + 5.0 * std::sqrt(mean));
    std::vector<double> counts(upper + 1, 0.0);
    for (const double x : samples) {
      if (x <= static_cast<double>(upper)) counts[static_cast<std::size_t>(x)] += 1.0;
    }
    const double n = static_cast<double>(samples.size());
    for (std::size_t k = 0; k <= upper; ++k) {
      const double kd = static_cast<double>(k);
      const double p = std::exp(-mean + kd * std::log(mean) - std::lgamma(kd + 1.0));
      EXPECT_NEAR(counts[k] / n, p, 5.0 * std::sqrt(p * (1.0 - p) / n) + 1e-12) << "poisson(" << mean << ") at k=" << k;
    }
  }
}

TEST(RandomStreamStatistics, Gamma) {
  struct Case {
    double shape;
    double scale;
  };
  for (const Case c : {Case{0.5, 1.0}, Case{4.0, 2.0}, Case{1.0, 3.0}, Case{0.1, 1.0}}) {
    const auto samples = draw_samples("stats.gamma" + std::to_string(c.shape) + "," + std::to_string(c.scale),
                                      [c](RandomStream& s) { return s.gamma(c.shape, c.scale); });
    for (const double x : samples) ASSERT_GE(x, 0.0);
    expect_moments("gamma(" + std::to_string(c.shape) + "," + std::to_string(c.scale) + ")", samples,
                   {c.shape * c.scale, c.shape * c.scale * c.scale, 3.0 + 6.0 / c.shape});
  }
}

TEST(RandomStreamStatistics, Lognormal) {
  const double mu = 0.0;
  const double sigma = 0.5;
  const auto samples = draw_samples("stats.lognormal", [mu, sigma](RandomStream& s) { return s.lognormal(mu, sigma); });
  const double s2 = sigma * sigma;
  const double kurtosis = std::exp(4.0 * s2) + 2.0 * std::exp(3.0 * s2) + 3.0 * std::exp(2.0 * s2) - 3.0;
  expect_moments("lognormal", samples, {std::exp(mu + s2 / 2.0), (std::exp(s2) - 1.0) * std::exp(2.0 * mu + s2), kurtosis});
  EXPECT_LT(ks_statistic(samples, [](double x) { return normal_cdf(std::log(x) / 0.5); }), 1.95);
}

TEST(RandomStreamStatistics, Bernoulli) {
  const double p = 0.3;
  const auto samples = draw_samples("stats.bernoulli", [p](RandomStream& s) { return s.bernoulli(p) ? 1.0 : 0.0; });
  const double q = p * (1.0 - p);
  expect_moments("bernoulli", samples, {p, q, (1.0 - 3.0 * q) / q});
}

// ---------------------------------------------------------------------------------------------
// Edge arguments must give the documented fallbacks and never hang.

TEST(RandomStream, EdgeArguments) {
  RandomStream s(RandomKey{5, 6}, 7, 8, purpose_id("edges"));
  EXPECT_EQ(s.poisson(0.0), 0U);
  EXPECT_EQ(s.poisson(-1.0), 0U);
  EXPECT_EQ(s.poisson(std::numeric_limits<double>::quiet_NaN()), 0U);
  EXPECT_EQ(s.poisson(std::numeric_limits<double>::infinity()), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(std::isnan(s.gamma(0.0, 1.0)));
  EXPECT_TRUE(std::isnan(s.gamma(-2.0, 1.0)));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(s.bernoulli(0.0));
    EXPECT_TRUE(s.bernoulli(1.0));
  }
  // Tiny means reach the deep tail of the inversion loop without stalling.
  std::uint64_t total = 0;
  for (int i = 0; i < 1000; ++i) total += s.poisson(1e-300);
  EXPECT_EQ(total, 0U);
}

// ---------------------------------------------------------------------------------------------
// Determinism

/// A mix of every sampler, so that any call-order-dependent state (the normal cache, blocks
/// partly used) is exercised.
std::vector<double> mixed_sequence(RandomStream stream) {
  std::vector<double> out;
  for (int i = 0; i < 200; ++i) {
    out.push_back(static_cast<double>(stream.next_u64() >> 11));
    out.push_back(stream.uniform());
    out.push_back(stream.normal());
    out.push_back(stream.exponential(2.0));
    out.push_back(static_cast<double>(stream.poisson(3.5)));
    out.push_back(static_cast<double>(stream.poisson(120.0)));
    out.push_back(stream.gamma(0.7, 1.0));
    out.push_back(stream.gamma(3.0, 2.0));
    out.push_back(stream.lognormal(0.0, 1.0));
    out.push_back(stream.bernoulli(0.5) ? 1.0 : 0.0);
  }
  return out;
}

TEST(RandomStreamDeterminism, SameInputsGiveSameSequence) {
  const RandomKey key{42, 9};
  const auto first = mixed_sequence(RandomStream(key, 3, 100, purpose_id("determinism")));
  const auto second = mixed_sequence(RandomStream(key, 3, 100, purpose_id("determinism")));
  EXPECT_EQ(first, second);
}

TEST(RandomStreamDeterminism, EachInputChangesTheFirstValue) {
  const auto first = [](RandomKey key, std::uint64_t entity, std::uint64_t step, std::uint64_t purpose) {
    return RandomStream(key, entity, step, purpose).next_u64();
  };
  const std::uint64_t base = first({1, 2}, 3, 4, 5);
  EXPECT_NE(first({9, 2}, 3, 4, 5), base) << "seed";
  EXPECT_NE(first({1, 9}, 3, 4, 5), base) << "run";
  EXPECT_NE(first({1, 2}, 9, 4, 5), base) << "entity";
  EXPECT_NE(first({1, 2}, 3, 9, 5), base) << "step";
  EXPECT_NE(first({1, 2}, 3, 4, 9), base) << "purpose";
  // Neighbouring counters must not collide by swapping fields either.
  EXPECT_NE(first({1, 2}, 4, 3, 5), base) << "entity/step swapped";
  EXPECT_NE(first({2, 1}, 3, 4, 5), base) << "seed/run swapped";
}

TEST(RandomStreamDeterminism, IndependentOfThreadAndConstructionOrder) {
  constexpr std::size_t entities = 64;
  const RandomKey key{2024, 1};
  const std::uint64_t purpose = purpose_id("threads");

  std::vector<std::vector<double>> forward(entities);
  for (std::size_t e = 0; e < entities; ++e) {
    forward[e] = mixed_sequence(RandomStream(key, e, 5, purpose));
  }

  std::vector<std::vector<double>> threaded(entities);
  std::vector<std::thread> workers;
  constexpr std::size_t thread_count = 4;
  for (std::size_t t = 0; t < thread_count; ++t) {
    workers.emplace_back([&, t] {
      // Each thread walks its entities backwards: a different order from the loop above.
      for (std::size_t e = entities; e-- > 0;) {
        if (e % thread_count == t) threaded[e] = mixed_sequence(RandomStream(key, e, 5, purpose));
      }
    });
  }
  for (std::thread& worker : workers) worker.join();

  for (std::size_t e = 0; e < entities; ++e) EXPECT_EQ(forward[e], threaded[e]) << "entity " << e;
}

}  // namespace
}  // namespace bungner
