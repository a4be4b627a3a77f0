// ABC-SMC (include/bungner/calibration/abc_smc.hpp) against analytic answers: a conjugate normal
// model whose posterior is known in closed form, a two-parameter synthetic recovery, determinism
// at 1 and 2 threads, and the building blocks (priors, quantile, ESS, Cholesky, stopping rules).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <cmath>
#include <exception>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <thread>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/core/random.hpp"

namespace bungner::calibration {
namespace {

// Normal data with known SD sigma, n observations with sample mean ybar; prior N(mu0, tau0^2) on
// the mean. Posterior: N(mu_n, tau_n^2) with 1/tau_n^2 = 1/tau0^2 + n/sigma^2 and
// mu_n = tau_n^2 (mu0/tau0^2 + n ybar/sigma^2). The sample mean is sufficient, so ABC on
// |ybar_sim - ybar| tends to the exact posterior as the tolerance goes to 0.
struct Conjugate {
  double sigma = 1, n = 10, ybar = 2, mu0 = 0, tau0 = 2;
  double posterior_var() const { return 1 / (1 / (tau0 * tau0) + n / (sigma * sigma)); }
  double posterior_mean() const { return posterior_var() * (mu0 / (tau0 * tau0) + n * ybar / (sigma * sigma)); }
  std::vector<Prior> priors() const { return {Prior{"mu", PriorKind::normal, mu0 - 10 * tau0, mu0 + 10 * tau0, mu0, tau0}}; }
  DistanceFunction distance() const {
    return [*this](const std::vector<double>& x, const ProposalKey& key) {
      RandomStream stream(RandomKey{key.seed, key.generation}, key.slot, key.attempt, purpose_id("test.simulator"));
      const double simulated = x[0] + sigma / std::sqrt(n) * stream.normal();
      return std::abs(simulated - ybar);
    };
  }
};

TEST(AbcSmc, ConjugateNormalPosteriorMeanAndSdWithinTenPercent) {
  const Conjugate problem;
  Options o;
  o.particles = 1000;
  o.seed = 11;
  o.max_generations = 30;
  o.min_tolerance = 0.03;  // tolerance^2 / 3 is 0.3 % of the likelihood's variance sigma^2 / n
  const Result r = run_abc_smc(problem.priors(), problem.distance(), o);
  EXPECT_EQ(r.stop_reason, "min_tolerance");
  const Marginal m = marginal(r.posterior(), 0);
  const double mean = problem.posterior_mean(), sd = std::sqrt(problem.posterior_var());
  EXPECT_NEAR(mean, 1.951219512195122, 1e-12);
  EXPECT_NEAR(m.mean, mean, 0.1 * mean) << "posterior mean " << m.mean << " vs " << mean;
  EXPECT_NEAR(m.sd, sd, 0.1 * sd) << "posterior SD " << m.sd << " vs " << sd;
  // Much tighter in fact: Monte Carlo error with an ESS of several hundred is a few percent.
  EXPECT_NEAR(m.mean, mean, 0.03 * mean);
  EXPECT_NEAR(m.sd, sd, 0.06 * sd);
  EXPECT_GT(r.posterior().ess, 300);
  // The tolerance schedule decreases, the first generation is the prior (infinite tolerance).
  EXPECT_TRUE(std::isinf(r.generations.front().tolerance));
  for (std::size_t g = 2; g < r.generations.size(); ++g) EXPECT_LT(r.generations[g].tolerance, r.generations[g - 1].tolerance);
}

TEST(AbcSmc, IdenticalPopulationsAtOneAndTwoThreads) {
  const Conjugate problem;
  Options o;
  o.particles = 200;
  o.seed = 5;
  o.max_generations = 5;
  o.threads = 1;
  const Result one = run_abc_smc(problem.priors(), problem.distance(), o);
  o.threads = 2;
  const Result two = run_abc_smc(problem.priors(), problem.distance(), o);
  ASSERT_EQ(one.generations.size(), two.generations.size());
  for (std::size_t g = 0; g < one.generations.size(); ++g) {
    const Generation &a = one.generations[g], &b = two.generations[g];
    EXPECT_EQ(a.tolerance, b.tolerance);
    EXPECT_EQ(a.evaluations, b.evaluations);
    EXPECT_EQ(a.ess, b.ess);
    for (std::size_t i = 0; i < a.population.size(); ++i) {
      EXPECT_EQ(a.population[i].x, b.population[i].x);
      EXPECT_EQ(a.population[i].weight, b.population[i].weight);
      EXPECT_EQ(a.population[i].distance, b.population[i].distance);
    }
  }
  EXPECT_EQ(posterior_csv(one.posterior(), problem.priors()), posterior_csv(two.posterior(), problem.priors()));
  EXPECT_EQ(generations_csv(one), generations_csv(two));
  // And a different seed gives a different population (the seed is used).
  o.seed = 6;
  EXPECT_NE(posterior_csv(run_abc_smc(problem.priors(), problem.distance(), o).posterior(), problem.priors()),
            posterior_csv(one.posterior(), problem.priors()));
}

TEST(AbcSmc, ResumedFromACheckpointGivesTheUninterruptedResult) {
  // Log-scale and normal priors both: the checkpoint keeps z, so nothing is recomputed from x.
  const Conjugate problem;
  std::vector<Prior> priors = problem.priors();
  priors.push_back(Prior{"unused", PriorKind::log_uniform, 0.1, 10});
  Options o;
  o.particles = 100;
  o.seed = 21;
  o.max_generations = 5;
  const Result straight = run_abc_smc(priors, problem.distance(), o);
  ASSERT_EQ(straight.generations.size(), 5u);
  o.max_generations = 2;  // "killed" after generation 1
  const std::string saved = checkpoint_text(run_abc_smc(priors, problem.distance(), o), "fingerprint");
  o.max_generations = 5;
  o.resume_from = parse_checkpoint(saved, "fingerprint", priors);
  ASSERT_EQ(o.resume_from.size(), 2u);
  std::size_t calls = 0;
  std::mutex m;
  const DistanceFunction counted = [&](const std::vector<double>& x, const ProposalKey& key) {
    const std::lock_guard lock(m);
    ++calls;
    EXPECT_GE(key.generation, 2u);  // the saved generations are not simulated again
    return problem.distance()(x, key);
  };
  const Result resumed = run_abc_smc(priors, counted, o);
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(posterior_csv(resumed.posterior(), priors), posterior_csv(straight.posterior(), priors));
  EXPECT_EQ(generations_csv(resumed), generations_csv(straight));
  EXPECT_EQ(resumed.stop_reason, straight.stop_reason);
  // A checkpoint of another calibration, or a damaged one, is refused.
  EXPECT_THROW(parse_checkpoint(saved, "another", priors), std::invalid_argument);
  EXPECT_THROW(parse_checkpoint(saved.substr(0, saved.find("\nP,")), "fingerprint", priors), std::invalid_argument);
  EXPECT_THROW(parse_checkpoint(saved, "fingerprint", problem.priors()), std::invalid_argument);
}

// y(t) = A exp(-t / tau) at t = 1..8, each the mean of 5 replicates with noise SD 0.2. The data
// were simulated from A = 3, tau = 4; a uniform prior on A and a log-uniform prior on tau.
TEST(AbcSmc, RecoversTwoSyntheticParametersInsideTheNinetyPercentInterval) {
  constexpr double true_a = 3, true_tau = 4, noise = 0.2;
  constexpr int times = 8, replicates = 5;
  auto simulate = [&](double a, double tau, RandomStream& stream) {
    std::vector<double> y(times);
    for (int t = 0; t < times; ++t) {
      double sum = 0;
      for (int r = 0; r < replicates; ++r) sum += a * std::exp(-(t + 1) / tau) + noise * stream.normal();
      y[static_cast<std::size_t>(t)] = sum / replicates;
    }
    return y;
  };
  RandomStream data_stream(RandomKey{2027, 0}, 0, 0, purpose_id("test.observed"));
  const std::vector<double> observed = simulate(true_a, true_tau, data_stream);
  const DistanceFunction distance = [&](const std::vector<double>& x, const ProposalKey& key) {
    RandomStream stream(RandomKey{key.seed, key.generation}, key.slot, key.attempt, purpose_id("test.simulator"));
    const std::vector<double> y = simulate(x[0], x[1], stream);
    double sum = 0;
    for (std::size_t t = 0; t < y.size(); ++t) sum += (y[t] - observed[t]) * (y[t] - observed[t]);
    return std::sqrt(sum) / (noise / std::sqrt(replicates));
  };
  const std::vector<Prior> priors = {Prior{"A", PriorKind::uniform, 0.5, 10}, Prior{"tau", PriorKind::log_uniform, 0.5, 50}};
  Options o;
  o.particles = 500;
  o.seed = 3;
  o.max_generations = 12;
  o.min_acceptance = 0.05;
  const Result r = run_abc_smc(priors, distance, o);
  const Marginal a = marginal(r.posterior(), 0), tau = marginal(r.posterior(), 1);
  EXPECT_LE(a.q05, true_a);
  EXPECT_GE(a.q95, true_a);
  EXPECT_LE(tau.q05, true_tau);
  EXPECT_GE(tau.q95, true_tau);
  // Informative: the intervals are a small part of the prior's range.
  EXPECT_LT(a.q95 - a.q05, 0.15 * (10 - 0.5)) << a.q05 << ".." << a.q95;
  EXPECT_LT(std::log(tau.q95 / tau.q05), 0.15 * std::log(50 / 0.5)) << tau.q05 << ".." << tau.q95;
  for (const Particle& p : r.posterior().population) {
    EXPECT_GE(p.x[0], 0.5);
    EXPECT_LE(p.x[1], 50);
  }
}

TEST(AbcSmcPrior, LogUniformIsUniformInTheLogarithm) {
  const Prior p{"k", PriorKind::log_uniform, 0.1, 1000};
  int below_geometric_mean = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    RandomStream s(RandomKey{1, 0}, static_cast<std::uint64_t>(i), 0, 7);
    const double x = p.to_x(p.sample_z(s));
    ASSERT_GE(x, 0.1);
    ASSERT_LE(x, 1000);
    below_geometric_mean += x < 10 ? 1 : 0;
  }
  EXPECT_NEAR(below_geometric_mean / double(n), 0.5, 0.01);
  EXPECT_EQ(p.density_z(std::log(5.0)), p.density_z(std::log(500.0)));
  EXPECT_EQ(p.density_z(std::log(2000.0)), 0);
}

TEST(AbcSmcPrior, TruncatedNormalHasTheHalfNormalMoments) {
  // N(1, 2^2) truncated to [1, 40]: a half-normal, mean 1 + 2 sqrt(2/pi), SD 2 sqrt(1 - 2/pi).
  const Prior p{"h", PriorKind::normal, 1, 40, 1, 2};
  double sum = 0, squares = 0;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    RandomStream s(RandomKey{2, 0}, static_cast<std::uint64_t>(i), 0, 7);
    const double x = p.sample_z(s);
    ASSERT_GE(x, 1);
    sum += x, squares += x * x;
  }
  const double mean = sum / n, sd = std::sqrt(squares / n - mean * mean);
  EXPECT_NEAR(mean, 1 + 2 * std::sqrt(2 / std::numbers::pi), 0.02);
  EXPECT_NEAR(sd, 2 * std::sqrt(1 - 2 / std::numbers::pi), 0.02);
  // Both bounds far in the upper tail still give draws inside them.
  const Prior tail{"t", PriorKind::normal, 9, 10, 0, 1};
  RandomStream s(RandomKey{3, 0}, 0, 0, 7);
  for (int i = 0; i < 100; ++i) {
    const double x = tail.sample_z(s);
    ASSERT_GE(x, 9);
    ASSERT_LE(x, 10);
  }
}

