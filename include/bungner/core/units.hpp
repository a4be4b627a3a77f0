#pragma once
// Physical units. Every dimensional value in an input is a string "number unit" ("3 mm/day");
// it is converted once, at the boundary, to internal units (SI base units plus cell count and
// IU as extra base dimensions), so the model never sees a unit and never multiplies a
// millimetre by a day. The unit table and grammar are documented in docs/units.md.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bungner::units {

/// Thrown on any parse or dimension problem; what() is one sentence that quotes the input,
/// e.g. "unknown unit 'mmm' in \"10 mmm\"; did you mean 'mm'?".
class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The base dimensions, in the order of Dimension::exponent. Count (cells, axons, neurons) and
/// activity (IU) are base dimensions so that "cells/mm^2" cannot be confused with "1/mm^2" and
/// because the IU-to-mass factor depends on the substance.
enum class BaseDimension : std::size_t { length, time, mass, amount, count, current, temperature, activity };
inline constexpr std::size_t base_dimension_count = 8;

/// Exponents of the base dimensions: length, time, mass, amount, count (cells), current,
/// temperature, activity (IU).
struct Dimension {
  std::array<std::int8_t, base_dimension_count> exponent{};

  bool operator==(const Dimension&) const = default;
  constexpr bool dimensionless() const {
    for (const std::int8_t e : exponent) {
      if (e != 0) return false;
    }
    return true;
  }
  constexpr int operator[](BaseDimension base) const { return exponent[static_cast<std::size_t>(base)]; }
};

namespace detail {
// Exponents are int8 to keep Dimension small; a unit expression that overflows one is nonsense.
constexpr std::int8_t checked_exponent(int e) {
  if (e < -127 || e > 127) throw UnitError("dimension exponent out of range");
  return static_cast<std::int8_t>(e);
}
}  // namespace detail

constexpr Dimension operator*(Dimension a, Dimension b) {
  Dimension out;
  for (std::size_t i = 0; i < base_dimension_count; ++i) {
    out.exponent[i] = detail::checked_exponent(a.exponent[i] + b.exponent[i]);
  }
  return out;
}
constexpr Dimension operator/(Dimension a, Dimension b) {
  Dimension out;
  for (std::size_t i = 0; i < base_dimension_count; ++i) {
    out.exponent[i] = detail::checked_exponent(a.exponent[i] - b.exponent[i]);
  }
  return out;
}
constexpr Dimension pow(Dimension a, int n) {
  Dimension out;
  for (std::size_t i = 0; i < base_dimension_count; ++i) out.exponent[i] = detail::checked_exponent(a.exponent[i] * n);
  return out;
}
/// The base dimension `base` raised to `power`.
constexpr Dimension base_dimension(BaseDimension base, int power = 1) {
  Dimension out;
  out.exponent[static_cast<std::size_t>(base)] = detail::checked_exponent(power);
  return out;
}

/// Named dimensions, for code that checks a Dimension without parsing a unit.
namespace dim {
inline constexpr Dimension none{};
inline constexpr Dimension length = base_dimension(BaseDimension::length);
inline constexpr Dimension time = base_dimension(BaseDimension::time);
inline constexpr Dimension mass = base_dimension(BaseDimension::mass);
inline constexpr Dimension amount = base_dimension(BaseDimension::amount);
inline constexpr Dimension count = base_dimension(BaseDimension::count);
inline constexpr Dimension current = base_dimension(BaseDimension::current);
inline constexpr Dimension temperature = base_dimension(BaseDimension::temperature);
inline constexpr Dimension activity = base_dimension(BaseDimension::activity);
inline constexpr Dimension area = length * length;
inline constexpr Dimension volume = area * length;
inline constexpr Dimension rate = none / time;
inline constexpr Dimension velocity = length / time;
inline constexpr Dimension diffusivity = area / time;
inline constexpr Dimension concentration = mass / volume;
inline constexpr Dimension molar_concentration = amount / volume;
}  // namespace dim

/// The conventional name of a dimension ("length", "rate", "diffusivity"), if it has one.
std::optional<std::string_view> dimension_name(const Dimension& dimension);

/// Human-readable: the name when known (see dimension_name), "dimensionless", else the base
/// formula such as "L^2 T^-1" (symbols L T M N cell I Θ IU, in BaseDimension order).
/// T^-1 is "rate" and mass/mass/time also reduces to T^-1: use describe_unit for "dose rate".
std::string describe(const Dimension& dimension);

/// Like describe, but looks at the unit expression as written, so that quantities sharing a
/// dimension are told apart: "mg/kg/day" is a "dose rate", "Hz" a "frequency", "N/g" a
/// "specific force", "mg/kg" a "dose". Throws UnitError on an invalid expression.
std::string describe_unit(std::string_view unit_expression);

/// A parsed unit: value_in_si = value * factor.
struct Unit {
  double factor = 1.0;
  Dimension dimension;
};

/// Parses a unit expression ("mm/day", "pg/1e6 cells/day", "1/min", "um^2/min"). The empty
/// string and "1" are the dimensionless unit with factor 1. Throws UnitError.
Unit parse_unit(std::string_view expression);

/// A value in internal units with its dimension.
struct Quantity {
  double si = 0.0;
  Dimension dimension;
};

/// Parses "number [unit]"; a bare number is dimensionless. Throws UnitError.
Quantity parse_quantity(std::string_view text);

/// Parses `text` and checks that its dimension matches expected_unit's; returns the value in
/// internal units. A bare number is accepted only for a dimensionless expected unit, where it
/// is read as a plain number (so "0.5" for "%" is 0.5, i.e. 50 %); for a dimensional one it is
/// a "missing unit" error. Throws UnitError.
double parse_as(std::string_view text, std::string_view expected_unit);

/// Converts a value in internal units to `unit` (value / factor). Throws UnitError.
double from_si(double value_in_si, std::string_view unit);

/// Converts a value in `unit` to internal units (value * factor). Throws UnitError.
double to_si(double value, std::string_view unit);

/// Formats a value given in internal units as "<value> <unit>" in the display unit, with
/// %.6g-style digits unless more are needed to read back the same value in `unit` (the
/// conversion to SI may still differ in the last bit). For "" and "1" the unit is left off.
/// Locale-independent. Throws UnitError.
std::string format(double value_in_si, std::string_view unit);

/// One symbol of the unit table: value_in_si = value * factor.
struct UnitEntry {
  std::string_view symbol;
  std::string_view name;
  Dimension dimension;
  double factor;
};

/// The unit table, for `bungner units` and docs/units.md, in documentation order.
std::span<const UnitEntry> unit_table();

}  // namespace bungner::units
