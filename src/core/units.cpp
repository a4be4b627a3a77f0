#include "bungner/core/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

namespace bungner::units {
namespace {

// ---------------------------------------------------------------------------------------------
// The unit table.

constexpr Dimension L = dim::length;
constexpr Dimension T = dim::time;
constexpr Dimension M = dim::mass;
constexpr Dimension N = dim::amount;
constexpr Dimension CELL = dim::count;
constexpr Dimension I = dim::current;
constexpr Dimension K = dim::temperature;
constexpr Dimension IU = dim::activity;
constexpr Dimension ONE = dim::none;

constexpr Dimension FORCE = M * L / pow(T, 2);
constexpr Dimension PRESSURE = FORCE / pow(L, 2);
constexpr Dimension ENERGY = FORCE * L;
constexpr Dimension POWER = ENERGY / T;
constexpr Dimension CHARGE = I * T;
constexpr Dimension VOLTAGE = POWER / I;
constexpr Dimension RESISTANCE = VOLTAGE / I;
constexpr Dimension CONDUCTANCE = ONE / RESISTANCE;
constexpr Dimension CAPACITANCE = CHARGE / VOLTAGE;
constexpr Dimension FLUX_DENSITY = VOLTAGE * T / pow(L, 2);

constexpr double minute = 60.0;
constexpr double hour = 3600.0;
constexpr double day = 86400.0;
constexpr double week = 7.0 * day;
constexpr double julian_year = 365.25 * day;  // the astronomers' year; a month is 1/12 of it
constexpr double month = julian_year / 12.0;  // 30.4375 d
constexpr double dalton = 1.66053906660e-27;  // kg, CODATA 2018
constexpr double avogadro = 6.02214076e23;    // 1/mol, exact since the 2019 SI
constexpr double mmhg = 133.322387415;        // Pa, the conventional millimetre of mercury
constexpr double cmh2o = 98.0665;             // Pa, conventional (g_n * 1 cm * 1000 kg/m^3)
constexpr double inch = 0.0254;               // m, exact (international yard and pound, 1959)
constexpr double foot = 12.0 * inch;          // m, exact
constexpr double pound = 0.45359237;          // kg, exact (avoirdupois)
constexpr double ounce = pound / 16.0;        // kg, exact (avoirdupois)

// Symbols are case-sensitive ("mM" millimolar vs "mm" millimetre, "Pa" vs "pA"). The micro sign
// U+00B5 is the stored form; the Greek mu U+03BC is normalised to it before lookup.
constexpr UnitEntry table[] = {
    // Dimensionless
    {"%", "percent", ONE, 0.01},
    {"percent", "percent", ONE, 0.01},
    {"fraction", "fraction", ONE, 1.0},
    {"fold", "fold change", ONE, 1.0},
    {"ratio", "ratio", ONE, 1.0},
    // Length
    {"m", "metre", L, 1.0},
    {"cm", "centimetre", L, 1e-2},
    {"mm", "millimetre", L, 1e-3},
    {"um", "micrometre", L, 1e-6},
    {"µm", "micrometre", L, 1e-6},
    {"micron", "micrometre", L, 1e-6},
    {"microns", "micrometre", L, 1e-6},
    {"nm", "nanometre", L, 1e-9},
    // Clinicians' imperial lengths (gap and limb lengths in US charts).
    {"in", "inch", L, inch},
    {"inch", "inch", L, inch},
    {"inches", "inch", L, inch},
    {"ft", "foot", L, foot},
    {"foot", "foot", L, foot},
    {"feet", "foot", L, foot},
    // Time
    {"s", "second", T, 1.0},
    {"sec", "second", T, 1.0},
    {"second", "second", T, 1.0},
    {"seconds", "second", T, 1.0},
    {"ms", "millisecond", T, 1e-3},
    {"us", "microsecond", T, 1e-6},
    {"µs", "microsecond", T, 1e-6},
    {"min", "minute", T, minute},
    {"mins", "minute", T, minute},
    {"minute", "minute", T, minute},
    {"minutes", "minute", T, minute},
    {"h", "hour", T, hour},
    {"hr", "hour", T, hour},
    {"hrs", "hour", T, hour},
    {"hour", "hour", T, hour},
    {"hours", "hour", T, hour},
    {"d", "day", T, day},
    {"day", "day", T, day},
    {"days", "day", T, day},
    {"wk", "week", T, week},
    {"week", "week", T, week},
    {"weeks", "week", T, week},
    {"mo", "month (30.4375 d)", T, month},
    {"month", "month (30.4375 d)", T, month},
    {"months", "month (30.4375 d)", T, month},
    {"yr", "year (365.25 d)", T, julian_year},
    {"year", "year (365.25 d)", T, julian_year},
    {"years", "year (365.25 d)", T, julian_year},
    // Mass
    {"kg", "kilogram", M, 1.0},
    {"g", "gram", M, 1e-3},
    {"mg", "milligram", M, 1e-6},
    {"ug", "microgram", M, 1e-9},
    {"µg", "microgram", M, 1e-9},
    {"mcg", "microgram", M, 1e-9},
    {"ng", "nanogram", M, 1e-12},
    {"pg", "picogram", M, 1e-15},
    {"fg", "femtogram", M, 1e-18},
    {"Da", "dalton", M, dalton},
    {"kDa", "kilodalton", M, 1e3 * dalton},
    // Body weight in US charts (avoirdupois).
    {"lb", "pound", M, pound},
    {"lbs", "pound", M, pound},
    {"oz", "ounce", M, ounce},
    // Amount of substance
    {"mol", "mole", N, 1.0},
    {"mmol", "millimole", N, 1e-3},
    {"umol", "micromole", N, 1e-6},
    {"µmol", "micromole", N, 1e-6},
    {"nmol", "nanomole", N, 1e-9},
    {"pmol", "picomole", N, 1e-12},
    {"fmol", "femtomole", N, 1e-15},
    {"molecule", "molecule (1/N_A mol)", N, 1.0 / avogadro},
    {"molecules", "molecule (1/N_A mol)", N, 1.0 / avogadro},
    // Volume
    {"L", "litre", pow(L, 3), 1e-3},
    {"l", "litre", pow(L, 3), 1e-3},
    {"dL", "decilitre", pow(L, 3), 1e-4},
    {"dl", "decilitre", pow(L, 3), 1e-4},
    {"mL", "millilitre", pow(L, 3), 1e-6},
    {"ml", "millilitre", pow(L, 3), 1e-6},
    {"uL", "microlitre", pow(L, 3), 1e-9},
    {"ul", "microlitre", pow(L, 3), 1e-9},
    {"µL", "microlitre", pow(L, 3), 1e-9},
    {"µl", "microlitre", pow(L, 3), 1e-9},
    {"nL", "nanolitre", pow(L, 3), 1e-12},
    {"nl", "nanolitre", pow(L, 3), 1e-12},
    // Molar concentration (mol/L = 1e3 mol/m^3)
    {"M", "molar", N / pow(L, 3), 1e3},
    {"mM", "millimolar", N / pow(L, 3), 1.0},
    {"uM", "micromolar", N / pow(L, 3), 1e-3},
    {"µM", "micromolar", N / pow(L, 3), 1e-3},
    {"nM", "nanomolar", N / pow(L, 3), 1e-6},
    {"pM", "picomolar", N / pow(L, 3), 1e-9},
    {"fM", "femtomolar", N / pow(L, 3), 1e-12},
    // Counts
    {"cell", "cell", CELL, 1.0},
    {"cells", "cell", CELL, 1.0},
    {"axon", "axon (count)", CELL, 1.0},
    {"axons", "axon (count)", CELL, 1.0},
    {"neuron", "neuron (count)", CELL, 1.0},
    {"neurons", "neuron (count)", CELL, 1.0},
    {"fiber", "fibre (count)", CELL, 1.0},
    {"fibers", "fibre (count)", CELL, 1.0},
    {"fibre", "fibre (count)", CELL, 1.0},
    {"fibres", "fibre (count)", CELL, 1.0},
    // Biological activity
    {"IU", "international unit", IU, 1.0},
    {"mIU", "milli-international unit", IU, 1e-3},
    {"kIU", "kilo-international unit", IU, 1e3},
    // Frequency
    {"Hz", "hertz", ONE / T, 1.0},
    {"kHz", "kilohertz", ONE / T, 1e3},
    {"MHz", "megahertz", ONE / T, 1e6},
    // Magnetic flux density
    {"T", "tesla", FLUX_DENSITY, 1.0},
    {"mT", "millitesla", FLUX_DENSITY, 1e-3},
    {"uT", "microtesla", FLUX_DENSITY, 1e-6},
    {"µT", "microtesla", FLUX_DENSITY, 1e-6},
    {"nT", "nanotesla", FLUX_DENSITY, 1e-9},
    {"G", "gauss", FLUX_DENSITY, 1e-4},
    {"mG", "milligauss", FLUX_DENSITY, 1e-7},
    // Force
    {"N", "newton", FORCE, 1.0},
    {"kN", "kilonewton", FORCE, 1e3},
    {"mN", "millinewton", FORCE, 1e-3},
    {"uN", "micronewton", FORCE, 1e-6},
    {"µN", "micronewton", FORCE, 1e-6},
    // Gram-force: crush loads are reported as the mass on the jaws ("a 100 g crush").
    {"gf", "gram-force", FORCE, 9.80665e-3},
    {"kgf", "kilogram-force", FORCE, 9.80665},
    // Pressure, stress, elastic modulus
    {"Pa", "pascal", PRESSURE, 1.0},
    {"kPa", "kilopascal", PRESSURE, 1e3},
    {"MPa", "megapascal", PRESSURE, 1e6},
    {"mmHg", "millimetre of mercury", PRESSURE, mmhg},
    {"cmH2O", "centimetre of water", PRESSURE, cmh2o},
    // Energy
    {"J", "joule", ENERGY, 1.0},
    {"kJ", "kilojoule", ENERGY, 1e3},
    {"mJ", "millijoule", ENERGY, 1e-3},
    {"uJ", "microjoule", ENERGY, 1e-6},
    {"µJ", "microjoule", ENERGY, 1e-6},
    // Power
    {"W", "watt", POWER, 1.0},
    {"mW", "milliwatt", POWER, 1e-3},
    {"uW", "microwatt", POWER, 1e-6},
    {"µW", "microwatt", POWER, 1e-6},
    // Voltage
    {"V", "volt", VOLTAGE, 1.0},
    {"mV", "millivolt", VOLTAGE, 1e-3},
    {"uV", "microvolt", VOLTAGE, 1e-6},
    {"µV", "microvolt", VOLTAGE, 1e-6},
    // Current
    {"A", "ampere", I, 1.0},
    {"mA", "milliampere", I, 1e-3},
    {"uA", "microampere", I, 1e-6},
    {"µA", "microampere", I, 1e-6},
    {"nA", "nanoampere", I, 1e-9},
    {"pA", "picoampere", I, 1e-12},
    // Charge (stimulation charge per phase)
    {"C", "coulomb", CHARGE, 1.0},
    {"mC", "millicoulomb", CHARGE, 1e-3},
    {"uC", "microcoulomb", CHARGE, 1e-6},
    {"µC", "microcoulomb", CHARGE, 1e-6},
    {"nC", "nanocoulomb", CHARGE, 1e-9},
    // Resistance (U+03A9; the ohm sign U+2126 is normalised to it)
    {"ohm", "ohm", RESISTANCE, 1.0},
    {"kohm", "kiloohm", RESISTANCE, 1e3},
    {"Mohm", "megaohm", RESISTANCE, 1e6},
    {"Ω", "ohm", RESISTANCE, 1.0},
    {"kΩ", "kiloohm", RESISTANCE, 1e3},
    {"MΩ", "megaohm", RESISTANCE, 1e6},
    // Conductance
    {"S", "siemens", CONDUCTANCE, 1.0},
    {"mS", "millisiemens", CONDUCTANCE, 1e-3},
    {"uS", "microsiemens", CONDUCTANCE, 1e-6},
    {"µS", "microsiemens", CONDUCTANCE, 1e-6},
    {"nS", "nanosiemens", CONDUCTANCE, 1e-9},
    // Capacitance (membrane capacitance, uF/cm^2)
    {"F", "farad", CAPACITANCE, 1.0},
    {"uF", "microfarad", CAPACITANCE, 1e-6},
    {"µF", "microfarad", CAPACITANCE, 1e-6},
    {"nF", "nanofarad", CAPACITANCE, 1e-9},
    {"pF", "picofarad", CAPACITANCE, 1e-12},
    // Temperature (kelvin only: Celsius is an offset scale, not a factor)
    {"K", "kelvin", K, 1.0},
};

const UnitEntry* find_symbol(std::string_view symbol) {
  for (const UnitEntry& e : table) {
    if (e.symbol == symbol) return &e;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Dimension names.

struct NamedDimension {
  Dimension dimension;
  std::string_view name;
};

constexpr NamedDimension named_dimensions[] = {
    {L, "length"},
    {T, "time"},
    {M, "mass"},
    {N, "amount of substance"},
    {CELL, "count"},
    {I, "electric current"},
    {K, "temperature"},
    {IU, "biological activity (IU)"},
    {pow(L, 2), "area"},
    {pow(L, 3), "volume"},
    {ONE / L, "inverse length"},
    {ONE / T, "rate"},
    {L / T, "velocity"},
    {L / pow(T, 2), "acceleration"},
    {pow(L, 2) / T, "diffusivity"},
    {pow(L, 3) / T, "volumetric flow rate"},
    {M / T, "mass rate"},
    {N / T, "molar rate"},
    {CELL / T, "count per time"},
    {M / pow(L, 3), "concentration"},
    {N / pow(L, 3), "molar concentration"},
    {IU / pow(L, 3), "activity concentration"},
    {M / pow(L, 3) / T, "concentration rate"},
    {N / pow(L, 3) / T, "molar concentration rate"},
    {CELL / L, "count per length"},
    {CELL / pow(L, 2), "count per area"},
    {CELL / pow(L, 3), "count per volume"},
    {M / CELL, "mass per cell"},
    {N / CELL, "amount per cell"},
    {M / CELL / T, "mass rate per cell"},
    {N / CELL / T, "molar rate per cell"},
    {M / pow(L, 2), "mass per area"},
    {M / pow(L, 2) / T, "mass flux"},
    {N / pow(L, 2) / T, "molar flux"},
    {M / N, "molar mass"},
    {N / M, "amount per mass"},
    {IU / M, "activity dose"},
    {IU / M / T, "activity dose rate"},
    {FORCE, "force"},
    {PRESSURE, "pressure"},
    {PRESSURE * T, "dynamic viscosity"},
    {ENERGY, "energy"},
    {ENERGY / pow(L, 2), "fluence (energy per area)"},
    {POWER, "power"},
    {POWER / pow(L, 2), "irradiance (power per area)"},
    {CHARGE, "electric charge"},
    {CHARGE / pow(L, 2), "charge density"},
    {I / pow(L, 2), "current density"},
    {VOLTAGE, "voltage"},
    {VOLTAGE / L, "electric field"},
    {RESISTANCE, "electrical resistance"},
    {CONDUCTANCE, "electrical conductance"},
    {CONDUCTANCE / pow(L, 2), "conductance per area"},
    {CAPACITANCE, "capacitance"},
    {CAPACITANCE / pow(L, 2), "capacitance per area"},
    {FLUX_DENSITY, "magnetic flux density"},
};

constexpr std::string_view base_symbols[base_dimension_count] = {"L", "T", "M", "N", "cell", "I", "Θ", "IU"};

std::string formula(const Dimension& d) {
  std::string out;
  for (std::size_t i = 0; i < base_dimension_count; ++i) {
    const int e = d.exponent[i];  // NOLINT(bugprone-signed-char-misuse): a small signed exponent, not a character
    if (e == 0) continue;
    if (!out.empty()) out += ' ';
    out += base_symbols[i];
    if (e != 1) out += '^' + std::to_string(e);
  }
  return out;
}

// "a length", "an area", "a dimensionless number", "a quantity of dimension L^3 T^-2".
std::string with_article(std::string_view description, const Dimension& d) {
  if (d.dimensionless() && description == "dimensionless") return "a dimensionless number";
  if (!dimension_name(d) && description == formula(d)) return "a quantity of dimension " + std::string(description);
  const char c = description.empty() ? 'x' : description.front();
  const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return (vowel ? "an " : "a ") + std::string(description);
}

// ---------------------------------------------------------------------------------------------
// Lexical helpers.

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Both spellings of micro and of ohm appear in copied text; the table stores one of each.
std::string normalise(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 2) == "\xCE\xBC") {  // U+03BC GREEK SMALL LETTER MU
      out += "\xC2\xB5";                 // U+00B5 MICRO SIGN
      ++i;
    } else if (s.substr(i, 3) == "\xE2\x84\xA6") {  // U+2126 OHM SIGN
      out += "\xCE\xA9";                            // U+03A9 GREEK CAPITAL LETTER OMEGA
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Optimal-string-alignment distance in half edits: a change of letter case costs 1, any other
// edit 2, so "MM" is nearer to "mM" than to "nm".
int edit_distance(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = 2 * static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = 2 * static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const int substitute = a[i - 1] == b[j - 1] ? 0 : (lower(a[i - 1]) == lower(b[j - 1]) ? 1 : 2);
      d[i][j] = std::min({d[i - 1][j] + 2, d[i][j - 1] + 2, d[i - 1][j - 1] + substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 2);
      }
    }
  }
  return d[n][m];
}

// `wanted`: the dimension the symbol must have for the whole expression to have the expected one
// (known when the caller expects a dimension and the symbol is the only unknown one). Only
// symbols of that dimension are suggested: "4 in" for a length must not suggest 'min'.
[[noreturn]] void unknown_symbol(std::string_view symbol, std::string_view context,
                                 std::optional<Dimension> wanted = std::nullopt) {
  std::string message = "unknown unit '" + std::string(symbol) + "' in " + quoted(context);
  // Celsius and Fahrenheit are offset scales; a factor cannot convert them.
  if (symbol == "°C" || symbol == "degC" || symbol == "\xE2\x84\x83" || symbol == "°F" || symbol == "degF") {
    throw UnitError(message + "; temperatures are given in kelvin, e.g. \"310.15 K\" for 37 °C");
  }
  // "mm2" means "mm^2" to its writer.
  std::size_t digits = symbol.size();
  while (digits > 0 && is_digit(symbol[digits - 1])) --digits;
  const bool has_power = digits < symbol.size();
  if (has_power && digits > 0 && symbol[digits - 1] == '-') --digits;
  if (has_power && digits > 0 && find_symbol(symbol.substr(0, digits))) {
    throw UnitError(message + "; write powers with '^', e.g. '" + std::string(symbol.substr(0, digits)) + "^" +
                    std::string(symbol.substr(digits)) + "'");
  }
  const UnitEntry* best = nullptr;
  int best_distance = std::numeric_limits<int>::max();
  for (const UnitEntry& e : table) {
    if (wanted && e.dimension != *wanted) continue;
    const int distance = edit_distance(symbol, e.symbol);
    if (distance < best_distance) {
      best = &e;
      best_distance = distance;
    }
  }
  // Beyond two edits the nearest symbol is more likely a coincidence than the intended unit.
  const int allowed = symbol.size() <= 4 ? 2 : 4;
  if (best != nullptr && best_distance <= allowed) {
    message += "; did you mean '" + std::string(best->symbol) + "'?";
  } else if (wanted) {
    // Name a few units of the dimension wanted, one symbol per unit name.
    std::vector<std::string_view> names, symbols;
    for (const UnitEntry& e : table) {
      if (e.dimension != *wanted || std::find(names.begin(), names.end(), e.name) != names.end()) continue;
      names.push_back(e.name);
      symbols.push_back(e.symbol);
    }
    if (symbols.empty()) {
      message += "; see docs/units.md for the units understood";
    } else {
      message += "; expected " + with_article(describe(*wanted), *wanted) + ", e.g. ";
      for (std::size_t i = 0; i < symbols.size() && i < 6; ++i) message += (i ? ", '" : "'") + std::string(symbols[i]) + "'";
      message += " (docs/units.md)";
    }
  } else {
    message += "; see docs/units.md for the units understood";
  }
  throw UnitError(message);
}

// ---------------------------------------------------------------------------------------------
// The unit-expression parser.

struct Parsed {
  double factor = 1.0;
  Dimension dimension;
  Dimension numerator;            // the first product, before cancelling: tells "mg/kg/day" from "1/day"
  Dimension denominator;          // all products after a '/'
  bool frequency_symbol = false;  // Hz and friends: a frequency rather than a rate
};

class ExpressionParser {
 public:
  ExpressionParser(std::string_view expression, std::string_view context, std::optional<Dimension> expected = std::nullopt)
      : text_(normalise(expression)), context_(context), expected_(expected) {}

