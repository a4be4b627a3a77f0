// Neuron survival after axotomy: a vulnerable fraction of each pool dies with a constant hazard
// after a short onset while its axon lacks trophic support; support returns when the axon grows
// into a distal stump (in proportion to its Schwann-cell support) and fully at its target; on the
// 3D injury site, growth cones touching repair Schwann cells convey part of it back already.
// Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <limits>
#include <memory>

#include "../../signals.hpp"
#include "bungner/core/parallel.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class NeuronSurvival final : public Process {
 public:
  NeuronSurvival(const ModelSpec& m, const ParameterSet& p)
      : motor_vulnerable_(motor_vulnerable_fraction(m, p)),
        sensory_vulnerable_(p.get("neuron_survival.sensory_vulnerable_fraction")),
        sensory_late_(proximal_share(m, p, p.get("neuron_survival.sensory_late_vulnerable_fraction"))),
        hazard_per_s_(1.0 / p.in("neuron_survival.death_time_constant", "s")),
        motor_hazard_per_s_(1.0 / p.in("neuron_survival.motor_death_time_constant", "s")),
        onset_s_(p.in("neuron_survival.death_onset", "s")) {}

  /// The late deaths of proximal axotomy (issue 21): the share of a pool that dies slowly falls
  /// exponentially with the lesion's distance from the cord, f(x) = min(1, f_15 e^(-(x - 15 mm)/lambda));
  /// a lesion at an unknown distance counts as distal (none die late: E29 for the motoneurons).
  static double proximal_share(const ModelSpec& m, const ParameterSet& p, double share_at_15_mm) {
    if (m.lesion_distance_from_cord_m <= 0) return 0.0;
    const double reference_m = 0.015;
    const double f = share_at_15_mm * std::exp(-(m.lesion_distance_from_cord_m - reference_m) /
                                               p.in("neuron_survival.motor_vulnerability_length", "m"));
    return std::min(1.0, f);
  }
  /// Adult motoneurons die after proximal axotomy only, and slowly.
  static double motor_vulnerable_fraction(const ModelSpec& m, const ParameterSet& p) {
    return proximal_share(m, p, p.get("neuron_survival.motor_vulnerable_fraction"));
  }

  std::string_view name() const override { return "neuron_survival"; }

  void declare_state(StateLayout& layout) override {
    hazard_ = signals::neuron_death_hazard_factor(layout);
    retrograde_ = signals::retrograde_support(layout);
  }

  void check_numerics(const Model&, const State& state) const override {
    const NeuronPopulation& n = state.neurons;
    for (std::size_t i = 0; i < n.size(); ++i)
      if (!std::isfinite(n.cumulative_hazard[i]) || n.cumulative_hazard[i] < 0)
        numerical_failure(name(), state, "cumulative hazard", fmt::format("neuron {}", i), n.cumulative_hazard[i]);
  }
  Phase phase() const override { return Phase::neurons; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void initialize(const Model&, State& state) const override {
    NeuronPopulation& n = state.neurons;
    // A DRG neuron that dies late does so with the motoneurons' slow time constant: its threshold
    // is scaled by tau_m / tau, since both accumulate the same hazard at the sensory rate.
    const double late_scale = hazard_per_s_ / motor_hazard_per_s_;
    for (std::size_t i = 0; i < n.size(); ++i) {
      RandomStream stream(state.key, i, 0, purpose_id("neuron_survival.threshold"));
      const bool motor = n.kind[i] == NeuronKind::motor;
      const double vulnerable = motor ? motor_vulnerable_ : sensory_vulnerable_;
      // Three draws always, so a change of one fraction does not shift the other neurons' draws.
      const bool is_vulnerable = stream.bernoulli(vulnerable);
      const double threshold = stream.exponential(1.0);
      const bool dies_late = stream.bernoulli(motor ? 0.0 : sensory_late_);
      n.death_threshold[i] = is_vulnerable ? threshold
                             : dies_late   ? threshold * late_scale
                                           : std::numeric_limits<double>::infinity();
    }
  }

  void advance(const Model& model, State& state, const Tick& tick) const override {
    // Hazard acts on the part of [t, t+dt) after the onset.
    const double start = static_cast<double>(model.axotomy_time_s) + onset_s_;
    const double t0 = static_cast<double>(tick.time_s);
    const double exposed =
        std::clamp(t0 + static_cast<double>(tick.dt_s) - std::max(t0, start), 0.0, static_cast<double>(tick.dt_s));
    if (exposed <= 0) return;
    const double base = hazard_per_s_ * state.signal(hazard_) * exposed;
    const double motor_base = motor_hazard_per_s_ * state.signal(hazard_) * exposed;
    const DistalNerve& distal = state.distal;
    // On the 3D injury site, cones still in the site convey what the repair Schwann cells they
    // touch give them (retrograde neurotrophic support, set by site_axons in the previous tick).
    const double site_support = model.site ? state.scalar(retrograde_) : 0.0;
    NeuronPopulation& n = state.neurons;
    const auto count = static_cast<std::int64_t>(n.size());
    // Two passes without a branch per neuron (the statuses and the vulnerable neurons are mixed at
    // random, so such a branch mostly mispredicts), both vectorised: the support of the segment at
    // every tip, then the hazard. A neuron that is not exposed keeps its hazard (a select, not an
    // addition of 0); each exposed one gets the same operations as ever.
    std::uint8_t* alive = n.alive.data();
    auto* status = reinterpret_cast<std::uint8_t*>(n.status.data());  // bytes: enums do not vectorise
    double* hazard = n.cumulative_hazard.data();
    const double* threshold = n.death_threshold.data();
    const double* position = n.position_m.data();
    const double gap = model.gap_m;
    const double per_m = model.distal_segments_per_m;
    // DistalNerve::support_at with the segments in locals (one "segment" of the whole-stump
    // support when the nerve has none): the same segment for every tip, as x = (position - gap)
    // per_m is above 0 exactly where position - gap is (or is 0 where support_at takes 0 anyway).
    const double* segments = distal.segment_support.empty() ? &distal.stump_support : distal.segment_support.data();
    const double last_segment = distal.segment_support.empty() ? 0.0 : static_cast<double>(distal.segment_support.size() - 1);
    const auto tip_support = std::make_unique_for_overwrite<double[]>(n.size());  // every entry written below
    double* tip = tip_support.get();
    const auto* kind = reinterpret_cast<const std::uint8_t*>(n.kind.data());
    constexpr auto motor = static_cast<std::uint8_t>(NeuronKind::motor);
    constexpr auto intact = static_cast<std::uint8_t>(AxonStatus::intact);
    constexpr auto waiting = static_cast<std::uint8_t>(AxonStatus::waiting);
    constexpr auto growing = static_cast<std::uint8_t>(AxonStatus::growing);
    constexpr auto arrived = static_cast<std::uint8_t>(AxonStatus::arrived);
    constexpr auto failed = static_cast<std::uint8_t>(AxonStatus::failed);
#pragma omp parallel if (count >= parallel::min_items)
    {
#pragma omp for simd schedule(static)
      for (std::int64_t k = 0; k < count; ++k) {
        const auto i = static_cast<std::size_t>(k);
        const double x = (position[i] - gap) * per_m;
        const double at = 0.0 < x ? x : 0.0;                          // std::max(0.0, x), by value
        const double capped = last_segment < at ? last_segment : at;  // std::min(at, last_segment)
        tip[i] = segments[static_cast<std::int64_t>(capped)];
      }
#pragma omp for simd schedule(static)
      for (std::int64_t k = 0; k < count; ++k) {
        const auto i = static_cast<std::size_t>(k);
        const std::uint8_t st = status[i];
        // Target-derived support once arrived; while growing, the support of the Schwann cells
        // around the tip, where the neurotrophins it carries back come from.
        double support = st == growing ? tip[i] : 0.0;
        support = st == waiting ? site_support : support;
        support = st == arrived || st == intact ? 1.0 : support;
        const double h = hazard[i] + (kind[i] == motor ? motor_base : base) * (1.0 - support);
        const bool exposed_neuron = alive[i] != 0 && !std::isinf(threshold[i]);
        const bool dies = exposed_neuron && h >= threshold[i];
        hazard[i] = exposed_neuron ? h : hazard[i];
        alive[i] = dies ? std::uint8_t{0} : alive[i];
        status[i] = dies && st != arrived ? failed : st;
      }
    }
  }

 private:
  SignalHandle hazard_;
  BlockHandle<double> retrograde_;
  double motor_vulnerable_;
  double sensory_vulnerable_;
  double sensory_late_;
  double hazard_per_s_;
  double motor_hazard_per_s_;
  double onset_s_;
};

