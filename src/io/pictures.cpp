#include "bungner/io/pictures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"

namespace bungner::io {
namespace {

struct Rgb {
  double r, g, b;
};

Rgb mix(Rgb a, Rgb b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  // Weights rather than a difference, so that t = 1 gives b exactly.
  return {a.r * (1 - t) + b.r * t, a.g * (1 - t) + b.g * t, a.b * (1 - t) + b.b * t};
}

std::string hex(Rgb c) {
  const auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(c.r), byte(c.g), byte(c.b));
}

Rgb from_hex(std::string_view h) {
  const auto channel = [&](std::size_t at) { return std::stoi(std::string(h.substr(at, 2)), nullptr, 16) / 255.0; };
  return {channel(1), channel(3), channel(5)};
}

/// Viridis, sampled at 5 points and interpolated: perceptually ordered and colour-blind safe.
std::string heat_colour(double t) {
  static constexpr Rgb stops[] = {
      {0.267, 0.005, 0.329}, {0.230, 0.322, 0.546}, {0.128, 0.567, 0.551}, {0.369, 0.789, 0.383}, {0.993, 0.906, 0.144}};
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, 0.0, 1.0) * 4;
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), 3);
  return hex(mix(stops[i], stops[i + 1], t - static_cast<double>(i)));
}

const Rgb phenotype_colour{0.85, 0.1, 0.75};

/// Maps um to SVG pixels with y (or z) pointing up.
struct View {
  double low_h, low_v, high_v, scale, margin;
  double h(double um) const { return margin + (um - low_h) * scale; }
  double v(double um) const { return margin + (high_v - um) * scale; }
};

}  // namespace

std::string svg_open(double width, double height, std::string_view title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.1f} {1:.1f}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<title>{2}</title>\n",
      width, height, text::xml_escape(title));
}

std::string kind_colour(std::size_t kind) {
  // Tableau 10, without grey (the heat map's neutral) and red (kept for emphasis).
  static constexpr const char* palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
                                            "#edc948", "#76b7b2", "#ff9da7", "#9c755f"};
  return palette[kind % 8];
}

