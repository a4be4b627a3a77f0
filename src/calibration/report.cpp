#include "bungner/calibration/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "bungner/core/build_info.hpp"
#include "bungner/core/text.hpp"
#include "bungner/io/pictures.hpp"
#include "bungner/io/report.hpp"

namespace bungner::calibration {
namespace {

using Json = nlohmann::ordered_json;

const char* kind_name(PriorKind kind) {
  switch (kind) {
    case PriorKind::uniform: return "uniform";
    case PriorKind::log_uniform: return "log_uniform";
    case PriorKind::normal: return "normal";
    case PriorKind::lognormal: return "lognormal";
  }
  return "uniform";
}

Json prior_json(const Prior& p) {
  Json j = {{"kind", kind_name(p.kind)}, {"low", p.low}, {"high", p.high}};
  if (p.kind == PriorKind::normal) j["mean"] = p.mean, j["sd"] = p.sd;
  // The lognormal's centre is its median and its spread the SD of ln x (abc_smc.hpp).
  if (p.kind == PriorKind::lognormal) j["median"] = p.mean, j["sigma"] = p.sd;
  return j;
}

std::string unit_of(const CalibrationSpec& spec, std::size_t k) { return k < spec.units.size() ? spec.units[k] : ""; }

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
  if (std::isnan(v)) return "–";
  return fmt::format("{:.4g}", v);
}

std::string prior_words(const Prior& p, const std::string& unit) {
  const std::string u = unit == "1" || unit.empty() ? "" : " " + unit;
  std::string out = fmt::format("{} on [{}, {}]{}", kind_name(p.kind), number(p.low), number(p.high), u);
  if (p.kind == PriorKind::normal) out += fmt::format(", mean {}, sd {}", number(p.mean), number(p.sd));
  if (p.kind == PriorKind::lognormal) out += fmt::format(", median {}, sigma {}", number(p.mean), number(p.sd));
  return out;
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table class=\"numbers\">\n<thead><tr>";
  for (const auto& h : header) out += fmt::format("<th>{}</th>", text::xml_escape(h));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row) out += fmt::format("<td>{}</td>", text::xml_escape(cell));
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

/// One parameter's axis: the span of the particles on the sampler's scale z (so a log-scale
/// parameter is drawn on a log axis), with a margin, inside the prior's support.
struct Axis {
  const Prior* prior = nullptr;
  double low = 0, high = 1;  ///< on z
  double from = 0, to = 1;   ///< pixels
  double pixel(double x) const { return from + (prior->to_z(x) - low) / (high - low) * (to - from); }
};

Axis axis_of(const Generation& g, const Prior& prior, std::size_t k, double from, double to) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const Particle& p : g.population) {
    const double z = prior.to_z(p.x[k]);
    low = std::min(low, z), high = std::max(high, z);
  }
  const double support = prior.z_high() - prior.z_low();
  const double margin = high > low ? 0.05 * (high - low) : 0.01 * support;
  low = std::max(low - margin, prior.z_low()), high = std::min(high + margin, prior.z_high());
  return Axis{&prior, low, high, from, to};
}

/// Five labelled ticks along a horizontal (at y) or vertical (at x) axis.
std::string ticks(const Axis& axis, bool horizontal, double at) {
  std::string out;
  for (int i = 0; i <= 4; ++i) {
    const double z = axis.low + (axis.high - axis.low) * i / 4.0;
    const double p = axis.from + (axis.to - axis.from) * i / 4.0;
    const std::string label = text::xml_escape(fmt::format("{:.3g}", axis.prior->to_x(z)));
    if (horizontal)
      out += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#444\"/>"
          "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
          p, at, at + 4, at + 16, label);
    else
      out += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#444\"/>"
          "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
          at - 4, p, at, at - 6, p + 4, label);
  }
  return out;
}

std::string axis_title(const Prior& p, const std::string& unit) {
  const std::string u = unit == "1" || unit.empty() ? "" : " (" + unit + ")";
  return text::xml_escape(p.name + u + (p.log_scale() ? ", log scale" : ""));
}

