#include "bungner/calibration/abc_smc.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "bungner/core/text.hpp"

namespace bungner::calibration {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// The standard normal quantile: Acklam's rational approximation (relative error 1.15e-9),
/// refined by one Halley step on erfc, which brings it to about machine precision.
double standard_normal_quantile(double p) {
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                          -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x = 0;
  if (p < p_low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = standard_normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * 3.14159265358979323846) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/// A draw of a standard normal truncated to [a, b] by inverse transform. Both bounds in the upper
/// tail are mirrored into the lower one, where the CDF keeps its digits.
double truncated_standard_normal(double a, double b, RandomStream& stream) {
  if (a > 0) return -truncated_standard_normal(-b, -a, stream);
  const double fa = standard_normal_cdf(a), fb = standard_normal_cdf(b);
  const double u = stream.uniform();
  return std::clamp(standard_normal_quantile(fa + u * (fb - fa)), a, b);
}

/// Solves L y = v for y (L lower triangular, row-major d x d) and returns |y|^2.
double mahalanobis_squared(const std::vector<double>& lower, const std::vector<double>& v, std::size_t d) {
  std::vector<double> y(d);
  double sum = 0;
  for (std::size_t i = 0; i < d; ++i) {
    double s = v[i];
    for (std::size_t k = 0; k < i; ++k) s -= lower[i * d + k] * y[k];
    y[i] = s / lower[i * d + i];
    sum += y[i] * y[i];
  }
  return sum;
}

void check_options(const std::vector<Prior>& priors, const Options& o) {
  if (priors.empty()) throw std::invalid_argument("no parameters to calibrate");
  for (const Prior& p : priors) p.check();
  if (o.particles < 2) throw std::invalid_argument("particles must be at least 2");
  if (!(o.alpha > 0 && o.alpha < 1)) throw std::invalid_argument("alpha must lie in (0, 1)");
  if (o.max_generations < 1) throw std::invalid_argument("max_generations must be at least 1");
  if (o.max_attempts < 1) throw std::invalid_argument("max_attempts must be at least 1");
  if (!(o.min_tolerance >= 0)) throw std::invalid_argument("min_tolerance must be at least 0");
  if (!(o.min_acceptance >= 0 && o.min_acceptance < 1)) throw std::invalid_argument("min_acceptance must lie in [0, 1)");
  if (o.ranks.ranks < 1 || o.ranks.rank < 0 || o.ranks.rank >= o.ranks.ranks || !o.ranks.all_or)
    throw std::invalid_argument("the rank must lie in [0, ranks) and the ranks need an all_or");
}

/// One slot's outcome in a generation.
struct SlotResult {
  bool accepted = false;
  std::vector<double> z;
  double distance = 0;
  std::size_t evaluations = 0, proposals = 0;
  std::exception_ptr error;
};

/// Every rank ends up with every slot's outcome: each packs the slots it ran into a word buffer
/// (zeros elsewhere), the ranks OR the buffers together, and each unpacks the rest. An error
/// travels as a flag; the rank that ran the slot keeps the exception itself.
void gather_slots(std::vector<SlotResult>& slots, std::size_t d, const Ranks& ranks) {
  if (ranks.ranks == 1) return;
  const std::size_t stride = 4 + d, n = slots.size();
  const auto mine = [&](std::size_t slot) {
    return slot % static_cast<std::size_t>(ranks.ranks) == static_cast<std::size_t>(ranks.rank);
  };
  std::vector<std::uint64_t> words(n * stride, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!mine(i)) continue;
    const SlotResult& s = slots[i];
    std::uint64_t* w = &words[i * stride];
    w[0] = (s.accepted ? 1U : 0U) | (s.error ? 2U : 0U);
    w[1] = s.evaluations;
    w[2] = s.proposals;
    w[3] = std::bit_cast<std::uint64_t>(s.distance);
    for (std::size_t k = 0; k < d && s.accepted; ++k) w[4 + k] = std::bit_cast<std::uint64_t>(s.z[k]);
  }
  ranks.all_or(words);
  for (std::size_t i = 0; i < n; ++i) {
    if (mine(i)) continue;
    SlotResult& s = slots[i];
    const std::uint64_t* w = &words[i * stride];
    s.accepted = (w[0] & 1U) != 0;
    if ((w[0] & 2U) != 0)
      s.error = std::make_exception_ptr(
          std::runtime_error(fmt::format("the evaluation of slot {} failed on rank {} (its message is in that rank's output)", i,
                                         i % static_cast<std::size_t>(ranks.ranks))));
    s.evaluations = w[1];
    s.proposals = w[2];
    s.distance = std::bit_cast<double>(w[3]);
    s.z.clear();
    for (std::size_t k = 0; k < d && s.accepted; ++k) s.z.push_back(std::bit_cast<double>(w[4 + k]));
  }
}

}  // namespace