TEST(AbcSmcPrior, BadPriorsAreRefusedByName) {
  EXPECT_THROW((Prior{"a", PriorKind::uniform, 2, 1}.check()), std::invalid_argument);
  EXPECT_THROW((Prior{"a", PriorKind::log_uniform, 0, 1}.check()), std::invalid_argument);
  EXPECT_THROW((Prior{"a", PriorKind::normal, 0, 1, 0, 0}.check()), std::invalid_argument);
  try {
    Prior{"speed", PriorKind::lognormal, 1, 2, -1, 1}.check();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("speed"), std::string::npos);
  }
}

TEST(AbcSmcParts, QuantileEssCovarianceAndCholesky) {
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.0), 1);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 1.0), 4);
  const std::vector<double> even = {0.25, 0.25, 0.25, 0.25}, one = {1, 0, 0, 0}, two = {0.5, 0.0, 0.5, 0.0};
  EXPECT_DOUBLE_EQ(effective_sample_size(even), 4);
  EXPECT_DOUBLE_EQ(effective_sample_size(one), 1);
  EXPECT_DOUBLE_EQ(effective_sample_size(two), 2);
  // Two points with weights 1/4, 3/4: mean (0.75, 1.5); cov = w1 w2 (a - b)(a - b)^T.
  const std::vector<double> cov = weighted_covariance({{0, 0}, {1, 2}}, {0.25, 0.75});
  EXPECT_DOUBLE_EQ(cov[0], 0.1875);
  EXPECT_DOUBLE_EQ(cov[1], 0.375);
  EXPECT_DOUBLE_EQ(cov[3], 0.75);
  // [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]].
  const std::vector<double> l = cholesky({4, 2, 2, 3}, 2);
  EXPECT_DOUBLE_EQ(l[0], 2);
  EXPECT_DOUBLE_EQ(l[1], 0);
  EXPECT_DOUBLE_EQ(l[2], 1);
  EXPECT_DOUBLE_EQ(l[3], std::sqrt(2.0));
  EXPECT_THROW(cholesky({1, 2, 2, 1}, 2), std::domain_error);
}

