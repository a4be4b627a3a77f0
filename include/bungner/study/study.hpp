#pragma once
// Studies: virtual cohorts. A study file names a base scenario, arms (overrides of it), subjects
// per arm and inter-individual variability of parameters. Each arm is compiled once; each subject
// is a run of its arm's Model with its own seed, derived by counter-based hashing from (study seed,
// arm, subject), and its parameter draws as a typed overlay (Model::for_subject). Subjects run in parallel
// and every finished subject is saved at once, so an interrupted study resumes without losing
// one. Outputs: per-subject readouts, per-arm summaries and comparisons between arms.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bungner/io/progress.hpp"
#include "bungner/model/registry.hpp"
#include "bungner/scenario/scenario.hpp"
#include "bungner/study/trial.hpp"
#include "bungner/study/uncertainty.hpp"

namespace bungner::study {

enum class Distribution { lognormal, normal, uniform };

/// Variability of one parameter between subjects. Lognormal and normal are centred on the value
/// the arm's scenario resolves (median for lognormal, mean for normal) with coefficient of
/// variation `cv`; uniform spans [low, high] in the parameter's unit.
struct Variability {
  std::string parameter;
  Distribution distribution = Distribution::lognormal;
  double cv = 0;
  double low = 0, high = 0;
  /// Declared variability: the parameter that holds the CV (so that an uncertain CV is drawn too).
  std::string cv_parameter;
};

struct Arm {
  std::string name;
  std::vector<Override> overrides;  ///< applied to the base scenario, like --set
  std::size_t subjects = 0;
  double dlt_probability = 0;  ///< phase 1 trials: probability of a dose-limiting toxicity
};

/// A validated study file.
struct StudySpec {
  std::string path;
  std::string title;
  std::string base_scenario;  ///< resolved path
  std::uint64_t seed = 1;
  /// Common random numbers: subject s of every arm runs with the seed and parameter draws of
  /// subject s of the first arm, so arms differ only by their overrides (a paired design).
  bool common_seeds = false;
  /// Every subject runs with `seed` itself, so that subjects differ only by their parameters
  /// (`run --uncertainty`: each draw is the run under another parameter set). Not a study key.
  bool scenario_seed_for_all = false;
  std::vector<Arm> arms;
  std::vector<Variability> variability;
  /// Draw every parameter with a declared between-subject CV (ParameterSpec::varies) per subject,
  /// besides `variability` (which wins for a parameter it names). Study key `default_variability`.
  bool default_variability = true;
  std::vector<std::string> readouts;  ///< observation names to summarise (empty: all)
  std::string sha256;                 ///< of the study file's text and the base scenario's
  std::optional<TrialSpec> trial;     ///< a [trial] table: arms' subjects come from its design
  /// Parameter uncertainty (an [uncertainty] table, or --uncertainty): each arm runs its subjects
  /// once per drawn parameter set; subject j belongs to draw j / subjects (docs/uncertainty.md).
  Uncertainty uncertainty;
};

/// `--uncertainty N` and `--uncertainty-from FILE` (or their Python arguments) on a study: draw N
/// sets from FILE, or N sets from the study's own [uncertainty] table; nothing when both are
/// unset. The study's identity (what resume and gather compare) then includes them. Throws
/// InputError when there is no source.
void apply_uncertainty(StudySpec& spec, std::size_t draws, const std::string& from, const Registry& registry);

/// Subjects an arm runs: its subjects once per parameter set when the study draws them.
inline std::size_t subjects_run(const StudySpec& spec, const Arm& arm) {
  return arm.subjects * (spec.uncertainty.enabled() ? spec.uncertainty.draws : 1);
}

/// Reads and validates a study file; every problem is reported with file:line:column (InputError).
StudySpec load_study(const std::string& path, const Registry& registry);
/// Same, from text; `name` stands in for the file (the base scenario is relative to its folder).
StudySpec load_study_text(const std::string& text, const std::string& name, const Registry& registry);
/// The keys of a study file as load_study checks them (an arm's `set` holds scenario keys), for
/// the workbench's form (`bungner serve`).
const schema::Field& study_file_schema();

/// What the study would run, in words, for `bungner study --dry-run`: the arms with their
/// overrides and subjects, the varied parameters, the readout times and the observations it
/// summarises. Compiles each arm's model; runs nothing and writes nothing.
std::string study_plan(const StudySpec& spec, const Registry& registry);

/// The observations the study summarises, over all arms (first-seen order): what each arm's
/// model gives (observation_names), takes (readouts.include) and the study's `readouts` select.
std::vector<std::string> study_observations(const StudySpec& spec, const Registry& registry);

/// The declared between-subject variability that a study applies by default: every parameter
/// with a `varies` field gives a lognormal draw of the parameter it names, with the CV the
/// scenario resolves; parameters that the study's own `variability` names are left out.
std::vector<Variability> default_variability(const StudySpec& spec, const Registry& registry, const ParameterSet& resolved);

/// Seed of subject `subject` of arm `arm`: a Philox hash of (study seed, arm, subject).
std::uint64_t subject_seed(std::uint64_t study_seed, std::size_t arm, std::size_t subject);

/// Where this process stands among the processes of one study (MPI ranks). The library knows no
/// MPI: the command-line tool fills these in when it runs under mpirun. All ranks must see the
/// output directory (a shared file system), since finished subjects are exchanged as files.
struct Cluster {
  int rank = 0;
  int ranks = 1;
  std::function<void()> barrier = [] {};
  /// True on every rank when `ok` is true on every rank (a collective).
  std::function<bool(bool)> all_ok = [](bool ok) { return ok; };
};

struct StudyOptions {
  std::filesystem::path output_dir;
  bool force = false;
  bool resume = false;
  bool quiet = false;
  /// Progress of the subjects with an ETA: log lines (the default), a bar on a terminal, or none
  /// (also when quiet).
  io::ProgressMode progress = io::ProgressMode::log;
  std::string command_line;
  Cluster cluster;
  /// One job of a job array (`--shard K/N`): this process computes the subjects j with
  /// j mod N = K (spread over its ranks), saves them, and writes no summary; `gather_study`
  /// merges the N directories into the study.
  std::size_t shard = 0;
  std::size_t shards = 1;
};

/// One observation of one subject.
struct SubjectRow {
  std::size_t arm = 0;
  std::size_t subject = 0;
  std::uint64_t seed = 0;
  double time_days = 0;
  std::string readout;
  double value = 0;
  std::string unit;
};

struct StudyResult {
  std::vector<SubjectRow> rows;  ///< arm, subject, time, readout order
  std::size_t resumed = 0;       ///< subjects read back from a previous, interrupted run
  std::size_t computed = 0;
};

/// Runs (or resumes) the study and writes subjects.csv, summary.csv, comparisons.csv,
/// summary.json and study.json into the output directory. Under several ranks, each runs every
/// ranks-th subject and rank 0 gathers the finished subjects and writes the outputs; the result
/// is the same for any number of ranks and threads. Ranks other than 0 return an empty result.
StudyResult run_study(const StudySpec& spec, const Registry& registry, const StudyOptions& options);

/// Merges the directories of the N shards of one study (`run_study` with `shards` = N) into
/// `options.output_dir` and writes the study's outputs, as if it had run at once: the subjects'
/// checkpoints are copied, none is recomputed. Throws InputError (nothing written) when the
/// directories are not every shard of `spec` exactly once or a shard lacks one of its subjects.
StudyResult gather_study(const StudySpec& spec, const Registry& registry, const std::vector<std::filesystem::path>& shard_dirs,
                         const StudyOptions& options);

}  // namespace bungner::study
