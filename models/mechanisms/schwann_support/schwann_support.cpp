// Distal Schwann-cell support along the 1D distal nerve: each segment's repair capacity declines
// with the time it stays denervated (chronic denervation) and recovers once axons grow back to it.
// Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "../../signals.hpp"
#include "bungner/core/parallel.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class SchwannSupport final : public Process {
 public:
  explicit SchwannSupport(const ParameterSet& p)
      : decline_tau_s_(p.in("schwann_support.decline_time_constant", "s")),
        floor_(p.get("schwann_support.floor")),
        recovery_tau_s_(p.in("schwann_support.recovery_time_constant", "s")) {}

  std::string_view name() const override { return "schwann_support"; }

  void declare_state(StateLayout& layout) override { decline_ = signals::schwann_decline_factor(layout); }

  void check_numerics(const Model&, const State& state) const override {
    const double support = state.distal.stump_support;
    if (!std::isfinite(support) || support < 0 || support > 1)
      numerical_failure(name(), state, "support", "the distal stump", support);
  }
  Phase phase() const override { return Phase::schwann; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void initialize(const Model& m, State& state) const override {
    state.distal.segment_support.assign(m.distal_segments, 1.0);
    state.distal.segment_reached.assign(m.distal_segments, 0.0);
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    const NeuronPopulation& n = state.neurons;
    DistalNerve& distal = state.distal;
    const std::size_t segments = distal.segment_support.size();
    // How far each regrowing tip has come: a histogram by segment (integer counts, so the
    // reduction is exact in any order and at any thread count). Tips still in the bridge count
    // for the nerve as a whole but have reached no segment beyond the first.
    std::vector<std::int64_t> tips(segments + 1, 0);
    // Two passes without a branch per neuron (the statuses are mixed at random over the neurons,
    // so such a branch mostly mispredicts): each tip's bin, vectorised, with a last bin for tips
    // that do not count; then the counts, into four interleaved copies of the histogram so that
    // neighbours in the same bin do not wait for each other.
    constexpr std::int64_t copies = 4;
    const auto bin_count = static_cast<std::int64_t>(tips.size());
    const std::int64_t stride = bin_count + 1;
    std::vector<std::int64_t> copy_bins(static_cast<std::size_t>(copies * stride), 0);
    std::int64_t* bins = copy_bins.data();
    const auto all_bins = static_cast<std::int64_t>(copy_bins.size());
    const auto count = static_cast<std::int64_t>(n.size());
    const auto bin_of = std::make_unique_for_overwrite<std::int32_t[]>(n.size());  // every entry written below
    std::int32_t* bin = bin_of.get();
    const double per_m = m.distal_segments_per_m;
    const std::uint8_t* alive = n.alive.data();
    const auto* status = reinterpret_cast<const std::uint8_t*>(n.status.data());  // bytes: enums do not vectorise
    const double* position = n.position_m.data();
    const double gap = m.gap_m;
    const auto last_bin = static_cast<double>(bin_count - 2);
    const bool has_segments = bin_count > 1;  // without, every tip is in bin 0
    const auto uncounted = static_cast<std::int32_t>(bin_count);
    constexpr auto growing = static_cast<std::uint8_t>(AxonStatus::growing);
    constexpr auto arrived = static_cast<std::uint8_t>(AxonStatus::arrived);
#pragma omp parallel if (count >= parallel::min_items)
    {
#pragma omp for simd schedule(static)
      for (std::int64_t k = 0; k < count; ++k) {
        const auto i = static_cast<std::size_t>(k);
        const std::int32_t counts = (alive[i] != 0) & ((status[i] == growing) | (status[i] == arrived));
        const double y = (position[i] - gap) * per_m;
        // Segment min(floor(y), last) for y > 0, else 0 (NaN too, for a tip that does not count);
        // bin 0: in the bridge; bin j+1: in segment j. Arithmetic rather than a choice, which the
        // compiler would not make without a branch around the conversion.
        const double capped = last_bin < y ? last_bin : y;  // std::min(y, last_bin), by value
        const auto j = static_cast<std::int32_t>(0.0 < capped ? capped : 0.0);
        const std::int32_t past_bridge = (y >= 0) & has_segments;
        bin[i] = uncounted + counts * (j + past_bridge - uncounted);
      }
#pragma omp for schedule(static) reduction(+ : bins[:all_bins])
      for (std::int64_t k = 0; k < count; ++k) ++bins[(k % copies) * stride + bin[k]];
    }
    for (std::int64_t c = 0; c < copies; ++c)
      for (std::int64_t b = 0; b < bin_count; ++b) tips[static_cast<std::size_t>(b)] += bins[c * stride + b];
    std::int64_t regrowing = 0;
    for (const std::int64_t b : tips) regrowing += b;
    const double total = count > 0 ? static_cast<double>(count) : 1.0;
    state.distal.regrowing_fraction = static_cast<double>(regrowing) / total;
    // Share of neurons whose tips have passed the start of segment j: tips in segment j or beyond.
    std::int64_t beyond = 0;
    for (std::size_t j = segments; j-- > 0;) {
      beyond += tips[j + 1];
      distal.segment_reached[j] = static_cast<double>(beyond) / total;
    }
    if (tick.time_s < m.stump_denervation_time_s) return;
    // Before contact with the proximal stump the denervated Schwann cells lose support (E21);
    // after it, regrowing axons restore it. The stump accepts axons according to the support it
    // had at contact, as in the cross-suture experiments that measured the decline.
    const bool before_contact = tick.time_s < m.contact_time_s;
    if (!before_contact && !distal.contact_made) {
      distal.support_at_contact = distal.stump_support;
      distal.contact_made = true;
    }
    const double decline = state.signal(decline_) / decline_tau_s_;
    const double dt = static_cast<double>(tick.dt_s);
    // The first segment stops declining at contact and recovers with all regrowing axons; a
    // segment farther on keeps declining until the first tips reach it, then recovers with the
    // share of axons that have come that far. Chronic denervation therefore grows with distance
    // from the repair: the farther a segment, the longer its cells wait for axons.
    for (std::size_t j = 0; j < std::max<std::size_t>(segments, 1); ++j) {
      double& s = segments > 0 ? distal.segment_support[j] : distal.stump_support;
      const double reached = j == 0 ? state.distal.regrowing_fraction : distal.segment_reached[j];
      const bool waiting = j == 0 ? before_contact : reached <= 0;
      s = relax(s, waiting ? decline : 0.0, waiting ? 0.0 : reached / recovery_tau_s_, dt);
    }
    if (segments > 0) distal.stump_support = distal.segment_support[0];
  }

 private:
  SignalHandle decline_;
  /// dS/dt = -k_d (S - floor) + k_r (1 - S), integrated exactly over dt with the rates held
  /// fixed (a linear ODE), so the update is unconditionally stable.
  double relax(double s, double k_decline, double k_recover, double dt) const {
    const double rate = k_decline + k_recover;
    if (rate <= 0) return s;
    const double equilibrium = (k_decline * floor_ + k_recover) / rate;
    return equilibrium + (s - equilibrium) * std::exp(-rate * dt);
  }

  double decline_tau_s_;
  double floor_;
  double recovery_tau_s_;
};

