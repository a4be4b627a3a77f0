#pragma once
// Counter-based randomness. Every draw is a pure function of (seed, run, entity, step, purpose,
// draw index), so results do not depend on thread count, scheduling or the order in which
// mechanisms run: two mechanisms never share a stream, and a stream can be rebuilt anywhere.
#include <array>
#include <cstdint>
#include <string_view>

namespace bungner {

/// Key of a random stream family: the run's seed and the run index (subject) within a study.
struct RandomKey {
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
};

/// Stable 64-bit id for a named purpose (FNV-1a of the name), so mechanisms name their draws.
/// Stable across builds and platforms: it is part of what makes a saved run reproducible.
constexpr std::uint64_t purpose_id(std::string_view name) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  for (const char c : name) {
    hash ^= static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    hash *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
  }
  return hash;
}

/// Converts 64 random bits to a double uniform on the open interval (0,1) (53-bit resolution).
/// Uses the top 53 bits k and returns k * 2^-53; k = 0 maps to 2^-54 so that log() and
/// division by the result are always safe. The largest value is 1 - 2^-53.
double to_open_unit_interval(std::uint64_t bits) noexcept;

/// Raw Philox4x64-10 block, exposed for known-answer tests.
std::array<std::uint64_t, 4> philox4x64_10(std::array<std::uint64_t, 4> counter, std::array<std::uint64_t, 2> key) noexcept;

/// A stream of random numbers for one (entity, step, purpose) under one key. Philox4x64-10 with
/// key = {seed, run} and counter = {entity, step, purpose, draw}; `draw` counts 4-word blocks.
/// Same inputs -> same numbers, on any thread, in any order of construction.
///
/// The sequence also depends on the order of calls on one stream (samplers consume a varying
/// number of words, and normal() caches its second Box-Muller value), so a mechanism must make
/// its calls in a fixed order. Arguments outside a sampler's documented domain never hang: they
/// give the documented fallback instead.
class RandomStream {
 public:
  RandomStream(RandomKey key, std::uint64_t entity, std::uint64_t step, std::uint64_t purpose) noexcept;

  /// Next 64 raw bits.
  std::uint64_t next_u64() noexcept;
  /// Uniform on (0,1); never exactly 0 or 1.
  double uniform() noexcept;
  /// Uniform on (low, high).
  double uniform(double low, double high) noexcept;
  /// Standard normal by Box-Muller; every second call returns the cached sine branch.
  double normal() noexcept;
  /// Normal with the given mean and standard deviation.
  double normal(double mean, double sd) noexcept;
  /// Exponential with mean 1/rate; rate > 0.
  double exponential(double rate) noexcept;
  /// Poisson; mean >= 0 (mean <= 0 or NaN gives 0, +inf gives UINT64_MAX). Inversion for
  /// mean < 10 (one uniform per draw), Hormann's PTRS transformed rejection for larger means
  /// (O(1) expected cost however large the mean).
  std::uint64_t poisson(double mean) noexcept;
  /// Gamma with the given shape and scale (mean shape*scale). Marsaglia-Tsang; for shape < 1
  /// a Gamma(shape+1) draw is boosted by U^(1/shape). shape <= 0 or NaN gives NaN.
  double gamma(double shape, double scale) noexcept;
  /// Lognormal: exp(mu + sigma*N).
  double lognormal(double mu, double sigma) noexcept;
  /// True with probability p; always consumes one uniform, so p does not shift later draws.
  bool bernoulli(double p) noexcept;
  /// Uniform integer in [0, bound), bound >= 1, without modulo bias (rejects the lowest
  /// 2^64 mod bound raw values).
  std::uint64_t below(std::uint64_t bound) noexcept;

 private:
  void refill() noexcept;

  std::array<std::uint64_t, 2> key_;
  std::array<std::uint64_t, 4> counter_;  // {entity, step, purpose, next draw block}
  std::array<std::uint64_t, 4> block_{};
  unsigned used_ = 4;  // words of block_ already handed out; 4 means "refill first"
  bool has_cached_normal_ = false;
  double cached_normal_ = 0.0;
};

}  // namespace bungner
