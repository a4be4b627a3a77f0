// Project headers first: glibc's <signal.h> (pulled in by gtest) defines a macro `si_value`,
// which is also a parameter name in bungner/core/units.hpp.
#include "bungner/core/parameters.hpp"
#include "bungner/core/units.hpp"
#include "bungner/model/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using bungner::ParameterRegistry;
using bungner::ParameterSet;
using bungner::ParameterSpec;

namespace {

ParameterSpec valid_spec(std::string name = "test.alpha") {
  return ParameterSpec{.name = std::move(name),
                       .unit = "mm/day",
                       .default_value = 3,
                       .hard = {0, 10},
                       .plausible = {1, 5},
                       .species = "rat",
                       .meaning = "a test parameter",
                       .source = "assumption (test)",
                       .calibration = ""};
}

const bungner::Registry& builtin() {
  static const bungner::Registry registry = bungner::make_builtin_registry();
  return registry;
}

}  // namespace

TEST(ParameterRegistry, DeclaresAndFinds) {
  ParameterRegistry r;
  r.declare(valid_spec("test.alpha"));
  r.declare(valid_spec("test.beta"));
  ASSERT_NE(r.find("test.alpha"), nullptr);
  EXPECT_EQ(r.find("test.alpha")->unit, "mm/day");
  EXPECT_EQ(r.find("test.gamma"), nullptr);
  EXPECT_EQ(r.names(), (std::vector<std::string>{"test.alpha", "test.beta"}));
  EXPECT_EQ(r.all().size(), 2u);
}

TEST(ParameterRegistry, RejectsADuplicate) {
  ParameterRegistry r;
  r.declare(valid_spec("test.alpha"));
  auto again = valid_spec("test.alpha");
  again.default_value = 4;
  EXPECT_THROW(r.declare(again), std::logic_error);
  EXPECT_EQ(r.all().size(), 1u);
  EXPECT_EQ(r.find("test.alpha")->default_value, 3);
}

TEST(ParameterRegistry, RejectsANameWithoutADot) {
  ParameterRegistry r;
  EXPECT_THROW(r.declare(valid_spec("alpha")), std::logic_error);
  EXPECT_TRUE(r.all().empty());
}

TEST(ParameterRegistry, RejectsAnUnknownUnit) {
  ParameterRegistry r;
  auto s = valid_spec();
  s.unit = "furlong/fortnight";
  EXPECT_THROW(r.declare(s), std::logic_error);
  s.unit = "mmm";
  EXPECT_THROW(r.declare(s), std::logic_error);
  EXPECT_TRUE(r.all().empty());
}

TEST(ParameterRegistry, RejectsAnUncitedSource) {
  ParameterRegistry r;
  auto s = valid_spec();
  s.source = "Smith et al., J Neurosci 2001";
  EXPECT_THROW(r.declare(s), std::logic_error);
  s.source = "";
  EXPECT_THROW(r.declare(s), std::logic_error);
  EXPECT_TRUE(r.all().empty());
  s.source = "Smith et al., J Neurosci 2001, PMID 12345678";
  EXPECT_NO_THROW(r.declare(s));
}

TEST(ParameterRegistry, RejectsAMissingMeaning) {
  ParameterRegistry r;
  auto s = valid_spec();
  s.meaning = "";
  EXPECT_THROW(r.declare(s), std::logic_error);
}

TEST(ParameterRegistry, RejectsADefaultOutsideTheHardRange) {
  ParameterRegistry r;
  auto s = valid_spec();
  s.default_value = 11;
  EXPECT_THROW(r.declare(s), std::logic_error);
  s.default_value = -0.5;
  EXPECT_THROW(r.declare(s), std::logic_error);
  // A plausible range reaching outside the hard range is a declaration error too.
  s = valid_spec();
  s.plausible = {1, 12};
  EXPECT_THROW(r.declare(s), std::logic_error);
  EXPECT_TRUE(r.all().empty());
  // A default outside the plausible range (but inside the hard range) is allowed.
  s = valid_spec();
  s.default_value = 8;
  EXPECT_NO_THROW(r.declare(s));
}

