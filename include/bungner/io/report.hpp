#pragma once
// The HTML report of a run or study directory: one self-contained file that works offline, with
// the scenario in words, Vega-Lite plots (the libraries inlined), tables and provenance.
// See docs/report.md.
#include <filesystem>
#include <string>
#include <string_view>

namespace bungner::io {

/// The report of the run (run.json) or study (study.json + summary.json) in `dir`.
/// Throws InputError when the directory holds neither, or a file is unreadable. With
/// `static_plots` (or in a build without the plotting libraries) the plots are inline SVG drawn
/// here and the page has no JavaScript.
std::string report_html(const std::filesystem::path& dir, bool static_plots = false);

/// The scenario in words, as the report opens with it, from a resolved scenario's TOML.
std::string scenario_description(const std::string& resolved_toml, const std::string& name);

/// Writes dir/report.html atomically and returns its path.
std::filesystem::path write_report(const std::filesystem::path& dir, bool static_plots = false);

/// Whether the build embedded the plotting libraries (web/node_modules at configure time).
bool plotting_libraries_embedded();

/// The style sheet of every report, for pages that share their look (the calibration's).
std::string_view report_style();

/// The JavaScript libraries inlined into every report (Vega, Vega-Lite, vega-embed), embedded in
/// the binary when it is built from web/node_modules (installed by `npm ci` from the lock file);
/// empty views in a build configured without them.
struct ReportLibraries {
  std::string_view vega, vega_lite, vega_embed;
};
ReportLibraries report_libraries();

}  // namespace bungner::io
