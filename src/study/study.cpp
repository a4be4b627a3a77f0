#include "bungner/study/study.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>

#include "bungner/core/build_info.hpp"
#include "bungner/core/sha256.hpp"
#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"
#include "bungner/io/atomic_file.hpp"
#include "bungner/io/progress.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"
#include "bungner/study/statistics.hpp"

namespace bungner::study {
namespace {

using schema::Field;
using schema::Kind;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path, 0, 0}, "", "cannot open file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Field study_schema() {
  Field arm{.key = "arms", .kind = Kind::table, .doc = "one arm"};
  arm.children = {
      Field{.key = "name", .kind = Kind::string, .doc = "arm name", .required = true},
      Field{.key = "subjects",
            .kind = Kind::integer,
            .doc = "subjects in this arm (default: the study's)",
            .default_text = "0",
            .hard = {0, 1e7}},
      // Any scenario keys: checked by loading the arm's scenario in load_study.
      Field{.key = "dlt_probability",
            .kind = Kind::number,
            .doc = "phase 1 trials: probability of a dose-limiting toxicity at this dose (placeholder safety model)",
            .default_text = "0",
            .hard = {0, 1}},
      Field{.key = "set",
            .kind = Kind::free_table,
            .doc = "overrides of the base scenario, as with --set",
            .free_validator = [](const toml::table&, const std::string&, std::vector<Diagnostic>&) {}},
  };
  Field variability{.key = "variability", .kind = Kind::table, .doc = "one varied parameter"};
  variability.children = {
      Field{.key = "parameter", .kind = Kind::string, .doc = "parameter name", .required = true},
      Field{.key = "distribution",
            .kind = Kind::choice,
            .doc = "distribution over subjects",
            .default_text = "lognormal",
            .choices = {"lognormal", "normal", "uniform"}},
      Field{.key = "cv",
            .kind = Kind::quantity,
            .doc = "coefficient of variation (lognormal, normal)",
            .unit = "%",
            .default_text = "0 %",
            .hard = {0, 1000}},
      Field{.key = "low", .kind = Kind::string, .doc = "lower bound with unit (uniform)", .default_text = ""},
      Field{.key = "high", .kind = Kind::string, .doc = "upper bound with unit (uniform)", .default_text = ""},
  };
  Field trial{.key = "trial", .kind = Kind::table, .doc = "in-silico clinical trial (docs/trials.md)"};
  trial.children = {
      Field{.key = "phase",
            .kind = Kind::integer,
            .doc = "1 (3+3 safety), 2 (dose finding) or 3 (randomised)",
            .default_text = "3",
            .hard = {1, 3}},
      Field{.key = "patients",
            .kind = Kind::integer,
            .doc = "patients enrolled (phases 2 and 3)",
            .default_text = "0",
            .hard = {0, 1e7}},
      Field{.key = "allocation",
            .kind = Kind::string,
            .doc = "allocation ratio over the arms, e.g. \"1:1\" or \"2:1\"",
            .default_text = ""},
      Field{.key = "block_size",
            .kind = Kind::integer,
            .doc = "permuted block size (default twice the ratio's sum)",
            .default_text = "0",
            .hard = {0, 1e4}},
      Field{.key = "accrual_per_month",
            .kind = Kind::number,
            .doc = "patients enrolled per month (Poisson)",
            .default_text = "10",
            .hard = {1e-6, 1e7}},
      Field{.key = "dropout_per_month",
            .kind = Kind::quantity,
            .doc = "hazard of loss to follow-up per month",
            .unit = "%",
            .default_text = "0 %",
            .hard = {0, 100}},
      Field{.key = "endpoint",
            .kind = Kind::string,
            .doc = "graded observation, e.g. mrc_motor_grade.abductor_pollicis_brevis",
            .default_text = ""},
      Field{.key = "threshold", .kind = Kind::number, .doc = "recovery: endpoint >= threshold", .default_text = "3"},
      Field{.key = "horizon",
            .kind = Kind::quantity,
            .doc = "follow-up of each patient",
            .unit = "d",
            .default_text = "24 months",
            .hard = {1, 36525}},
      Field{.key = "assessment_interval",
            .kind = Kind::quantity,
            .doc = "interval between visits",
            .unit = "d",
            .default_text = "1 month",
            .hard = {1, 36525}},
      Field{.key = "alpha",
            .kind = Kind::number,
            .doc = "two-sided significance level",
            .default_text = "0.05",
            .hard = {1e-9, 0.5}},
      Field{.key = "target_power",
            .kind = Kind::number,
            .doc = "power the sample sizes are computed for",
            .default_text = "0.8",
            .hard = {0.01, 0.9999}},
      Field{.key = "replicates",
            .kind = Kind::integer,
            .doc = "simulated trials for the empirical power",
            .default_text = "200",
            .hard = {0, 1e6}},
  };
  Field root{.key = "", .kind = Kind::table, .doc = "study"};
  root.children = {
      Field{.key = "title", .kind = Kind::string, .doc = "title", .default_text = ""},
      Field{.key = "base", .kind = Kind::string, .doc = "base scenario, relative to the study file", .required = true},
      Field{.key = "seed", .kind = Kind::integer, .doc = "study seed", .default_text = "1", .hard = {0, 9223372036854775807.0}},
      Field{.key = "subjects", .kind = Kind::integer, .doc = "subjects per arm", .default_text = "8", .hard = {1, 1e7}},
      Field{.key = "common_seeds",
            .kind = Kind::boolean,
            .doc = "subject s of every arm gets the seed and parameter draws of subject s of the first arm (paired design)",
            .default_text = "false"},
      Field{.key = "readouts", .kind = Kind::string_list, .doc = "observations to summarise (globs; empty: all)"},
      Field{.key = "arms", .kind = Kind::table_array, .doc = "arms"},
      Field{.key = "variability", .kind = Kind::table_array, .doc = "inter-individual variability"},
      Field{.key = "default_variability",
            .kind = Kind::boolean,
            .doc = "also vary every parameter with a declared between-subject CV (bungner params --variability)",
            .default_text = "true"},
      trial,
      Field{.key = "uncertainty",
            .kind = Kind::free_table,
            .doc = "parameter uncertainty: draws, seed, posterior, [[uncertainty.parameters]], declared, declared_prior, sources "
                   "(docs/uncertainty.md)",
            // Read by study::read_uncertainty, which reports its own problems.
            .free_validator = [](const toml::table&, const std::string&, std::vector<Diagnostic>&) {}},
  };
  for (Field& f : root.children) {
    if (f.key == "arms") {
      f.item_schema = [item = std::make_shared<Field>(arm)](const toml::table&, const std::string&,
                                                            std::vector<Diagnostic>&) -> const Field* { return item.get(); };
    }
    if (f.key == "variability") {
      f.item_schema = [item = std::make_shared<Field>(variability)](const toml::table&, const std::string&,
                                                                    std::vector<Diagnostic>&) -> const Field* {
        return item.get();
      };
    }
  }
  return root;
}

std::string value_text(const toml::node& node) {
  if (const auto s = node.value<std::string>()) return *s;
  std::ostringstream out;
  node.visit([&](auto&& v) { out << v; });
  return out.str();
}

Distribution parse_distribution(const std::string& s) {
  if (s == "normal") return Distribution::normal;
  if (s == "uniform") return Distribution::uniform;
  return Distribution::lognormal;
}

std::vector<std::string> posterior_paths(const Uncertainty& u) {
  std::vector<std::string> out;
  for (const Posterior& p : u.posteriors) out.push_back(p.path);
  return out;
}

std::string arm_file_stem(std::size_t arm, std::size_t subject) { return fmt::format("arm{:03}-subject{:05}", arm, subject); }

/// Rows of one subject as CSV (the checkpoint format and a slice of subjects.csv).
std::string rows_csv(const std::vector<SubjectRow>& rows, const StudySpec& spec) {
  std::string out;
  for (const auto& r : rows)
    out += fmt::format("{},{},{},{},{},{},{}\n", text::csv_field(spec.arms[r.arm].name), r.subject, r.seed,
                       text::format_double(r.time_days), text::csv_field(r.readout), text::format_double(r.value),
                       text::csv_field(r.unit));
  return out;
}

