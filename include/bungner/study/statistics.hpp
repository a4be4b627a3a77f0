#pragma once
// Statistics for study reports: descriptive summaries, Welch's t-test, Holm-Bonferroni, one-way
// ANOVA, Tukey HSD and Hedges' g, with the special functions they need (log-gamma, regularised
// incomplete beta and its inverse, Student-t, F and studentized range distributions).
//
// Everything here is a pure function: no global state (log_gamma is our own, not std::lgamma,
// which writes the global `signgam`), so any of it may be called from any thread. Formulas,
// references and accuracy: docs/statistics.md. Reference values in the tests come from
// tests/reference/make_statistics_reference.py (scipy).
//
// Preconditions are checked: a sample too small for a statistic, a probability outside (0,1),
// a non-positive degree of freedom throw std::invalid_argument. NaN in a sample propagates.
// Samples without any variation are not an error (deterministic runs produce them): the
// statistic is then +-inf with p = 0 where the means differ, NaN where they do not.
#include <cstddef>
#include <span>
#include <vector>

namespace bungner::study {

// ---------------------------------------------------------------------------------------------
// Special functions

/// ln Gamma(x) for x > 0 (Lanczos g=7 below 10, Stirling series above; ~1e-15 relative).
double log_gamma(double x);

/// ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a+b), a, b > 0, without the cancellation of
/// the naive sum when a or b is large.
double log_beta(double a, double b);

/// Regularised incomplete beta I_x(a, b), a, b > 0, x in [0, 1] (continued fraction, Lentz).
double regularized_incomplete_beta(double a, double b, double x);

/// The x in [0, 1] with I_x(a, b) = p, p in [0, 1] (safeguarded Newton).
double inverse_regularized_incomplete_beta(double a, double b, double p);

/// Standard normal CDF.
double normal_cdf(double z);

/// Two-sided normal p-value P(|Z| > |z|) = erfc(|z| / sqrt 2), accurate to the smallest p
/// (2 * (1 - normal_cdf(|z|)) is 0 for |z| > 8.3 and loses digits long before).
double normal_two_sided_p(double z);

/// Survival function of the chi-square distribution with 1 degree of freedom,
/// P(X > chi2) = erfc(sqrt(chi2 / 2)); e.g. 1.5239706e-23 at chi2 = 100.
double chi_square_1_sf(double chi2);

/// Student-t CDF and survival function P(T > t); df > 0 (df = +inf gives the normal).
double student_t_cdf(double t, double df);
double student_t_sf(double t, double df);
/// Student-t quantile: the t with student_t_cdf(t, df) = p, p in (0, 1).
double student_t_quantile(double p, double df);

/// F distribution CDF and survival function P(F > f); df1, df2 > 0.
double f_cdf(double f, double df1, double df2);
double f_sf(double f, double df1, double df2);

/// Studentized range distribution (range of k iid normals over an independent chi_df/sqrt(df)):
/// CDF and survival function by nested adaptive Gauss-Kronrod quadrature. k >= 2, df >= 1
/// (df = +inf gives the single-integral normal form). The survival function is computed
/// directly, not as 1 - CDF, so small p-values keep their relative accuracy (~1e-8).
double studentized_range_cdf(double q, double k, double df);
double studentized_range_sf(double q, double k, double df);
/// Studentized range quantile: the q with studentized_range_cdf(q, k, df) = p, p in (0, 1).
double studentized_range_quantile(double p, double k, double df);

// ---------------------------------------------------------------------------------------------
// Descriptive statistics

/// Arithmetic mean; n >= 1.
double mean(std::span<const double> sample);
/// Sample standard deviation with the n - 1 divisor; n >= 2.
double standard_deviation(std::span<const double> sample);
/// Standard error of the mean, sd / sqrt(n); n >= 2.
double standard_error(std::span<const double> sample);

struct Summary {
  std::size_t n = 0;
  double mean = 0.0;
  double sd = 0.0;   ///< n - 1 divisor
  double sem = 0.0;  ///< sd / sqrt(n)
  double confidence = 0.95;
  double ci_low = 0.0;   ///< mean - t_{(1+confidence)/2, n-1} * sem
  double ci_high = 0.0;  ///< mean + t_{(1+confidence)/2, n-1} * sem
};

/// Mean, SD, SEM and the t-based confidence interval of the mean; n >= 2, confidence in (0,1).
Summary summarize(std::span<const double> sample, double confidence = 0.95);

// ---------------------------------------------------------------------------------------------
// Tests

/// Welch's unequal-variance t-test of mean(a) - mean(b) (as scipy.stats.ttest_ind with
/// equal_var=False), two-sided.
struct WelchTTest {
  double t = 0.0;
  double df = 0.0;               ///< Welch-Satterthwaite degrees of freedom
  double p = 1.0;                ///< two-sided p-value
  double mean_difference = 0.0;  ///< mean(a) - mean(b)
  double standard_error = 0.0;   ///< sqrt(var_a/n_a + var_b/n_b)
  double ci_low = 0.0;           ///< confidence interval of the mean difference (Welch df)
  double ci_high = 0.0;
};
/// Each sample needs n >= 2. Zero standard error: t = +-inf, df = NaN, p = 0 (NaN if the means
/// are equal).
WelchTTest welch_t_test(std::span<const double> a, std::span<const double> b, double confidence = 0.95);

/// Holm-Bonferroni step-down adjusted p-values, in the input order (monotone, capped at 1).
/// Reject hypothesis i at family-wise level alpha when adjusted[i] <= alpha.
std::vector<double> holm_bonferroni(std::span<const double> p_values);

/// One-way ANOVA (as scipy.stats.f_oneway).
struct Anova {
  double f = 0.0;
  double df_between = 0.0;  ///< k - 1
  double df_within = 0.0;   ///< N - k
  double p = 1.0;
  double ss_between = 0.0;
  double ss_within = 0.0;
};
/// k >= 2 groups, each with n >= 1, and N > k. No within-group variation: F = inf, p = 0 (NaN
/// if the group means are equal too).
Anova one_way_anova(std::span<const std::vector<double>> groups);

/// One pair of a Tukey HSD (Tukey-Kramer for unequal sizes), as scipy.stats.tukey_hsd.
struct TukeyComparison {
  std::size_t i = 0;  ///< first group (i < j)
  std::size_t j = 0;
  double mean_difference = 0.0;  ///< mean_i - mean_j
  double standard_error = 0.0;   ///< sqrt(MSE/2 * (1/n_i + 1/n_j))
  double q = 0.0;                ///< |mean_difference| / standard_error
  double p = 1.0;                ///< studentized_range_sf(q, k, N - k)
  double ci_low = 0.0;           ///< mean_difference -/+ studentized_range_quantile(conf, k, N-k) * SE
  double ci_high = 0.0;
};
/// All k(k-1)/2 pairs in order (0,1), (0,2), ..., (k-2,k-1). Same requirements and degenerate
/// cases as the ANOVA. Without `intervals`, ci_low and ci_high are NaN and the studentized range
/// quantile (a root search over a double integral, as costly as several p values) is not
/// computed: for callers that report only p.
std::vector<TukeyComparison> tukey_hsd(std::span<const std::vector<double>> groups, double confidence = 0.95,
                                       bool intervals = true);

// ---------------------------------------------------------------------------------------------
// Effect size

/// Small-sample correction J of Hedges' g: exact Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))
/// (Hedges 1981) or the common approximation 1 - 3 / (4 df - 1).
enum class HedgesCorrection { exact, approximate };

/// J(df) for df > 1.
double hedges_correction(double df, HedgesCorrection kind = HedgesCorrection::exact);

struct EffectSize {
  double cohens_d = 0.0;    ///< (mean_a - mean_b) / pooled SD (n_a + n_b - 2 divisor)
  double hedges_g = 0.0;    ///< correction * cohens_d
  double correction = 1.0;  ///< J(df)
  double df = 0.0;          ///< n_a + n_b - 2
};
/// Standardised mean difference of a over b; n_a, n_b >= 2 (a zero pooled SD gives +-inf or NaN).
EffectSize hedges_g(std::span<const double> a, std::span<const double> b, HedgesCorrection kind = HedgesCorrection::exact);

}  // namespace bungner::study