double Prior::to_z(double x) const { return log_scale() ? std::log(x) : x; }
double Prior::to_x(double z) const { return log_scale() ? std::exp(z) : z; }

double Prior::density_z(double z) const {
  if (!(z >= z_low() && z <= z_high())) return 0;
  switch (kind) {
    case PriorKind::uniform:
    case PriorKind::log_uniform: return 1;
    case PriorKind::normal: {
      const double u = (z - mean) / sd;
      return std::exp(-0.5 * u * u);
    }
    case PriorKind::lognormal: {
      const double u = (z - std::log(mean)) / sd;
      return std::exp(-0.5 * u * u);
    }
  }
  return 0;
}

double Prior::sample_z(RandomStream& stream) const {
  const double lo = z_low(), hi = z_high();
  switch (kind) {
    case PriorKind::uniform:
    case PriorKind::log_uniform: return std::clamp(lo + stream.uniform() * (hi - lo), lo, hi);
    case PriorKind::normal: return mean + sd * truncated_standard_normal((lo - mean) / sd, (hi - mean) / sd, stream);
    case PriorKind::lognormal: {
      const double mu = std::log(mean);
      return std::clamp(mu + sd * truncated_standard_normal((lo - mu) / sd, (hi - mu) / sd, stream), lo, hi);
    }
  }
  return lo;
}

void Prior::check() const {
  auto fail = [&](const std::string& what) { throw std::invalid_argument(fmt::format("parameter '{}': {}", name, what)); };
  if (!std::isfinite(low) || !std::isfinite(high) || !(low < high)) fail("the prior needs finite bounds with low < high");
  if (log_scale() && !(low > 0)) fail("a log-scale prior needs low > 0");
  if (kind == PriorKind::normal || kind == PriorKind::lognormal) {
    if (!(sd > 0) || !std::isfinite(sd)) fail("the prior's sd must be positive");
    if (!std::isfinite(mean) || (kind == PriorKind::lognormal && !(mean > 0)))
      fail("the prior's centre must be finite (and positive for lognormal)");
    const double centre = kind == PriorKind::lognormal ? std::log(mean) : mean;
    // The truncated distribution must keep some mass: bounds within 30 SD of the centre.
    if ((z_high() - centre) / sd < -30 || (z_low() - centre) / sd > 30)
      fail("the prior's bounds lie more than 30 SD from its centre");
  }
}

double effective_sample_size(const std::vector<double>& weights) {
  double sum = 0, squares = 0;
  for (const double w : weights) sum += w, squares += w * w;
  return squares > 0 ? sum * sum / squares : 0;
}

double quantile(std::vector<double> values, double alpha) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double h = alpha * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

std::vector<double> weighted_covariance(const std::vector<std::vector<double>>& points, const std::vector<double>& weights) {
  const std::size_t d = points.empty() ? 0 : points.front().size();
  std::vector<double> mean(d, 0.0), cov(d * d, 0.0);
  for (std::size_t i = 0; i < points.size(); ++i)
    for (std::size_t k = 0; k < d; ++k) mean[k] += weights[i] * points[i][k];
  for (std::size_t i = 0; i < points.size(); ++i)
    for (std::size_t k = 0; k < d; ++k)
      for (std::size_t l = 0; l < d; ++l) cov[k * d + l] += weights[i] * (points[i][k] - mean[k]) * (points[i][l] - mean[l]);
  return cov;
}