void declare(ParameterRegistry& r) {
  r.declare_varying(
      {.name = "schwann_support.decline_time_constant",
       .unit = "d",
       .default_value = 54,
       .hard = {1, 10000},
       .plausible = {20, 200},
       .species = "rat",
       .meaning = "time constant of the loss of Schwann-cell support in a denervated distal nerve segment",
       .source = "fitted to E21 (Gordon lab cross-suture study, J Neurosci, PMC6622714 Fig. 5: motor units "
                 "fall with time constant 49 d): in the 1D nerve segments beyond the first keep declining "
                 "until axons reach them, so the whole nerve's measured decline is faster than each "
                 "segment's; 54 d reproduces 49 d at delays of 49 and 98 d",
       .calibration = "E21"},
      {.cv = 0.2,
       .plausible = {0.05, 0.5},
       .species = "rat",
       .source =
           "assumption: no between-animal data on the decline of distal support under chronic denervation (group fits only)"});
  r.declare({.name = "schwann_support.floor",
             .unit = "1",
             .default_value = 0.05,
             .hard = {0, 1},
             .plausible = {0, 0.3},
             .species = "rat",
             .meaning = "support left after very long denervation (fraction of axons still entering)",
             .source = "assumption (Sulaiman & Gordon 2000: ~5-10% regenerate into 6-month denervated stumps)"});
  r.declare({.name = "schwann_support.recovery_time_constant",
             .unit = "d",
             .default_value = 30,
             .hard = {1, 10000},
             .plausible = {5, 120},
             .species = "all",
             .meaning = "time constant of recovery of support once axons have regrown",
             .source = "assumption"});
}

}  // namespace

void register_schwann_support(Registry& registry) {
  registry.add(MechanismEntry{.name = "schwann_support",
                              .summary = "repair capacity of distal Schwann cells under chronic denervation",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (c.spec.injury == InjuryType::conduction_block) return nullptr;
                                return std::make_unique<SchwannSupport>(c.parameters);
                              }});
}

}  // namespace bungner
