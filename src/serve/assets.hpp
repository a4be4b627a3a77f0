#pragma once
// The workbench's single-page application (web/workbench/) and the libraries it loads, embedded
// in the executable: the workbench needs no network and no files beside the binary.
#include <string_view>
#include <vector>

namespace bungner::serve {

struct Asset {
  std::string_view path;  ///< URL path, e.g. "/workbench.js"
  std::string_view mime;
  std::string_view content;
};

/// The pages, scripts and style sheet, and the libraries the build embedded: Vega-Lite (plots) and
/// three.js (the 3D viewer) when web/node_modules was installed at configure time.
std::vector<Asset> workbench_assets();

}  // namespace bungner::serve
