#include "bungner/study/uncertainty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numeric>
#include <set>
#include <sstream>

#include "bungner/calibration/priors.hpp"
#include "bungner/core/random.hpp"
#include "bungner/core/sha256.hpp"
#include "bungner/core/text.hpp"
#include "bungner/scenario/schema.hpp"

namespace bungner::study {
namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

void Uncertainty::draw(std::size_t n) {
  draws = n;
  sets.assign(n, {});
  std::vector<std::vector<double>> cumulative;
  for (const Posterior& p : posteriors) {
    cumulative.emplace_back(p.weights.size());
    std::partial_sum(p.weights.begin(), p.weights.end(), cumulative.back().begin());
  }
  for (std::size_t k = 0; k < n; ++k) {
    RandomStream stream({seed, 0}, k, 0, purpose_id("study.uncertainty"));
    std::vector<double>& set = sets[k];
    for (std::size_t i = 0; i < posteriors.size(); ++i) {
      // Inverse transform on the cumulative weights; the last particle takes what rounding leaves.
      const std::vector<double>& c = cumulative[i];
      const double u = stream.uniform() * c.back();
      const auto at = std::upper_bound(c.begin(), c.end() - 1, u) - c.begin();
      const std::vector<double>& particle = posteriors[i].particles[static_cast<std::size_t>(at)];
      set.insert(set.end(), particle.begin(), particle.end());
    }
    for (const calibration::Prior& prior : priors) set.push_back(prior.to_x(prior.sample_z(stream)));
  }
}

void read_posterior(const std::filesystem::path& csv, const Registry& registry, Uncertainty& u,
                    std::vector<Diagnostic>& problems) {
  const std::string file = csv.string();
  std::ifstream probe(csv);
  if (!probe) {
    schema::error(problems, SourceLocation{file, 0, 0}, "posterior", "cannot open the posterior file");
    return;
  }
  const std::string content = read_all(csv);
  std::vector<text::CsvRecord> records;
  try {
    records = text::parse_csv(content, file);
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) problems.push_back(d);
    return;
  }
  if (records.size() < 2 || records[0].size() < 4 || records[0][0].text != "particle" || records[0][1].text != "weight" ||
      records[0][2].text != "distance") {
    schema::error(problems, SourceLocation{file, 1, 1}, "posterior",
                  "expected the posterior.csv of `bungner calibrate`: a header particle,weight,distance,<parameters>... and "
                  "at least one particle");
    return;
  }
  const std::size_t before = problems.size();
  Posterior posterior;
  posterior.path = file;
  std::vector<const ParameterSpec*> specs;
  for (std::size_t c = 3; c < records[0].size(); ++c) {
    const text::CsvField& f = records[0][c];
    const ParameterSpec* p = registry.parameters().find(f.text);
    if (p == nullptr) {
      std::string message = fmt::format("unknown parameter '{}'", f.text);
      if (const auto guess = text::did_you_mean(f.text, registry.parameters().names()))
        message += fmt::format("; did you mean '{}'?", *guess);
      schema::error(problems, SourceLocation{file, f.line, f.column}, "posterior", message);
      continue;
    }
    if (std::find(u.names.begin(), u.names.end(), p->name) != u.names.end() ||
        std::find(posterior.names.begin(), posterior.names.end(), p->name) != posterior.names.end()) {
      schema::error(problems, SourceLocation{file, f.line, f.column}, "posterior",
                    fmt::format("'{}' is named twice (here or by another posterior)", p->name));
      continue;
    }
    specs.push_back(p);
    posterior.names.push_back(p->name);
  }
  if (problems.size() > before) return;
  double total = 0;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const text::CsvRecord& record = records[r];
    if (record.size() != records[0].size()) {
      schema::error(problems, SourceLocation{file, record[0].line, 1}, "posterior",
                    fmt::format("{} fields where the header has {}", record.size(), records[0].size()));
      continue;
    }
    const auto weight = text::parse_double(record[1].text);
    if (!weight || !(*weight >= 0) || !std::isfinite(*weight)) {
      schema::error(problems, SourceLocation{file, record[1].line, record[1].column}, "weight", "expected a non-negative number");
      continue;
    }
    std::vector<double> values;
    for (std::size_t c = 3; c < record.size(); ++c) {
      const ParameterSpec& p = *specs[c - 3];
      const auto v = text::parse_double(record[c].text);
      if (!v || !p.hard.contains(*v)) {
        schema::error(problems, SourceLocation{file, record[c].line, record[c].column}, p.name,
                      fmt::format("expected a number in the hard range {}..{} {}", text::format_double(p.hard.low),
                                  text::format_double(p.hard.high), p.unit));
        continue;
      }
      values.push_back(*v);
    }
    posterior.particles.push_back(values);
    posterior.weights.push_back(*weight);
    total += *weight;
  }
  if (problems.size() > before) return;
  if (!(total > 0)) {
    schema::error(problems, SourceLocation{file, 2, 1}, "weight", "no particle has a positive weight");
    return;
  }
  for (double& w : posterior.weights) w /= total;
  for (const std::string& name : posterior.names)
    u.names.push_back(name), u.units.push_back(registry.parameters().find(name)->unit);
  u.posteriors.push_back(std::move(posterior));
  u.sha256 = sha256_hex(u.sha256 + "\n--- posterior ---\n" + content);
}

