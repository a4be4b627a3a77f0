#include "bungner/serve/axons.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bungner::serve {

namespace {

std::vector<unsigned char> base64_decode(std::string_view text) {
  std::array<int, 256> value{};
  value.fill(-1);
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) value[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  std::vector<unsigned char> out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=' || c == '\n' || c == ' ' || c == '\r' || c == '\t') continue;
    const int v = value[static_cast<unsigned char>(c)];
    if (v < 0) throw std::runtime_error("not base64");
    bits = (bits << 6U) | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<unsigned char>(bits >> 16U));
      out.push_back(static_cast<unsigned char>(bits >> 8U));
      out.push_back(static_cast<unsigned char>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 3) {
    out.push_back(static_cast<unsigned char>(bits >> 10U));
    out.push_back(static_cast<unsigned char>(bits >> 2U));
  } else if (count == 2) {
    out.push_back(static_cast<unsigned char>(bits >> 4U));
  }
  return out;
}

template <typename T>
T read_value(const unsigned char* at) {
  T value;
  std::memcpy(&value, at, sizeof value);  // little-endian, as written
  return value;
}

/// The values of DataArray `name` as doubles: its tag's type, the byte count that heads its
/// inline binary data (base64 of a UInt64, 12 characters), then the values.
std::vector<double> data_array(std::string_view xml, std::string_view name) {
  const std::size_t at = xml.find(fmt::format("Name=\"{}\"", name));
  if (at == std::string_view::npos) throw std::runtime_error(fmt::format("no {} array", name));
  const std::size_t tag_start = xml.rfind("<DataArray", at);
  const std::size_t tag_end = xml.find('>', at);
  const std::size_t end = xml.find("</DataArray>", tag_end);
  if (tag_start == std::string_view::npos || tag_end == std::string_view::npos || end == std::string_view::npos)
    throw std::runtime_error(fmt::format("the {} array is not closed", name));
  const std::string_view tag = xml.substr(tag_start, tag_end - tag_start);
  std::string_view data = xml.substr(tag_end + 1, end - tag_end - 1);
  while (!data.empty() && std::isspace(static_cast<unsigned char>(data.front())) != 0) data.remove_prefix(1);
  if (data.size() < 12) throw std::runtime_error(fmt::format("the {} array has no data", name));
  const std::vector<unsigned char> bytes = base64_decode(data.substr(12));
  const auto decode = [&]<typename T>(T /*type*/) {
    std::vector<double> out(bytes.size() / sizeof(T));
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(read_value<T>(bytes.data() + i * sizeof(T)));
    return out;
  };
  if (tag.find("type=\"Float64\"") != std::string_view::npos) return decode(double{});
  if (tag.find("type=\"Float32\"") != std::string_view::npos) return decode(float{});
  if (tag.find("type=\"Int64\"") != std::string_view::npos) return decode(std::int64_t{});
  if (tag.find("type=\"UInt64\"") != std::string_view::npos) return decode(std::uint64_t{});
  if (tag.find("type=\"Int32\"") != std::string_view::npos) return decode(std::int32_t{});
  throw std::runtime_error(fmt::format("the {} array has a type the workbench does not read", name));
}

}  // namespace

DecimatedAxons decimate_axons_vtp(std::string_view xml, std::size_t max_segments) {
  const std::vector<double> points = data_array(xml, "Points");
  const std::vector<double> connectivity = data_array(xml, "connectivity");
  if (points.size() % 3 != 0 || connectivity.size() % 2 != 0)
    throw std::runtime_error("expected 3D points and line cells of two points each");
  const std::size_t point_count = points.size() / 3;
  DecimatedAxons out;
  out.total_segments = connectivity.size() / 2;
  // An axon's segments follow one another, each starting where the last one ended.
  std::vector<std::size_t> axon_of(out.total_segments);
  for (std::size_t s = 0; s < out.total_segments; ++s) {
    if (s == 0 || connectivity[2 * s] != connectivity[2 * s - 1]) ++out.total_axons;
    axon_of[s] = out.total_axons - 1;
  }
  out.stride = max_segments == 0 ? out.total_segments + 1 : (out.total_segments + max_segments - 1) / max_segments;
  out.stride = std::max<std::size_t>(out.stride, 1);
  for (std::size_t s = 0; s < out.total_segments; ++s) {
    if (axon_of[s] % out.stride != 0) continue;
    if (s == 0 || axon_of[s] != axon_of[s - 1]) ++out.kept_axons;
    for (const double end : {connectivity[2 * s], connectivity[2 * s + 1]}) {
      if (!(end >= 0 && end < static_cast<double>(point_count))) throw std::runtime_error("a segment's point is out of range");
      const auto p = static_cast<std::size_t>(end);
      for (std::size_t k = 0; k < 3; ++k) out.segments.push_back(static_cast<float>(points[3 * p + k]));
    }
  }
  return out;
}

}  // namespace bungner::serve