TEST(ParameterRegistry, AcceptableSources) {
  using bungner::is_acceptable_source;
  EXPECT_TRUE(is_acceptable_source("Forman & Berenberg, Brain Res 1978;156:213, PMID 81705"));
  EXPECT_TRUE(is_acceptable_source("doi:10.1002/cne.902320102"));
  EXPECT_TRUE(is_acceptable_source("https://doi.org/10.1016/j.expneurol.2010.01.001"));
  EXPECT_TRUE(is_acceptable_source("PMC3456789"));
  EXPECT_TRUE(is_acceptable_source("Sunderland, Nerves and Nerve Injuries, ISBN 0443014957"));
  EXPECT_TRUE(is_acceptable_source("assumption"));
  EXPECT_TRUE(is_acceptable_source("assumption (rat hindlimb anatomy estimate)"));
  EXPECT_FALSE(is_acceptable_source(""));
  EXPECT_FALSE(is_acceptable_source("Smith et al., J Neurosci 2001"));
  EXPECT_FALSE(is_acceptable_source("personal communication"));
  EXPECT_FALSE(is_acceptable_source("a guess"));
}

TEST(ParameterRegistry, BuiltinDeclarationsAreComplete) {
  const auto& specs = builtin().parameters().all();
  ASSERT_GE(specs.size(), 15u);
  std::set<std::string> names;
  for (const ParameterSpec& s : specs) {
    SCOPED_TRACE(s.name);
    EXPECT_TRUE(names.insert(s.name).second) << "declared twice";
    EXPECT_NE(s.name.find('.'), std::string::npos);
    EXPECT_TRUE(bungner::is_acceptable_source(s.source)) << "source: '" << s.source << "'";
    EXPECT_FALSE(s.meaning.empty());
    EXPECT_FALSE(s.species.empty());
    EXPECT_NO_THROW((void)bungner::units::parse_unit(s.unit)) << "unit: '" << s.unit << "'";
    EXPECT_TRUE(std::isfinite(s.default_value));
    EXPECT_LE(s.hard.low, s.hard.high);
    EXPECT_LE(s.plausible.low, s.plausible.high);
    EXPECT_TRUE(s.hard.contains(s.default_value)) << s.default_value << " outside hard range";
    EXPECT_TRUE(s.hard.contains(s.plausible.low)) << "plausible low " << s.plausible.low << " outside hard range";
    EXPECT_TRUE(s.hard.contains(s.plausible.high)) << "plausible high " << s.plausible.high << " outside hard range";
  }
}

// A parameter that varies between subjects is declared with its CV in one call: the CV follows it,
// named <parameter>_between_subject_cv, unit 1, hard range 0..2, varying the parameter.
TEST(ParameterRegistry, DeclareVaryingAddsTheParameterAndItsCv) {
  ParameterRegistry r;
  r.declare_varying(valid_spec(), {.cv = 0.2, .plausible = {0.05, 0.5}, .species = "rat", .source = "assumption (test)"});
  r.declare_varying(valid_spec("test.beta"), {.cv = 0.1,
                                              .plausible = {0.05, 0.5},
                                              .species = "all",
                                              .meaning = "how beta varies",
                                              .source = "assumption (test)",
                                              .calibration = "E01"});
  ASSERT_EQ(r.names(), (std::vector<std::string>{"test.alpha", "test.alpha_between_subject_cv", "test.beta",
                                                 "test.beta_between_subject_cv"}));
  const ParameterSpec& cv = *r.find("test.alpha_between_subject_cv");
  EXPECT_EQ(cv.unit, "1");
  EXPECT_EQ(cv.default_value, 0.2);
  EXPECT_EQ(cv.hard.low, 0);
  EXPECT_EQ(cv.hard.high, 2);
  EXPECT_EQ(cv.varies, "test.alpha");
  EXPECT_EQ(cv.meaning, "between-subject CV of test.alpha (lognormal draw per subject in studies)");
  EXPECT_EQ(r.find("test.beta_between_subject_cv")->meaning, "how beta varies");
  EXPECT_EQ(r.find("test.beta_between_subject_cv")->calibration, "E01");
  EXPECT_THROW(
      r.declare_varying(valid_spec("test.gamma"), {.cv = 3, .plausible = {0, 1}, .species = "rat", .source = "assumption"}),
      std::logic_error);
}

