#include "bungner/io/report.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "bungner/core/errors.hpp"
#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"
#include "bungner/io/atomic_file.hpp"

namespace bungner::io {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using CsvRow = std::vector<std::string>;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path.string(), 0, 0}, "report", "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Json read_json(const fs::path& path) {
  Json json = Json::parse(read_text(path), nullptr, false);
  if (json.is_discarded()) throw InputError(SourceLocation{path.string(), 0, 0}, "report", "is not valid JSON");
  return json;
}

/// Rows of a CSV file bungner wrote (RFC 4180 quoting), header first.
std::vector<CsvRow> read_csv(const fs::path& path) {
  std::vector<CsvRow> rows;
  for (const auto& record : text::parse_csv(read_text(path), path.string())) rows.push_back(text::field_texts(record));
  return rows;
}

/// Column positions by header name; throws when one the report needs is missing.
std::map<std::string, std::size_t> columns(const std::vector<CsvRow>& rows, const fs::path& path,
                                           std::initializer_list<const char*> required) {
  std::map<std::string, std::size_t> index;
  if (!rows.empty())
    for (std::size_t c = 0; c < rows[0].size(); ++c) index[rows[0][c]] = c;
  for (const char* name : required)
    if (!index.contains(name))
      throw InputError(SourceLocation{path.string(), 1, 0}, "report", fmt::format("has no column '{}'", name));
  return index;
}

double to_number(const std::string& s) { return text::parse_double(s).value_or(std::nan("")); }

/// One row of a tidy output (timeseries.csv, readouts.csv): time, name, value, unit.
struct TidyRow {
  std::string time;  ///< as written, for table headers
  double time_days = 0;
  std::string name;
  double value = 0;
  std::string unit;
};

std::vector<TidyRow> read_tidy_csv(const fs::path& path, const char* name_column) {
  const auto rows = read_csv(path);
  const auto at = columns(rows, path, {"time_days", name_column, "value", "unit"});
  std::vector<TidyRow> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.size() < at.size()) continue;
    const std::string& time = row[at.at("time_days")];
    out.push_back({time, to_number(time), row[at.at(name_column)], to_number(row[at.at("value")]), row[at.at("unit")]});
  }
  return out;
}

/// A member of a JSON object, or `fallback` when absent (copied: the loops below keep it named).
Json member(const Json& object, const char* key, Json fallback) {
  if (object.contains(key)) return object[key];
  return fallback;
}

/// JSON numbers for plots: NaN and infinities (written as text) become null, drawn as gaps.
Json plot_number(const Json& v) {
  if (v.is_number()) return std::isfinite(v.get<double>()) ? v : Json(nullptr);
  return nullptr;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "–";
  return fmt::format("{:.4g}", v);
}

