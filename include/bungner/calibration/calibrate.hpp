#pragma once
// `bungner calibrate FILE`: ABC-SMC (abc_smc.hpp) of model parameters against the `fit` entries
// of the evidence base, through the validation cases that check them (docs/calibration-abc.md).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/model/registry.hpp"
#include "bungner/validation/validation.hpp"

namespace bungner::calibration {

/// One `[[fit]]` entry: an evidence entry ("E24") or row ("E24.3") and its weight in the distance.
struct FitEntry {
  std::string entry;
  double weight = 1;
  SourceLocation where;
};

/// A validated calibration file.
struct CalibrationSpec {
  std::string path;
  std::string title;
  std::vector<Prior> priors;       ///< names are model parameters; numbers in their declared units
  std::vector<std::string> units;  ///< the declared unit of each parameter
  std::vector<FitEntry> fit;
  Options options;  ///< particles, seed, alpha and the stopping rule (threads and callbacks: the caller's)
  std::filesystem::path cases_dir, evidence_csv;
};

/// Reads and checks a calibration file: unknown keys, parameters and evidence ids (with
/// did-you-mean), bad priors, and `test` entries (which no parameter may ever be fitted to) are
/// InputErrors at file:line:column, all at once. Paths in the file are relative to it; the
/// defaults are `default_cases` and `default_evidence`.
CalibrationSpec load_calibration_spec(const std::filesystem::path& path, const Registry& registry,
                                      const std::filesystem::path& default_cases, const std::filesystem::path& default_evidence);
/// The same for `text` standing for the file `path` (the workbench checks the text being edited).
CalibrationSpec load_calibration_spec_text(const std::string& text, const std::filesystem::path& path, const Registry& registry,
                                           const std::filesystem::path& default_cases,
                                           const std::filesystem::path& default_evidence);

/// One term of the distance: a check of a case on a fit entry's row.
struct DistanceTerm {
  std::size_t case_index = 0;
  validation::Check check;
  double observed = 0;  ///< the evidence row's value
  double scale = 1;     ///< the observed SD, else the check's tolerance, else half the reported range
  double weight = 1;    ///< the entry's weight over its number of terms
  std::string evidence;
};

/// The distance between the model at a proposal and the fit entries: for every term,
/// weight x |simulated mean - observed| / scale, summed. Each evaluation runs the cases' studies
/// with the proposal's parameters set in every arm, a study seed derived from the proposal's key,
/// in a folder of its own under `work_dir` that is removed afterwards. Thread-safe.
class ValidationDistance {
 public:
  ValidationDistance(const CalibrationSpec& spec, const Registry& registry, std::filesystem::path work_dir);
  double operator()(const std::vector<double>& x, const ProposalKey& key) const;
  const std::vector<DistanceTerm>& terms() const { return terms_; }
  const std::vector<validation::Case>& cases() const { return cases_; }
  /// Model runs (subjects) one evaluation simulates, over every case's study.
  std::size_t subjects_per_evaluation() const;

 private:
  const Registry* registry_;
  std::vector<std::string> names_, units_;
  std::vector<validation::Case> cases_;  ///< only the cases with a term
  std::vector<study::StudySpec> studies_;
  std::vector<DistanceTerm> terms_;
  std::filesystem::path work_dir_;
};

/// The marginals of the posterior, one line per parameter (for the terminal).
std::string posterior_table(const Result& result, const std::vector<Prior>& priors, const std::vector<std::string>& units);

}  // namespace bungner::calibration
