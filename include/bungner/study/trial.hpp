#pragma once
// In-silico clinical trials on top of studies: a [trial] table turns a study's arms into the arms
// of a phase 1 (3+3 dose escalation), phase 2 (dose finding: pick the winner) or phase 3
// (randomised controlled) trial with enrolment, loss to follow-up, a graded endpoint at a time
// point, time to recovery (Kaplan-Meier, log-rank, hazard ratio) and power. See docs/trials.md.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bungner::study {

struct TrialSpec {
  int phase = 3;
  std::size_t patients = 0;          ///< total enrolled (phases 2 and 3)
  std::vector<unsigned> allocation;  ///< ratio per arm (phase 3); phase 2: equal
  unsigned block_size = 0;           ///< permuted blocks; a multiple of the ratio's sum
  double accrual_per_month = 10;     ///< patients per month (Poisson entry process)
  double dropout_per_month = 0;      ///< hazard of loss to follow-up per month
  std::string endpoint;              ///< observation name (e.g. mrc_motor_grade.abductor_pollicis_brevis)
  double threshold = 3;              ///< recovery: endpoint >= threshold
  double horizon_days = 730.5;       ///< follow-up of every patient
  double assessment_days = 30.4375;  ///< visit interval (readout times)
  double alpha = 0.05;
  double target_power = 0.8;
  std::size_t replicates = 200;         ///< simulated trials for the empirical power
  std::vector<double> dlt_probability;  ///< per arm (phase 1 placeholder safety model)
};

// ---- Design: counter-based draws keyed by (seed, purpose, patient) -----------------------------

/// Permuted-block randomisation: arm of each of `patients` patients. Each block holds
/// block_size / sum(ratio) * ratio[a] patients of arm a, shuffled by a Fisher-Yates pass whose
/// uniforms come from the stream keyed by (seed, block).
std::vector<std::size_t> block_randomisation(std::size_t patients, std::span<const unsigned> ratio, unsigned block_size,
                                             std::uint64_t seed);
/// Calendar entry times (days) of a Poisson accrual process with `per_month` patients a month.
std::vector<double> enrolment_days(std::size_t patients, double per_month, std::uint64_t seed);
/// Time (days) of loss to follow-up of patient `patient`: exponential with the monthly hazard;
/// +inf when the hazard is zero.
double dropout_day(double per_month, std::uint64_t seed, std::size_t patient);

/// 3+3 dose escalation over dose levels with the given probabilities of a dose-limiting toxicity.
struct EscalationCohort {
  std::size_t dose = 0;
  std::size_t patients = 0;
  std::size_t toxicities = 0;
};
struct Escalation {
  std::vector<EscalationCohort> cohorts;
  std::vector<std::size_t> treated;  ///< per dose level
  int mtd = -1;                      ///< maximum tolerated dose level; -1: none tolerated
};
/// The classic rule: 3 at a level; 0/3 DLT escalate; 1/3 add 3 more, then <= 1/6 escalate and
/// >= 2/6 stop; >= 2/3 stop. The MTD is the level below the one that stopped (the highest level
/// if all passed). Toxicity draws are uniforms keyed by (seed, dose, patient).
Escalation three_plus_three(std::span<const double> dlt_probability, std::uint64_t seed);

// ---- Survival ---------------------------------------------------------------------------------

struct SurvivalPoint {
  double time = 0;
  std::size_t at_risk = 0, events = 0, censored = 0;
  double survival = 1;             ///< Kaplan-Meier S(t) just after `time`
  double se = 0;                   ///< Greenwood standard error of S(t)
  double ci_low = 1, ci_high = 1;  ///< log-log 95 % interval
};
/// Kaplan-Meier estimate: one point per distinct time with an event or censoring.
std::vector<SurvivalPoint> kaplan_meier(std::span<const double> time, std::span<const bool> event);
/// Median (first time S <= 0.5) and its 95 % interval (Brookmeyer-Crowley from the log-log
/// band: the first times its upper and lower limits fall to 0.5); NaN when not reached.
struct Median {
  double median = 0, ci_low = 0, ci_high = 0;
};
Median km_median(std::span<const SurvivalPoint> curve);

struct LogRank {
  double chi2 = 0, p = 1;
  double observed_a = 0, expected_a = 0, variance = 0;
  double hazard_ratio = 1, hr_ci_low = 1, hr_ci_high = 1;  ///< a vs b, Peto: exp((O-E)/V), SE 1/sqrt(V)
};
/// Two-sample log-rank test (chi-square, 1 df) of group a (group[i] == 0) against b (== 1).
LogRank log_rank(std::span<const double> time, std::span<const bool> event, std::span<const int> group);

