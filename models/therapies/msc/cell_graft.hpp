#pragma once
// The state of the cell therapy's grafts, one per [[therapies]] item of type msc, in item order:
// a per-instance state block (`msc.grafts`) that the therapy owns and that axon_regeneration,
// the cell_graft readout and tests read.
#include "bungner/model/state_layout.hpp"

namespace bungner {

/// Transplanted cells of one cell therapy, as a pool at the repair site: what is left of them,
/// their phenotype and what they release.
struct CellGraft {
  using state_scalar = double;      // a record of doubles: the checkpoint stores it as f64x14
  double cells = 0;                 ///< surviving transplanted cells at the repair site [cells]
  double delivered = 0;             ///< cells that reached the site when given [cells]
  double schwann_like = 0;          ///< fraction still in the Schwann-like (differentiated) phenotype [1]
  double primed = 0;                ///< fraction primed by the injured nerve (in vivo activation) [1]
  double neurotrophin_release = 0;  ///< NGF + BDNF + GDNF + NT-3 released now [pg/day]
  double vegf_release = 0;          ///< VEGF released now [pg/day]
  double il10_release = 0;          ///< IL-10 released now [pg/day]
  double preparation_days = 0;      ///< culture time before the cells could be given [d]
  // What the graft leaves behind in the bridge (read by axon_regeneration): lasting, because a
  // bridge colonised early by Schwann cells and vessels stays better after the cells are gone.
  double bridge_exposure = 0;      ///< time integral of the graft's support of the bridge [d]
  double bridge_speed_factor = 1;  ///< factor on the elongation speed in the bridge [1]
  double bridge_loss_factor = 1;   ///< factor on the share of axons lost in the bridge [1]
  double bridge_gap_gain_m = 0;    ///< gain of the gap a conduit bridges with even odds [m]
  // On the 3D injury site the cells are agents (the cell therapy's kind) with consecutive ids.
  double agent_first_id = 0;  ///< id of the graft's first agent
  double agent_count = 0;     ///< agents placed (0: not placed, or no 3D site)
};

/// The grafts' block; a reader declares it too (it is empty when no graft is given).
inline BlockHandle<CellGraft> cell_grafts(StateLayout& layout) {
  return layout.block<CellGraft>("msc.grafts", Extent::per_instance);
}

}  // namespace bungner
