#include "bungner/core/units.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace u = bungner::units;

namespace {

// The message of the UnitError that `f` throws; fails the test when none is thrown.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const u::UnitError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a UnitError";
  return {};
}

double si(std::string_view text) { return u::parse_quantity(text).si; }

constexpr double day = 86400.0;

}  // namespace

TEST(Units, ConvertsScenarioExamplesToSi) {
  EXPECT_DOUBLE_EQ(si("10 mm"), 10e-3);
  EXPECT_DOUBLE_EQ(si("3 mm/day"), 3e-3 / day);
  EXPECT_DOUBLE_EQ(si("12 weeks"), 12 * 7 * day);
  EXPECT_DOUBLE_EQ(si("1e6 cells"), 1e6);
  EXPECT_DOUBLE_EQ(si("50 mg/kg/day"), 50e-6 / day);
  EXPECT_DOUBLE_EQ(si("20 Hz"), 20.0);
  EXPECT_DOUBLE_EQ(si("0.4 mT"), 0.4e-3);
  EXPECT_DOUBLE_EQ(si("1e5 um^2/min"), 1e5 * 1e-12 / 60);
  EXPECT_DOUBLE_EQ(si("1200 pg/1e6 cells/day"), 1200e-15 / 1e6 / day);
  EXPECT_DOUBLE_EQ(si("1.3e-17 mol/cell/s"), 1.3e-17);
  EXPECT_DOUBLE_EQ(si("8.0e-3 mol/m^3"), 8.0e-3);
  EXPECT_DOUBLE_EQ(si("50 %"), 0.5);
  EXPECT_DOUBLE_EQ(si("2.1 fold"), 2.1);
  EXPECT_DOUBLE_EQ(si("100 IU/kg/day"), 100.0 / day);
  EXPECT_DOUBLE_EQ(si("41.8 m/s"), 41.8);
  EXPECT_DOUBLE_EQ(si("16.5 N/g"), 16.5e3);
  EXPECT_DOUBLE_EQ(si("1000 cells/mm^2"), 1000 / 1e-6);
  EXPECT_DOUBLE_EQ(si("1.7e-9 m^2/s"), 1.7e-9);
  EXPECT_DOUBLE_EQ(si("0.0206 1/min"), 0.0206 / 60);
  EXPECT_DOUBLE_EQ(si("0.0206 /min"), 0.0206 / 60);
  EXPECT_DOUBLE_EQ(si("10 ng/mL"), 10e-12 / 1e-6);
  EXPECT_DOUBLE_EQ(si("5 nM"), 5e-6);
  EXPECT_DOUBLE_EQ(si("40 mmHg"), 40 * 133.322387415);
  EXPECT_DOUBLE_EQ(si("2 months"), 2 * 30.4375 * day);
  EXPECT_DOUBLE_EQ(si("1 yr"), 365.25 * day);
  EXPECT_DOUBLE_EQ(si("3 G"), 3e-4);
}

TEST(Units, DimensionsOfParsedQuantities) {
  EXPECT_EQ(u::parse_quantity("3 mm/day").dimension, u::dim::velocity);
  EXPECT_EQ(u::parse_quantity("1200 pg/1e6 cells/day").dimension, u::dim::mass / u::dim::count / u::dim::time);
  EXPECT_EQ(u::parse_quantity("50 mg/kg/day").dimension, u::dim::rate);
  EXPECT_EQ(u::parse_quantity("1e5 um^2/min").dimension, u::dim::diffusivity);
  EXPECT_EQ(u::parse_quantity("100 IU/kg/day").dimension, u::dim::activity / u::dim::mass / u::dim::time);
  EXPECT_EQ(u::parse_quantity("0.4 mT").dimension, u::dim::mass / u::pow(u::dim::time, 2) / u::dim::current);
  EXPECT_EQ(u::parse_quantity("1000 axons/mm^2").dimension, u::dim::count / u::dim::area);
  EXPECT_EQ(u::parse_quantity("10 ng/mL").dimension, u::dim::concentration);
  EXPECT_EQ(u::parse_quantity("5 nM").dimension, u::dim::molar_concentration);
  EXPECT_TRUE(u::parse_quantity("50 %").dimension.dimensionless());
  EXPECT_TRUE(u::parse_quantity("0.5").dimension.dimensionless());
  EXPECT_DOUBLE_EQ(u::parse_quantity("0.5").si, 0.5);
}

