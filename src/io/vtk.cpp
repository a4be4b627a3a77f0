#include "bungner/io/vtk.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <type_traits>

#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"

namespace bungner::io {
namespace {

static_assert(std::endian::native == std::endian::little, "VTK files are written as LittleEndian");

template <typename T>
constexpr const char* vtk_type() {
  if constexpr (std::is_same_v<T, double>) return "Float64";
  if constexpr (std::is_same_v<T, std::int64_t>) return "Int64";
  if constexpr (std::is_same_v<T, std::uint64_t>) return "UInt64";
  if constexpr (std::is_same_v<T, std::uint8_t>) return "UInt8";
}

/// A DataArray element in VTK's inline binary encoding: the byte count as UInt64, then the
/// values, each base64-encoded on its own (as VTK's own writer does).
template <typename T>
void data_array(std::string& out, std::string_view name, const T* values, std::size_t count, int components = 1) {
  const std::uint64_t bytes = count * sizeof(T);
  out += fmt::format("        <DataArray type=\"{}\" Name=\"{}\" NumberOfComponents=\"{}\" format=\"binary\">", vtk_type<T>(),
                     name, components);
  out += text::base64_encode(&bytes, sizeof bytes);
  out += text::base64_encode(values, bytes);
  out += "</DataArray>\n";
}

template <typename Container>
void data_array(std::string& out, std::string_view name, const Container& values, int components = 1) {
  data_array(out, name, values.data(), values.size(), components);
}

/// A string array (field data): ASCII, each string's bytes followed by a 0, as VTK reads them.
void string_array(std::string& out, std::string_view name, const std::vector<std::string>& strings) {
  out += fmt::format("        <Array type=\"String\" Name=\"{}\" NumberOfTuples=\"{}\" format=\"ascii\">", name, strings.size());
  for (const auto& s : strings) {
    for (const unsigned char c : s) out += fmt::format("{} ", static_cast<int>(c));
    out += "0 ";
  }
  out += "</Array>\n";
}

std::string header(std::string_view type) {
  return fmt::format(
      "<?xml version=\"1.0\"?>\n<VTKFile type=\"{}\" version=\"1.0\" byte_order=\"LittleEndian\" "
      "header_type=\"UInt64\">\n",
      type);
}

/// Points and vertex/line topology of a PolyData piece.
void poly_points(std::string& out, const std::vector<double>& xyz) {
  out += "      <Points>\n";
  data_array(out, "Points", xyz.data(), xyz.size(), 3);
  out += "      </Points>\n";
}

void poly_cells(std::string& out, std::string_view element, const std::vector<std::int64_t>& connectivity,
                const std::vector<std::int64_t>& offsets) {
  out += fmt::format("      <{}>\n", element);
  data_array(out, "connectivity", connectivity);
  data_array(out, "offsets", offsets);
  out += fmt::format("      </{}>\n", element);
}

}  // namespace

std::string vti_text(const fields::Fields& fields, const std::vector<std::string>& substrate_names) {
  if (substrate_names.size() != fields.substrates())
    throw std::invalid_argument(
        fmt::format("vti_text: {} substrate names for {} substrates", substrate_names.size(), fields.substrates()));
  const fields::Grid& g = fields.grid();
  const std::string extent = fmt::format("0 {} 0 {} 0 {}", g.nx, g.ny, g.nz);
  std::string out = header("ImageData");
  out += fmt::format("  <ImageData WholeExtent=\"{}\" Origin=\"{} {} {}\" Spacing=\"{} {} {}\">\n", extent, g.origin_um[0],
                     g.origin_um[1], g.origin_um[2], g.dx_um, g.dx_um, g.dx_um);
  out += fmt::format("    <Piece Extent=\"{}\">\n      <CellData>\n", extent);
  // Voxels are stored x fastest, then y, then z: VTK's cell order, so each substrate is a
  // strided gather of the interleaved array.
  std::vector<double> column(g.voxels());
  for (std::size_t s = 0; s < fields.substrates(); ++s) {
    for (std::size_t v = 0; v < column.size(); ++v) column[v] = fields.at(v, s);
    data_array(out, text::xml_escape(substrate_names[s]), column);
  }
  out += "      </CellData>\n    </Piece>\n  </ImageData>\n</VTKFile>\n";
  return out;
}

std::string agents_vtp_text(const agents::Agents& agents) {
  const std::size_t n = agents.size();
  std::string out = header("PolyData");
  out += "  <PolyData>\n    <FieldData>\n";
  std::vector<std::string> kind_names;
  for (const auto& k : agents.kinds()) kind_names.push_back(k.name);  // as character codes: no escaping
  string_array(out, "kind_names", kind_names);
  out += "    </FieldData>\n";
  out += fmt::format(
      "    <Piece NumberOfPoints=\"{}\" NumberOfVerts=\"{}\" NumberOfLines=\"0\" NumberOfStrips=\"0\" "
      "NumberOfPolys=\"0\">\n",
      n, n);
  out += "      <PointData>\n";
  data_array(out, "id", agents.id);
  data_array(out, "kind", agents.kind);
  std::vector<double> radius(n);
  for (std::size_t i = 0; i < n; ++i) radius[i] = agents.kinds()[agents.kind[i]].radius_um;
  data_array(out, "radius_um", radius);
  // One array per kind and variable ("schwann.cjun"), 0 for the agents of other kinds: a column
  // means something different for each kind.
  std::vector<double> values(n);
  for (std::size_t k = 0; k < agents.kinds().size(); ++k) {
    const agents::CellKind& kind = agents.kinds()[k];
    for (std::size_t v = 0; v < kind.variables.size(); ++v) {
      for (std::size_t i = 0; i < n; ++i) values[i] = agents.kind[i] == k ? agents.variables[v][i] : 0.0;
      data_array(out, text::xml_escape(kind.name + "." + kind.variables[v]), values);
    }
  }
  out += "      </PointData>\n";
  std::vector<double> xyz(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    xyz[3 * i] = agents.x[i];
    xyz[3 * i + 1] = agents.y[i];
    xyz[3 * i + 2] = agents.z[i];
  }
  poly_points(out, xyz);
  std::vector<std::int64_t> connectivity(n), offsets(n);
  for (std::size_t i = 0; i < n; ++i) {
    connectivity[i] = static_cast<std::int64_t>(i);
    offsets[i] = static_cast<std::int64_t>(i + 1);
  }
  poly_cells(out, "Verts", connectivity, offsets);
  out += "    </Piece>\n  </PolyData>\n</VTKFile>\n";
  return out;
}

std::string axons_vtp_text(const agents::Axons& axons) {
  std::vector<double> xyz;
  std::vector<std::int64_t> connectivity, offsets;
  std::vector<std::uint64_t> axon_id;
  std::vector<std::int64_t> parent_id;
  std::vector<double> diameter, myelin, g_ratio;
  for (const agents::Axon& axon : axons.all()) {
    const auto first = static_cast<std::int64_t>(xyz.size() / 3);
    for (const auto& p : axon.points) xyz.insert(xyz.end(), p.begin(), p.end());
    for (std::size_t s = 0; s + 1 < axon.points.size(); ++s) {
      connectivity.push_back(first + static_cast<std::int64_t>(s));
      connectivity.push_back(first + static_cast<std::int64_t>(s) + 1);
      offsets.push_back(static_cast<std::int64_t>(connectivity.size()));
      axon_id.push_back(axon.id);
      parent_id.push_back(axon.parent == UINT64_MAX ? -1 : static_cast<std::int64_t>(axon.parent));
      const double d = s < axon.diameter_um.size() ? axon.diameter_um[s] : 0.0;
      const double m = s < axon.myelin_um.size() ? axon.myelin_um[s] : 0.0;
      diameter.push_back(d);
      myelin.push_back(m);
      g_ratio.push_back(d + 2 * m > 0 ? d / (d + 2 * m) : 1.0);
    }
  }
  std::string out = header("PolyData");
  out += fmt::format(
      "  <PolyData>\n    <Piece NumberOfPoints=\"{}\" NumberOfVerts=\"0\" NumberOfLines=\"{}\" "
      "NumberOfStrips=\"0\" NumberOfPolys=\"0\">\n",
      xyz.size() / 3, offsets.size());
  out += "      <CellData>\n";
  data_array(out, "axon_id", axon_id);
  data_array(out, "parent_id", parent_id);
  data_array(out, "diameter_um", diameter);
  data_array(out, "myelin_um", myelin);
  data_array(out, "g_ratio", g_ratio);
  out += "      </CellData>\n";
  poly_points(out, xyz);
  poly_cells(out, "Lines", connectivity, offsets);
  out += "    </Piece>\n  </PolyData>\n</VTKFile>\n";
  return out;
}

std::string axons_swc_text(const agents::Axons& axons, const std::vector<std::string>& comment) {
  std::string out;
  for (const std::string& line : comment) out += "# " + line + "\n";
  out += "# id type x y z radius parent (um; type 2 = axon)\n";
  std::map<std::uint64_t, std::size_t> first_sample;  // axon id -> SWC id of its first point
  std::map<std::uint64_t, const agents::Axon*> by_id;
  for (const agents::Axon& axon : axons.all()) by_id[axon.id] = &axon;
  std::size_t next = 1;
  for (const agents::Axon& axon : axons.all()) {
    if (axon.points.empty()) continue;
    first_sample[axon.id] = next;
    // A branch hangs from the parent's point nearest to its origin (a parent precedes its
    // branches: it was added first).
    long long root_parent = -1;
    if (const auto parent = by_id.find(axon.parent); parent != by_id.end() && first_sample.count(axon.parent)) {
      const auto& points = parent->second->points;
      std::size_t nearest = 0;
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < points.size(); ++k) {
        double d2 = 0;
        for (int c = 0; c < 3; ++c) d2 += (points[k][c] - axon.points[0][c]) * (points[k][c] - axon.points[0][c]);
        if (d2 < best) best = d2, nearest = k;
      }
      const std::size_t hung_from = first_sample[axon.parent] + nearest;
      root_parent = static_cast<long long>(hung_from);
    }
    for (std::size_t k = 0; k < axon.points.size(); ++k) {
      const std::size_t segment = k == 0 ? 0 : k - 1;
      const double diameter = segment < axon.diameter_um.size() ? axon.diameter_um[segment] : axons.cone().initial_diameter_um;
      const auto& p = axon.points[k];
      out += fmt::format("{} 2 {} {} {} {} {}\n", next, text::format_double(p[0]), text::format_double(p[1]),
                         text::format_double(p[2]), text::format_double(diameter / 2),
                         k == 0 ? root_parent : static_cast<long long>(next - 1));
      ++next;
    }
  }
  return out;
}