  Parsed parse() {
    Parsed out;
    skip_space();
    if (at_end()) return out;  // the dimensionless unit
    const Product first = product(true);
    out.factor = first.factor;
    out.numerator = first.dimension;
    out.frequency_symbol = first.frequency_symbol;
    while (!at_end()) {
      // product() stops only at the end or at '/'.
      ++pos_;
      const Product next = product(false);
      out.factor /= next.factor;
      out.denominator = checked([&] { return out.denominator * next.dimension; });
      out.frequency_symbol = out.frequency_symbol || next.frequency_symbol;
    }
    out.dimension = checked([&] { return out.numerator / out.denominator; });
    if (unknown_) unknown_symbol(unknown_->symbol, context_, wanted_dimension(out.dimension));
    if (!std::isfinite(out.factor) || out.factor <= 0.0) fail("unit factor out of range");
    return out;
  }

 private:
  struct Product {
    double factor = 1.0;
    Dimension dimension;
    bool frequency_symbol = false;
  };

  // The first unknown symbol, kept while the rest is parsed when a dimension is expected, so
  // that the suggestion can be limited to symbols that would give the expected dimension.
  struct Unknown {
    std::string symbol;
    int power = 1;  // negative after '/'
  };

  // The dimension the unknown symbol must have: expected = rest * X^power.
  std::optional<Dimension> wanted_dimension(const Dimension& rest) const {
    if (!expected_ || unknown_count_ != 1 || unknown_->power == 0) return std::nullopt;
    try {
      const Dimension needed = *expected_ / rest;  // X^power
      Dimension x;
      for (std::size_t i = 0; i < base_dimension_count; ++i) {
        if (needed.exponent[i] % unknown_->power != 0) return std::nullopt;
        x.exponent[i] = detail::checked_exponent(needed.exponent[i] / unknown_->power);
      }
      return x;
    } catch (const UnitError&) {
      return std::nullopt;
    }
  }

