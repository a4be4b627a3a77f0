#include "bungner/validation/validation.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <sstream>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/core/sha256.hpp"
#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"
#include "bungner/io/atomic_file.hpp"
#include "bungner/study/statistics.hpp"
#include "bungner/study/study.hpp"

namespace bungner::validation {
namespace {

/// Splits one CSV line with RFC 4180 quoting (no embedded newlines in the evidence file).
double number_or_nan(const std::string& s) { return text::parse_double(s).value_or(std::numeric_limits<double>::quiet_NaN()); }

Diagnostic error_at(SourceLocation location, std::string key, std::string message) {
  Diagnostic d;
  d.where = std::move(location);
  d.key = std::move(key);
  d.message = std::move(message);
  return d;
}

SourceLocation where(const std::string& file, const toml::node& node) {
  return {file, static_cast<int>(node.source().begin.line), static_cast<int>(node.source().begin.column)};
}

double days_of(const toml::node& node, const std::string& file, const std::string& key, std::vector<Diagnostic>& problems) {
  if (const auto* s = node.as_string()) {
    try {
      return units::from_si(units::parse_as(s->get(), "d"), "d");
    } catch (const std::exception& e) {
      problems.push_back(error_at(where(file, node), key, e.what()));
      return 0;
    }
  }
  problems.push_back(error_at(where(file, node), key, "expected a time with its unit, e.g. \"14 d\""));
  return 0;
}

template <typename E>
E enum_of(const toml::node& node, const std::string& file, const std::string& key,
          const std::vector<std::pair<std::string, E>>& names, std::vector<Diagnostic>& problems) {
  std::vector<std::string> known;
  for (const auto& [name, value] : names) known.push_back(name);
  const auto* s = node.as_string();
  if (s)
    for (const auto& [name, value] : names)
      if (name == s->get()) return value;
  std::string message = "expected one of: " + fmt::format("{}", fmt::join(known, ", "));
  if (s)
    if (const auto guess = text::did_you_mean(s->get(), known)) message = fmt::format("did you mean '{}'?", *guess);
  problems.push_back(error_at(where(file, node), key, message));
  return names.front().second;
}

const std::vector<std::pair<std::string, Criterion>> criterion_names = {{"ci", Criterion::ci},
                                                                        {"range", Criterion::range},
                                                                        {"tolerance", Criterion::tolerance},
                                                                        {"at_most", Criterion::at_most},
                                                                        {"at_least", Criterion::at_least},
                                                                        {"greater_than", Criterion::greater_than},
                                                                        {"less_than", Criterion::less_than},
                                                                        {"spread", Criterion::spread}};
const std::vector<std::pair<std::string, Statistic>> statistic_names = {{"mean", Statistic::mean},
                                                                        {"slope", Statistic::slope},
                                                                        {"onset", Statistic::onset},
                                                                        {"peak_time", Statistic::peak_time},
                                                                        {"peak_value", Statistic::peak_value},
                                                                        {"time_below", Statistic::time_below},
                                                                        {"time_above", Statistic::time_above},
                                                                        {"share_at_least", Statistic::share_at_least}};

const std::vector<std::pair<std::string, Transform>> transform_names = {{"none", Transform::none},
                                                                        {"loss", Transform::loss},
                                                                        {"change", Transform::change},
                                                                        {"fold", Transform::fold},
                                                                        {"time_constant", Transform::time_constant}};

std::string criterion_name(Criterion c) {
  for (const auto& [name, value] : criterion_names)
    if (value == c) return name;
  return "?";
}

std::string statistic_name(Statistic c) {
  for (const auto& [name, value] : statistic_names)
    if (value == c) return name;
  return "?";
}

/// At most `n` bytes of `s`, not cutting a UTF-8 sequence.
std::string clip(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string fmt_num(double v) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.4g}", v);
}

/// Least-squares line y = a + b x.
std::pair<double, double> fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sx += x[i], sy += y[i], sxx += x[i] * x[i], sxy += x[i] * y[i];
  const double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return {(sy - b * sx) / n, b};
}

}  // namespace

std::optional<double> subject_statistic(const Check& k, const std::vector<double>& x, const std::vector<double>& y) {
  if (y.empty()) return std::nullopt;
  switch (k.statistic) {
    case Statistic::mean: return y.front();
    case Statistic::share_at_least: return y.front() >= k.threshold ? 100.0 : 0.0;
    case Statistic::slope:
    case Statistic::onset:
      if (x.size() >= 2) {
        const auto [a, b] = fit_line(x, y);
        return k.statistic == Statistic::slope ? b : -a / b;
      }
      return std::nullopt;
    case Statistic::peak_time:
    case Statistic::peak_value: {
      const auto i = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
      return k.statistic == Statistic::peak_time ? x[i] : y[i];
    }
    case Statistic::time_below:
    case Statistic::time_above:
      for (std::size_t i = 0; i < y.size(); ++i)
        if ((k.statistic == Statistic::time_below) == (y[i] < k.threshold)) return x[i];
      return std::nullopt;
  }
  return std::nullopt;
}

std::vector<EvidenceRow> load_evidence(const std::filesystem::path& csv) {
  std::ifstream in(csv, std::ios::binary);
  if (!in) throw InputError(SourceLocation{csv.string(), 0, 0}, "--evidence", "cannot open file");
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto records = text::parse_csv(content, csv.string());
  const auto header = records.empty() ? std::vector<std::string>() : text::field_texts(records[0]);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* required : {"id", "entry", "value", "low", "high", "spread", "spread_kind", "n", "split", "frozen"})
    if (!column.count(required)) throw InputError(SourceLocation{csv.string(), 1, 1}, required, "missing column");
  std::vector<EvidenceRow> rows;
  for (std::size_t k = 1; k < records.size(); ++k) {
    const int number = records[k].front().line;
    const auto f = text::field_texts(records[k]);
    if (f.size() != header.size())
      throw InputError(SourceLocation{csv.string(), number, 1}, "",
                       fmt::format("{} fields, the header has {}", f.size(), header.size()));
    auto get = [&](const char* name) { return column.count(name) ? f[column[name]] : std::string(); };
    EvidenceRow r;
    r.id = get("id"), r.entry = get("entry"), r.species = get("species"), r.model = get("model");
    r.condition = get("condition"), r.readout = get("readout"), r.timepoint = get("timepoint");
    r.value_text = get("value_text"), r.spread_kind = get("spread_kind"), r.unit = get("unit");
    r.source = get("source"), r.identifier = get("identifier"), r.confidence = get("confidence");
    r.value = number_or_nan(get("value")), r.low = number_or_nan(get("low")), r.high = number_or_nan(get("high"));
    r.spread = number_or_nan(get("spread"));
    const double n = number_or_nan(get("n"));
    r.n = std::isfinite(n) ? n : 0;
    r.split = get("split"), r.frozen = get("frozen");
    if (r.split != "fit" && r.split != "test")
      throw InputError(SourceLocation{csv.string(), number, 1}, "split",
                       fmt::format("row {}: split is '{}', expected 'fit' or 'test'", r.id, r.split));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::set<std::string> CalibrationRecord::fitted() const {
  std::set<std::string> out = presets;
  for (const auto& [name, entries] : parameters) out.insert(entries.begin(), entries.end());
  return out;
}

std::set<std::string> entries_in(const std::string& field) {
  std::set<std::string> out;
  // Every "E" followed by two or more digits (E01 ... E99, E100 ...), as the evidence base numbers
  // its entries; a row id's ".k" suffix is not part of the entry.
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i + 2 < field.size(); ++i) {
    if (field[i] != 'E' || !digit(field[i + 1]) || !digit(field[i + 2])) continue;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(field[i - 1])) || field[i - 1] == '_')) continue;
    std::size_t j = i + 1;
    while (j < field.size() && digit(field[j])) ++j;
    out.insert(field.substr(i, j - i));
    i = j - 1;
  }
  return out;
}

