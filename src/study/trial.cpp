#include "bungner/study/trial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/core/random.hpp"
#include "bungner/core/text.hpp"
#include "bungner/study/statistics.hpp"

namespace bungner::study {
namespace {
constexpr double days_per_month = 365.25 / 12.0;
const double nan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::vector<std::size_t> block_randomisation(std::size_t patients, std::span<const unsigned> ratio, unsigned block_size,
                                             std::uint64_t seed) {
  const unsigned sum = std::accumulate(ratio.begin(), ratio.end(), 0u);
  if (sum == 0 || block_size == 0 || block_size % sum != 0)
    throw std::invalid_argument("block size must be a positive multiple of the allocation ratio's sum");
  std::vector<std::size_t> arms;
  arms.reserve(patients);
  for (std::uint64_t block = 0; arms.size() < patients; ++block) {
    std::vector<std::size_t> slots;
    for (std::size_t a = 0; a < ratio.size(); ++a) slots.insert(slots.end(), block_size / sum * ratio[a], a);
    RandomStream stream({seed, 0}, block, 0, purpose_id("trial.randomisation"));
    for (std::size_t i = slots.size() - 1; i > 0; --i) {
      const auto j = std::min(i, static_cast<std::size_t>(stream.uniform() * static_cast<double>(i + 1)));
      std::swap(slots[i], slots[j]);
    }
    for (std::size_t i = 0; i < slots.size() && arms.size() < patients; ++i) arms.push_back(slots[i]);
  }
  return arms;
}

std::vector<double> enrolment_days(std::size_t patients, double per_month, std::uint64_t seed) {
  std::vector<double> days(patients);
  double t = 0;
  for (std::size_t i = 0; i < patients; ++i) {
    RandomStream stream({seed, 0}, i, 0, purpose_id("trial.enrolment"));
    t += stream.exponential(per_month) * days_per_month;
    days[i] = t;
  }
  return days;
}

double dropout_day(double per_month, std::uint64_t seed, std::size_t patient) {
  if (!(per_month > 0)) return std::numeric_limits<double>::infinity();
  RandomStream stream({seed, 0}, patient, 0, purpose_id("trial.dropout"));
  return stream.exponential(per_month) * days_per_month;
}

Escalation three_plus_three(std::span<const double> dlt_probability, std::uint64_t seed) {
  Escalation e;
  e.treated.assign(dlt_probability.size(), 0);
  e.mtd = static_cast<int>(dlt_probability.size()) - 1;
  const auto cohort = [&](std::size_t dose) {
    EscalationCohort c{dose, 3, 0};
    for (std::size_t k = 0; k < 3; ++k) {
      RandomStream stream({seed, 0}, (static_cast<std::uint64_t>(dose) << 32) | e.treated[dose], 0, purpose_id("trial.toxicity"));
      ++e.treated[dose];
      if (stream.uniform() < dlt_probability[dose]) ++c.toxicities;
    }
    e.cohorts.push_back(c);
    return c.toxicities;
  };
  for (std::size_t dose = 0; dose < dlt_probability.size(); ++dose) {
    std::size_t toxicities = cohort(dose);
    if (toxicities == 1) toxicities += cohort(dose);
    if (toxicities >= 2) {
      e.mtd = static_cast<int>(dose) - 1;
      break;
    }
  }
  return e;
}

std::vector<SurvivalPoint> kaplan_meier(std::span<const double> time, std::span<const bool> event) {
  std::vector<std::size_t> order(time.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return time[a] < time[b]; });
  std::vector<SurvivalPoint> curve;
  std::size_t at_risk = time.size();
  double s = 1, greenwood = 0;
  const double z = normal_quantile(0.975);
  for (std::size_t i = 0; i < order.size();) {
    SurvivalPoint p;
    p.time = time[order[i]];
    p.at_risk = at_risk;
    for (; i < order.size() && time[order[i]] == p.time; ++i) (event[order[i]] ? p.events : p.censored)++;
    if (p.events > 0) {
      const double d = static_cast<double>(p.events), n = static_cast<double>(at_risk);
      s *= 1 - d / n;
      greenwood += n > d ? d / (n * (n - d)) : std::numeric_limits<double>::infinity();
    }
    p.survival = s;
    p.se = s * std::sqrt(greenwood);
    if (s > 0 && s < 1 && std::isfinite(greenwood)) {
      // log-log interval: S^exp(+-z * sqrt(V) / log S), V = Greenwood sum
      const double w = z * std::sqrt(greenwood) / std::fabs(std::log(s));
      p.ci_low = std::pow(s, std::exp(w));
      p.ci_high = std::pow(s, std::exp(-w));
    } else {
      p.ci_low = p.ci_high = s;
    }
    at_risk -= p.events + p.censored;
    curve.push_back(p);
  }
  return curve;
}

Median km_median(std::span<const SurvivalPoint> curve) {
  Median m{nan, nan, nan};
  for (const auto& p : curve) {
    if (std::isnan(m.median) && p.survival <= 0.5) m.median = p.time;
    if (std::isnan(m.ci_low) && p.ci_low <= 0.5) m.ci_low = p.time;
    if (std::isnan(m.ci_high) && p.ci_high <= 0.5) m.ci_high = p.time;
  }
  return m;
}

LogRank log_rank(std::span<const double> time, std::span<const bool> event, std::span<const int> group) {
  std::vector<std::size_t> order(time.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return time[a] < time[b]; });
  double n_a = 0, n = static_cast<double>(time.size());
  for (const int g : group) n_a += g == 0 ? 1 : 0;
  LogRank r;
  for (std::size_t i = 0; i < order.size();) {
    const double t = time[order[i]];
    double d = 0, d_a = 0, left = 0, left_a = 0;
    for (; i < order.size() && time[order[i]] == t; ++i) {
      const bool a = group[order[i]] == 0;
      if (event[order[i]]) {
        ++d;
        d_a += a ? 1 : 0;
      }
      ++left;
      left_a += a ? 1 : 0;
    }
    if (d > 0 && n > 0) {
      r.observed_a += d_a;
      r.expected_a += d * n_a / n;
      if (n > 1) r.variance += d * (n_a / n) * (1 - n_a / n) * (n - d) / (n - 1);
    }
    n -= left;
    n_a -= left_a;
  }
  if (r.variance > 0) {
    const double o_e = r.observed_a - r.expected_a;
    r.chi2 = o_e * o_e / r.variance;
    r.p = chi_square_1_sf(r.chi2);  // erfc: keeps its digits down to the smallest p
    const double log_hr = o_e / r.variance, se = 1 / std::sqrt(r.variance);
    const double z = normal_quantile(0.975);
    r.hazard_ratio = std::exp(log_hr);
    r.hr_ci_low = std::exp(log_hr - z * se);
    r.hr_ci_high = std::exp(log_hr + z * se);
  } else {
    r.p = nan;
    r.hazard_ratio = r.hr_ci_low = r.hr_ci_high = nan;
  }
  return r;
}

