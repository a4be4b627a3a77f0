#include "bungner/study/sensitivity.hpp"

#include "bungner/core/text.hpp"
#include "bungner/study/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <ostream>
#include <stdexcept>
#include <string>

namespace bungner::study {

namespace {

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

std::vector<double> evaluate(const ModelFunction& model, const Points& points) {
  if (!model) fail("sensitivity analysis: no model given");
  std::vector<double> outputs;
  outputs.reserve(points.size());
  for (const auto& point : points) outputs.push_back(model(point));
  return outputs;
}

/// First-order and total indices from the rows `rows` (indices into 0..N-1, repeats allowed).
void sobol_estimates(std::size_t dims, std::size_t n, std::span<const double> outputs, std::span<const std::size_t> rows,
                     std::vector<double>& first, std::vector<double>& total, double& mean_out, double& variance_out) {
  const auto f_a = outputs.subspan(0, n);
  const auto f_b = outputs.subspan(n, n);
  const double count = static_cast<double>(rows.size());
  double sum = 0.0;
  for (const std::size_t j : rows) sum += f_a[j] + f_b[j];
  const double mean = sum / (2.0 * count);
  double squares = 0.0;
  for (const std::size_t j : rows) {
    squares += (f_a[j] - mean) * (f_a[j] - mean) + (f_b[j] - mean) * (f_b[j] - mean);
  }
  const double variance = squares / (2.0 * count);
  first.assign(dims, 0.0);
  total.assign(dims, 0.0);
  for (std::size_t i = 0; i < dims; ++i) {
    const auto f_ab = outputs.subspan((2 + i) * n, n);
    double first_sum = 0.0;
    double total_sum = 0.0;
    for (const std::size_t j : rows) {
      first_sum += f_b[j] * (f_ab[j] - f_a[j]);              // Saltelli et al. 2010
      total_sum += (f_a[j] - f_ab[j]) * (f_a[j] - f_ab[j]);  // Jansen 1999
    }
    first[i] = first_sum / count / variance;
    total[i] = 0.5 * total_sum / count / variance;
  }
  mean_out = mean;
  variance_out = variance;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Morris

MorrisDesign morris_design(std::size_t dims, const MorrisOptions& options) {
  if (dims < 1) fail("Morris design: needs at least one parameter");
  if (options.trajectories < 2) fail("Morris design: needs at least 2 trajectories");
  if (options.levels < 2 || options.levels % 2 != 0) fail("Morris design: levels must be even and >= 2");
  const std::size_t p = options.levels;
  const std::size_t step = p / 2;  // Delta = step / (p - 1)
  const double spacing = static_cast<double>(p - 1);
  MorrisDesign design;
  design.dims = dims;
  design.trajectories = options.trajectories;
  design.levels = p;
  design.unit_points.reserve(options.trajectories * (dims + 1));
  for (std::size_t t = 0; t < options.trajectories; ++t) {
    RandomStream stream(options.key, t, 0, purpose_id("study.morris"));
    // Base point x* on levels 0 .. p/2 - 1 (so x* + Delta <= 1), directions, order.
    std::vector<std::size_t> level(dims);
    std::vector<bool> up(dims);
    for (std::size_t i = 0; i < dims; ++i) {
      const std::size_t base = stream.below(step);
      up[i] = stream.bernoulli(0.5);
      level[i] = up[i] ? base : base + step;  // a downward step starts at x* + Delta
    }
    std::vector<std::size_t> order(dims);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = dims; i-- > 1;) std::swap(order[i], order[stream.below(i + 1)]);
    const auto to_point = [&] {
      std::vector<double> point(dims);
      for (std::size_t i = 0; i < dims; ++i) point[i] = static_cast<double>(level[i]) / spacing;
      return point;
    };
    design.unit_points.push_back(to_point());
    for (const std::size_t i : order) {
      level[i] = up[i] ? level[i] + step : level[i] - step;
      design.unit_points.push_back(to_point());
    }
  }
  return design;
}

MorrisIndices morris_analyze(const MorrisDesign& design, std::span<const double> outputs) {
  const std::size_t k = design.dims;
  const std::size_t r = design.trajectories;
  if (k < 1 || r < 2) fail("Morris analysis: needs at least one parameter and 2 trajectories");
  if (design.unit_points.size() != r * (k + 1) || outputs.size() != r * (k + 1)) {
    fail("Morris analysis: expected " + std::to_string(r * (k + 1)) + " points and outputs");
  }
  MorrisIndices result;
  result.elementary_effects.assign(r, std::vector<double>(k, 0.0));
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<bool> seen(k, false);
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t row = t * (k + 1) + s;
      const auto& before = design.unit_points[row];
      const auto& after = design.unit_points[row + 1];
      if (before.size() != k || after.size() != k) fail("Morris analysis: a point has the wrong dimension");
      std::size_t changed = k;
      for (std::size_t i = 0; i < k; ++i) {
        if (after[i] != before[i]) {
          if (changed != k) fail("Morris analysis: a step changes more than one parameter");
          changed = i;
        }
      }
      if (changed == k || seen[changed]) {
        fail("Morris analysis: trajectory " + std::to_string(t) + " does not step each parameter once");
      }
      seen[changed] = true;
      const double delta = after[changed] - before[changed];
      result.elementary_effects[t][changed] = (outputs[row + 1] - outputs[row]) / delta;
    }
  }
  result.mu.assign(k, 0.0);
  result.mu_star.assign(k, 0.0);
  result.sigma.assign(k, 0.0);
  std::vector<double> effects(r);
  for (std::size_t i = 0; i < k; ++i) {
    double absolute = 0.0;
    for (std::size_t t = 0; t < r; ++t) {
      effects[t] = result.elementary_effects[t][i];
      absolute += std::fabs(effects[t]);
    }
    result.mu[i] = mean(effects);
    result.mu_star[i] = absolute / static_cast<double>(r);
    result.sigma[i] = standard_deviation(effects);
  }
  return result;
}

