#pragma once
// The agent engine: cells as structure-of-arrays with stable 64-bit ids, a uniform neighbour grid
// rebuilt every step, periodic spatial sorting, PhysiCell-style potential mechanics, and
// composable behaviours (motility, chemotaxis, contact guidance, division, death, secretion and
// uptake, per-agent ODE states). Every step is two-phase: behaviours read the old state and write
// only their own agent or an intent; births and deaths are applied afterwards in id order.
// See docs/agents.md.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bungner/core/random.hpp"
#include "bungner/fields/diffusion.hpp"
#include "bungner/fields/fields.hpp"

namespace bungner::agents {

using fields::aligned_vector;

/// Parameters shared by all agents of one kind (Schwann cell, macrophage, ...).
struct CellKind {
  std::string name;
  double radius_um = 8.41;                       ///< [um] (volume 2494 um^3)
  double repulsion_um_per_min = 10;              ///< PhysiCell cell-cell repulsion strength [um/min]
  double adhesion_um_per_min = 0.4;              ///< PhysiCell cell-cell adhesion strength [um/min]
  double relative_max_adhesion_distance = 1.25;  ///< times the radius [1]
  // Motility: a persistent random walk at `speed`, new direction at rate 1/persistence.
  double speed_um_per_min = 0;
  double persistence_min = 1;
  /// Chemotaxis: the direction is the normalised mix of a random direction and the substrate's
  /// gradient direction with weight `chemotaxis_bias` in [0, 1].
  int chemotaxis_substrate = -1;
  double chemotaxis_bias = 0;
  /// Haptotaxis: the same on the gradient of a substrate-bound (non-diffusing) field such as
  /// laminin or fibronectin in the bridge, with weight `haptotaxis_bias`.
  int haptotaxis_substrate = -1;
  double haptotaxis_bias = 0;
  /// Contact guidance: weight of the local orientation field (Büngner bands, vessels) in [0, 1].
  double contact_guidance = 0;
  // Life cycle.
  double division_rate_per_min = 0;
  int max_neighbours_for_division = 1 << 20;  ///< contact inhibition: no division with more neighbours
  double apoptosis_rate_per_min = 0;
  int oxygen_substrate = -1;  ///< necrosis below the threshold
  double necrosis_threshold = 0;
  double necrosis_rate_per_min = 0;
  // Exchange with the fields, per substrate (empty: none).
  std::vector<double> secretion;   ///< amount per minute [unit um^3/min]
  std::vector<double> uptake_max;  ///< Vmax [unit um^3/min]
  std::vector<double> uptake_km;   ///< [unit]
  /// Phagocytosis of a field (debris): first-order clearance of the substrate in the cell's voxel
  /// [um^3/min of medium cleared], into `cleared` of the agent.
  int phagocytosed_substrate = -1;
  double phagocytosis_clearance = 0;
  /// Phagocytosis of agents: engulf one touching agent of this kind (e.g. apoptotic cells) per
  /// step with probability 1 - exp(-rate dt); the touching candidate with the lowest id is taken,
  /// and a target wanted by several phagocytes goes to the one with the lowest id.
  int engulfs_kind = -1;
  double engulf_rate_per_min = 0;
};

/// Per-agent state variable with a small linear ODE dy/dt = production * signal - decay * y,
/// integrated exactly over each step (stable for any dt). `signal_substrate` < 0 means signal 1.
struct StateVariable {
  std::string name;
  double production_per_min = 0;
  double decay_per_min = 0;
  int signal_substrate = -1;
};

/// A behaviour switched on for the step (all default on).
struct Behaviours {
  bool mechanics = true;
  bool motility = true;
  bool life_cycle = true;
  bool exchange = true;
  bool state_variables = true;
};

/// The box agents live in [um]; they are kept inside it.
struct Box {
  std::array<double, 3> low{-1e6, -1e6, -1e6};
  std::array<double, 3> high{1e6, 1e6, 1e6};
};

/// Everything about the agents that changes: State.
class Agents {
 public:
  Agents(std::vector<CellKind> kinds, std::vector<StateVariable> variables = {});