CalibrationRecord load_calibration(const std::filesystem::path& path) {
  const std::string file = path.string();
  const toml::table t = schema::parse_file(file);
  std::vector<Diagnostic> problems;
  schema::check_keys(t, file, "", {"parameters", "presets", "unfitted", "joint"}, problems);
  auto strings = [&](const toml::node* node, const std::string& key) {
    std::set<std::string> out;
    const auto* array = node ? node->as_array() : nullptr;
    if (!array) {
      problems.push_back(
          error_at(node ? where(file, *node) : SourceLocation{file, 1, 1}, key, "expected an array of evidence entries"));
      return out;
    }
    for (const auto& item : *array) {
      if (const auto* s = item.as_string())
        out.insert(s->get());
      else
        problems.push_back(error_at(where(file, item), key, "expected a string"));
    }
    return out;
  };
  CalibrationRecord record;
  if (const auto* params = t["parameters"].as_table())
    for (const auto& [name, value] : *params)
      record.parameters[std::string(name.str())] = strings(&value, "parameters." + std::string(name.str()));
  record.presets = strings(t.get("presets"), "presets");
  record.unfitted = strings(t.get("unfitted"), "unfitted");
  if (const auto* joint = t["joint"].as_table())
    for (const auto& [name, value] : *joint) {
      const std::string key = "joint." + std::string(name.str());
      CalibrationRecord::Joint j;
      j.file = std::string(name.str());
      const auto* table = value.as_table();
      if (table == nullptr) {
        problems.push_back(error_at(where(file, value), key, "expected a table (posterior, parameters, entries)"));
        continue;
      }
      schema::check_keys(*table, file, key + ".", {"posterior", "parameters", "entries"}, problems);
      j.posterior = (*table)["posterior"].value_or(std::string());
      if (j.posterior.empty())
        problems.push_back(error_at(where(file, value), key + ".posterior", "missing: the posterior file"));
      for (const std::string& p : strings(table->get("parameters"), key + ".parameters")) j.parameters.push_back(p);
      j.entries = strings(table->get("entries"), key + ".entries");
      record.joint.push_back(std::move(j));
    }
  if (!problems.empty()) throw InputError(problems);
  return record;
}

std::set<std::string> preset_entries(const std::filesystem::path& dir) {
  std::set<std::string> out;
  std::function<void(const toml::node&)> visit = [&](const toml::node& node) {
    if (const auto* t = node.as_table()) {
      for (const auto& [key, value] : *t) {
        if (key.str() == "source" && value.is_string()) {
          const auto e = entries_in(value.as_string()->get());
          out.insert(e.begin(), e.end());
        } else
          visit(value);
      }
    } else if (const auto* a = node.as_array())
      for (const auto& item : *a) visit(item);
  };
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    if (f.path().extension() != ".toml") continue;
    visit(schema::parse_file(f.path().string()));
  }
  if (ec) throw InputError(SourceLocation{dir.string(), 0, 0}, "", "cannot read directory: " + ec.message());
  return out;
}

std::vector<std::string> calibration_disagreements(const CalibrationRecord& record, const Registry& registry,
                                                   const std::set<std::string>& presets,
                                                   const std::vector<EvidenceRow>& evidence) {
  std::vector<std::string> out;
  if (presets != record.presets)
    out.push_back(fmt::format("the presets' sources name {}, the record's presets are {}", fmt::join(presets, ", "),
                              fmt::join(record.presets, ", ")));
  std::set<std::string> declared;
  for (const auto& spec : registry.parameters().all()) {
    const auto entries = entries_in(spec.calibration);
    if (entries.empty()) continue;
    declared.insert(spec.name);
    const auto it = record.parameters.find(spec.name);
    if (it == record.parameters.end())
      out.push_back(fmt::format("parameter {} is calibrated to {} in the registry but missing from the record", spec.name,
                                fmt::join(entries, ", ")));
    else if (it->second != entries)
      out.push_back(fmt::format("parameter {}: registry says {}, the record says {}", spec.name, fmt::join(entries, ", "),
                                fmt::join(it->second, ", ")));
  }
  for (const auto& [name, entries] : record.parameters)
    if (!declared.count(name)) out.push_back(fmt::format("the record lists {}, which the registry does not calibrate", name));
  std::set<std::string> all;
  for (const auto& r : evidence) all.insert(r.entry);
  const auto fitted = record.fitted();
  for (const auto& e : all) {
    if (fitted.count(e) && record.unfitted.count(e)) out.push_back(e + " is listed both as fitted and as unfitted");
    if (!fitted.count(e) && !record.unfitted.count(e)) out.push_back(e + " is listed neither as fitted nor as unfitted");
  }
  for (const auto& e : fitted)
    if (!all.count(e)) out.push_back(e + " is not in the evidence base");
  std::set<std::string> tests;
  for (const auto& r : evidence)
    if (r.test()) tests.insert(r.entry);
  for (const auto& e : fitted)
    if (tests.count(e))
      out.push_back(e + " is a test entry: the calibration record may name only fit entries (docs/validation.md)");
  for (const auto& e : record.unfitted)
    if (!all.count(e)) out.push_back(e + " is not in the evidence base");
  return out;
}

