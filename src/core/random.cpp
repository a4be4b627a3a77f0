#include "bungner/core/random.hpp"

#include <cmath>
#include <limits>
#include <numbers>

// Third-party header written in C style (__uint128_t, old-style casts): keep its warnings out
// of -Werror builds, whatever warning set a toolchain or a later CMake change enables.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <Random123/philox.h>
#pragma GCC diagnostic pop

namespace bungner {

namespace {

using Philox = r123::Philox4x64_R<10>;

/// ln(k!). std::lgamma writes the global `signgam` (a data race under OpenMP), so the
/// Poisson sampler uses this instead: exact products for small k, Stirling's series above,
/// where the first omitted term is below 2e-15.
double log_factorial(double k) noexcept {
  if (k < 20.0) {
    double product = 1.0;
    for (double i = 2.0; i <= k; i += 1.0) product *= i;
    return std::log(product);
  }
  const double x = k + 1.0;
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0))));
  return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi) + series;
}

/// Converts a non-negative integral double to uint64, saturating instead of overflowing
/// (only reachable for means near 2^64, where no exact answer exists anyway).
std::uint64_t saturate_to_u64(double k) noexcept {
  constexpr double limit = 18446744073709551616.0;  // 2^64
  if (!(k < limit)) return std::numeric_limits<std::uint64_t>::max();
  if (!(k > 0.0)) return 0;
  return static_cast<std::uint64_t>(k);
}

}  // namespace

double to_open_unit_interval(std::uint64_t bits) noexcept {
  constexpr double two_pow_minus_53 = 0x1p-53;
  const std::uint64_t k = bits >> 11;
  if (k == 0) return 0x1p-54;
  return static_cast<double>(k) * two_pow_minus_53;
}

std::array<std::uint64_t, 4> philox4x64_10(std::array<std::uint64_t, 4> counter, std::array<std::uint64_t, 2> key) noexcept {
  const Philox::ctr_type ctr = {{counter[0], counter[1], counter[2], counter[3]}};
  const Philox::key_type k = {{key[0], key[1]}};
  const Philox::ctr_type out = Philox{}(ctr, k);
  return {out.v[0], out.v[1], out.v[2], out.v[3]};
}

RandomStream::RandomStream(RandomKey key, std::uint64_t entity, std::uint64_t step, std::uint64_t purpose) noexcept
    : key_{key.seed, key.run}, counter_{entity, step, purpose, 0} {}

void RandomStream::refill() noexcept {
  block_ = philox4x64_10(counter_, key_);
  ++counter_[3];
  used_ = 0;
}

std::uint64_t RandomStream::next_u64() noexcept {
  if (used_ >= 4) refill();
  return block_[used_++];
}

double RandomStream::uniform() noexcept { return to_open_unit_interval(next_u64()); }

double RandomStream::uniform(double low, double high) noexcept { return low + (high - low) * uniform(); }

double RandomStream::normal() noexcept {
  if (has_cached_normal_) {
    has_cached_normal_ = false;
    return cached_normal_;
  }
  const double u1 = uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  cached_normal_ = radius * std::sin(angle);
  has_cached_normal_ = true;
  return radius * std::cos(angle);
}

double RandomStream::normal(double mean, double sd) noexcept { return mean + sd * normal(); }

double RandomStream::exponential(double rate) noexcept { return -std::log(uniform()) / rate; }

std::uint64_t RandomStream::poisson(double mean) noexcept {
  if (!(mean > 0.0)) return 0;
  if (!std::isfinite(mean)) return std::numeric_limits<std::uint64_t>::max();

  if (mean < 10.0) {
    // Sequential inversion: one uniform per draw keeps streams aligned and is cheap here.
    const double u = uniform();
    double p = std::exp(-mean);
    double cdf = p;
    std::uint64_t k = 0;
    while (u > cdf) {
      ++k;
      p *= mean / static_cast<double>(k);
      const double next = cdf + p;
      // Rounding can leave the summed cdf just below u; the tail left is then < 1e-16.
      if (next == cdf) break;
      cdf = next;
    }
    return k;
  }

  // PTRS: W. Hormann, "The transformed rejection method for generating Poisson random
  // variables", Insurance: Mathematics and Economics 12 (1993) 39-45.
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * std::sqrt(mean);
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return saturate_to_u64(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mean + k * log_mean - log_factorial(k)) {
      return saturate_to_u64(k);
    }
  }
}

double RandomStream::gamma(double shape, double scale) noexcept {
  if (!(shape > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a+1) * U^(1/a); the log form avoids pow's edge cases.
    const double boosted = gamma(shape + 1.0, 1.0);
    return boosted * std::exp(std::log(uniform()) / shape) * scale;
  }
  // G. Marsaglia and W. W. Tsang, ACM TOMS 26 (2000) 363-372.
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v * scale;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

double RandomStream::lognormal(double mu, double sigma) noexcept { return std::exp(mu + sigma * normal()); }

bool RandomStream::bernoulli(double p) noexcept { return uniform() < p; }

std::uint64_t RandomStream::below(std::uint64_t bound) noexcept {
  const std::uint64_t threshold = (std::uint64_t{0} - bound) % bound;
  while (true) {
    const std::uint64_t bits = next_u64();
    if (bits >= threshold) return bits % bound;
  }
}

}  // namespace bungner
