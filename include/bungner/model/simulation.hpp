#pragma once
// Simulation: one State advanced over a shared Model by the multi-rate clock.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {

class Simulation {
 public:
  /// A fresh State for run index `run` of the model's seed.
  explicit Simulation(std::shared_ptr<const Model> model, std::uint64_t run = 0);
  /// Continues from a State restored from a checkpoint of the same model.
  Simulation(std::shared_ptr<const Model> model, State restored);

  const Model& model() const { return *model_; }
  const State& state() const { return state_; }

  /// Advances whole ticks until state().time_s >= time_s.
  void advance_to(std::int64_t time_s);
  /// Every readout's observations of the current State.
  std::vector<Observation> observe() const;
  /// Throws RuntimeFailure naming the process, the entity and the time when the State holds a
  /// NaN, an infinity or a negative quantity that must not be negative.
  void check_numerics() const;

 private:
  void tick();
  std::shared_ptr<const Model> model_;
  State state_;
};

/// An observation a model can give, and the readout module that gives it.
struct ObservationName {
  std::string name;
  std::string readout;
};

/// Every observation the model's readouts can give at some time, without running it: what they
/// observe on a fresh State and what they name as observed later (Readout::names_observed_later),
/// in readout order, each name once per readout. Includes readouts `readouts.include` leaves out.
std::vector<ObservationName> observation_names(const std::shared_ptr<const Model>& model);

}  // namespace bungner