std::string longitudinal_section_svg(const fields::Fields* fields, const agents::Agents* agents, const agents::Axons* axons,
                                     const LongitudinalSection& options) {
  // The area: the grid, else the bounding box of what is drawn.
  double x0 = std::numeric_limits<double>::max(), y0 = x0, z0 = x0;
  double x1 = std::numeric_limits<double>::lowest(), y1 = x1, z1 = x1;
  const auto extend = [&](double x, double y, double z) {
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    z0 = std::min(z0, z), z1 = std::max(z1, z);
  };
  if (fields != nullptr) {
    const fields::Grid& g = fields->grid();
    extend(g.origin_um[0], g.origin_um[1], g.origin_um[2]);
    extend(g.origin_um[0] + g.nx * g.dx_um, g.origin_um[1] + g.ny * g.dx_um, g.origin_um[2] + g.nz * g.dx_um);
  } else {
    if (agents != nullptr)
      for (std::size_t i = 0; i < agents->size(); ++i) extend(agents->x[i], agents->y[i], agents->z[i]);
    if (axons != nullptr)
      for (const auto& a : axons->all())
        for (const auto& p : a.points) extend(p[0], p[1], p[2]);
  }
  if (x0 > x1) x0 = y0 = z0 = 0, x1 = y1 = z1 = 1;
  const double plane = options.plane_z_um.value_or((z0 + z1) / 2);
  const double half = options.slab_half_thickness_um;
  const auto in_slab = [&](double z) { return std::abs(z - plane) <= half; };

  const double scale = options.pixels_per_um, margin = 20, legend_height = 60;
  const View view{x0, y0, y1, scale, margin};
  const double width = (x1 - x0) * scale + 2 * margin;
  const double height = (y1 - y0) * scale + 2 * margin + legend_height;
  std::string out = svg_open(width, height, options.title.empty() ? "longitudinal section" : options.title);
  out += fmt::format("<rect class=\"background\" x=\"0\" y=\"0\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#ffffff\"/>\n", width,
                     height);

  // Heat map of the grid layer containing the plane.
  double field_low = 0, field_high = 0;
  const bool heat_map = fields != nullptr && options.field_substrate >= 0 &&
                        static_cast<std::size_t>(options.field_substrate) < fields->substrates();
  if (heat_map) {
    const fields::Grid& g = fields->grid();
    const auto s = static_cast<std::size_t>(options.field_substrate);
    const int k = g.voxel_of({g.origin_um[0], g.origin_um[1], plane})[2];
    field_low = std::numeric_limits<double>::max(), field_high = std::numeric_limits<double>::lowest();
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        field_low = std::min(field_low, fields->at(i, j, k, s));
        field_high = std::max(field_high, fields->at(i, j, k, s));
      }
    const double range = field_high > field_low ? field_high - field_low : 1.0;
    out += "<g class=\"heat-map\">\n";
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const double x = g.origin_um[0] + i * g.dx_um, y = g.origin_um[1] + (j + 1) * g.dx_um;
        // Half a pixel of overlap hides the seams anti-aliasing would draw between voxels.
        out += fmt::format("<rect class=\"voxel\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\"/>\n",
                           view.h(x), view.v(y), g.dx_um * scale + 0.5, g.dx_um * scale + 0.5,
                           heat_colour((fields->at(i, j, k, s) - field_low) / range));
      }
    out += "</g>\n";
  }

  // Axons under the cells, as a microscope sees neurites between somata.
  if (axons != nullptr) {
    out += "<g class=\"axons\" fill=\"none\" stroke=\"#222222\" stroke-linecap=\"round\">\n";
    for (const auto& a : axons->all()) {
      std::string points;
      for (const auto& p : a.points)
        if (in_slab(p[2])) points += fmt::format("{:.2f},{:.2f} ", view.h(p[0]), view.v(p[1]));
      if (points.empty()) continue;
      double mean_diameter = 0;
      for (const double d : a.diameter_um) mean_diameter += d;
      if (!a.diameter_um.empty()) mean_diameter /= static_cast<double>(a.diameter_um.size());
      out += fmt::format("<polyline class=\"axon\" data-id=\"{}\" points=\"{}\" stroke-width=\"{:.2f}\"/>\n", a.id, points,
                         std::max(1.0, mean_diameter * scale));
    }
    out += "</g>\n";
  }

  // Each kind's repair (Schwann-like) phenotype, where it declares one.
  std::vector<std::size_t> phenotype;
  if (agents != nullptr)
    for (const agents::CellKind& k : agents->kinds())
      phenotype.push_back(options.phenotype_label.empty() || k.phenotype.empty() ? SIZE_MAX : k.variable(k.phenotype));
  if (agents != nullptr) {
    out += "<g class=\"cells\" stroke=\"#333333\" stroke-width=\"0.5\" fill-opacity=\"0.9\">\n";
    for (std::size_t i = 0; i < agents->size(); ++i) {
      if (!in_slab(agents->z[i])) continue;
      Rgb colour = from_hex(kind_colour(agents->kind[i]));
      if (const std::size_t v = phenotype[agents->kind[i]]; v != SIZE_MAX)
        colour = mix(colour, phenotype_colour, agents->variables[v][i]);
      out += fmt::format(
          "<circle class=\"cell\" data-kind=\"{}\" data-id=\"{}\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"{}\"/>\n",
          text::xml_escape(agents->kinds()[agents->kind[i]].name), agents->id[i], view.h(agents->x[i]), view.v(agents->y[i]),
          agents->kinds()[agents->kind[i]].radius_um * scale, hex(colour));
    }
    out += "</g>\n";
  }

  // Legend: kinds, the phenotype colour, the heat map's range.
  double lx = margin;
  const double ly = height - legend_height + 18;
  out += "<g class=\"legend\">\n";
  if (agents != nullptr)
    for (std::size_t k = 0; k < agents->kinds().size(); ++k) {
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                         lx + 5, ly, kind_colour(k), lx + 14, ly + 4, text::xml_escape(agents->kinds()[k].name));
      lx += 24 + 7.0 * static_cast<double>(agents->kinds()[k].name.size());
    }
  if (std::any_of(phenotype.begin(), phenotype.end(), [](std::size_t v) { return v != SIZE_MAX; }))
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{} = 1</text>\n",
                       lx + 5, ly, hex(phenotype_colour), lx + 14, ly + 4, text::xml_escape(options.phenotype_label));
  if (heat_map) {
    const double by = ly + 16;
    for (int step = 0; step < 20; ++step)
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"6.5\" height=\"10\" fill=\"{}\"/>\n", margin + step * 6, by,
                         heat_colour(step / 19.0));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}: {:.3g} to {:.3g}</text>\n", margin + 128, by + 9,
                       text::xml_escape(options.field_name.empty() ? "field" : options.field_name), field_low, field_high);
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">slab z = {:.4g} ± {:.4g} um</text>\n", width - margin,
                     ly + 4, plane, half);
  out += "</g>\n</svg>\n";
  return out;
}