std::vector<SubjectRow> parse_checkpoint(const std::string& path, std::size_t arm) {
  std::vector<SubjectRow> rows;
  std::ifstream in(path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<text::CsvRecord> records;
  try {
    records = text::parse_csv(content, path);
  } catch (const InputError&) {
    throw RuntimeFailure("corrupt checkpoint " + path);
  }
  for (const auto& record : records) {
    // arm,subject,seed,time,readout,value,unit (rows_csv; names quoted where they need it)
    if (record.size() != 7) throw RuntimeFailure("corrupt checkpoint " + path);
    const auto subject = text::parse_unsigned(record[1].text), seed = text::parse_unsigned(record[2].text);
    const auto time = text::parse_double(record[3].text), value = text::parse_double(record[5].text);
    if (!subject || !seed || !time || !value) throw RuntimeFailure("corrupt checkpoint " + path);
    rows.push_back(SubjectRow{arm, *subject, *seed, *time, record[4].text, *value, record[6].text});
  }
  return rows;
}

/// Whether the study summarises observation `name` of readout module `module`: `readouts` holds
/// observation globs and module names (a module selects all its observations).
bool wanted(const StudySpec& spec, std::string_view module, const std::string& name) {
  if (spec.readouts.empty()) return true;
  return std::any_of(spec.readouts.begin(), spec.readouts.end(),
                     [&](const std::string& pattern) { return pattern == module || text::glob_match(pattern, name); });
}

/// The candidate closest to `word`: a plausible typo, else the one sharing the longest prefix
/// with it ("mune.tibialis" -> "mune.tibialis_anterior"), else the nearest by edit distance.
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates) {
  if (auto s = text::did_you_mean(word, candidates)) return s;
  std::optional<std::string> best;
  std::size_t best_prefix = 0, best_distance = 0;
  for (const auto& c : candidates) {
    std::size_t prefix = 0;
    while (prefix < c.size() && prefix < word.size() && c[prefix] == word[prefix]) ++prefix;
    const std::size_t distance = text::edit_distance(word, c);
    if (!best || prefix > best_prefix || (prefix == best_prefix && distance < best_distance)) {
      best = c;
      best_prefix = prefix;
      best_distance = distance;
    }
  }
  return best;
}

/// Every entry of the study's `readouts` must select something: a readout module, or a glob that
/// matches an observation some arm's scenario gives (and takes: `readouts.include`).
void check_readouts(const toml::table& input, const StudySpec& spec, const std::vector<ObservationName>& given,
                    const std::vector<ObservationName>& left_out, const Registry& registry,
                    std::vector<Diagnostic>& diagnostics) {
  const toml::array* raw = input["readouts"].as_array();
  std::vector<std::string> names;
  for (const auto& o : given)
    if (std::find(names.begin(), names.end(), o.name) == names.end()) names.push_back(o.name);
  for (std::size_t i = 0; i < spec.readouts.size(); ++i) {
    const std::string& pattern = spec.readouts[i];
    const auto matches = [&](const ObservationName& o) { return o.readout == pattern || text::glob_match(pattern, o.name); };
    if (std::any_of(given.begin(), given.end(), matches)) continue;
    const toml::node* node = raw != nullptr && i < raw->size() ? raw->get(i) : nullptr;
    const SourceLocation where = node ? schema::location_of(*node) : SourceLocation{spec.path, 1, 1};
    const std::string key = fmt::format("readouts[{}]", i);
    std::string message;
    const auto excluded = std::find_if(left_out.begin(), left_out.end(), matches);
    const bool module = std::any_of(registry.readouts().begin(), registry.readouts().end(),
                                    [&](const ReadoutEntry& r) { return r.name == pattern; });
    if (excluded != left_out.end()) {
      message = fmt::format("'{}' is {} of the readout module '{}', which the arms' readouts.include leaves out", pattern,
                            module ? "the name" : "an observation", excluded->readout);
    } else if (module) {
      message = fmt::format("'{}' is a readout module that none of the arms' scenarios has", pattern);
    } else if (const auto modules = registry.readouts_observing(pattern);
               !modules.empty() &&
               std::none_of(given.begin(), given.end(), [&](const ObservationName& o) { return o.readout == modules.front(); })) {
      // A module the arms do not have (a human's clinical grades in rats, the 3D site's cells).
      message = fmt::format("'{}' is an observation of the readout module '{}', which none of the arms' scenarios gives", pattern,
                            modules.front());
    } else {
      message = fmt::format("no observation of the arms' scenarios matches '{}'", pattern);
    }
    if (auto s = closest(pattern, names)) message += fmt::format("; did you mean '{}'?", *s);
    message += " (observation names or globs, or readout modules: `bungner study --dry-run` lists them)";
    schema::error(diagnostics, where, key, message);
  }
}

/// One subject's value of a varied parameter, clamped to the parameter's hard range.
double draw(const Variability& var, const ParameterSpec& p, double centre, double z, double u) {
  double value = centre;
  switch (var.distribution) {
    case Distribution::lognormal: value *= std::exp(std::sqrt(std::log1p(var.cv * var.cv)) * z); break;
    case Distribution::normal: value *= 1 + var.cv * z; break;
    case Distribution::uniform: value = var.low + (var.high - var.low) * u; break;
  }
  return std::clamp(value, p.hard.low, p.hard.high);  // a draw never leaves the hard range
}

/// A drawn value as a scenario would read it: rounded to the 15 significant digits with which the
/// loader reads a quantity written with a unit (a dimensionless number is read as it is). Kept so
/// that a subject's parameters, written out, read back exactly, and so that studies give the same
/// numbers as when the draws reached the model as scenario text.
double as_read(const ParameterSpec& p, double value) {
  if (p.unit == "1") return value;
  char buffer[64];
  const auto written = fmt::format_to_n(buffer, sizeof buffer, "{:.15g}", units::from_si(units::to_si(value, p.unit), p.unit));
  return text::parse_double(std::string_view(buffer, written.size)).value();
}

/// Where the varied parameters of one arm are centred, and the declared variability it applies.
struct ArmVariability {
  std::vector<double> centres;        ///< of spec.variability
  std::vector<Variability> defaults;  ///< declared CVs (default_variability)
  std::vector<double> default_centres;
};

/// One arm, compiled once: every subject is a State of this Model's spec and content, with its
/// own seed and parameter draws (Model::for_subject).
struct ArmPlan {
  std::shared_ptr<const Model> model;
  ArmVariability varied;
  /// Per uncertain parameter: whether the draws apply in this arm. They do not where the arm's
  /// scenario, a preset or an override sets the parameter: a value chosen on purpose (a human
  /// preset's constant, an arm that varies a dose) is not replaced by a draw.
  std::vector<bool> uncertain;
};

struct Job {
  std::size_t arm, subject;
};

/// What a study runs: its arms compiled and the subjects in (arm, subject) order.
struct StudyPlan {
  std::vector<ArmPlan> arms;
  std::vector<Job> jobs;
};

StudyPlan plan(const StudySpec& spec, const Registry& registry) {
  StudyPlan out;
  for (const Arm& arm : spec.arms) {
    ArmPlan a;
    a.model = Model::compile(load_scenario(spec.base_scenario, registry, arm.overrides), registry);
    const ParameterSet& p = a.model->parameters();
    for (const auto& v : spec.variability) a.varied.centres.push_back(p.get(v.parameter));
    a.varied.defaults = default_variability(spec, registry, p);
    for (const auto& v : a.varied.defaults) a.varied.default_centres.push_back(p.get(v.parameter));
    for (const std::string& name : spec.uncertainty.names) a.uncertain.push_back(p.value(name).origin == "default");
    out.arms.push_back(std::move(a));
  }
  for (std::size_t a = 0; a < spec.arms.size(); ++a)
    for (std::size_t s = 0; s < subjects_run(spec, spec.arms[a]); ++s) out.jobs.push_back({a, s});
  return out;
}