Case load_case(const std::filesystem::path& path, const std::set<std::string>& evidence_ids) {
  const std::string file = path.string();
  const toml::table t = schema::parse_file(file);
  std::vector<Diagnostic> problems;
  schema::check_keys(t, file, "", {"study", "checks"}, problems);
  Case c;
  c.path = file;
  c.name = path.stem().string();
  if (const auto* s = t["study"].as_string())
    c.study = (path.parent_path() / s->get()).lexically_normal().string();
  else
    problems.push_back(error_at(SourceLocation{file, 1, 1}, "study", "missing: the study file this case runs"));
  const auto* checks = t["checks"].as_array();
  if (!checks || checks->empty())
    problems.push_back(error_at(SourceLocation{file, 1, 1}, "checks", "missing: at least one [[checks]]"));
  std::vector<std::string> ids(evidence_ids.begin(), evidence_ids.end());
  for (std::size_t i = 0; checks && i < checks->size(); ++i) {
    const auto* table = checks->get(i)->as_table();
    const std::string prefix = fmt::format("checks.{}.", i);
    if (!table) {
      problems.push_back(error_at(where(file, *checks->get(i)), prefix, "expected a table"));
      continue;
    }
    schema::check_keys(*table, file, prefix,
                       {"evidence", "readout", "arm", "time", "from", "to", "statistic", "transform", "criterion", "tolerance",
                        "bound", "other_arm", "other_time", "scale", "threshold", "floor", "note"},
                       problems);
    Check k;
    const toml::table& ct = *table;
    if (const auto* e = ct["evidence"].as_string()) {
      k.evidence = e->get();
      if (!evidence_ids.count(k.evidence)) {
        std::string message = "not in the evidence base";
        if (const auto guess = text::did_you_mean(k.evidence, ids)) message += fmt::format(" (did you mean '{}'?)", *guess);
        problems.push_back(error_at(where(file, *e), prefix + "evidence", message));
      }
    } else
      problems.push_back(error_at(where(file, ct), prefix + "evidence", "missing"));
    if (const auto* r = ct["readout"].as_string())
      k.readout = r->get();
    else
      problems.push_back(error_at(where(file, ct), prefix + "readout", "missing"));
    if (const auto* a = ct["arm"].as_string()) k.arm = a->get();
    if (const auto* a = ct["other_arm"].as_string()) k.other_arm = a->get();
    if (const auto* a = ct["note"].as_string()) k.note = a->get();
    if (const auto* n = ct.get("other_time")) k.other_time_days = days_of(*n, file, prefix + "other_time", problems);
    if (const auto* n = ct.get("statistic")) k.statistic = enum_of(*n, file, prefix + "statistic", statistic_names, problems);
    if (const auto* n = ct.get("criterion")) k.criterion = enum_of(*n, file, prefix + "criterion", criterion_names, problems);
    if (const auto* n = ct.get("transform")) k.transform = enum_of(*n, file, prefix + "transform", transform_names, problems);
    if (k.statistic == Statistic::mean || k.statistic == Statistic::share_at_least) {
      if (const auto* n = ct.get("time"))
        k.time_days = days_of(*n, file, prefix + "time", problems);
      else
        problems.push_back(error_at(where(file, ct), prefix + "time", "missing"));
    } else {
      const auto* from = ct.get("from");
      const auto* to = ct.get("to");
      if (!from || !to)
        problems.push_back(error_at(where(file, ct), prefix + "from", "slope and onset need 'from' and 'to'"));
      else
        k.from_days = days_of(*from, file, prefix + "from", problems), k.to_days = days_of(*to, file, prefix + "to", problems);
    }
    if (const auto* n = ct.get("tolerance")) {
      if (auto v = n->value<double>())
        k.tolerance = *v;
      else
        problems.push_back(error_at(where(file, *n), prefix + "tolerance", "expected a number"));
    } else if (k.criterion == Criterion::tolerance)
      problems.push_back(error_at(where(file, ct), prefix + "tolerance", "the tolerance criterion needs one"));
    if (const auto* n = ct.get("scale")) {
      if (auto v = n->value<double>())
        k.scale = *v;
      else
        problems.push_back(error_at(where(file, *n), prefix + "scale", "expected a number"));
    }
    if (const auto* n = ct.get("threshold")) {
      if (auto v = n->value<double>())
        k.threshold = *v;
      else
        problems.push_back(error_at(where(file, *n), prefix + "threshold", "expected a number"));
    } else if (k.statistic == Statistic::time_below || k.statistic == Statistic::time_above ||
               k.statistic == Statistic::share_at_least)
      problems.push_back(
          error_at(where(file, ct), prefix + "threshold", "time_below, time_above and share_at_least need a threshold"));
    if (const auto* n = ct.get("bound")) {
      if (auto v = n->value<double>())
        k.bound = *v;
      else
        problems.push_back(error_at(where(file, *n), prefix + "bound", "expected a number"));
    }
    const bool ordering = k.criterion == Criterion::greater_than || k.criterion == Criterion::less_than;
    if (ordering && k.other_arm.empty())
      problems.push_back(error_at(where(file, ct), prefix + "other_arm", "orderings need the other arm"));
    const bool relative =
        k.transform == Transform::change || k.transform == Transform::fold || k.transform == Transform::time_constant;
    if (relative && (k.other_arm.empty() || ordering))
      problems.push_back(error_at(where(file, *ct.get("transform")), prefix + "transform",
                                  "change, fold and time_constant relate the arm to 'other_arm' and need an interval criterion"));
    if (const auto* n = ct.get("floor")) {
      const auto v = n->value<double>();
      if (v && *v >= 0 && *v < 1)
        k.floor = *v;
      else
        problems.push_back(error_at(where(file, *n), prefix + "floor", "expected a fraction in [0, 1)"));
    }
    if (k.transform == Transform::time_constant && (k.statistic != Statistic::mean || !k.other_time_days))
      problems.push_back(error_at(where(file, *ct.get("transform")), prefix + "transform",
                                  "time_constant needs statistic = \"mean\" and 'other_time' (the delay is time - other_time)"));
    c.checks.push_back(std::move(k));
  }
  if (!problems.empty()) throw InputError(problems);
  return c;
}

