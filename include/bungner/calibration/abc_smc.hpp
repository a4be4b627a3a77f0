#pragma once
// Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; docs/calibration-abc.md).
//
// A population of particles in a bounded parameter space moves from the prior towards the
// approximate posterior through a decreasing schedule of tolerances: Toni et al. 2009
// (doi:10.1098/rsif.2008.0172) with the importance weights and the perturbation kernel of
// Beaumont et al. 2009 (doi:10.1093/biomet/asp052: a multivariate normal with twice the weighted
// covariance of the previous population; Filippi et al. 2013, doi:10.1515/sagmb-2012-0069,
// discuss this and other kernels) and the adaptive tolerance of Del Moral, Doucet & Jasra 2012
// (doi:10.1007/s11222-011-9271-y: a quantile of the previous population's distances).
//
// The simulator is a callback, distance(theta, key), so the algorithm is tested without the model.
// Determinism: every proposal's random stream is keyed by (seed, generation, particle slot,
// attempt), and each slot keeps proposing until one of its own proposals is accepted, so which
// proposal fills a slot does not depend on the order in which threads run: the populations are
// bit-identical at any thread count.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bungner/core/random.hpp"

namespace bungner::calibration {

/// The prior of one parameter, always with bounded support [low, high]. The sampler works on a
/// coordinate z: z = x for uniform and normal, z = ln x for log_uniform and lognormal (low > 0),
/// where every prior is uniform or normal; the perturbation kernel acts on z.
enum class PriorKind { uniform, log_uniform, normal, lognormal };

struct Prior {
  std::string name;
  PriorKind kind = PriorKind::uniform;
  double low = 0, high = 1;  ///< support of x (both finite, low < high; low > 0 for the log kinds)
  /// normal: mean and SD of x; lognormal: median of x (mean = ln median) and SD of ln x.
  double mean = 0, sd = 1;