MorrisIndices morris(const ModelFunction& model, std::span<const ParameterRange> ranges, const MorrisOptions& options) {
  const MorrisDesign design = morris_design(ranges.size(), options);
  const std::vector<double> outputs = evaluate(model, scale_points(design.unit_points, ranges));
  return morris_analyze(design, outputs);
}

// ---------------------------------------------------------------------------------------------
// Sobol indices

SaltelliDesign saltelli_design(std::size_t dims, const SobolOptions& options) {
  if (dims < 1) fail("Saltelli design: needs at least one parameter");
  const std::size_t n = options.base_samples;
  if (n < 2) fail("Saltelli design: needs at least 2 base samples");
  Points a(n, std::vector<double>(dims));
  Points b(n, std::vector<double>(dims));
  if (options.sampling == SaltelliSampling::sobol_sequence) {
    if (2 * dims > sobol_max_dimensions) {
      fail("Saltelli design: the Sobol sequence has " + std::to_string(sobol_max_dimensions) + " dimensions, too few for " +
           std::to_string(dims) + " parameters; use random sampling");
    }
    const Points base = sobol_sequence(n, 2 * dims);
    for (std::size_t j = 0; j < n; ++j) {
      std::copy_n(base[j].begin(), dims, a[j].begin());
      std::copy_n(base[j].begin() + static_cast<std::ptrdiff_t>(dims), dims, b[j].begin());
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) {
      RandomStream stream(options.key, j, 0, purpose_id("study.saltelli"));
      for (std::size_t i = 0; i < dims; ++i) a[j][i] = stream.uniform();
      for (std::size_t i = 0; i < dims; ++i) b[j][i] = stream.uniform();
    }
  }
  SaltelliDesign design;
  design.dims = dims;
  design.base_samples = n;
  design.unit_points.reserve(n * (dims + 2));
  design.unit_points.insert(design.unit_points.end(), a.begin(), a.end());
  design.unit_points.insert(design.unit_points.end(), b.begin(), b.end());
  for (std::size_t i = 0; i < dims; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      std::vector<double> point = a[j];
      point[i] = b[j][i];
      design.unit_points.push_back(std::move(point));
    }
  }
  return design;
}