std::vector<double> cholesky(const std::vector<double>& m, std::size_t d) {
  std::vector<double> lower(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      double s = m[i * d + j];
      for (std::size_t k = 0; k < j; ++k) s -= lower[i * d + k] * lower[j * d + k];
      if (i == j) {
        if (!(s > 0)) throw std::domain_error("matrix is not positive definite");
        lower[i * d + i] = std::sqrt(s);
      } else {
        lower[i * d + j] = s / lower[j * d + j];
      }
    }
  return lower;
}

Result run_abc_smc(const std::vector<Prior>& priors, const DistanceFunction& distance, const Options& options) {
  check_options(priors, options);
  const std::size_t d = priors.size(), n = options.particles;
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const std::uint64_t purpose = purpose_id("calibration.abc_smc.proposal");
  Result result;
  std::vector<std::vector<double>> z_prev;  // the previous population on the z scale
  std::vector<double> w_prev;
  // Whether a complete generation ends the run (and why).
  auto stops = [&](const Generation& last) {
    if (last.tolerance <= options.min_tolerance)
      result.stop_reason = "min_tolerance";
    else if (last.index > 0 && last.acceptance_rate < options.min_acceptance)
      result.stop_reason = "min_acceptance";
    else if (last.index + 1 >= options.max_generations)
      result.stop_reason = "max_generations";
    return !result.stop_reason.empty();
  };
  std::size_t first = 0;
  if (!options.resume_from.empty()) {
    result.generations = options.resume_from;
    const Generation& last = result.generations.back();
    if (last.population.size() != n) throw std::invalid_argument("the checkpoint's population has another size");
    for (const Particle& p : last.population) {
      if (p.z.size() != d) throw std::invalid_argument("the checkpoint's particles have another number of parameters");
      z_prev.push_back(p.z);
      w_prev.push_back(p.weight);
    }
    if (stops(last)) return result;
    first = last.index + 1;
  }

  for (std::size_t t = first; t < options.max_generations; ++t) {
    double tolerance = infinity;
    std::vector<double> lower, cumulative;
    if (t > 0) {
      std::vector<double> distances;
      for (const Particle& p : result.generations.back().population) distances.push_back(p.distance);
      tolerance = quantile(distances, options.alpha);
      // Beaumont et al. 2009: a normal kernel with twice the weighted covariance. A ridge of 1e-12
      // of each support's squared width keeps it positive definite when particles coincide.
      std::vector<double> sigma = weighted_covariance(z_prev, w_prev);
      for (std::size_t k = 0; k < d; ++k) {
        for (std::size_t l = 0; l < d; ++l) sigma[k * d + l] *= 2;
        const double width = priors[k].z_high() - priors[k].z_low();
        sigma[k * d + k] += 1e-12 * width * width;
      }
      lower = cholesky(sigma, d);
      cumulative.resize(n);
      std::partial_sum(w_prev.begin(), w_prev.end(), cumulative.begin());
    }

    std::vector<SlotResult> slots(n);
    const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(dynamic) num_threads(threads)
    for (std::int64_t s = 0; s < count; ++s) {
      const auto slot = static_cast<std::size_t>(s);
      if (slot % static_cast<std::size_t>(options.ranks.ranks) != static_cast<std::size_t>(options.ranks.rank)) continue;
      SlotResult& out = slots[slot];
      try {
        std::vector<double> z(d), x(d);
        for (std::size_t a = 0; a < options.max_attempts && !out.accepted; ++a) {
          RandomStream stream(RandomKey{options.seed, t}, slot, a, purpose);
          ++out.proposals;
          bool inside = true;
          if (t == 0) {
            for (std::size_t k = 0; k < d; ++k) z[k] = priors[k].sample_z(stream);
          } else {
            const double u = stream.uniform() * cumulative.back();
            const auto j =
                static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
            const std::vector<double>& centre = z_prev[std::min(j, n - 1)];
            std::vector<double> e(d);
            for (std::size_t k = 0; k < d; ++k) e[k] = stream.normal();
            for (std::size_t k = 0; k < d; ++k) {
              double v = centre[k];
              for (std::size_t l = 0; l <= k; ++l) v += lower[k * d + l] * e[l];
              z[k] = v;
              inside = inside && v >= priors[k].z_low() && v <= priors[k].z_high();
            }
          }
          if (!inside) continue;  // outside the prior's support: rejected without a simulation
          for (std::size_t k = 0; k < d; ++k) x[k] = std::clamp(priors[k].to_x(z[k]), priors[k].low, priors[k].high);
          ++out.evaluations;
          const double dist = distance(x, ProposalKey{options.seed, t, slot, a});
          if (std::isfinite(dist) && dist <= tolerance) out.accepted = true, out.z = z, out.distance = dist;
        }
      } catch (...) {
        out.error = std::current_exception();
      }
    }
    gather_slots(slots, d, options.ranks);
    for (const SlotResult& s : slots)
      if (s.error) std::rethrow_exception(s.error);
    if (std::any_of(slots.begin(), slots.end(), [](const SlotResult& s) { return !s.accepted; })) {
      if (result.generations.empty())
        throw std::runtime_error(fmt::format("no finite distance in {} proposals from the prior", options.max_attempts));
      result.stop_reason = "max_attempts";
      return result;
    }

    // Importance weights (Beaumont et al. 2009): prior / sum_j w_j K(z | z_j); equal in generation 0.
    std::vector<double> weights(n, 1.0);
    if (t > 0) {
#pragma omp parallel for schedule(static) num_threads(threads)
      for (std::int64_t s = 0; s < count; ++s) {
        const auto i = static_cast<std::size_t>(s);
        double prior = 1;
        for (std::size_t k = 0; k < d; ++k) prior *= priors[k].density_z(slots[i].z[k]);
        double mixture = 0;
        std::vector<double> diff(d);
        for (std::size_t j = 0; j < n; ++j) {
          for (std::size_t k = 0; k < d; ++k) diff[k] = slots[i].z[k] - z_prev[j][k];
          mixture += w_prev[j] * std::exp(-0.5 * mahalanobis_squared(lower, diff, d));
        }
        weights[i] = mixture > 0 ? prior / mixture : 0;
      }
    }
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (!(total > 0) || !std::isfinite(total))
      throw std::runtime_error(fmt::format("generation {}: the importance weights vanish", t));
    Generation g;
    g.index = t;
    g.tolerance = tolerance;
    z_prev.assign(n, {});
    w_prev.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      Particle p;
      p.weight = weights[i] / total;
      p.distance = slots[i].distance;
      for (std::size_t k = 0; k < d; ++k) p.x.push_back(std::clamp(priors[k].to_x(slots[i].z[k]), priors[k].low, priors[k].high));
      p.z = slots[i].z;
      z_prev[i] = slots[i].z;
      w_prev[i] = p.weight;
      g.evaluations += slots[i].evaluations;
      g.proposals += slots[i].proposals;
      g.population.push_back(std::move(p));
    }
    g.acceptance_rate = static_cast<double>(n) / static_cast<double>(g.evaluations);
    g.ess = effective_sample_size(w_prev);
    result.generations.push_back(std::move(g));
    const Generation& last = result.generations.back();
    if (options.on_generation) options.on_generation(last);
    if (stops(last)) return result;
  }
  result.stop_reason = "max_generations";
  return result;
}

