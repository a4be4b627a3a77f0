#pragma once
// The interface between a cell therapy and the cell_graft mechanism: one graft per [[therapies]]
// item that gives cells, in item order. The therapy (delivery) writes what it gives, where, when
// and how many into `cell_graft.deliveries`; the mechanism (biology) keeps what becomes of the
// cells in `cell_graft.grafts`. Both are per-instance blocks with the same index per graft;
// axon_regeneration, the cell_graft readout and tests read them.
#include <array>
#include <cstddef>

#include "bungner/core/errors.hpp"
#include "bungner/model/state_layout.hpp"

namespace bungner {

/// Tissue of origin; selects the secretion profile (`msc.<source>.*_secretion`).
enum class GraftSource : int { adipose = 0, bone_marrow = 1, umbilical_cord = 2 };
inline constexpr std::array<const char*, 3> graft_sources = {"adipose", "bone_marrow", "umbilical_cord"};

/// Where the cells were put; on the 3D site it decides where the graft's agents are placed.
enum class GraftPlacement : int { graft_surface = 0, conduit_lumen = 1, stump_injection = 2, intravenous = 3 };

/// The host's donor relation, which sets the immune rejection.
enum class GraftDonor : int { autologous = 0, allogeneic = 1, xenogeneic = 2 };

/// The graft's mechanisms of benefit, each of which a therapy may switch off (in-silico ablation).
inline constexpr std::array<const char*, 6> graft_mechanisms = {"neurotrophic_neurons", "neurotrophic_cones", "schwann_support",
                                                                "angiogenesis",         "immunomodulation",   "schwann_like"};
enum GraftMechanism : std::size_t {
  neurotrophic_neurons = 0,
  neurotrophic_cones,
  schwann_support,
  angiogenesis,
  immunomodulation,
  schwann_like,
};

/// What a cell therapy gave (written by the therapy when the State is made: the delivery is
/// decided before the run). Enumerations are stored as whole doubles, exact.
struct GraftDelivery {
  using state_scalar = double;  // a record of doubles: the checkpoint stores it as f64x12
  double given_s = -1;          ///< when the cells were given [s]; negative: no cells
  double cells = 0;             ///< cells that reached or attached to the site [cells]
  double source = 0;            ///< GraftSource
  double differentiated = 0;    ///< 1: differentiated into Schwann-like cells before implantation
  double spheroid = 0;          ///< 1: 3D spheroid culture (more secretion per cell)
  double scaffold = 0;          ///< 1: carried in a scaffold (fibrin, hydrogel, ...), not in saline
  double donor = 0;             ///< GraftDonor
  double immunosuppressed = 0;  ///< 1: the host is immunosuppressed throughout (the item says so)
  double placement = 0;         ///< GraftPlacement
  double bridge_reach = 1;      ///< effect on the bridge relative to cells inside it (injections: less) [1]
  double ablated = 0;           ///< bit k set: GraftMechanism k switched off
  double preparation_days = 0;  ///< culture time before the cells could be given [d]

  bool on(GraftMechanism k) const { return (static_cast<unsigned long long>(ablated) >> k & 1ULL) == 0; }
};

/// Transplanted cells of one graft, as a pool at the repair site: what is left of them, their
/// phenotype and what they release (the cell_graft mechanism's state).
struct CellGraft {
  using state_scalar = double;      // a record of doubles: the checkpoint stores it as f64x14
  double cells = 0;                 ///< surviving transplanted cells at the repair site [cells]
  double delivered = 0;             ///< cells that reached the site when given [cells]
  double schwann_like = 0;          ///< fraction still in the Schwann-like (differentiated) phenotype [1]
  double primed = 0;                ///< fraction primed by the injured nerve (in vivo activation) [1]
  double neurotrophin_release = 0;  ///< NGF + BDNF + GDNF + NT-3 released now [pg/day]
  double vegf_release = 0;          ///< VEGF released now [pg/day]
  double il10_release = 0;          ///< IL-10 released now [pg/day]
  double suppressed_s = 0;          ///< time since given during which the host was immunosuppressed [s]
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
  return layout.block<CellGraft>("cell_graft.grafts", Extent::per_instance);
}
/// What was delivered, one element per graft (same index as cell_graft.grafts).
inline BlockHandle<GraftDelivery> graft_deliveries(StateLayout& layout) {
  return layout.block<GraftDelivery>("cell_graft.deliveries", Extent::per_instance);
}

/// A cell therapy's graft: its delivery record and its index in both blocks.
struct GraftSlot {
  BlockHandle<GraftDelivery> deliveries;
  std::size_t index = 0;
};
/// Adds one graft (an element of both blocks); called by a cell therapy in declare_state.
inline GraftSlot add_graft(StateLayout& layout) {
  GraftSlot slot{graft_deliveries(layout), 0};
  slot.index = layout.add_instance(slot.deliveries);
  const std::size_t graft = layout.add_instance(cell_grafts(layout));
  if (graft != slot.index) throw ModelError("cell_graft: the blocks cell_graft.grafts and cell_graft.deliveries disagree");
  return slot;
}

}  // namespace bungner
