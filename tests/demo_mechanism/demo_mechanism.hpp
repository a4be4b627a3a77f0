#pragma once
// A mechanism defined entirely in the test suite (issue 20, item 6): it shows that content brings
// its own state block, signal and parameter without a line of src/ or include/ naming it.
#include "bungner/model/registry.hpp"

namespace bungner::demo {

/// Adds the demo's two items to `registry`: `demo_pulse` writes the signal `demo.pulse` (sum of
/// writers, neutral 0) every tick, and `demo_tally` reads it and accumulates, per neuron, a
/// random share of it into the block `demo_tally.load` (f64 per neuron) and counts its steps in
/// `demo_tally.steps` (u64 scalar). `with_pulse = false` leaves the writer out.
void register_demo(Registry& registry, bool with_pulse = true);

/// The builtin registry plus the demo.
Registry demo_registry(bool with_pulse = true);

}  // namespace bungner::demo
