#pragma once
// ParaView output: VTK XML files for the 3D layers of a run, one file per layer and time, tied
// into a time series by a .pvd collection. Arrays are inline base64 "binary" (little-endian, with
// a UInt64 byte-count header), about half the size of decimal text and exact to the bit; the XML
// structure around them stays readable. See docs/report.md.
#include <filesystem>
#include <string>
#include <vector>

#include "bungner/agents/agents.hpp"
#include "bungner/agents/axons.hpp"
#include "bungner/fields/fields.hpp"

namespace bungner::io {

/// ImageData (.vti): one cell per voxel, one cell-data array per substrate named after it.
/// Coordinates are in um (the grid's origin and voxel edge). `substrate_names` has one name
/// per substrate of `fields` (Fields holds only values); throws std::invalid_argument otherwise.
std::string vti_text(const fields::Fields& fields, const std::vector<std::string>& substrate_names);

/// PolyData (.vtp) of cells: one vertex per agent at its position [um], with point-data arrays
/// id, kind (index into Agents::kinds()), radius_um, cleared and one per state variable, and the
/// kind names as a field-data string array `kind_names`.
std::string agents_vtp_text(const agents::Agents& agents);

/// PolyData (.vtp) of axons: every polyline point once, one line cell per segment (so diameter
/// and myelin can vary along an axon), with cell-data arrays axon_id, parent_id (-1: none),
/// diameter_um, myelin_um and g_ratio (axon diameter / fibre diameter; 1 when unmyelinated).
std::string axons_vtp_text(const agents::Axons& axons);

/// The axons in the SWC format of NeuroMorpho.Org and neuron-tracing tools (Cannon et al. 1998,
/// doi:10.1016/S0165-0270(98)00091-0): one sample per polyline point, "id type x y z radius
/// parent", ids from 1 in axon order, type 2 (axon), coordinates and radius in um (the radius of
/// the segment that ends at the point; a first point takes its first segment's). An axon's first
/// point hangs from the nearest point of the axon it branched from, or is a root (parent -1): the
/// file is a forest of one tree per axon that enters the site. `comment` lines come first, as #.
std::string axons_swc_text(const agents::Axons& axons, const std::vector<std::string>& comment = {});

/// One file of a time series; `part` distinguishes the layers written at the same time.
struct PvdEntry {
  double time_days = 0;
  int part = 0;
  std::string file;  ///< relative to the .pvd file
};
std::string pvd_text(const std::vector<PvdEntry>& entries);

/// The layers a snapshot holds; null members are skipped.
struct Snapshot3d {
  const fields::Fields* fields = nullptr;
  std::vector<std::string> substrate_names;
  const agents::Agents* agents = nullptr;
  const agents::Axons* axons = nullptr;
};

/// A ParaView time series in a directory: each add() writes fields_NNNNNN.vti,
/// agents_NNNNNN.vtp and axons_NNNNNN.vtp (the layers present) and rewrites series.pvd, every
/// file atomically, so the collection is valid whenever a run stops. Open series.pvd in ParaView.
class VtkSeries {
 public:
  explicit VtkSeries(std::filesystem::path directory);
  /// Writes the snapshot at `time_days`; `index` numbers the files (e.g. the readout number).
  void add(double time_days, std::size_t index, const Snapshot3d& snapshot);
  const std::vector<PvdEntry>& entries() const { return entries_; }
  std::filesystem::path pvd_path() const { return directory_ / "series.pvd"; }

 private:
  std::filesystem::path directory_;
  std::vector<PvdEntry> entries_;
};

}  // namespace bungner::io