TEST(AbcSmcStopping, MaxAttemptsKeepsTheLastCompleteGeneration) {
  // A distance that is 1 in generation 0 and 2 afterwards: no proposal of generation 1 can reach
  // the tolerance 1, so the run ends with the prior generation.
  const DistanceFunction distance = [](const std::vector<double>&, const ProposalKey& key) {
    return key.generation == 0 ? 1.0 : 2.0;
  };
  Options o;
  o.particles = 10;
  o.max_attempts = 20;
  const Result r = run_abc_smc({Prior{"a", PriorKind::uniform, 0, 1}}, distance, o);
  EXPECT_EQ(r.stop_reason, "max_attempts");
  ASSERT_EQ(r.generations.size(), 1u);
  EXPECT_EQ(r.generations[0].population.size(), 10u);
}

TEST(AbcSmcStopping, MinAcceptanceAndMaxGenerations) {
  const Conjugate problem;
  Options o;
  o.particles = 100;
  o.max_generations = 40;
  o.min_acceptance = 0.2;
  const Result r = run_abc_smc(problem.priors(), problem.distance(), o);
  EXPECT_EQ(r.stop_reason, "min_acceptance");
  EXPECT_LT(r.posterior().acceptance_rate, 0.2);
  for (std::size_t g = 1; g + 1 < r.generations.size(); ++g) EXPECT_GE(r.generations[g].acceptance_rate, 0.2);
  o.min_acceptance = 0;
  o.max_generations = 3;
  const Result three = run_abc_smc(problem.priors(), problem.distance(), o);
  EXPECT_EQ(three.stop_reason, "max_generations");
  EXPECT_EQ(three.generations.size(), 3u);
}