TEST(Units, GrammarVariants) {
  // Division is left-associative: a/b/c = a/(b*c).
  EXPECT_DOUBLE_EQ(u::parse_unit("mg/kg/day").factor, 1e-6 / day);
  EXPECT_DOUBLE_EQ(u::parse_unit("mg/kg day").factor, 1e-6 / day);
  EXPECT_EQ(u::parse_unit("m/s/s").dimension, u::dim::length / u::pow(u::dim::time, 2));
  EXPECT_DOUBLE_EQ(u::parse_unit("pg/1e6 cells/day").factor, 1e-15 / 1e6 / day);
  EXPECT_DOUBLE_EQ(u::parse_unit("N*m").factor, 1.0);
  EXPECT_EQ(u::parse_unit("N*m").dimension, u::parse_unit("N m").dimension);
  EXPECT_EQ(u::parse_unit("N * m").dimension, u::parse_unit("J").dimension);
  EXPECT_EQ(u::parse_unit("mg / kg / day").dimension, u::dim::rate);
  EXPECT_DOUBLE_EQ(u::parse_unit("m^-3").factor, 1.0);
  EXPECT_EQ(u::parse_unit("m^-3").dimension, u::pow(u::dim::length, -3));
  EXPECT_DOUBLE_EQ(u::parse_unit("cm^+2").factor, 1e-4);
  EXPECT_DOUBLE_EQ(si("  10 mm  "), 10e-3);
  EXPECT_DOUBLE_EQ(si("+10 mm"), 10e-3);
  EXPECT_DOUBLE_EQ(si("-2.5 mm"), -2.5e-3);
  EXPECT_DOUBLE_EQ(si(".5 mm"), 0.5e-3);
  EXPECT_DOUBLE_EQ(si("5 \u03bcm"), 5e-6);  // Greek small letter mu
  EXPECT_DOUBLE_EQ(si("5 \u00b5m"), 5e-6);  // micro sign
  EXPECT_DOUBLE_EQ(si("2 k\u2126"), 2e3);   // ohm sign
  EXPECT_DOUBLE_EQ(si("2 k\u03a9"), 2e3);   // Greek capital omega
  EXPECT_DOUBLE_EQ(si("3 %/day"), 0.03 / day);
  EXPECT_EQ(u::parse_unit("").dimension, u::dim::none);
  EXPECT_DOUBLE_EQ(u::parse_unit("").factor, 1.0);
  EXPECT_DOUBLE_EQ(u::parse_unit("1").factor, 1.0);
  EXPECT_EQ(u::parse_unit("1/d").dimension, u::dim::rate);
  EXPECT_DOUBLE_EQ(u::parse_unit("/d").factor, 1.0 / day);
}

TEST(Units, ParseAsChecksDimension) {
  EXPECT_DOUBLE_EQ(u::parse_as("3 mm/day", "um/min"), 3e-3 / day);
  EXPECT_DOUBLE_EQ(u::parse_as("10 mm", "mm"), 10e-3);
  EXPECT_DOUBLE_EQ(u::parse_as("50 %", "fraction"), 0.5);
  EXPECT_DOUBLE_EQ(u::parse_as("0.5", "%"), 0.5);  // a bare number is a plain number
  EXPECT_DOUBLE_EQ(u::parse_as("0.5", "1"), 0.5);
  EXPECT_DOUBLE_EQ(u::parse_as("20 Hz", "1/s"), 20.0);

  const std::string wrong = error_of([] { u::parse_as("10 kg", "mm"); });
  EXPECT_NE(wrong.find("wrong dimension"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("expected a length"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("got a mass"), std::string::npos) << wrong;
  EXPECT_EQ(wrong, "wrong dimension in \"10 kg\": expected a length (like mm), got a mass");

  const std::string missing = error_of([] { u::parse_as("10", "mm"); });
  EXPECT_EQ(missing, "missing unit in \"10\": expected a length, e.g. \"10 mm\"");

  const std::string dose = error_of([] { u::parse_as("3 mm/day", "mg/kg/day"); });
  EXPECT_NE(dose.find("expected a dose rate (like mg/kg/day), got a velocity"), std::string::npos) << dose;

  const std::string area = error_of([] { u::parse_as("3 mm", "mm^2"); });
  EXPECT_NE(area.find("expected an area"), std::string::npos) << area;

  const std::string percent = error_of([] { u::parse_as("10 mm", "%"); });
  EXPECT_NE(percent.find("expected a dimensionless number"), std::string::npos) << percent;
}

TEST(Units, UnknownSymbolSuggestsNearest) {
  EXPECT_EQ(error_of([] { u::parse_quantity("10 mmm"); }), "unknown unit 'mmm' in \"10 mmm\"; did you mean 'mm'?");
  EXPECT_NE(error_of([] { u::parse_quantity("3 weks"); }).find("did you mean 'weeks'?"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_quantity("3 mmhg"); }).find("did you mean 'mmHg'?"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_unit("pg/1e6 axnos/day"); }).find("did you mean 'axons'?"), std::string::npos);
  // Far from every symbol: no misleading guess.
  const std::string far = error_of([] { u::parse_quantity("3 xylophones"); });
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
  EXPECT_NE(far.find("unknown unit 'xylophones'"), std::string::npos) << far;
  // Powers written without '^' and Celsius get specific advice.
  EXPECT_NE(error_of([] { u::parse_quantity("3 mm2"); }).find("'mm^2'"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_quantity("37 °C"); }).find("kelvin"), std::string::npos);
}

