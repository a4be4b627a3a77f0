#pragma once
// State: everything that changes during a run. A Model is shared read-only by many States.
// The shared anatomy (neurons, distal nerve, targets, the 3D site) is engine storage, structure of
// arrays per entity kind; what content adds is declared (StateLayout) and lives in `blocks` and
// `signals`, which the engine handles by name without knowing their meaning.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bungner/core/random.hpp"
#include "bungner/model/state_layout.hpp"
#include "bungner/site/site.hpp"

namespace bungner {

/// Lifecycle of one neuron's regenerating axon.
enum class AxonStatus : std::uint8_t {
  intact,   ///< not injured (conduction block: conduction only interrupted)
  waiting,  ///< axotomised, sprout not started or not yet across the repair site
  growing,  ///< advancing down the distal nerve
  arrived,  ///< reached its target
  failed,   ///< did not regenerate (capacity lost, no repair, or stalled)
};

enum class NeuronKind : std::uint8_t { motor, sensory };

/// Outcome of an axon's arrival at its target. `misdirected` is set when the axon enters a wrong
/// endoneurial pathway at the injury site (Sunderland III-V): it grows and arrives, but at a
/// target it does not belong to, so it never innervates its own.
enum class Connection : std::uint8_t { none, connected, rejected, misdirected };

/// Myosin-based fibre types of skeletal muscle, and of the motor neurons that set them: slow type I,
/// fast fatigue-resistant IIA, fast fatigable IIX/IIB (rodent IIX and IIB pooled).
enum class FibreType : std::uint8_t { type_i, type_iia, type_iix };
inline constexpr std::size_t fibre_types = 3;

/// Target index of neurons whose target is not modelled.
inline constexpr std::uint16_t no_target = 0xFFFF;

/// All neurons of the injured nerve (0D pools resolved to individuals) and their axons (1D).
/// One entry per neuron; ids are the indices and never change.
struct NeuronPopulation {
  std::vector<NeuronKind> kind;
  std::vector<std::uint16_t> target;  ///< index into Model::targets()
  std::vector<double> vigour;         ///< latent intrinsic growth capacity (standard normal)
  std::vector<std::uint8_t> alive;
  std::vector<double> death_threshold;  ///< Exp(1) threshold of the cumulative hazard
  std::vector<double> cumulative_hazard;
  std::vector<AxonStatus> status;
  std::vector<double> growth_start_s;  ///< when the tip leaves the repair site [s]
  std::vector<double> speed_m_per_s;   ///< elongation speed [m/s]
  std::vector<double> position_m;      ///< distance of the tip past the injury [m]
  std::vector<double> arrival_s;       ///< time of arrival at the target, or -1 [s]
  /// Cumulative loss hazard of the tip in poorly supported distal nerve; the axon stops when it
  /// reaches `distal_loss_threshold` [1].
  std::vector<double> distal_hazard;
  std::vector<double> distal_loss_threshold;  ///< Exp(1), drawn when the axon enters the distal nerve [1]
  std::vector<Connection> connection;         ///< outcome at the target

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n);
};

/// The distal nerve in 1D: segments of equal length (Model::distal_segment_m) from the distal
/// end of the repair site to the farthest target. Each segment's Schwann cells lose their
/// repair capacity while denervated and regain it once regrowing axons reach them.
struct DistalNerve {
  /// Support of the first segment (the stump's proximal end) [1]; equals `segment_support[0]`
  /// when the nerve has segments.
  double stump_support = 1.0;
  /// Support when the proximal stump regained contact with the distal stump (repair or crush);
  /// it decides how many axons the stump accepts [1].
  double support_at_contact = 1.0;
  bool contact_made = false;
  double regrowing_fraction = 0.0;  ///< neurons whose axons are in the distal nerve [1]
  /// Repair capacity of each segment's Schwann cells, 1 = fresh [1].
  std::vector<double> segment_support;
  /// Share of all neurons whose regrowing axon tip has passed the start of each segment [1].
  std::vector<double> segment_reached;

  /// Support at a distance past the distal end of the repair site (the first segment for tips
  /// still in the bridge, the last for tips beyond it) [1].
  double support_at(double distal_position_m, double segments_per_m) const {
    if (segment_support.empty()) return stump_support;
    const double k = distal_position_m > 0 ? distal_position_m * segments_per_m : 0.0;
    const auto j = static_cast<std::size_t>(std::min(k, static_cast<double>(segment_support.size() - 1)));
    return segment_support[j];
  }
};

/// One target organ (muscle or skin).
struct TargetState {
  double mass_ratio = 1.0;   ///< wet weight relative to contralateral [1]
  double receptivity = 1.0;  ///< ability of denervated end-plates to accept axons [1]
  double innervation = 1.0;  ///< fraction of motor units functionally innervated [1]
  std::uint32_t connected_axons = 0;
  /// Connected motor axons by the type of their neuron (FibreType order); the fibres they
  /// reinnervate take that type [cells].
  std::array<std::uint32_t, fibre_types> connected_by_type{};
  /// Fraction of the muscle's fibres still able to recover when reinnervated; lost to chronic
  /// denervation (atrophy, fibrosis) [1].
  double fibre_capacity = 1.0;
  /// Specific tension of the innervated fibres relative to the normal muscle's, from the fibre
  /// types of the reinnervating motor neurons [1].
  double specific_force = 1.0;
};

/// Counters of recoverable oddities, reported in provenance (MuJoCo-style warnings).
struct Diagnostics {
  std::map<std::string, std::uint64_t> counts;
};

struct State {
  RandomKey key;
  std::int64_t time_s = 0;  ///< simulated time since injury [s]
  std::int64_t tick = 0;    ///< number of base ticks taken
  NeuronPopulation neurons;
  DistalNerve distal;
  std::vector<TargetState> targets;
  /// Blocks that content declared (StateLayout), in declaration order.
  std::vector<StateBlock> blocks;
  /// Signal values of the current tick, in StateLayout handle order; reset to neutral every tick.
  std::vector<double> signals;
  /// The 3D injury site, when the model has one (`site.model = "3d"`).
  std::optional<site::InjurySite> site;
  Diagnostics diagnostics;
  /// Arrival events: neurons whose axons became `arrived` since the targets last looked, in
  /// ascending id order. Whoever sets AxonStatus::arrived appends the neuron; the process
  /// of the targets phase that connects axons consumes and clears the list every tick, so it is
  /// empty between ticks and not part of a checkpoint.
  std::vector<std::uint32_t> arrivals;

  template <typename T>
  std::span<T> block(BlockHandle<T> h) {
    StateBlock& b = blocks[h.index];
    return {reinterpret_cast<T*>(b.bytes.data()), b.bytes.size() / sizeof(T)};
  }
  template <typename T>
  std::span<const T> block(BlockHandle<T> h) const {
    const StateBlock& b = blocks[h.index];
    return {reinterpret_cast<const T*>(b.bytes.data()), b.bytes.size() / sizeof(T)};
  }
  /// The one element of a scalar block.
  template <typename T>
  T& scalar(BlockHandle<T> h) {
    return block(h)[0];
  }
  template <typename T>
  const T& scalar(BlockHandle<T> h) const {
    return block(h)[0];
  }
  double signal(SignalHandle h) const { return signals[h.index]; }
  /// Combines `value` into this tick's signal by the signal's rule.
  void write(SignalHandle h, double value) {
    double& v = signals[h.index];
    switch (h.combine) {
      case Combine::product: v *= value; break;
      case Combine::sum: v += value; break;
      case Combine::max: v = std::max(v, value); break;
    }
  }
};

}  // namespace bungner
