#include "bungner/io/physicell.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <stdexcept>

#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"

namespace bungner::io {
namespace {

static_assert(std::endian::native == std::endian::little, "the MATLAB files are written little-endian");

constexpr double minutes_per_day = 1440.0;

void append_int32(std::string& out, std::int32_t v) {
  char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.append(bytes, sizeof v);
}

/// Voxel centres along one axis, as PhysiCell lists them in the mesh element.
std::string coordinates(double origin, double dx, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += fmt::format("{}{}", i ? " " : "", text::format_double(origin + (i + 0.5) * dx));
  return out;
}

}  // namespace

std::string matlab_v4(std::string_view name, std::size_t rows, std::size_t cols, std::span<const double> column_major) {
  if (column_major.size() != rows * cols)
    throw std::invalid_argument(fmt::format("matlab_v4: {} values for a {} x {} matrix", column_major.size(), rows, cols));
  std::string out;
  // Header: type 0000 (little-endian, double, full numeric), rows, columns, no imaginary part,
  // name length with its terminating zero.
  append_int32(out, 0);
  append_int32(out, static_cast<std::int32_t>(rows));
  append_int32(out, static_cast<std::int32_t>(cols));
  append_int32(out, 0);
  append_int32(out, static_cast<std::int32_t>(name.size() + 1));
  out.append(name);
  out.push_back('\0');
  out.append(reinterpret_cast<const char*>(column_major.data()), column_major.size() * sizeof(double));
  return out;
}

std::vector<std::pair<std::string, int>> physicell_cell_labels(const agents::Agents& cells) {
  std::vector<std::pair<std::string, int>> labels = {{"ID", 1}, {"position", 3}, {"total_volume", 1}, {"cell_type", 1}};
  for (const agents::CellKind& kind : cells.kinds())
    for (const std::string& v : kind.variables) labels.emplace_back(kind.name + "." + v, 1);
  return labels;
}

void write_physicell(const std::filesystem::path& dir, const PhysiCellSnapshot& s) {
  const fields::Fields& f = *s.fields;
  const agents::Agents& cells = *s.cells;
  if (s.substrates.size() != f.substrates())
    throw std::invalid_argument(fmt::format("write_physicell: {} substrates for {} fields", s.substrates.size(), f.substrates()));
  const fields::Grid& g = f.grid();
  const std::size_t voxels = g.voxels(), S = f.substrates();
  const double volume = g.voxel_volume_um3();
  std::filesystem::create_directories(dir);
  const std::string stem = fmt::format("output{:08d}", s.index);

  // Microenvironment: rows x, y, z, volume and one per substrate; a column per voxel, x fastest.
  std::vector<double> mesh(4 * voxels), environment((4 + S) * voxels);
  for (std::size_t v = 0; v < voxels; ++v) {
    const auto [i, j, k] = g.ijk(v);
    const auto c = g.center(i, j, k);
    for (std::size_t r = 0; r < 3; ++r) mesh[4 * v + r] = environment[(4 + S) * v + r] = c[r];
    mesh[4 * v + 3] = environment[(4 + S) * v + 3] = volume;
    for (std::size_t q = 0; q < S; ++q) environment[(4 + S) * v + 4 + q] = f.at(v, q);
  }
  write_file_atomically(dir / "initial_mesh0.mat", matlab_v4("mesh", 4, voxels, mesh));
  write_file_atomically(dir / (stem + "_microenvironment0.mat"),
                        matlab_v4("multiscale_microenvironment", 4 + S, voxels, environment));

  // Cells: a column per agent, rows as physicell_cell_labels.
  const auto labels = physicell_cell_labels(cells);
  std::size_t rows = 0;
  for (const auto& l : labels) rows += static_cast<std::size_t>(l.second);
  const std::size_t n = cells.size();
  std::vector<double> matrix(rows * n, 0.0);
  for (std::size_t a = 0; a < n; ++a) {
    double* col = matrix.data() + rows * a;
    const agents::CellKind& kind = cells.kinds()[cells.kind[a]];
    col[0] = static_cast<double>(cells.id[a]);
    col[1] = cells.x[a];
    col[2] = cells.y[a];
    col[3] = cells.z[a];
    col[4] = 4.0 / 3.0 * std::numbers::pi * kind.radius_um * kind.radius_um * kind.radius_um;
    col[5] = cells.kind[a];
    std::size_t row = 6;
    for (std::size_t k = 0; k < cells.kinds().size(); ++k)
      for (std::size_t v = 0; v < cells.kinds()[k].variables.size(); ++v, ++row)
        if (cells.kind[a] == k) col[row] = cells.variables[v][a];
  }
  write_file_atomically(dir / (stem + "_cells.mat"), matlab_v4("cells", rows, n, matrix));

  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MultiCellDS version=\"2\" type=\"snapshot/simulation\">\n";
  xml += fmt::format(
      "  <metadata>\n    <software><name>bungner</name></software>\n    <description>{}</description>\n"
      "    <current_time units=\"min\">{}</current_time>\n    <current_runtime units=\"sec\">0</current_runtime>\n"
      "  </metadata>\n",
      text::xml_escape(s.description), text::format_double(s.time_days * minutes_per_day));
  xml += "  <microenvironment>\n    <domain name=\"microenvironment\">\n";
  xml += fmt::format("      <mesh type=\"Cartesian\" uniform=\"true\" regular=\"true\" units=\"micron\">\n");
  xml += fmt::format("        <bounding_box type=\"axis-aligned\" units=\"micron\">{} {} {} {} {} {}</bounding_box>\n",
                     text::format_double(g.origin_um[0]), text::format_double(g.origin_um[1]),
                     text::format_double(g.origin_um[2]), text::format_double(g.origin_um[0] + g.nx * g.dx_um),
                     text::format_double(g.origin_um[1] + g.ny * g.dx_um), text::format_double(g.origin_um[2] + g.nz * g.dx_um));
  xml += fmt::format("        <x_coordinates delimiter=\" \">{}</x_coordinates>\n", coordinates(g.origin_um[0], g.dx_um, g.nx));
  xml += fmt::format("        <y_coordinates delimiter=\" \">{}</y_coordinates>\n", coordinates(g.origin_um[1], g.dx_um, g.ny));
  xml += fmt::format("        <z_coordinates delimiter=\" \">{}</z_coordinates>\n", coordinates(g.origin_um[2], g.dx_um, g.nz));
  xml += "        <voxels type=\"matlab\" encoding=\"doubles\"><filename>initial_mesh0.mat</filename></voxels>\n      </mesh>\n";
  xml += "      <variables>\n";
  for (std::size_t q = 0; q < S; ++q)
    xml += fmt::format(
        "        <variable name=\"{}\" units=\"{}\" ID=\"{}\">\n          <physical_parameter_set>\n"
        "            <diffusion_coefficient units=\"micron^2/min\">{}</diffusion_coefficient>\n"
        "            <decay_rate units=\"1/min\">{}</decay_rate>\n          </physical_parameter_set>\n        </variable>\n",
        text::xml_escape(s.substrates[q].name), text::xml_escape(s.substrates[q].unit), q,
        text::format_double(s.substrates[q].diffusion_um2_per_min), text::format_double(s.substrates[q].decay_per_min));
  xml += "      </variables>\n";
  xml += fmt::format("      <data type=\"matlab\"><filename>{}_microenvironment0.mat</filename></data>\n", stem);
  xml += "    </domain>\n  </microenvironment>\n";
  xml += "  <cellular_information>\n    <cell_populations>\n      <cell_population type=\"individual\">\n        <custom>\n";
  xml += "          <simplified_data type=\"matlab\" source=\"PhysiCell\" data_version=\"2\">\n            <cell_types>\n";
  for (std::size_t k = 0; k < cells.kinds().size(); ++k)
    xml += fmt::format("              <type ID=\"{}\" type=\"{}\">{}</type>\n", k, k, text::xml_escape(cells.kinds()[k].name));
  xml += "            </cell_types>\n            <labels>\n";
  std::size_t index = 0;
  for (const auto& [label, size] : labels) {
    xml += fmt::format("              <label index=\"{}\" size=\"{}\">{}</label>\n", index, size, text::xml_escape(label));
    index += static_cast<std::size_t>(size);
  }
  xml += fmt::format("            </labels>\n            <filename>{}_cells.mat</filename>\n", stem);
  xml += "          </simplified_data>\n        </custom>\n      </cell_population>\n    </cell_populations>\n";
  xml += "  </cellular_information>\n</MultiCellDS>\n";
  write_file_atomically(dir / (stem + ".xml"), xml);
}

}  // namespace bungner::io