void check_case_names(const Case& c, const study::StudySpec& spec, const std::vector<std::string>& observations) {
  const toml::table t = schema::parse_file(c.path);
  const toml::array* checks = t["checks"].as_array();
  std::vector<std::string> arms;
  for (const auto& a : spec.arms) arms.push_back(a.name);
  std::vector<Diagnostic> problems;
  for (std::size_t i = 0; checks != nullptr && i < checks->size() && i < c.checks.size(); ++i) {
    const toml::table* table = checks->get(i)->as_table();
    if (table == nullptr) continue;
    const std::string prefix = fmt::format("checks.{}.", i);
    const auto at = [&](const char* key) { return table->get(key) ? where(c.path, *table->get(key)) : where(c.path, *table); };
    const Check& k = c.checks[i];
    if (std::find(observations.begin(), observations.end(), k.readout) == observations.end()) {
      std::string message = fmt::format("the study {} summarises no observation '{}'", spec.path, k.readout);
      if (const auto guess = text::did_you_mean(k.readout, observations)) message += fmt::format("; did you mean '{}'?", *guess);
      problems.push_back(error_at(at("readout"), prefix + "readout", message));
    }
    for (const auto& [key, arm] : {std::pair{"arm", k.arm}, std::pair{"other_arm", k.other_arm}}) {
      if (arm.empty() || std::find(arms.begin(), arms.end(), arm) != arms.end()) continue;
      std::string message = fmt::format("the study {} has no arm '{}'", spec.path, arm);
      if (const auto guess = text::did_you_mean(arm, arms)) message += fmt::format("; did you mean '{}'?", *guess);
      problems.push_back(error_at(at(key), prefix + key, message));
    }
  }
  if (!problems.empty()) throw InputError(problems);
}