std::string pvd_text(const std::vector<PvdEntry>& entries) {
  std::string out =
      "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"1.0\" byte_order=\"LittleEndian\">\n"
      "  <Collection>\n";
  for (const auto& e : entries)
    out += fmt::format("    <DataSet timestep=\"{}\" group=\"\" part=\"{}\" file=\"{}\"/>\n", e.time_days, e.part,
                       text::xml_escape(e.file));
  out += "  </Collection>\n</VTKFile>\n";
  return out;
}

VtkSeries::VtkSeries(std::filesystem::path directory) : directory_(std::move(directory)) {
  std::filesystem::create_directories(directory_);
}

void VtkSeries::add(double time_days, std::size_t index, const Snapshot3d& snapshot) {
  const auto write = [&](int part, std::string_view stem, std::string_view extension, const std::string& text) {
    const std::string file = fmt::format("{}_{:06d}.{}", stem, index, extension);
    write_file_atomically(directory_ / file, text);
    entries_.push_back({time_days, part, file});
  };
  if (snapshot.fields != nullptr) write(0, "fields", "vti", vti_text(*snapshot.fields, snapshot.substrate_names));
  if (snapshot.agents != nullptr) write(1, "agents", "vtp", agents_vtp_text(*snapshot.agents));
  if (snapshot.axons != nullptr) write(2, "axons", "vtp", axons_vtp_text(*snapshot.axons));
  write_file_atomically(pvd_path(), pvd_text(entries_));
}

}  // namespace bungner::io
