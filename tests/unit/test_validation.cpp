// The validation machinery (docs/validation.md): criteria on synthetic evidence and summaries,
// case files with their errors, the scorecard's totals, and the calibration record against the
// registry's `.calibration` fields and the presets' sources.
#include "bungner/validation/validation.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>

#include "bungner/core/errors.hpp"

namespace bungner::validation {
namespace {

const std::filesystem::path source_dir = BUNGNER_SOURCE_DIR;

EvidenceRow row(double value, double spread, const std::string& kind, double n) {
  EvidenceRow r;
  r.id = r.entry = "E99";
  r.value = value, r.spread = spread, r.spread_kind = kind, r.n = n;
  r.low = r.high = std::nan("");
  return r;
}

Check check(Criterion c) {
  Check k;
  k.evidence = "E99";
  k.criterion = c;
  return k;
}

Summary sim(double mean) { return {mean, 0.0, 4}; }  // no between-subject spread

TEST(ValidationCriteria, ConfidenceIntervalFromStandardError) {
  const auto r = row(3.0, 0.1, "SE", 0);  // no n: normal quantile 1.96
  const auto i = observed_interval(r, check(Criterion::ci));
  EXPECT_NEAR(i.low, 3.0 - 1.959963984540054 * 0.1, 1e-12);
  EXPECT_NEAR(i.high, 3.0 + 1.959963984540054 * 0.1, 1e-12);
  EXPECT_TRUE(passes(r, check(Criterion::ci), sim(3.19), {}));
  EXPECT_FALSE(passes(r, check(Criterion::ci), sim(3.2), {}));
  EXPECT_FALSE(passes(r, check(Criterion::ci), sim(2.8), {}));
}

TEST(ValidationCriteria, ConfidenceIntervalFromStandardDeviationUsesTQuantile) {
  const auto r = row(16.5, 3.0, "SD", 11);  // t(0.975, 10) = 2.228138851986...
  const auto i = observed_interval(r, check(Criterion::ci));
  EXPECT_NEAR(i.high - 16.5, 2.2281388519649 * 3.0 / std::sqrt(11.0), 1e-9);
  EXPECT_TRUE(passes(r, check(Criterion::ci), sim(18.4), {}));
  EXPECT_FALSE(passes(r, check(Criterion::ci), sim(18.6), {}));
  // An SD without n gives no CI of the mean, and a range is no spread.
  EXPECT_THROW(observed_interval(row(1, 1, "SD", 0), check(Criterion::ci)), InputError);
  EXPECT_THROW(observed_interval(row(1, 1, "range", 0), check(Criterion::ci)), InputError);
}

TEST(ValidationCriteria, ConfidenceIntervalWidensByTheSimulatedMeansStandardError) {
  // Observed SE 0.1 without n (z = 1.96); 4 simulated subjects with SD 0.2 give an SE of 0.1, so
  // the interval of the difference is 1.96 x sqrt(0.1^2 + 0.1^2) = 0.2772 either side.
  const auto r = row(3.0, 0.1, "SE", 0);
  const Summary spread_out{3.27, 0.2, 4}, too_far{3.28, 0.2, 4};
  EXPECT_TRUE(passes(r, check(Criterion::ci), spread_out, {}));
  EXPECT_FALSE(passes(r, check(Criterion::ci), too_far, {}));
  EXPECT_FALSE(passes(r, check(Criterion::ci), sim(3.2), {}));  // no spread: the observed CI alone
}

TEST(ValidationCriteria, RangeToleranceAndBounds) {
  auto r = row(1, std::nan(""), "range", 0);
  r.low = 0, r.high = 2;
  EXPECT_TRUE(passes(r, check(Criterion::range), sim(2.0), {}));
  EXPECT_FALSE(passes(r, check(Criterion::range), sim(2.01), {}));
  EXPECT_FALSE(passes(r, check(Criterion::range), sim(-0.01), {}));
  EXPECT_THROW(observed_interval(row(1, 0, "mean", 0), check(Criterion::range)), InputError);

  auto tol = check(Criterion::tolerance);
  tol.tolerance = 5;
  EXPECT_TRUE(passes(row(21, std::nan(""), "mean", 0), tol, sim(25.9), {}));
  EXPECT_FALSE(passes(row(21, std::nan(""), "mean", 0), tol, sim(26.1), {}));

  auto most = check(Criterion::at_most);
  most.bound = 1;
  EXPECT_TRUE(passes(row(0, std::nan(""), "approx", 0), most, sim(1.0), {}));
  EXPECT_FALSE(passes(row(0, std::nan(""), "approx", 0), most, sim(1.5), {}));
  auto least = check(Criterion::at_least);  // default bound: the evidence value
  EXPECT_TRUE(passes(row(10, std::nan(""), "approx", 0), least, sim(10), {}));
  EXPECT_FALSE(passes(row(10, std::nan(""), "approx", 0), least, sim(9.9), {}));
}

TEST(ValidationCriteria, OrderingsCompareArmsAndFailWithoutData) {
  const auto r = row(std::nan(""), std::nan(""), "qualitative", 0);
  auto less = check(Criterion::less_than);
  less.other_arm = "control";
  EXPECT_TRUE(passes(r, less, sim(1), sim(2)));
  EXPECT_FALSE(passes(r, less, sim(2), sim(2)));
  EXPECT_FALSE(passes(r, less, sim(1), Summary{}));  // the other arm has no subjects
  auto greater = less;
  greater.criterion = Criterion::greater_than;
  EXPECT_TRUE(passes(r, greater, sim(3), sim(2)));
  EXPECT_FALSE(passes(r, greater, sim(1), sim(2)));
  EXPECT_FALSE(passes(r, greater, Summary{}, sim(2)));  // no simulated value never passes
}

// Percent and fold changes relative to another arm (E38, E39, E36): +21 % is 1.21 times the
// other arm, and the default (none, loss) stays "percent of the other arm".
TEST(ValidationTransforms, ChangeAndFoldRelateToTheOtherArm) {
  EXPECT_NEAR(relate(Transform::change, 3.63, 3.0), 21.0, 1e-9);
  EXPECT_NEAR(relate(Transform::change, 3.0, 3.0), 0.0, 1e-12);
  EXPECT_NEAR(relate(Transform::change, 2.7, 3.0), -10.0, 1e-9);
  EXPECT_NEAR(relate(Transform::fold, 4.2, 2.0), 2.1, 1e-12);
  EXPECT_NEAR(relate(Transform::none, 1.5, 3.0), 50.0, 1e-12);
  EXPECT_NEAR(relate(Transform::loss, 1.5, 3.0), 50.0, 1e-12);
  // A +21 % change passes a tolerance of 3 points around 21, a 1.21 fold (or 121 %) does not.
  auto tol = check(Criterion::tolerance);
  tol.tolerance = 3;
  const auto r = row(21, std::nan(""), "mean", 0);
  EXPECT_TRUE(passes(r, tol, sim(relate(Transform::change, 3.63, 3.0)), {}));
  EXPECT_FALSE(passes(r, tol, sim(relate(Transform::fold, 3.63, 3.0)), {}));
  EXPECT_FALSE(passes(r, tol, sim(relate(Transform::none, 3.63, 3.0)), {}));
}

// share_at_least: each subject scores 100 when it reaches the threshold, so an arm's mean is the
// percentage of subjects that do (E73: patients at MRC M4 or better); other statistics unchanged.
TEST(ValidationStatistics, ShareAtLeastCountsSubjectsReachingTheThreshold) {
  Check k;
  k.statistic = Statistic::share_at_least;
  k.threshold = 4;
  const std::vector<double> grades = {3, 4, 5, 4, 2};
  double sum = 0;
  for (const double g : grades) sum += *subject_statistic(k, {730}, {g});
  EXPECT_DOUBLE_EQ(sum / static_cast<double>(grades.size()), 60.0);
  EXPECT_FALSE(subject_statistic(k, {}, {}).has_value());
  k.statistic = Statistic::time_above;
  EXPECT_DOUBLE_EQ(*subject_statistic(k, {10, 20, 30}, {1, 4, 5}), 20.0);
  EXPECT_FALSE(subject_statistic(k, {10, 20}, {1, 2}).has_value());
  k.statistic = Statistic::slope;
  EXPECT_NEAR(*subject_statistic(k, {0, 1, 2}, {1, 3, 5}), 2.0, 1e-12);
}

// E20-E22: a decline toward a floor read back as its time constant.
TEST(ValidationTransforms, DeclineTimeConstantInvertsTheExponential) {
  const double floor = 0.3, tau = 323, delay = 323;
  const double x = 100 * (floor + (1 - floor) * std::exp(-delay / tau));
  EXPECT_NEAR(decline_time_constant(x, 100, delay, floor), 323, 1e-9);
  EXPECT_NEAR(decline_time_constant(floor + (1 - floor) * std::exp(-2.0), 1, 90, floor), 45, 1e-9);
  // Without a floor, half of the reference after 10 d is tau = 10 / ln 2.
  EXPECT_NEAR(decline_time_constant(50, 100, 10, 0), 10 / std::log(2.0), 1e-12);
  EXPECT_TRUE(std::isinf(decline_time_constant(100, 100, 10, 0.3)));  // no decline
  EXPECT_EQ(decline_time_constant(20, 100, 10, 0.3), 0);              // below the floor
  // The wrong floor gives the wrong constant: a check around 323 d +- 10 % must fail.
  auto tol = check(Criterion::tolerance);
  tol.tolerance = 32.3;
  const auto r = row(323, std::nan(""), "fit", 0);
  EXPECT_TRUE(passes(r, tol, sim(decline_time_constant(x, 100, delay, floor)), {}));
  EXPECT_FALSE(passes(r, tol, sim(decline_time_constant(x, 100, delay, 0.0)), {}));
}

TEST(ValidationCases, ChangeAndFoldNeedAnotherArmAndAnIntervalCriterion) {
  const auto dir = std::filesystem::temp_directory_path() / "bungner-validation-transform-test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "t.toml";
  const std::string head = "study = \"s.toml\"\n[[checks]]\nevidence = \"E38\"\nreadout = \"x\"\ntime = \"3 d\"\n";
  std::ofstream(file) << head << "transform = \"change\"\ncriterion = \"tolerance\"\ntolerance = 3\n";
  try {
    load_case(file, {"E38"});
    FAIL() << "expected InputError: change without other_arm";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].where.line, 6);
    EXPECT_NE(e.diagnostics()[0].message.find("other_arm"), std::string::npos);
  }
  std::ofstream(file) << head << "transform = \"fold\"\ncriterion = \"greater_than\"\nother_arm = \"a\"\n";
  EXPECT_THROW(load_case(file, {"E38"}), InputError);
  std::ofstream(file) << head << "transform = \"fould\"\ncriterion = \"tolerance\"\ntolerance = 3\nother_arm = \"a\"\n";
  try {
    load_case(file, {"E38"});
    FAIL() << "expected InputError: misspelt transform";
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostics().at(0).message.find("fold"), std::string::npos);
  }
  std::ofstream(file) << head << "transform = \"change\"\ncriterion = \"tolerance\"\ntolerance = 3\nother_arm = \"a\"\n";
  const Case c = load_case(file, {"E38"});
  EXPECT_EQ(c.checks.at(0).transform, Transform::change);
  // time_constant needs the other time (the delay) and a floor below 1.
  std::ofstream(file)
      << head << "transform = \"time_constant\"\ncriterion = \"tolerance\"\ntolerance = 3\nother_arm = \"a\"\nfloor = 1.5\n";
  try {
    load_case(file, {"E38"});
    FAIL() << "expected InputError: time_constant without other_time, floor out of range";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().size(), 2u);
  }
  std::ofstream(file) << head
                      << "transform = \"time_constant\"\ncriterion = \"tolerance\"\ntolerance = 3\nother_arm = \"a\"\nfloor = "
                         "0.3\nother_time = \"1 d\"\n";
  EXPECT_EQ(load_case(file, {"E38"}).checks.at(0).floor, 0.3);
  std::filesystem::remove_all(dir);
}

