// Regeneration front: how far the motor axons have grown past the injury, as the median axon
// ("front") and a high quantile ("leading front", the fastest axons), the observation model of
// radiolabel front measurements. Axons already at their target count as beyond any point.
#include <algorithm>
#include <cmath>
#include <limits>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

/// Type-1 quantile (inverse empirical CDF) of the values; consumes the vector.
double quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0.0;
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(values.size())))) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

class RegenerationFront final : public Readout {
 public:
  explicit RegenerationFront(const ParameterSet& p) : leading_quantile_(p.get("regeneration_front.leading_quantile")) {}
  std::string_view name() const override { return "regeneration_front"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    const NeuronPopulation& n = state.neurons;
    double farthest = 0;
    for (const auto& t : m.targets()) farthest = std::max(farthest, t.distance_m);
    const double cap = m.gap_m + farthest;
    std::vector<double> positions;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (n.kind[i] != NeuronKind::motor || !n.alive[i]) continue;
      if (n.status[i] == AxonStatus::failed || n.status[i] == AxonStatus::intact) continue;
      positions.push_back(n.status[i] == AxonStatus::arrived ? std::numeric_limits<double>::infinity() : n.position_m[i]);
    }
    std::vector<double> copy = positions;
    const double median = std::min(cap, quantile(copy, 0.5));
    const double leading = std::min(cap, quantile(positions, leading_quantile_));
    out.push_back({"regeneration_front", median * 1e3, "mm"});
    out.push_back({"leading_front", leading * 1e3, "mm"});
    out.push_back({"distal_schwann_support", 100.0 * state.distal.stump_support, "%"});
    // Support along the 1D nerve where each target's branch leaves it: what the axons heading
    // there meet on the last stretch.
    for (const auto& t : m.targets())
      out.push_back({"distal_schwann_support." + t.name,
                     100.0 * state.distal.support_at(t.distance_m - 0.5 * m.distal_segment_m, m.distal_segments_per_m), "%"});
  }

 private:
  double leading_quantile_;
};

}  // namespace

void register_regeneration_front(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "regeneration_front",
      .summary = "median and leading motor-axon front past the injury [mm]; distal Schwann-cell support at the repair and at "
                 "each target [%]",
      .declare_parameters =
          [](ParameterRegistry& r) {
            r.declare({.name = "regeneration_front.leading_quantile",
                       .unit = "1",
                       .default_value = 0.99,
                       .hard = {0.5, 1},
                       .plausible = {0.9, 1},
                       .species = "all",
                       .meaning = "quantile of motor-axon positions reported as the leading ('fastest axons') front",
                       .source = "assumption (observation model of the radiolabel leading edge, E03/E04)",
                       .numerical = true});
          },
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
        return std::make_unique<RegenerationFront>(c.parameters);
      },
      .observations = {"regeneration_front", "leading_front", "distal_schwann_support", "distal_schwann_support.*"}});
}

}  // namespace bungner
