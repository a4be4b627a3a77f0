#include "bungner/study/statistics.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace bungner::study {

namespace {

constexpr double epsilon = std::numeric_limits<double>::epsilon();
constexpr double tiny = std::numeric_limits<double>::min();
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

void require_positive(double value, const char* what) {
  if (!(value > 0.0)) fail(std::string(what) + " must be positive");
}

void require_probability(double p, const char* what) {
  if (!(p > 0.0 && p < 1.0)) fail(std::string(what) + " must lie strictly between 0 and 1");
}

// ---------------------------------------------------------------------------------------------
// Log-gamma and log-beta

/// Stirling series remainder ln Gamma(x) - [(x - 1/2) ln x - x + ln(2 pi)/2], x >= 10: the first
/// omitted term, 691 / (360360 x^11), is below 2e-14 there.
double stirling_remainder(double x) {
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  return inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0))));
}

constexpr double half_log_two_pi = 0.91893853320467274178032973640562;  // ln(2 pi) / 2
constexpr double stirling_threshold = 10.0;

// ---------------------------------------------------------------------------------------------
// Incomplete beta

/// Continued fraction of I_x(a, b) (modified Lentz), good for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int max_iterations = 100000;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int iteration = 1; iteration <= max_iterations; ++iteration) {
    const double m = iteration;
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1.0) <= epsilon) break;
  }
  return h;
}

/// I_x(a, b) by the continued fraction, for x <= (a + 1) / (a + b + 2).
double incomplete_beta_direct(double a, double b, double x, double y) {
  const double log_x = x < 0.5 ? std::log(x) : std::log1p(-y);
  const double log_y = y < 0.5 ? std::log(y) : std::log1p(-x);
  const double front = std::exp(a * log_x + b * log_y - log_beta(a, b));
  return front * beta_continued_fraction(a, b, x) / a;
}

/// I_x(a, b) with y = 1 - x supplied separately, so that callers who know 1 - x more accurately
/// than by subtraction (the t and F distributions) do not lose it.
double incomplete_beta(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - incomplete_beta_direct(b, a, y, x);
  return incomplete_beta_direct(a, b, x, y);
}

// ---------------------------------------------------------------------------------------------
// Student t pieces (t >= 0 for the tail)

/// P(T > t) for t >= 0.
double t_upper_tail(double t, double df) {
  if (std::isinf(df)) return 0.5 * std::erfc(t / std::numbers::sqrt2);
  const double r = t * t / df;  // t^2 / df
  const double x = 1.0 / (1.0 + r);
  const double y = r / (1.0 + r);
  return 0.5 * incomplete_beta(0.5 * df, 0.5, x, y);
}

double t_density(double t, double df) {
  if (std::isinf(df)) return std::exp(-0.5 * t * t) / std::sqrt(2.0 * std::numbers::pi);
  return std::exp(-0.5 * std::log(df) - log_beta(0.5 * df, 0.5) - 0.5 * (df + 1.0) * std::log1p(t * t / df));
}

// ---------------------------------------------------------------------------------------------
// Adaptive Gauss-Kronrod (7-point Gauss, 15-point Kronrod; QUADPACK qk15 constants)

constexpr std::array<double, 8> kronrod_nodes = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                                                 0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                                                 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                                                 0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
constexpr std::array<double, 8> kronrod_weights = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                                                   0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                                                   0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                                                   0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr std::array<double, 4> gauss_weights = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                                                 0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

struct Segment {
  double low;
  double high;
  double value;
  double error;
};

template <class F>
Segment gauss_kronrod_15(const F& f, double low, double high) {
  const double centre = 0.5 * (low + high);
  const double half = 0.5 * (high - low);
  const double f_centre = f(centre);
  double kronrod = f_centre * kronrod_weights[7];
  double gauss = f_centre * gauss_weights[3];
  for (std::size_t j = 0; j < 7; ++j) {
    const double dx = half * kronrod_nodes[j];
    const double pair = f(centre - dx) + f(centre + dx);
    kronrod += kronrod_weights[j] * pair;
    if (j % 2 == 1) gauss += gauss_weights[j / 2] * pair;
  }
  return {low, high, kronrod * half, std::fabs(kronrod - gauss) * half};
}

