#include <gtest/gtest.h>

#include <cfloat>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <locale>
#include <string>
#include <vector>

#include "bungner/core/errors.hpp"
#include "bungner/core/text.hpp"

namespace text = bungner::text;

namespace {

// Reads a string back with strtod in the "C" locale, requiring the whole string to be consumed.
double read_back(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  EXPECT_EQ(end, s.c_str() + s.size()) << "strtod did not consume all of '" << s << "'";
  return v;
}

// A numpunct facet with a decimal comma, as in a German or French locale.
struct DecimalComma : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

}  // namespace

TEST(Text, EditDistanceKnownValues) {
  EXPECT_EQ(text::edit_distance("", ""), 0u);
  EXPECT_EQ(text::edit_distance("abc", ""), 3u);
  EXPECT_EQ(text::edit_distance("", "abc"), 3u);
  EXPECT_EQ(text::edit_distance("same", "same"), 0u);
  EXPECT_EQ(text::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(text::edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(text::edit_distance("sped", "speed"), 1u);             // one insertion
  EXPECT_EQ(text::edit_distance("speed", "sped"), 1u);             // one deletion
  EXPECT_EQ(text::edit_distance("crush", "crash"), 1u);            // one substitution
  EXPECT_EQ(text::edit_distance("gap_lenght", "gap_length"), 2u);  // a transposition is two edits
  EXPECT_EQ(text::edit_distance("abc", "xyz"), 3u);
  // Symmetric.
  EXPECT_EQ(text::edit_distance("intention", "execution"), text::edit_distance("execution", "intention"));
  EXPECT_EQ(text::edit_distance("intention", "execution"), 5u);
}

TEST(Text, DidYouMeanSuggestsCloseWords) {
  const std::vector<std::string> keys{"type", "gap_length", "site", "timing"};
  EXPECT_EQ(text::did_you_mean("gap_lenght", keys), "gap_length");
  EXPECT_EQ(text::did_you_mean("gap_length", keys), "gap_length");
  EXPECT_EQ(text::did_you_mean("tpye", keys), "type");
  EXPECT_EQ(text::did_you_mean("timming", keys), "timing");

  const std::vector<std::string> names{"axon_regeneration.speed", "axon_regeneration.speed_spread",
                                       "axon_regeneration.onset_delay"};
  EXPECT_EQ(text::did_you_mean("axon_regeneration.sped", names), "axon_regeneration.speed");
  EXPECT_EQ(text::did_you_mean("axon_regeneration.speed_sprad", names), "axon_regeneration.speed_spread");

  const std::vector<std::string> therapies{"acetyl_l_carnitine"};
  EXPECT_EQ(text::did_you_mean("acetyl_carnitine", therapies), "acetyl_l_carnitine");
}

TEST(Text, DidYouMeanReturnsNulloptForFarWords) {
  const std::vector<std::string> keys{"type", "gap_length", "site", "timing"};
  EXPECT_EQ(text::did_you_mean("xyz", keys), std::nullopt);
  EXPECT_EQ(text::did_you_mean("completely_unrelated", keys), std::nullopt);
  EXPECT_EQ(text::did_you_mean("zzzzzzzzzz", keys), std::nullopt);
  EXPECT_EQ(text::did_you_mean("gap", std::vector<std::string>{}), std::nullopt);
  const std::vector<std::string> therapies{"acetyl_l_carnitine"};
  EXPECT_EQ(text::did_you_mean("tacrolimus", therapies), std::nullopt);
}

TEST(Text, GlobMatch) {
  EXPECT_TRUE(text::glob_match("axon_*", "axon_regeneration.speed"));
  EXPECT_TRUE(text::glob_match("*speed", "axon_regeneration.speed"));
  EXPECT_TRUE(text::glob_match("*.speed", "axon_regeneration.speed"));
  EXPECT_TRUE(text::glob_match("*regeneration*", "axon_regeneration.speed"));
  EXPECT_FALSE(text::glob_match("*speed", "axon_regeneration.speed_spread"));
  // Bracket expressions, as in `bungner validate --filter 'E5[234]*'`.
  EXPECT_TRUE(text::glob_match("E5[234]*", "E53"));
  EXPECT_TRUE(text::glob_match("E5[234]*", "E52.1"));
  EXPECT_FALSE(text::glob_match("E5[234]*", "E55.1"));
  EXPECT_TRUE(text::glob_match("E[0-1]?", "E07"));
  EXPECT_FALSE(text::glob_match("E[0-1]?", "E27"));
  EXPECT_TRUE(text::glob_match("E[!0]*", "E12"));
  EXPECT_FALSE(text::glob_match("E[!0]*", "E05"));
  EXPECT_TRUE(text::glob_match("a[b", "a[b"));  // no closing bracket: a literal '['
  EXPECT_FALSE(text::glob_match("*[xyz]", "axon"));
  EXPECT_FALSE(text::glob_match("muscle_*", "axon_regeneration.speed"));
  EXPECT_TRUE(text::glob_match("a?c", "abc"));
  EXPECT_FALSE(text::glob_match("a?c", "ac"));
  EXPECT_FALSE(text::glob_match("a?c", "abbc"));
  EXPECT_TRUE(text::glob_match("a*b*c", "axxbyyc"));
  EXPECT_TRUE(text::glob_match("a*b*c", "abc"));
  EXPECT_FALSE(text::glob_match("a*b*c", "axxbyy"));
  EXPECT_TRUE(text::glob_match("*a*a", "banana"));
  EXPECT_TRUE(text::glob_match("abc", "abc"));
  EXPECT_FALSE(text::glob_match("abc", "abd"));
  EXPECT_FALSE(text::glob_match("abc", "abcd"));
  EXPECT_FALSE(text::glob_match("abcd", "abc"));
  EXPECT_TRUE(text::glob_match("*", ""));
  EXPECT_TRUE(text::glob_match("**", "anything"));
  EXPECT_TRUE(text::glob_match("", ""));
  EXPECT_FALSE(text::glob_match("", "a"));
  EXPECT_FALSE(text::glob_match("?", ""));
}

TEST(Text, FormatDoubleRoundTrips) {
  const std::vector<double> values{0.0,
                                   1.0,
                                   -1.0,
                                   0.1,
                                   0.2,
                                   0.1 + 0.2,
                                   1.0 / 3.0,
                                   2.0 / 3.0,
                                   1e-300,
                                   -1e-300,
                                   1e300,
                                   123456789.123456789,
                                   6.02214076e23,
                                   std::nextafter(1.0, 2.0),
                                   std::nextafter(1.0, 0.0),
                                   DBL_MAX,
                                   -DBL_MAX,
                                   DBL_MIN,
                                   std::numeric_limits<double>::denorm_min(),
                                   3.2,
                                   13.4,
                                   0.356};
  for (const double x : values) {
    const std::string s = text::format_double(x);
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(read_back(s), x) << "format_double gave '" << s << "'";
  }
  // Shortest form.
  EXPECT_EQ(text::format_double(0.1), "0.1");
  EXPECT_EQ(text::format_double(3.0), "3");
  EXPECT_EQ(text::format_double(-2.5), "-2.5");
  EXPECT_EQ(text::format_double(0.0), "0");
  EXPECT_EQ(text::format_double(1.0 / 3.0), "0.3333333333333333");
  // Non-finite values have fixed spellings.
  EXPECT_EQ(text::format_double(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(text::format_double(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(text::format_double(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(Text, FormatDoubleIgnoresTheLocale) {
  const std::string before_c = text::format_double(1234567.25);
  const std::locale previous_global = std::locale::global(std::locale(std::locale::classic(), new DecimalComma));
  // A C locale with a decimal comma, where the system has one.
  std::string previous_c = std::setlocale(LC_NUMERIC, nullptr);
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "de_DE", "fr_FR"}) {
    if (std::setlocale(LC_NUMERIC, name) != nullptr) break;
  }
  const std::string s1 = text::format_double(1234567.25);
  const std::string s2 = text::format_double(0.5);
  const std::string s3 = text::format_double(1e-300);
  std::setlocale(LC_NUMERIC, previous_c.c_str());
  std::locale::global(previous_global);

  EXPECT_EQ(s1, before_c);
  EXPECT_EQ(s1, "1234567.25");
  EXPECT_EQ(s2, "0.5");
  EXPECT_EQ(s3, "1e-300");
  for (const std::string& s : {s1, s2, s3}) EXPECT_EQ(s.find(','), std::string::npos) << s;
}

TEST(Text, CsvFieldQuotesOnlyWhenNeeded) {
  EXPECT_EQ(text::csv_field(""), "");
  EXPECT_EQ(text::csv_field("mm"), "mm");
  EXPECT_EQ(text::csv_field("muscle_mass_ratio.gastrocnemius"), "muscle_mass_ratio.gastrocnemius");
  EXPECT_EQ(text::csv_field("cells/mm^2"), "cells/mm^2");
  EXPECT_EQ(text::csv_field("has space"), "has space");
  EXPECT_EQ(text::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(text::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(text::csv_field("\""), "\"\"\"\"");
  EXPECT_EQ(text::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(text::csv_field("a,\"b\"\nc"), "\"a,\"\"b\"\"\nc\"");
}

TEST(Text, SplitAndTrim) {
  EXPECT_EQ(text::split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(text::split("", ','), (std::vector<std::string>{""}));
  EXPECT_EQ(text::split("a,", ','), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(text::trim("  x y \t\r\n"), "x y");
  EXPECT_EQ(text::trim(" \t "), "");
}

namespace bungner::text {
namespace {

std::string encode(const std::string& s) { return base64_encode(s.data(), s.size()); }

TEST(Text, Base64MatchesRfc4648TestVectors) {
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg==");
  EXPECT_EQ(encode("fo"), "Zm8=");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg==");
  EXPECT_EQ(encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
  const unsigned char high[] = {0xff, 0xfe, 0xfd};
  EXPECT_EQ(base64_encode(high, 3), "//79");
}

TEST(Text, XmlEscapeReplacesEveryMarkupCharacter) {
  EXPECT_EQ(xml_escape("a < b & c > \"d\" 'e'"), "a &lt; b &amp; c &gt; &quot;d&quot; &#39;e&#39;");
  EXPECT_EQ(xml_escape("plain"), "plain");
}

}  // namespace
}  // namespace bungner::text

// Issue 25, item 6: one CSV reader (RFC 4180) for evidence, design tables, study checkpoints and
// reports, and one number reader (std::from_chars) for every number read from text.
TEST(Text, ParseCsvFollowsRfc4180) {
  const auto records = text::parse_csv(
      "\xEF\xBB\xBF"
      "a,b,c\r\n1,\"x, \"\"y\"\"\",\n\n2,\"two\nlines\",z",
      "t.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(text::field_texts(records[0]), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(text::field_texts(records[1]), (std::vector<std::string>{"1", "x, \"y\"", ""}));
  EXPECT_EQ(text::field_texts(records[2]), (std::vector<std::string>{"2", "two\nlines", "z"}));
  EXPECT_EQ(records[2][0].line, 4);  // the empty line 3 is left out
  EXPECT_EQ(records[2][2].line, 5);  // after the quoted line break
  EXPECT_EQ(records[1][1].column, 3);
  EXPECT_TRUE(text::parse_csv("", "t.csv").empty());
  EXPECT_EQ(text::parse_csv("a,", "t.csv")[0].size(), 2u);
  try {
    text::parse_csv("a,b\n1,\"open", "t.csv");
    FAIL() << "no error";
  } catch (const bungner::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unterminated quoted field"), std::string::npos) << e.what();
    EXPECT_EQ(e.diagnostics().at(0).where.line, 2);
    EXPECT_EQ(e.diagnostics().at(0).where.column, 3);
  }
  EXPECT_THROW(text::parse_csv("\"a\"b,c\n", "t.csv"), bungner::InputError);
}

TEST(Text, ParseDoubleReadsWholeNumbersOnly) {
  EXPECT_EQ(text::parse_double("3.97"), 3.97);
  EXPECT_EQ(text::parse_double(" -1e-3 "), -1e-3);
  EXPECT_EQ(text::parse_double("+21"), 21.0);
  EXPECT_TRUE(std::isnan(*text::parse_double("nan")));
  EXPECT_EQ(text::parse_double("-inf"), -std::numeric_limits<double>::infinity());
  for (const char* bad : {"", " ", "3,97", "12abc", "1e400", "+-1", "0x10", "--1"}) EXPECT_FALSE(text::parse_double(bad)) << bad;
  EXPECT_EQ(text::parse_unsigned("42"), 42u);
  EXPECT_FALSE(text::parse_unsigned("-1"));
  EXPECT_FALSE(text::parse_unsigned("4.2"));
}
