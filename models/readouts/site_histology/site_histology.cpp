// Histomorphometry of the regenerated nerve at the injury site: axon counts in cross-sections at
// mid-gap and at the distal section (default 3 mm distal to the repair), the myelinated share,
// and the axon diameter, myelin thickness and g-ratio of the myelinated fibres there.
#include <algorithm>
#include <cmath>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

struct Profile {
  double diameter = 0;
  double myelin = 0;
};

/// Every axon segment that crosses the plane x = x_um, as a cross-section cuts it.
std::vector<Profile> section(const agents::Axons& axons, double x_um) {
  std::vector<Profile> out;
  for (const auto& a : axons.all())
    for (std::size_t q = 0; q + 1 < a.points.size(); ++q) {
      const double x0 = a.points[q][0], x1 = a.points[q + 1][0];
      if ((x0 < x_um) != (x1 < x_um)) out.push_back({a.diameter_um[q], a.myelin_um[q]});
    }
  return out;
}

double quantile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double at = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(at);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (at - static_cast<double>(lo));
}

class SiteHistology final : public Readout {
 public:
  std::string_view name() const override { return "site_histology"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    if (!state.site || !m.site) return;
    const site::Layout& L = *m.site;
    const auto& axons = state.site->axons;
    if (L.gap_end_um > L.gap_start_um)
      out.push_back(
          {"axons_mid_gap", static_cast<double>(section(axons, 0.5 * (L.gap_start_um + L.gap_end_um)).size()), "axons"});
    const auto distal = section(axons, L.distal_section_um);
    std::vector<double> g_ratio, diameter, myelin;
    for (const auto& p : distal) {
      if (p.myelin < 0.05) continue;
      diameter.push_back(p.diameter);
      myelin.push_back(p.myelin);
      g_ratio.push_back(p.diameter / (p.diameter + 2 * p.myelin));
    }
    const auto mean = [](const std::vector<double>& v) {
      double sum = 0;
      for (double x : v) sum += x;
      return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
    };
    out.push_back({"axons_distal_section", static_cast<double>(distal.size()), "axons"});
    out.push_back({"myelinated_share_distal",
                   distal.empty() ? 0.0 : 100.0 * static_cast<double>(g_ratio.size()) / static_cast<double>(distal.size()), "%"});
    out.push_back({"axon_diameter_distal", mean(diameter), "um"});
    out.push_back({"site_myelin_thickness_distal", mean(myelin), "um"});
    out.push_back({"site_g_ratio_distal", mean(g_ratio), "1"});
    out.push_back({"site_g_ratio_distal_p10", quantile(g_ratio, 0.1), "1"});
    out.push_back({"site_g_ratio_distal_p90", quantile(g_ratio, 0.9), "1"});
  }
};

}  // namespace

void register_site_histology(Registry& registry) {
  registry.add(ReadoutEntry{.name = "site_histology",
                            .summary = "axon counts at mid-gap and a distal section; myelination and g-ratio",
                            .declare_parameters = nullptr,
                            .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
                              if (!c.spec.site) return nullptr;
                              return std::make_unique<SiteHistology>();
                            },
                            .observations = {"axons_mid_gap", "axons_distal_section", "myelinated_share_distal",
                                             "axon_diameter_distal", "site_myelin_thickness_distal", "site_g_ratio_distal",
                                             "site_g_ratio_distal_p10", "site_g_ratio_distal_p90"}});
}

}  // namespace bungner
