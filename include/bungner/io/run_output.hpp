#pragma once
// One run, end to end: simulate, observe, and write run.json, timeseries.csv and readouts.csv to
// an output directory, each file appearing under its final name only when complete.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bungner/io/checkpoint.hpp"
#include "bungner/io/progress.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"

namespace bungner::io {

struct RunOptions {
  std::filesystem::path output_dir;
  bool force = false;
  int threads = 1;
  std::string command_line;
  ProgressMode progress = ProgressMode::none;
  /// Continue from this checkpoint (written by an interrupted run of the same model).
  const Checkpoint* resume_from = nullptr;
  /// `run --design FILE --row N`: recorded in run.json ("design": file, sha256 of its text, row) so
  /// that `bungner gather --design` can put the job array's runs back together.
  struct DesignRow {
    std::string file, sha256;
    long long row = -1;
  };
  std::optional<DesignRow> design;
};

/// Checks that the directory may receive a run's outputs: it is created if missing; a non-empty
/// directory needs `force`, and then only files bungner writes (and leftovers of interrupted
/// writes) are removed. Throws InputError otherwise.
void prepare_output_directory(const std::filesystem::path& dir, bool force);

/// Where a run stands in its schedule of observations (kept in checkpoints).
struct ObservationSchedule {
  std::size_t next_readout = 0;  ///< index into Model::readout_times_s
  std::int64_t next_row_s = 0;   ///< time of the next time-series row [s]
};

/// What a run reports while it advances; empty functions are skipped.
struct RunObserver {
  /// One time-series row (every observation) at `days`.
  std::function<void(double days, const std::vector<Observation>&)> timeseries_row;
  /// The included readouts at a readout time.
  std::function<void(double days, const std::vector<Observation>&)> readouts;
  /// Called at each multiple of the model's checkpoint interval (not at the end).
  std::function<void(const Simulation&, const ObservationSchedule&)> checkpoint;
  Progress* progress = nullptr;
};

/// Advances `simulation` to the model's duration, observing as the schedule falls due; numerics
/// are checked before anything is observed.
void advance_and_observe(Simulation& simulation, ObservationSchedule& schedule, const RunObserver& observer);

/// One observation of a run in memory.
struct ObservedValue {
  double time_days = 0;
  Observation observation;
};
/// The 3D injury site at one readout time, copied out of the State: its fields (the solved
/// substrates and the tissue layers, named) and its cells.
struct SiteSnapshot {
  double time_days = 0;
  std::vector<std::string> field_names;
  fields::Fields fields{fields::Grid{}, 0};
  agents::Agents cells{std::vector<agents::CellKind>{}};
};

/// A whole run (run index 0) in memory: the rows timeseries.csv and readouts.csv would hold.
struct RunResult {
  std::vector<ObservedValue> timeseries;
  std::vector<ObservedValue> readouts;
  std::vector<SiteSnapshot> site;  ///< at each readout time, for runs with the 3D site
};
RunResult run_in_memory(std::shared_ptr<const Model> model);

/// Runs the model (run index 0) and writes its outputs. Returns the output directory.
std::filesystem::path run_and_write(const std::shared_ptr<const Model>& model, const RunOptions& options);

/// The names of the files a run writes (checkpoint.bin only while it runs, with checkpoints on;
/// report.html by `bungner report`, which run calls at the end), and of its folders of pictures
/// (io::write_pictures), ParaView files (io::VtkSeries), SWC axons (io::axons_swc_text) and the
/// runs under parameter uncertainty (`run --uncertainty`, a study's outputs).
inline constexpr const char* run_files[] = {"timeseries.csv", "readouts.csv", "run.json", "checkpoint.bin", "report.html",
                                            "pictures",       "paraview",     "swc",      "uncertainty",    "physicell"};

}  // namespace bungner::io