// Issue 25, item 5: the units clinicians write, and suggestions of the dimension expected.
TEST(Units, ClinicalImperialUnits) {
  EXPECT_DOUBLE_EQ(u::parse_as("4 in", "mm"), 0.1016);
  EXPECT_DOUBLE_EQ(u::parse_as("1 inch", "mm"), 0.0254);
  EXPECT_DOUBLE_EQ(u::parse_as("2 inches", "mm"), 0.0508);
  EXPECT_DOUBLE_EQ(u::parse_as("1 ft", "m"), 0.3048);
  EXPECT_DOUBLE_EQ(u::parse_as("3 feet", "m"), 3 * 0.3048);
  EXPECT_DOUBLE_EQ(u::parse_as("150 lb", "kg"), 150 * 0.45359237);
  EXPECT_DOUBLE_EQ(u::parse_as("1 lbs", "kg"), 0.45359237);
  EXPECT_DOUBLE_EQ(u::parse_as("16 oz", "kg"), 0.45359237);
  EXPECT_DOUBLE_EQ(u::parse_as("6 mo", "d"), 6 * 30.4375 * day);
  EXPECT_DOUBLE_EQ(u::parse_as("2 wk", "d"), 14 * day);
  EXPECT_DOUBLE_EQ(u::parse_as("1 yr", "d"), 365.25 * day);
  EXPECT_DOUBLE_EQ(u::parse_as("1 in/day", "mm/day"), 0.0254 / day);
  // Fahrenheit is an offset scale, like Celsius: advice, not a factor.
  EXPECT_NE(error_of([] { u::parse_as("98.6 °F", "K"); }).find("kelvin"), std::string::npos);
}

TEST(Units, SuggestionsHaveTheExpectedDimension) {
  // The suggestion in a message, or "" when there is none.
  const auto suggestion = [](const std::string& message) {
    const auto at = message.find("did you mean '");
    if (at == std::string::npos) return std::string();
    const auto start = at + 14;
    return message.substr(start, message.find('\'', start) - start);
  };
  // Nearest overall is a force (mN) or a time (min, h); the expected dimension rules them out.
  for (const auto& pair : std::vector<std::pair<std::string, std::string>>{{"4 mn", "mm"},
                                                                           {"4 inn", "mm"},
                                                                           {"3 hm", "mm"},
                                                                           {"2 mn/day", "mm/day"},
                                                                           {"5 mm/dya", "mm/day"},
                                                                           {"5 mm/hs", "mm/day"},
                                                                           {"7 dyas", "d"},
                                                                           {"3 mgg/kg", "mg/kg"},
                                                                           {"1 kgg", "kg"},
                                                                           {"2 uM^2", "mm^2"},
                                                                           {"3 lbb", "kg"},
                                                                           {"3 mN/kg", "mg/kg"},
                                                                           {"3 mm^2/dy", "um^2/s"}}) {
    const std::string& text = pair.first;  // named copies: clang 14 cannot capture structured bindings
    const std::string& expected = pair.second;
    const std::string message = error_of([&] { u::parse_as(text, expected); });
    const std::string s = suggestion(message);
    if (s.empty()) continue;
    // The expression with the suggestion in place must have the expected dimension.
    std::string fixed = text.substr(text.find(' ') + 1);
    const auto unknown_start = message.find("unknown unit '") + 14;
    const std::string unknown = message.substr(unknown_start, message.find('\'', unknown_start) - unknown_start);
    fixed.replace(fixed.find(unknown), unknown.size(), s);
    EXPECT_EQ(u::parse_unit(fixed).dimension, u::parse_unit(expected).dimension)
        << text << " for " << expected << ": " << message;
  }
  EXPECT_NE(error_of([] { u::parse_as("4 mn", "mm"); }).find("did you mean 'm"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_as("5 mm/dya", "mm/day"); }).find("did you mean 'day'?"), std::string::npos);
  // Nothing of that dimension is near: the message lists some units of the dimension expected.
  const std::string far = error_of([] { u::parse_as("4 xylo", "mm"); });
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
  EXPECT_NE(far.find("expected a length, e.g. 'm', 'cm'"), std::string::npos) << far;
  // Without an expected dimension the nearest symbol of any kind is offered, as before.
  EXPECT_NE(error_of([] { u::parse_quantity("10 mmm"); }).find("did you mean 'mm'?"), std::string::npos);
}