std::vector<Case> load_cases(const std::filesystem::path& dir, const std::set<std::string>& evidence_ids) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec))
    if (f.path().extension() == ".toml") files.push_back(f.path());
  if (ec) throw InputError(SourceLocation{dir.string(), 0, 0}, "--cases", "cannot read directory: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  std::vector<Diagnostic> problems;
  for (const auto& f : files) {
    try {
      cases.push_back(load_case(f, evidence_ids));
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!problems.empty()) throw InputError(problems);
  return cases;
}

Summary summarise(const std::vector<double>& values) {
  Summary s;
  s.n = values.size();
  if (values.empty()) {
    s.mean = s.sd = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.mean = study::mean(values);
  s.sd = values.size() > 1 ? study::standard_deviation(values) : 0.0;
  return s;
}

std::optional<double> observed_sd(const EvidenceRow& row) {
  if (!std::isfinite(row.spread) || row.spread < 0) return std::nullopt;
  if (row.spread_kind == "SD") return row.spread;
  if ((row.spread_kind == "SE" || row.spread_kind == "SEM") && row.n >= 2) return row.spread * std::sqrt(row.n);
  return std::nullopt;
}

Interval observed_interval(const EvidenceRow& row, const Check& check) {
  auto fail = [&](const std::string& why) {
    return InputError(SourceLocation{row.id, 0, 0}, criterion_name(check.criterion), why);
  };
  switch (check.criterion) {
    case Criterion::ci: {
      if (!std::isfinite(row.value) || !std::isfinite(row.spread)) throw fail("needs a value and a spread");
      double se = row.spread;
      if (row.spread_kind == "SD") {
        if (row.n < 2) throw fail("an SD needs n to give a CI of the mean");
        se = row.spread / std::sqrt(row.n);
      } else if (row.spread_kind != "SE" && row.spread_kind != "SEM" && row.spread_kind != "as reported")
        throw fail("the spread is a " + row.spread_kind + ", not an SD or SE");
      const double t = row.n >= 2 ? study::student_t_quantile(0.975, row.n - 1) : 1.959963984540054;
      return {row.value - t * se, row.value + t * se};
    }
    case Criterion::spread: {
      if (!std::isfinite(row.value)) throw fail("needs a value");
      const auto sd = observed_sd(row);
      if (!sd) throw fail("needs an SD, or an SE/SEM with n (the spread is '" + row.spread_kind + "')");
      return {row.value - *sd, row.value + *sd};
    }
    case Criterion::range:
      if (!std::isfinite(row.low) || !std::isfinite(row.high)) throw fail("the evidence gives no range");
      return {row.low, row.high};
    case Criterion::tolerance:
      if (!std::isfinite(row.value)) throw fail("the evidence gives no value");
      return {row.value - check.tolerance, row.value + check.tolerance};
    case Criterion::at_most: {
      const double b = check.bound.value_or(row.value);
      if (!std::isfinite(b)) throw fail("needs a bound");
      return {-std::numeric_limits<double>::infinity(), b};
    }
    case Criterion::at_least: {
      const double b = check.bound.value_or(row.value);
      if (!std::isfinite(b)) throw fail("needs a bound");
      return {b, std::numeric_limits<double>::infinity()};
    }
    case Criterion::greater_than:
    case Criterion::less_than: break;
  }
  return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
}

double relate(Transform t, double x, double r) {
  switch (t) {
    case Transform::change: return 100 * (x / r - 1);
    case Transform::fold: return x / r;
    case Transform::none:
    case Transform::loss:
    case Transform::time_constant: break;
  }
  return 100 * x / r;
}

double decline_time_constant(double x, double r, double delay_days, double floor) {
  const double q = (x / r - floor) / (1 - floor);
  if (!(q < 1)) return std::numeric_limits<double>::infinity();
  if (q <= 0) return 0;
  return -delay_days / std::log(q);
}

bool passes(const EvidenceRow& row, const Check& check, const Summary& simulated, const Summary& other) {
  if (simulated.n == 0 || !std::isfinite(simulated.mean)) return false;
  if (check.criterion == Criterion::greater_than) return other.n > 0 && simulated.mean > other.mean;
  if (check.criterion == Criterion::less_than) return other.n > 0 && simulated.mean < other.mean;
  Interval i = observed_interval(row, check);
  if (check.criterion == Criterion::ci && simulated.n >= 2 && simulated.sd > 0) {
    // Both means are estimates: the difference's 95 % interval combines the observed SE with the
    // simulated mean's SE (simulated subjects now differ; docs/validation.md).
    const double half = (i.high - i.low) / 2;
    const double t = row.n >= 2 ? study::student_t_quantile(0.975, row.n - 1) : 1.959963984540054;
    const double se_observed = half / t;
    const double se_simulated = simulated.sd / std::sqrt(static_cast<double>(simulated.n));
    const double widened = t * std::sqrt(se_observed * se_observed + se_simulated * se_simulated);
    i = {row.value - widened, row.value + widened};
  }
  return simulated.mean >= i.low && simulated.mean <= i.high;
}

bool spread_agrees(double simulated_sd, std::size_t simulated_n, double observed_sd, double factor) {
  if (simulated_n < 2 || !std::isfinite(simulated_sd) || !(observed_sd > 0)) return false;
  return simulated_sd >= observed_sd / factor && simulated_sd <= observed_sd * factor;
}

bool checks_spread(const EvidenceRow& row, const Check& check) {
  const bool ordering = check.criterion == Criterion::greater_than || check.criterion == Criterion::less_than;
  return !ordering && check.other_arm.empty() && check.statistic != Statistic::share_at_least && observed_sd(row).has_value();
}

study::StudySpec case_study(const Case& c, const std::vector<const Check*>& checks,
                            const std::map<std::string, const EvidenceRow*>& rows, const Registry& registry) {
  study::StudySpec spec = study::load_study(c.study, registry);
  if (std::any_of(checks.begin(), checks.end(), [&](const Check* k) { return checks_spread(*rows.at(k->evidence), *k); }))
    for (auto& arm : spec.arms) arm.subjects = std::max(arm.subjects, minimum_subjects_for_spread);
  return spec;
}

bool Scorecard::uncertain() const {
  return std::any_of(scores.begin(), scores.end(), [](const Score& s) { return s.predictive.has_value(); });
}

Coverage Scorecard::coverage(bool test) const {
  Coverage c;
  double width = 0;
  std::size_t widths = 0;
  for (const auto& s : scores) {
    if (s.test != test || !s.predictive) continue;
    ++c.total;
    c.inside += s.inside_predictive() ? 1 : 0;
    if (s.observed_value != 0) {
      width += (s.predictive->high - s.predictive->low) / std::abs(s.observed_value);
      ++widths;
    }
  }
  c.coverage_90 = c.total > 0 ? static_cast<double>(c.inside) / static_cast<double>(c.total) : std::nan("");
  c.sharpness = widths > 0 ? width / static_cast<double>(widths) : std::nan("");
  return c;
}

Tally Scorecard::entries(bool test) const {
  std::map<std::string, bool> all_pass;
  for (const auto& s : scores) {
    if (s.test != test) continue;
    auto [it, fresh] = all_pass.emplace(s.entry, true);
    it->second = it->second && s.passed;
  }
  Tally t;
  t.total = all_pass.size();
  for (const auto& [entry, ok] : all_pass) t.passed += ok ? 1 : 0;
  return t;
}

Tally Scorecard::spread_entries() const {
  std::map<std::string, bool> all_pass;
  for (const auto& s : scores) {
    if (!s.observed_sd) continue;
    auto [it, fresh] = all_pass.emplace(s.entry, true);
    it->second = it->second && s.spread_passed;
  }
  Tally t;
  t.total = all_pass.size();
  for (const auto& [entry, ok] : all_pass) t.passed += ok ? 1 : 0;
  return t;
}

std::size_t Scorecard::passed() const {
  return static_cast<std::size_t>(std::count_if(scores.begin(), scores.end(), [](const Score& s) { return s.passed; }));
}
std::size_t Scorecard::passed(bool fitted) const {
  return static_cast<std::size_t>(
      std::count_if(scores.begin(), scores.end(), [&](const Score& s) { return s.passed && s.fitted == fitted; }));
}
std::size_t Scorecard::total(bool fitted) const {
  return static_cast<std::size_t>(
      std::count_if(scores.begin(), scores.end(), [&](const Score& s) { return s.fitted == fitted; }));
}

namespace {
std::string rate(std::size_t p, std::size_t t) {
  return t ? fmt::format("{}/{} ({:.0f} %)", p, t, 100.0 * static_cast<double>(p) / static_cast<double>(t)) : "0/0";
}
std::string observed_text(const EvidenceRow& row, const Check& check) {
  const std::string at = check.other_time_days ? fmt::format(" at {} d", fmt_num(*check.other_time_days)) : "";
  if (check.criterion == Criterion::greater_than) return "> arm '" + check.other_arm + "'" + at;
  if (check.criterion == Criterion::less_than) return "< arm '" + check.other_arm + "'" + at;
  const Interval i = observed_interval(row, check);
  std::string s = row.value_text.empty() ? fmt_num(row.value) : row.value_text;
  if (std::isfinite(row.spread)) s += fmt::format(" ± {} {}", fmt_num(row.spread), row.spread_kind);
  if (!row.unit.empty()) s += " " + row.unit;
  if (check.criterion == Criterion::at_most) return s + " (≤ " + fmt_num(i.high) + ")";
  if (check.criterion == Criterion::at_least) return s + " (≥ " + fmt_num(i.low) + ")";
  return s + fmt::format(" [{}, {}]", fmt_num(i.low), fmt_num(i.high));
}
}  // namespace

namespace {
std::string split_name(const Score& s) { return s.test ? "test" : "fit"; }
std::string spread_result(const Score& s) {
  if (!s.observed_sd) return "";
  return s.spread_passed ? "pass" : "fail";
}
std::string rate(const Tally& t) { return rate(t.passed, t.total); }
}  // namespace

std::string scorecard_csv(const Scorecard& card) {
  std::string out =
      "evidence,entry,case,split,species,condition,readout,criterion,observed,observed_n,simulated_mean,simulated_sd,"
      "simulated_n,fitted,result,observed_sd,spread_result,note";
  const bool uncertain = card.uncertain();
  out += uncertain ? ",predictive_low,predictive_high,inside_90\n" : "\n";
  for (const auto& s : card.scores) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", s.evidence, s.entry, s.case_name, split_name(s),
                       text::csv_field(s.species), text::csv_field(s.condition), text::csv_field(s.readout), s.criterion,
                       text::csv_field(s.observed), s.observed_n > 0 ? text::format_double(s.observed_n) : "",
                       text::format_double(s.simulated.mean), text::format_double(s.simulated.sd), s.simulated.n,
                       s.fitted ? "fitted" : "unfitted", s.passed ? "pass" : "fail",
                       s.observed_sd ? text::format_double(*s.observed_sd) : "", spread_result(s), text::csv_field(s.note));
    if (uncertain)
      out += s.predictive ? fmt::format(",{},{},{}", text::format_double(s.predictive->low),
                                        text::format_double(s.predictive->high), s.inside_predictive() ? "yes" : "no")
                          : ",,,";
    out += "\n";
  }
  for (const auto& e : card.not_modelled)
    out += fmt::format("{},{},,,,,,,,,,,,,not yet modelled,,,{}\n", e, e, uncertain ? ",,," : "");
  return out;
}