TEST(ValidationScorecard, TotalsSplitFittedAndUnfitted) {
  Scorecard card;
  auto add = [&](bool fitted, bool passed) {
    Score s;
    s.evidence = s.entry = "E01";
    s.fitted = fitted, s.passed = passed, s.simulated = sim(1);
    card.scores.push_back(s);
  };
  add(true, true), add(true, false), add(false, true), add(false, true), add(false, false);
  card.not_modelled = {"E40", "E41"};
  EXPECT_EQ(card.passed(), 3u);
  EXPECT_EQ(card.passed(true), 1u);
  EXPECT_EQ(card.total(true), 2u);
  EXPECT_EQ(card.passed(false), 2u);
  EXPECT_EQ(card.total(false), 3u);
  EXPECT_EQ(
      scorecard_json(card),
      R"({"passed": 3, "total": 5, "test_passed": 0, "test_total": 0, "fit_passed": 0, "fit_total": 1, )"
      R"("spread_passed": 0, "spread_total": 0, "fitted": {"passed": 1, "total": 2}, "unfitted": {"passed": 2, "total": 3}, "not_modelled": 2})");
  const std::string csv = scorecard_csv(card);
  EXPECT_NE(csv.find("E40,E40,,,,,,,,,,,,,not yet modelled,,,"), std::string::npos);
  EXPECT_NE(scorecard_html(card, "t").find("<table>"), std::string::npos);
}

