#pragma once
// The command-line tool's subcommands; each returns an exit code (see bungner::exit_code).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bungner::cli {

struct CommonOptions {
  bool quiet = false;
  bool verbose = false;
  std::string command_line;
  int rank = 0;  ///< MPI rank when started by mpirun
  int ranks = 1;
  std::function<void()> barrier = [] {};
  std::function<bool(bool)> all_ok = [](bool ok) { return ok; };
  /// Bitwise OR of the words over all ranks, in place (calibrate gathers its slots with it).
  std::function<void(std::vector<std::uint64_t>&)> all_or = [](std::vector<std::uint64_t>&) {};
  /// Non-empty (the reason) when srun started several copies without MPI (issue 24).
  std::string uncoordinated_task;
};

struct RunArguments {
  std::string scenario;
  std::string output_dir;
  bool force = false;
  int threads = 0;  ///< 0: OpenMP default
  long long seed = -1;
  std::vector<std::string> overrides;
  bool resume_requested = false;  ///< --resume given: continue an interrupted run from its checkpoint
  std::string resume;             ///< --resume DIR: the run's output directory (else --out or the default)
  std::string design;             ///< design table CSV; with `row`, that row's values override the scenario
  long long row = -1;
  std::size_t uncertainty = 0;   ///< --uncertainty N: also run the scenario once per drawn parameter set
  std::string uncertainty_from;  ///< --uncertainty-from FILE: a posterior CSV or an [uncertainty] TOML file
};

struct DesignArguments {
  std::string method = "lhs";
  std::size_t points = 16;
  std::vector<std::string> parameters;  ///< "name=low..high unit" or "name=low..high unit log"
  std::uint64_t seed = 1;
  std::string output;
};
int design(const DesignArguments& args);

struct SensitivityArguments {
  std::string scenario;
  std::string method = "morris";
  std::vector<std::string> parameters;
  std::vector<std::string> overrides;
  std::string readout;
  std::string at;
  std::size_t trajectories = 10;
  std::size_t samples = 64;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string output;
  std::string work_dir;  ///< --work DIR: every model run saved there as it finishes
  bool resume = false;   ///< continue the analysis saved in work_dir
  bool force = false;    ///< start again although work_dir holds an analysis
};
int sensitivity(const SensitivityArguments& args, const CommonOptions& common);

int run(const RunArguments& args, const CommonOptions& common);

struct StudyArguments {
  std::string study;
  std::string output_dir;
  bool force = false;
  bool resume = false;
  bool dry_run = false;    ///< validate and print the plan; run and write nothing
  std::string resume_dir;  ///< --resume DIR: the study's output directory (else --out or the default)
  int threads = 0;
  std::string shard;             ///< --shard K/N: one job of a job array
  std::size_t uncertainty = 0;   ///< --uncertainty N: parameter sets drawn (replaces the study's number)
  std::string uncertainty_from;  ///< --uncertainty-from FILE: a posterior CSV or an [uncertainty] TOML file
};
int study(const StudyArguments& args, const CommonOptions& common);
struct GatherArguments {
  std::vector<std::string> dirs;  ///< the shards' output directories
  std::string output_dir;
  std::string study;  ///< default: the study file the shards recorded
  bool force = false;
  std::size_t uncertainty = 0;  ///< as the shards were run
  std::string uncertainty_from;
  std::string design;  ///< --design FILE: the DIRs are `run --design FILE --row N` runs, one per row
};
/// `bungner gather DIR... --out OUT`: the shards of a job array merged into the study.
int gather(const GatherArguments& args, const CommonOptions& common);
int check(const std::string& scenario, const std::vector<std::string>& overrides, const CommonOptions& common);
int print_config(const std::string& scenario, const std::vector<std::string>& overrides);
int params(const std::string& pattern, bool markdown);
/// A parameter's value and source, or a therapy's (mechanism's, readout's) summary, keys and parameters.
int explain(const std::string& name, const std::string& scenario);
/// `bungner list therapies|mechanisms|readouts`.
int list_items(const std::string& what);
int units_table(bool markdown);
/// The scenario keys as Markdown (docs/scenario-keys.md), or as a JSON Schema (docs/scenario.schema.json).
int schema_doc(bool json);
struct ValidateArguments {
  std::string filter;       ///< glob on evidence ids, entries and case names
  std::string output_dir;   ///< default runs/validation
  std::string cases_dir;    ///< default validation/ of the source tree
  std::string evidence;     ///< default data/evidence/evidence.csv
  std::string calibration;  ///< default data/evidence/calibration.toml
  bool json = false;
  bool print_frozen = false;  ///< print the frozen record of the test entries and run nothing
  int threads = 0;
  std::size_t uncertainty = 0;   ///< --uncertainty N: parameter sets drawn for every case
  std::string uncertainty_from;  ///< a posterior CSV or an [uncertainty] TOML file
};
/// Runs the validation cases and writes the scorecard (docs/validation.md).
int validate(const ValidateArguments& args, const CommonOptions& common);
struct CalibrateArguments {
  std::string file;        ///< the calibration file (docs/calibration-abc.md)
  std::string output_dir;  ///< default runs/calibration/<file stem>
  int threads = 0;         ///< proposals evaluated in parallel (0: OpenMP default); results do not depend on it
  bool resume = false;     ///< continue from the output directory's checkpoint.csv
  bool force = false;      ///< start again although the output directory holds a checkpoint
};
/// ABC-SMC of model parameters against fit entries: writes posterior.csv, generations.csv,
/// calibration.json and report.html. Under MPI the slots of a generation are shared by the ranks.
int calibrate(const CalibrateArguments& args, const CommonOptions& common);
/// `bungner export DIR --omex [--out FILE]`: the run or study in DIR as a COMBINE archive.
int export_archive(const std::string& dir, const std::string& output, const CommonOptions& common);
/// Writes DIR/report.html for the run or study in DIR.
int report(const std::string& dir, bool static_plots, const CommonOptions& common);

struct ServeArguments {
  std::string workspace = ".";  ///< the folder served
  int port = 0;                 ///< 0: a free port the system picks
  std::size_t jobs = 2;         ///< jobs running at once
  double axon_mb = 64;          ///< larger axon files are drawn thinned
};
/// `bungner serve [--port N] [DIR]`: the local web workbench (docs/workbench.md) until SIGINT or
/// SIGTERM.
int serve(const ServeArguments& args, const CommonOptions& common);

}  // namespace bungner::cli
