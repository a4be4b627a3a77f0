#include "bungner/model/state.hpp"

namespace bungner {

void NeuronPopulation::resize(std::size_t n) {
  kind.resize(n);
  target.resize(n);
  vigour.resize(n);
  alive.resize(n, 1);
  death_threshold.resize(n);
  cumulative_hazard.resize(n);
  status.resize(n, AxonStatus::waiting);
  growth_start_s.resize(n);
  speed_m_per_s.resize(n);
  position_m.resize(n);
  arrival_s.resize(n, -1.0);
  distal_hazard.resize(n);
  distal_loss_threshold.resize(n);
  connection.resize(n, Connection::none);
}

}  // namespace bungner