  Product product(bool numerator) {
    Product out;
    int factors = 0;
    bool number_seen = false;
    std::string_view number_text;
    bool need_factor = !numerator;  // after '/', something must follow
    for (;;) {
      skip_space();
      if (at_end() || peek() == '/') {
        if (need_factor) fail(factors == 0 ? "expected a unit after '/'" : "expected a unit after '*'");
        break;
      }
      if (peek() == '*') {
        if (factors == 0) fail("unexpected '*'");
        ++pos_;
        need_factor = true;
        continue;
      }
      need_factor = false;
      ++factors;
      const char c = peek();
      if (is_digit(c) || c == '.') {
        const std::size_t start = pos_;
        const double value = number();
        number_seen = true;
        number_text = std::string_view(text_).substr(start, pos_ - start);
        out.factor *= value;
      } else if (c == '(' || c == ')') {
        fail("parentheses are not supported", "write \"a/b/c\" for a/(b*c)");
      } else if (c == '^') {
        fail("'^' must follow a unit symbol");
      } else {
        const std::string_view name = symbol();
        const UnitEntry* entry = find_symbol(name);
        if (entry == nullptr && !expected_) unknown_symbol(name, context_);
        int power = 1;
        if (!at_end() && peek() == '^') {
          ++pos_;
          power = exponent();
        }
        if (entry == nullptr) {
          if (unknown_count_++ == 0) unknown_ = Unknown{std::string(name), numerator ? power : -power};
          continue;
        }
        out.factor *= std::pow(entry->factor, power);
        out.dimension = checked([&] { return out.dimension * pow(entry->dimension, power); });
        out.frequency_symbol = out.frequency_symbol || entry->dimension == ONE / T;
      }
    }
    // A number in the numerator ("10 20 mm") is far more likely a typo than a scale factor;
    // only a lone "1", as in "1/min", is accepted there.
    if (numerator && number_seen && (factors != 1 || out.factor != 1.0)) {
      fail("unexpected number '" + std::string(number_text) + "'",
           "a number inside a unit may only follow '/' (as in \"pg/1e6 cells/day\") or be the 1 of \"1/min\"");
    }
    return out;
  }

