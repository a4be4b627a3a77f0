// The injury site's cells and tissue as histology and imaging see them: Schwann cells by
// phenotype, macrophages (count, M2 share, density in a distal cross-section), myelin debris
// remaining and cleared by autophagy, distal axon integrity (what a distal compound action
// potential needs), vessels and the fibrin cable in the bridge, and the axon front.
#include <algorithm>
#include <cmath>

#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

using site::Zone;

class SiteCells final : public Readout {
 public:
  SiteCells(const ParameterSet& p)
      : schwann_per_agent_(p.get("injury_site.schwann_cells_per_agent")),
        macrophage_per_agent_(p.get("injury_site.macrophage_cells_per_agent")),
        section_depth_um_(p.in("site_cells.section_depth", "um")),
        normal_schwann_per_mm3_(p.in("injury_site.schwann_density", "cells/mm^3")),
        matrix_threshold_(p.get("bridge_formation.matrix_threshold")),
        vessel_threshold_(p.get("schwann_repair.vessel_threshold")) {}

  std::string_view name() const override { return "site_cells"; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    if (!state.site || !m.site) return;
    const site::InjurySite& s = *state.site;
    const site::Layout& L = *m.site;
    const fields::Grid& g = L.grid;
    const agents::Agents& c = s.cells;
    const std::uint8_t schwann_kind = L.kind("schwann"), macrophage_kind = L.kind("macrophage");
    const std::size_t cjun = L.variable("schwann", "cjun"), elongation = L.variable("schwann", "elongation");
    const std::size_t m2_share = L.variable("macrophage", "m2_share");
    double schwann = 0, repair = 0, schwann_bridge = 0, macrophages = 0, m2 = 0, macrophages_distal = 0;
    double schwann_distal = 0, cjun_distal = 0, elongation_repair = 0;
    for (std::size_t a = 0; a < c.size(); ++a) {
      const Zone z = L.zone[site::voxel_at(g, c.x[a], c.y[a], c.z[a])];
      if (c.kind[a] == schwann_kind) {
        schwann += schwann_per_agent_;
        if (c.variables[cjun][a] >= 0.5) {
          repair += schwann_per_agent_;
          elongation_repair += schwann_per_agent_ * c.variables[elongation][a];
        }
        if (z == Zone::bridge) schwann_bridge += schwann_per_agent_;
        if (z == Zone::distal_stump) {
          schwann_distal += schwann_per_agent_;
          cjun_distal += schwann_per_agent_ * c.variables[cjun][a];
        }
      } else if (c.kind[a] == macrophage_kind) {
        macrophages += macrophage_per_agent_;
        m2 += macrophage_per_agent_ * c.variables[m2_share][a];
        if (z == Zone::distal_stump) macrophages_distal += macrophage_per_agent_;
      }
    }
    double distal_voxels = 0, distal_myelin = 0, distal_integrity = 0, degenerating = 0;
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      if (L.zone[v] == Zone::distal_stump) {
        distal_voxels += 1;
        distal_myelin += s.myelin[v];
        distal_integrity += s.axon_integrity[v];
      }
      if (L.zone[v] == Zone::distal_stump || (L.zone[v] == Zone::bridge && L.graft_has_cells)) degenerating += 1;
    }
    const double distal_volume_mm3 = distal_voxels * g.voxel_volume_um3() * 1e-9;
    // Profile counts in a section of finite depth (Abercrombie): N_A = N_V (T + D).
    const double per_mm2 = distal_volume_mm3 > 0 ? macrophages_distal / distal_volume_mm3 * section_depth_um_ * 1e-3 : 0;
    out.push_back({"site_schwann_cells", schwann, "cells"});
    out.push_back({"site_repair_schwann_share", schwann > 0 ? 100 * repair / schwann : 0, "%"});
    out.push_back({"bridge_schwann_cells", schwann_bridge, "cells"});
    out.push_back({"repair_schwann_elongation", repair > 0 ? elongation_repair / repair : 1.0, "1"});
    out.push_back({"distal_schwann_ratio",
                   distal_volume_mm3 > 0 ? schwann_distal / (normal_schwann_per_mm3_ * distal_volume_mm3) : 0, "1"});
    out.push_back({"distal_cjun", schwann_distal > 0 ? cjun_distal / schwann_distal : 0, "1"});
    out.push_back({"site_macrophages", macrophages, "cells"});
    out.push_back({"site_m2_share", macrophages > 0 ? 100 * m2 / macrophages : 0, "%"});
    out.push_back({"distal_macrophage_density", per_mm2, "cells/mm^2"});
    out.push_back({"epineurial_macrophage_density", s.epineurial_macrophages, "cells/mm^2"});
    out.push_back({"distal_myelin_remaining", distal_voxels > 0 ? 100 * distal_myelin / distal_voxels : 0, "%"});
    out.push_back({"myelin_cleared_by_autophagy", degenerating > 0 ? 100 * s.myelin_autophagy / degenerating : 0, "%"});
    out.push_back({"distal_axon_integrity", distal_voxels > 0 ? 100 * distal_integrity / distal_voxels : 0, "%"});
    out.push_back({"vessel_length", s.vessel_length_um * 1e-3, "mm"});
    // Bridge slices (planes across the gap) with vessels, with Schwann cells and with matrix.
    if (L.gap_end_um > L.gap_start_um) {
      std::vector<std::uint8_t> vessel(g.nx, 0), matrix(g.nx, 0), cells(g.nx, 0);
      int slices = 0;
      for (int i = 0; i < g.nx; ++i) {
        const double x = g.center(i, 0, 0)[0];
        if (x < L.gap_start_um || x >= L.gap_end_um) continue;
        ++slices;
        for (int k = 0; k < g.nz; ++k)
          for (int j = 0; j < g.ny; ++j) {
            const std::size_t v = g.index(i, j, k);
            if (L.zone[v] != Zone::bridge) continue;
            vessel[i] |= s.vessel[v] >= vessel_threshold_;
            matrix[i] |= L.graft || s.fibrin[v] >= matrix_threshold_;
            cells[i] |= s.schwann_density[v] > 0;
          }
      }
      const auto share = [&](const std::vector<std::uint8_t>& f) {
        double n = 0;
        for (auto b : f) n += b;
        return slices > 0 ? 100 * n / slices : 0.0;
      };
      const std::size_t oxygen = L.substrate("oxygen"), vegf_field = L.substrate("vegf");
      double po2 = 0, vegf = 0, fibrin = 0, voxels = 0, macrophages_bridge = 0;
      for (std::size_t v = 0; v < g.voxels(); ++v) {
        if (L.zone[v] != Zone::bridge) continue;
        voxels += 1;
        po2 += s.fields.at(v, oxygen);
        vegf += s.fields.at(v, vegf_field);
        fibrin += s.fibrin[v];
      }
      for (std::size_t a = 0; a < c.size(); ++a)
        if (c.kind[a] == macrophage_kind && L.zone[site::voxel_at(g, c.x[a], c.y[a], c.z[a])] == Zone::bridge)
          macrophages_bridge += macrophage_per_agent_;
      out.push_back({"bridge_po2", voxels > 0 ? po2 / voxels : 0, "mmHg"});
      out.push_back({"bridge_vegf", voxels > 0 ? vegf / voxels : 0, "ng/mL"});
      out.push_back({"bridge_fibrin", voxels > 0 ? 100 * fibrin / voxels : 0, "%"});
      out.push_back({"bridge_macrophages", macrophages_bridge, "cells"});
      out.push_back({"bridge_vascularised", share(vessel), "%"});
      out.push_back({"bridge_matrix_continuity", share(matrix), "%"});
      out.push_back({"bridge_schwann_coverage", share(cells), "%"});
    }
    double front = 0;
    std::size_t crossed = 0;
    for (std::size_t ax = 0; ax < s.axons.all().size(); ++ax) {
      const auto& a = s.axons.all()[ax];
      front = std::max(front, a.points.back()[0] - L.gap_start_um);
      crossed += a.points.back()[0] >= L.handover_um ? 1 : 0;
    }
    out.push_back({"site_axon_front", front * 1e-3, "mm"});
    out.push_back({"axons_through_site", static_cast<double>(crossed), "axons"});
  }

 private:
  double schwann_per_agent_;
  double macrophage_per_agent_;
  double section_depth_um_;
  double normal_schwann_per_mm3_;
  double matrix_threshold_;
  double vessel_threshold_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "site_cells.section_depth",
             .unit = "um",
             .default_value = 20,
             .hard = {0.1, 1000},
             .plausible = {5, 60},
             .species = "all",
             .meaning = "section thickness plus profile diameter when cell densities are counted per area "
                        "(Abercrombie: N_A = N_V (T + D))",
             .source = "assumption (10 um cryosections, ~10 um macrophage profiles)",
             .numerical = true});
}

}  // namespace

void register_site_cells(Registry& registry) {
  registry.add(ReadoutEntry{.name = "site_cells",
                            .summary = "injury site: Schwann cells, macrophages, debris, vessels, bridge, axon front",
                            .declare_parameters = declare,
                            .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
                              if (!c.spec.site) return nullptr;
                              return std::make_unique<SiteCells>(c.parameters);
                            },
                            .observations = {"site_schwann_cells",
                                             "site_repair_schwann_share",
                                             "bridge_schwann_cells",
                                             "repair_schwann_elongation",
                                             "distal_schwann_ratio",
                                             "distal_cjun",
                                             "site_macrophages",
                                             "site_m2_share",
                                             "distal_macrophage_density",
                                             "epineurial_macrophage_density",
                                             "distal_myelin_remaining",
                                             "myelin_cleared_by_autophagy",
                                             "distal_axon_integrity",
                                             "vessel_length",
                                             "bridge_po2",
                                             "bridge_vegf",
                                             "bridge_fibrin",
                                             "bridge_macrophages",
                                             "bridge_vascularised",
                                             "bridge_matrix_continuity",
                                             "bridge_schwann_coverage",
                                             "site_axon_front",
                                             "axons_through_site"}});
}

}  // namespace bungner
