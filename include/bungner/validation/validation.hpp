#pragma once
// Validation against the literature (docs/validation.md): the evidence base
// (data/evidence/evidence.csv), the calibration record (data/evidence/calibration.toml), the
// validation cases (validation/*.toml: a study plus the comparisons of its readouts with evidence
// rows) and the scorecard. The criteria are pure functions of observed and simulated summaries,
// so they are tested with synthetic cases.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bungner/model/registry.hpp"
#include "bungner/study/study.hpp"

namespace bungner::validation {

/// One observed value (a row of evidence.csv). Numbers are NaN where the source gives none.
struct EvidenceRow {
  std::string id;     ///< "E25", or "E24.3" for the third value of a multi-valued entry
  std::string entry;  ///< "E24"
  std::string species, model, condition, readout, timepoint, value_text;
  double value = 0, low = 0, high = 0, spread = 0;
  std::string spread_kind;  ///< SE, SEM, SD, range, approx, upper bound, qualitative, ...
  double n = 0;             ///< 0 when not reported or not a single number
  std::string unit, source, identifier, confidence;
  /// "fit": may be used to set a model value; "test": judges the model and may never be fitted to
  /// (docs/validation.md, the frozen test set).
  std::string split = "fit";
  std::string frozen;  ///< test entries: the commit that froze the entry's cases and criteria
  bool test() const { return split == "test"; }
};

std::vector<EvidenceRow> load_evidence(const std::filesystem::path& csv);

/// The calibration record: per parameter, the evidence entries it was taken from or fitted to;
/// entries used by presets; entries never used for fitting.
struct CalibrationRecord {
  std::map<std::string, std::set<std::string>> parameters;  ///< parameter -> entries
  std::set<std::string> presets;                            ///< entries whose values the presets take
  std::set<std::string> unfitted;
  /// A joint refit (docs/calibration-abc.md): the calibration file (data/calibration/*.toml,
  /// relative to the source tree), the posterior it produced, the parameters it sets (their
  /// declared values are the posterior's weighted medians) and the entries it was fitted to.
  struct Joint {
    std::string file, posterior;
    std::vector<std::string> parameters;
    std::set<std::string> entries;
  };
  std::vector<Joint> joint;
  /// Every entry used to set a value (parameters and presets).
  std::set<std::string> fitted() const;
};

CalibrationRecord load_calibration(const std::filesystem::path& toml_file);
/// The E-numbers in a registry `.calibration` field ("E24, E25 (jointly)" -> {E24, E25}).
std::set<std::string> entries_in(const std::string& calibration_field);
/// The E-numbers named in the `source` strings of the species presets (TOML files in `dir`).
std::set<std::string> preset_entries(const std::filesystem::path& dir);
/// Differences between the record and the registry's `.calibration` fields and the presets'
/// sources, one sentence each (empty when they agree), and entries listed both as fitted and
/// unfitted, in neither, or not in the evidence base.
std::vector<std::string> calibration_disagreements(const CalibrationRecord& record, const Registry& registry,
                                                   const std::set<std::string>& presets,
                                                   const std::vector<EvidenceRow>& evidence);

/// ci: inside the observed 95 % CI of the mean; spread: within the observed mean +- one observed SD
/// (SD = SE x sqrt(n)), "within the reported spread", the criterion of the test entries.
enum class Criterion { ci, range, tolerance, at_most, at_least, greater_than, less_than, spread };
/// mean: at `time`; over [from, to] per subject: slope and onset (x-intercept) of the
/// least-squares line, peak_time and peak_value of the largest sample, time_below (the first
/// sample time below `threshold`), time_above (the first at or above it); share_at_least: at
/// `time`, 100 when the subject's value is at least `threshold` and 0 otherwise, so the arm's mean
/// is the percentage of subjects that reach it (a clinical grade, for instance).
enum class Statistic { mean, slope, onset, peak_time, peak_value, time_below, time_above, share_at_least };

/// What is compared with the evidence. `loss` applies to every sample (100 - x, percent lost);
/// the others relate the statistic x to the other arm's mean r (other_arm required for change
/// and fold): none gives 100 x / r (percent of the other arm), change 100 (x / r - 1) (a percent
/// change, e.g. +21 % velocity), fold x / r (a fold change).
/// time_constant reads a decline toward a floor, x / r = f + (1 - f) exp(-delay / tau), as tau
/// [d], with delay = time - other_time and the floor f (a fraction of r) stated in the case.
enum class Transform { none, loss, change, fold, time_constant };

/// The statistic x related to the other arm's mean r as `t` says (none and loss: 100 x / r;
/// time_constant: see decline_time_constant).
double relate(Transform t, double x, double r);

/// tau of x / r = f + (1 - f) exp(-delay / tau) [d]: infinite when x / r >= 1 (no decline), 0 when
/// x / r <= f (at or below the floor).
double decline_time_constant(double x, double r, double delay_days, double floor);

/// One comparison of a simulated statistic with an evidence row.
struct Check {
  std::string evidence;  ///< evidence row id
  std::string readout;
  std::string arm;                    ///< empty: the first arm
  double time_days = 0;               ///< for mean
  double from_days = 0, to_days = 0;  ///< for slope and onset: per-subject line over these times
  Statistic statistic = Statistic::mean;
  Transform transform = Transform::none;
  double floor = 0;      ///< time_constant: the level the decline tends to, as a fraction of the other arm
  double scale = 1;      ///< multiplies the per-subject statistic (1 / muscle mass, 24 h per day)
  double threshold = 0;  ///< time_below, time_above
  Criterion criterion = Criterion::ci;
  double tolerance = 0;  ///< tolerance: +-; at_most / at_least: the bound (default the evidence value)
  std::optional<double> bound;
  /// greater_than / less_than: the arm compared with; with any other criterion the statistic
  /// becomes percent of this arm's mean (a ratio between arms, e.g. delayed / immediate repair)
  std::string other_arm;
  std::optional<double> other_time_days;  ///< the other arm's time (default: the same time)
  std::string note;
};

/// One subject's statistic from its samples (times x in days, values y) in the check's window;
/// none when the subject has no value (too few samples, never crosses the threshold).
std::optional<double> subject_statistic(const Check& check, const std::vector<double>& x, const std::vector<double>& y);

/// A validation case: a study file and its checks.
struct Case {
  std::string path;
  std::string name;   ///< file stem
  std::string study;  ///< resolved study path
  std::vector<Check> checks;
};

/// Reads a case file; problems are reported with file:line:column (InputError).
Case load_case(const std::filesystem::path& path, const std::set<std::string>& evidence_ids);
std::vector<Case> load_cases(const std::filesystem::path& dir, const std::set<std::string>& evidence_ids);
/// Checks a case's names against its study before anything runs: each check's readout must be an
/// observation the study summarises (`observations`, study::study_observations) and its arm and
/// other_arm arms of the study. Problems at the key, with did-you-mean (InputError).
void check_case_names(const Case& c, const study::StudySpec& spec, const std::vector<std::string>& observations);

/// Mean, SD and n of a simulated statistic over subjects.
struct Summary {
  double mean = 0, sd = 0;
  std::size_t n = 0;
};
Summary summarise(const std::vector<double>& values);

/// The interval the simulated mean must fall in (NaN-free) for the interval criteria.
struct Interval {
  double low = 0, high = 0;
};
/// The observed between-subject SD of a row: its SD, or its SE/SEM x sqrt(n); none otherwise.
std::optional<double> observed_sd(const EvidenceRow& row);
/// Observed interval of a check's criterion: ci (t-based 95 % CI from SE/SEM or SD with n),
/// range (the reported range), tolerance (value +- tolerance), at_most/at_least (one-sided).
/// Throws InputError when the evidence row does not support the criterion.
Interval observed_interval(const EvidenceRow& row, const Check& check);
/// Whether the simulated summary satisfies the criterion (for the orderings, `other` is the
/// summary of the other arm).
bool passes(const EvidenceRow& row, const Check& check, const Summary& simulated, const Summary& other);

/// The spread check: a simulated between-subject SD within a factor of `factor` of the observed SD
/// (needs at least two simulated subjects).
bool spread_agrees(double simulated_sd, std::size_t simulated_n, double observed_sd, double factor = 2.0);
/// Whether a check is also judged on spread: the row reports an SD (or an SE/SEM with n) and the
/// check compares like with like, a value of each subject (not an ordering, a ratio to another
/// arm's mean, nor a share of subjects).
bool checks_spread(const EvidenceRow& row, const Check& check);
/// The fewest virtual subjects per arm in a case with a spread check. An SD estimated from n
/// subjects has a relative standard error of about 1/sqrt(2(n-1)): 24 % at n = 10, 11 % at n = 40,
/// so a factor-2 check at the study's own n would often judge the seed rather than the model.
inline constexpr std::size_t minimum_subjects_for_spread = 40;
/// The study a case runs: its study file's, with every arm raised to minimum_subjects_for_spread
/// when one of `checks` (those of the case that are selected) is judged on spread.
study::StudySpec case_study(const Case& c, const std::vector<const Check*>& checks,
                            const std::map<std::string, const EvidenceRow*>& rows, const Registry& registry);

/// One line of the scorecard.
struct Score {
  std::string evidence, entry, case_name, readout, criterion, observed, species, condition, note;
  Summary simulated;
  double observed_n = 0;
  bool fitted = false, passed = false;
  bool test = false;  ///< the evidence row's split is "test"
  /// The spread check, for rows that report an SD (or an SE/SEM with n) and a check on a value
  /// (not an ordering): the observed SD, and whether the simulated SD is within a factor of 2.
  std::optional<double> observed_sd;
  bool spread_passed = false;
  /// Under parameter uncertainty (validate --uncertainty), for a check on a value: the 5-95 %
  /// predictive interval of the simulated mean (its quantiles over the parameter draws, each
  /// draw's mean over the case's subjects), the observed value, and whether it lies inside.
  std::optional<Interval> predictive;
  double observed_value = 0;
  bool inside_predictive() const { return predictive && observed_value >= predictive->low && observed_value <= predictive->high; }
};

/// Coverage of the 90 % predictive intervals over the checks that have one, of one split.
struct Coverage {
  std::size_t inside = 0, total = 0;
  double coverage_90 = 0;  ///< inside / total (NaN without checks)
  /// Mean width of the interval relative to the observed value, (high - low) / |observed|, over
  /// the checks with a non-zero observed value: smaller is sharper.
  double sharpness = 0;
};

/// Passed and total, counted by entry: an entry passes when every one of its checks passes.
struct Tally {
  std::size_t passed = 0, total = 0;
};

struct Scorecard {
  std::vector<Score> scores;
  std::vector<std::string> not_modelled;  ///< evidence rows without a case
  std::size_t passed() const;
  std::size_t passed(bool fitted) const;
  std::size_t total(bool fitted) const;
  /// Entries of the test split (test = true) or the fit split, each passing when all its checks do.
  Tally entries(bool test) const;
  /// Entries with at least one spread check, each passing when all its spread checks do.
  Tally spread_entries() const;
  /// Coverage of the predictive intervals over the checks of the test (or fit) split.
  Coverage coverage(bool test) const;
  bool uncertain() const;
};

std::string scorecard_csv(const Scorecard& card);
std::string scorecard_html(const Scorecard& card, const std::string& title);
std::string scorecard_table(const Scorecard& card);
/// One line of JSON: {"passed": P, "total": T (checks), "test_passed", "test_total", "fit_passed",
/// "fit_total" (entries by split), "spread_passed", "spread_total" (entries), "fitted": {...},
/// "unfitted": {...} (checks by calibration record), "not_modelled": N}; under parameter
/// uncertainty also "draws", "coverage_90", "sharpness", "coverage_checks" (test split) and
/// "fit_coverage_90", "fit_sharpness", "fit_coverage_checks".
std::string scorecard_json(const Scorecard& card);

struct ValidateOptions {
  std::filesystem::path cases_dir, evidence_csv, calibration_toml, output_dir;
  std::string filter;  ///< glob on evidence row ids, entries and case names; empty: all
  bool quiet = true;
  io::ProgressMode progress = io::ProgressMode::none;  ///< over the cases, with an ETA (rank 0)
  study::Cluster cluster;                              ///< under MPI: subjects spread over ranks; rank 0 scores and writes
  /// Parameter uncertainty: every case runs its subjects once per drawn parameter set (the same
  /// sets in every case) and the scorecard reports predictive intervals and their coverage.
  study::Uncertainty uncertainty;
};

/// Runs every case with a matching check through the study layer and scores it; writes
/// scorecard.csv, scorecard.html and scorecard.json into the output directory (rank 0; other
/// ranks return an empty scorecard).
Scorecard validate(const ValidateOptions& options, const Registry& registry);

/// The frozen test set. A fingerprint of an entry's pass criteria: a SHA-256 over the numbers of its
/// evidence rows (value, low, high, spread and its kind, n, unit) and every check of every case
/// that names one of its rows (readout, arm, times, statistic, transform, criterion, tolerance,
/// bound, other arm, scale, threshold, floor). Changing any of them changes the fingerprint.
std::string criteria_fingerprint(const std::string& entry, const std::vector<Case>& cases,
                                 const std::vector<EvidenceRow>& evidence);
/// data/evidence/frozen.toml: entry -> fingerprint at the time the entry was frozen.
std::map<std::string, std::string> load_frozen(const std::filesystem::path& toml_file);
/// The frozen record for every test entry of `evidence`, as TOML (written once, when a test set is
/// frozen: `bungner validate --print-frozen`).
std::string frozen_record_toml(const std::vector<Case>& cases, const std::vector<EvidenceRow>& evidence);
/// Problems with the frozen test set, one sentence each: a test entry without a case, without a
/// frozen commit or fingerprint, or whose fingerprint changed; an entry frozen as a test and now
/// marked fit; a test entry in the calibration record. A changed fingerprint and a move to fit are
/// allowed when `change_log` (the section "Changes to frozen test entries" of docs/validation.md)
/// names the entry.
std::vector<std::string> frozen_disagreements(const std::vector<EvidenceRow>& evidence, const std::vector<Case>& cases,
                                              const std::map<std::string, std::string>& frozen, const CalibrationRecord& record,
                                              const std::string& change_log);

/// The compared values of one check, one per subject of its arm that has one: the statistic of
/// each subject's samples (loss applied), times `scale`, related to the other arm's mean as the
/// transform says (an ordering keeps the raw statistic). `other` receives the other arm's summary
/// (or stays empty). The same computation as the scorecard's, for callers that run a case's study
/// themselves (calibration, docs/calibration-abc.md). Throws InputError for an unknown arm or a
/// readout the study does not report.
std::vector<double> check_values(const Case& c, const study::StudySpec& spec, const study::StudyResult& result,
                                 const Check& check, Summary* other = nullptr);

}  // namespace bungner::validation