double normal_quantile(double p) {
  if (!(p > 0 && p < 1))
    return p == 0 ? -std::numeric_limits<double>::infinity() : (p == 1 ? std::numeric_limits<double>::infinity() : nan);
  // Acklam's rational approximation, then two Halley steps on normal_cdf.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (int k = 0; k < 2; ++k) {
    const double e = normal_cdf(x) - p;
    const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
    x -= u / (1 + x * u / 2);
  }
  return x;
}

std::pair<double, double> wilson_interval(std::size_t k, std::size_t n, double confidence) {
  if (n == 0) return {nan, nan};
  const double z = normal_quantile(0.5 + confidence / 2), nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
  const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
  const double half = z / (1 + z * z / nn) * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double two_proportion_p(std::size_t k1, std::size_t n1, std::size_t k2, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return nan;
  const double a = static_cast<double>(n1), b = static_cast<double>(n2);
  const double p1 = static_cast<double>(k1) / a, p2 = static_cast<double>(k2) / b;
  const double pool = static_cast<double>(k1 + k2) / (a + b);
  const double se = std::sqrt(pool * (1 - pool) * (1 / a + 1 / b));
  if (se == 0) return 1;
  return normal_two_sided_p((p1 - p2) / se);
}

double power_two_proportions(double p1, double p2, double n1, double n2, double alpha) {
  const double se = std::sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
  if (!(se > 0)) return p1 == p2 ? alpha : 1;
  const double z = normal_quantile(1 - alpha / 2), delta = std::fabs(p1 - p2) / se;
  return normal_cdf(delta - z) + normal_cdf(-delta - z);
}

double sample_size_two_proportions(double p1, double p2, double alpha, double power) {
  if (p1 == p2) return std::numeric_limits<double>::infinity();
  const double za = normal_quantile(1 - alpha / 2), zb = normal_quantile(power), pbar = (p1 + p2) / 2;
  const double root = za * std::sqrt(2 * pbar * (1 - pbar)) + zb * std::sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return std::ceil(root * root / ((p1 - p2) * (p1 - p2)));
}

double schoenfeld_events(double hr, double pa, double alpha, double power) {
  const double z = normal_quantile(1 - alpha / 2) + normal_quantile(power), l = std::log(hr);
  return l == 0 ? std::numeric_limits<double>::infinity() : z * z / (pa * (1 - pa) * l * l);
}

double schoenfeld_power(double hr, double pa, double events, double alpha) {
  return normal_cdf(std::sqrt(events * pa * (1 - pa)) * std::fabs(std::log(hr)) - normal_quantile(1 - alpha / 2));
}

std::vector<std::size_t> trial_assignment(const TrialSpec& trial, std::size_t arms, std::uint64_t seed) {
  if (trial.phase == 1) {
    const Escalation e = three_plus_three(trial.dlt_probability, seed);
    std::vector<std::size_t> order;
    for (const auto& c : e.cohorts) order.insert(order.end(), c.patients, c.dose);
    return order;
  }
  std::vector<unsigned> ratio = trial.allocation;
  if (trial.phase == 2 || ratio.empty()) ratio.assign(arms, 1);
  const unsigned sum = std::accumulate(ratio.begin(), ratio.end(), 0u);
  return block_randomisation(trial.patients, ratio, trial.block_size > 0 ? trial.block_size : 2 * sum, seed);
}

PatientOutcome patient_outcome(const PatientCourse& course, double dropout, const TrialSpec& trial) {
  constexpr double slack = 1e-6;  // days: readout times come back from seconds
  PatientOutcome o;
  const double follow = std::min(dropout, trial.horizon_days);
  o.time = follow;
  for (std::size_t k = 0; k < course.days.size(); ++k)
    if (course.values[k] >= trial.threshold && course.days[k] <= follow + slack) {
      o.time = course.days[k];
      o.event = true;
      break;
    }
  o.completed = dropout >= trial.horizon_days;
  o.at_horizon = nan;
  if (o.completed)
    for (std::size_t k = 0; k < course.days.size(); ++k)
      if (course.days[k] <= trial.horizon_days + slack) o.at_horizon = course.values[k];
  o.responder = o.completed && o.at_horizon >= trial.threshold;
  return o;
}

namespace {

std::string num(double v) { return std::isfinite(v) ? text::format_double(v) : (std::isnan(v) ? "nan" : "inf"); }
nlohmann::ordered_json jnum(double v) {
  if (std::isfinite(v)) return v;
  return num(v);
}

/// The endpoints of one arm against the control.
struct Comparison {
  LogRank log_rank;
  double proportion_p = nan;
};

struct ArmOutcomes {
  std::vector<double> time;
  std::vector<bool> event;
  std::size_t completed = 0, responders = 0;
};

/// std::span<const bool> cannot view a vector<bool>: the flags as a plain array.
std::unique_ptr<bool[]> flags_of(const std::vector<bool>& v) {
  auto flags = std::make_unique<bool[]>(v.size() + 1);
  std::copy(v.begin(), v.end(), flags.get());
  return flags;
}

/// Responders among the patients followed to the horizon.
double share(const ArmOutcomes& o) {
  return o.completed ? static_cast<double>(o.responders) / static_cast<double>(o.completed) : nan;
}

Comparison compare(const ArmOutcomes& control, const ArmOutcomes& arm) {
  std::vector<double> time = arm.time;
  std::vector<bool> event = arm.event;
  std::vector<int> group(arm.time.size(), 0);
  time.insert(time.end(), control.time.begin(), control.time.end());
  event.insert(event.end(), control.event.begin(), control.event.end());
  group.resize(time.size(), 1);
  const auto flags = flags_of(event);
  Comparison c;
  c.log_rank = log_rank(time, std::span<const bool>(flags.get(), event.size()), group);
  c.proportion_p = two_proportion_p(arm.responders, arm.completed, control.responders, control.completed);
  return c;
}

}  // namespace

TrialOutputs analyse_trial(const TrialSpec& trial, std::span<const std::string> arm_names,
                           const std::vector<std::vector<PatientCourse>>& courses, std::uint64_t seed) {
  const std::size_t arms = arm_names.size();
  const std::vector<std::size_t> assignment = trial_assignment(trial, arms, seed);
  const std::vector<double> entry = enrolment_days(assignment.size(), trial.accrual_per_month, seed);
  TrialOutputs out;
  out.patients_csv =
      "patient,arm,subject,enrolment_day,dropout_day,endpoint_at_horizon,responder,time_to_recovery_days,event,censoring\n";
  std::vector<ArmOutcomes> outcome(arms);
  std::vector<std::size_t> next(arms, 0);
  for (std::size_t i = 0; i < assignment.size(); ++i) {
    const std::size_t a = assignment[i], s = next[a]++;
    const double dropout = dropout_day(trial.dropout_per_month, seed, i);
    const PatientOutcome o = patient_outcome(courses.at(a).at(s), dropout, trial);
    outcome[a].time.push_back(o.time);
    outcome[a].event.push_back(o.event);
    outcome[a].completed += o.completed ? 1 : 0;
    outcome[a].responders += o.responder ? 1 : 0;
    const char* censoring = o.event ? "none" : (dropout < trial.horizon_days ? "dropout" : "end");
    out.patients_csv += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", i, text::csv_field(arm_names[a]), s, num(entry[i]),
                                    num(entry[i] + dropout), num(o.at_horizon), o.completed ? (o.responder ? "1" : "0") : "NA",
                                    num(o.time), o.event ? 1 : 0, censoring);
  }

  // Empirical power: the trial repeated with patients drawn from each arm's simulated ones.
  std::vector<std::size_t> significant_lr(arms, 0), significant_prop(arms, 0), favour_lr(arms, 0), favour_prop(arms, 0);
  for (std::size_t r = 0; r < trial.replicates && trial.phase != 1; ++r) {
    std::vector<ArmOutcomes> rep(arms);
    for (std::size_t i = 0; i < assignment.size(); ++i) {
      const std::size_t a = assignment[i];
      RandomStream stream({seed, r + 1}, i, 0, purpose_id("trial.replicate"));
      const auto n = courses[a].size();
      const std::size_t s = std::min(n - 1, static_cast<std::size_t>(stream.uniform() * static_cast<double>(n)));
      const double dropout = trial.dropout_per_month > 0 ? stream.exponential(trial.dropout_per_month) * days_per_month
                                                         : std::numeric_limits<double>::infinity();
      const PatientOutcome o = patient_outcome(courses[a][s], dropout, trial);
      rep[a].time.push_back(o.time);
      rep[a].event.push_back(o.event);
      rep[a].completed += o.completed ? 1 : 0;
      rep[a].responders += o.responder ? 1 : 0;
    }
    for (std::size_t a = 1; a < arms; ++a) {
      const Comparison c = compare(rep[0], rep[a]);
      significant_lr[a] += c.log_rank.p < trial.alpha ? 1 : 0;
      significant_prop[a] += c.proportion_p < trial.alpha ? 1 : 0;
      favour_lr[a] += c.log_rank.p < trial.alpha && c.log_rank.hazard_ratio > 1 ? 1 : 0;
      favour_prop[a] += c.proportion_p < trial.alpha && share(rep[a]) > share(rep[0]) ? 1 : 0;
    }
  }

  out.km_csv = "arm,time_days,at_risk,events,censored,not_recovered,se,ci_low,ci_high\n";
  out.summary_csv =
      "arm,n,events,completed,responders,proportion,proportion_ci_low,proportion_ci_high,median_days,median_ci_low,"
      "median_ci_high,proportion_p,logrank_chi2,logrank_p,hazard_ratio,hr_ci_low,hr_ci_high,power_proportion_analytic,"
      "power_proportion_simulated,power_logrank_analytic,power_logrank_simulated,n_per_arm_for_target_power,"
      "events_for_target_power,patients_for_target_power\n";
  nlohmann::ordered_json json;
  json["phase"] = trial.phase;
  json["patients"] = assignment.size();
  json["endpoint"] = trial.endpoint;
  json["threshold"] = trial.threshold;
  json["horizon_days"] = trial.horizon_days;
  json["alpha"] = trial.alpha;
  json["target_power"] = trial.target_power;
  json["replicates"] = trial.phase == 1 ? 0 : trial.replicates;
  json["accrual_days"] = entry.empty() ? 0.0 : entry.back();
  json["arms"] = nlohmann::ordered_json::array();
  const double p0 = share(outcome[0]);
  int winner = -1;
  double best = -1;
  for (std::size_t a = 0; a < arms; ++a) {
    const ArmOutcomes& o = outcome[a];
    const auto flags = flags_of(o.event);
    const auto curve = kaplan_meier(o.time, std::span<const bool>(flags.get(), o.event.size()));
    const Median median = km_median(curve);
    for (const auto& p : curve)
      out.km_csv += fmt::format("{},{},{},{},{},{},{},{},{}\n", text::csv_field(arm_names[a]), num(p.time), p.at_risk, p.events,
                                p.censored, num(p.survival), num(p.se), num(p.ci_low), num(p.ci_high));
    const std::size_t events = static_cast<std::size_t>(std::count(o.event.begin(), o.event.end(), true));
    const double prop = share(o);
    const auto [lo, hi] = wilson_interval(o.responders, o.completed);
    if (a > 0 && prop > best) {
      best = prop;
      winner = static_cast<int>(a);
    }
    Comparison c;
    c.log_rank = LogRank{.chi2 = nan, .p = nan, .hazard_ratio = nan, .hr_ci_low = nan, .hr_ci_high = nan};
    double pow_prop = nan, pow_lr = nan, sim_prop = nan, sim_lr = nan, n_needed = nan, events_needed = nan, patients_needed = nan;
    double favourable_lr = nan, favourable_prop = nan;
    if (a > 0 && trial.phase != 1) {
      c = compare(outcome[0], o);
      const double n0 = static_cast<double>(outcome[0].completed), na = static_cast<double>(o.completed);
      pow_prop = power_two_proportions(prop, p0, na, n0, trial.alpha);
      n_needed = sample_size_two_proportions(prop, p0, trial.alpha, trial.target_power);
      const double total = static_cast<double>(o.time.size() + outcome[0].time.size());
      const double share = static_cast<double>(o.time.size()) / total;
      const double d = static_cast<double>(events + std::count(outcome[0].event.begin(), outcome[0].event.end(), true));
      pow_lr = schoenfeld_power(c.log_rank.hazard_ratio, share, d, trial.alpha);
      events_needed = std::ceil(schoenfeld_events(c.log_rank.hazard_ratio, share, trial.alpha, trial.target_power));
      patients_needed = std::ceil(events_needed / (d / total));
      if (trial.replicates > 0) {
        sim_prop = static_cast<double>(significant_prop[a]) / static_cast<double>(trial.replicates);
        sim_lr = static_cast<double>(significant_lr[a]) / static_cast<double>(trial.replicates);
        favourable_prop = static_cast<double>(favour_prop[a]) / static_cast<double>(trial.replicates);
        favourable_lr = static_cast<double>(favour_lr[a]) / static_cast<double>(trial.replicates);
      } else {  // the trial as run
        favourable_prop = c.proportion_p < trial.alpha && prop > p0 ? 1 : 0;
        favourable_lr = c.log_rank.p < trial.alpha && c.log_rank.hazard_ratio > 1 ? 1 : 0;
      }
    }
    const LogRank& lr = c.log_rank;
    out.summary_csv +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", text::csv_field(arm_names[a]),
                    o.time.size(), events, o.completed, o.responders, num(prop), num(lo), num(hi), num(median.median),
                    num(median.ci_low), num(median.ci_high), num(c.proportion_p), num(lr.chi2), num(lr.p), num(lr.hazard_ratio),
                    num(lr.hr_ci_low), num(lr.hr_ci_high), num(pow_prop), num(sim_prop), num(pow_lr), num(sim_lr), num(n_needed),
                    num(events_needed), num(patients_needed));
    out.arms.push_back({.proportion = prop,
                        .median_days = median.median,
                        .hazard_ratio = lr.hazard_ratio,
                        .logrank_p = lr.p,
                        .proportion_p = c.proportion_p,
                        .power_logrank_simulated = sim_lr,
                        .power_proportion_simulated = sim_prop,
                        .favourable_logrank = favourable_lr,
                        .favourable_proportion = favourable_prop});
    json["arms"].push_back({{"name", arm_names[a]},
                            {"n", o.time.size()},
                            {"events", events},
                            {"completed", o.completed},
                            {"responders", o.responders},
                            {"proportion", jnum(prop)},
                            {"proportion_ci", {jnum(lo), jnum(hi)}},
                            {"median_days", jnum(median.median)},
                            {"median_ci", {jnum(median.ci_low), jnum(median.ci_high)}},
                            {"proportion_p", jnum(c.proportion_p)},
                            {"logrank_chi2", jnum(lr.chi2)},
                            {"logrank_p", jnum(lr.p)},
                            {"hazard_ratio", jnum(lr.hazard_ratio)},
                            {"hazard_ratio_ci", {jnum(lr.hr_ci_low), jnum(lr.hr_ci_high)}},
                            {"power_proportion_analytic", jnum(pow_prop)},
                            {"power_proportion_simulated", jnum(sim_prop)},
                            {"power_logrank_analytic", jnum(pow_lr)},
                            {"power_logrank_simulated", jnum(sim_lr)},
                            {"n_per_arm_for_target_power", jnum(n_needed)},
                            {"events_for_target_power", jnum(events_needed)},
                            {"patients_for_target_power", jnum(patients_needed)}});
  }
  if (trial.phase == 1) {
    const Escalation e = three_plus_three(trial.dlt_probability, seed);
    json["maximum_tolerated_dose"] = e.mtd >= 0 ? nlohmann::ordered_json(arm_names[static_cast<std::size_t>(e.mtd)]) : nullptr;
    json["cohorts"] = nlohmann::ordered_json::array();
    for (const auto& c : e.cohorts)
      json["cohorts"].push_back({{"dose", arm_names[c.dose]}, {"patients", c.patients}, {"toxicities", c.toxicities}});
  }
  out.selected = trial.phase == 2 ? winner : -1;
  if (trial.phase == 2)
    json["selected_dose"] = winner >= 0 ? nlohmann::ordered_json(arm_names[static_cast<std::size_t>(winner)]) : nullptr;
  out.json = json.dump(2) + "\n";
  return out;
}