/// This subject's seed and parameter draws.
SubjectOverlay subject_overlay(const StudySpec& spec, const Registry& registry, std::size_t arm, std::size_t subject,
                               const ArmPlan& plan) {
  const ArmVariability& varied = plan.varied;
  // This subject's parameter set, where the study draws them: a varied parameter's draws are
  // centred on it (and an uncertain CV is the CV), the others take it as it is.
  std::map<std::string, double> drawn;
  if (spec.uncertainty.enabled()) {
    const std::vector<double>& set = spec.uncertainty.sets[draw_of_subject(subject, spec.arms[arm].subjects)];
    for (std::size_t i = 0; i < set.size(); ++i)
      if (plan.uncertain[i]) drawn[spec.uncertainty.names[i]] = set[i];
  }
  const auto drawn_or = [&](const std::string& name, double otherwise) {
    const auto it = drawn.find(name);
    return it == drawn.end() ? otherwise : it->second;
  };
  std::set<std::string> varied_names;
  // Common random numbers: every arm's subject s draws as the first arm's subject s does.
  const std::size_t draw_arm = spec.common_seeds ? 0 : arm;
  SubjectOverlay overlay;
  overlay.seed = spec.scenario_seed_for_all ? spec.seed : subject_seed(spec.seed, draw_arm, subject);
  const auto set = [&](const std::string& name, double value, const char* source) {
    overlay.parameters.push_back({name, value, source, fmt::format("study arm {} subject {}", arm, subject)});
  };
  const std::uint64_t entity = (static_cast<std::uint64_t>(draw_arm) << 32) | subject;
  RandomStream stream({spec.seed, 0}, entity, 0, purpose_id("study.variability"));
  for (std::size_t v = 0; v < spec.variability.size(); ++v) {
    const Variability& var = spec.variability[v];
    const ParameterSpec& p = *registry.parameters().find(var.parameter);
    const double z = stream.normal(), u = stream.uniform();
    set(var.parameter, as_read(p, draw(var, p, drawn_or(var.parameter, varied.centres[v]), z, u)), "study variability");
    varied_names.insert(var.parameter);
  }
  // Declared variability: one stream per parameter, keyed by its name, so that adding or removing
  // a declaration never shifts another parameter's draws.
  for (std::size_t v = 0; v < varied.defaults.size(); ++v) {
    Variability var = varied.defaults[v];
    var.cv = drawn_or(var.cv_parameter, var.cv);
    const ParameterSpec& p = *registry.parameters().find(var.parameter);
    RandomStream own({spec.seed, 0}, entity, purpose_id(var.parameter), purpose_id("study.default_variability"));
    const double z = own.normal();
    set(var.parameter, as_read(p, draw(var, p, drawn_or(var.parameter, varied.default_centres[v]), z, 0.5)),
        "declared variability");
    varied_names.insert(var.parameter);
  }
  for (const auto& [name, value] : drawn)
    if (!varied_names.count(name)) set(name, as_read(*registry.parameters().find(name), value), "parameter uncertainty");
  return overlay;
}

/// Runs one subject: a State of the arm's Model with this subject's seed and parameter draws.
std::vector<SubjectRow> run_subject(const StudySpec& spec, const Registry& registry, const StudyPlan& plan, const Job& job) {
  const ArmPlan& arm = plan.arms[job.arm];
  const SubjectOverlay overlay = subject_overlay(spec, registry, job.arm, job.subject, arm);
  const auto model = Model::for_subject(*arm.model, overlay, registry);
  Simulation simulation(model);
  std::vector<SubjectRow> rows;
  for (const std::int64_t t : model->readout_times_s) {
    simulation.advance_to(t);
    for (const auto& readout : model->readouts()) {
      if (!model->includes_readout(readout->name())) continue;
      std::vector<Observation> values;
      readout->observe(*model, simulation.state(), values);
      for (const auto& o : values)
        if (wanted(spec, readout->name(), o.name))
          rows.push_back({job.arm, job.subject, overlay.seed, static_cast<double>(t) / seconds_per_day, o.name, o.value, o.unit});
    }
  }
  return rows;
}

std::string number(double v) {
  return std::isfinite(v) ? text::format_double(v) : (std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
}

nlohmann::ordered_json json_number(double v) {
  if (std::isfinite(v)) return v;
  return number(v);
}

void prepare_study_directory(const std::filesystem::path& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir / "subjects", ec);
  if (ec) throw InputError(SourceLocation{dir.string(), 0, 0}, "--out", "cannot create directory: " + ec.message());
  const std::vector<std::string> ours = {"study.json",        "subjects.csv", "summary.csv",  "comparisons.csv",
                                         "summary.json",      "report.html",  "patients.csv", "km.csv",
                                         "trial_summary.csv", "trial.json",   "draws.csv",    "trial_draws.csv"};
  bool non_empty = !fs::is_empty(dir / "subjects");
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "subjects") continue;
    if (std::find(ours.begin(), ours.end(), name) == ours.end() && !io::is_partial_name(name))
      throw InputError(SourceLocation{dir.string(), 0, 0}, "--out",
                       fmt::format("holds files a study did not write (e.g. {}); refusing to overwrite it", name));
    non_empty = true;
  }
  if (!non_empty) return;
  if (!force)
    throw InputError(SourceLocation{dir.string(), 0, 0}, "--out",
                     "is not empty; pass --resume to continue an interrupted study or --force to start over");
  fs::remove_all(dir / "subjects", ec);
  for (const auto& name : ours) fs::remove(dir / name, ec);
  fs::create_directories(dir / "subjects", ec);
}

/// Reads the [trial] table into `spec` and sets each arm's subjects from the trial's design.
void read_trial(const toml::table& input, const toml::table& resolved, const Registry& registry, StudySpec& spec,
                std::vector<Diagnostic>& diagnostics) {
  const toml::table& t = *resolved["trial"].as_table();
  const toml::node& raw = *input.get("trial");
  const SourceLocation where = schema::location_of(raw);
  TrialSpec trial;
  trial.phase = static_cast<int>(t["phase"].value_or(std::int64_t{3}));
  trial.patients = static_cast<std::size_t>(t["patients"].value_or(std::int64_t{0}));
  trial.block_size = static_cast<unsigned>(t["block_size"].value_or(std::int64_t{0}));
  trial.accrual_per_month = t["accrual_per_month"].value_or(10.0);
  trial.dropout_per_month = schema::quantity(t, "dropout_per_month", "%") / 100.0;
  trial.endpoint = t["endpoint"].value_or(std::string());
  trial.threshold = t["threshold"].value_or(3.0);
  trial.horizon_days = schema::quantity(t, "horizon", "d");
  trial.assessment_days = schema::quantity(t, "assessment_interval", "d");
  trial.alpha = t["alpha"].value_or(0.05);
  trial.target_power = t["target_power"].value_or(0.8);
  trial.replicates = static_cast<std::size_t>(t["replicates"].value_or(std::int64_t{200}));
  for (const Arm& arm : spec.arms) trial.dlt_probability.push_back(arm.dlt_probability);
  if (trial.endpoint.empty()) schema::error(diagnostics, where, "trial.endpoint", "a trial needs an endpoint observation");
  const std::string allocation = t["allocation"].value_or(std::string());
  if (!allocation.empty()) {
    for (const auto& part : text::split(allocation, ':')) {
      char* end = nullptr;
      const long v = std::strtol(part.c_str(), &end, 10);
      if (part.empty() || *end != '\0' || v <= 0 || v > 1000) {
        schema::error(diagnostics, where, "trial.allocation",
                      fmt::format("'{}' is not a ratio of positive integers such as \"1:1\" or \"2:1\"", allocation));
        trial.allocation.clear();
        break;
      }
      trial.allocation.push_back(static_cast<unsigned>(v));
    }
    if (!trial.allocation.empty() && trial.allocation.size() != spec.arms.size())
      schema::error(diagnostics, where, "trial.allocation",
                    fmt::format("has {} parts for {} arms", trial.allocation.size(), spec.arms.size()));
  }
  if (trial.phase != 1 && trial.patients == 0)
    schema::error(diagnostics, where, "trial.patients", "a phase 2 or 3 trial needs patients > 0");
  if (trial.phase != 1 && spec.arms.size() < 2)
    schema::error(diagnostics, where, "trial", "a phase 2 or 3 trial needs a control arm and at least one more");
  const unsigned sum = trial.allocation.empty() || trial.phase == 2
                           ? static_cast<unsigned>(spec.arms.size())
                           : std::accumulate(trial.allocation.begin(), trial.allocation.end(), 0u);
  if (trial.block_size > 0 && sum > 0 && trial.block_size % sum != 0)
    schema::error(diagnostics, where, "trial.block_size",
                  fmt::format("{} is not a multiple of the allocation ratio's sum {}", trial.block_size, sum));
  // The endpoint must be an observation the arms produce: one the first arm's model can give.
  if (!trial.endpoint.empty() && !spec.arms.empty() && diagnostics.empty()) try {
      const auto model = Model::compile(load_scenario(spec.base_scenario, registry, spec.arms[0].overrides), registry);
      std::vector<std::string> names;
      for (const auto& o : observation_names(model)) names.push_back(o.name);
      if (std::find(names.begin(), names.end(), trial.endpoint) == names.end()) {
        std::string message = fmt::format("'{}' is not an observation of this scenario", trial.endpoint);
        if (auto s = text::did_you_mean(trial.endpoint, names)) message += fmt::format("; did you mean '{}'?", *s);
        schema::error(diagnostics, schema::location_of(*raw.as_table()->get("endpoint")), "trial.endpoint", message);
      }
    } catch (const std::exception&) {
      // the arm's own problems are reported with the arms
    }
  if (!diagnostics.empty()) return;
  std::vector<std::size_t> sizes(spec.arms.size(), 0);
  for (const std::size_t a : trial_assignment(trial, spec.arms.size(), spec.seed)) ++sizes[a];
  for (std::size_t a = 0; a < spec.arms.size(); ++a) spec.arms[a].subjects = sizes[a];
  spec.readouts = {trial.endpoint};  // a trial summarises its endpoint only
  spec.trial = trial;
}

