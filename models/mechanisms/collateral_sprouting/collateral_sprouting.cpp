// Collateral sprouting of a neighbouring intact nerve into the denervated skin (the saphenous nerve
// into the rat's sciatic territory of the paw): after a lag, the sprouted share of the territory
// relaxes toward a ceiling times the share the injured nerve has not reinnervated, so sprouts
// expand while the skin is denervated and withdraw as the injured nerve's own axons return.
// Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "collateral_sprouting.hpp"

namespace bungner {
namespace {

class CollateralSprouting final : public Process {
 public:
  explicit CollateralSprouting(const ParameterSet& p)
      : ceiling_(p.get("collateral_sprouting.ceiling")),
        lag_s_(p.in("collateral_sprouting.lag", "s")),
        tau_s_(p.in("collateral_sprouting.time_constant", "s")) {}

  std::string_view name() const override { return "collateral_sprouting"; }
  Phase phase() const override { return Phase::targets; }
  std::int64_t period_s() const override { return seconds_per_hour; }
  void declare_state(StateLayout& layout) override { territory_ = collateral::territory(layout); }

  void check_numerics(const Model& m, const State& state) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const double v = state.block(territory_)[t].sprouted_share;
      if (!std::isfinite(v) || v < 0 || v > 1) numerical_failure(name(), state, "sprouted share", m.targets()[t].name, v);
    }
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    // The sprouting signal starts with the skin's denervation, after a lag; exact for the step.
    const double since = static_cast<double>(tick.time_s + tick.dt_s - m.muscle_denervation_time_s) - lag_s_;
    const double exposed = std::clamp(since, 0.0, static_cast<double>(tick.dt_s));
    if (exposed <= 0) return;
    const double keep = std::exp(-exposed / tau_s_);
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      if (m.targets()[t].is_muscle) continue;
      const double goal = ceiling_ * (1.0 - std::clamp(state.targets[t].innervation, 0.0, 1.0));
      double& share = state.block(territory_)[t].sprouted_share;
      share = goal + (share - goal) * keep;
    }
  }

 private:
  BlockHandle<collateral::Territory> territory_;
  double ceiling_;
  double lag_s_;
  double tau_s_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "collateral_sprouting.ceiling",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0.05, 0.9},
             .species = "rat",
             .meaning = "largest share of a denervated skin territory's test site (the rat's mid-plantar paw) that "
                        "sprouts of a neighbouring intact nerve (the saphenous) innervate",
             .source = "assumption between Wiesenfeld-Hallin 1988 (doi:10.1007/BF01965028: the intact saphenous "
                       "expands slightly into the sciatic territory in about 20 % of rats) and the nociceptive return "
                       "on the foot without sciatic regeneration (E167, doi:10.1080/08990220601116329; Cobianchi 2014)"});
  r.declare({.name = "collateral_sprouting.lag",
             .unit = "d",
             .default_value = 7,
             .hard = {0, 365},
             .plausible = {2, 30},
             .species = "rat",
             .meaning = "time from the skin's denervation until sprouts of the neighbouring nerve enter it",
             .source = "assumption (collateral sprouts need the denervated Schwann cells' and keratinocytes' "
                       "signals, which rise over the first week)"});
  r.declare({.name = "collateral_sprouting.time_constant",
             .unit = "d",
             .default_value = 21,
             .hard = {0.1, 3650},
             .plausible = {7, 120},
             .species = "rat",
             .meaning = "time constant with which the sprouted share approaches its goal, in expansion and in "
                        "withdrawal",
             .source = "assumption (expansion over weeks; the same pace for the withdrawal as the injured nerve's "
                       "axons return, E170)"});
}

}  // namespace

void register_collateral_sprouting(Registry& registry) {
  registry.add(MechanismEntry{.name = "collateral_sprouting",
                              .summary = "sprouts of a neighbouring intact nerve into denervated skin, withdrawing as the "
                                         "injured nerve returns",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                // A conduction block keeps the axons: nothing denervates the skin.
                                if (c.spec.injury == InjuryType::conduction_block) return nullptr;
                                return std::make_unique<CollateralSprouting>(c.parameters);
                              }});
}

}  // namespace bungner
