// Cell-therapy readouts: what is left of each transplanted graft (cells, Schwann-like phenotype),
// what it releases now, and the culture time it needed. Observes the blocks cell_graft.grafts
// (the cell_graft mechanism) and cell_graft.deliveries (what the cell therapy gave).
#include <fmt/format.h>

#include "../../mechanisms/cell_graft/cell_graft.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class CellGraftReadout final : public Readout {
 public:
  std::string_view name() const override { return "cell_graft"; }
  void declare_state(StateLayout& layout) override {
    grafts_ = cell_grafts(layout);
    deliveries_ = graft_deliveries(layout);
  }

  void observe(const Model&, const State& state, std::vector<Observation>& out) const override {
    const auto grafts = state.block(grafts_);
    const auto deliveries = state.block(deliveries_);
    for (std::size_t k = 0; k < grafts.size(); ++k) {
      const CellGraft& g = grafts[k];
      // One graft: plain names; several: numbered in the order of their [[therapies]] items.
      const std::string suffix = grafts.size() == 1 ? "" : fmt::format(".{}", k + 1);
      out.push_back({"msc_cells" + suffix, g.cells, "cells"});
      out.push_back({"msc_delivered" + suffix, g.delivered, "cells"});  // reached the site (attached, E66)
      out.push_back({"msc_surviving" + suffix, g.delivered > 0 ? 100.0 * g.cells / g.delivered : 0.0, "%"});
      out.push_back({"msc_schwann_like" + suffix, 100.0 * g.schwann_like, "%"});
      out.push_back({"msc_neurotrophin_release" + suffix, g.neurotrophin_release, "pg/d"});
      out.push_back({"msc_vegf_release" + suffix, g.vegf_release, "pg/d"});
      // Per 1e6 living cells: what in-vitro secretion assays report (E35, E36); 0 once none live.
      out.push_back({"msc_vegf_per_million_cells" + suffix, g.cells > 0 ? 1e6 * g.vegf_release / g.cells : 0.0, "pg/d"});
      out.push_back({"msc_il10_release" + suffix, g.il10_release, "pg/d"});
      out.push_back({"msc_bridge_speed_factor" + suffix, g.bridge_speed_factor, "1"});
      out.push_back({"msc_preparation_time" + suffix, deliveries[k].preparation_days, "d"});
    }
  }

 private:
  BlockHandle<CellGraft> grafts_;
  BlockHandle<GraftDelivery> deliveries_;
};

}  // namespace

void register_cell_graft(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "cell_graft",
      .summary = "transplanted cells per graft: cells delivered and surviving, Schwann-like share, "
                 "release of neurotrophins, VEGF (also per 1e6 cells) and IL-10, lasting bridge effect, preparation time",
      .declare_parameters = nullptr,
      .create = [](const CompileContext&) -> std::unique_ptr<Readout> { return std::make_unique<CellGraftReadout>(); },
      .observations = {"msc_cells",
                       "msc_cells.*",
                       "msc_delivered",
                       "msc_delivered.*",
                       "msc_surviving",
                       "msc_surviving.*",
                       "msc_schwann_like",
                       "msc_schwann_like.*",
                       "msc_neurotrophin_release",
                       "msc_neurotrophin_release.*",
                       "msc_vegf_release",
                       "msc_vegf_release.*",
                       "msc_vegf_per_million_cells",
                       "msc_vegf_per_million_cells.*",
                       "msc_il10_release",
                       "msc_il10_release.*",
                       "msc_bridge_speed_factor",
                       "msc_bridge_speed_factor.*",
                       "msc_preparation_time",
                       "msc_preparation_time.*"}});
}

}  // namespace bungner