/// The trial's outputs from the finished subjects: each subject's endpoint at the visits.
/// Under parameter uncertainty the trial is analysed once per parameter set, with the same
/// patients, enrolment and dropout (the design's draws come from the study seed): the usual tables
/// are those of draw 0, trial_draws.csv has every draw's results and trial.json their summary.
void write_trial(const StudySpec& spec, const std::vector<std::vector<SubjectRow>>& results, const std::filesystem::path& dir) {
  const std::size_t draws = spec.uncertainty.enabled() ? spec.uncertainty.draws : 1;
  std::vector<std::vector<std::vector<PatientCourse>>> courses(draws, std::vector<std::vector<PatientCourse>>(spec.arms.size()));
  for (auto& draw : courses)
    for (std::size_t a = 0; a < spec.arms.size(); ++a) draw[a].resize(spec.arms[a].subjects);
  for (const auto& rows : results)
    for (const SubjectRow& r : rows)
      if (r.readout == spec.trial->endpoint) {
        const std::size_t per_draw = spec.arms[r.arm].subjects;
        PatientCourse& c = courses.at(draw_of_subject(r.subject, per_draw)).at(r.arm).at(r.subject % per_draw);
        c.days.push_back(r.time_days);
        c.values.push_back(r.value);
      }
  std::vector<std::string> names;
  for (const Arm& arm : spec.arms) names.push_back(arm.name);
  std::vector<TrialOutputs> outs;
  for (const auto& draw : courses) outs.push_back(analyse_trial(*spec.trial, names, draw, spec.seed));
  std::string json = outs[0].json;
  if (spec.uncertainty.enabled()) {
    const TrialUncertainty u = summarise_trial_draws(*spec.trial, names, outs);
    io::write_file_atomically(dir / "trial_draws.csv", u.draws_csv);
    auto merged = nlohmann::ordered_json::parse(json);
    merged["uncertainty"] = nlohmann::ordered_json::parse(u.json);
    json = merged.dump(2) + "\n";
  }
  io::write_file_atomically(dir / "patients.csv", outs[0].patients_csv);
  io::write_file_atomically(dir / "km.csv", outs[0].km_csv);
  io::write_file_atomically(dir / "trial_summary.csv", outs[0].summary_csv);
  io::write_file_atomically(dir / "trial.json", json);
}

}  // namespace

std::vector<Variability> default_variability(const StudySpec& spec, const Registry& registry, const ParameterSet& resolved) {
  std::vector<Variability> out;
  if (!spec.default_variability) return out;
  for (const ParameterSpec& p : registry.parameters().all()) {
    if (p.varies.empty()) continue;
    const bool named = std::any_of(spec.variability.begin(), spec.variability.end(),
                                   [&](const Variability& v) { return v.parameter == p.varies; });
    const double cv = resolved.get(p.name);
    if (named || !(cv > 0)) continue;
    out.push_back({.parameter = p.varies, .distribution = Distribution::lognormal, .cv = cv, .cv_parameter = p.name});
  }
  return out;
}

std::uint64_t subject_seed(std::uint64_t study_seed, std::size_t arm, std::size_t subject) {
  const auto block = philox4x64_10({static_cast<std::uint64_t>(arm), static_cast<std::uint64_t>(subject), 0, 0},
                                   {study_seed, purpose_id("study.subject_seed")});
  return block[0] >> 1;  // keep it within a TOML integer
}

void apply_uncertainty(StudySpec& spec, std::size_t draws, const std::string& from, const Registry& registry) {
  if (draws == 0 && from.empty()) return;
  if (!from.empty()) {
    spec.uncertainty = load_uncertainty(from, registry, draws, spec.seed);
  } else if (spec.uncertainty.names.empty()) {
    throw InputError(SourceLocation{spec.path, 0, 0}, "--uncertainty",
                     "the study has no [uncertainty] table: say where the parameter sets come from with --uncertainty-from "
                     "FILE (a posterior.csv of `bungner calibrate`, or a TOML file with an [uncertainty] table)");
  } else {
    spec.uncertainty.draw(draws);
  }
  spec.sha256 = sha256_hex(fmt::format("{}\n--- uncertainty (command line) ---\n{} draws {} seed {}", spec.sha256,
                                       spec.uncertainty.sha256, spec.uncertainty.draws, spec.uncertainty.seed));
}

const schema::Field& study_file_schema() {
  static const schema::Field schema = study_schema();
  return schema;
}

StudySpec load_study(const std::string& path, const Registry& registry) {
  return load_study_text(read_text(path), path, registry);
}

