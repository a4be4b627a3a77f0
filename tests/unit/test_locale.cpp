// Issue 25, item 6: numbers are read with std::from_chars, never with std::stod, strtod or atof,
// which follow the C locale: a process with a decimal-comma LC_NUMERIC (a Python session that
// called locale.setlocale, say) read "3.97" as 3. Here the whole input layer runs under such a
// locale and must read what it reads under "C".
#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "bungner/core/text.hpp"
#include "bungner/study/designs.hpp"
#include "bungner/validation/validation.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

/// Switches LC_NUMERIC to a locale with a decimal comma for its lifetime: a system one, or the
/// de_DE.UTF-8 that the build generates with localedef (tests/CMakeLists.txt).
class DecimalCommaLocale {
 public:
  DecimalCommaLocale() : previous_(std::setlocale(LC_NUMERIC, nullptr)) {
    for (int attempt = 0; attempt < 2 && !active_; ++attempt) {
      if (attempt == 1) ::setenv("LOCPATH", BUNGNER_TEST_LOCALE_DIR, 1);
      for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8", "de_DE"}) {
        if (std::setlocale(LC_NUMERIC, name) != nullptr && std::string(std::localeconv()->decimal_point) == ",") {
          active_ = true;
          break;
        }
      }
    }
  }
  ~DecimalCommaLocale() { std::setlocale(LC_NUMERIC, previous_.c_str()); }
  bool active() const { return active_; }

 private:
  std::string previous_;
  bool active_ = false;
};

struct Readings {
  std::string canonical;
  std::vector<double> parameters;  // every resolved parameter value
  std::vector<double> design;
  std::vector<double> evidence;
};

Readings read_everything() {
  Readings r;
  // A quantity in a scenario, and the schema's defaults (numbers written as text in the code).
  const auto model =
      testing::compile(std::string(testing::rat_sciatic) + "\n[parameters]\n\"axon_regeneration.speed\" = \"3.97 mm/day\"\n");
  r.canonical = model->scenario().canonical_toml();
  for (const auto& spec : model->parameters().specs()) r.parameters.push_back(model->parameters().get(spec.name));
  std::istringstream design("row,a [mm],b\n0,3.97,0.5\n1,1e-3,\"2.25\"\n");
  for (const auto& row : study::read_design_csv(design).rows) r.design.insert(r.design.end(), row.begin(), row.end());
  for (const auto& e : validation::load_evidence(BUNGNER_SOURCE_DIR "/data/evidence/evidence.csv")) {
    r.evidence.insert(r.evidence.end(), {e.value, e.low, e.high, e.spread, e.n});
  }
  return r;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

TEST(Locale, DecimalCommaLocaleChangesNothingThatIsRead) {
  const Readings in_c = read_everything();
  EXPECT_NE(in_c.canonical.find("3.97"), std::string::npos);
  DecimalCommaLocale comma;
  if (!comma.active()) GTEST_SKIP() << "no decimal-comma locale here (Debian package locales, localedef)";
  // The locale is in effect: the C library now reads "3.97" as 3.
  ASSERT_EQ(std::strtod("3.97", nullptr), 3.0);
  EXPECT_EQ(text::parse_double("3.97"), 3.97);
  EXPECT_EQ(text::parse_double("+2.5e-3"), 2.5e-3);
  EXPECT_FALSE(text::parse_double("3,97"));
  const Readings in_comma = read_everything();
  EXPECT_EQ(in_comma.canonical, in_c.canonical);
  EXPECT_TRUE(same(in_comma.parameters, in_c.parameters));
  // The value as written, not 3 (the unit of axon_regeneration.speed is mm/day).
  EXPECT_NEAR(testing::compile(testing::rat_sciatic, {{"parameters.axon_regeneration.speed", "3.97 mm/day"}})
                  ->parameters()
                  .in("axon_regeneration.speed", "mm/day"),
              3.97, 1e-9);
  EXPECT_TRUE(same(in_comma.design, in_c.design));
  EXPECT_TRUE(same(in_comma.evidence, in_c.evidence));
  EXPECT_EQ(in_comma.design, (std::vector<double>{3.97, 0.5, 1e-3, 2.25}));
}

}  // namespace
}  // namespace bungner
