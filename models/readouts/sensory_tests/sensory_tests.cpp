// Sensory tests of the rat paw (issue 27, deliverable 2): pinprick score, thermal withdrawal
// latency (Hargreaves plantar test, hot plate) and von Frey withdrawal threshold at the usual test
// site of each skin target, from the share of that site that the injured nerve's own sensory axons
// (skin innervation) or sprouts of a neighbouring intact nerve (collateral_sprouting) innervate;
// and the sprouts' share itself. Observation model: README.md beside this file.
#include <algorithm>
#include <cmath>

#include "../../mechanisms/collateral_sprouting/collateral_sprouting.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class SensoryTests final : public Readout {
 public:
  explicit SensoryTests(const ParameterSet& p)
      : full_response_(p.get("sensory_tests.innervation_for_full_response")),
        latency_normal_s_(p.in("sensory_tests.thermal_latency_normal", "s")),
        latency_cutoff_s_(p.in("sensory_tests.thermal_latency_cutoff", "s")),
        threshold_normal_(p.in("sensory_tests.von_frey_normal", "N")),
        threshold_cutoff_(p.in("sensory_tests.von_frey_cutoff", "N")) {}
  std::string_view name() const override { return "sensory_tests"; }
  void declare_state(StateLayout& layout) override { territory_ = collateral::territory(layout); }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      if (m.targets()[t].is_muscle) continue;
      const std::string& name = m.targets()[t].name;
      const double own = std::clamp(state.targets[t].innervation, 0.0, 1.0);
      const double sprouted = state.block(territory_)[t].sprouted_share;
      const double response = response_share(own, sprouted, full_response_);
      out.push_back({"pinprick_score." + name, 3.0 * response, "score"});
      out.push_back({"thermal_withdrawal_latency." + name,
                     latency_normal_s_ + (latency_cutoff_s_ - latency_normal_s_) * (1.0 - response), "s"});
      // Filaments are graded logarithmically: the threshold moves on a log scale (in grams-force).
      const double grams =
          std::exp(response * std::log(threshold_normal_) + (1.0 - response) * std::log(threshold_cutoff_)) / 9.80665e-3;
      out.push_back({"von_frey_threshold." + name, grams, "g"});
      out.push_back({"collateral_share." + name, 100.0 * sprouted, "%"});
    }
  }

  /// The share of stimuli at the test site that elicit a withdrawal: the site is innervated where
  /// the injured nerve's axons or the neighbour's sprouts are, and a withdrawal needs only part of
  /// the normal innervation.
  static double response_share(double own, double sprouted, double full_response) {
    const double innervated = 1.0 - (1.0 - own) * (1.0 - sprouted);
    return std::min(1.0, innervated / full_response);
  }

 private:
  BlockHandle<collateral::Territory> territory_;
  double full_response_;
  double latency_normal_s_;
  double latency_cutoff_s_;
  double threshold_normal_;
  double threshold_cutoff_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "sensory_tests.innervation_for_full_response",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0.01, 1},
             .plausible = {0.2, 1},
             .species = "rat",
             .meaning = "innervated share of the test site at which every stimulus elicits a withdrawal; below it "
                        "the response share falls in proportion",
             .source = "assumption (withdrawal tests recover before histology and before CMAP: Navarro et al. 1994, "
                       "doi:10.1006/exnr.1994.1163)"});
  r.declare({.name = "sensory_tests.thermal_latency_normal",
             .unit = "s",
             .default_value = 10,
             .hard = {0.5, 60},
             .plausible = {5, 15},
             .species = "rat",
             .meaning = "paw withdrawal latency to radiant heat (Hargreaves plantar test) of a normal rat",
             .source = "Hargreaves K et al. Pain 1988;32:77, doi:10.1016/0304-3959(88)90026-7 (baseline latencies "
                       "about 10 s; identifier not verified, assumption-grade)"});
  r.declare({.name = "sensory_tests.thermal_latency_cutoff",
             .unit = "s",
             .default_value = 20,
             .hard = {1, 120},
             .plausible = {15, 30},
             .species = "rat",
             .meaning = "cut-off of the heat stimulus, the latency recorded when the rat does not withdraw",
             .source = "assumption (the usual 20 s cut-off against tissue damage, Hargreaves 1988, "
                       "doi:10.1016/0304-3959(88)90026-7)"});
  r.declare({.name = "sensory_tests.von_frey_normal",
             .unit = "gf",
             .default_value = 15,
             .hard = {0.01, 300},
             .plausible = {4, 40},
             .species = "rat",
             .meaning = "50 % withdrawal threshold of a normal rat's plantar paw to von Frey filaments",
             .source = "assumption after Chaplan SR et al. J Neurosci Methods 1994;53:55, "
                       "doi:10.1016/0165-0270(94)90144-9 (up-down method; normal rats respond near the 15 g "
                       "cut-off; identifier not verified)"});
  r.declare({.name = "sensory_tests.von_frey_cutoff",
             .unit = "gf",
             .default_value = 60,
             .hard = {0.1, 1000},
             .plausible = {15, 300},
             .species = "rat",
             .meaning = "threshold recorded when the denervated paw withdraws from no filament (the stiffest used)",
             .source = "assumption (the stiffest filament of a set used on denervated paws)"});
}

}  // namespace

void register_sensory_tests(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "sensory_tests",
      .summary = "rat paw sensory tests: pinprick score (0-3), thermal withdrawal latency [s], von Frey threshold [g], "
                 "neighbouring nerve's sprouted share [%]",
      .declare_parameters = declare,
      // Animal paw tests; a patient's sensibility is clinical_grades' (2PD, monofilaments).
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
        if (c.spec.species == "human") return nullptr;
        return std::make_unique<SensoryTests>(c.parameters);
      },
      .observations = {"pinprick_score.*", "thermal_withdrawal_latency.*", "von_frey_threshold.*", "collateral_share.*"}});
}

}  // namespace bungner