StudySpec load_study_text(const std::string& text_content, const std::string& path, const Registry& registry) {
  toml::table input;
  try {
    input = toml::parse(text_content, path);
  } catch (const toml::parse_error& e) {
    throw InputError(SourceLocation{path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)}, "",
                     fmt::format("invalid TOML: {}", e.description()));
  }
  std::vector<Diagnostic> diagnostics;
  // Schema problems are collected with the arm and variability checks below and reported together;
  // those checks read the raw input defensively.
  const toml::table resolved = schema::validate(input, study_schema(), "", diagnostics);

  StudySpec spec;
  spec.path = path;
  spec.title = resolved["title"].value_or(std::string());
  spec.base_scenario =
      (std::filesystem::path(path).parent_path() / input["base"].value_or(std::string())).lexically_normal().string();
  spec.seed = static_cast<std::uint64_t>(resolved["seed"].value_or(std::int64_t{1}));
  spec.common_seeds = resolved["common_seeds"].value_or(false);
  spec.default_variability = resolved["default_variability"].value_or(true);
  if (const toml::table* u = input["uncertainty"].as_table()) {
    spec.uncertainty = read_uncertainty(*u, path, "uncertainty.", registry, spec.seed, diagnostics);
  }
  const auto default_subjects =
      static_cast<std::size_t>(std::max<std::int64_t>(1, resolved["subjects"].value_or(std::int64_t{8})));
  if (const toml::array* r = resolved["readouts"].as_array())
    for (const auto& item : *r) spec.readouts.push_back(*item.value<std::string>());
  const toml::array* arms = input["arms"].as_array();
  // A trial assesses its endpoint at every visit until the horizon: these overrides come first in
  // every arm, so that an arm's own set wins.
  std::vector<Override> trial_overrides;
  if (const toml::table* t = resolved["trial"].as_table(); t != nullptr && input.contains("trial")) {
    const double horizon = schema::quantity(*t, "horizon", "d"), step = schema::quantity(*t, "assessment_interval", "d");
    std::string times = "[";
    for (double day = step; day < horizon + 1e-9; day += step) times += fmt::format("\"{} d\", ", text::format_double(day));
    if (std::fmod(horizon, step) > 1e-9) times += fmt::format("\"{} d\", ", text::format_double(horizon));
    times += "]";
    trial_overrides = {{"simulation.duration", text::format_double(horizon) + " d"}, {"readouts.times", times}};
  }
  if (arms == nullptr || arms->empty())
    schema::error(diagnostics, SourceLocation{path, 1, 1}, "arms", "a study needs at least one [[arms]] table");
  // What the arms' scenarios can observe: summarised (readouts.include takes it) and left out.
  std::vector<ObservationName> given, left_out;
  for (std::size_t a = 0; arms != nullptr && a < arms->size(); ++a) {
    const toml::table* table = arms->get(a)->as_table();
    if (table == nullptr) continue;
    const toml::table& t = *table;
    Arm arm;
    arm.name = t["name"].value_or(fmt::format("arm {}", a));
    const auto n = t["subjects"].value<std::int64_t>().value_or(0);
    arm.subjects = n > 0 ? static_cast<std::size_t>(n) : default_subjects;
    arm.dlt_probability = t["dlt_probability"].value<double>().value_or(0.0);
    arm.overrides = trial_overrides;
    if (const toml::table* set = t["set"].as_table()) {
      std::function<void(const toml::table&, const std::string&)> flatten = [&](const toml::table& level,
                                                                                const std::string& prefix) {
        for (auto&& [k, v] : level) {
          const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
          if (const toml::table* sub = v.as_table())
            flatten(*sub, key);
          else
            arm.overrides.push_back({key, value_text(v)});
        }
      };
      flatten(*set, "");
    }
    for (const Arm& other : spec.arms)
      if (other.name == arm.name)
        schema::error(diagnostics, schema::location_of(t), fmt::format("arms[{}].name", a), "arm names must be unique");
    // Each arm's scenario must be valid on its own; report its problems at the arm's table.
    if (input["base"].is_string()) try {
        const auto model = Model::compile(load_scenario(spec.base_scenario, registry, arm.overrides), registry);
        for (auto& o : observation_names(model)) (model->includes_readout(o.readout) ? given : left_out).push_back(std::move(o));
      } catch (const InputError& e) {
        for (const auto& d : e.diagnostics())
          schema::error(diagnostics, schema::location_of(t), fmt::format("arms[{}] ({})", a, arm.name),
                        fmt::format("{}: {}", d.key, d.message));
      } catch (const ModelError& e) {
        schema::error(diagnostics, schema::location_of(t), fmt::format("arms[{}] ({})", a, arm.name), e.what());
      }
    spec.arms.push_back(std::move(arm));
  }
  const bool errors = std::any_of(diagnostics.begin(), diagnostics.end(),
                                  [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
  if (!errors && !input.contains("trial")) check_readouts(input, spec, given, left_out, registry, diagnostics);
  if (input.contains("trial")) read_trial(input, resolved, registry, spec, diagnostics);
  if (const toml::array* vars = input["variability"].as_array()) {
    const std::vector<std::string> names = registry.parameters().names();
    for (std::size_t v = 0; v < vars->size(); ++v) {
      const toml::table* table = vars->get(v)->as_table();
      if (table == nullptr || !(*table)["parameter"].is_string()) continue;  // reported by the schema
      const toml::table& t = *table;
      Variability var;
      var.parameter = *t["parameter"].value<std::string>();
      const std::string where = fmt::format("variability[{}]", v);
      const ParameterSpec* p = registry.parameters().find(var.parameter);
      if (p == nullptr) {
        std::string message = fmt::format("unknown parameter '{}'", var.parameter);
        if (auto s = text::did_you_mean(var.parameter, names)) message += fmt::format("; did you mean '{}'?", *s);
        schema::error(diagnostics, schema::location_of(*t.get("parameter")), where + ".parameter", message);
        continue;
      }
      var.distribution = parse_distribution(t["distribution"].value_or(std::string("lognormal")));
      try {
        var.cv = units::parse_as(t["cv"].value_or(std::string("0 %")), "%");
      } catch (const units::UnitError&) {
        // reported by the schema
      }
      if (var.distribution == Distribution::uniform) {
        try {
          var.low = units::from_si(units::parse_as(t["low"].value_or(std::string()), p->unit), p->unit);
          var.high = units::from_si(units::parse_as(t["high"].value_or(std::string()), p->unit), p->unit);
          if (!(var.low < var.high) || !p->hard.contains(var.low) || !p->hard.contains(var.high))
            schema::error(diagnostics, schema::location_of(t), where,
                          "uniform bounds must satisfy low < high within the hard range");
        } catch (const units::UnitError& e) {
          schema::error(diagnostics, schema::location_of(t), where, e.what());
        }
      }
      spec.variability.push_back(var);
    }
  }
  if (!diagnostics.empty()) throw InputError(diagnostics);
  spec.sha256 = sha256_hex(text_content + "\n--- base scenario ---\n" + read_text(spec.base_scenario));
  // The posterior a study draws from is part of what it is (the table only names its file).
  if (spec.uncertainty.enabled()) spec.sha256 = sha256_hex(spec.sha256 + "\n--- uncertainty ---\n" + spec.uncertainty.sha256);
  return spec;
}

std::vector<std::string> study_observations(const StudySpec& spec, const Registry& registry) {
  std::vector<std::string> observed;
  for (const Arm& arm : spec.arms) {
    const auto model = Model::compile(load_scenario(spec.base_scenario, registry, arm.overrides), registry);
    for (const auto& o : observation_names(model))
      if (model->includes_readout(o.readout) && wanted(spec, o.readout, o.name) &&
          std::find(observed.begin(), observed.end(), o.name) == observed.end())
        observed.push_back(o.name);
  }
  return observed;
}

std::string study_plan(const StudySpec& spec, const Registry& registry) {
  std::string out = fmt::format("study {}{}\n", spec.path, spec.title.empty() ? "" : ": " + spec.title);
  out += fmt::format("base scenario: {}\nseed: {}{}\n", spec.base_scenario, spec.seed,
                     spec.common_seeds ? " (common random numbers: subject s of every arm draws alike)" : "");
  std::size_t subjects = 0;
  for (const Arm& arm : spec.arms) subjects += subjects_run(spec, arm);
  out += fmt::format("arms: {}, {} subjects in all\n", spec.arms.size(), subjects);
  std::vector<std::string> observed;  // in first-seen order over the arms
  std::vector<std::string> times;
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    const Arm& arm = spec.arms[a];
    std::vector<std::string> set;
    for (const Override& o : arm.overrides) {
      std::string value;  // on one line: long TOML arrays come wrapped
      for (const char c : o.value)
        if (c == '\n')
          value += ' ';
        else if (!(c == ' ' && !value.empty() && value.back() == ' '))
          value += c;
      set.push_back(fmt::format("{} = {}", o.key, value));
    }
    out += fmt::format("  {}. {} ({} subjects){}\n", a + 1, arm.name, arm.subjects,
                       set.empty() ? ": the base scenario" : ": " + fmt::format("{}", fmt::join(set, "; ")));
    const auto model = Model::compile(load_scenario(spec.base_scenario, registry, arm.overrides), registry);
    std::vector<std::string> arm_times;
    for (const std::int64_t t : model->readout_times_s)
      arm_times.push_back(text::format_double(static_cast<double>(t) / seconds_per_day));
    if (a == 0)
      times = arm_times;
    else if (arm_times != times)
      out += fmt::format("     readouts at days {}\n", fmt::join(arm_times, ", "));
    for (const auto& o : observation_names(model))
      if (model->includes_readout(o.readout) && wanted(spec, o.readout, o.name) &&
          std::find(observed.begin(), observed.end(), o.name) == observed.end())
        observed.push_back(o.name);
  }
  for (const Variability& v : spec.variability) {
    const char* kind = v.distribution == Distribution::lognormal ? "lognormal"
                       : v.distribution == Distribution::normal  ? "normal"
                                                                 : "uniform";
    out += v.distribution == Distribution::uniform
               ? fmt::format("varied: {} uniform from {} to {}\n", v.parameter, text::format_double(v.low),
                             text::format_double(v.high))
               : fmt::format("varied: {} {}, CV {} %\n", v.parameter, kind, text::format_double(100 * v.cv));
  }
  if (spec.uncertainty.enabled()) {
    const Uncertainty& u = spec.uncertainty;
    out += fmt::format("parameter uncertainty: {} draws (seed {}), each arm's subjects run once per draw\n", u.draws, u.seed);
    std::size_t from_posteriors = 0;
    for (const Posterior& p : u.posteriors) {
      out += fmt::format("  from the posterior {} ({} particles): {}\n", p.path, p.particles.size(), fmt::join(p.names, ", "));
      from_posteriors += p.names.size();
    }
    for (std::size_t i = 0; i < u.priors.size(); ++i) {
      const calibration::Prior& p = u.priors[i];
      out += fmt::format("  {} from a prior on {}..{} {}\n", p.name, text::format_double(p.low), text::format_double(p.high),
                         u.units[from_posteriors + i]);
    }
  }
  if (spec.trial) out += fmt::format("trial: phase {}, endpoint {}\n", spec.trial->phase, spec.trial->endpoint);
  out += fmt::format("readouts at days {} (first arm), {} observations{}:\n", fmt::join(times, ", "), observed.size(),
                     spec.readouts.empty() ? " (all)" : "");
  for (const auto& name : observed) out += "  " + name + "\n";
  return out;
}

