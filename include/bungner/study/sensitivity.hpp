#pragma once
// Global sensitivity analysis: Morris elementary effects (screening) and variance-based Sobol
// indices from Saltelli sampling. Each method comes in two stages -- a design of unit-cube
// points, then the analysis of the outputs computed at those points (so a study can run the
// points however it likes, in parallel or across processes) -- and as a single function call
// on a model. docs/statistics.md gives the estimators and references.
#include "bungner/core/random.hpp"
#include "bungner/study/designs.hpp"

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <span>
#include <vector>

namespace bungner::study {

/// A scalar model of the study's parameters (values in parameter units, one per range). The
/// function-based drivers call it sequentially, in design order, from the calling thread.
/// (Not bungner::Model, the compiled simulation model: wrap a simulation run in a lambda.)
using ModelFunction = std::function<double(const std::vector<double>&)>;

// ---------------------------------------------------------------------------------------------
// Morris

struct MorrisOptions {
  std::size_t trajectories = 10;  ///< r >= 2
  std::size_t levels = 4;         ///< p: even, >= 2; the step is Delta = p / (2 (p - 1))
  RandomKey key{};                ///< trajectory t draws from RandomStream(key, t, 0, "study.morris")
};

/// r trajectories of k + 1 points each on the grid {0, 1/(p-1), ..., 1} (Morris 1991): a random
/// base point, then one step of +-Delta in each parameter, in random order.
struct MorrisDesign {
  std::size_t dims = 0;
  std::size_t trajectories = 0;
  std::size_t levels = 0;
  Points unit_points;  ///< r (k + 1) points; trajectory t is rows t (k+1) ... t (k+1) + k
};

MorrisDesign morris_design(std::size_t dims, const MorrisOptions& options = {});

/// Per parameter: mu (mean elementary effect), mu* (mean absolute, Campolongo et al. 2007) and
/// sigma (standard deviation, n - 1 divisor) over the r trajectories. Elementary effects are
/// per unit of the normalised [0,1] input: EE_i = [y(x + Delta e_i) - y(x)] / Delta.
struct MorrisIndices {
  std::vector<double> mu;
  std::vector<double> mu_star;
  std::vector<double> sigma;
  Points elementary_effects;  ///< [trajectory][parameter]
};

/// Outputs in the order of design.unit_points. Throws std::invalid_argument on a size mismatch
/// or points that are not one-parameter-at-a-time trajectories.
MorrisIndices morris_analyze(const MorrisDesign& design, std::span<const double> outputs);

/// Design, scale to the ranges, evaluate, analyse.
MorrisIndices morris(const ModelFunction& model, std::span<const ParameterRange> ranges, const MorrisOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Sobol indices

enum class SaltelliSampling {
  sobol_sequence,  ///< A | B = the first N points of the 2k-dimensional Sobol sequence (k <= 128)
  random,          ///< row j of A | B from RandomStream(key, j, 0, "study.saltelli")
};

struct SobolOptions {
  std::size_t base_samples = 1024;  ///< N (a power of 2 suits the Sobol sequence); >= 2
  SaltelliSampling sampling = SaltelliSampling::sobol_sequence;
  RandomKey key{};                      ///< random sampling and bootstrap resampling
  std::size_t bootstrap_resamples = 0;  ///< 0: no confidence intervals
  double confidence = 0.95;
};

/// Saltelli's N (k + 2) points: block A (rows 0..N-1), block B (N..2N-1), then for each
/// parameter i the block AB_i (rows (2+i) N ...): A with column i taken from B.
struct SaltelliDesign {
  std::size_t dims = 0;
  std::size_t base_samples = 0;
  Points unit_points;
};

SaltelliDesign saltelli_design(std::size_t dims, const SobolOptions& options = {});

/// First-order (Saltelli et al. 2010) and total (Jansen 1999) indices. variance is the
/// population variance of the 2N outputs of A and B. With bootstrap_resamples > 0 the *_conf
/// vectors hold half-widths z * SD(bootstrap estimates) (z the normal quantile of the
/// confidence, as SALib); otherwise they are empty. Zero output variance gives NaN indices.
struct SobolIndices {
  std::vector<double> first_order;
  std::vector<double> total_order;
  std::vector<double> first_order_conf;
  std::vector<double> total_order_conf;
  double mean = 0.0;
  double variance = 0.0;
};

/// Outputs in the order of design.unit_points.
SobolIndices sobol_analyze(const SaltelliDesign& design, std::span<const double> outputs, const SobolOptions& options = {});

/// Design, scale to the ranges, evaluate, analyse.
SobolIndices sobol_indices(const ModelFunction& model, std::span<const ParameterRange> ranges, const SobolOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Tables

/// CSV `parameter,mu,mu_star,sigma`, one line per parameter (header "name [unit]").
void write_morris_csv(std::ostream& out, std::span<const ParameterRange> ranges, const MorrisIndices& indices);

/// CSV `parameter,S1,S1_conf,ST,ST_conf` (conf columns empty without bootstrap).
void write_sobol_csv(std::ostream& out, std::span<const ParameterRange> ranges, const SobolIndices& indices);

}  // namespace bungner::study