std::string scorecard_table(const Scorecard& card) {
  std::string out = fmt::format("{:<7} {:<5} {:<9} {:<56} {:<44} {:>10} {:>3}  {:<6} {}\n", "entry", "split", "fitted", "readout",
                                "observed", "simulated", "n", "result", "spread: SD sim / obs");
  for (const auto& s : card.scores)
    out += fmt::format(
        "{:<7} {:<5} {:<9} {:<56} {:<44} {:>10} {:>3}  {:<6} {}\n", s.evidence, split_name(s), s.fitted ? "fitted" : "unfitted",
        clip(s.readout, 56), clip(s.observed, 44), fmt_num(s.simulated.mean), s.simulated.n, s.passed ? "pass" : "FAIL",
        s.observed_sd
            ? fmt::format("{} / {} {}", fmt_num(s.simulated.sd), fmt_num(*s.observed_sd), s.spread_passed ? "pass" : "FAIL")
            : "");
  out += fmt::format("TEST entries passed {} (the headline) | fit entries {} | spread within 2x: {} entries\n",
                     rate(card.entries(true)), rate(card.entries(false)), rate(card.spread_entries()));
  out += fmt::format("checks passed {} | fitted {} | unfitted {} | not yet modelled: {} evidence rows ({})\n",
                     rate(card.passed(), card.scores.size()), rate(card.passed(true), card.total(true)),
                     rate(card.passed(false), card.total(false)), card.not_modelled.size(), fmt::join(card.not_modelled, " "));
  if (card.uncertain()) {
    const Coverage test = card.coverage(true), fit = card.coverage(false);
    out += fmt::format(
        "predictive intervals (5-95 %): TEST checks with the observed value inside {}/{} (coverage_90 {}), sharpness {} | "
        "fit {}/{} (coverage_90 {}), sharpness {}\n",
        test.inside, test.total, fmt_num(test.coverage_90), fmt_num(test.sharpness), fit.inside, fit.total,
        fmt_num(fit.coverage_90), fmt_num(fit.sharpness));
  }
  return out;
}

std::string scorecard_json(const Scorecard& card) {
  const Tally test = card.entries(true), fit = card.entries(false), spread = card.spread_entries();
  std::string coverage;
  if (card.uncertain()) {
    const auto json = [](double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string("null"); };
    const Coverage t = card.coverage(true), f = card.coverage(false);
    coverage =
        fmt::format(R"(, "coverage_90": {}, "sharpness": {}, "coverage_checks": {}, "fit_coverage_90": {}, "fit_sharpness": {}, )"
                    R"("fit_coverage_checks": {})",
                    json(t.coverage_90), json(t.sharpness), t.total, json(f.coverage_90), json(f.sharpness), f.total);
  }
  return fmt::format(
      R"({{"passed": {}, "total": {}, "test_passed": {}, "test_total": {}, "fit_passed": {}, "fit_total": {}, )"
      R"("spread_passed": {}, "spread_total": {}, "fitted": {{"passed": {}, "total": {}}}, "unfitted": {{"passed": {}, "total": {}}}, "not_modelled": {}{}}})",
      card.passed(), card.scores.size(), test.passed, test.total, fit.passed, fit.total, spread.passed, spread.total,
      card.passed(true), card.total(true), card.passed(false), card.total(false), card.not_modelled.size(), coverage);
}

std::string scorecard_html(const Scorecard& card, const std::string& title) {
  using text::xml_escape;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + xml_escape(title) +
      "</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;font-size:0.9em}th,td{border:1px solid #ccc;padding:0.3em 0.6em;"
      "text-align:left}th{background:#f0f0f0}tr.pass td.r{background:#d9f2d9}tr.fail td.r{background:#f8d0d0}"
      "td.sp{background:#d9f2d9}td.sf{background:#f8d0d0}"
      "td.num{text-align:right;font-variant-numeric:tabular-nums}p.headline{font-size:1.3em}</style></head><body>\n";
  out += "<h1>" + xml_escape(title) + "</h1>\n";
  out += fmt::format(
      "<p class=\"headline\">Test entries passed: <b>{}</b> (entries never used to set a value, frozen before the model "
      "changes they judge).</p>\n<p>Fit entries passed: {}. Spread (simulated between-subject SD within a factor of 2 "
      "of the observed SD): {} entries. Checks: {}; fitted {}; unfitted {}; not yet modelled: {} evidence rows.</p>\n",
      rate(card.entries(true)), rate(card.entries(false)), rate(card.spread_entries()), rate(card.passed(), card.scores.size()),
      rate(card.passed(true), card.total(true)), rate(card.passed(false), card.total(false)), card.not_modelled.size());
  if (card.uncertain()) {
    const Coverage t = card.coverage(true), f = card.coverage(false);
    out += fmt::format(
        "<p>Parameter uncertainty: the observed value lies inside the simulated 5-95 % predictive interval of {} of {} "
        "test checks (coverage_90 {}; sharpness, the mean interval width over the observed value, {}) and of {} of {} "
        "fit checks (coverage_90 {}, sharpness {}).</p>\n",
        t.inside, t.total, fmt_num(t.coverage_90), fmt_num(t.sharpness), f.inside, f.total, fmt_num(f.coverage_90),
        fmt_num(f.sharpness));
  }
  out +=
      "<table><tr><th>evidence</th><th>split</th><th>case</th><th>species</th><th>condition</th><th>readout</th>"
      "<th>criterion</th><th>observed</th><th>n</th><th>simulated mean</th><th>SD</th><th>n</th><th>fitted</th>"
      "<th>result</th><th>observed SD</th><th>spread</th><th>note</th>";
  const bool uncertain = card.uncertain();
  out += uncertain ? "<th>predictive 5-95 %</th><th>observed inside</th></tr>\n" : "</tr>\n";
  for (const auto& s : card.scores) {
    out += fmt::format(
        "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td class=\"r\">{}</td><td class=\"num\">{}</td><td class=\"{}\">{}</td><td>{}</td>",
        s.passed ? "pass" : "fail", xml_escape(s.evidence), split_name(s), xml_escape(s.case_name), xml_escape(s.species),
        xml_escape(s.condition), xml_escape(s.readout), s.criterion, xml_escape(s.observed),
        s.observed_n > 0 ? text::format_double(s.observed_n) : "", fmt_num(s.simulated.mean), fmt_num(s.simulated.sd),
        s.simulated.n, s.fitted ? "fitted" : "unfitted", s.passed ? "pass" : "fail", s.observed_sd ? fmt_num(*s.observed_sd) : "",
        s.observed_sd ? (s.spread_passed ? "sp" : "sf") : "", spread_result(s), xml_escape(s.note));
    if (uncertain)
      out += s.predictive ? fmt::format("<td class=\"num\">{} - {}</td><td class=\"{}\">{}</td>", fmt_num(s.predictive->low),
                                        fmt_num(s.predictive->high), s.inside_predictive() ? "sp" : "sf",
                                        s.inside_predictive() ? "yes" : "no")
                          : "<td></td><td></td>";
    out += "</tr>\n";
  }
  out += "</table>\n<h2>Not yet modelled</h2>\n<p>" + xml_escape(fmt::format("{}", fmt::join(card.not_modelled, ", "))) +
         "</p>\n</body></html>\n";
  return out;
}