std::string format_json_value(const Json& v) {
  if (v.is_number()) return format_value(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

/// Significance stars of an adjusted p-value ("" when not significant at 0.05).
std::string stars(double p) {
  if (!(p < 0.05)) return "";
  return p < 0.001 ? "***" : p < 0.01 ? "**" : "*";
}

std::string words(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// ---- Static plots ---------------------------------------------------------------------------
// Without the plotting libraries (a build configured offline, or `bungner report --static`) the
// two kinds of plot a report has are drawn here as inline SVG: lines of time courses (a spec with
// a line mark), and per arm and time a mean with its CI (and a predictive band) (a layered spec).

double nice_step(double span) {
  const double raw = span / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

constexpr std::array<const char*, 10> tableau = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string static_plot_svg(const Json& spec) {
  const Json values = spec.value("data", Json::object()).value("values", Json::array());
  const Json encoding = spec.value("encoding", Json::object());
  const Json x_encoding = encoding.value("x", Json::object());
  const std::string x_field = x_encoding.value("field", std::string("x"));
  const bool ordinal = x_encoding.value("type", std::string()) == "ordinal";
  const std::string colour_field = encoding.value("color", Json::object()).value("field", std::string());
  const bool layered = spec.contains("layer");
  const std::string y_field = layered ? "mean" : encoding.value("y", Json::object()).value("field", std::string("value"));
  std::string y_title;
  const auto title_of = [](const Json& y) {
    return y.contains("title") && y["title"].is_string() ? y["title"].get<std::string>() : "";
  };
  if (layered) {
    for (const Json& layer : spec["layer"])
      if (y_title.empty()) y_title = title_of(layer.value("encoding", Json::object()).value("y", Json::object()));
  } else {
    y_title = title_of(encoding.value("y", Json::object()));
  }
  const auto number = [](const Json& row, const std::string& key) {
    const auto it = row.find(key);
    return it != row.end() && it->is_number() ? it->get<double>() : std::nan("");
  };
  // Series (colours) and x positions in order of appearance; the y range over every drawn value.
  std::vector<std::string> series, xs_ordinal;
  std::vector<double> xs;
  double y_low = std::numeric_limits<double>::infinity(), y_high = -y_low;
  for (const Json& row : values) {
    const std::string name = row.value(colour_field, std::string());
    if (std::find(series.begin(), series.end(), name) == series.end()) series.push_back(name);
    const double x = number(row, x_field);
    if (ordinal && std::find(xs_ordinal.begin(), xs_ordinal.end(), format_value(x)) == xs_ordinal.end())
      xs_ordinal.push_back(format_value(x));
    if (std::isfinite(x)) xs.push_back(x);
    for (const char* key : {"mean", "ci_low", "ci_high", "predictive_low", "predictive_high", "value"})
      if (const double v = number(row, key); std::isfinite(v) && (layered || key == y_field))
        y_low = std::min(y_low, v), y_high = std::max(y_high, v);
  }
  const double width = 460, height = 220, left = 60, top = 28, legend = 150;
  std::string out =
      fmt::format(R"(<figure class="plot static-plot"><svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" )"
                  R"(font-family="system-ui, sans-serif" font-size="11">)"
                  "\n"
                  R"(<text x="{}" y="16" font-size="13" font-weight="bold">{}</text>)"
                  "\n",
                  left + width + legend, top + height + 42, left, text::xml_escape(spec.value("title", std::string())));
  if (values.empty() || !std::isfinite(y_low)) return out + R"(<text x="60" y="60">no values</text></svg></figure>)" + "\n";
  if (y_high == y_low) y_low -= 1, y_high += 1;
  const double step = nice_step(y_high - y_low);
  y_low = std::floor(y_low / step) * step, y_high = std::ceil(y_high / step) * step;
  const double x_min = xs.empty() ? 0 : *std::min_element(xs.begin(), xs.end());
  const double x_max = xs.empty() ? 1 : std::max(*std::max_element(xs.begin(), xs.end()), x_min + 1e-9);
  const auto py = [&](double y) { return top + height * (1 - (y - y_low) / (y_high - y_low)); };
  const double band = ordinal ? width / static_cast<double>(std::max<std::size_t>(1, xs_ordinal.size())) : 0;
  const auto px = [&](double x, const std::string& name) {
    if (!ordinal) return left + width * (x - x_min) / (x_max - x_min);
    const auto slot = static_cast<double>(std::find(xs_ordinal.begin(), xs_ordinal.end(), format_value(x)) - xs_ordinal.begin());
    const auto arm = static_cast<double>(std::find(series.begin(), series.end(), name) - series.begin());
    return left + band * slot + band * (arm + 1) / (static_cast<double>(series.size()) + 1);
  };
  // Axes, grid and ticks.
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#888"/>)"
                     "\n",
                     left, top, width, height);
  for (double y = y_low; y <= y_high + step / 2; y += step)
    out += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" stroke="#e5e5e5"/>)"
                       R"(<text x="{3}" y="{4:.1f}" text-anchor="end">{5}</text>)"
                       "\n",
                       left, left + width, py(y), left - 4, py(y) + 4, format_value(y));
  const auto x_label = [&](double at, const std::string& label) {
    out += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)"
                       "\n",
                       at, top + height + 14, label);
  };
  if (ordinal) {
    for (std::size_t i = 0; i < xs_ordinal.size(); ++i) x_label(left + band * (static_cast<double>(i) + 0.5), xs_ordinal[i]);
  } else {
    const double x_step = nice_step(x_max - x_min);
    for (double x = std::ceil(x_min / x_step) * x_step; x <= x_max + 1e-9; x += x_step) x_label(px(x, ""), format_value(x));
  }
  out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)"
                     "\n"
                     R"svg(<text transform="translate(14,{}) rotate(-90)" text-anchor="middle">{}</text>)svg"
                     "\n",
                     left + width / 2, top + height + 32, text::xml_escape(x_encoding.value("title", std::string())),
                     top + height / 2, text::xml_escape(y_title));
  // The marks, one colour per series.
  for (std::size_t k = 0; k < series.size(); ++k) {
    const char* colour = tableau[k % tableau.size()];
    std::vector<std::pair<double, double>> line;
    for (const Json& row : values) {
      if (row.value(colour_field, std::string()) != series[k]) continue;
      const double x = number(row, x_field), y = number(row, y_field);
      if (!std::isfinite(x)) continue;
      if (!layered) {
        if (std::isfinite(y)) line.emplace_back(px(x, series[k]), py(y));
        continue;
      }
      const double cx = px(x, series[k]);
      const double p_low = number(row, "predictive_low"), p_high = number(row, "predictive_high");
      if (std::isfinite(p_low) && std::isfinite(p_high))
        out +=
            fmt::format(R"(<rect class="predictive" x="{:.1f}" y="{:.1f}" width="7" height="{:.1f}" fill="{}" opacity="0.22"/>)"
                        "\n",
                        cx - 3.5, py(p_high), py(p_low) - py(p_high), colour);
      const double c_low = number(row, "ci_low"), c_high = number(row, "ci_high");
      if (std::isfinite(c_low) && std::isfinite(c_high))
        out += fmt::format(
            R"(<line class="ci" x1="{0:.1f}" x2="{0:.1f}" y1="{1:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="1.5"/>)"
            "\n",
            cx, py(c_low), py(c_high), colour);
      if (std::isfinite(y))
        out += fmt::format(R"(<circle class="mean" cx="{:.1f}" cy="{:.1f}" r="3.5" fill="{}"/>)"
                           "\n",
                           cx, py(y), colour);
      if (const std::string stars = row.value("significance", std::string()); !stars.empty())
        out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-weight="bold">{}</text>)"
                           "\n",
                           cx, py(std::isfinite(c_high) ? c_high : y) - 5, stars);
    }
    if (!layered && !line.empty()) {
      std::sort(line.begin(), line.end());
      out += fmt::format(R"(<polyline class="series" fill="none" stroke="{}" stroke-width="1.5" points=")", colour);
      for (const auto& [x, y] : line) out += fmt::format("{:.1f},{:.1f} ", x, y);
      out += "\"/>\n";
    }
    out += fmt::format(R"(<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}">{}</text>)"
                       "\n",
                       left + width + 12, top + 14 * static_cast<double>(k), colour, left + width + 26,
                       top + 9 + 14 * static_cast<double>(k), text::xml_escape(series[k]));
  }
  return out + "</svg></figure>\n";
}