  double number() {
    double value = 0.0;
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + text_.size();
    const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) fail("number out of range");
    if (ec != std::errc() || ptr == first) fail("invalid number");
    pos_ += static_cast<std::size_t>(ptr - first);
    if (!at_end() && peek() == '^') fail("a number inside a unit cannot have an exponent");
    if (!at_end() && !is_separator(peek())) fail("unexpected '" + std::string(1, peek()) + "' after a number");
    if (!std::isfinite(value) || value <= 0.0) fail("a number inside a unit must be positive and finite");
    return value;
  }

  std::string_view symbol() {
    const std::size_t start = pos_;
    while (!at_end() && !is_separator(peek()) && peek() != '^') ++pos_;
    return std::string_view(text_).substr(start, pos_ - start);
  }

  int exponent() {
    const std::size_t start = pos_;
    if (!at_end() && (peek() == '-' || peek() == '+')) ++pos_;
    const std::size_t digits = pos_;
    while (!at_end() && is_digit(peek())) ++pos_;
    if (pos_ == digits) fail("expected an integer exponent after '^'");
    if (!at_end() && !is_separator(peek())) fail("the exponent after '^' must be an integer");
    if (pos_ - digits > 2) fail("exponent too large");
    int value = 0;
    std::from_chars(text_.data() + digits, text_.data() + pos_, value);
    return text_[start] == '-' ? -value : value;
  }

