// The plotting libraries, embedded byte for byte with the assembler's .incbin: no generated
// source, no size limit on string literals, and the build redoes this object when a file changes
// (OBJECT_DEPENDS in CMakeLists.txt). The paths come from the build (BUNGNER_*_JS).
#include "bungner/core/embed_file.hpp"
#include "bungner/io/report.hpp"

#if BUNGNER_WEB_BUNDLES
BUNGNER_EMBED_FILE(bungner_vega_js, BUNGNER_VEGA_JS)
BUNGNER_EMBED_FILE(bungner_vega_lite_js, BUNGNER_VEGA_LITE_JS)
BUNGNER_EMBED_FILE(bungner_vega_embed_js, BUNGNER_VEGA_EMBED_JS)
#endif

namespace bungner::io {

ReportLibraries report_libraries() {
#if !BUNGNER_WEB_BUNDLES
  return {};  // configured without web/node_modules: reports draw static SVG plots
#else
  return {{bungner_vega_js_begin, static_cast<std::size_t>(bungner_vega_js_end - bungner_vega_js_begin)},
          {bungner_vega_lite_js_begin, static_cast<std::size_t>(bungner_vega_lite_js_end - bungner_vega_lite_js_begin)},
          {bungner_vega_embed_js_begin, static_cast<std::size_t>(bungner_vega_embed_js_end - bungner_vega_embed_js_begin)}};
#endif
}

}  // namespace bungner::io
