#include "bungner/calibration/calibrate.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "bungner/calibration/priors.hpp"
#include "bungner/core/random.hpp"
#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"
#include "bungner/scenario/schema.hpp"
#include "bungner/study/study.hpp"

namespace bungner::calibration {
namespace {

SourceLocation where(const std::string& file, const toml::node& node) {
  return {file, static_cast<int>(node.source().begin.line), static_cast<int>(node.source().begin.column)};
}

template <typename T>
std::optional<T> number(const toml::table& t, const std::string& name, const std::string& file, const std::string& key,
                        std::vector<Diagnostic>& problems) {
  const toml::node* node = t.get(name);
  if (node == nullptr) return std::nullopt;
  if constexpr (std::is_integral_v<T>) {
    if (const auto v = node->value<std::int64_t>(); v && *v >= 0) return static_cast<T>(*v);
    schema::error(problems, where(file, *node), key, "expected a non-negative integer");
  } else {
    if (const auto v = node->value<double>(); v && std::isfinite(*v)) return *v;
    schema::error(problems, where(file, *node), key, "expected a number");
  }
  return std::nullopt;
}

/// The study seed of one proposal's run of one case: a Philox hash of its key.
std::uint64_t proposal_seed(const ProposalKey& key, std::size_t case_index) {
  return philox4x64_10({key.generation, key.slot, key.attempt, case_index},
                       {key.seed, purpose_id("calibration.study_seed")})[0] >>
         1;
}

}  // namespace

namespace {

CalibrationSpec calibration_spec(const toml::table& t, const std::filesystem::path& path, const Registry& registry,
                                 const std::filesystem::path& default_cases, const std::filesystem::path& default_evidence) {
  const std::string file = path.string();
  std::vector<Diagnostic> problems;
  schema::check_keys(t, file, "", {"title", "seed", "particles", "alpha", "evidence", "cases", "stop", "parameters", "fit"},
                     problems);
  CalibrationSpec spec;
  spec.path = file;
  if (const auto* title = t["title"].as_string()) spec.title = title->get();
  const std::filesystem::path folder = path.parent_path();
  auto path_of = [&](const char* key, const std::filesystem::path& fallback) {
    if (const auto* s = t[key].as_string()) return (folder / s->get()).lexically_normal();
    if (t.contains(key)) schema::error(problems, where(file, *t.get(key)), key, "expected a path (a string)");
    return fallback;
  };
  spec.cases_dir = path_of("cases", default_cases);
  spec.evidence_csv = path_of("evidence", default_evidence);
  Options& o = spec.options;
  o.seed = number<std::uint64_t>(t, "seed", file, "seed", problems).value_or(1);
  o.particles = number<std::size_t>(t, "particles", file, "particles", problems).value_or(o.particles);
  o.alpha = number<double>(t, "alpha", file, "alpha", problems).value_or(o.alpha);
  if (o.particles < 2) schema::error(problems, where(file, *t.get("particles")), "particles", "at least 2 particles");
  if (!(o.alpha > 0 && o.alpha < 1)) schema::error(problems, where(file, *t.get("alpha")), "alpha", "alpha must lie in (0, 1)");
  if (const toml::node* stop = t.get("stop")) {
    if (const auto* s = stop->as_table()) {
      schema::check_keys(*s, file, "stop.", {"max_generations", "min_tolerance", "min_acceptance", "max_attempts"}, problems);
      o.max_generations =
          number<std::size_t>(*s, "max_generations", file, "stop.max_generations", problems).value_or(o.max_generations);
      o.min_tolerance = number<double>(*s, "min_tolerance", file, "stop.min_tolerance", problems).value_or(o.min_tolerance);
      o.min_acceptance = number<double>(*s, "min_acceptance", file, "stop.min_acceptance", problems).value_or(o.min_acceptance);
      o.max_attempts = number<std::size_t>(*s, "max_attempts", file, "stop.max_attempts", problems).value_or(o.max_attempts);
      if (o.max_generations < 1) schema::error(problems, where(file, *stop), "stop.max_generations", "at least 1");
      if (o.max_attempts < 1) schema::error(problems, where(file, *stop), "stop.max_attempts", "at least 1");
      if (!(o.min_tolerance >= 0)) schema::error(problems, where(file, *stop), "stop.min_tolerance", "must be at least 0");
      if (!(o.min_acceptance >= 0 && o.min_acceptance < 1))
        schema::error(problems, where(file, *stop), "stop.min_acceptance", "must lie in [0, 1)");
    } else {
      schema::error(problems, where(file, *stop), "stop", "expected a table");
    }
  }

  // Parameters and their priors.
  const auto* parameters = t["parameters"].as_array();
  if (parameters == nullptr || parameters->empty())
    schema::error(problems, SourceLocation{file, 1, 1}, "parameters", "missing: at least one [[parameters]] with a name");
  std::set<std::string> seen;
  for (std::size_t i = 0; parameters != nullptr && i < parameters->size(); ++i) {
    const std::string prefix = fmt::format("parameters.{}.", i);
    const auto* p = parameters->get(i)->as_table();
    if (p == nullptr) {
      schema::error(problems, where(file, *parameters->get(i)), prefix, "expected a table");
      continue;
    }
    const auto read = read_prior(*p, file, prefix, registry, problems);
    if (!read) continue;
    if (!seen.insert(read->prior.name).second)
      schema::error(problems, where(file, *p->get("name")), prefix + "name", "parameter '" + read->prior.name + "' named twice");
    spec.priors.push_back(read->prior);
    spec.units.push_back(read->unit);
  }

  // Fit entries: only entries of the fit split.
  std::vector<validation::EvidenceRow> evidence;
  try {
    evidence = validation::load_evidence(spec.evidence_csv);
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) problems.push_back(d);
  }
  std::vector<std::string> known;
  for (const auto& r : evidence) known.push_back(r.id), known.push_back(r.entry);
  const auto* fit = t["fit"].as_array();
  if (fit == nullptr || fit->empty())
    schema::error(problems, SourceLocation{file, 1, 1}, "fit", "missing: at least one [[fit]] entry");
  for (std::size_t i = 0; fit != nullptr && i < fit->size(); ++i) {
    const std::string prefix = fmt::format("fit.{}.", i);
    const auto* f = fit->get(i)->as_table();
    if (f == nullptr) {
      schema::error(problems, where(file, *fit->get(i)), prefix, "expected a table");
      continue;
    }
    schema::check_keys(*f, file, prefix, {"entry", "weight"}, problems);
    const auto* entry = (*f)["entry"].as_string();
    if (entry == nullptr) {
      schema::error(problems, where(file, *f), prefix + "entry", "missing: an evidence entry (E24) or row (E24.3)");
      continue;
    }
    FitEntry e;
    e.entry = entry->get();
    e.where = where(file, *entry);
    e.weight = number<double>(*f, "weight", file, prefix + "weight", problems).value_or(1);
    if (!(e.weight > 0))
      schema::error(problems, where(file, *f->get("weight")), prefix + "weight", "the weight must be positive");
    bool found = false, test = false;
    for (const auto& r : evidence)
      if (r.id == e.entry || r.entry == e.entry) found = true, test = test || r.test();
    if (!found && !evidence.empty()) {
      std::string message = "no evidence row or entry '" + e.entry + "' in " + spec.evidence_csv.string();
      if (const auto guess = text::did_you_mean(e.entry, known)) message += fmt::format("; did you mean '{}'?", *guess);
      schema::error(problems, e.where, prefix + "entry", message);
    } else if (test) {
      schema::error(problems, e.where, prefix + "entry",
                    e.entry + " is a test entry: no parameter may be fitted to it (docs/validation.md, the frozen test set)");
    }
    spec.fit.push_back(e);
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return spec;
}

}  // namespace

CalibrationSpec load_calibration_spec(const std::filesystem::path& path, const Registry& registry,
                                      const std::filesystem::path& default_cases, const std::filesystem::path& default_evidence) {
  return calibration_spec(schema::parse_file(path.string()), path, registry, default_cases, default_evidence);
}

CalibrationSpec load_calibration_spec_text(const std::string& text, const std::filesystem::path& path, const Registry& registry,
                                           const std::filesystem::path& default_cases,
                                           const std::filesystem::path& default_evidence) {
  toml::table t;
  try {
    t = toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    throw InputError(
        SourceLocation{path.string(), static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)}, "",
        std::string(e.description()));
  }
  return calibration_spec(t, path, registry, default_cases, default_evidence);
}