/// The weighted histogram of one parameter, with its 5 %, 50 % and 95 % marks.
std::string histogram_svg(const Generation& g, const Prior& prior, const std::string& unit, std::size_t k) {
  constexpr double width = 360, height = 230, left = 50, right = 340, top = 20, bottom = 180;
  const Axis axis = axis_of(g, prior, k, left, right);
  // About sqrt(N) bins: a common rule for a sample of N, kept between 5 and 40.
  const auto bins =
      static_cast<std::size_t>(std::clamp(std::lround(std::sqrt(static_cast<double>(g.population.size()))), 5L, 40L));
  std::vector<double> mass(bins, 0.0);
  for (const Particle& p : g.population) {
    const double u = (prior.to_z(p.x[k]) - axis.low) / (axis.high - axis.low);
    const auto b =
        static_cast<std::size_t>(std::clamp(std::floor(u * static_cast<double>(bins)), 0.0, static_cast<double>(bins - 1)));
    mass[b] += p.weight;
  }
  const double tallest = *std::max_element(mass.begin(), mass.end());
  std::string out = io::svg_open(width, height, "posterior of " + prior.name);
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
  const double bar = (right - left) / static_cast<double>(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    const double h = tallest > 0 ? mass[b] / tallest * (bottom - top) : 0;
    out += fmt::format(
        "<rect class=\"bar\" data-weight=\"{:.17g}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
        "fill=\"{}\"/>\n",
        mass[b], left + bar * static_cast<double>(b), bottom - h, bar - 1, h, io::kind_colour(0));
  }
  const Marginal m = marginal(g, k);
  for (const auto& [x, label] : {std::pair{m.q05, "5%"}, {m.q50, "median"}, {m.q95, "95%"}}) {
    const double p = axis.pixel(x);
    out += fmt::format(
        "<line class=\"quantile\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#c0392b\" "
        "stroke-dasharray=\"{3}\"/><text x=\"{0:.1f}\" y=\"{4:.1f}\" text-anchor=\"middle\" fill=\"#c0392b\">{5}</text>\n",
        p, top, bottom, std::string_view(label) == "median" ? "none" : "4 3", top - 6, label);
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#444\"/>\n", left, bottom, right);
  out += ticks(axis, true, bottom);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (left + right) / 2, bottom + 36,
                     axis_title(prior, unit));
  return out + "</svg>\n";
}

/// The particles of the population on two parameters; a point's area grows with its weight.
std::string scatter_svg(const Generation& g, const CalibrationSpec& spec, std::size_t kx, std::size_t ky) {
  constexpr double width = 340, height = 310, left = 60, right = 330, top = 30, bottom = 255;
  const Axis ax = axis_of(g, spec.priors[kx], kx, left, right), ay = axis_of(g, spec.priors[ky], ky, bottom, top);
  std::string out = io::svg_open(width, height, spec.priors[kx].name + " and " + spec.priors[ky].name);
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
  const double n = static_cast<double>(g.population.size());
  for (const Particle& p : g.population)
    out += fmt::format(
        "<circle class=\"particle\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.2f}\" fill=\"{}\" fill-opacity=\"0.55\"/>\n",
        ax.pixel(p.x[kx]), ay.pixel(p.x[ky]), std::min(1.5 + 2.5 * std::sqrt(p.weight * n), 10.0), io::kind_colour(0));
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#444\"/>\n", left, bottom, right);
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#444\"/>\n", left, bottom, top);
  out += ticks(ax, true, bottom) + ticks(ay, false, left);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (left + right) / 2, bottom + 36,
                     axis_title(spec.priors[kx], unit_of(spec, kx)));
  // The vertical axis's title runs above it: names are too long to fit along the axis.
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"start\">↑ {}</text>\n", 8, top - 14,
                     axis_title(spec.priors[ky], unit_of(spec, ky)));
  return out + "</svg>\n";
}

}  // namespace

std::string calibration_json(const Result& result, const CalibrationSpec& spec, const std::string& file_sha256,
                             std::size_t subjects_per_evaluation) {
  Json j;
  j["calibration_file"] = spec.path;
  j["title"] = spec.title;
  j["file_sha256"] = file_sha256;
  j["bungner_version"] = build_info::version;
  j["git_commit"] = build_info::git_commit;
  const Options& o = spec.options;
  j["seed"] = o.seed;
  j["particles"] = o.particles;
  j["alpha"] = o.alpha;
  j["stop"] = {{"max_generations", o.max_generations},
               {"min_tolerance", o.min_tolerance},
               {"min_acceptance", o.min_acceptance},
               {"max_attempts", o.max_attempts}};
  j["stop_reason"] = result.stop_reason;
  j["parameters"] = Json::array();
  for (std::size_t k = 0; k < spec.priors.size(); ++k) {
    const Marginal m = marginal(result.posterior(), k);
    j["parameters"].push_back({{"name", spec.priors[k].name},
                               {"unit", unit_of(spec, k)},
                               {"prior", prior_json(spec.priors[k])},
                               {"mean", m.mean},
                               {"sd", m.sd},
                               {"q05", m.q05},
                               {"q50", m.q50},
                               {"q95", m.q95}});
  }
  j["generations"] = Json::array();
  for (const Generation& g : result.generations)
    j["generations"].push_back({{"generation", g.index},
                                {"tolerance", std::isfinite(g.tolerance) ? Json(g.tolerance) : Json(nullptr)},
                                {"evaluations", g.evaluations},
                                {"proposals", g.proposals},
                                {"acceptance_rate", g.acceptance_rate},
                                {"ess", g.ess}});
  j["fit"] = Json::array();
  for (const FitEntry& f : spec.fit) j["fit"].push_back({{"entry", f.entry}, {"weight", f.weight}});
  j["subjects_per_evaluation"] = subjects_per_evaluation;
  return j.dump(2) + "\n";
}