Scorecard validate(const ValidateOptions& options, const Registry& registry) {
  const auto evidence = load_evidence(options.evidence_csv);
  std::map<std::string, const EvidenceRow*> by_id;
  std::set<std::string> ids;
  for (const auto& r : evidence) by_id[r.id] = &r, ids.insert(r.id);
  const CalibrationRecord calibration = load_calibration(options.calibration_toml);
  const auto fitted = calibration.fitted();
  const auto cases = load_cases(options.cases_dir, ids);
  auto selected = [&](const Case& c, const Check& k) {
    if (options.filter.empty()) return true;
    return text::glob_match(options.filter, k.evidence) || text::glob_match(options.filter, by_id.at(k.evidence)->entry) ||
           text::glob_match(options.filter, c.name);
  };
  if (options.cluster.rank == 0) {
    std::error_code ec;
    std::filesystem::create_directories(options.output_dir, ec);
    if (ec)
      throw InputError(SourceLocation{options.output_dir.string(), 0, 0}, "--out", "cannot create directory: " + ec.message());
  }
  Scorecard card;
  std::set<std::string> covered;
  for (const auto& c : cases)
    for (const auto& k : c.checks) covered.insert(k.evidence);
  for (const auto& r : evidence)
    if (!covered.count(r.id) &&
        (options.filter.empty() || text::glob_match(options.filter, r.id) || text::glob_match(options.filter, r.entry)))
      card.not_modelled.push_back(r.id);

  auto selected_checks = [&](const Case& c) {
    std::vector<const Check*> checks;
    for (const auto& k : c.checks)
      if (selected(c, k)) checks.push_back(&k);
    return checks;
  };
  // Under parameter uncertainty every case runs its own subjects once per draw, and the pooled
  // subjects of all draws (at least 40 for 5 draws of 8) judge the spread.
  const bool uncertain = options.uncertainty.enabled();
  auto study_of = [&](const Case& c) {
    if (!uncertain) return case_study(c, selected_checks(c), by_id, registry);
    study::StudySpec spec = study::load_study(c.study, registry);
    if (spec.trial) throw InputError(SourceLocation{c.path, 0, 0}, "--uncertainty", "a trial cannot draw parameter sets yet");
    spec.uncertainty = options.uncertainty;
    return spec;
  };
  // Progress over the subjects of the selected cases (their studies differ a lot in size).
  std::size_t subjects_total = 0, subjects_done = 0;
  std::map<std::string, std::size_t> case_subjects;
  for (const auto& c : cases) {
    if (std::none_of(c.checks.begin(), c.checks.end(), [&](const Check& k) { return selected(c, k); })) continue;
    std::size_t n = 0;
    const study::StudySpec spec = study_of(c);
    for (const auto& arm : spec.arms) n += study::subjects_run(spec, arm);
    case_subjects[c.name] = n;
    subjects_total += n;
  }
  io::Progress progress("validate", static_cast<double>(subjects_total),
                        options.cluster.rank == 0 ? options.progress : io::ProgressMode::none, "subjects");
  for (const auto& c : cases) {
    const std::vector<const Check*> checks = selected_checks(c);
    if (checks.empty()) continue;
    const study::StudySpec spec = study_of(c);
    study::StudyOptions study_options;
    study_options.progress = io::ProgressMode::none;
    study_options.output_dir = options.output_dir / "studies" / c.name;
    study_options.force = true;
    study_options.quiet = options.quiet;
    study_options.command_line = "bungner validate";
    study_options.cluster = options.cluster;
    const study::StudyResult result = study::run_study(spec, registry, study_options);
    subjects_done += case_subjects[c.name];
    progress.update(static_cast<double>(subjects_done));
    if (options.cluster.rank != 0) continue;
    // The subjects of each draw, for the predictive intervals.
    std::vector<study::StudyResult> per_draw(uncertain ? options.uncertainty.draws : 0);
    for (const auto& row : result.rows)
      if (uncertain) per_draw[study::draw_of_subject(row.subject, spec.arms[row.arm].subjects)].rows.push_back(row);
    for (const Check* k : checks) {
      const EvidenceRow& row = *by_id.at(k->evidence);
      Score s;
      s.evidence = row.id, s.entry = row.entry, s.case_name = c.name, s.species = row.species, s.condition = row.condition;
      s.readout =
          k->readout + (k->transform == Transform::loss ? " (loss)" : "") +
          (k->statistic == Statistic::share_at_least
               ? fmt::format(" >= {} @ {} d (% of subjects)", fmt_num(k->threshold), fmt_num(k->time_days))
           : k->statistic == Statistic::mean ? fmt::format(" @ {} d", fmt_num(k->time_days))
                                             : fmt::format(" {} over {}-{} d", statistic_name(k->statistic),
                                                           text::format_double(k->from_days), text::format_double(k->to_days)));
      if (!k->arm.empty()) s.readout += " [" + k->arm + "]";
      s.criterion = criterion_name(k->criterion);
      s.note = k->note;
      s.observed = observed_text(row, *k);
      s.observed_n = row.n;
      s.fitted = fitted.count(row.entry) > 0;
      const bool ordering = k->criterion == Criterion::greater_than || k->criterion == Criterion::less_than;
      Summary other;
      const std::vector<double> values = check_values(c, spec, result, *k, &other);
      if (!ordering && !k->other_arm.empty()) {
        if (k->transform == Transform::time_constant)
          s.readout += fmt::format(" decline time constant vs [{}] @ {} d (floor {})", k->other_arm,
                                   fmt_num(k->other_time_days.value_or(k->time_days)), fmt_num(k->floor));
        else
          s.readout += k->transform == Transform::change ? " % change vs [" + k->other_arm + "]"
                       : k->transform == Transform::fold ? " fold of [" + k->other_arm + "]"
                                                         : " as % of [" + k->other_arm + "]";
      }
      s.simulated = summarise(values);
      s.passed = passes(row, *k, s.simulated, other);
      s.test = row.test();
      if (checks_spread(row, *k)) {
        s.observed_sd = observed_sd(row);
        s.spread_passed = spread_agrees(s.simulated.sd, s.simulated.n, *s.observed_sd);
      }
      s.observed_value = std::isfinite(row.value) ? row.value : 0.5 * (row.low + row.high);
      if (uncertain && !ordering && std::isfinite(s.observed_value)) {
        std::vector<double> means;
        for (const study::StudyResult& draw : per_draw) {
          const double m = draw.rows.empty() ? std::nan("") : summarise(check_values(c, spec, draw, *k)).mean;
          if (std::isfinite(m)) means.push_back(m);
        }
        if (!means.empty()) s.predictive = Interval{calibration::quantile(means, 0.05), calibration::quantile(means, 0.95)};
      }
      card.scores.push_back(std::move(s));
    }
  }
  progress.finish();
  if (options.cluster.rank != 0) return {};
  io::write_file_atomically(options.output_dir / "scorecard.csv", scorecard_csv(card));
  io::write_file_atomically(options.output_dir / "scorecard.html", scorecard_html(card, "bungner validation scorecard"));
  io::write_file_atomically(options.output_dir / "scorecard.json", scorecard_json(card) + "\n");
  return card;
}