namespace {

/// Rank 0 checks the directory of a resumed study, or prepares a fresh one and writes study.json;
/// the other ranks wait for its verdict.
void start_directory(const StudySpec& spec, const Registry& registry, const StudyOptions& options) {
  const std::filesystem::path& dir = options.output_dir;
  const Cluster& cluster = options.cluster;
  std::exception_ptr setup_error;
  if (cluster.rank == 0) {
    try {
      if (options.resume) {
        std::ifstream in(dir / "study.json");
        if (!in) throw InputError(SourceLocation{(dir / "study.json").string(), 0, 0}, "--resume", "no study to resume here");
        const auto previous = nlohmann::json::parse(in, nullptr, false);
        if (previous.is_discarded() || previous.value("study_sha256", "") != spec.sha256)
          throw InputError(SourceLocation{(dir / "study.json").string(), 0, 0}, "--resume",
                           "the study or its base scenario changed since this directory was started; use --force to "
                           "start over");
        const auto shard = previous.value("shard", nlohmann::json::object());
        if (shard.value("index", std::size_t{0}) != options.shard || shard.value("count", std::size_t{1}) != options.shards)
          throw InputError(SourceLocation{(dir / "study.json").string(), 0, 0}, "--shard",
                           fmt::format("this directory holds shard {}/{} of the study; resume it with that --shard",
                                       shard.value("index", std::size_t{0}), shard.value("count", std::size_t{1})));
      } else {
        prepare_study_directory(dir, options.force);
        nlohmann::ordered_json study;
        study["bungner_version"] = build_info::version;
        study["git_commit"] = build_info::git_commit;
        study["study_file"] = spec.path;
        study["study_file_absolute"] = std::filesystem::absolute(spec.path).lexically_normal().string();
        study["title"] = spec.title;
        study["base_scenario"] = spec.base_scenario;
        // What the arms are, for the report: the base scenario resolved and each arm's overrides.
        const Scenario base = load_scenario(spec.base_scenario, registry, {});
        const auto base_model = Model::compile(base, registry);
        study["base_scenario_resolved"] = base.canonical_toml();
        study["base_scenario_warnings"] = nlohmann::ordered_json::array();
        for (const auto& w : base_model->warnings()) study["base_scenario_warnings"].push_back(format_diagnostic(w));
        study["arms"] = nlohmann::ordered_json::array();
        for (const Arm& arm : spec.arms) {
          nlohmann::ordered_json overrides = nlohmann::ordered_json::object();
          for (const Override& o : arm.overrides) overrides[o.key] = o.value;
          study["arms"].push_back({{"name", arm.name}, {"subjects", arm.subjects}, {"set", overrides}});
        }
        study["study_sha256"] = spec.sha256;
        study["seed"] = spec.seed;
        study["common_seeds"] = spec.common_seeds;
        // Between-subject variability: the study's own, then the declared CVs (as the base
        // scenario resolves them; an arm's overrides may change them).
        study["variability"] = nlohmann::ordered_json::array();
        for (const Variability& v : spec.variability)
          study["variability"].push_back({{"parameter", v.parameter}, {"cv", v.cv}, {"from", "study"}});
        for (const Variability& v : default_variability(spec, registry, base_model->parameters()))
          study["variability"].push_back({{"parameter", v.parameter}, {"cv", v.cv}, {"from", "declared"}});
        if (spec.uncertainty.enabled()) {
          const Uncertainty& u = spec.uncertainty;
          study["uncertainty"] = {
              {"draws", u.draws},      {"seed", u.seed},   {"posteriors", posterior_paths(u)},
              {"parameters", u.names}, {"units", u.units}, {"subject_to_draw", "draw = subject / subjects of the arm"}};
          std::string csv = "draw";
          for (const std::string& name : u.names) csv += "," + text::csv_field(name);
          csv += "\n";
          for (std::size_t k = 0; k < u.sets.size(); ++k) {
            csv += std::to_string(k);
            for (const double v : u.sets[k]) csv += "," + text::format_double(v);
            csv += "\n";
          }
          io::write_file_atomically(dir / "draws.csv", csv);
        }
        study["command_line"] = options.command_line;
        study["ranks"] = cluster.ranks;
        if (options.shards > 1) study["shard"] = {{"index", options.shard}, {"count", options.shards}};
        io::write_file_atomically(dir / "study.json", study.dump(2) + "\n");
      }
    } catch (...) {
      setup_error = std::current_exception();
    }
  }
  if (!cluster.all_ok(setup_error == nullptr)) {
    if (setup_error) std::rethrow_exception(setup_error);
    throw RuntimeFailure("rank 0 could not prepare the study directory");
  }
}

/// Runs this rank's subjects in parallel threads, each saved as soon as it is finished; reads back
/// the subjects an interrupted run (or, under several ranks, another rank) saved. Returns each
/// job's rows on rank 0 and nothing on the others.
std::vector<std::vector<SubjectRow>> execute(const StudySpec& spec, const Registry& registry, const StudyPlan& plan,
                                             const StudyOptions& options, StudyResult& result) {
  namespace fs = std::filesystem;
  const fs::path checkpoints = options.output_dir / "subjects";
  const Cluster& cluster = options.cluster;
  const bool resume = options.resume || cluster.ranks > 1;  // ranks > 0 see rank 0's fresh directory
  const std::vector<Job>& jobs = plan.jobs;
  std::vector<std::vector<SubjectRow>> results(jobs.size());
  std::vector<std::string> errors(jobs.size());
  std::vector<std::uint8_t> done(jobs.size(), 0);
  const std::size_t shards = std::max<std::size_t>(options.shards, 1);
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const fs::path file = checkpoints / (arm_file_stem(jobs[j].arm, jobs[j].subject) + ".csv");
    if (j % shards != options.shard) {
      done[j] = 3;  // another shard's subject: neither computed nor read here
    } else if (resume && fs::exists(file)) {
      results[j] = parse_checkpoint(file.string(), jobs[j].arm);
      done[j] = 1;
      ++result.resumed;
    } else if ((j / shards) % static_cast<std::size_t>(cluster.ranks) != static_cast<std::size_t>(cluster.rank)) {
      done[j] = 2;  // another rank's subject
    }
  }
  const auto to_compute = static_cast<std::size_t>(std::count(done.begin(), done.end(), 0));
  std::size_t finished = 0;
  std::mutex progress;
  // Under several ranks the progress (shown by rank 0) counts every rank's subjects: the
  // checkpoints in the shared directory, looked at no more than once a second.
  const bool across_ranks = cluster.ranks > 1;
  const std::size_t resumed_before = result.resumed;
  const auto all_to_compute =
      across_ranks ? to_compute + static_cast<std::size_t>(std::count(done.begin(), done.end(), 2)) : to_compute;
  std::size_t seen_across = 0;
  auto last_look = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const auto finished_across_ranks = [&] {
    if (std::chrono::steady_clock::now() - last_look < std::chrono::seconds(1)) return seen_across;
    last_look = std::chrono::steady_clock::now();
    std::size_t files = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(checkpoints, ec)) {
      const std::string name = entry.path().filename().string();
      files += name.size() > 4 && name.ends_with(".csv") && !io::is_partial_name(name) ? 1 : 0;
    }
    // Checkpoints of other shards (a shard on several ranks) are in other directories.
    seen_across = std::min(all_to_compute, files > resumed_before ? files - resumed_before : 0);
    return seen_across;
  };
  io::Progress bar("study", static_cast<double>(all_to_compute),
                   options.quiet || all_to_compute == 0 ? io::ProgressMode::none : options.progress, "subjects");
  const auto count = static_cast<std::int64_t>(jobs.size());
  // Subjects are independent: each writes only its own slot and its own checkpoint file.
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t k = 0; k < count; ++k) {
    const auto j = static_cast<std::size_t>(k);
    if (done[j]) continue;
    try {
      results[j] = run_subject(spec, registry, plan, jobs[j]);
      io::write_file_atomically(checkpoints / (arm_file_stem(jobs[j].arm, jobs[j].subject) + ".csv"), rows_csv(results[j], spec));
    } catch (const std::exception& e) {
      errors[j] = e.what();
    }
    const std::lock_guard lock(progress);
    ++finished;
    bar.update(static_cast<double>(across_ranks ? std::max(finished, finished_across_ranks()) : finished));
  }
  // Rank 0 may be done before the others: its bar then stops where the directory stood.
  if (!across_ranks) bar.finish();
  std::string first_error;
  for (std::size_t j = 0; j < jobs.size() && first_error.empty(); ++j)
    if (!errors[j].empty())
      first_error = fmt::format("arm '{}' subject {}: {}", spec.arms[jobs[j].arm].name, jobs[j].subject, errors[j]);
  if (!cluster.all_ok(first_error.empty()))
    throw RuntimeFailure(first_error.empty() ? "a subject failed on another rank" : first_error);
  if (across_ranks) bar.finish();  // every rank is done now
  result.computed = to_compute;
  if (shards > 1) return {};  // a shard's subjects are saved; gather_study writes the study
  if (cluster.ranks > 1) {
    // Every rank has saved its subjects; rank 0 reads the others' back and writes the outputs.
    if (cluster.rank != 0) return {};
    for (std::size_t j = 0; j < jobs.size(); ++j)
      if (done[j] == 2)
        results[j] =
            parse_checkpoint((checkpoints / (arm_file_stem(jobs[j].arm, jobs[j].subject) + ".csv")).string(), jobs[j].arm);
  }
  return results;
}

/// The study's tables: per arm, time and readout the summary; between arms the comparisons.
struct Analysis {
  std::string subjects_csv, summary_csv, comparisons_csv;
  nlohmann::ordered_json summary_json = nlohmann::ordered_json::array();
  nlohmann::ordered_json comparison_json = nlohmann::ordered_json::array();
};