/// A document in the making: sections of HTML and the Vega-Lite specifications of its plots.
class Page {
 public:
  void heading(std::string_view level, std::string_view content) {
    body_ += fmt::format("<{0}>{1}</{0}>\n", level, text::xml_escape(content));
  }
  void html(std::string_view raw) { body_ += raw; }
  void paragraph(std::string_view content) { body_ += fmt::format("<p>{}</p>\n", text::xml_escape(content)); }
  explicit Page(bool static_plots) : static_plots_(static_plots) {}
  /// A plot: its specification travels as JSON in a script element next to its container (or,
  /// with static plots, is drawn here as SVG).
  void plot(const Json& spec) {
    if (static_plots_) {
      body_ += static_plot_svg(spec);
      ++plots_;
      return;
    }
    std::string json = spec.dump();
    // "</" only occurs inside JSON strings, where "<\/" means the same: the script element
    // cannot be closed early by a name in the data.
    for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) json.replace(at, 2, "<\\/");
    body_ += fmt::format(
        "<div class=\"plot\" id=\"plot-{0}\" data-spec=\"spec-{0}\"></div>\n"
        "<script type=\"application/json\" id=\"spec-{0}\">{1}</script>\n",
        plots_, json);
    ++plots_;
  }
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
             std::string_view css_class = "") {
    body_ += fmt::format("<table class=\"{}\">\n<thead><tr>", css_class);
    for (const auto& h : header) body_ += fmt::format("<th>{}</th>", text::xml_escape(h));
    body_ += "</tr></thead>\n<tbody>\n";
    for (const auto& row : rows) {
      body_ += "<tr>";
      for (const auto& cell : row) body_ += fmt::format("<td>{}</td>", text::xml_escape(cell));
      body_ += "</tr>\n";
    }
    body_ += "</tbody></table>\n";
  }
  std::string finish(std::string_view title) const;

 private:
  std::string body_;
  int plots_ = 0;
  bool static_plots_ = false;
};

