#pragma once
// Helpers shared by the model tests: compile a scenario from text and sample observations.
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"
#include "bungner/scenario/scenario.hpp"

namespace bungner::testing {

inline const Registry& registry() {
  static const Registry r = make_builtin_registry();
  return r;
}

inline std::shared_ptr<const Model> compile(const std::string& text, const std::vector<Override>& overrides = {}) {
  return Model::compile(load_scenario_text(text, "test.toml", registry(), overrides), registry());
}

/// Value of one named observation now; NaN if the readout did not report it.
inline double observed(const Simulation& simulation, const std::string& name) {
  for (const auto& o : simulation.observe())
    if (o.name == name) return o.value;
  return std::numeric_limits<double>::quiet_NaN();
}

/// Advances to each day in `days` and records the named observation.
inline std::vector<double> sample(Simulation& simulation, const std::string& name, const std::vector<double>& days) {
  std::vector<double> out;
  for (double d : days) {
    simulation.advance_to(static_cast<std::int64_t>(d * seconds_per_day));
    out.push_back(observed(simulation, name));
  }
  return out;
}

/// Least-squares line y = a + b x; returns {a, b}.
inline std::pair<double, double> fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  const double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return {(sy - b * sx) / n, b};
}

inline const char* rat_sciatic = R"(
species = "rat"
nerve = "sciatic"
seed = 42
[injury]
type = "crush"
[simulation]
duration = "120 d"
[readouts]
times = []
)";

/// Rat femoral transection with immediate direct suture, 70 days (Al-Majed 2000's design, E05).
inline const char* femoral_suture = R"(
species = "rat"
nerve = "femoral"
[injury]
type = "transection"
[repair]
type = "direct_suture"
[simulation]
duration = "70 d"
[readouts]
times = []
)";

/// A declared state block of a State by name, as elements of T (tests only: a string lookup).
template <typename T>
std::span<const T> block_named(const State& state, std::string_view name) {
  for (const StateBlock& b : state.blocks)
    if (b.name == name) {
      if (b.element_bytes() != sizeof(T)) throw std::logic_error("state block " + std::string(name) + " holds another type");
      return {reinterpret_cast<const T*>(b.bytes.data()), b.bytes.size() / sizeof(T)};
    }
  throw std::logic_error("no state block " + std::string(name));
}

}  // namespace bungner::testing