TEST(Units, RejectsGarbage) {
  for (const char* text : {"10 mm mm?",      "abc",       "",          "   ",      "1e999 mm", "nan mm",         "inf mm",
                           "-inf",           "10 mm/",    "10 /",      "10 mm//d", "10 mm*",   "10 * mm",        "10 mm^",
                           "10 mm^x",        "10 mm^2.5", "10 m^1000", "10mm",     "10 20 mm", "10 (mg/kg)/day", "10 mg/0 cells",
                           "10 mg/1e6cells", "10 mm 5",   "1,5 mm",    "10 mm;",   "+-5 mm",   "10 1e6^2 cells", "10 ^2"}) {
    EXPECT_THROW(u::parse_quantity(text), u::UnitError) << '"' << text << '"';
  }
  EXPECT_NE(error_of([] { u::parse_quantity("10mm"); }).find("missing space"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_quantity("nan mm"); }).find("not a finite number"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_quantity("1e999 mm"); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([] { u::parse_quantity(""); }).find("empty value"), std::string::npos);
  EXPECT_THROW(u::parse_unit("mm mm?"), u::UnitError);
  EXPECT_THROW(u::to_si(1.0, "furlong"), u::UnitError);
  EXPECT_THROW(u::parse_as("10 mm", "furlong"), u::UnitError);
  // A value that is finite but overflows in SI.
  EXPECT_THROW(u::parse_quantity("1e300 kIU/fg^2"), u::UnitError);
}

TEST(Units, EveryTableSymbolParsesToItsOwnFactor) {
  std::set<std::string_view> seen;
  for (const u::UnitEntry& e : u::unit_table()) {
    EXPECT_TRUE(seen.insert(e.symbol).second) << "duplicate symbol " << e.symbol;
    const u::Unit unit = u::parse_unit(e.symbol);
    EXPECT_EQ(unit.factor, e.factor) << e.symbol;
    EXPECT_EQ(unit.dimension, e.dimension) << e.symbol;
    EXPECT_GT(e.factor, 0.0) << e.symbol;
    EXPECT_FALSE(e.name.empty()) << e.symbol;
    EXPECT_DOUBLE_EQ(u::parse_quantity("2.5 " + std::string(e.symbol)).si, 2.5 * e.factor) << e.symbol;
  }
  EXPECT_GT(seen.size(), 100U);
}

TEST(Units, RoundTripForEveryTableEntry) {
  for (const u::UnitEntry& e : u::unit_table()) {
    for (const double x : {1.0, 3.7, -0.25, 1e-9, 12345.678}) {
      EXPECT_DOUBLE_EQ(u::from_si(u::to_si(x, e.symbol), e.symbol), x) << e.symbol;
    }
    const double value = 0.123456789 * e.factor;
    EXPECT_DOUBLE_EQ(u::parse_as(u::format(value, e.symbol), e.symbol), value) << e.symbol;
  }
}