TrialUncertainty summarise_trial_draws(const TrialSpec& trial, std::span<const std::string> arm_names,
                                       const std::vector<TrialOutputs>& draws) {
  TrialUncertainty out;
  out.draws_csv =
      "draw,arm,proportion,median_days,hazard_ratio,logrank_p,proportion_p,power_logrank_simulated,"
      "power_proportion_simulated,selected\n";
  for (std::size_t k = 0; k < draws.size(); ++k)
    for (std::size_t a = 0; a < arm_names.size(); ++a) {
      const TrialArmResult& r = draws[k].arms.at(a);
      out.draws_csv += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", k, text::csv_field(arm_names[a]), num(r.proportion),
                                   num(r.median_days), num(r.hazard_ratio), num(r.logrank_p), num(r.proportion_p),
                                   num(r.power_logrank_simulated), num(r.power_proportion_simulated),
                                   trial.phase == 2 ? (draws[k].selected == static_cast<int>(a) ? "1" : "0") : "NA");
    }
  // The 5-95 % range over draws of one arm's statistic, NaN draws (a median not reached) left out.
  const auto range = [&](std::size_t a, double TrialArmResult::*field) {
    std::vector<double> v;
    for (const TrialOutputs& d : draws)
      if (std::isfinite(d.arms.at(a).*field)) v.push_back(d.arms.at(a).*field);
    const std::size_t reached = v.size();
    return nlohmann::ordered_json{{"low", jnum(calibration::quantile(v, 0.05))},
                                  {"median", jnum(calibration::quantile(v, 0.5))},
                                  {"high", jnum(calibration::quantile(std::move(v), 0.95))},
                                  {"finite_draws", reached}};
  };
  const auto mean_of = [&](std::size_t a, double TrialArmResult::*field) {
    double sum = 0;
    for (const TrialOutputs& d : draws) sum += d.arms.at(a).*field;
    return draws.empty() ? nan : sum / static_cast<double>(draws.size());
  };
  nlohmann::ordered_json json{{"draws", draws.size()}, {"arms", nlohmann::ordered_json::array()}};
  for (std::size_t a = 0; a < arm_names.size(); ++a) {
    nlohmann::ordered_json arm{{"name", arm_names[a]},
                               {"proportion", range(a, &TrialArmResult::proportion)},
                               {"median_days", range(a, &TrialArmResult::median_days)}};
    if (a > 0 && trial.phase != 1) arm["hazard_ratio"] = range(a, &TrialArmResult::hazard_ratio);
    if (a > 0 && trial.phase == 3) {
      arm["assurance_logrank"] = jnum(mean_of(a, &TrialArmResult::favourable_logrank));
      arm["assurance_proportion"] = jnum(mean_of(a, &TrialArmResult::favourable_proportion));
    }
    if (trial.phase == 2) {
      const auto picked =
          std::count_if(draws.begin(), draws.end(), [&](const TrialOutputs& d) { return d.selected == static_cast<int>(a); });
      arm["share_of_draws_selected"] =
          jnum(draws.empty() ? nan : static_cast<double>(picked) / static_cast<double>(draws.size()));
    }
    json["arms"].push_back(arm);
  }
  out.json = json.dump();
  return out;
}

}  // namespace bungner::study
