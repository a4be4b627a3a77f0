// The calibration file of `bungner calibrate` (include/bungner/calibration/calibrate.hpp): priors
// from the declared plausible ranges, refusal of test entries and of unknown names, and the terms
// of the distance. Nothing is simulated here (tests/integration/calibrate.sh runs the command).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "bungner/calibration/calibrate.hpp"
#include "bungner/study/uncertainty.hpp"
#include "bungner/validation/validation.hpp"

namespace bungner::calibration {
namespace {

const std::filesystem::path source_dir = BUNGNER_SOURCE_DIR;

struct CalibrationFile {
  std::filesystem::path path;
  explicit CalibrationFile(const std::string& text, const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "bungner-calibrate-test";
    std::filesystem::create_directories(dir);
    path = dir / name;
    std::ofstream(path) << text;
  }
  ~CalibrationFile() { std::filesystem::remove(path); }
  CalibrationSpec load(const Registry& registry) const {
    return load_calibration_spec(path, registry, source_dir / "validation", source_dir / "data" / "evidence" / "evidence.csv");
  }
};

std::string all_messages(const InputError& e) {
  std::string out;
  for (const Diagnostic& d : e.diagnostics())
    out += fmt::format("{}:{}:{}: {}: {}\n", d.where.file, d.where.line, d.where.column, d.key, d.message);
  return out;
}

TEST(CalibrationFile, DefaultPriorIsUniformOverTheDeclaredPlausibleRange) {
  const Registry registry = make_builtin_registry();
  const CalibrationFile f(R"(seed = 9
particles = 50
[stop]
max_generations = 3
[[parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
[[parameters]]
name = "neuron_survival.death_time_constant"
prior = "lognormal"
median = "2 week"
sigma = 0.5
low = "2 d"
high = "60 d"
[[fit]]
entry = "E24"
weight = 2
)",
                          "ok.toml");
  const CalibrationSpec spec = f.load(registry);
  const ParameterSpec* declared = registry.parameters().find("neuron_survival.sensory_vulnerable_fraction");
  ASSERT_EQ(spec.priors.size(), 2u);
  EXPECT_EQ(spec.priors[0].kind, PriorKind::uniform);
  EXPECT_EQ(spec.priors[0].low, declared->plausible.low);
  EXPECT_EQ(spec.priors[0].high, declared->plausible.high);
  EXPECT_EQ(spec.priors[1].kind, PriorKind::lognormal);
  EXPECT_DOUBLE_EQ(spec.priors[1].mean, 14);  // the median, in the declared unit (d)
  EXPECT_DOUBLE_EQ(spec.priors[1].low, 2);
  EXPECT_EQ(spec.units[1], "d");
  EXPECT_EQ(spec.options.seed, 9u);
  EXPECT_EQ(spec.options.particles, 50u);
  EXPECT_EQ(spec.options.max_generations, 3u);
  ASSERT_EQ(spec.fit.size(), 1u);
  EXPECT_EQ(spec.fit[0].weight, 2);

  // E24 has four rows, each checked within a tolerance of 5 points: four terms of weight 2/4.
  const ValidationDistance distance(spec, registry, std::filesystem::temp_directory_path() / "bungner-calibrate-test-work");
  ASSERT_EQ(distance.terms().size(), 4u);
  for (const DistanceTerm& t : distance.terms()) {
    EXPECT_DOUBLE_EQ(t.scale, 5);
    EXPECT_DOUBLE_EQ(t.weight, 0.5);
  }
  EXPECT_EQ(distance.terms()[0].evidence, "E24.1");
  EXPECT_DOUBLE_EQ(distance.terms()[0].observed, 6);
  EXPECT_EQ(distance.cases().size(), 1u);
}

TEST(CalibrationFile, RefusesTestEntriesByName) {
  const Registry registry = make_builtin_registry();
  const CalibrationFile f(R"([[parameters]]
name = "neuron_survival.death_time_constant"
[[fit]]
entry = "E25"
[[fit]]
entry = "E10"
)",
                          "test-entry.toml");
  try {
    (void)f.load(registry);
    FAIL() << "a test entry was accepted";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u) << all_messages(e);
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.where.file, f.path.string());
    EXPECT_EQ(d.where.line, 6);
    EXPECT_EQ(d.key, "fit.1.entry");
    EXPECT_NE(d.message.find("E10 is a test entry"), std::string::npos) << d.message;
  }
}

