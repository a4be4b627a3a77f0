#pragma once
// Cells as structure-of-arrays with stable 64-bit ids: the storage the injury site's mechanisms
// move, divide and remove cells in. Which kinds exist and what each kind's per-agent variables
// mean is declared by the content that owns them (site::KindSpec, compiled into the Layout), so
// the storage is generic: column `variables[c]` holds, for an agent of kind k, the variable that
// k names at position c. See docs/agents.md.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bungner/fields/fields.hpp"

namespace bungner::agents {

using fields::aligned_vector;

/// One kind of cell (Schwann cell, macrophage, ...) and the names of its per-agent variables.
struct CellKind {
  std::string name;
  /// Names of the kind's per-agent variables, in column order (a kind uses the first
  /// variables.size() columns of Agents::variables).
  std::vector<std::string> variables;
  /// Radius a picture or a VTK file draws the cell with [um] (volume 2494 um^3).
  double radius_um = 8.41;
  /// The variable that pictures show as the repair (Schwann-like) phenotype, or empty.
  std::string phenotype;
  /// How many cells an agent stands for: `cells_per_agent`, or its variable `cells_variable` when
  /// the number changes (transplanted cells that die off). 0 and empty: not a cell (a vessel's
  /// growing tip).
  double cells_per_agent = 0;
  std::string cells_variable;

  /// Column of the variable `name`; throws std::out_of_range naming the kind when it has none.
  std::size_t variable(std::string_view name) const;
};

/// Everything about the cells that changes: part of the State.
class Agents {
 public:
  explicit Agents(std::vector<CellKind> kinds);

  /// Adds an agent (all variables 0, no motility); returns its index. Ids increase in order of
  /// creation.
  std::size_t add(std::uint8_t kind, std::array<double, 3> position);
  std::size_t size() const { return id.size(); }
  const std::vector<CellKind>& kinds() const { return kinds_; }
  /// Index of the kind `name`; throws std::out_of_range when there is none.
  std::uint8_t kind_index(std::string_view name) const;
  /// Index of the agent with this id, or size() if none (linear search: for tests and tools).
  std::size_t find(std::uint64_t agent_id) const;
  /// Bytes of storage per agent (all columns).
  double bytes_per_agent() const;

  // Columns (structure of arrays), in order of creation; ids never change.
  std::vector<std::uint64_t> id;
  std::vector<std::uint8_t> kind;
  aligned_vector<double> x, y, z;                 ///< position [um]
  aligned_vector<double> mx, my, mz;              ///< heading kept between steps (persistence) [1]
  std::vector<aligned_vector<double>> variables;  ///< as many columns as the kind with the most variables

  std::uint64_t next_id = 0;

  /// Removes the agents flagged non-zero, keeping the order of the others (deaths applied by
  /// mechanisms after their two-phase step).
  void remove_flagged(const std::vector<std::uint8_t>& dead);

 private:
  std::vector<CellKind> kinds_;
};

}  // namespace bungner::agents
