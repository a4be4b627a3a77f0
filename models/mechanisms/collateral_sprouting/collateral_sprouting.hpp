#pragma once
// The state collateral_sprouting owns and the sensory readouts read: per skin target, the share of
// the injured nerve's skin territory (at the test site of the paw) that sprouts of a neighbouring
// intact nerve innervate. Equations: README.md beside this file.
#include "bungner/model/state_layout.hpp"

namespace bungner::collateral {

struct Territory {
  using state_scalar = double;
  double sprouted_share = 0.0;  ///< [1]
};

/// Declared alike by the mechanism that writes it and the readouts that read it.
inline BlockHandle<Territory> territory(StateLayout& l) {
  return l.block<Territory>("collateral_sprouting.territory", Extent::per_target);
}

}  // namespace bungner::collateral
