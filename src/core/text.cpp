#include "bungner/core/text.hpp"

#include "bungner/core/errors.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace bungner::text {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (!best || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  // A suggestion further away than about a third of the word is noise, not help.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3 + 1);
  if (best && best_distance <= limit) return best;
  return std::nullopt;
}

std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(separator, start);
    parts.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

namespace {

/// A bracket expression at pattern[p] ('[' ... ']', with ranges a-z and '!' or '^' to negate):
/// the index just past it, or npos when there is no closing bracket (then '[' is literal).
std::size_t bracket_end(std::string_view pattern, std::size_t p) {
  std::size_t q = p + 1;
  if (q < pattern.size() && (pattern[q] == '!' || pattern[q] == '^')) ++q;
  if (q < pattern.size() && pattern[q] == ']') ++q;  // a leading ']' is a member
  while (q < pattern.size() && pattern[q] != ']') ++q;
  return q < pattern.size() ? q + 1 : std::string_view::npos;
}

bool bracket_matches(std::string_view set, char c) {  // set: the text between '[' and ']'
  bool negate = false;
  std::size_t q = 0;
  if (q < set.size() && (set[q] == '!' || set[q] == '^')) {
    negate = true;
    ++q;
  }
  bool hit = false;
  for (; q < set.size(); ++q) {
    if (q + 2 < set.size() && set[q + 1] == '-') {
      hit |= set[q] <= c && c <= set[q + 2];
      q += 2;
    } else {
      hit |= set[q] == c;
    }
  }
  return hit != negate;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view s) {
  std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    std::size_t next = std::string_view::npos;  // past the pattern element that matches s[i]
    if (p < pattern.size()) {
      if (pattern[p] == '[') {
        const std::size_t end = bracket_end(pattern, p);
        if (end == std::string_view::npos ? s[i] == '[' : bracket_matches(pattern.substr(p + 1, end - p - 2), s[i]))
          next = end == std::string_view::npos ? p + 1 : end;
      } else if (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == s[i])) {
        next = p + 1;
      }
    }
    if (next != std::string_view::npos) {
      p = next;
      ++i;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string format_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+' && s.size() > 1 && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::general);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::vector<CsvRecord> parse_csv(std::string_view text, std::string_view source) {
  std::vector<CsvRecord> records;
  std::size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;  // a UTF-8 byte-order mark (spreadsheets write one)
  int line = 1;
  std::size_t line_start = i;  // offset of the current line's first byte
  const auto column_at = [&](std::size_t at) { return static_cast<int>(at - line_start) + 1; };
  const auto fail = [&](int l, int column, const std::string& message) {
    throw InputError(SourceLocation{std::string(source), l, column}, "", message);
  };
  while (i < text.size()) {
    // An empty line: no record.
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      line_start = i;
      continue;
    }
    CsvRecord record;
    bool end_of_record = false;
    while (!end_of_record) {
      CsvField field{{}, line, column_at(i)};
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size()) fail(field.line, field.column, "unterminated quoted field");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.text += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field.text += c;
          ++i;
          if (c == '\n') {
            ++line;
            line_start = i;
          }
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
          fail(line, column_at(i), "expected ',' or the end of the line after a quoted field");
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' &&
               !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
          field.text += text[i++];
        }
      }
      record.push_back(std::move(field));
      if (i >= text.size()) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
      } else {  // LF or CRLF
        i += text[i] == '\r' ? 2 : 1;
        ++line;
        line_start = i;
        end_of_record = true;
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<std::string> field_texts(const CsvRecord& record) {
  std::vector<std::string> out;
  out.reserve(record.size());
  for (const CsvField& f : record) out.push_back(f.text);
  return out;
}

std::string base64_encode(const void* data, std::size_t bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((bytes + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes; i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i < bytes) {
    const bool two = i + 1 < bytes;
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (two ? std::uint32_t{p[i + 1]} << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += two ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace bungner::text