Analysis analyse(const StudySpec& spec, const std::vector<std::vector<SubjectRow>>& results, const StudyResult& result) {
  Analysis out;
  std::string& subjects_csv = out.subjects_csv;
  std::string& summary_csv = out.summary_csv;
  std::string& comparisons_csv = out.comparisons_csv;
  nlohmann::ordered_json& summary_json = out.summary_json;
  nlohmann::ordered_json& comparison_json = out.comparison_json;
  // Per (time, readout): the arms' samples in arm order.
  std::map<std::pair<double, std::string>, std::vector<std::vector<double>>> samples;
  std::map<std::string, std::string> unit_of;
  // Under parameter uncertainty, per (time, readout), arm and draw: the sum and count of the
  // draw's subjects, whose means give the predictive interval of an arm's mean.
  const bool uncertain = spec.uncertainty.enabled();
  const std::size_t draws = uncertain ? spec.uncertainty.draws : 1;
  std::map<std::pair<double, std::string>, std::vector<std::vector<std::pair<double, std::size_t>>>> by_draw;
  for (const auto& r : result.rows) {
    auto& groups = samples[{r.time_days, r.readout}];
    groups.resize(spec.arms.size());
    groups[r.arm].push_back(r.value);
    unit_of[r.readout] = r.unit;
    if (uncertain) {
      auto& arms = by_draw[{r.time_days, r.readout}];
      arms.resize(spec.arms.size(), std::vector<std::pair<double, std::size_t>>(draws, {0.0, 0}));
      auto& [sum, count] = arms[r.arm][draw_of_subject(r.subject, spec.arms[r.arm].subjects)];
      sum += r.value;
      ++count;
    }
  }
  // Per draw, the mean of an arm (NaN where the draw has no subject with the readout).
  const auto draw_means = [&](const std::pair<double, std::string>& key, std::size_t arm) {
    std::vector<double> means;
    for (const auto& [sum, count] : by_draw.at(key)[arm])
      means.push_back(count > 0 ? sum / static_cast<double>(count) : std::nan(""));
    return means;
  };
  // calibration::quantile gives NaN for no values.
  const auto finite_quantile = [](std::vector<double> values, double p) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
    return calibration::quantile(std::move(values), p);
  };
  subjects_csv =
      uncertain ? "arm,subject,seed,time_days,readout,value,unit,draw\n" : "arm,subject,seed,time_days,readout,value,unit\n";
  for (const auto& r : results) {
    if (!uncertain) {
      subjects_csv += rows_csv(r, spec);
      continue;
    }
    for (const SubjectRow& row : r) {
      std::string line = rows_csv({row}, spec);
      line.pop_back();
      subjects_csv += fmt::format("{},{}\n", line, draw_of_subject(row.subject, spec.arms[row.arm].subjects));
    }
  }
  // Tukey's p values are most of the analysis (a double integral per pair): computed for every
  // (time, readout) in parallel, each into its own slot, before the tables are written in order.
  std::vector<const std::vector<std::vector<double>>*> keyed;
  for (const auto& entry : samples) keyed.push_back(&entry.second);
  std::vector<std::vector<TukeyComparison>> tukey_of(keyed.size());
  std::vector<std::exception_ptr> failed(keyed.size());
  const auto keys = static_cast<std::int64_t>(keyed.size());
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t k = 0; k < keys; ++k) {
    const auto i = static_cast<std::size_t>(k);
    std::vector<std::vector<double>> groups;
    for (const auto& g : *keyed[i])
      if (!g.empty()) groups.push_back(g);
    const bool testable = std::all_of(groups.begin(), groups.end(), [](const auto& g) { return g.size() >= 2; });
    if (groups.size() < 2 || !testable) continue;
    try {
      tukey_of[i] = tukey_hsd(groups, 0.95, false);  // the tables report p only
    } catch (...) {
      failed[i] = std::current_exception();
    }
  }
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  summary_csv = "arm,time_days,readout,unit,n,mean,sd,sem,ci_low,ci_high";
  summary_csv += uncertain ? ",draws,predictive_low,predictive_high,subject_low,subject_high\n" : "\n";
  comparisons_csv = "time_days,readout,arm_a,arm_b,mean_difference,welch_t,welch_df,welch_p,holm_p,hedges_g,tukey_p,anova_p";
  comparisons_csv += uncertain ? ",difference_low,difference_high,share_of_draws_a_greater\n" : "\n";
  std::size_t index = 0;
  for (const auto& [key, all_groups] : samples) {
    const auto& [time, readout] = key;
    const std::vector<TukeyComparison>& tukey = tukey_of[index++];
    // Arms that report this readout (a therapy's readouts exist only in the arms that have it);
    // the comparisons are among them.
    std::vector<std::size_t> arm_of;
    std::vector<std::vector<double>> groups;
    for (std::size_t a = 0; a < all_groups.size(); ++a)
      if (!all_groups[a].empty()) {
        arm_of.push_back(a);
        groups.push_back(all_groups[a]);
      }
    const std::string& unit = unit_of[readout];
    for (std::size_t a = 0; a < groups.size(); ++a) {
      const auto& g = groups[a];
      Summary s{.n = g.size(), .mean = mean(g)};
      if (g.size() >= 2)
        s = summarize(g);
      else
        s.sd = s.sem = s.ci_low = s.ci_high = std::nan("");
      summary_csv += fmt::format("{},{},{},{},{},{},{},{},{},{}", text::csv_field(spec.arms[arm_of[a]].name), number(time),
                                 text::csv_field(readout), text::csv_field(unit), s.n, number(s.mean), number(s.sd),
                                 number(s.sem), number(s.ci_low), number(s.ci_high));
      nlohmann::ordered_json predictive;
      if (!uncertain) {
        summary_csv += "\n";
      } else {
        // The 5-95 % predictive interval of the arm's mean over its subjects per draw (what an
        // experiment of that size would report), and of one more subject (the pooled values).
        const std::vector<double> means = draw_means(key, arm_of[a]);
        const double p_low = finite_quantile(means, 0.05), p_high = finite_quantile(means, 0.95);
        const double s_low = finite_quantile(g, 0.05), s_high = finite_quantile(g, 0.95);
        summary_csv += fmt::format(",{},{},{},{},{}\n", draws, number(p_low), number(p_high), number(s_low), number(s_high));
        predictive = {{"draws", draws},
                      {"predictive_low", json_number(p_low)},
                      {"predictive_high", json_number(p_high)},
                      {"subject_low", json_number(s_low)},
                      {"subject_high", json_number(s_high)}};
      }
      summary_json.push_back({{"arm", spec.arms[arm_of[a]].name},
                              {"time_days", time},
                              {"readout", readout},
                              {"unit", unit},
                              {"n", s.n},
                              {"mean", json_number(s.mean)},
                              {"sd", json_number(s.sd)},
                              {"sem", json_number(s.sem)},
                              {"ci_low", json_number(s.ci_low)},
                              {"ci_high", json_number(s.ci_high)}});
      if (uncertain) summary_json.back().update(predictive);
    }
    const std::size_t k = groups.size();
    if (k < 2) continue;
    const bool testable = std::all_of(groups.begin(), groups.end(), [](const auto& g) { return g.size() >= 2; });
    std::vector<double> welch_p;
    std::vector<WelchTTest> welch;
    std::vector<EffectSize> effect;
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = a + 1; b < k; ++b) {
        welch.push_back(testable ? welch_t_test(groups[a], groups[b]) : WelchTTest{});
        effect.push_back(testable ? hedges_g(groups[a], groups[b]) : EffectSize{});
        welch_p.push_back(std::isnan(welch.back().p) ? 1.0 : welch.back().p);
      }
    const std::vector<double> holm = holm_bonferroni(welch_p);
    const double anova_p = testable ? one_way_anova(groups).p : std::nan("");
    std::size_t pair = 0;
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = a + 1; b < k; ++b, ++pair) {
        const WelchTTest& w = welch[pair];
        const double tukey_p = testable ? tukey[pair].p : std::nan("");
        comparisons_csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", number(time), text::csv_field(readout),
                                       text::csv_field(spec.arms[arm_of[a]].name), text::csv_field(spec.arms[arm_of[b]].name),
                                       number(mean(groups[a]) - mean(groups[b])), number(w.t), number(w.df),
                                       number(testable ? w.p : std::nan("")), number(testable ? holm[pair] : std::nan("")),
                                       number(effect[pair].hedges_g), number(tukey_p), number(anova_p));
        // Under uncertainty the tests above pool the draws; what the parameter uncertainty leaves
        // of the difference is the spread of the per-draw differences of the arms' means.
        double d_low = std::nan(""), d_high = std::nan(""), share_greater = std::nan("");
        if (uncertain) {
          const std::vector<double> ma = draw_means(key, arm_of[a]), mb = draw_means(key, arm_of[b]);
          std::vector<double> differences;
          for (std::size_t d = 0; d < draws; ++d)
            if (std::isfinite(ma[d]) && std::isfinite(mb[d])) differences.push_back(ma[d] - mb[d]);
          d_low = finite_quantile(differences, 0.05);
          d_high = finite_quantile(differences, 0.95);
          if (!differences.empty())
            share_greater =
                static_cast<double>(std::count_if(differences.begin(), differences.end(), [](double d) { return d > 0; })) /
                static_cast<double>(differences.size());
          comparisons_csv += fmt::format(",{},{},{}", number(d_low), number(d_high), number(share_greater));
        }
        comparisons_csv += "\n";
        comparison_json.push_back({{"time_days", time},
                                   {"readout", readout},
                                   {"arm_a", spec.arms[arm_of[a]].name},
                                   {"arm_b", spec.arms[arm_of[b]].name},
                                   {"mean_difference", json_number(mean(groups[a]) - mean(groups[b]))},
                                   {"welch_t", json_number(w.t)},
                                   {"welch_df", json_number(w.df)},
                                   {"welch_p", json_number(testable ? w.p : std::nan(""))},
                                   {"holm_p", json_number(testable ? holm[pair] : std::nan(""))},
                                   {"hedges_g", json_number(effect[pair].hedges_g)},
                                   {"tukey_p", json_number(tukey_p)},
                                   {"anova_p", json_number(anova_p)}});
        if (uncertain) {
          comparison_json.back()["difference_low"] = json_number(d_low);
          comparison_json.back()["difference_high"] = json_number(d_high);
          comparison_json.back()["share_of_draws_a_greater"] = json_number(share_greater);
        }
      }
  }
  return out;
}