TEST(ValidationScorecard, EntriesPassOnlyWhenAllTheirChecksPassAndSplitsAreCountedApart) {
  Scorecard card;
  auto add = [&](const std::string& entry, bool test, bool passed, std::optional<double> sd, bool spread_ok) {
    Score s;
    s.evidence = s.entry = entry;
    s.test = test, s.passed = passed, s.simulated = sim(1), s.observed_sd = sd, s.spread_passed = spread_ok;
    card.scores.push_back(s);
  };
  add("E100", true, true, 2.0, true), add("E100", true, false, 2.0, true);  // one failing check fails the entry
  add("E101", true, true, std::nullopt, false), add("E102", true, true, 3.0, false);
  add("E01", false, true, std::nullopt, false), add("E02", false, false, 1.0, true);
  EXPECT_EQ(card.entries(true).passed, 2u);
  EXPECT_EQ(card.entries(true).total, 3u);
  EXPECT_EQ(card.entries(false).passed, 1u);
  EXPECT_EQ(card.entries(false).total, 2u);
  EXPECT_EQ(card.spread_entries().passed, 2u);  // E100 and E02; E102's SD is off by more than 2x
  EXPECT_EQ(card.spread_entries().total, 3u);
  const std::string json = scorecard_json(card);
  for (const char* field : {R"("test_passed": 2)", R"("test_total": 3)", R"("fit_passed": 1)", R"("fit_total": 2)",
                            R"("passed": 4)", R"("total": 6)", R"("spread_passed": 2)", R"("spread_total": 3)"})
    EXPECT_NE(json.find(field), std::string::npos) << field << " in " << json;
  EXPECT_NE(scorecard_table(card).find("TEST entries passed 2/3"), std::string::npos);
}

