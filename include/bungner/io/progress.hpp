#pragma once
// Progress of a long run: a bar with ETA on a terminal, periodic log lines otherwise.
#include <chrono>
#include <cstdint>
#include <string>

namespace bungner::io {

enum class ProgressMode { none, bar, log };

/// Picks a bar when stderr is a terminal, log lines otherwise, nothing when quiet.
ProgressMode default_progress_mode(bool quiet);

/// Not thread-safe: callers from parallel loops hold a lock around update().
class Progress {
 public:
  /// `unit`, when given, names what is counted ("subjects", "runs"): the log line then reads
  /// "study: 25/64 subjects (39%), elapsed 3s, ETA 5s".
  Progress(std::string label, double total, ProgressMode mode, std::string unit = {});
  /// Reports `done` out of the total (same units as the total).
  void update(double done);
  void finish();

 private:
  std::string label_;
  std::string unit_;
  double total_;
  ProgressMode mode_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  int last_percent_ = -1;
  bool finished_ = false;
};

/// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace bungner::io