TEST(CalibrationFile, ReportsEveryProblemAtOnceWithSuggestions) {
  const Registry registry = make_builtin_registry();
  const CalibrationFile f(R"(particels = 10
alpha = 1.5
[[parameters]]
name = "neuron_survival.death_time_constnt"
[[parameters]]
name = "neuron_survival.death_onset"
prior = "normal"
mean = "1 d"
[[fit]]
entry = "E2400"
weight = -1
)",
                          "bad.toml");
  try {
    (void)f.load(registry);
    FAIL() << "a bad file was accepted";
  } catch (const InputError& e) {
    const std::string all = all_messages(e);
    EXPECT_NE(all.find(":1:1: particels: unknown key (did you mean 'particles'?)"), std::string::npos) << all;
    EXPECT_NE(all.find("alpha: alpha must lie in (0, 1)"), std::string::npos) << all;
    EXPECT_NE(all.find(":4:8: parameters.0.name: unknown parameter; did you mean 'neuron_survival.death_time_constant'?"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("parameters.1.sd: missing: the normal prior needs it"), std::string::npos) << all;
    EXPECT_NE(all.find("fit.0.entry: no evidence row or entry 'E2400'"), std::string::npos) << all;
    EXPECT_NE(all.find(":11:10: fit.0.weight: the weight must be positive"), std::string::npos) << all;
  }
}

// Joint refits (docs/calibration-abc.md "Joint refits"): every calibration file the record names
// loads, fits exactly the parameters and entries the record says, left its posterior next to it,
// and the declared value of each of its parameters is the posterior's weighted median (to the
// 4 significant digits the declarations carry), fitted to exactly those entries.
TEST(JointRefit, DeclaredValuesAreThePosteriorMedians) {
  const Registry registry = make_builtin_registry();
  const auto record = validation::load_calibration(source_dir / "data" / "evidence" / "calibration.toml");
  ASSERT_FALSE(record.joint.empty()) << "no joint refit in the calibration record";
  for (const auto& joint : record.joint) {
    SCOPED_TRACE(joint.file);
    const CalibrationSpec spec = load_calibration_spec(source_dir / joint.file, registry, source_dir / "validation",
                                                       source_dir / "data" / "evidence" / "evidence.csv");
    std::vector<std::string> names;
    for (const Prior& p : spec.priors) names.push_back(p.name);
    const auto as_set = [](const std::vector<std::string>& v) { return std::set<std::string>(v.begin(), v.end()); };
    EXPECT_EQ(as_set(names), as_set(joint.parameters));
    std::set<std::string> entries;
    for (const FitEntry& f : spec.fit) entries.insert(f.entry);
    EXPECT_EQ(entries, joint.entries);
    study::Uncertainty u;
    std::vector<Diagnostic> problems;
    study::read_posterior(source_dir / joint.posterior, registry, u, problems);
    ASSERT_TRUE(problems.empty()) << problems.front().message;
    ASSERT_EQ(u.posteriors.size(), 1U);
    const study::Posterior& posterior = u.posteriors.front();
    EXPECT_EQ(posterior.names, names) << "the posterior's columns are not the calibration file's parameters";
    EXPECT_EQ(posterior.particles.size(), spec.options.particles);
    for (std::size_t k = 0; k < posterior.names.size(); ++k) {
      std::vector<std::pair<double, double>> weighted;
      for (std::size_t i = 0; i < posterior.particles.size(); ++i)
        weighted.emplace_back(posterior.particles[i][k], posterior.weights[i]);
      std::sort(weighted.begin(), weighted.end());
      double cumulative = 0, median = weighted.back().first;
      for (const auto& [value, weight] : weighted)
        if ((cumulative += weight) >= 0.5) {
          median = value;
          break;
        }
      const ParameterSpec& declared = *registry.parameters().find(posterior.names[k]);
      EXPECT_NEAR(declared.default_value, median, 5e-4 * std::abs(median)) << declared.name;
      EXPECT_EQ(validation::entries_in(declared.calibration), joint.entries) << declared.name;
      EXPECT_NE(declared.source.find(std::filesystem::path(joint.file).filename().string()), std::string::npos)
          << declared.name << ": the source does not name the calibration file";
    }
  }
}

}  // namespace
}  // namespace bungner::calibration