void declare(ParameterRegistry& r) {
  r.declare_varying(
      {.name = "neuron_survival.sensory_vulnerable_fraction",
       .unit = "1",
       .default_value = 0.34929,
       .hard = {0, 1},
       .plausible = {0.1, 0.6},
       .species = "rat",
       .meaning = "fraction of axotomised sensory (DRG) neurons that die without trophic support",
       .source = "joint ABC-SMC posterior median (data/calibration/neuron-survival-sensory.toml; fitted with the other two "
                 "parameters of sensory death) to Vestergaard 1997 PMID 9368843 and Hart 2002 doi:10.1007/s00221-002-1100-2",
       .calibration = "E24,E25,E26"},
      {.cv = 0.15,
       .plausible = {0.05, 0.4},
       .species = "rat",
       .source = "assumption: the share of DRG neurons that die after axotomy varies between animals; normal DRG counts vary by "
                 "0.07 (Schmalbruch 1987), loss estimates more"});
  const std::string ma2001 =
      "Ma et al. 2001 doi:10.1007/s002210100769 (E151: rat C7 spinal nerve cut ~10 mm distal to the DRG, taken as 15 mm "
      "from the cord; motoneuron loss 23% by disector at 16 weeks, and 14% at 8 weeks read from the 21% of fast-blue "
      "profiles through neuron_counts' profile bias)";
  r.declare_varying({.name = "neuron_survival.motor_vulnerable_fraction",
                     .unit = "1",
                     .default_value = 0.392,
                     .hard = {0, 1},
                     .plausible = {0.1, 0.8},
                     .species = "rat",
                     .meaning = "fraction of adult motoneurons that die without support after an axotomy 15 mm from the "
                                "spinal cord (scaled by the lesion's distance, neuron_survival.motor_vulnerability_length)",
                     .source = "fitted with neuron_survival.motor_death_time_constant to " + ma2001,
                     .calibration = "E151"},
                    {.cv = 0.15, .plausible = {0.05, 0.4}, .species = "rat", .source = "assumption, as for the sensory neurons"});
  r.declare({.name = "neuron_survival.sensory_late_vulnerable_fraction",
             .unit = "1",
             .default_value = 0.4225,
             .hard = {0, 1},
             .plausible = {0, 0.8},
             .species = "rat",
             .meaning = "share of the DRG neurons outside the early-dying fraction that die late (with the motoneurons' "
                        "time constant) after an axotomy 15 mm from the spinal cord (scaled by the lesion's distance, "
                        "neuron_survival.motor_vulnerability_length)",
             .source = "fitted to Ma et al. 2001 doi:10.1007/s002210100769 (E151.6: DRG neuron loss 51% at 16 weeks after "
                       "a C7 spinal nerve cut ~10 mm distal to the DRG, against 35% at 45-60 d after spinal-nerve and "
                       "sciatic lesions, E24-E26): 0.34929 + 0.65071 f (1 - e^(-111.3/126.7)) = 0.51 gives f = 0.4225 (with the "
                       "joint refit of the early deaths); the time "
                       "constant and the length are the motoneurons' (one late death of proximal axotomy; assumption)",
             .calibration = "E151"});
  r.declare({.name = "neuron_survival.motor_vulnerability_length",
             .unit = "mm",
             .default_value = 10,
             .hard = {0.1, 10000},
             .plausible = {3, 30},
             .species = "rat",
             .meaning = "distance along the nerve over which the share of neurons that die late after axotomy "
                        "(motoneurons; DRG neurons beyond the early-dying fraction) falls by a factor e",
             .source = "assumption bounded by E29 (distal sciatic axotomy, ~45 mm from the cord: no motoneuron loss by "
                       "60 d, at most 1%; needs a length of at most 11 mm given the Ma 2001 fit) and E151 (loss at 15 mm)",
             .calibration = "E29"});
  r.declare({.name = "neuron_survival.motor_death_time_constant",
             .unit = "d",
             .default_value = 126.7,
             .hard = {0.1, 100000},
             .plausible = {20, 500},
             .species = "rat",
             .meaning = "time constant of death of vulnerable unsupported motoneurons, and of the DRG neurons that die "
                        "late after a proximal axotomy (slower than the early sensory deaths)",
             .source = "fitted with neuron_survival.motor_vulnerable_fraction to " + ma2001 +
                       ": 14% at 56 d and 23% at 112 d give e^(-56/tau) = 0.643",
             .calibration = "E151"});
  r.declare({.name = "neuron_survival.death_time_constant",
             .unit = "d",
             .default_value = 12.606,
             .hard = {0.1, 10000},
             .plausible = {3, 100},
             .species = "rat",
             .meaning = "time constant of death of vulnerable unsupported neurons",
             .source =
                 "joint ABC-SMC posterior median (data/calibration/neuron-survival-sensory.toml; fitted with the other two "
                 "parameters of sensory death) to Vestergaard 1997 PMID 9368843 and Hart 2002 doi:10.1007/s00221-002-1100-2",
             .calibration = "E24,E25,E26"});
  r.declare({.name = "neuron_survival.death_onset",
             .unit = "d",
             .default_value = 2.0442,
             .hard = {0, 60},
             .plausible = {0, 7},
             .species = "rat",
             .meaning = "delay after axotomy before neurons start to die",
             .source =
                 "joint ABC-SMC posterior median (data/calibration/neuron-survival-sensory.toml; fitted with the other two "
                 "parameters of sensory death) to Vestergaard 1997 PMID 9368843 and Hart 2002 doi:10.1007/s00221-002-1100-2",
             .calibration = "E24,E25,E26"});
}

}  // namespace

void register_neuron_survival(Registry& registry) {
  registry.add(MechanismEntry{.name = "neuron_survival",
                              .summary = "death of axotomised neurons lacking trophic support",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (c.spec.injury == InjuryType::conduction_block) return nullptr;
                                return std::make_unique<NeuronSurvival>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
