#include "bungner/calibration/priors.hpp"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"
#include "bungner/scenario/schema.hpp"

namespace bungner::calibration {
namespace {

/// A quantity in `unit`: a string with a unit, or a bare number for a dimensionless unit.
std::optional<double> quantity(const toml::node& node, const std::string& unit, const std::string& key,
                               std::vector<Diagnostic>& problems) {
  try {
    if (const auto* s = node.as_string()) return units::from_si(units::parse_as(s->get(), unit), unit);
    if (node.is_number() && units::parse_unit(unit).dimension.dimensionless())
      return units::from_si(units::to_si(node.value<double>().value(), "1"), unit);
    schema::error(problems, schema::location_of(node), key, fmt::format("expected a quantity string such as \"1 {}\"", unit));
  } catch (const units::UnitError& e) {
    schema::error(problems, schema::location_of(node), key, e.what());
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParameterPrior> read_prior(const toml::table& p, const std::string& file, const std::string& prefix,
                                         const Registry& registry, std::vector<Diagnostic>& problems) {
  schema::check_keys(p, file, prefix, {"name", "prior", "low", "high", "mean", "sd", "median", "sigma"}, problems);
  const auto* name = p["name"].as_string();
  if (name == nullptr) {
    schema::error(problems, schema::location_of(p), prefix + "name",
                  "missing: the model parameter (`bungner params` lists them)");
    return std::nullopt;
  }
  const ParameterSpec* declared = registry.parameters().find(name->get());
  if (declared == nullptr) {
    std::string message = "unknown parameter";
    if (const auto guess = text::did_you_mean(name->get(), registry.parameters().names()))
      message += fmt::format("; did you mean '{}'?", *guess);
    schema::error(problems, schema::location_of(*name), prefix + "name", message + " (`bungner params` lists them)");
    return std::nullopt;
  }
  Prior prior;
  prior.name = declared->name;
  prior.low = declared->plausible.low;
  prior.high = declared->plausible.high;
  const std::string kind = p["prior"].value_or(std::string("uniform"));
  const std::map<std::string, PriorKind> kinds = {{"uniform", PriorKind::uniform},
                                                  {"log_uniform", PriorKind::log_uniform},
                                                  {"normal", PriorKind::normal},
                                                  {"lognormal", PriorKind::lognormal}};
  if (const auto k = kinds.find(kind); k != kinds.end()) {
    prior.kind = k->second;
  } else {
    schema::error(problems, schema::location_of(*p.get("prior")), prefix + "prior",
                  "expected uniform, log_uniform, normal or lognormal");
    return std::nullopt;
  }
  const std::string& unit = declared->unit;
  const std::size_t problems_before = problems.size();
  if (const toml::node* n = p.get("low")) prior.low = quantity(*n, unit, prefix + "low", problems).value_or(prior.low);
  if (const toml::node* n = p.get("high")) prior.high = quantity(*n, unit, prefix + "high", problems).value_or(prior.high);
  auto need = [&](const char* key, bool wanted) -> const toml::node* {
    const toml::node* n = p.get(key);
    if (wanted && n == nullptr)
      schema::error(problems, schema::location_of(p), prefix + key, "missing: the " + kind + " prior needs it");
    if (!wanted && n != nullptr)
      schema::error(problems, schema::location_of(*n), prefix + key, "not used by a " + kind + " prior");
    return wanted ? n : nullptr;
  };
  const bool normal = prior.kind == PriorKind::normal, lognormal = prior.kind == PriorKind::lognormal;
  if (const toml::node* n = need("mean", normal)) prior.mean = quantity(*n, unit, prefix + "mean", problems).value_or(0);
  if (const toml::node* n = need("sd", normal)) prior.sd = quantity(*n, unit, prefix + "sd", problems).value_or(1);
  if (const toml::node* n = need("median", lognormal)) prior.mean = quantity(*n, unit, prefix + "median", problems).value_or(1);
  if (const toml::node* n = need("sigma", lognormal)) {
    if (const auto v = n->value<double>())
      prior.sd = *v;
    else
      schema::error(problems, schema::location_of(*n), prefix + "sigma", "expected a number (the SD of the logarithm)");
  }
  if (problems.size() > problems_before) return std::nullopt;
  try {
    prior.check();
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    if (prior.low == declared->plausible.low || prior.high == declared->plausible.high)
      message += fmt::format(" (the declared plausible range is {}..{} {}; give low and high)",
                             text::format_double(declared->plausible.low), text::format_double(declared->plausible.high), unit);
    schema::error(problems, schema::location_of(p), prefix + "prior", message);
    return std::nullopt;
  }
  return ParameterPrior{prior, unit};
}

}  // namespace bungner::calibration
