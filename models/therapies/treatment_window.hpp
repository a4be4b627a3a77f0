#pragma once
// What the therapies share: a process base of the therapy phase, their factory, the
// `start`/`duration` keys of a course of treatment, the window [start, end) they give, and a
// saturating dose-response.
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "bungner/core/text.hpp"
#include "bungner/model/model.hpp"
#include "bungner/scenario/schema.hpp"

namespace bungner::treatment {

/// A therapy process: runs first in every base tick and sets signals or effects.
class Therapy : public Process {
 public:
  Phase phase() const override { return Phase::therapy; }
  std::int64_t period_s() const override { return 0; }
};

/// TherapyEntry::create for a therapy constructed from the compile context and its item.
template <typename T>
std::unique_ptr<Process> make(const CompileContext& c, const toml::table& item) {
  return std::make_unique<T>(c, item);
}

/// `start` (after injury) and `duration` (0 = until the end of the run) of one [[therapies]] item.
inline schema::Field start_field(std::string default_text = "0 d") {
  return schema::Field{.key = "start",
                       .kind = schema::Kind::quantity,
                       .doc = "start after injury",
                       .unit = "d",
                       .default_text = std::move(default_text),
                       .hard = {0, 7300}};
}
inline schema::Field duration_field(std::string doc = "treatment length; 0 = until the end of the run",
                                    std::string default_text = "0 d") {
  return schema::Field{.key = "duration",
                       .kind = schema::Kind::quantity,
                       .doc = std::move(doc),
                       .unit = "d",
                       .default_text = std::move(default_text),
                       .hard = {0, 7300}};
}

/// The window [start, end) of a course, resolved to whole seconds.
struct Window {
  std::int64_t start_s = 0;
  std::int64_t end_s = 0;
  bool covers(std::int64_t time_s) const { return time_s >= start_s && time_s < end_s; }

  static Window of(const toml::table& item, const CompileContext& c) {
    const std::int64_t duration = c.spec.duration_s;
    Window w;
    w.start_s = static_cast<std::int64_t>(std::llround(schema::quantity(item, "start", "s")));
    const double length = schema::quantity(item, "duration", "s");
    w.end_s = length > 0 ? w.start_s + static_cast<std::int64_t>(std::llround(length)) : duration + 1;
    return w;
  }
};

/// Fraction of the maximal effect at `dose` (Hill curve; 0 for a dose of 0).
inline double hill(double dose, double ed50, double coefficient) {
  if (dose <= 0) return 0.0;
  const double d = std::pow(dose, coefficient);
  return d / (d + std::pow(ed50, coefficient));
}

/// TherapyEntry::check rule for a therapy given once, `after_repair` after the repair: it must
/// fall before the end of the simulation. `what` names it in the message ("the stimulation").
inline std::optional<TherapyProblem> after_the_end(const toml::table& item, const toml::table& scenario, std::string_view what) {
  const double at = schema::quantity(*scenario["repair"].as_table(), "timing", "d") + schema::quantity(item, "after_repair", "d");
  const double end = schema::quantity(*scenario["simulation"].as_table(), "duration", "d");
  if (at < end) return std::nullopt;
  return TherapyProblem{"after_repair", fmt::format("{} at {} d falls after the end of the simulation ({} d)", what,
                                                    text::format_double(at), text::format_double(end))};
}

}  // namespace bungner::treatment