  bool log_scale() const { return kind == PriorKind::log_uniform || kind == PriorKind::lognormal; }
  double to_z(double x) const;
  double to_x(double z) const;
  /// The support on z.
  double z_low() const { return to_z(low); }
  double z_high() const { return to_z(high); }
  /// Unnormalised prior density of z (0 outside the support). A constant factor per parameter
  /// cancels in the normalised weights.
  double density_z(double z) const;
  /// A draw of z from the (truncated) prior by inverse transform: one uniform per draw.
  double sample_z(RandomStream& stream) const;
  /// Throws std::invalid_argument naming the parameter when the prior is not usable.
  void check() const;
};

/// What the callback gets besides the parameters: where the proposal stands, so that a
/// stochastic simulator can key its own random streams by it (a different stream per proposal).
struct ProposalKey {
  std::uint64_t seed = 0;
  std::uint64_t generation = 0;
  std::uint64_t slot = 0;
  std::uint64_t attempt = 0;
};

/// distance(x, key) >= 0 between data simulated at parameters x (in the priors' order, on the
/// natural scale) and the observed data. Called concurrently from several threads.
using DistanceFunction = std::function<double(const std::vector<double>& x, const ProposalKey& key)>;

struct Generation;

/// Where this process stands among the processes (MPI ranks) that share one calibration. The
/// library knows no MPI: the command-line tool fills this in under mpirun. Rank r runs the slots
/// i with i mod ranks = r; after each generation every rank holds the whole population.
struct Ranks {
  int rank = 0;
  int ranks = 1;
  /// Bitwise OR of `words` over all ranks, in place on every rank (a collective). Each rank fills
  /// in the slots it ran and leaves zeros elsewhere, so the OR hands every rank the other ranks'
  /// doubles bit for bit, which no arithmetic reduction would guarantee (-0.0 + 0.0 is +0.0).
  std::function<void(std::vector<std::uint64_t>& words)> all_or = [](std::vector<std::uint64_t>&) {};
};

struct Options {
  std::size_t particles = 200;
  std::uint64_t seed = 1;
  /// The tolerance of generation t >= 1 is this quantile of generation t - 1's distances.
  double alpha = 0.5;
  /// Stop after this many generations (the prior generation 0 included).
  std::size_t max_generations = 10;
  /// Stop once a generation's tolerance is at or below this.
  double min_tolerance = 0;
  /// Stop once a generation's acceptance rate (particles / distance evaluations) falls below this.
  double min_acceptance = 0;
  /// A slot that needs more proposals than this (out of the prior's support included) ends the
  /// run; the last complete generation is the result.
  std::size_t max_attempts = 10000;
  /// OpenMP threads for the slots (0: the OpenMP default). Results do not depend on it.
  int threads = 0;
  /// MPI ranks sharing the slots. Results do not depend on it either.
  Ranks ranks;
  /// Called after each complete generation (e.g. to write a checkpoint or progress).
  std::function<void(const Generation&)> on_generation;
  /// Generations already done (read back from a checkpoint): the run continues after the last
  /// one, with the same result as a run that was never interrupted (the particles' `z` must be
  /// the saved ones, not recomputed from x).
  std::vector<Generation> resume_from;
};

struct Particle {
  std::vector<double> x;  ///< natural scale, in the priors' order
  std::vector<double> z;  ///< the sampler's coordinates (ln x for the log-scale priors)
  double weight = 0;      ///< normalised over the population
  double distance = 0;
};

struct Generation {
  std::size_t index = 0;
  double tolerance = 0;         ///< +inf for generation 0 (the prior)
  std::size_t evaluations = 0;  ///< distance evaluations
  std::size_t proposals = 0;    ///< proposals, out of the prior's support included
  double acceptance_rate = 0;   ///< particles / evaluations
  double ess = 0;               ///< effective sample size 1 / sum w^2
  std::vector<Particle> population;
};

struct Result {
  std::vector<Generation> generations;
  std::string stop_reason;  ///< max_generations | min_tolerance | min_acceptance | max_attempts
  const Generation& posterior() const { return generations.back(); }
};

/// Runs ABC-SMC. Throws std::invalid_argument for bad options or priors (the caller, which knows
/// the input file, reports them), and rethrows the first exception of a distance evaluation.
Result run_abc_smc(const std::vector<Prior>& priors, const DistanceFunction& distance, const Options& options);

// Building blocks, exposed for the tests.

/// Effective sample size of normalised weights: 1 / sum w_i^2.
double effective_sample_size(const std::vector<double>& weights);
/// The alpha-quantile (type 7, linear interpolation) of the values.
double quantile(std::vector<double> values, double alpha);
/// Weighted covariance sum_i w_i (z_i - m)(z_i - m)^T of points (rows) with normalised weights, row-major d x d.
std::vector<double> weighted_covariance(const std::vector<std::vector<double>>& points, const std::vector<double>& weights);
/// Lower Cholesky factor of a symmetric positive-definite d x d matrix (row-major); throws
/// std::domain_error when it is not positive definite.
std::vector<double> cholesky(const std::vector<double>& matrix, std::size_t d);

/// Weighted mean, SD and quantiles of one parameter of a population.
struct Marginal {
  double mean = 0, sd = 0, q05 = 0, q50 = 0, q95 = 0;
};
Marginal marginal(const Generation& generation, std::size_t parameter);

/// posterior.csv: particle, weight, distance and one column per parameter (full precision).
std::string posterior_csv(const Generation& generation, const std::vector<Prior>& priors);
/// generations.csv: generation, tolerance, evaluations, proposals, acceptance_rate, ess.
std::string generations_csv(const Result& result);
/// A checkpoint of a run: every generation's figures and the last population (weights, distances
/// and z, full precision), headed by `fingerprint` (what the run was started from).
std::string checkpoint_text(const Result& result, const std::string& fingerprint);
/// Reads a checkpoint back: the generations (only the last with its population) for
/// Options::resume_from. Throws std::invalid_argument when the text is not a checkpoint of
/// `parameters` parameters or its fingerprint differs.
std::vector<Generation> parse_checkpoint(const std::string& text, const std::string& fingerprint,
                                         const std::vector<Prior>& priors);

}  // namespace bungner::calibration