TEST(ValidationCriteria, SpreadIsOneObservedStandardDeviation) {
  const auto sd = row(50, 10, "SD", 8);
  EXPECT_TRUE(passes(sd, check(Criterion::spread), sim(59.9), {}));
  EXPECT_FALSE(passes(sd, check(Criterion::spread), sim(60.1), {}));
  EXPECT_FALSE(passes(sd, check(Criterion::spread), sim(39.9), {}));
  // An SEM with n is turned into the SD: 2 x sqrt(9) = 6.
  const auto sem = row(50, 2, "SEM", 9);
  EXPECT_NEAR(*observed_sd(sem), 6.0, 1e-12);
  EXPECT_TRUE(passes(sem, check(Criterion::spread), sim(55.9), {}));
  EXPECT_FALSE(passes(sem, check(Criterion::spread), sim(56.1), {}));
  // Without n an SEM gives no SD; a range is no spread.
  EXPECT_FALSE(observed_sd(row(50, 2, "SEM", 0)));
  EXPECT_THROW(observed_interval(row(50, 2, "SEM", 0), check(Criterion::spread)), InputError);
  EXPECT_THROW(observed_interval(row(50, 2, "range", 5), check(Criterion::spread)), InputError);
}

TEST(ValidationCriteria, SpreadCheckAcceptsAFactorOfTwoEitherWay) {
  EXPECT_TRUE(spread_agrees(5.0, 8, 10.0));
  EXPECT_TRUE(spread_agrees(20.0, 8, 10.0));
  EXPECT_FALSE(spread_agrees(4.99, 8, 10.0));
  EXPECT_FALSE(spread_agrees(20.01, 8, 10.0));
  EXPECT_FALSE(spread_agrees(10.0, 1, 10.0));  // one subject has no SD
  EXPECT_FALSE(spread_agrees(0.0, 8, 10.0));   // no spread at all, as before variability was declared
}

