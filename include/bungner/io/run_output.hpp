#pragma once
// One run, end to end: simulate, observe, and write run.json, timeseries.csv and readouts.csv to
// an output directory, each file appearing under its final name only when complete.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bungner/io/checkpoint.hpp"
#include "bungner/io/progress.hpp"
#include "bungner/model/model.hpp"

namespace bungner::io {

struct RunOptions {
  std::filesystem::path output_dir;
  bool force = false;
  int threads = 1;
  std::string command_line;
  ProgressMode progress = ProgressMode::none;
  /// Continue from this checkpoint (written by an interrupted run of the same model).
  const Checkpoint* resume_from = nullptr;
};

/// Checks that the directory may receive a run's outputs: it is created if missing; a non-empty
/// directory needs `force`, and then only files bungner writes (and leftovers of interrupted
/// writes) are removed. Throws InputError otherwise.
void prepare_output_directory(const std::filesystem::path& dir, bool force);

/// Runs the model (run index 0) and writes its outputs. Returns the output directory.
std::filesystem::path run_and_write(std::shared_ptr<const Model> model, const RunOptions& options);

/// The names of the files a run writes (checkpoint.bin only while it runs, with checkpoints on;
/// report.html by `bungner report`, which run calls at the end).
inline constexpr const char* run_files[] = {"timeseries.csv", "readouts.csv", "run.json", "checkpoint.bin", "report.html"};

}  // namespace bungner::io
