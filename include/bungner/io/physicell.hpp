#pragma once
// The injury site in the layout PhysiCell writes (MultiCellDS-style XML with MATLAB level-4
// matrices), so that PhysiCell users' loaders (pyMCDS, pcdl, PhysiCell Studio's plots, MATLAB's
// load) open a bungner run's cells and fields at each readout time. Written beside the ParaView
// files, in DIR/physicell/. See docs/report.md ("PhysiCell layout").
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bungner/agents/agents.hpp"
#include "bungner/fields/fields.hpp"

namespace bungner::io {

/// A MATLAB level-4 file (the format PhysiCell's .mat outputs use) holding one full real matrix
/// `name` of rows x cols, little-endian doubles; `column_major` has rows * cols values, column
/// after column.
std::string matlab_v4(std::string_view name, std::size_t rows, std::size_t cols, std::span<const double> column_major);

/// One readout time of the site: the fields (a snapshot with its substrates' names, diffusion and
/// decay; tissue layers have neither) and the cells.
struct PhysiCellSnapshot {
  const fields::Fields* fields = nullptr;
  std::vector<fields::Substrate> substrates;  ///< one per substrate of `fields`, in order
  const agents::Agents* cells = nullptr;
  double time_days = 0;
  std::size_t index = 0;  ///< output number: output%08d.*
  std::string description;
};

/// The labels (rows) of the cells matrix, PhysiCell's first (ID, position, total_volume,
/// cell_type) and then one per kind and variable ("schwann.cjun", 0 for cells of other kinds),
/// each with its size (position: 3).
std::vector<std::pair<std::string, int>> physicell_cell_labels(const agents::Agents& cells);

/// Writes DIR/output%08d.xml, output%08d_cells.mat and output%08d_microenvironment0.mat, and
/// DIR/initial_mesh0.mat (the voxel centres and volumes), each atomically. Throws
/// std::invalid_argument when `substrates` does not match the fields.
void write_physicell(const std::filesystem::path& dir, const PhysiCellSnapshot& snapshot);

}  // namespace bungner::io