namespace {
std::string canonical_number(double v) { return std::isfinite(v) ? fmt::format("{:.17g}", v) : "-"; }
std::string optional_days(const std::optional<double>& v) { return v ? canonical_number(*v) : "-"; }
}  // namespace

std::string criteria_fingerprint(const std::string& entry, const std::vector<Case>& cases,
                                 const std::vector<EvidenceRow>& evidence) {
  // Rows in file order, checks in case and file order: both are stable, so the text is canonical.
  std::string text = "bungner criteria fingerprint v1\n";
  std::set<std::string> ids;
  for (const auto& r : evidence) {
    if (r.entry != entry) continue;
    ids.insert(r.id);
    text += fmt::format("row {} value {} low {} high {} spread {} {} n {} unit {}\n", r.id, canonical_number(r.value),
                        canonical_number(r.low), canonical_number(r.high), canonical_number(r.spread), r.spread_kind,
                        canonical_number(r.n), r.unit);
  }
  std::vector<const Case*> sorted;
  for (const auto& c : cases) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](const Case* a, const Case* b) { return a->name < b->name; });
  for (const Case* c : sorted)
    for (const auto& k : c->checks) {
      if (!ids.count(k.evidence)) continue;
      text += fmt::format(
          "check {} case {} readout {} arm {} time {} from {} to {} statistic {} transform {} criterion {} "
          "tolerance {} bound {} other_arm {} other_time {} scale {} threshold {} floor {}\n",
          k.evidence, c->name, k.readout, k.arm, canonical_number(k.time_days), canonical_number(k.from_days),
          canonical_number(k.to_days), statistic_name(k.statistic), static_cast<int>(k.transform), criterion_name(k.criterion),
          canonical_number(k.tolerance), optional_days(k.bound), k.other_arm, optional_days(k.other_time_days),
          canonical_number(k.scale), canonical_number(k.threshold), canonical_number(k.floor));
    }
  return sha256_hex(text);
}

std::map<std::string, std::string> load_frozen(const std::filesystem::path& path) {
  const std::string file = path.string();
  const toml::table t = schema::parse_file(file);
  std::map<std::string, std::string> out;
  std::vector<Diagnostic> problems;
  for (const auto& [key, value] : t) {
    if (const auto* s = value.as_string())
      out[std::string(key.str())] = s->get();
    else
      problems.push_back(error_at(where(file, value), std::string(key.str()), "expected a fingerprint string"));
  }
  if (!problems.empty()) throw InputError(problems);
  return out;
}

std::string frozen_record_toml(const std::vector<Case>& cases, const std::vector<EvidenceRow>& evidence) {
  std::string out =
      "# The frozen test set: each test entry's criteria fingerprint (bungner::validation::criteria_fingerprint)\n"
      "# when it was frozen; the commit is the entry's `frozen` column in evidence.csv. A test fails when a\n"
      "# fingerprint changes unless docs/validation.md, section \"Changes to frozen test entries\", names\n"
      "# the entry and says why. Written by `bungner validate --print-frozen`.\n";
  std::set<std::string> done;
  for (const auto& r : evidence)
    if (r.test() && done.insert(r.entry).second)
      out += fmt::format("{} = \"{}\"\n", r.entry, criteria_fingerprint(r.entry, cases, evidence));
  return out;
}

std::vector<std::string> frozen_disagreements(const std::vector<EvidenceRow>& evidence, const std::vector<Case>& cases,
                                              const std::map<std::string, std::string>& frozen, const CalibrationRecord& record,
                                              const std::string& change_log) {
  std::vector<std::string> out;
  const auto explained = entries_in(change_log);
  std::set<std::string> checked;
  for (const auto& c : cases)
    for (const auto& k : c.checks) checked.insert(k.evidence);
  const auto fitted = record.fitted();
  std::set<std::string> seen;
  std::map<std::string, bool> entry_checked;
  for (const auto& r : evidence) entry_checked[r.entry] = entry_checked[r.entry] || checked.count(r.id) > 0;
  for (const auto& r : evidence) {
    if (!seen.insert(r.entry).second) continue;
    const bool was_frozen = frozen.count(r.entry) > 0;
    if (r.test()) {
      if (!entry_checked[r.entry]) out.push_back(r.entry + " is a test entry without a validation case");
      if (r.frozen.empty()) out.push_back(r.entry + " is a test entry without the commit that froze it (column 'frozen')");
      if (!was_frozen) {
        out.push_back(r.entry + " is a test entry missing from data/evidence/frozen.toml");
        continue;
      }
      if (frozen.at(r.entry) != criteria_fingerprint(r.entry, cases, evidence) && !explained.count(r.entry))
        out.push_back(r.entry +
                      " is a frozen test entry whose criteria changed: say why in docs/validation.md, section "
                      "\"Changes to frozen test entries\"");
      if (fitted.count(r.entry)) out.push_back(r.entry + " is a test entry named by the calibration record");
    } else if (was_frozen && !explained.count(r.entry)) {
      out.push_back(r.entry +
                    " was frozen as a test entry and is now 'fit': say why in docs/validation.md, section "
                    "\"Changes to frozen test entries\"");
    }
  }
  return out;
}

}  // namespace bungner::validation