// Every builtin CV is declared right after the parameter it varies, as declare_varying does.
TEST(ParameterRegistry, BuiltinCvsFollowTheirParameter) {
  const auto& all = builtin().parameters().all();
  int cvs = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].varies.empty()) continue;
    ++cvs;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(all[i - 1].name, all[i].varies);
    EXPECT_EQ(all[i].name, all[i].varies + "_between_subject_cv");
    EXPECT_EQ(all[i].hard.high, 2);
  }
  EXPECT_GE(cvs, 15);
}

TEST(ParameterSet, StartsAtTheDefaults) {
  const ParameterSet p(builtin().parameters());
  for (const ParameterSpec& s : builtin().parameters().all()) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(p.get(s.name), s.default_value);
    EXPECT_EQ(p.value(s.name).source, s.source);
    EXPECT_EQ(p.value(s.name).origin, "default");
    EXPECT_EQ(&p.spec(s.name), builtin().parameters().find(s.name));
  }
  EXPECT_THROW((void)p.get("axon_regeneration.sped"), std::out_of_range);
  EXPECT_THROW((void)p.spec("axon_regeneration.sped"), std::out_of_range);
}

TEST(ParameterSet, InConvertsUnits) {
  ParameterSet p(builtin().parameters());
  const std::string speed = "axon_regeneration.speed";
  ASSERT_EQ(p.spec(speed).unit, "mm/day");
  const double mm_per_day = p.get(speed);
  EXPECT_DOUBLE_EQ(p.in(speed, "mm/day"), mm_per_day);
  EXPECT_DOUBLE_EQ(p.in(speed, "um/min"), mm_per_day * 1000.0 / 1440.0);
  EXPECT_DOUBLE_EQ(p.in(speed, "m/s"), mm_per_day * 1e-3 / 86400.0);
  EXPECT_DOUBLE_EQ(p.in(speed, "mm/week"), mm_per_day * 7.0);

  p.set(speed, 1.44, "assumption (test)", "--set");
  EXPECT_DOUBLE_EQ(p.get(speed), 1.44);
  EXPECT_DOUBLE_EQ(p.in(speed, "um/min"), 1.0);
  EXPECT_EQ(p.value(speed).origin, "--set");
  EXPECT_EQ(p.value(speed).source, "assumption (test)");
  EXPECT_THROW(p.set("axon_regeneration.sped", 1, "assumption", "--set"), std::out_of_range);
}

TEST(ParameterSet, InConvertsTimes) {
  const ParameterSet p(builtin().parameters());
  for (const ParameterSpec& s : builtin().parameters().all()) {
    if (s.unit != "d") continue;
    SCOPED_TRACE(s.name);
    EXPECT_DOUBLE_EQ(p.in(s.name, "s"), s.default_value * 86400.0);
    EXPECT_DOUBLE_EQ(p.in(s.name, "h"), s.default_value * 24.0);
  }
}

TEST(ParameterSet, RecordsWhichValuesWereReadAndKeepsThatInACopy) {
  ParameterRegistry registry;
  registry.declare(valid_spec("test.alpha"));
  registry.declare(valid_spec("test.beta"));
  registry.declare(valid_spec("test.gamma"));
  ParameterSet set(registry);
  EXPECT_TRUE(set.read_names().empty());
  (void)set.value("test.beta");  // provenance, not use
  (void)set.in("test.gamma", "um/s");
  (void)set.get("test.alpha");
  EXPECT_EQ(set.read_names(), (std::vector<std::string>{"test.alpha", "test.gamma"}));
  ParameterSet copy = set;
  copy.set("test.alpha", 4, "assumption (test)", "scenario");  // setting is not reading
  EXPECT_EQ(copy.read_names(), (std::vector<std::string>{"test.alpha", "test.gamma"}));
  (void)copy.get("test.beta");
  EXPECT_EQ(copy.read_names().size(), 3u);
  EXPECT_EQ(set.read_names().size(), 2u);
}