TEST(Units, TableFactors) {
  EXPECT_DOUBLE_EQ(u::to_si(1, "month"), 30.4375 * day);
  EXPECT_DOUBLE_EQ(u::to_si(1, "year"), 365.25 * day);
  EXPECT_DOUBLE_EQ(u::to_si(1, "G"), 1e-4);
  EXPECT_DOUBLE_EQ(u::to_si(1, "mmHg"), 133.322387415);
  EXPECT_DOUBLE_EQ(u::to_si(1, "M"), 1e3);
  EXPECT_DOUBLE_EQ(u::to_si(1, "mL"), 1e-6);
  EXPECT_DOUBLE_EQ(u::to_si(1, "percent"), 0.01);
  EXPECT_DOUBLE_EQ(u::to_si(1, "kDa"), 1.66053906660e-24);
  EXPECT_DOUBLE_EQ(u::to_si(6.02214076e23, "molecules"), 1.0);
  EXPECT_EQ(u::parse_unit("neurons").dimension, u::dim::count);
  EXPECT_EQ(u::parse_unit("IU").dimension, u::dim::activity);
  EXPECT_EQ(u::parse_unit("K").dimension, u::dim::temperature);
  EXPECT_EQ(u::parse_unit("mA").dimension, u::dim::current);
  EXPECT_EQ(u::parse_unit("V").dimension, u::parse_unit("W/A").dimension);
  EXPECT_EQ(u::parse_unit("T").dimension, u::parse_unit("V s/m^2").dimension);
  EXPECT_EQ(u::parse_unit("Pa").dimension, u::parse_unit("N/m^2").dimension);
  EXPECT_NE(u::parse_unit("mm").dimension, u::parse_unit("mM").dimension);
}

TEST(Units, FromSiAndFormat) {
  EXPECT_DOUBLE_EQ(u::from_si(3e-3 / day, "mm/day"), 3.0);
  EXPECT_DOUBLE_EQ(u::from_si(0.5, "%"), 50.0);
  EXPECT_EQ(u::format(3e-3 / day, "mm/day"), "3 mm/day");
  EXPECT_EQ(u::format(0.5, "%"), "50 %");
  EXPECT_EQ(u::format(1e6, "cells"), "1e+06 cells");
  EXPECT_EQ(u::format(0.123456789, "m"), "0.123456789 m");
  EXPECT_EQ(u::format(0.25, "1"), "0.25");
  EXPECT_EQ(u::format(0.25, ""), "0.25");
  EXPECT_EQ(u::format(12 * 7 * day, "weeks"), "12 weeks");
}

TEST(Units, DescribeNamesDimensions) {
  EXPECT_EQ(u::describe(u::dim::length), "length");
  EXPECT_EQ(u::describe(u::dim::time), "time");
  EXPECT_EQ(u::describe(u::dim::mass), "mass");
  EXPECT_EQ(u::describe(u::dim::velocity), "velocity");
  EXPECT_EQ(u::describe(u::dim::rate), "rate");
  EXPECT_EQ(u::describe(u::dim::diffusivity), "diffusivity");
  EXPECT_EQ(u::describe(u::dim::concentration), "concentration");
  EXPECT_EQ(u::describe(u::dim::molar_concentration), "molar concentration");
  EXPECT_EQ(u::describe(u::dim::none), "dimensionless");
  EXPECT_EQ(u::describe(u::parse_unit("mmHg").dimension), "pressure");
  EXPECT_EQ(u::describe(u::parse_unit("cells/mm^2").dimension), "count per area");
  EXPECT_EQ(u::describe(u::parse_unit("mT").dimension), "magnetic flux density");
  // Unnamed: the base formula.
  EXPECT_EQ(u::describe(u::parse_unit("m^2 s^-3").dimension), "L^2 T^-3");
  EXPECT_EQ(u::describe(u::parse_unit("cells K").dimension), "cell Θ");
  // describe_unit tells apart quantities that share a dimension.
  EXPECT_EQ(u::describe_unit("mg/kg/day"), "dose rate");
  EXPECT_EQ(u::describe_unit("Hz"), "frequency");
  EXPECT_EQ(u::describe_unit("1/min"), "rate");
  EXPECT_EQ(u::describe_unit("N/g"), "specific force");
  EXPECT_EQ(u::describe_unit("mg/kg"), "dose");
  EXPECT_EQ(u::describe_unit("IU/kg/day"), "activity dose rate");
  EXPECT_FALSE(u::dimension_name(u::parse_unit("m^5").dimension).has_value());
}

TEST(Units, DimensionArithmetic) {
  const u::Dimension d = u::dim::length / u::dim::time;
  EXPECT_EQ(d * u::dim::time, u::dim::length);
  EXPECT_EQ(u::pow(d, 2), u::dim::area / u::pow(u::dim::time, 2));
  EXPECT_EQ(u::pow(d, 0), u::dim::none);
  EXPECT_TRUE((d / d).dimensionless());
  EXPECT_FALSE(d.dimensionless());
  EXPECT_THROW(u::pow(u::dim::length, 200), u::UnitError);
}