  /// Adds an agent now (set-up); returns its index. Ids increase in order of creation.
  std::size_t add(std::uint8_t kind, std::array<double, 3> position);
  std::size_t size() const { return id.size(); }
  const std::vector<CellKind>& kinds() const { return kinds_; }
  const std::vector<StateVariable>& variable_specs() const { return variable_specs_; }
  /// Index of the agent with this id, or size() if none (linear search: for tests and tools).
  std::size_t find(std::uint64_t agent_id) const;
  /// Bytes of storage per agent (all columns), for the benchmark.
  double bytes_per_agent() const;

  // Columns (structure of arrays). Index order changes when agents are sorted; ids never do.
  std::vector<std::uint64_t> id;
  std::vector<std::uint8_t> kind;
  aligned_vector<double> x, y, z;                 ///< position [um]
  aligned_vector<double> vx, vy, vz;              ///< velocity of this step [um/min]
  aligned_vector<double> px, py, pz;              ///< velocity of the previous step (Adams-Bashforth) [um/min]
  aligned_vector<double> mx, my, mz;              ///< motility velocity, persistent [um/min]
  aligned_vector<double> radius;                  ///< [um]
  aligned_vector<double> cleared;                 ///< amount of a field phagocytosed so far
  std::vector<std::uint32_t> engulfed;            ///< agents engulfed so far
  std::vector<aligned_vector<double>> variables;  ///< per StateVariable

  std::uint64_t next_id = 0;

  /// Removes the agents flagged non-zero, keeping the order of the others (deaths applied by
  /// mechanisms after their two-phase step).
  void remove_flagged(const std::vector<std::uint8_t>& dead);

 private:
  friend class Engine;
  void permute(const std::vector<std::uint32_t>& order);
  std::vector<CellKind> kinds_;
  std::vector<StateVariable> variable_specs_;
};

/// The uniform neighbour grid: agents bucketed by voxel with a counting sort (stable, so the
/// order within a voxel is index order and the result is the same for any thread count).
struct NeighbourGrid {
  double voxel_um = 20;
  std::array<double, 3> origin{};
  std::array<int, 3> n{1, 1, 1};
  std::vector<std::uint32_t> start;     ///< per voxel + 1: offsets into `agents`
  std::vector<std::uint32_t> agents;    ///< agent indices sorted by voxel
  std::vector<std::uint32_t> voxel_of;  ///< per agent

  void build(const Agents& a, double voxel_um);
  std::size_t voxel(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * n[1] + static_cast<std::size_t>(j)) * n[0] + static_cast<std::size_t>(i);
  }
};

/// What happened in one step (for mass balance and tests).
struct StepReport {
  std::size_t births = 0;
  std::size_t deaths = 0;  ///< includes engulfed agents
  std::size_t engulfed = 0;
  fields::ExchangeTotals exchange;
};

/// Advances agents (and their coupling to fields) step by step. Immutable settings; all state is
/// in Agents, the Fields and the step counter passed in.
class Engine {
 public:
  struct Settings {
    double dt_min = 0.1;
    Box box;
    /// Sort agents into voxel order every this many steps (memory locality); 0 never.
    int sort_interval = 10;
    Behaviours behaviours;
  };
  explicit Engine(Settings settings) : settings_(settings) {}

  /// One step. `fields` may be null (no chemotaxis, exchange or necrosis); `orientation` (a unit
  /// vector per field voxel, or empty) guides motility. `step` keys the random draws.
  StepReport step(Agents& agents, fields::Fields* fields, std::uint64_t step, RandomKey key,
                  const std::vector<std::array<double, 3>>& orientation = {}) const;

  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
};

/// Largest interaction distance among the kinds [um] (the neighbour-grid voxel size).
double interaction_range(const std::vector<CellKind>& kinds);

}  // namespace bungner::agents
