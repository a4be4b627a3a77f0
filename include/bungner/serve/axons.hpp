#pragma once
// Axon files too large for the 3D viewer (docs/workbench.md): a 3D run's axons_*.vtp grows past
// what a browser decodes and draws at once, so the workbench sends a thinned copy of it, whole
// axons only (every k-th), as line segments.
#include <cstddef>
#include <string_view>
#include <vector>

namespace bungner::serve {

struct DecimatedAxons {
  std::vector<float> segments;  ///< x0 y0 z0 x1 y1 z1 per kept segment [um]
  std::size_t total_segments = 0;
  std::size_t total_axons = 0;  ///< runs of connected segments (an axon's segments share points)
  std::size_t kept_axons = 0;
  std::size_t stride = 1;  ///< every stride-th axon is kept
};

/// Every k-th axon of a VTK PolyData file of line cells as bungner writes them (io/vtk.cpp:
/// inline base64 "binary" arrays, `Points` and the `Lines` `connectivity`), k the smallest that
/// keeps at most `max_segments` segments on average. Throws std::runtime_error for a file of
/// another layout or with points out of range.
DecimatedAxons decimate_axons_vtp(std::string_view xml, std::size_t max_segments);

}  // namespace bungner::serve