namespace {

/// `declared = ["glob", ...]`: every parameter a pattern matches that `named` does not hold yet,
/// restricted by `sources` and never a numerical setting (ParameterSpec::numerical), gets a prior over its declared plausible
/// range: uniform, or with `declared_prior = "log_uniform"` log-uniform where the range is positive (uniform where it reaches
/// zero).
void read_declared(const toml::table& table, const std::string& prefix, const Registry& registry, std::set<std::string>& named,
                   Uncertainty& u, std::vector<Diagnostic>& problems) {
  const toml::node* declared = table.get("declared");
  const std::string kind = table["declared_prior"].value_or(std::string("uniform"));
  if (kind != "uniform" && kind != "log_uniform")
    schema::error(problems, schema::location_of(*table.get("declared_prior")), prefix + "declared_prior",
                  "expected uniform or log_uniform");
  const std::string sources = table["sources"].value_or(std::string("any"));
  if (sources != "any" && sources != "assumption" && sources != "fitted")
    schema::error(problems, schema::location_of(*table.get("sources")), prefix + "sources",
                  "expected any, assumption (declared `assumption` and fitted to no entry) or fitted (taken from or "
                  "fitted to an evidence entry)");
  if (declared == nullptr) {
    for (const char* key : {"declared_prior", "sources"})
      if (const toml::node* n = table.get(key))
        schema::error(problems, schema::location_of(*n), prefix + key, "only used with declared = [...]");
    return;
  }
  const toml::array* patterns = declared->as_array();
  if (patterns == nullptr || patterns->empty() ||
      std::any_of(patterns->begin(), patterns->end(), [](const toml::node& n) { return !n.is_string(); })) {
    schema::error(problems, schema::location_of(*declared), prefix + "declared",
                  "expected a list of parameter names or shell patterns such as [\"<item>.*\"]");
    return;
  }
  const auto wanted = [&](const ParameterSpec& p) {
    const bool assumption = p.source.rfind("assumption", 0) == 0 && p.calibration.empty();
    return sources == "any" || (sources == "assumption" && assumption) || (sources == "fitted" && !p.calibration.empty());
  };
  for (const toml::node& item : *patterns) {
    const std::string pattern = item.as_string()->get();
    std::size_t matched = 0, of_other_sources = 0;
    for (const ParameterSpec& p : registry.parameters().all()) {
      if (!text::glob_match(pattern, p.name) || p.numerical) continue;
      if (!wanted(p)) {
        ++of_other_sources;
        continue;
      }
      ++matched;
      if (!named.insert(p.name).second) continue;  // a posterior or an explicit prior names it
      calibration::Prior prior;
      prior.name = p.name;
      prior.low = p.plausible.low;
      prior.high = p.plausible.high;
      prior.kind = kind == "log_uniform" && prior.low > 0 ? calibration::PriorKind::log_uniform : calibration::PriorKind::uniform;
      if (!std::isfinite(prior.low) || !std::isfinite(prior.high) || !(prior.low < prior.high)) {
        schema::error(
            problems, schema::location_of(item), prefix + "declared",
            fmt::format("'{}' has no finite plausible range to draw from; give it a [[{}parameters]] prior", p.name, prefix));
        continue;
      }
      u.priors.push_back(prior);
    }
    if (matched == 0 && of_other_sources > 0) {
      schema::error(problems, schema::location_of(item), prefix + "declared",
                    fmt::format("'{}' matches {} parameter(s), none of sources = \"{}\"", pattern, of_other_sources, sources));
    } else if (matched == 0) {
      std::string message = fmt::format("'{}' matches no parameter", pattern);
      if (const auto guess = text::did_you_mean(pattern, registry.parameters().names()))
        message += fmt::format("; did you mean '{}'?", *guess);
      schema::error(problems, schema::location_of(item), prefix + "declared", message + " (`bungner params` lists them)");
    }
  }
}

}  // namespace