TEST(ValidationCases, BadCaseFilesAreReportedWithLocationAndSuggestion) {
  const auto dir = std::filesystem::temp_directory_path() / "bungner-validation-case-test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "bad.toml";
  std::ofstream(file) << "study = \"s.toml\"\n[[checks]]\nevidence = \"E02\"\nreadout = \"x\"\ntime = \"3 d\"\n"
                         "criterion = \"tolerence\"\nfromm = \"1 d\"\n";
  try {
    load_case(file, {"E01", "E02"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].where.line, 7);  // unknown key 'fromm'
    EXPECT_NE(e.diagnostics()[0].message.find("from"), std::string::npos);
    EXPECT_EQ(e.diagnostics()[1].where.line, 6);
    EXPECT_NE(e.diagnostics()[1].message.find("tolerance"), std::string::npos);
  }
  std::ofstream(file) << "study = \"s.toml\"\n[[checks]]\nevidence = \"E03\"\nreadout = \"x\"\ntime = \"3 d\"\n";
  EXPECT_THROW(load_case(file, {"E01", "E02"}), InputError);
  std::filesystem::remove_all(dir);
}

TEST(ValidationCases, EveryShippedCaseLoadsAndNamesEvidence) {
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  std::set<std::string> ids;
  for (const auto& r : evidence) ids.insert(r.id);
  const auto cases = load_cases(source_dir / "validation", ids);
  EXPECT_GE(cases.size(), 5u);
  for (const auto& c : cases) EXPECT_TRUE(std::filesystem::exists(c.study)) << c.path;
}

TEST(EvidenceBase, HasEveryEntryOfTheSharedTargets) {
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  std::set<std::string> entries, ids;
  for (const auto& r : evidence) {
    entries.insert(r.entry);
    EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
    EXPECT_FALSE(r.source.empty()) << r.id << " has no source";
  }
  for (int e = 1; e <= 68; ++e) EXPECT_TRUE(entries.count(fmt::format("E{:02}", e))) << e;
}

TEST(CalibrationRecord, ParsesEntriesOfRegistryFields) {
  EXPECT_EQ(entries_in("E24,E25,E26"), (std::set<std::string>{"E24", "E25", "E26"}));
  EXPECT_EQ(entries_in("E12, E13 (jointly)"), (std::set<std::string>{"E12", "E13"}));
  EXPECT_TRUE(entries_in("").empty());
  EXPECT_EQ(entries_in("E100, E75.2 and E09"), (std::set<std::string>{"E100", "E75", "E09"}));
  EXPECT_TRUE(entries_in("doi:10.1/XE12 PMIDE13 E1").empty());
}

