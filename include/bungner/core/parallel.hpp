#pragma once
// When a loop over entities is worth an OpenMP parallel region. Below this size the fork/join
// costs more than the work (bench-run: a 7640-neuron step is ~4x slower on 2 threads than on 1).
// Results never depend on it: every parallel loop writes only its own entities.
#include <cstdint>

namespace bungner::parallel {
inline constexpr std::int64_t min_items = 16384;
}  // namespace bungner::parallel