std::string calibration_report_html(const Result& result, const CalibrationSpec& spec, const std::string& file_sha256) {
  const Generation& g = result.posterior();
  const std::string title = "Calibration: " + (spec.title.empty() ? spec.path : spec.title);
  std::string body = fmt::format("<h1>{}</h1>\n", text::xml_escape(title));
  body += fmt::format(
      "<p class=\"subtitle\">ABC-SMC (docs/calibration-abc.md): {} particles, {} generations, stopped by {}; last tolerance "
      "{}, acceptance {}, ESS {:.1f} of {}</p>\n",
      g.population.size(), result.generations.size(), text::xml_escape(result.stop_reason), number(g.tolerance),
      number(g.acceptance_rate), g.ess, g.population.size());

  body += "<h2>Posterior marginals</h2>\n";
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = 0; k < spec.priors.size(); ++k) {
    const Marginal m = marginal(g, k);
    rows.push_back({spec.priors[k].name, number(m.mean), number(m.sd), number(m.q05), number(m.q50), number(m.q95),
                    unit_of(spec, k), prior_words(spec.priors[k], unit_of(spec, k))});
  }
  body += table({"parameter", "mean", "sd", "5%", "median", "95%", "unit", "prior"}, rows);

  body +=
      "<h2>Marginal distributions</h2>\n<p class=\"note\">Weighted histograms of the last population over the span "
      "of its particles (log-scale parameters on a log axis); dashed: the 5 % and 95 % quantiles, solid: the "
      "median.</p>\n<div class=\"plots\">\n";
  for (std::size_t k = 0; k < spec.priors.size(); ++k)
    body += fmt::format("<figure class=\"histogram\" data-parameter=\"{}\">\n{}</figure>\n",
                        text::xml_escape(spec.priors[k].name), histogram_svg(g, spec.priors[k], unit_of(spec, k), k));
  body += "</div>\n";

  if (spec.priors.size() >= 2) {
    body +=
        "<h2>Pairs</h2>\n<p class=\"note\">Every particle of the last population on each pair of parameters; a "
        "point's area grows with its weight.</p>\n<div class=\"plots\">\n";
    for (std::size_t kx = 0; kx < spec.priors.size(); ++kx)
      for (std::size_t ky = kx + 1; ky < spec.priors.size(); ++ky)
        body += fmt::format("<figure class=\"scatter\" data-x=\"{}\" data-y=\"{}\">\n{}</figure>\n",
                            text::xml_escape(spec.priors[kx].name), text::xml_escape(spec.priors[ky].name),
                            scatter_svg(g, spec, kx, ky));
    body += "</div>\n";
  }

  body += "<h2>Generations</h2>\n";
  rows.clear();
  for (const Generation& x : result.generations)
    rows.push_back({std::to_string(x.index), number(x.tolerance), std::to_string(x.evaluations), std::to_string(x.proposals),
                    number(x.acceptance_rate), fmt::format("{:.1f}", x.ess)});
  body += table({"generation", "tolerance", "evaluations", "proposals", "acceptance", "ESS"}, rows);

  body += "<h2>Fit entries</h2>\n";
  rows.clear();
  for (const FitEntry& f : spec.fit) rows.push_back({f.entry, number(f.weight)});
  body += table({"entry", "weight"}, rows);

  body += "<h2>Provenance</h2>\n";
  body += table({"", ""}, {{"calibration file", spec.path},
                           {"its SHA-256", file_sha256},
                           {"seed", std::to_string(spec.options.seed)},
                           {"bungner", build_info::version},
                           {"git commit", build_info::git_commit}});
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n"
      "</head>\n<body>\n{}</body>\n</html>\n",
      text::xml_escape(title), io::report_style(), body);
}

}  // namespace bungner::calibration
