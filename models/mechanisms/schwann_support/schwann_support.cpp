// Distal Schwann-cell support: the repair capacity of the denervated distal stump declines with
// time denervated (chronic denervation) and recovers as axons grow back into it.
// Equations and sources: README.md beside this file.
#include <cmath>

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
  Phase phase() const override { return Phase::schwann; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    const NeuronPopulation& n = state.neurons;
    // Integer count, so the reduction is exact in any order and at any thread count.
    std::int64_t regrowing = 0;
    const auto count = static_cast<std::int64_t>(n.size());
#pragma omp parallel for schedule(static) reduction(+ : regrowing) if (count >= parallel::min_items)
    for (std::int64_t k = 0; k < count; ++k) {
      const auto i = static_cast<std::size_t>(k);
      regrowing += n.alive[i] && (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::arrived) ? 1 : 0;
    }
    const double r = count > 0 ? static_cast<double>(regrowing) / static_cast<double>(count) : 0.0;
    state.distal.regrowing_fraction = r;
    if (tick.time_s < m.stump_denervation_time_s) return;
    // Before contact with the proximal stump the denervated Schwann cells lose support (E21);
    // after it, regrowing axons restore it. The stump accepts axons according to the support it
    // had at contact, as in the cross-suture experiments that measured the decline.
    const bool before_contact = tick.time_s < m.contact_time_s;
    if (!before_contact && !state.distal.contact_made) {
      state.distal.support_at_contact = state.distal.schwann_support;
      state.distal.contact_made = true;
    }
    // dS/dt = -k_d (S - floor) + k_r (1 - S), integrated exactly over dt with the rates held
    // fixed (a linear ODE), so the update is unconditionally stable.
    const double k_decline = before_contact ? state.signals.schwann_decline_factor / decline_tau_s_ : 0.0;
    const double k_recover = before_contact ? 0.0 : r / recovery_tau_s_;
    if (k_decline + k_recover <= 0) return;
    const double rate = k_decline + k_recover;
    const double equilibrium = (k_decline * floor_ + k_recover) / rate;
    double& s = state.distal.schwann_support;
    s = equilibrium + (s - equilibrium) * std::exp(-rate * static_cast<double>(tick.dt_s));
  }

 private:
  double decline_tau_s_;
  double floor_;
  double recovery_tau_s_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "schwann_support.decline_time_constant", .unit = "d", .default_value = 49,
             .hard = {1, 10000}, .plausible = {20, 200}, .species = "rat",
             .meaning = "time constant of the loss of distal Schwann-cell support while denervated",
             .source = "Gordon lab cross-suture study, J Neurosci, PMC6622714 Fig. 5", .calibration = "E21"});
  r.declare({.name = "schwann_support.floor", .unit = "1", .default_value = 0.05, .hard = {0, 1},
             .plausible = {0, 0.3}, .species = "rat",
             .meaning = "support left after very long denervation (fraction of axons still entering)",
             .source = "assumption (Sulaiman & Gordon 2000: ~5-10% regenerate into 6-month denervated stumps)"});
  r.declare({.name = "schwann_support.recovery_time_constant", .unit = "d", .default_value = 30,
             .hard = {1, 10000}, .plausible = {5, 120}, .species = "all",
             .meaning = "time constant of recovery of support once axons have regrown", .source = "assumption"});
}

}  // namespace

void register_schwann_support(Registry& registry) {
  registry.add(MechanismEntry{.name = "schwann_support",
                              .summary = "repair capacity of distal Schwann cells under chronic denervation",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (c.model.injury == InjuryType::conduction_block) return nullptr;
                                return std::make_unique<SchwannSupport>(c.parameters);
                              }});
}

}  // namespace bungner
