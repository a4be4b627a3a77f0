// The paths come from the build (BUNGNER_WORKBENCH_DIR, BUNGNER_THREE_DIR; CMakeLists.txt).
#include "assets.hpp"

#include "bungner/core/embed_file.hpp"
#include "bungner/io/report.hpp"

BUNGNER_EMBED_FILE(bungner_workbench_html, BUNGNER_WORKBENCH_DIR "/index.html")
BUNGNER_EMBED_FILE(bungner_workbench_js, BUNGNER_WORKBENCH_DIR "/workbench.js")
BUNGNER_EMBED_FILE(bungner_workbench_viewer_js, BUNGNER_WORKBENCH_DIR "/viewer.js")
BUNGNER_EMBED_FILE(bungner_workbench_toml_keys_js, BUNGNER_WORKBENCH_DIR "/toml-keys.mjs")
BUNGNER_EMBED_FILE(bungner_workbench_css, BUNGNER_WORKBENCH_DIR "/workbench.css")
#if BUNGNER_THREE_EMBEDDED
BUNGNER_EMBED_FILE(bungner_three_module_js, BUNGNER_THREE_DIR "/three.module.js")
BUNGNER_EMBED_FILE(bungner_three_core_js, BUNGNER_THREE_DIR "/three.core.js")
#endif

namespace bungner::serve {
namespace {

std::string_view bytes(const char* begin, const char* end) { return {begin, static_cast<std::size_t>(end - begin)}; }

}  // namespace

std::vector<Asset> workbench_assets() {
  constexpr std::string_view javascript = "text/javascript; charset=utf-8";
  std::vector<Asset> assets = {
      {"/", "text/html; charset=utf-8", bytes(bungner_workbench_html_begin, bungner_workbench_html_end)},
      {"/workbench.js", javascript, bytes(bungner_workbench_js_begin, bungner_workbench_js_end)},
      {"/viewer.js", javascript, bytes(bungner_workbench_viewer_js_begin, bungner_workbench_viewer_js_end)},
      {"/toml-keys.js", javascript, bytes(bungner_workbench_toml_keys_js_begin, bungner_workbench_toml_keys_js_end)},
      {"/workbench.css", "text/css; charset=utf-8", bytes(bungner_workbench_css_begin, bungner_workbench_css_end)},
  };
#if BUNGNER_THREE_EMBEDDED
  assets.push_back({"/lib/three.module.js", javascript, bytes(bungner_three_module_js_begin, bungner_three_module_js_end)});
  assets.push_back({"/lib/three.core.js", javascript, bytes(bungner_three_core_js_begin, bungner_three_core_js_end)});
#endif
  const io::ReportLibraries plots = io::report_libraries();
  if (!plots.vega.empty()) {
    assets.push_back({"/lib/vega.js", javascript, plots.vega});
    assets.push_back({"/lib/vega-lite.js", javascript, plots.vega_lite});
    assets.push_back({"/lib/vega-embed.js", javascript, plots.vega_embed});
  }
  return assets;
}

}  // namespace bungner::serve
