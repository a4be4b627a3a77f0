#pragma once
// The multi-rate clock: processes advance with their own periods on a common base tick.
#include <cstdint>
#include <span>

namespace bungner::clock {

/// Greatest common divisor of the positive periods (0 entries are ignored) [s]; `fallback` if none.
std::int64_t base_tick(std::span<const std::int64_t> periods_s, std::int64_t fallback_s);

/// Whether a process with period `period_s` (0: every tick) is due at time `time_s`.
constexpr bool due(std::int64_t time_s, std::int64_t period_s) { return period_s == 0 || time_s % period_s == 0; }

}  // namespace bungner::clock