constexpr std::string_view style = R"(
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
.subtitle { color: #666; margin-top: 0; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; }
.plot { min-height: 120px; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num, table.numbers td { font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; padding: 0.8em; overflow: auto; font-size: 0.85em; }
.pictures img { max-width: 100%; border: 1px solid #ddd; } figure { margin: 0.5em 0; }
.warning { color: #8a4b00; } .note { color: #666; font-size: 0.9em; }
)";

/// Renders every plot with vega-embed; a failure is shown in place and logged as a console error
/// (which the browser test looks for).
constexpr std::string_view render_plots = R"(
document.querySelectorAll('div.plot').forEach(function (container) {
  var spec = JSON.parse(document.getElementById(container.dataset.spec).textContent);
  vegaEmbed(container, spec, { actions: false, renderer: 'svg', mode: 'vega-lite' }).catch(function (error) {
    container.textContent = 'This plot could not be drawn: ' + error;
    console.error('plot ' + container.id + ': ' + error);
  });
});
)";

std::string script_element(std::string_view code) {
  std::string safe(code);
  for (std::size_t at = safe.find("</script"); at != std::string::npos; at = safe.find("</script", at + 3))
    safe.replace(at, 2, "<\\/");
  return "<script>" + safe + "</script>\n";
}

std::string Page::finish(std::string_view title) const {
  const ReportLibraries libraries = report_libraries();
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
      "<style>{}</style>\n",
      text::xml_escape(title), style);
  if (static_plots_) return out + "</head>\n<body>\n" + body_ + "</body>\n</html>\n";
  // Vega, Vega-Lite and vega-embed (BSD-3-Clause, University of Washington Interactive Data Lab).
  out += script_element(libraries.vega);
  out += script_element(libraries.vega_lite);
  out += script_element(libraries.vega_embed);
  out += "</head>\n<body>\n" + body_;
  out += script_element(render_plots);
  out += "</body>\n</html>\n";
  return out;
}

// ---- The scenario in words ----------------------------------------------------------------

std::string toml_text(const toml::node* node, std::string_view fallback = "") {
  if (node == nullptr) return std::string(fallback);
  if (const auto text = node->value<std::string>()) return *text;
  if (const auto integer = node->value<std::int64_t>()) return std::to_string(*integer);
  if (const auto real = node->value<double>()) return format_value(*real);
  return std::string(fallback);
}

template <typename Node>
std::string toml_text(const toml::node_view<Node>& view, std::string_view fallback = "") {
  return toml_text(view.node(), fallback);
}

/// Whether a quantity given as text ("0 mm", "0 d") is zero.
/// Whether a quantity such as "0 mm" has the number 0.
bool is_zero(const std::string& quantity) {
  return !quantity.empty() && to_number(quantity.substr(0, quantity.find(' '))) == 0.0;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? std::string(separator) : "") + items[i];
  return out;
}

std::string therapy_words(const toml::table& therapy) {
  std::string out = toml_text(therapy["type"], "therapy");
  std::vector<std::string> settings;
  for (const auto& [key, value] : therapy)
    if (key.str() != "type") settings.push_back(fmt::format("{} {}", words(key.str()), toml_text(&value, "(table)")));
  if (!settings.empty()) out += " (" + joined(settings) + ")";
  return words(out);
}

std::string scenario_in_words(const std::string& resolved_toml, const std::string& name) {
  toml::table scenario;
  try {
    scenario = toml::parse(resolved_toml, name);
  } catch (const toml::parse_error& e) {
    return "(the resolved scenario could not be read: " + std::string(e.description()) + ")";
  }
  std::vector<std::string> sentences;
  const std::string gap = toml_text(scenario["injury"]["gap_length"]);
  sentences.push_back(fmt::format("A {} {} nerve, {} injury{}.", toml_text(scenario["species"], "(species?)"),
                                  toml_text(scenario["nerve"], "(nerve?)"),
                                  words(toml_text(scenario["injury"]["type"], "(type?)")),
                                  gap.empty() || is_zero(gap) ? "" : fmt::format(" with a {} gap", gap)));
  const std::string repair = toml_text(scenario["repair"]["type"], "none");
  if (repair == "none") {
    sentences.push_back("No surgical repair.");
  } else {
    std::string r = fmt::format("Repaired by {} at {} after injury", words(repair), toml_text(scenario["repair"]["timing"]));
    if (repair.find("conduit") != std::string::npos) {
      // A length of 0 means the gap plus 2 mm in each stump (repair.conduit.length; Model::compile).
      std::string length = toml_text(scenario["repair"]["conduit"]["length"]);
      if (is_zero(length)) {
        try {
          const double gap_mm = units::from_si(units::parse_as(gap.empty() ? "0 mm" : gap, "mm"), "mm");
          length = fmt::format("{} mm spanning {} gap and 2 mm of each stump", text::format_double(gap_mm + 4),
                               gap_mm > 0 ? "the " + gap : "no");
        } catch (const std::exception&) {
          length = "the gap plus 2 mm in each stump";
        }
      }
      r += fmt::format(" (a {} conduit of {}, {} filler)", toml_text(scenario["repair"]["conduit"]["material"]), length,
                       words(toml_text(scenario["repair"]["conduit"]["filler"])));
    }
    sentences.push_back(r + ".");
  }
  std::vector<std::string> therapies;
  if (const toml::array* list = scenario["therapies"].as_array())
    for (const auto& t : *list)
      if (const toml::table* table = t.as_table()) therapies.push_back(therapy_words(*table));
  sentences.push_back(therapies.empty() ? "No therapy." : "Therapy: " + joined(therapies, "; ") + ".");
  // Counts carry their unit ("1650 cells"): the sentence names what is counted.
  const auto count = [](std::string quantity) {
    if (quantity.ends_with(" cells")) quantity.resize(quantity.size() - 6);
    return quantity;
  };
  sentences.push_back(fmt::format("{} motor and {} sensory neurons are followed.",
                                  count(toml_text(scenario["anatomy"]["motor_neurons"], "?")),
                                  count(toml_text(scenario["anatomy"]["sensory_neurons"], "?"))));
  std::vector<std::string> targets;
  if (const toml::table* t = scenario["targets"].as_table())
    for (const auto& [key, node] : *t) {
      const toml::table* target_table = node.as_table();
      if (target_table == nullptr) continue;
      const toml::table& target = *target_table;
      std::vector<std::string> shares;
      const std::string motor = toml_text(target["motor_share"]);
      const std::string sensory = toml_text(target["sensory_share"]);
      if (!motor.empty() && !is_zero(motor)) shares.push_back(motor + " of the motor axons");
      if (!sensory.empty() && !is_zero(sensory)) shares.push_back(sensory + " of the sensory axons");
      targets.push_back(fmt::format("{} ({}, {} from the injury{}{})", words(key.str()), toml_text(target["kind"]),
                                    toml_text(target["distance"]), shares.empty() ? "" : ", ", joined(shares, " and ")));
    }
  if (!targets.empty()) sentences.push_back("Targets: " + joined(targets, "; ") + ".");
  std::vector<std::string> times;
  if (const toml::array* list = scenario["readouts"]["times"].as_array())
    for (const auto& t : *list) times.push_back(toml_text(&t));
  sentences.push_back(fmt::format("Simulated for {}{}.", toml_text(scenario["simulation"]["duration"], "?"),
                                  times.empty() ? "" : "; readouts at " + joined(times)));
  return joined(sentences, " ");
}