ValidationDistance::ValidationDistance(const CalibrationSpec& spec, const Registry& registry, std::filesystem::path work_dir)
    : registry_(&registry), units_(spec.units), work_dir_(std::move(work_dir)) {
  for (const Prior& p : spec.priors) names_.push_back(p.name);
  const auto evidence = validation::load_evidence(spec.evidence_csv);
  std::map<std::string, const validation::EvidenceRow*> by_id;
  std::set<std::string> ids;
  for (const auto& r : evidence) by_id[r.id] = &r, ids.insert(r.id);
  const std::vector<validation::Case> all = validation::load_cases(spec.cases_dir, ids);
  std::map<std::size_t, std::size_t> kept;  // index in `all` -> index in cases_
  std::vector<Diagnostic> problems;
  for (const FitEntry& f : spec.fit) {
    std::vector<DistanceTerm> terms;
    for (std::size_t c = 0; c < all.size(); ++c)
      for (const validation::Check& k : all[c].checks) {
        const validation::EvidenceRow& row = *by_id.at(k.evidence);
        if (row.id != f.entry && row.entry != f.entry) continue;
        if (k.criterion == validation::Criterion::greater_than || k.criterion == validation::Criterion::less_than) continue;
        DistanceTerm term;
        term.check = k;
        term.evidence = row.id;
        term.observed = std::isfinite(row.value) ? row.value : 0.5 * (row.low + row.high);
        if (const auto sd = validation::observed_sd(row))
          term.scale = *sd;
        else if (k.criterion == validation::Criterion::tolerance)
          term.scale = k.tolerance;
        else if (k.criterion == validation::Criterion::range)
          term.scale = 0.5 * (row.high - row.low);
        else
          continue;
        if (!(term.scale > 0) || !std::isfinite(term.observed)) continue;
        if (!kept.count(c)) kept[c] = kept.size();
        term.case_index = kept[c];
        terms.push_back(term);
      }
    if (terms.empty()) {
      schema::error(problems, f.where, "entry",
                    f.entry + " has no check in " + spec.cases_dir.string() +
                        " that compares a value with a spread, a tolerance or a range (orderings cannot be fitted)");
      continue;
    }
    for (DistanceTerm& term : terms) term.weight = f.weight / static_cast<double>(terms.size());
    terms_.insert(terms_.end(), terms.begin(), terms.end());
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  cases_.resize(kept.size());
  for (const auto& [index, slot] : kept) cases_[slot] = all[index];
  // Each study runs only the arms and readouts its terms read (a two-arm ratio needs both arms).
  for (std::size_t c = 0; c < cases_.size(); ++c) {
    study::StudySpec s = study::load_study(cases_[c].study, registry);
    std::set<std::string> arms, readouts;
    for (const DistanceTerm& term : terms_) {
      if (term.case_index != c) continue;
      arms.insert(term.check.arm.empty() ? s.arms.front().name : term.check.arm);
      if (!term.check.other_arm.empty()) arms.insert(term.check.other_arm);
      readouts.insert(term.check.readout);
    }
    std::vector<study::Arm> kept_arms;
    for (const study::Arm& arm : s.arms)
      if (arms.count(arm.name)) kept_arms.push_back(arm);
    if (!s.trial && !kept_arms.empty()) s.arms = kept_arms;
    s.readouts.assign(readouts.begin(), readouts.end());
    studies_.push_back(std::move(s));
  }
}

double ValidationDistance::operator()(const std::vector<double>& x, const ProposalKey& key) const {
  const std::filesystem::path dir = work_dir_ / fmt::format("g{}-s{}-a{}", key.generation, key.slot, key.attempt);
  struct RemoveAfter {
    std::filesystem::path dir;
    ~RemoveAfter() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove_after{dir};
  std::vector<Override> overrides;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const bool bare = units_[k] == "1" || units_[k].empty();
    overrides.push_back(Override{"parameters." + names_[k],
                                 bare ? fmt::format("\"{:.15g}\"", x[k]) : fmt::format("\"{:.15g} {}\"", x[k], units_[k])});
  }
  std::vector<double> contribution(terms_.size(), 0.0);
  for (std::size_t c = 0; c < cases_.size(); ++c) {
    study::StudySpec s = studies_[c];
    s.seed = proposal_seed(key, c);
    for (study::Arm& arm : s.arms) arm.overrides.insert(arm.overrides.end(), overrides.begin(), overrides.end());
    study::StudyOptions options;
    options.output_dir = dir / cases_[c].name;
    options.force = true;
    options.quiet = true;
    options.progress = io::ProgressMode::none;
    options.command_line = "bungner calibrate";
    const study::StudyResult result = study::run_study(s, *registry_, options);
    for (std::size_t i = 0; i < terms_.size(); ++i) {
      const DistanceTerm& term = terms_[i];
      if (term.case_index != c) continue;
      const double mean = validation::summarise(validation::check_values(cases_[c], s, result, term.check)).mean;
      if (!std::isfinite(mean)) return std::numeric_limits<double>::infinity();
      contribution[i] = term.weight * std::abs(mean - term.observed) / term.scale;
    }
  }
  double sum = 0;
  for (const double v : contribution) sum += v;
  return sum;
}

std::size_t ValidationDistance::subjects_per_evaluation() const {
  std::size_t n = 0;
  for (const study::StudySpec& s : studies_) {
    if (s.trial) {
      n += s.trial->patients;
      continue;
    }
    for (const study::Arm& arm : s.arms) n += arm.subjects;
  }
  return n;
}

std::string posterior_table(const Result& result, const std::vector<Prior>& priors, const std::vector<std::string>& units) {
  std::string out =
      fmt::format("{:<48} {:>12} {:>12} {:>12} {:>12} {:>12}  {}\n", "parameter", "mean", "sd", "5%", "median", "95%", "unit");
  for (std::size_t k = 0; k < priors.size(); ++k) {
    const Marginal m = marginal(result.posterior(), k);
    out += fmt::format("{:<48} {:>12.5g} {:>12.5g} {:>12.5g} {:>12.5g} {:>12.5g}  {}\n", priors[k].name, m.mean, m.sd, m.q05,
                       m.q50, m.q95, k < units.size() ? units[k] : "");
  }
  const Generation& g = result.posterior();
  out += fmt::format("{} generations, stopped by {}; last tolerance {:.4g}, acceptance {:.3g}, ESS {:.1f} of {}\n",
                     result.generations.size(), result.stop_reason, g.tolerance, g.acceptance_rate, g.ess, g.population.size());
  return out;
}

}  // namespace bungner::calibration
