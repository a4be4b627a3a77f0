#pragma once
#include <string>
#include <string_view>

namespace bungner {
/// SHA-256 of the bytes, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
}  // namespace bungner
