#pragma once
// Pictures of the 3D state as SVG (no dependencies, sharp at any zoom, opens in any browser):
// a longitudinal section through the injury site and a distal cross-section drawn as a semithin
// histology section looks. Written from Fields, Agents and Axons at readout times; see
// docs/report.md for the colours and conventions.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bungner/agents/agents.hpp"
#include "bungner/agents/axons.hpp"
#include "bungner/fields/fields.hpp"

namespace bungner::io {

/// A longitudinal section: x (along the nerve) to the right, y up, looking down the z axis.
struct LongitudinalSection {
  /// Only what lies within this distance of the section plane z = plane_z_um is drawn [um];
  /// the plane defaults to the middle of the grid (or of the agents, without fields).
  double slab_half_thickness_um = 50;
  std::optional<double> plane_z_um;
  /// The field shown as a heat map (index into the substrates; none when negative), its voxels
  /// being those of the grid layer containing the plane.
  int field_substrate = -1;
  std::string field_name;
  /// Legend of the phenotype colour: a cell whose kind declares a phenotype variable in [0, 1]
  /// (agents::CellKind::phenotype, e.g. a repair programme) is shifted from its kind's colour
  /// toward magenta by it; empty: colour by kind only.
  std::string phenotype_label;
  double pixels_per_um = 1.0;
  std::string title;
};

/// SVG of the section. Elements carry classes for tools and tests: rect.voxel (heat map),
/// circle.cell (data-kind, data-id), polyline.axon (data-id); a legend names kinds and the field.
std::string longitudinal_section_svg(const fields::Fields* fields, const agents::Agents* agents, const agents::Axons* axons,
                                     const LongitudinalSection& options);

/// A cross-section at x = x_um, seen along the nerve (y to the right, z up), as a toluidine-blue
/// semithin section: each axon segment crossing the plane is an axon (circle.axon, diameter from
/// the segment) inside a dark myelin ring (circle.myelin, thickness from the segment; none when
/// unmyelinated), with a 10 um scale bar and the count and mean g-ratio in the caption.
struct CrossSection {
  double x_um = 0;
  /// The area drawn, [y_low, z_low, y_high, z_high] in um; default: the crossings' bounding box
  /// with a margin.
  std::optional<std::array<double, 4>> area_um;
  double pixels_per_um = 8.0;
  std::string title;
};
std::string cross_section_svg(const agents::Axons& axons, const CrossSection& options);

/// One crossing of the plane x = x_um: where, and the segment's calibre.
struct AxonCrossing {
  std::uint64_t axon_id = 0;
  double y_um = 0, z_um = 0;
  double diameter_um = 0, myelin_um = 0;
};
/// Every segment that crosses the plane (a segment ending on the plane counts once), in axon order.
std::vector<AxonCrossing> axon_crossings(const agents::Axons& axons, double x_um);

/// Writes the pictures of one readout time into `directory` (created if missing), each file
/// atomically: section_NNNNNN.svg (longitudinal section; needs fields, agents or axons) and
/// cross_section_NNNNNN.svg (at `cross.x_um`; needs axons). Run reports show every SVG of their
/// pictures/ folder, in name order.
void write_pictures(const std::filesystem::path& directory, std::size_t index, const fields::Fields* fields,
                    const agents::Agents* agents, const agents::Axons* axons, const LongitudinalSection& section,
                    const CrossSection& cross);

/// The opening tag of a standalone SVG picture of width x height pixels, with its title (what a
/// screen reader and a hover show).
std::string svg_open(double width, double height, std::string_view title);

/// Colour of cell kind k ("#rrggbb"), from a qualitative palette that repeats after 8 kinds.
std::string kind_colour(std::size_t kind);

}  // namespace bungner::io