// ---- Proportions and power --------------------------------------------------------------------

/// Standard normal quantile.
double normal_quantile(double p);
/// Wilson score 95 % interval of k successes out of n.
std::pair<double, double> wilson_interval(std::size_t k, std::size_t n, double confidence = 0.95);
/// Two-proportion z test (pooled), two-sided p.
double two_proportion_p(std::size_t k1, std::size_t n1, std::size_t k2, std::size_t n2);
/// Power of the two-sided two-proportion z test with n1, n2 patients (unpooled normal approximation).
double power_two_proportions(double p1, double p2, double n1, double n2, double alpha);
/// Patients per arm (equal allocation) for the given power (Fleiss without continuity correction:
/// [z_{a/2} sqrt(2 pbar qbar) + z_b sqrt(p1q1 + p2q2)]^2 / (p1-p2)^2, rounded up).
double sample_size_two_proportions(double p1, double p2, double alpha, double power);
/// Schoenfeld: events needed for the log-rank test to detect hazard ratio `hr` with a share `pa`
/// of patients in arm a: (z_{a/2} + z_b)^2 / (pa (1 - pa) log(hr)^2).
double schoenfeld_events(double hr, double pa, double alpha, double power);
/// Power of the log-rank test with `events` events (Schoenfeld).
double schoenfeld_power(double hr, double pa, double events, double alpha);

// ---- The trial: design, outcomes and analysis ------------------------------------------------

/// Arm of each patient in enrolment order: permuted blocks (phases 2 and 3; phase 2 with equal
/// allocation) or the cohorts of the 3+3 escalation (phase 1).
std::vector<std::size_t> trial_assignment(const TrialSpec& trial, std::size_t arms, std::uint64_t seed);

/// Endpoint values of one patient at the assessments (days since enrolment, ascending).
struct PatientCourse {
  std::vector<double> days, values;
};

/// One patient's outcome given the time of loss to follow-up.
struct PatientOutcome {
  double time = 0;         ///< days to recovery (event) or to censoring
  bool event = false;      ///< recovered (endpoint >= threshold) while followed
  bool completed = false;  ///< followed to the horizon
  double at_horizon = 0;   ///< endpoint at the horizon (NaN when lost before it)
  bool responder = false;  ///< completed and endpoint at the horizon >= threshold
};
PatientOutcome patient_outcome(const PatientCourse& course, double dropout, const TrialSpec& trial);

/// One arm's results of one analysed trial, for summaries over parameter sets (NaN where the
/// phase or arm has none: the control has no comparison).
struct TrialArmResult {
  double proportion = 0;  ///< responders / completed
  double median_days = 0;
  double hazard_ratio = 0;  ///< against the control; > 1: faster recovery
  double logrank_p = 0, proportion_p = 0;
  double power_logrank_simulated = 0, power_proportion_simulated = 0;
  /// Shares of the simulated replicates significant in the arm's favour (assurance per draw).
  double favourable_logrank = 0, favourable_proportion = 0;
};

struct TrialOutputs {
  std::string patients_csv, km_csv, summary_csv, json;
  std::vector<TrialArmResult> arms;
  int selected = -1;  ///< phase 2: the arm picked; -1: none
};

/// A trial run once per parameter set (docs/uncertainty.md, "Trials"): the per-draw results and,
/// per arm, their 5-95 % range and the assurance, the probability of success averaged over the
/// parameter uncertainty (O'Hagan A, Stevens JW, Campbell MJ. Pharm Stat 2005;4:187,
/// doi:10.1002/pst.175): the mean over draws of the simulated power (the share of draws in
/// which the trial as run was significant when it simulates no replicates), counting only
/// differences in the arm's favour.
struct TrialUncertainty {
  std::string draws_csv;  ///< draw,arm,proportion,median_days,hazard_ratio,logrank_p,proportion_p,...
  std::string json;       ///< the "uncertainty" member of trial.json
};
TrialUncertainty summarise_trial_draws(const TrialSpec& trial, std::span<const std::string> arm_names,
                                       const std::vector<TrialOutputs>& draws);
/// Analyses a finished trial: `courses[arm][subject]` are the simulated patients; the patient
/// order, enrolment and dropout come from the seed. Comparisons are of each arm against the
/// first (control); the empirical power repeats the trial `replicates` times by drawing patients
/// from each arm's simulated ones with fresh dropout.
TrialOutputs analyse_trial(const TrialSpec& trial, std::span<const std::string> arm_names,
                           const std::vector<std::vector<PatientCourse>>& courses, std::uint64_t seed);

}  // namespace bungner::study
