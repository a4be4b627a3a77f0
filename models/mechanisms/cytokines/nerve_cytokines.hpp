#pragma once
// The cytokines mechanism's state: one record block (`cytokines.nerve`) that it owns and the
// nerve_cytokines readout reads.
#include "bungner/model/state_layout.hpp"

namespace bungner {

/// The injured nerve's cytokines as one well-mixed compartment (0D; every scenario), relative to
/// the uninjured nerve, and the two drivers that carry the Wallerian-degeneration phase.
struct NerveCytokines {
  using state_scalar = double;  // a record of doubles: the checkpoint stores it as f64x5
  double tnf_alpha = 1.0;       ///< TNF-alpha protein relative to the uninjured nerve [1]
  double il1_beta = 1.0;        ///< IL-1beta protein relative to the uninjured nerve [1]
  double il10 = 1.0;            ///< IL-10 protein relative to the uninjured nerve [1]
  /// Recruited macrophages, in units of the debris at fragmentation (the load that debris at its
  /// start would hold at steady state) [1].
  double macrophages = 0.0;
  double m2_share = 0.0;  ///< share of the recruited macrophages in the M2 (pro-repair) state [1]
};

inline BlockHandle<NerveCytokines> nerve_cytokines(StateLayout& layout) {
  return layout.block<NerveCytokines>("cytokines.nerve", Extent::scalar);
}

}  // namespace bungner