Marginal marginal(const Generation& generation, std::size_t parameter) {
  const auto& pop = generation.population;
  Marginal m;
  double sum = 0;
  for (const Particle& p : pop) m.mean += p.weight * p.x[parameter], sum += p.weight;
  m.mean /= sum;
  double var = 0;
  for (const Particle& p : pop) var += p.weight * (p.x[parameter] - m.mean) * (p.x[parameter] - m.mean);
  m.sd = std::sqrt(var / sum);
  std::vector<std::size_t> order(pop.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return pop[a].x[parameter] < pop[b].x[parameter]; });
  auto weighted_quantile = [&](double q) {
    double c = 0;
    for (const std::size_t i : order) {
      c += pop[i].weight / sum;
      if (c >= q) return pop[i].x[parameter];
    }
    return pop[order.back()].x[parameter];
  };
  m.q05 = weighted_quantile(0.05);
  m.q50 = weighted_quantile(0.5);
  m.q95 = weighted_quantile(0.95);
  return m;
}

std::string posterior_csv(const Generation& generation, const std::vector<Prior>& priors) {
  std::string out = "particle,weight,distance";
  for (const Prior& p : priors) out += fmt::format(",{}", text::csv_field(p.name));
  out += "\n";
  for (std::size_t i = 0; i < generation.population.size(); ++i) {
    const Particle& p = generation.population[i];
    out += fmt::format("{},{:.17g},{:.17g}", i, p.weight, p.distance);
    for (const double x : p.x) out += fmt::format(",{:.17g}", x);
    out += "\n";
  }
  return out;
}

