#include "bungner/core/clock.hpp"

#include <numeric>

namespace bungner::clock {

std::int64_t base_tick(std::span<const std::int64_t> periods_s, std::int64_t fallback_s) {
  std::int64_t tick = 0;
  for (const std::int64_t p : periods_s)
    if (p > 0) tick = std::gcd(tick, p);
  return tick > 0 ? tick : fallback_s;
}

}  // namespace bungner::clock