/// Globally adaptive quadrature on [low, high], starting from `panels` equal panels and bisecting
/// the panel with the largest error estimate until the summed estimate meets the tolerance.
template <class F>
double integrate(const F& f, double low, double high, int panels, double relative_tolerance, double absolute_tolerance) {
  constexpr std::size_t max_segments = 600;
  std::vector<Segment> segments;
  segments.reserve(max_segments + 1);
  const double width = (high - low) / panels;
  for (int i = 0; i < panels; ++i) {
    const double a = low + width * i;
    const double b = i + 1 == panels ? high : low + width * (i + 1);
    segments.push_back(gauss_kronrod_15(f, a, b));
  }
  while (true) {
    double total = 0.0;
    double error = 0.0;
    std::size_t worst = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      total += segments[i].value;
      error += segments[i].error;
      if (segments[i].error > segments[worst].error) worst = i;
    }
    if (error <= std::max(absolute_tolerance, relative_tolerance * std::fabs(total)) || segments.size() >= max_segments) {
      return total;
    }
    const Segment split = segments[worst];
    const double middle = 0.5 * (split.low + split.high);
    segments[worst] = gauss_kronrod_15(f, split.low, middle);
    segments.push_back(gauss_kronrod_15(f, middle, split.high));
  }
}

/// Brent's root finder on [a, b] with f(a), f(b) of opposite signs (Numerical Recipes zbrent).
template <class F>
double brent_root(const F& f, double a, double b, double fa, double fb, double tolerance) {
  double c = b;
  double fc = fb;
  double d = b - a;
  double e = d;
  for (int iteration = 0; iteration < 300; ++iteration) {
    if ((fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol1 = 2.0 * epsilon * std::fabs(b) + 0.5 * tolerance;
    const double xm = 0.5 * (c - b);
    if (std::fabs(xm) <= tol1 || fb == 0.0) return b;
    if (std::fabs(e) >= tol1 && std::fabs(fa) > std::fabs(fb)) {
      const double s = fb / fa;
      double p = 0.0;
      double q = 0.0;
      if (a == c) {
        p = 2.0 * xm * s;
        q = 1.0 - s;
      } else {
        const double qq = fa / fc;
        const double r = fb / fc;
        p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
        q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0.0) q = -q;
      p = std::fabs(p);
      const double min1 = 3.0 * xm * q - std::fabs(tol1 * q);
      const double min2 = std::fabs(e * q);
      if (2.0 * p < std::min(min1, min2)) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += std::fabs(d) > tol1 ? d : std::copysign(tol1, xm);
    fb = f(b);
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Studentized range

/// Upper normal tail Q(z) = P(Z > z).
double normal_sf(double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); }

double normal_density(double z) {
  constexpr double inv_sqrt_two_pi = 0.39894228040143267793994605993438;
  return inv_sqrt_two_pi * std::exp(-0.5 * z * z);
}

/// Range of k iid standard normals: P(R <= w) (upper = false) or P(R > w) (upper = true),
/// P(R <= w) = k * int phi(z) [Phi(z) - Phi(z - w)]^(k-1) dz. The upper tail integrates
/// k phi(z) (Phi(z)^(k-1) - [Phi(z) - Phi(z-w)]^(k-1)) (the two terms differ by 1 in total),
/// written with expm1/log1p so that it keeps its relative accuracy when small.
/// The factors of the upper-tail integrand that depend on z alone (k phi(z), Phi(z), Phi(z)^(k-1)),
/// for one k. The quadrature visits the same nodes for every w (its first panels are fixed and
/// it bisects them), so one Tukey HSD, which integrates over w thousands of times, computes each
/// only once; the values are those the integrand would compute, so results do not change.
class RangeNodes {
 public:
  explicit RangeNodes(double k) : k_(k) { nodes_.reserve(4096); }
  double k() const { return k_; }
  const std::array<double, 3>& at(double z) {
    auto [it, fresh] = nodes_.try_emplace(std::bit_cast<std::uint64_t>(z));
    if (fresh) {
      const double weight = k_ * normal_density(z);
      const double a = normal_sf(-z);
      it->second = {weight, a, std::pow(a, k_ - 1.0)};
    }
    return it->second;
  }

 private:
  double k_;
  std::unordered_map<std::uint64_t, std::array<double, 3>> nodes_;
};

double normal_range_probability(double w, double k, bool upper, RangeNodes* nodes = nullptr) {
  if (!(w > 0.0)) return upper ? 1.0 : 0.0;
  if (std::isinf(w)) return upper ? 0.0 : 1.0;
  const double m = k - 1.0;
  const auto integrand = [&](double z) {
    if (upper && nodes != nullptr) {
      const auto& [weight, a, a_m] = nodes->at(z);
      if (weight == 0.0) return 0.0;
      const double b = normal_sf(w - z);  // Phi(z - w)
      if (a <= 0.0) return 0.0;
      return weight * a_m * -std::expm1(m * std::log1p(-b / a));
    }
    const double weight = k * normal_density(z);
    if (weight == 0.0) return 0.0;
    if (upper) {
      const double a = normal_sf(-z);     // Phi(z)
      const double b = normal_sf(w - z);  // Phi(z - w)
      if (a <= 0.0) return 0.0;
      return weight * std::pow(a, m) * -std::expm1(m * std::log1p(-b / a));
    }
    // Phi(z) - Phi(z - w), from whichever tail keeps the digits.
    const double inside = z - w > 0.0 ? normal_sf(z - w) - normal_sf(z) : normal_sf(-z) - normal_sf(w - z);
    return inside > 0.0 ? weight * std::pow(inside, m) : 0.0;
  };
  // phi(12) < 3e-32: nothing of interest lies outside.
  return integrate(integrand, -12.0, 12.0, 8, 1e-12, upper ? 1e-300 : 1e-15);
}

void check_range_arguments(double k, double df) {
  if (!(k >= 2.0) || std::isinf(k)) fail("studentized range: k must be at least 2");
  if (!(df >= 1.0)) fail("studentized range: df must be at least 1");
}

double studentized_range_probability(double q, double k, double df, bool upper, RangeNodes* nodes = nullptr) {
  check_range_arguments(k, df);
  if (std::isnan(q)) return not_a_number;
  if (!(q > 0.0)) return upper ? 1.0 : 0.0;
  if (std::isinf(df)) return normal_range_probability(q, k, upper, nodes);
  // s = chi_df / sqrt(df) has density df^(df/2) s^(df-1) exp(-df s^2 / 2) / (2^(df/2-1) Gamma(df/2)).
  const double log_constant = 0.5 * df * std::log(df) - (0.5 * df - 1.0) * std::numbers::ln2 - log_gamma(0.5 * df);
  const auto integrand = [&](double s) {
    if (!(s > 0.0)) return 0.0;
    const double density = std::exp(log_constant + (df - 1.0) * std::log(s) - 0.5 * df * s * s);
    if (density == 0.0) return 0.0;
    return density * normal_range_probability(q * s, k, upper, nodes);
  };
  // The density peaks at sqrt((df-1)/df) with width ~ 1/sqrt(2 df); 10/sqrt(df) either side
  // leaves out less than exp(-50) of its mass.
  const double mode = std::sqrt((df - 1.0) / df);
  const double reach = 10.0 / std::sqrt(df);
  const double low = std::max(0.0, mode - reach);
  const double high = mode + reach;
  const double result = integrate(integrand, low, high, 8, 1e-10, upper ? 1e-300 : 1e-14);
  return std::clamp(result, 0.0, 1.0);
}

// ---------------------------------------------------------------------------------------------
// Descriptive helpers

double sum_of_squares_about(std::span<const double> sample, double centre) {
  double total = 0.0;
  for (const double x : sample) total += (x - centre) * (x - centre);
  return total;
}

double variance(std::span<const double> sample) {
  return sum_of_squares_about(sample, mean(sample)) / static_cast<double>(sample.size() - 1);
}

void require_size(std::span<const double> sample, std::size_t minimum, const char* what) {
  if (sample.size() < minimum) {
    fail(std::string(what) + " needs a sample of at least " + std::to_string(minimum) + " values, got " +
         std::to_string(sample.size()));
  }
}

void check_groups(std::span<const std::vector<double>> groups, const char* what) {
  if (groups.size() < 2) fail(std::string(what) + " needs at least 2 groups");
  std::size_t total = 0;
  for (const auto& group : groups) {
    if (group.empty()) fail(std::string(what) + ": every group needs at least one value");
    total += group.size();
  }
  if (total <= groups.size()) {
    fail(std::string(what) + " needs more values than groups (within-group degrees of freedom)");
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Special functions

double log_gamma(double x) {
  if (!(x > 0.0)) fail("log_gamma: argument must be positive");
  if (std::isinf(x)) return infinity;
  if (x >= stirling_threshold) {
    return (x - 0.5) * std::log(x) - x + half_log_two_pi + stirling_remainder(x);
  }
  if (x < 0.5) return log_gamma(x + 1.0) - std::log(x);
  // Lanczos approximation, g = 7, n = 9.
  static constexpr std::array<double, 9> coefficients = {0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
                                                         771.32342877765313,   -176.61502916214059,   12.507343278686905,
                                                         -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  const double z = x - 1.0;
  double series = coefficients[0];
  for (std::size_t i = 1; i < coefficients.size(); ++i) {
    series += coefficients[i] / (z + static_cast<double>(i));
  }
  const double t = z + 7.5;
  return half_log_two_pi + (z + 0.5) * std::log(t) - t + std::log(series);
}

double log_beta(double a, double b) {
  require_positive(a, "log_beta: a");
  require_positive(b, "log_beta: b");
  if (a > b) std::swap(a, b);  // a <= b
  if (b < stirling_threshold) return log_gamma(a) + log_gamma(b) - log_gamma(a + b);
  const double sum = a + b;
  const double remainders = stirling_remainder(b) - stirling_remainder(sum);
  if (a < stirling_threshold) {
    // ln Gamma(b) - ln Gamma(a+b) from Stirling's formula, with log1p for the large terms.
    return log_gamma(a) - (b - 0.5) * std::log1p(a / b) - a * std::log(sum) + a + remainders;
  }
  return half_log_two_pi - 0.5 * std::log(b) + (a - 0.5) * std::log(a / sum) + b * std::log1p(-a / sum) + stirling_remainder(a) +
         remainders;
}

double regularized_incomplete_beta(double a, double b, double x) {
  require_positive(a, "incomplete beta: a");
  require_positive(b, "incomplete beta: b");
  if (!(x >= 0.0 && x <= 1.0)) fail("incomplete beta: x must lie in [0, 1]");
  return incomplete_beta(a, b, x, 1.0 - x);
}

double inverse_regularized_incomplete_beta(double a, double b, double p) {
  require_positive(a, "inverse incomplete beta: a");
  require_positive(b, "inverse incomplete beta: b");
  if (!(p >= 0.0 && p <= 1.0)) fail("inverse incomplete beta: p must lie in [0, 1]");
  if (p == 0.0) return 0.0;
  if (p == 1.0) return 1.0;
  // Starting guess of Numerical Recipes (3rd ed., Beta::invbetai).
  double x = 0.0;
  if (a >= 1.0 && b >= 1.0) {
    const double pp = p < 0.5 ? p : 1.0 - p;
    const double t = std::sqrt(-2.0 * std::log(pp));
    double z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const double al = (z * z - 3.0) / 6.0;
    const double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
    const double w =
        (z * std::sqrt(al + h) / h) - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
    x = a / (a + b * std::exp(2.0 * w));
  } else {
    const double lna = std::log(a / (a + b));
    const double lnb = std::log(b / (a + b));
    const double t = std::exp(a * lna) / a;
    const double u = std::exp(b * lnb) / b;
    const double w = t + u;
    x = p < t / w ? std::pow(a * w * p, 1.0 / a) : 1.0 - std::pow(b * w * (1.0 - p), 1.0 / b);
  }
  // Safeguarded Newton: keep a bracket [low, high] of the root and bisect whenever a Newton step
  // would leave it.
  double low = 0.0;
  double high = 1.0;
  const double log_beta_ab = log_beta(a, b);
  if (!(x > 0.0 && x < 1.0)) x = 0.5;
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const double error = incomplete_beta(a, b, x, 1.0 - x) - p;
    if (error == 0.0) return x;
    if (error < 0.0) {
      low = x;
    } else {
      high = x;
    }
    const double density = std::exp((a - 1.0) * std::log(x) + (b - 1.0) * std::log1p(-x) - log_beta_ab);
    double next = density > 0.0 && std::isfinite(density) ? x - error / density : not_a_number;
    if (!(next > low && next < high)) next = 0.5 * (low + high);
    if (std::fabs(next - x) <= 2.0 * epsilon * x || next == x) return next;
    x = next;
  }
  return x;
}

double normal_cdf(double z) { return normal_sf(-z); }

double normal_two_sided_p(double z) { return std::erfc(std::fabs(z) / std::numbers::sqrt2); }

double chi_square_1_sf(double chi2) {
  if (std::isnan(chi2)) return not_a_number;
  if (!(chi2 > 0.0)) return 1.0;
  return std::erfc(std::sqrt(chi2 / 2.0));
}

double student_t_sf(double t, double df) {
  require_positive(df, "Student t: df");
  if (std::isnan(t)) return not_a_number;
  if (std::isinf(t)) return t > 0.0 ? 0.0 : 1.0;
  return t >= 0.0 ? t_upper_tail(t, df) : 1.0 - t_upper_tail(-t, df);
}

double student_t_cdf(double t, double df) {
  require_positive(df, "Student t: df");
  if (std::isnan(t)) return not_a_number;
  if (std::isinf(t)) return t > 0.0 ? 1.0 : 0.0;
  return t <= 0.0 ? t_upper_tail(-t, df) : 1.0 - t_upper_tail(t, df);
}

double student_t_quantile(double p, double df) {
  require_positive(df, "Student t quantile: df");
  require_probability(p, "Student t quantile: p");
  if (p == 0.5) return 0.0;
  const double alpha = std::min(p, 1.0 - p);  // upper tail to hit with t > 0
  double low = 0.0;
  double high = 1.0;
  double t = 0.0;
  if (alpha > 0.25) {
    // Near the centre P(T > t) = 1/2 - (small), which cannot resolve small t: solve the central
    // probability P(|T| <= t) = |2p - 1| (exact in floating point here) instead, with Newton
    // safeguarded by bisection.
    const double central_target = p > 0.5 ? 2.0 * p - 1.0 : 1.0 - 2.0 * p;
    const auto central = [df](double x) {
      if (std::isinf(df)) return std::erf(x / std::numbers::sqrt2);
      const double r = x * x / df;
      return incomplete_beta(0.5, 0.5 * df, r / (1.0 + r), 1.0 / (1.0 + r));
    };
    while (central(high) < central_target) {
      low = high;
      high *= 2.0;
    }
    t = std::clamp(central_target / (2.0 * t_density(0.0, df)), low, high);
    for (int iteration = 0; iteration < 400; ++iteration) {
      const double error = central(t) - central_target;
      if (error == 0.0) break;
      if (error < 0.0) {
        low = t;
      } else {
        high = t;
      }
      double next = t - error / (2.0 * t_density(t, df));
      if (!(next > low && next < high)) next = 0.5 * (low + high);
      const bool converged = std::fabs(next - t) <= 2.0 * epsilon * t;
      t = next;
      if (converged) break;
    }
    return p < 0.5 ? -t : t;
  }
  // Tails: bracket, then Newton on ln P(T > t) - ln alpha (well scaled far out) with bisection
  // as the safeguard.
  const double log_alpha = std::log(alpha);
  while (t_upper_tail(high, df) > alpha && high < 1e300) {
    low = high;
    high *= 2.0;
  }
  t = 0.5 * (low + high);
  for (int iteration = 0; iteration < 400; ++iteration) {
    const double tail = t_upper_tail(t, df);
    const double h = std::log(tail) - log_alpha;
    if (h == 0.0) break;
    if (h > 0.0) {
      low = t;
    } else {
      high = t;
    }
    const double density = t_density(t, df);
    double next = density > 0.0 ? t + h * tail / density : not_a_number;
    if (!(next > low && next < high)) next = 0.5 * (low + high);
    const bool converged = std::fabs(next - t) <= 2.0 * epsilon * t;
    t = next;
    if (converged) break;
  }
  return p < 0.5 ? -t : t;
}

double f_sf(double f, double df1, double df2) {
  require_positive(df1, "F distribution: df1");
  require_positive(df2, "F distribution: df2");
  if (std::isnan(f)) return not_a_number;
  if (!(f > 0.0)) return 1.0;
  if (std::isinf(f)) return 0.0;
  const double denominator = df2 + df1 * f;
  return incomplete_beta(0.5 * df2, 0.5 * df1, df2 / denominator, df1 * f / denominator);
}

double f_cdf(double f, double df1, double df2) {
  require_positive(df1, "F distribution: df1");
  require_positive(df2, "F distribution: df2");
  if (std::isnan(f)) return not_a_number;
  if (!(f > 0.0)) return 0.0;
  if (std::isinf(f)) return 1.0;
  const double denominator = df2 + df1 * f;
  return incomplete_beta(0.5 * df1, 0.5 * df2, df1 * f / denominator, df2 / denominator);
}

double studentized_range_cdf(double q, double k, double df) { return studentized_range_probability(q, k, df, false); }

double studentized_range_sf(double q, double k, double df) { return studentized_range_probability(q, k, df, true); }

double studentized_range_quantile(double p, double k, double df) {
  check_range_arguments(k, df);
  require_probability(p, "studentized range quantile: p");
  // Increasing in q, negative at 0; the tail nearer the target is evaluated directly.
  const auto gap = [&](double q) {
    return p <= 0.5 ? studentized_range_cdf(q, k, df) - p : (1.0 - p) - studentized_range_sf(q, k, df);
  };
  double low = 0.0;
  double f_low = -p;
  double high = 2.0;
  double f_high = gap(high);
  while (f_high < 0.0 && high < 1e6) {
    low = high;
    f_low = f_high;
    high *= 2.0;
    f_high = gap(high);
  }
  return brent_root(gap, low, high, f_low, f_high, 1e-13 * high);
}

// ---------------------------------------------------------------------------------------------
// Descriptive statistics

double mean(std::span<const double> sample) {
  require_size(sample, 1, "mean");
  double total = 0.0;
  for (const double x : sample) total += x;
  return total / static_cast<double>(sample.size());
}

double standard_deviation(std::span<const double> sample) {
  require_size(sample, 2, "standard deviation");
  return std::sqrt(variance(sample));
}

double standard_error(std::span<const double> sample) {
  require_size(sample, 2, "standard error");
  return standard_deviation(sample) / std::sqrt(static_cast<double>(sample.size()));
}

Summary summarize(std::span<const double> sample, double confidence) {
  require_size(sample, 2, "summary");
  require_probability(confidence, "confidence");
  Summary s;
  s.n = sample.size();
  s.mean = mean(sample);
  s.sd = standard_deviation(sample);
  s.sem = s.sd / std::sqrt(static_cast<double>(s.n));
  s.confidence = confidence;
  const double t = student_t_quantile(0.5 * (1.0 + confidence), static_cast<double>(s.n - 1));
  s.ci_low = s.mean - t * s.sem;
  s.ci_high = s.mean + t * s.sem;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Tests

WelchTTest welch_t_test(std::span<const double> a, std::span<const double> b, double confidence) {
  require_size(a, 2, "Welch t-test (first sample)");
  require_size(b, 2, "Welch t-test (second sample)");
  require_probability(confidence, "confidence");
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  const double va = variance(a) / na;  // squared standard errors
  const double vb = variance(b) / nb;
  WelchTTest result;
  result.mean_difference = mean(a) - mean(b);
  result.standard_error = std::sqrt(va + vb);
  result.t = result.mean_difference / result.standard_error;
  if (!(result.standard_error > 0.0)) {
    // No variation in either sample: the test is undefined.
    result.df = not_a_number;
    result.p = result.mean_difference != 0.0 ? 0.0 : not_a_number;
    result.ci_low = result.ci_high = result.mean_difference;
    return result;
  }
  result.df = (va + vb) * (va + vb) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
  result.p = std::min(1.0, 2.0 * t_upper_tail(std::fabs(result.t), result.df));
  const double critical = student_t_quantile(0.5 * (1.0 + confidence), result.df);
  result.ci_low = result.mean_difference - critical * result.standard_error;
  result.ci_high = result.mean_difference + critical * result.standard_error;
  return result;
}

std::vector<double> holm_bonferroni(std::span<const double> p_values) {
  for (const double p : p_values) {
    if (!(p >= 0.0 && p <= 1.0)) fail("Holm-Bonferroni: every p-value must lie in [0, 1]");
  }
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return p_values[i] < p_values[j]; });
  std::vector<double> adjusted(m);
  double running = 0.0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    const double factor = static_cast<double>(m - rank);
    running = std::max(running, std::min(1.0, factor * p_values[order[rank]]));
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

Anova one_way_anova(std::span<const std::vector<double>> groups) {
  check_groups(groups, "one-way ANOVA");
  std::size_t total_n = 0;
  double grand_total = 0.0;
  for (const auto& group : groups) {
    total_n += group.size();
    for (const double x : group) grand_total += x;
  }
  const double grand_mean = grand_total / static_cast<double>(total_n);
  Anova result;
  for (const auto& group : groups) {
    const double group_mean = mean(group);
    result.ss_between += static_cast<double>(group.size()) * (group_mean - grand_mean) * (group_mean - grand_mean);
    result.ss_within += sum_of_squares_about(group, group_mean);
  }
  result.df_between = static_cast<double>(groups.size() - 1);
  result.df_within = static_cast<double>(total_n - groups.size());
  const double ms_between = result.ss_between / result.df_between;
  const double ms_within = result.ss_within / result.df_within;
  if (!(ms_within > 0.0)) {
    result.f = ms_between > 0.0 ? infinity : not_a_number;
    result.p = ms_between > 0.0 ? 0.0 : not_a_number;
    return result;
  }
  result.f = ms_between / ms_within;
  result.p = f_sf(result.f, result.df_between, result.df_within);
  return result;
}

std::vector<TukeyComparison> tukey_hsd(std::span<const std::vector<double>> groups, double confidence, bool intervals) {
  check_groups(groups, "Tukey HSD");
  require_probability(confidence, "confidence");
  const std::size_t k = groups.size();
  std::vector<double> means(k);
  std::size_t total_n = 0;
  double within = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    means[i] = mean(groups[i]);
    within += sum_of_squares_about(groups[i], means[i]);
    total_n += groups[i].size();
  }
  const double kd = static_cast<double>(k);
  const double df = static_cast<double>(total_n - k);
  const double mse = within / df;
  const double critical = intervals ? studentized_range_quantile(confidence, kd, df) : not_a_number;
  RangeNodes nodes(kd);
  std::vector<TukeyComparison> result;
  result.reserve(k * (k - 1) / 2);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      TukeyComparison c;
      c.i = i;
      c.j = j;
      c.mean_difference = means[i] - means[j];
      const double normalise = 1.0 / static_cast<double>(groups[i].size()) + 1.0 / static_cast<double>(groups[j].size());
      c.standard_error = std::sqrt(0.5 * normalise * mse);
      c.q = std::fabs(c.mean_difference) / c.standard_error;
      if (c.standard_error > 0.0) {
        c.p = studentized_range_probability(c.q, kd, df, true, &nodes);  // studentized_range_sf
      } else {
        c.p = c.mean_difference != 0.0 ? 0.0 : not_a_number;
      }
      c.ci_low = c.mean_difference - critical * c.standard_error;
      c.ci_high = c.mean_difference + critical * c.standard_error;
      result.push_back(c);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Effect size

double hedges_correction(double df, HedgesCorrection kind) {
  if (!(df > 1.0)) fail("Hedges' correction needs df > 1");
  if (kind == HedgesCorrection::approximate) return 1.0 - 3.0 / (4.0 * df - 1.0);
  if (std::isinf(df)) return 1.0;
  // Gamma(df/2) / Gamma((df-1)/2) = sqrt(pi) / B((df-1)/2, 1/2), via the cancellation-free log_beta.
  const double log_ratio = 0.5 * std::log(std::numbers::pi) - log_beta(0.5 * (df - 1.0), 0.5);
  return std::exp(log_ratio) / std::sqrt(0.5 * df);
}

EffectSize hedges_g(std::span<const double> a, std::span<const double> b, HedgesCorrection kind) {
  require_size(a, 2, "Hedges' g (first sample)");
  require_size(b, 2, "Hedges' g (second sample)");
  const double mean_a = mean(a);
  const double mean_b = mean(b);
  EffectSize result;
  result.df = static_cast<double>(a.size() + b.size() - 2);
  const double pooled = std::sqrt((sum_of_squares_about(a, mean_a) + sum_of_squares_about(b, mean_b)) / result.df);
  result.cohens_d = (mean_a - mean_b) / pooled;
  result.correction = hedges_correction(result.df, kind);
  result.hedges_g = result.correction * result.cohens_d;
  return result;
}

}  // namespace bungner::study