void scenario_section(Page& page, const std::string& resolved_toml, const std::string& name) {
  page.paragraph(scenario_in_words(resolved_toml, name));
  page.html("<details><summary>The resolved scenario (every default filled in)</summary><pre>" + text::xml_escape(resolved_toml) +
            "</pre></details>\n");
}

void provenance_table(Page& page, const Json& provenance, std::initializer_list<const char*> keys) {
  std::vector<std::vector<std::string>> rows;
  for (const char* key : keys)
    if (provenance.contains(key)) rows.push_back({words(key), format_json_value(provenance[key])});
  page.table({"item", "value"}, rows);
}

/// The SVG pictures of the 3D state (io::write_pictures), inlined as data URLs in name order.
void pictures_section(Page& page, const fs::path& folder) {
  std::error_code ec;
  std::vector<fs::path> pictures;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.path().extension() == ".svg" && !is_partial_name(entry.path().filename().string()))
      pictures.push_back(entry.path());
  if (pictures.empty()) return;
  std::sort(pictures.begin(), pictures.end());
  page.heading("h2", "Pictures");
  page.html("<div class=\"pictures\">\n");
  for (const auto& picture : pictures) {
    const std::string svg = read_text(picture);
    page.html(
        fmt::format("<figure><img class=\"picture\" alt=\"{0}\" src=\"data:image/svg+xml;base64,{1}\">"
                    "<figcaption>{0}</figcaption></figure>\n",
                    text::xml_escape(picture.filename().string()), text::base64_encode(svg.data(), svg.size())));
  }
  page.html("</div>\n");
}

// ---- Run reports --------------------------------------------------------------------------

/// Variables plotted together: "family.member" by family, the others by unit.
struct PlotGroup {
  std::string title;
  std::string unit;
  Json values = Json::array();
};