TEST(CalibrationRecord, AgreesWithTheRegistryAndThePresets) {
  const auto registry = make_builtin_registry();
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  const auto record = load_calibration(source_dir / "data/evidence/calibration.toml");
  const auto presets = preset_entries(source_dir / "data/presets");
  const auto problems = calibration_disagreements(record, registry, presets, evidence);
  for (const auto& p : problems) ADD_FAILURE() << p << " (rerun scripts/make-calibration-record.py)";
  EXPECT_TRUE(problems.empty());
}

TEST(CalibrationRecord, DetectsAnUndeclaredFit) {
  const auto registry = make_builtin_registry();
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  auto record = load_calibration(source_dir / "data/evidence/calibration.toml");
  const auto presets = preset_entries(source_dir / "data/presets");
  auto missing = record;
  missing.parameters.erase("axon_regeneration.speed");  // fitted in the registry, not declared
  EXPECT_FALSE(calibration_disagreements(missing, registry, presets, evidence).empty());
  auto extra = record;
  extra.parameters["axon_regeneration.speed"].insert("E68");  // declared but not in the registry
  EXPECT_FALSE(calibration_disagreements(extra, registry, presets, evidence).empty());
  auto both = record;
  both.unfitted.insert("E01");  // fitted and unfitted at once
  EXPECT_FALSE(calibration_disagreements(both, registry, presets, evidence).empty());
}

/// The section "Changes to frozen test entries" of docs/validation.md (empty when absent).
std::string change_log(const std::string& markdown) {
  const auto start = markdown.find("## Changes to frozen test entries");
  if (start == std::string::npos) return {};
  const auto end = markdown.find("\n## ", start + 3);
  return markdown.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string read_text_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FrozenTestSet, EveryTestEntryIsFrozenUnchangedAndNeverFitted) {
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  std::set<std::string> ids, tests;
  for (const auto& r : evidence) {
    ids.insert(r.id);
    if (r.test()) tests.insert(r.entry);
  }
  const auto cases = load_cases(source_dir / "validation", ids);
  const auto frozen = load_frozen(source_dir / "data/evidence/frozen.toml");
  const auto record = load_calibration(source_dir / "data/evidence/calibration.toml");
  const auto log = change_log(read_text_file(source_dir / "docs/validation.md"));
  for (const auto& p : frozen_disagreements(evidence, cases, frozen, record, log)) ADD_FAILURE() << p;
  // The calibration record names no test entry.
  for (const auto& e : record.fitted()) EXPECT_FALSE(tests.count(e)) << e << " is a test entry in the calibration record";
  EXPECT_GE(tests.size(), 40u);
}