SobolIndices sobol_analyze(const SaltelliDesign& design, std::span<const double> outputs, const SobolOptions& options) {
  const std::size_t k = design.dims;
  const std::size_t n = design.base_samples;
  if (k < 1 || n < 2) fail("Sobol analysis: needs at least one parameter and 2 base samples");
  if (outputs.size() != n * (k + 2)) {
    fail("Sobol analysis: expected " + std::to_string(n * (k + 2)) + " outputs, got " + std::to_string(outputs.size()));
  }
  SobolIndices result;
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  sobol_estimates(k, n, outputs, rows, result.first_order, result.total_order, result.mean, result.variance);
  if (options.bootstrap_resamples == 0) return result;
  if (options.bootstrap_resamples < 2) fail("Sobol analysis: bootstrap needs at least 2 resamples");
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) fail("Sobol analysis: confidence must lie in (0, 1)");
  const std::size_t m = options.bootstrap_resamples;
  std::vector<std::vector<double>> first_samples(k, std::vector<double>(m));
  std::vector<std::vector<double>> total_samples(k, std::vector<double>(m));
  std::vector<double> first;
  std::vector<double> total;
  for (std::size_t s = 0; s < m; ++s) {
    RandomStream stream(options.key, s, 0, purpose_id("study.sobol.bootstrap"));
    for (auto& row : rows) row = stream.below(n);
    double ignored_mean = 0.0;
    double ignored_variance = 0.0;
    sobol_estimates(k, n, outputs, rows, first, total, ignored_mean, ignored_variance);
    for (std::size_t i = 0; i < k; ++i) {
      first_samples[i][s] = first[i];
      total_samples[i][s] = total[i];
    }
  }
  const double z = student_t_quantile(0.5 * (1.0 + options.confidence), std::numeric_limits<double>::infinity());
  result.first_order_conf.resize(k);
  result.total_order_conf.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    result.first_order_conf[i] = z * standard_deviation(first_samples[i]);
    result.total_order_conf[i] = z * standard_deviation(total_samples[i]);
  }
  return result;
}

SobolIndices sobol_indices(const ModelFunction& model, std::span<const ParameterRange> ranges, const SobolOptions& options) {
  const SaltelliDesign design = saltelli_design(ranges.size(), options);
  const std::vector<double> outputs = evaluate(model, scale_points(design.unit_points, ranges));
  return sobol_analyze(design, outputs, options);
}

// ---------------------------------------------------------------------------------------------
// Tables

void write_morris_csv(std::ostream& out, std::span<const ParameterRange> ranges, const MorrisIndices& indices) {
  if (indices.mu.size() != ranges.size()) fail("Morris table: one range per parameter needed");
  out << "parameter,mu,mu_star,sigma\n";
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    out << text::csv_field(column_header(ranges[i].name, ranges[i].unit)) << ',' << text::format_double(indices.mu[i]) << ','
        << text::format_double(indices.mu_star[i]) << ',' << text::format_double(indices.sigma[i]) << '\n';
  }
}

void write_sobol_csv(std::ostream& out, std::span<const ParameterRange> ranges, const SobolIndices& indices) {
  if (indices.first_order.size() != ranges.size()) fail("Sobol table: one range per parameter needed");
  const bool conf = indices.first_order_conf.size() == ranges.size();
  out << "parameter,S1,S1_conf,ST,ST_conf\n";
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    out << text::csv_field(column_header(ranges[i].name, ranges[i].unit)) << ',' << text::format_double(indices.first_order[i])
        << ',' << (conf ? text::format_double(indices.first_order_conf[i]) : std::string()) << ','
        << text::format_double(indices.total_order[i]) << ','
        << (conf ? text::format_double(indices.total_order_conf[i]) : std::string()) << '\n';
  }
}

}  // namespace bungner::study
