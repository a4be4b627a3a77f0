#include "bungner/io/progress.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bungner::io {

ProgressMode default_progress_mode(bool quiet) {
  if (quiet) return ProgressMode::none;
  return ::isatty(STDERR_FILENO) ? ProgressMode::bar : ProgressMode::log;
}

std::string format_duration(double seconds) {
  const long long s = std::llround(std::max(0.0, seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Progress::Progress(std::string label, double total, ProgressMode mode, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total > 0 ? total : 1.0),
      mode_(mode),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(double done) {
  if (mode_ == ProgressMode::none || finished_) return;
  const double fraction = std::clamp(done / total_, 0.0, 1.0);
  const int percent = static_cast<int>(fraction * 100.0);
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta_s = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  const std::string eta = fraction > 0 ? format_duration(eta_s) : std::string("unknown");
  if (mode_ == ProgressMode::bar) {
    if (percent == last_percent_ && now - last_ < std::chrono::milliseconds(200)) return;
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    const std::string count = unit_.empty() ? std::string() : fmt::format(" {:.0f}/{:.0f} {}", done, total_, unit_);
    std::fprintf(stderr, "\r%s [%s%s] %3d%%%s  ETA %s   ", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), percent, count.c_str(), eta.c_str());
    std::fflush(stderr);
  } else {
    // Log lines every 10 % or every 30 s, whichever comes first.
    if (percent / 10 == last_percent_ / 10 && now - last_ < std::chrono::seconds(30)) return;
    if (unit_.empty())
      spdlog::info("{}: {}% done, elapsed {}, ETA {}", label_, percent, format_duration(elapsed), eta);
    else
      spdlog::info("{}: {:.0f}/{:.0f} {} ({}%), elapsed {}, ETA {}", label_, std::min(done, total_), total_, unit_, percent,
                   format_duration(elapsed), eta);
  }
  last_percent_ = percent;
  last_ = now;
}

void Progress::finish() {
  if (finished_) return;
  if (last_percent_ != 100) {
    last_percent_ = -1;  // always show the final state once
    update(total_);
  }
  if (mode_ == ProgressMode::bar) std::fprintf(stderr, "\n");
  finished_ = true;
}

}  // namespace bungner::io