  static bool is_separator(char c) { return is_space(c) || c == '*' || c == '/'; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_space() {
    while (!at_end() && is_space(peek())) ++pos_;
  }
  [[noreturn]] void fail(const std::string& what, const std::string& hint = {}) const {
    throw UnitError(what + " in " + quoted(context_) + (hint.empty() ? "" : "; " + hint));
  }
  // The Dimension operators throw without context on exponent overflow ("m^99 m^99").
  template <class F>
  Dimension checked(F f) const {
    try {
      return f();
    } catch (const UnitError&) {
      fail("dimension exponent out of range");
    }
  }

  std::string text_;
  std::string_view context_;
  std::optional<Dimension> expected_;
  std::optional<Unknown> unknown_;
  int unknown_count_ = 0;
  std::size_t pos_ = 0;
};

Parsed parse_expression(std::string_view expression, std::string_view context, std::optional<Dimension> expected = std::nullopt) {
  return ExpressionParser(expression, trim(context), expected).parse();
}

std::string describe_parsed(const Parsed& p) {
  const Dimension rate = ONE / T;
  const bool mass_over_mass = p.numerator[BaseDimension::mass] > 0 && p.denominator[BaseDimension::mass] > 0;
  if (p.dimension == rate && p.frequency_symbol) return "frequency";
  if (p.dimension == rate && mass_over_mass) return "dose rate";
  if (p.dimension == ONE && mass_over_mass) return "dose";
  if (p.dimension == L / pow(T, 2) && mass_over_mass) return "specific force";
  return describe(p.dimension);
}

// ---------------------------------------------------------------------------------------------
// Quantities.

struct ParsedQuantity {
  double value = 0.0;            // the number as written
  std::string_view number_text;  // the number as written, for messages
  std::string_view unit_text;    // empty for a bare number
  Parsed unit;
};

ParsedQuantity parse_quantity_text(std::string_view raw, std::optional<Dimension> expected = std::nullopt) {
  const std::string_view text = trim(raw);
  if (text.empty()) throw UnitError("empty value: expected a number and a unit, e.g. \"10 mm\"");
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const char* first = begin;
  // from_chars rejects a leading '+', which people write; "+-5" stays an error.
  if (*first == '+' && first + 1 < end && first[1] != '-' && first[1] != '+') ++first;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(first, end, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) throw UnitError("number out of range in " + quoted(text));
  if (ec != std::errc() || ptr == first) {
    throw UnitError("expected a number at the start of " + quoted(text) + ", e.g. \"10 mm\"");
  }
  if (!std::isfinite(value)) throw UnitError("not a finite number in " + quoted(text));
  ParsedQuantity out;
  out.value = value;
  out.number_text = std::string_view(begin, static_cast<std::size_t>(ptr - begin));
  if (ptr == end) return out;
  const std::string_view rest(ptr, static_cast<std::size_t>(end - ptr));
  if (!is_space(*ptr)) {
    const char c = *ptr;
    if (is_ascii_letter(c) || c == '%' || c == '/' || static_cast<unsigned char>(c) >= 0x80) {
      throw UnitError("missing space between number and unit in " + quoted(text) + "; write " +
                      quoted(std::string(out.number_text) + " " + std::string(rest)));
    }
    throw UnitError("unexpected '" + std::string(1, c) + "' after the number in " + quoted(text));
  }
  out.unit_text = trim(rest);
  out.unit = parse_expression(out.unit_text, text, expected);
  return out;
}

double value_in_si(const ParsedQuantity& q, std::string_view text) {
  const double si = q.value * q.unit.factor;
  if (!std::isfinite(si)) throw UnitError("value out of range in " + quoted(trim(text)));
  return si;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API.

std::optional<std::string_view> dimension_name(const Dimension& dimension) {
  for (const NamedDimension& n : named_dimensions) {
    if (n.dimension == dimension) return n.name;
  }
  return std::nullopt;
}

std::string describe(const Dimension& dimension) {
  if (dimension.dimensionless()) return "dimensionless";
  if (const auto name = dimension_name(dimension)) return std::string(*name);
  return formula(dimension);
}

std::string describe_unit(std::string_view unit_expression) {
  return describe_parsed(parse_expression(unit_expression, unit_expression));
}

Unit parse_unit(std::string_view expression) {
  const Parsed p = parse_expression(expression, expression);
  return Unit{p.factor, p.dimension};
}

Quantity parse_quantity(std::string_view text) {
  const ParsedQuantity q = parse_quantity_text(text);
  return Quantity{value_in_si(q, text), q.unit.dimension};
}

double parse_as(std::string_view text, std::string_view expected_unit) {
  const Parsed expected = parse_expression(expected_unit, expected_unit);
  const ParsedQuantity q = parse_quantity_text(text, expected.dimension);
  const std::string_view unit = trim(expected_unit);
  if (q.unit_text.empty() && !expected.dimension.dimensionless()) {
    throw UnitError("missing unit in " + quoted(trim(text)) + ": expected " +
                    with_article(describe_parsed(expected), expected.dimension) + ", e.g. " +
                    quoted(std::string(q.number_text) + " " + std::string(unit)));
  }
  if (q.unit.dimension != expected.dimension) {
    throw UnitError("wrong dimension in " + quoted(trim(text)) + ": expected " +
                    with_article(describe_parsed(expected), expected.dimension) + " (like " + std::string(unit) + "), got " +
                    with_article(describe_parsed(q.unit), q.unit.dimension));
  }
  return value_in_si(q, text);
}

double from_si(double value_in_si, std::string_view unit) { return value_in_si / parse_unit(unit).factor; }

double to_si(double value, std::string_view unit) { return value * parse_unit(unit).factor; }

std::string format(double value_in_si, std::string_view unit) {
  const double value = from_si(value_in_si, unit);
  char buffer[64];
  std::string number;
  // Six significant digits read well; add digits only when six would not read back the same.
  for (int precision = 6; precision <= 17; ++precision) {
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, precision);
    number.assign(buffer, result.ptr);
    double back = 0.0;
    std::from_chars(number.data(), number.data() + number.size(), back, std::chars_format::general);
    if (back == value || !std::isfinite(value)) break;
  }
  const std::string_view u = trim(unit);
  if (u.empty() || u == "1") return number;
  return number + " " + std::string(u);
}

std::span<const UnitEntry> unit_table() { return table; }

}  // namespace bungner::units
