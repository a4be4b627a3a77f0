#pragma once
// What `bungner calibrate` writes besides the CSV tables (docs/calibration-abc.md): calibration.json
// (the posterior's marginals, the per-generation figures and provenance) and report.html (weighted
// marginal histograms and pairwise scatter plots as static inline SVG; no script, so it opens
// offline and stays small).
#include <cstddef>
#include <string>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/calibration/calibrate.hpp"

namespace bungner::calibration {

/// calibration.json: the calibration file (path, title, SHA-256 `file_sha256`), the bungner version
/// and git commit, the options, every parameter's unit, prior and marginal (mean, sd, q05, q50,
/// q95; marginal()), every generation's figures (tolerance null for generation 0), the fit
/// entries, the stop reason and `subjects_per_evaluation` (model runs per distance evaluation, for
/// throughput figures; 0 when unknown). Nothing in it depends on the thread or rank count or the output
/// directory, so it is byte-identical wherever the posterior is.
std::string calibration_json(const Result& result, const CalibrationSpec& spec, const std::string& file_sha256,
                             std::size_t subjects_per_evaluation = 0);

/// report.html: the marginals table, one weighted histogram per parameter
/// (figure.histogram[data-parameter], rect.bar[data-weight]), one scatter plot per pair of
/// parameters (figure.scatter[data-x][data-y], circle.particle), the generations and provenance.
std::string calibration_report_html(const Result& result, const CalibrationSpec& spec, const std::string& file_sha256);

}  // namespace bungner::calibration