/// Writes subjects.csv, summary.csv, comparisons.csv, summary.json (and a trial's tables).
void write_outputs(const StudySpec& spec, const std::vector<std::vector<SubjectRow>>& results, const Analysis& analysis,
                   const std::filesystem::path& dir) {
  const std::string& subjects_csv = analysis.subjects_csv;
  const std::string& summary_csv = analysis.summary_csv;
  const std::string& comparisons_csv = analysis.comparisons_csv;
  const nlohmann::ordered_json& summary_json = analysis.summary_json;
  const nlohmann::ordered_json& comparison_json = analysis.comparison_json;
  nlohmann::ordered_json summary;
  summary["study"] = spec.title;
  summary["study_sha256"] = spec.sha256;
  summary["seed"] = spec.seed;
  nlohmann::ordered_json arms = nlohmann::ordered_json::array();
  for (const auto& a : spec.arms) arms.push_back({{"name", a.name}, {"subjects", a.subjects}});
  summary["arms"] = arms;
  if (spec.uncertainty.enabled())
    summary["uncertainty"] = {{"draws", spec.uncertainty.draws},
                              {"parameters", spec.uncertainty.names},
                              {"posteriors", posterior_paths(spec.uncertainty)}};
  summary["summary"] = summary_json;
  summary["comparisons"] = comparison_json;
  io::write_file_atomically(dir / "subjects.csv", subjects_csv);
  io::write_file_atomically(dir / "summary.csv", summary_csv);
  io::write_file_atomically(dir / "comparisons.csv", comparisons_csv);
  io::write_file_atomically(dir / "summary.json", summary.dump(2) + "\n");
  if (spec.trial) write_trial(spec, results, dir);
}

/// The study's outputs from every job's rows (in job order).
void finish(const StudySpec& spec, const std::vector<std::vector<SubjectRow>>& results, StudyResult& result,
            const std::filesystem::path& dir) {
  for (const auto& r : results) result.rows.insert(result.rows.end(), r.begin(), r.end());
  write_outputs(spec, results, analyse(spec, results, result), dir);
}

}  // namespace

StudyResult run_study(const StudySpec& spec, const Registry& registry, const StudyOptions& options) {
  start_directory(spec, registry, options);
  const StudyPlan study = plan(spec, registry);
  StudyResult result;
  const auto results = execute(spec, registry, study, options, result);
  if (options.cluster.rank != 0 || options.shards > 1) return result;
  finish(spec, results, result, options.output_dir);
  return result;
}

StudyResult gather_study(const StudySpec& spec, const Registry& registry, const std::vector<std::filesystem::path>& shard_dirs,
                         const StudyOptions& options) {
  namespace fs = std::filesystem;
  // Every shard of this study, once: read and check everything before writing anything.
  std::size_t count = 0;
  std::vector<fs::path> by_index;
  std::string commit;
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(options.output_dir, ec);
  for (const fs::path& dir : shard_dirs) {
    // The merged study must not be written into (or over) a shard it reads.
    const fs::path shard = fs::weakly_canonical(dir, ec);
    const auto inside = [](const fs::path& a, const fs::path& b) {  // a is b or below it
      const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
      return ib == b.end();
    };
    if (inside(out, shard) || inside(shard, out))
      throw InputError(SourceLocation{dir.string(), 0, 0}, "--out",
                       fmt::format("the merged study would be written into a shard's directory ({}); give another --out",
                                   options.output_dir.string()));
    const fs::path file = dir / "study.json";
    std::ifstream in(file);
    if (!in) throw InputError(SourceLocation{file.string(), 0, 0}, "gather", "no study here (study.json missing)");
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded()) throw InputError(SourceLocation{file.string(), 0, 0}, "gather", "study.json is not valid JSON");
    if (json.value("study_sha256", "") != spec.sha256)
      throw InputError(SourceLocation{file.string(), 0, 0}, "gather",
                       fmt::format("this directory holds another study, or {} or its base scenario changed since", spec.path));
    if (!json.contains("shard") || !json["shard"].is_object())
      throw InputError(SourceLocation{file.string(), 0, 0}, "gather", "not a shard (run with `study --shard K/N`)");
    // One build for the whole array: a binary rebuilt partway would mix two models.
    const std::string built = json.value("git_commit", "");
    if (commit.empty()) commit = built;
    if (built != commit)
      throw InputError(SourceLocation{file.string(), 0, 0}, "gather",
                       fmt::format("this shard was run by bungner {}, the others by {}", built, commit));
    const auto index = json["shard"].value("index", std::size_t{0});
    const auto shards = json["shard"].value("count", std::size_t{0});
    if (count == 0) {
      count = shards;
      by_index.assign(count, fs::path());
    } else if (shards != count) {
      throw InputError(SourceLocation{file.string(), 0, 0}, "gather",
                       fmt::format("shard of {} jobs, where the others are of {}", shards, count));
    }
    if (index >= count) throw InputError(SourceLocation{file.string(), 0, 0}, "gather", "shard index out of range");
    if (!by_index[index].empty())
      throw InputError(SourceLocation{file.string(), 0, 0}, "gather",
                       fmt::format("shard {} given twice (also {})", index, by_index[index].string()));
    by_index[index] = dir;
  }
  std::vector<std::string> missing;
  for (std::size_t k = 0; k < count; ++k)
    if (by_index[k].empty()) missing.push_back(fmt::format("{}/{}", k, count));
  if (count == 0 || !missing.empty())
    throw InputError(
        SourceLocation{}, "gather",
        count == 0 ? std::string("no shard directories given") : fmt::format("shards missing: {}", fmt::join(missing, ", ")));
  const StudyPlan study = plan(spec, registry);
  std::vector<fs::path> sources(study.jobs.size());
  std::vector<std::string> absent;
  for (std::size_t j = 0; j < study.jobs.size(); ++j) {
    const std::string name = arm_file_stem(study.jobs[j].arm, study.jobs[j].subject) + ".csv";
    sources[j] = by_index[j % count] / "subjects" / name;
    if (!fs::exists(sources[j]) && absent.size() < 5) absent.push_back(sources[j].string());
  }
  if (!absent.empty())
    throw InputError(SourceLocation{}, "gather",
                     fmt::format("a shard is unfinished (resume it with `study --shard K/N --resume DIR`); missing: {}",
                                 fmt::join(absent, ", ")));
  // Every checkpoint read before anything is written (a corrupt one stops the gather here); the
  // rows read are the study's, as a resumed study reads them back.
  std::vector<std::vector<SubjectRow>> results(study.jobs.size());
  for (std::size_t j = 0; j < study.jobs.size(); ++j) {
    try {
      results[j] = parse_checkpoint(sources[j].string(), study.jobs[j].arm);
    } catch (const RuntimeFailure& e) {
      throw InputError(SourceLocation{sources[j].string(), 0, 0}, "gather", e.what());
    }
  }
  // A fresh study directory holding every subject's checkpoint, then the outputs.
  StudyOptions merged = options;
  merged.resume = false;
  merged.shard = 0;
  merged.shards = 1;
  start_directory(spec, registry, merged);
  for (std::size_t j = 0; j < study.jobs.size(); ++j)
    io::write_file_atomically(options.output_dir / "subjects" / sources[j].filename(), read_text(sources[j].string()));
  StudyResult result;
  result.resumed = study.jobs.size();
  finish(spec, results, result, options.output_dir);
  return result;
}

}  // namespace bungner::study