std::string run_report(const fs::path& dir, bool static_plots) {
  const Json run = read_json(dir / "run.json");
  const std::string title = run.value("resolved_scenario", "").empty() ? "bungner run" : [&] {
    try {
      const toml::table t = toml::parse(run.value("resolved_scenario", ""));
      return toml_text(t["title"], "bungner run");
    } catch (const toml::parse_error&) {
      return std::string("bungner run");
    }
  }();
  Page page(static_plots);
  page.heading("h1", title);
  page.html(fmt::format("<p class=\"subtitle\">bungner {} run of {}, finished {}</p>\n",
                        text::xml_escape(run.value("bungner_version", "?")), text::xml_escape(run.value("scenario_file", "?")),
                        text::xml_escape(run.value("end_time", "?"))));

  page.heading("h2", "Scenario");
  scenario_section(page, run.value("resolved_scenario", ""), (dir / "run.json").string());

  page.heading("h2", "Warnings");
  std::vector<std::vector<std::string>> warnings;
  const Json run_warnings = member(run, "warnings", Json::array());
  for (const auto& w : run_warnings)
    warnings.push_back({fmt::format("{}:{}:{}", w.value("file", ""), w.value("line", 0), w.value("column", 0)),
                        w.value("key", ""), w.value("message", "")});
  const Json diagnostics = member(run, "diagnostics", Json::object());
  for (const auto& [what, count] : diagnostics.items())
    warnings.push_back({"during the run", what, fmt::format("{} times", format_json_value(count))});
  if (warnings.empty())
    page.paragraph("None: the scenario raised no warning and the run counted no recoverable oddity.");
  else
    page.table({"where", "what", "message"}, warnings, "warning");

  // Time courses.
  std::vector<PlotGroup> groups;
  std::map<std::string, std::size_t> group_of;
  for (const TidyRow& row : read_tidy_csv(dir / "timeseries.csv", "variable")) {
    const std::string& variable = row.name;
    const auto dot = variable.find('.');
    const std::string key = dot == std::string::npos ? "unit:" + row.unit : variable.substr(0, dot) + "|" + row.unit;
    auto [it, added] = group_of.emplace(key, groups.size());
    if (added) groups.push_back({dot == std::string::npos ? "" : words(variable.substr(0, dot)), row.unit});
    PlotGroup& group = groups[it->second];
    if (dot == std::string::npos && group.title.find(words(variable)) == std::string::npos)
      group.title += (group.title.empty() ? "" : ", ") + words(variable);
    group.values.push_back({{"time_days", row.time_days},
                            {"series", dot == std::string::npos ? words(variable) : words(variable.substr(dot + 1))},
                            {"value", plot_number(row.value)}});
  }
  page.heading("h2", "Time courses");
  page.html("<div class=\"plots\">\n");
  for (const PlotGroup& group : groups) {
    page.plot({{"title", group.title},
               {"width", 460},
               {"height", 220},
               {"data", {{"values", group.values}}},
               {"mark", {{"type", "line"}, {"tooltip", true}}},
               {"encoding",
                {{"x", {{"field", "time_days"}, {"type", "quantitative"}, {"title", "time after injury [days]"}}},
                 {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", group.unit}}},
                 {"color", {{"field", "series"}, {"type", "nominal"}, {"title", nullptr}}}}}});
  }
  page.html("</div>\n");

  // Readouts: one row per readout, one column per readout time.
  std::vector<std::string> times, names;
  std::map<std::pair<std::string, std::string>, std::string> cell;
  std::map<std::string, std::string> unit_of;
  for (const TidyRow& row : read_tidy_csv(dir / "readouts.csv", "readout")) {
    if (std::find(times.begin(), times.end(), row.time) == times.end()) times.push_back(row.time);
    if (std::find(names.begin(), names.end(), row.name) == names.end()) names.push_back(row.name);
    cell[{row.name, row.time}] = format_value(row.value);
    unit_of[row.name] = row.unit;
  }
  page.heading("h2", "Readouts");
  std::vector<std::string> header{"readout", "unit"};
  for (const auto& t : times) header.push_back("day " + t);
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : names) {
    std::vector<std::string> row{name, unit_of[name]};
    for (const auto& t : times) row.push_back(cell.contains({name, t}) ? cell[{name, t}] : "");
    rows.push_back(std::move(row));
  }
  page.table(header, rows, "numbers");

  pictures_section(page, dir / "pictures");

  page.heading("h2", "Provenance");
  provenance_table(page, run,
                   {"bungner_version", "git_commit", "command_line", "host", "threads", "start_time", "end_time", "wall_seconds",
                    "seed", "rng", "scenario_file", "preset_file", "scenario_sha256"});
  if (run.contains("build")) provenance_table(page, run["build"], {"type", "compiler", "flags"});
  std::vector<std::vector<std::string>> parameters;
  const Json used_parameters = member(run, "parameters", Json::object());
  for (const auto& [name, p] : used_parameters.items())
    parameters.push_back(
        {name, format_json_value(p.value("value", Json())), p.value("unit", ""), p.value("origin", ""), p.value("source", "")});
  page.html("<details><summary>Parameters used (" + std::to_string(parameters.size()) + ")</summary>\n");
  page.table({"parameter", "value", "unit", "origin", "source"}, parameters);
  page.html("</details>\n");
  return page.finish(title);
}

// ---- Study reports ------------------------------------------------------------------------

