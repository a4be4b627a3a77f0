#pragma once
// Small text utilities shared by the input layers.
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

/// Standard base64 (RFC 4648, with padding) of `bytes` bytes.
std::string base64_encode(const void* data, std::size_t bytes);

/// Escapes & < > " ' for XML and HTML text and attribute values.
std::string xml_escape(std::string_view s);

}  // namespace bungner::text
