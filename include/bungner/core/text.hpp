#pragma once
// Small text utilities shared by the input layers.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bungner::text {

/// Levenshtein distance between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible typo.
std::optional<std::string> did_you_mean(std::string_view word, std::span<const std::string> candidates);

/// Splits on a separator character, keeping empty pieces.
std::vector<std::string> split(std::string_view s, char separator);

/// Strips ASCII whitespace at both ends.
std::string_view trim(std::string_view s);

/// Shell-style glob match: '*', '?' and bracket expressions ('[234]', '[a-z]', '[!x]').
bool glob_match(std::string_view pattern, std::string_view s);

/// Shortest decimal form of a double that reads back to the same value.
std::string format_double(double value);

/// Escapes a string for a CSV field (quotes when needed).
std::string csv_field(std::string_view s);

/// The whole of `s` (surrounding ASCII whitespace ignored) as a double, by std::from_chars: "3.97"
/// is 3.97 whatever the C locale's LC_NUMERIC says (std::stod, strtod and atof read it as 3 under
/// a decimal-comma locale). Accepts what from_chars accepts ("1e-3", "inf", "nan", a leading
/// '-') and a leading '+'; nullopt for anything else, for an empty string and out of range.
std::optional<double> parse_double(std::string_view s);

/// The whole of `s` (surrounding ASCII whitespace ignored) as an unsigned integer; nullopt otherwise.
std::optional<std::uint64_t> parse_unsigned(std::string_view s);

/// One field of a CSV file with where it starts (1-based line and column), for messages.
struct CsvField {
  std::string text;
  int line = 0;
  int column = 0;
};
using CsvRecord = std::vector<CsvField>;

/// Parses CSV text (RFC 4180): records end with LF or CRLF (the last one may lack it), fields are
/// separated by ',', and a field in double quotes may hold commas, line breaks and doubled quotes.
/// A UTF-8 byte-order mark is skipped and lines with no character at all are left out. Throws
/// InputError at `source`:line:column on an unterminated quoted field or text after a closing
/// quote. The one CSV reader of bungner: evidence, design tables, study checkpoints, reports.
std::vector<CsvRecord> parse_csv(std::string_view text, std::string_view source);

/// The texts of a record's fields.
std::vector<std::string> field_texts(const CsvRecord& record);

/// Standard base64 (RFC 4648, with padding) of `bytes` bytes.
std::string base64_encode(const void* data, std::size_t bytes);

/// Escapes & < > " ' for XML and HTML text and attribute values.
std::string xml_escape(std::string_view s);

}  // namespace bungner::text