Uncertainty read_uncertainty(const toml::table& table, const std::string& file, const std::string& prefix,
                             const Registry& registry, std::uint64_t default_seed, std::vector<Diagnostic>& problems) {
  schema::check_keys(table, file, prefix, {"draws", "seed", "posterior", "parameters", "declared", "declared_prior", "sources"},
                     problems);
  Uncertainty u;
  u.seed = default_seed;
  const toml::node* draws = table.get("draws");
  if (draws == nullptr) {
    schema::error(problems, schema::location_of(table), prefix + "draws", "missing: the number of parameter sets to draw");
  } else if (const auto n = draws->value<std::int64_t>(); n && *n >= 1 && *n <= 100000) {
    u.draws = static_cast<std::size_t>(*n);
  } else {
    schema::error(problems, schema::location_of(*draws), prefix + "draws", "expected an integer from 1 to 100000");
  }
  if (const toml::node* seed = table.get("seed")) {
    if (const auto s = seed->value<std::int64_t>(); s && *s >= 0)
      u.seed = static_cast<std::uint64_t>(*s);
    else
      schema::error(problems, schema::location_of(*seed), prefix + "seed", "expected a non-negative integer");
  }
  std::string text_of_table;
  {
    std::ostringstream out;
    out << table;
    text_of_table = out.str();
  }
  u.sha256 = sha256_hex(text_of_table);
  if (const toml::node* posterior = table.get("posterior")) {
    std::vector<const toml::node*> files;
    if (posterior->is_string()) files.push_back(posterior);
    if (const toml::array* list = posterior->as_array())
      for (const toml::node& item : *list) files.push_back(&item);
    if (files.empty() || std::any_of(files.begin(), files.end(), [](const toml::node* n) { return !n->is_string(); }))
      schema::error(problems, schema::location_of(*posterior), prefix + "posterior",
                    "expected a path or a list of paths (strings)");
    else
      for (const toml::node* node : files) {
        const std::filesystem::path path =
            (std::filesystem::path(file).parent_path() / node->as_string()->get()).lexically_normal();
        std::vector<Diagnostic> found;
        read_posterior(path, registry, u, found);
        for (Diagnostic& d : found) {
          if (d.where.line == 0)
            d.where = schema::location_of(*node), d.key = prefix + "posterior", d.message += ": " + path.string();
          problems.push_back(std::move(d));
        }
      }
  }
  std::set<std::string> named(u.names.begin(), u.names.end());
  if (const toml::node* parameters = table.get("parameters")) {
    const toml::array* list = parameters->as_array();
    if (list == nullptr)
      schema::error(problems, schema::location_of(*parameters), prefix + "parameters", "expected [[...parameters]] tables");
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
      const std::string item = fmt::format("{}parameters.{}.", prefix, i);
      const toml::table* p = list->get(i)->as_table();
      if (p == nullptr) {
        schema::error(problems, schema::location_of(*list->get(i)), item, "expected a table");
        continue;
      }
      if (const auto* name = (*p)["name"].as_string(); name != nullptr && !named.insert(name->get()).second) {
        schema::error(problems, schema::location_of(*name), item + "name",
                      fmt::format("'{}' is named twice (by the posterior or another table)", name->get()));
        continue;
      }
      const auto read = calibration::read_prior(*p, file, item, registry, problems);
      if (!read) continue;
      const ParameterSpec& declared = *registry.parameters().find(read->prior.name);
      if (!declared.hard.contains(read->prior.low) || !declared.hard.contains(read->prior.high)) {
        schema::error(problems, schema::location_of(*p), item + "prior",
                      fmt::format("the support {}..{} leaves the hard range {}..{} {}", text::format_double(read->prior.low),
                                  text::format_double(read->prior.high), text::format_double(declared.hard.low),
                                  text::format_double(declared.hard.high), declared.unit));
        continue;
      }
      u.priors.push_back(read->prior);
    }
  }
  read_declared(table, prefix, registry, named, u, problems);
  if (table.get("posterior") == nullptr && table.get("parameters") == nullptr && table.get("declared") == nullptr)
    schema::error(problems, schema::location_of(table), prefix + "parameters",
                  "no uncertain parameter: give a posterior (of `bungner calibrate`), [[" + prefix +
                      "parameters]] with priors, or declared = [\"pattern\", ...]");
  for (const calibration::Prior& p : u.priors)
    u.names.push_back(p.name), u.units.push_back(registry.parameters().find(p.name)->unit);
  if (u.draws > 0 && !u.names.empty()) u.draw(u.draws);
  return u;
}

Uncertainty load_uncertainty(const std::filesystem::path& path, const Registry& registry, std::size_t draws,
                             std::uint64_t default_seed) {
  std::vector<Diagnostic> problems;
  Uncertainty u;
  const std::string file = path.string();
  if (path.extension() == ".csv") {
    u.seed = default_seed;
    read_posterior(path, registry, u, problems);
    if (draws == 0 && problems.empty())
      schema::error(problems, SourceLocation{file, 0, 0}, "--uncertainty", "a posterior file needs the number of draws");
  } else {
    const toml::table t = schema::parse_file(file);
    schema::check_keys(t, file, "", {"uncertainty"}, problems);
    if (const toml::table* table = t["uncertainty"].as_table())
      u = read_uncertainty(*table, file, "uncertainty.", registry, default_seed, problems);
    else
      schema::error(problems, SourceLocation{file, 1, 1}, "uncertainty", "missing: an [uncertainty] table");
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  u.draw(draws > 0 ? draws : u.draws);
  return u;
}

}  // namespace bungner::study