std::string generations_csv(const Result& result) {
  std::string out = "generation,tolerance,evaluations,proposals,acceptance_rate,ess\n";
  for (const Generation& g : result.generations)
    out += fmt::format("{},{:.17g},{},{},{:.17g},{:.17g}\n", g.index, g.tolerance, g.evaluations, g.proposals, g.acceptance_rate,
                       g.ess);
  return out;
}

std::string checkpoint_text(const Result& result, const std::string& fingerprint) {
  std::string out = fmt::format("abc-smc checkpoint 1,{}\n", fingerprint);
  for (const Generation& g : result.generations)
    out += fmt::format("G,{},{:.17g},{},{},{:.17g},{:.17g}\n", g.index, g.tolerance, g.evaluations, g.proposals,
                       g.acceptance_rate, g.ess);
  for (const Particle& p : result.generations.back().population) {
    out += fmt::format("P,{:.17g},{:.17g}", p.weight, p.distance);
    for (const double z : p.z) out += fmt::format(",{:.17g}", z);
    out += "\n";
  }
  return out;
}

std::vector<Generation> parse_checkpoint(const std::string& text, const std::string& fingerprint,
                                         const std::vector<Prior>& priors) {
  const std::vector<std::string> lines = text::split(text, '\n');
  if (lines.empty() || lines[0] != "abc-smc checkpoint 1," + fingerprint)
    throw std::invalid_argument("not a checkpoint of this calibration (the file or its format changed)");
  auto number = [](const std::string& s) {
    const auto v = text::parse_double(s);
    if (!v) throw std::invalid_argument("checkpoint: '" + s + "' is not a number");
    return *v;
  };
  auto count = [](const std::string& s) {
    const auto v = text::parse_unsigned(s);
    if (!v) throw std::invalid_argument("checkpoint: '" + s + "' is not a count");
    return static_cast<std::size_t>(*v);
  };
  std::vector<Generation> generations;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::vector<std::string> f = text::split(lines[i], ',');
    if (f[0] == "G" && f.size() == 7) {
      Generation g;
      g.index = count(f[1]), g.tolerance = number(f[2]), g.evaluations = count(f[3]), g.proposals = count(f[4]);
      g.acceptance_rate = number(f[5]), g.ess = number(f[6]);
      if (g.index != generations.size()) throw std::invalid_argument("checkpoint: generations out of order");
      generations.push_back(g);
    } else if (f[0] == "P" && f.size() == 3 + priors.size() && !generations.empty()) {
      Particle p;
      p.weight = number(f[1]), p.distance = number(f[2]);
      for (std::size_t k = 0; k < priors.size(); ++k) {
        p.z.push_back(number(f[3 + k]));
        p.x.push_back(std::clamp(priors[k].to_x(p.z.back()), priors[k].low, priors[k].high));
      }
      generations.back().population.push_back(std::move(p));
    } else {
      throw std::invalid_argument(fmt::format("checkpoint: line {} is not understood", i + 1));
    }
  }
  if (generations.empty() || generations.back().population.empty()) throw std::invalid_argument("checkpoint: no population");
  return generations;
}

}  // namespace bungner::calibration