TEST(AbcSmcStopping, BadOptionsAndSimulatorErrorsAreReported) {
  const Conjugate problem;
  Options o;
  o.particles = 1;
  EXPECT_THROW(run_abc_smc(problem.priors(), problem.distance(), o), std::invalid_argument);
  o.particles = 10;
  o.alpha = 1;
  EXPECT_THROW(run_abc_smc(problem.priors(), problem.distance(), o), std::invalid_argument);
  o.alpha = 0.5;
  EXPECT_THROW(run_abc_smc({}, problem.distance(), o), std::invalid_argument);
  const DistanceFunction failing = [](const std::vector<double>&, const ProposalKey&) -> double {
    throw std::runtime_error("boom");
  };
  EXPECT_THROW(run_abc_smc(problem.priors(), failing, o), std::runtime_error);
}

/// Two MPI ranks played by two threads: all_or posts each rank's words, waits for the other's,
/// and ORs them, as MPI_Allreduce with MPI_BOR does.
class TwoRanks {
 public:
  Ranks rank(int r) {
    return Ranks{r, 2, [this, r](std::vector<std::uint64_t>& words) {
                   posted_[r] = words;
                   sync_.arrive_and_wait();
                   for (std::size_t i = 0; i < words.size(); ++i) words[i] = posted_[0][i] | posted_[1][i];
                   sync_.arrive_and_wait();  // neither posts again before both have read
                 }};
  }

 private:
  std::barrier<> sync_{2};
  std::vector<std::uint64_t> posted_[2];
};