std::string study_report(const fs::path& dir, bool static_plots) {
  const Json study = read_json(dir / "study.json");
  const Json summary = read_json(dir / "summary.json");
  const std::string title = summary.value("study", study.value("title", "bungner study"));
  std::vector<std::string> arms;
  const Json summary_arms = member(summary, "arms", Json::array());
  for (const auto& arm : summary_arms) arms.push_back(arm.value("name", ""));
  const std::string control = arms.empty() ? "" : arms.front();

  Page page(static_plots);
  page.heading("h1", title);
  page.html(fmt::format("<p class=\"subtitle\">bungner {} virtual cohort study of {}</p>\n",
                        text::xml_escape(study.value("bungner_version", "?")), text::xml_escape(study.value("study_file", "?"))));

  page.heading("h2", "Design");
  std::vector<std::vector<std::string>> arm_rows;
  const Json design_arms = member(study, "arms", summary_arms);
  for (const auto& arm : design_arms) {
    std::vector<std::string> changes;
    const Json overrides = member(arm, "set", Json::object());
    for (const auto& [key, value] : overrides.items()) changes.push_back(key + " = " + format_json_value(value));
    arm_rows.push_back({arm.value("name", ""), format_json_value(arm.value("subjects", Json())),
                        changes.empty() ? "(the base scenario)" : joined(changes, "; ")});
  }
  page.table({"arm", "subjects", "differs from the base scenario by"}, arm_rows);
  if (study.contains("base_scenario_resolved")) {
    page.paragraph("Base scenario (" + study.value("base_scenario", "") + "):");
    scenario_section(page, study.value("base_scenario_resolved", ""), study.value("base_scenario", ""));
  } else {
    page.paragraph("Base scenario: " + study.value("base_scenario", "?") + ".");
  }

  // Adjusted p-value of each arm against the control, per readout and time.
  std::map<std::tuple<std::string, double, std::string>, double> p_vs_control;
  std::vector<std::vector<std::string>> comparison_rows;
  const Json comparisons = member(summary, "comparisons", Json::array());
  for (const auto& c : comparisons) {
    const Json holm = c.value("holm_p", Json());
    const double p = holm.is_number() ? holm.get<double>() : std::nan("");
    const std::string a = c.value("arm_a", ""), b = c.value("arm_b", "");
    const std::string readout = c.value("readout", "");
    const double time = c.value("time_days", 0.0);
    if (a == control) p_vs_control[{readout, time, b}] = p;
    if (b == control) p_vs_control[{readout, time, a}] = p;
    comparison_rows.push_back({readout, format_value(time), a, b, format_json_value(c.value("mean_difference", Json())),
                               format_json_value(c.value("welch_p", Json())), format_value(p),
                               format_json_value(c.value("hedges_g", Json())), format_json_value(c.value("tukey_p", Json())),
                               stars(p)});
  }

  // One plot per readout: mean and 95 % CI of every arm at each readout time, stars against
  // the control arm.
  std::vector<std::string> readouts;
  std::map<std::string, Json> values;
  std::map<std::string, std::string> unit_of;
  std::vector<std::vector<std::string>> summary_rows;
  const Json summaries = member(summary, "summary", Json::array());
  // Under parameter uncertainty (docs/uncertainty.md) each arm also has a 5-95 % predictive band.
  const bool predictive =
      std::any_of(summaries.begin(), summaries.end(), [](const Json& s) { return s.contains("predictive_low"); });
  for (const auto& s : summaries) {
    const std::string readout = s.value("readout", "");
    const std::string arm = s.value("arm", "");
    const double time = s.value("time_days", 0.0);
    if (!values.contains(readout)) {
      readouts.push_back(readout);
      values[readout] = Json::array();
    }
    unit_of[readout] = s.value("unit", "");
    const auto p = p_vs_control.find({readout, time, arm});
    values[readout].push_back({{"time_days", time},
                               {"arm", arm},
                               {"n", s.value("n", Json())},
                               {"mean", plot_number(s.value("mean", Json()))},
                               {"sem", plot_number(s.value("sem", Json()))},
                               {"ci_low", plot_number(s.value("ci_low", Json()))},
                               {"ci_high", plot_number(s.value("ci_high", Json()))},
                               {"significance", p == p_vs_control.end() ? "" : stars(p->second)}});
    if (predictive)
      for (const char* key : {"predictive_low", "predictive_high"})
        values[readout].back()[key] = plot_number(s.value(key, Json()));
    summary_rows.push_back({arm, format_value(time), readout, s.value("unit", ""), format_json_value(s.value("n", Json())),
                            format_json_value(s.value("mean", Json())), format_json_value(s.value("sem", Json())),
                            format_json_value(s.value("ci_low", Json())), format_json_value(s.value("ci_high", Json()))});
    if (predictive)
      for (const char* key : {"predictive_low", "predictive_high"})
        summary_rows.back().push_back(format_json_value(s.value(key, Json())));
  }
  page.heading("h2", "Arms compared");
  page.html(fmt::format(
      "<p class=\"note\">Mean and 95 % confidence interval (t-based) per arm. Stars mark a difference from "
      "<b>{}</b>: Welch's t-test, Holm-adjusted over the pairs of arms; * p &lt; 0.05, ** p &lt; 0.01, "
      "*** p &lt; 0.001.{}</p>\n<div class=\"plots\">\n",
      text::xml_escape(control),
      predictive ? fmt::format(" Shaded bars: the 5-95 % predictive interval of the arm's mean over {} drawn "
                               "parameter sets (parameter uncertainty; the tests pool the draws).",
                               format_json_value(member(summary, "uncertainty", Json::object()).value("draws", Json())))
                 : ""));
  const Json arm_order = arms;
  for (const auto& readout : readouts) {
    const std::string y_title = "mean ± 95 % CI" + (unit_of[readout].empty() ? "" : " [" + unit_of[readout] + "]");
    const Json y = {{"field", "mean"}, {"type", "quantitative"}, {"title", y_title}, {"scale", {{"zero", false}}}};
    Json layers = Json::array();
    if (predictive)
      layers.push_back({{"mark", {{"type", "bar"}, {"opacity", 0.22}, {"width", 7}}},
                        {"encoding",
                         {{"y", {{"field", "predictive_low"}, {"type", "quantitative"}, {"title", y_title}}},
                          {"y2", {{"field", "predictive_high"}}}}}});
    layers.push_back(
        {{"mark", {{"type", "rule"}, {"strokeWidth", 1.5}}},
         {"encoding",
          {{"y", {{"field", "ci_low"}, {"type", "quantitative"}, {"title", y_title}}}, {"y2", {{"field", "ci_high"}}}}}});
    layers.push_back({{"mark", {{"type", "point"}, {"filled", true}, {"size", 45}, {"tooltip", {{"content", "data"}}}}},
                      {"encoding", {{"y", y}}}});
    layers.push_back(
        {{"mark", {{"type", "text"}, {"dy", -8}, {"fontWeight", "bold"}}},
         {"encoding",
          {{"y", {{"field", "ci_high"}, {"type", "quantitative"}, {"title", y_title}}}, {"text", {{"field", "significance"}}}}}});
    page.plot(
        {{"title", words(readout)},
         {"width", 460},
         {"height", 220},
         {"data", {{"values", values[readout]}}},
         {"encoding",
          {{"x",
            {{"field", "time_days"}, {"type", "ordinal"}, {"title", "time after injury [days]"}, {"axis", {{"labelAngle", 0}}}}},
           {"xOffset", {{"field", "arm"}, {"sort", arm_order}}},
           {"color", {{"field", "arm"}, {"type", "nominal"}, {"sort", arm_order}, {"title", "arm"}}}}},
         {"layer", layers}});
  }
  page.html("</div>\n");

  page.heading("h2", "Pairwise comparisons");
  page.html("<details><summary>Every pair of arms at every readout time (" + std::to_string(comparison_rows.size()) +
            ")</summary>\n");
  page.table({"readout", "day", "arm A", "arm B", "mean difference (A − B)", "Welch p", "Holm p", "Hedges' g", "Tukey p", ""},
             comparison_rows, "numbers");
  page.html("</details>\n");
  page.heading("h2", "Summary per arm");
  page.html("<details><summary>n, mean, SEM and 95 % CI (" + std::to_string(summary_rows.size()) + " rows)</summary>\n");
  std::vector<std::string> summary_header = {"arm", "day", "readout", "unit", "n", "mean", "SEM", "CI low", "CI high"};
  if (predictive) summary_header.insert(summary_header.end(), {"predictive 5 %", "predictive 95 %"});
  page.table(summary_header, summary_rows, "numbers");
  page.html("</details>\n");

  page.heading("h2", "Warnings");
  std::vector<std::vector<std::string>> warnings;
  const Json base_warnings = member(study, "base_scenario_warnings", Json::array());
  for (const auto& w : base_warnings) warnings.push_back({format_json_value(w)});
  if (warnings.empty())
    page.paragraph("None: the base scenario raised no warning.");
  else
    page.table({"warning of the base scenario"}, warnings, "warning");
  page.heading("h2", "Provenance");
  provenance_table(
      page, study,
      {"bungner_version", "git_commit", "command_line", "study_file", "study_sha256", "base_scenario", "seed", "ranks"});
  return page.finish(title);
}

}  // namespace

std::string_view report_style() { return style; }

bool plotting_libraries_embedded() { return !report_libraries().vega.empty(); }

std::string report_html(const fs::path& dir, bool static_plots) {
  static_plots = static_plots || !plotting_libraries_embedded();
  if (fs::exists(dir / "run.json")) return run_report(dir, static_plots);
  if (fs::exists(dir / "study.json") && fs::exists(dir / "summary.json")) return study_report(dir, static_plots);
  throw InputError(SourceLocation{dir.string(), 0, 0}, "report",
                   "holds neither a finished run (run.json) nor a finished study (study.json and summary.json)");
}

fs::path write_report(const fs::path& dir, bool static_plots) {
  fs::path path = dir / "report.html";
  write_file_atomically(path, report_html(dir, static_plots));
  return path;
}

std::string scenario_description(const std::string& resolved_toml, const std::string& name) {
  return scenario_in_words(resolved_toml, name);
}

}  // namespace bungner::io