TEST(FrozenTestSet, DetectsAChangedCriterionAFitTestEntryAndAMoveToFit) {
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  std::set<std::string> ids;
  std::string entry;
  for (const auto& r : evidence) {
    ids.insert(r.id);
    if (r.test() && entry.empty()) entry = r.entry;
  }
  ASSERT_FALSE(entry.empty());
  auto cases = load_cases(source_dir / "validation", ids);
  const auto frozen = load_frozen(source_dir / "data/evidence/frozen.toml");
  const auto record = load_calibration(source_dir / "data/evidence/calibration.toml");
  auto names = [&](const std::vector<std::string>& problems) {
    for (const auto& p : problems)
      if (p.rfind(entry + " ", 0) == 0) return true;
    return false;
  };
  ASSERT_FALSE(names(frozen_disagreements(evidence, cases, frozen, record, "")));  // as shipped
  // A widened tolerance of one of the entry's checks changes its fingerprint.
  auto widened = cases;
  bool changed = false;
  for (auto& c : widened)
    for (auto& k : c.checks)
      if (!changed && entries_in(k.evidence).count(entry)) k.tolerance += 1, k.bound = k.bound.value_or(0) + 1, changed = true;
  ASSERT_TRUE(changed);
  EXPECT_NE(criteria_fingerprint(entry, widened, evidence), criteria_fingerprint(entry, cases, evidence));
  EXPECT_TRUE(names(frozen_disagreements(evidence, widened, frozen, record, "")));
  EXPECT_FALSE(names(frozen_disagreements(evidence, widened, frozen, record, "- " + entry + ": tolerance widened because ...")));
  // A changed observed value changes it too.
  auto edited = evidence;
  for (auto& r : edited)
    if (r.entry == entry) r.value += 1;
  EXPECT_NE(criteria_fingerprint(entry, cases, edited), criteria_fingerprint(entry, cases, evidence));
  // Moved to fit without a line in the change log.
  auto moved = evidence;
  for (auto& r : moved)
    if (r.entry == entry) r.split = "fit";
  EXPECT_TRUE(names(frozen_disagreements(moved, cases, frozen, record, "")));
  EXPECT_FALSE(names(frozen_disagreements(moved, cases, frozen, record, "- " + entry + ": moved to fit because ...")));
  // Fitted to while a test entry: both checks see it.
  auto fitted = record;
  fitted.parameters["axon_regeneration.speed"].insert(entry);
  EXPECT_TRUE(names(frozen_disagreements(evidence, cases, frozen, fitted, "")));
  const auto registry = make_builtin_registry();
  bool named = false;
  for (const auto& p : calibration_disagreements(fitted, registry, preset_entries(source_dir / "data/presets"), evidence))
    named = named || p.find(entry + " is a test entry") != std::string::npos;
  EXPECT_TRUE(named);
  // A test entry that loses its frozen record.
  auto forgotten = frozen;
  forgotten.erase(entry);
  EXPECT_TRUE(names(frozen_disagreements(evidence, cases, forgotten, record, "")));
}

// A case judged on spread runs at least 40 subjects per arm (the SD of 10 is known to +- 24 %);
// a case without a spread check, or with its spread checks not selected, runs its study as written.
TEST(ValidationCases, SpreadChecksRunAtLeastFortySubjectsPerArm) {
  const auto registry = make_builtin_registry();
  const auto evidence = load_evidence(source_dir / "data/evidence/evidence.csv");
  std::set<std::string> ids;
  std::map<std::string, const EvidenceRow*> rows;
  for (const auto& r : evidence) ids.insert(r.id), rows[r.id] = &r;
  const auto cases = load_cases(source_dir / "validation", ids);
  auto find = [&](const std::string& stem) {
    const auto it = std::find_if(cases.begin(), cases.end(), [&](const Case& c) { return c.name == stem; });
    EXPECT_NE(it, cases.end()) << stem;
    return *it;
  };
  auto all = [](const Case& c) {
    std::vector<const Check*> out;
    for (const auto& k : c.checks) out.push_back(&k);
    return out;
  };
  const Case yeo = find("human-radial-normal-values-yeo2017");
  ASSERT_TRUE(checks_spread(*rows.at("E105.3"), yeo.checks.at(2)));
  EXPECT_EQ(study::load_study(yeo.study, registry).arms.at(0).subjects, 10u);
  for (const auto& arm : case_study(yeo, all(yeo), rows, registry).arms) EXPECT_EQ(arm.subjects, minimum_subjects_for_spread);
  EXPECT_EQ(case_study(yeo, {}, rows, registry).arms.at(0).subjects, 10u);
  const Case trojaborg = find("human-radial-crush-trojaborg1970");
  EXPECT_FALSE(checks_spread(*rows.at("E111.1"), trojaborg.checks.at(0)));
  EXPECT_EQ(case_study(trojaborg, all(trojaborg), rows, registry).arms.at(0).subjects, 3u);
}

}  // namespace
}  // namespace bungner::validation
