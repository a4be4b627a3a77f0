#pragma once
// The interfaces content implements: processes (mechanisms and therapies) that change State,
// and readouts that only observe it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bungner {

class Model;
struct State;
class StateLayout;

/// Order in which due processes run within one tick. Therapies set signals first.
/// The injury site (3D) runs after the neurons and before the 1D axons it hands growth cones to.
enum class Phase : int { therapy = 0, neurons = 1, site = 2, axons = 3, schwann = 4, targets = 5 };

/// The time span a process advances: [time_s, time_s + dt_s).
struct Tick {
  std::int64_t time_s = 0;
  std::int64_t dt_s = 0;
  std::int64_t step = 0;  ///< step counter of this process (time_s / dt_s), keys its random draws
};

/// A mechanism or therapy compiled into the Model: immutable, parameters resolved, units converted.
class Process {
 public:
  virtual ~Process() = default;
  virtual std::string_view name() const = 0;
  virtual Phase phase() const = 0;
  /// Own time step [s]; 0 means every base tick (therapies).
  virtual std::int64_t period_s() const = 0;
  /// Declares the state blocks and signals this process owns, writes or reads, keeping their
  /// handles; called once when the Model is compiled, in process order, before any State exists.
  virtual void declare_state(StateLayout&) {}
  /// Sets up this process's part of a fresh State.
  virtual void initialize(const Model&, State&) const {}
  virtual void advance(const Model& model, State& state, const Tick& tick) const = 0;
  /// Calls numerical_failure() when this process's part of the State holds a NaN, an infinity or
  /// a value out of its range (checked between ticks, before anything is observed or written).
  virtual void check_numerics(const Model&, const State&) const {}
};

/// Throws RuntimeFailure: "numerical failure in <process> at day <d>: <what> of <where> is <value>".
[[noreturn]] void numerical_failure(std::string_view process, const State& state, std::string_view what, std::string_view where,
                                    double value);

/// One observed value with its unit.
struct Observation {
  std::string name;
  double value = 0;
  std::string unit;
};

/// A readout: observes a State, never changes it.
class Readout {
 public:
  virtual ~Readout() = default;
  virtual std::string_view name() const = 0;
  /// Declares the state blocks and signals it reads (a readout never writes them).
  virtual void declare_state(StateLayout&) {}
  virtual void observe(const Model& model, const State& state, std::vector<Observation>& out) const = 0;
  /// Names of the observations that observe() gives only once something has happened (a target
  /// reached, a fibre at the section): with those it gives on a fresh State, every name this
  /// readout can give in this model (bungner::observation_names; a test checks the union).
  virtual void names_observed_later(const Model&, std::vector<std::string>&) const {}
};

}  // namespace bungner