/// Runs the calibration on two simulated ranks; each rank's result and error.
struct OnTwoRanks {
  Result result[2];
  std::exception_ptr error[2];
  OnTwoRanks(const std::vector<Prior>& priors, const DistanceFunction& distance, Options o) {
    TwoRanks ranks;
    std::vector<std::thread> threads;
    for (int r = 0; r < 2; ++r)
      threads.emplace_back([&, r, o]() mutable {
        o.ranks = ranks.rank(r);
        try {
          result[r] = run_abc_smc(priors, distance, o);
        } catch (...) {
          error[r] = std::current_exception();
        }
      });
    for (auto& t : threads) t.join();
  }
};

TEST(AbcSmc, IdenticalPopulationsOnOneAndTwoRanks) {
  // Log-scale and normal priors: z and x both travel between the ranks.
  const Conjugate problem;
  std::vector<Prior> priors = problem.priors();
  priors.push_back(Prior{"unused", PriorKind::log_uniform, 0.1, 10});
  Options o;
  o.particles = 101;  // odd: the ranks get 51 and 50 slots
  o.seed = 17;
  o.max_generations = 4;
  o.threads = 1;
  const Result one = run_abc_smc(priors, problem.distance(), o);
  std::atomic<std::size_t> calls[2] = {0, 0};
  std::atomic<bool> foreign_slot = false;
  const DistanceFunction counted = [&](const std::vector<double>& x, const ProposalKey& key) {
    // Which rank is calling: the slot tells, since rank r runs the slots i with i mod 2 = r.
    ++calls[key.slot % 2];
    if (key.slot >= o.particles) foreign_slot = true;
    return problem.distance()(x, key);
  };
  const OnTwoRanks two(priors, counted, o);
  ASSERT_FALSE(two.error[0] || two.error[1]);
  EXPECT_FALSE(foreign_slot);
  std::size_t evaluations = 0;
  for (const Generation& g : one.generations) evaluations += g.evaluations;
  // Each slot is simulated once, by its own rank: together exactly the one-rank run's evaluations.
  EXPECT_GT(calls[0], 0u);
  EXPECT_GT(calls[1], 0u);
  EXPECT_EQ(calls[0] + calls[1], evaluations);
  for (int r = 0; r < 2; ++r) {
    const Result& res = two.result[r];
    ASSERT_EQ(res.generations.size(), one.generations.size()) << "rank " << r;
    for (std::size_t g = 0; g < one.generations.size(); ++g)
      for (std::size_t i = 0; i < o.particles; ++i) {
        EXPECT_EQ(res.generations[g].population[i].z, one.generations[g].population[i].z);
        EXPECT_EQ(res.generations[g].population[i].x, one.generations[g].population[i].x);
      }
    EXPECT_EQ(posterior_csv(res.posterior(), priors), posterior_csv(one.posterior(), priors)) << "rank " << r;
    EXPECT_EQ(generations_csv(res), generations_csv(one)) << "rank " << r;
    EXPECT_EQ(checkpoint_text(res, "f"), checkpoint_text(one, "f")) << "rank " << r;
    EXPECT_EQ(res.stop_reason, one.stop_reason);
  }
}

TEST(AbcSmc, AnErrorOnOneRankStopsBoth) {
  // Slot 3 belongs to rank 1: rank 1 reports the simulator's message, rank 0 names the slot and rank.
  const DistanceFunction failing = [](const std::vector<double>& x, const ProposalKey& key) -> double {
    if (key.slot == 3) throw std::runtime_error("simulator failed");
    return x[0];
  };
  Options o;
  o.particles = 6;
  o.threads = 1;
  const OnTwoRanks two({Prior{"a", PriorKind::uniform, 0, 1}}, failing, o);
  auto message = [](const std::exception_ptr& e) -> std::string {
    if (!e) return "(no error)";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      return x.what();
    }
  };
  EXPECT_EQ(message(two.error[1]), "simulator failed");
  EXPECT_NE(message(two.error[0]).find("slot 3 failed on rank 1"), std::string::npos) << message(two.error[0]);
  // A rank outside [0, ranks) is refused.
  o.ranks = Ranks{2, 2};
  EXPECT_THROW(run_abc_smc({Prior{"a", PriorKind::uniform, 0, 1}}, failing, o), std::invalid_argument);
}

}  // namespace
}  // namespace bungner::calibration
