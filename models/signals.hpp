#pragma once
// The signals and lasting effects that several content items share: each is declared here once,
// with its unit, neutral value and combine rule, and every writer and reader declares it through
// these functions (StateLayout checks that the declarations agree). Therapies write most of them
// in the therapy phase; the mechanisms that run later in the same tick read them.
#include "bungner/model/state_layout.hpp"

namespace bungner::signals {

/// Factor on the death hazard of axotomised neurons [1].
inline SignalHandle neuron_death_hazard_factor(StateLayout& l) {
  return l.signal({"neuron_death_hazard_factor", "1", 1.0, Combine::product});
}
/// Factor on the elongation speed of regrowing axons [1].
inline SignalHandle growth_speed_factor(StateLayout& l) { return l.signal({"growth_speed_factor", "1", 1.0, Combine::product}); }
/// Factor on the remaining suture-crossing delay of the axons still waiting at the repair site,
/// applied once, in the tick it is set (brief electrical stimulation) [1].
inline SignalHandle crossing_delay_factor(StateLayout& l) {
  return l.signal({"crossing_delay_factor", "1", 1.0, Combine::product});
}
/// Factor on the rate at which denervated distal Schwann cells lose their repair capacity [1].
inline SignalHandle schwann_decline_factor(StateLayout& l) {
  return l.signal({"schwann_decline_factor", "1", 1.0, Combine::product});
}
/// Factor on the share of axons lost crossing a gap repair (bridge), read when an axon enters the
/// distal nerve [1].
inline SignalHandle bridge_loss_factor(StateLayout& l) { return l.signal({"bridge_loss_factor", "1", 1.0, Combine::product}); }
/// Activity imposed on denervated muscles by direct stimulation, as a share of a normal muscle's:
/// their mass tends to what this much innervation sustains [1].
inline SignalHandle muscle_activity(StateLayout& l) { return l.signal({"muscle_activity", "1", 0.0, Combine::max}); }
/// 1 while the host is immunosuppressed (cyclosporine), 0 otherwise: the immune rejection of cell
/// grafts slows (cell_graft). Immunosuppressing therapies write it in every tick they are given,
/// and once when the State is made for the host at the repair (read when cell_graft forecasts
/// the conduit's cable, which axon_regeneration draws at the start) [1].
inline SignalHandle host_immunosuppressed(StateLayout& l) { return l.signal({"host_immunosuppressed", "1", 0.0, Combine::max}); }
/// IL-10 that cell grafts release into the injured nerve now [pg/day].
inline SignalHandle graft_il10_release(StateLayout& l) { return l.signal({"graft_il10_release", "pg/d", 0.0, Combine::sum}); }

/// Lasting (never reset, checkpointed): factor on the diameter of regenerated fibres, as
/// morphometry and conduction see it; writers keep the largest [1].
inline BlockHandle<double> fibre_diameter_factor(StateLayout& l) {
  return l.block<double>("effects.fibre_diameter_factor", Extent::scalar, 1.0);
}
/// Lasting: share of regrowing axons at the 3D injury site in contact with repair Schwann cells,
/// the neurotrophic support their growth cones convey back to the neurons (retrograde) [1].
inline BlockHandle<double> retrograde_support(StateLayout& l) {
  return l.block<double>("site_axons.retrograde_support", Extent::scalar, 0.0);
}

}  // namespace bungner::signals