std::vector<AxonCrossing> axon_crossings(const agents::Axons& axons, double x_um) {
  std::vector<AxonCrossing> out;
  for (const auto& a : axons.all()) {
    for (std::size_t s = 0; s + 1 < a.points.size(); ++s) {
      const auto& p = a.points[s];
      const auto& q = a.points[s + 1];
      // Half-open in x, so that a point exactly on the plane belongs to one segment only.
      const bool crosses = (p[0] <= x_um && x_um < q[0]) || (q[0] <= x_um && x_um < p[0]);
      if (!crosses) continue;
      const double t = (x_um - p[0]) / (q[0] - p[0]);
      out.push_back({a.id, p[1] + t * (q[1] - p[1]), p[2] + t * (q[2] - p[2]), s < a.diameter_um.size() ? a.diameter_um[s] : 0.0,
                     s < a.myelin_um.size() ? a.myelin_um[s] : 0.0});
    }
  }
  return out;
}

std::string cross_section_svg(const agents::Axons& axons, const CrossSection& options) {
  const std::vector<AxonCrossing> crossings = axon_crossings(axons, options.x_um);
  std::array<double, 4> area{0, 0, 20, 20};
  if (options.area_um) {
    area = *options.area_um;
  } else if (!crossings.empty()) {
    area = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
            std::numeric_limits<double>::lowest()};
    for (const auto& c : crossings) {
      const double r = c.diameter_um / 2 + c.myelin_um;
      area = {std::min(area[0], c.y_um - r), std::min(area[1], c.z_um - r), std::max(area[2], c.y_um + r),
              std::max(area[3], c.z_um + r)};
    }
    for (int i = 0; i < 2; ++i) area[i] -= 5, area[i + 2] += 5;
  }
  const double scale = options.pixels_per_um, margin = 10, caption = 40;
  const View view{area[0], area[1], area[3], scale, margin};
  const double width = std::max(160.0, (area[2] - area[0]) * scale + 2 * margin);
  const double height = (area[3] - area[1]) * scale + 2 * margin + caption;
  std::string out = svg_open(width, height, options.title.empty() ? "cross-section" : options.title);
  // Endoneurium pale pink-grey, myelin dark blue-black, axoplasm pale: toluidine blue on a
  // semithin section.
  out += fmt::format("<rect class=\"background\" x=\"0\" y=\"0\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#ffffff\"/>\n", width,
                     height);
  out +=
      fmt::format("<rect class=\"endoneurium\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#e9dde6\"/>\n",
                  margin, margin, (area[2] - area[0]) * scale, (area[3] - area[1]) * scale);
  double g_ratio_sum = 0;
  std::size_t myelinated = 0;
  for (const auto& c : crossings) {
    const double cx = view.h(c.y_um), cy = view.v(c.z_um);
    const double inner = c.diameter_um / 2 * scale;
    if (c.myelin_um > 0) {
      // The ring is a stroke centred between the axon's edge and the fibre's.
      const double thickness = c.myelin_um * scale;
      out += fmt::format(
          "<circle class=\"myelin\" data-axon=\"{}\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.3f}\" fill=\"none\" "
          "stroke=\"#1d1846\" stroke-width=\"{:.3f}\"/>\n",
          c.axon_id, cx, cy, inner + thickness / 2, thickness);
      g_ratio_sum += c.diameter_um / (c.diameter_um + 2 * c.myelin_um);
      ++myelinated;
    }
    out += fmt::format(
        "<circle class=\"axon\" data-axon=\"{}\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.3f}\" fill=\"#f6f1f4\" "
        "stroke=\"#8c7a99\" stroke-width=\"0.5\"/>\n",
        c.axon_id, cx, cy, inner);
  }
  const double bar_y = height - caption + 12;
  out += fmt::format(
      "<line class=\"scale-bar\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#000000\" "
      "stroke-width=\"3\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\">10 um</text>\n",
      margin, bar_y, margin + 10 * scale, bar_y + 16);
  out += fmt::format(
      "<text class=\"caption\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">x = {:.4g} um: {} axons, {} "
      "myelinated{}</text>\n",
      width - margin, bar_y + 16, options.x_um, crossings.size(), myelinated,
      myelinated ? fmt::format(", mean g-ratio {:.2f}", g_ratio_sum / static_cast<double>(myelinated)) : std::string());
  out += "</svg>\n";
  return out;
}

void write_pictures(const std::filesystem::path& directory, std::size_t index, const fields::Fields* fields,
                    const agents::Agents* agents, const agents::Axons* axons, const LongitudinalSection& section,
                    const CrossSection& cross) {
  std::filesystem::create_directories(directory);
  if (fields != nullptr || agents != nullptr || axons != nullptr)
    write_file_atomically(directory / fmt::format("section_{:06d}.svg", index),
                          longitudinal_section_svg(fields, agents, axons, section));
  if (axons != nullptr)
    write_file_atomically(directory / fmt::format("cross_section_{:06d}.svg", index), cross_section_svg(*axons, cross));
}

}  // namespace bungner::io
