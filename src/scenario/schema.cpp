#include "bungner/scenario/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"

namespace bungner::schema {
namespace {

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::quantity: return "a quantity with a unit, as a string (e.g. \"10 mm\")";
    case Kind::number: return "a number";
    case Kind::integer: return "an integer";
    case Kind::string: return "a string";
    case Kind::choice: return "one of the listed names, as a string";
    case Kind::boolean: return "true or false";
    case Kind::quantity_list: return "an array of quantities (e.g. [\"2 weeks\", \"4 weeks\"])";
    case Kind::string_list: return "an array of strings";
    case Kind::table:
    case Kind::table_map:
    case Kind::free_table: return "a table";
    case Kind::table_array: return "an array of tables ([[...]])";
  }
  return "?";
}

std::string toml_type_name(const toml::node& node) {
  std::ostringstream out;
  out << node.type();
  return out.str();
}

std::string range_text(const Range& r, const std::string& unit) {
  const std::string u = unit == "1" ? "" : " " + unit;
  if (std::isinf(r.low)) return fmt::format("at most {}{}", text::format_double(r.high), u);
  if (std::isinf(r.high)) return fmt::format("at least {}{}", text::format_double(r.low), u);
  return fmt::format("{} to {}{}", text::format_double(r.low), text::format_double(r.high), u);
}

/// Checks a value (in the field's unit) against the hard and plausible ranges.
void check_range(double v, const Field& f, const SourceLocation& where, const std::string& path,
                 std::vector<Diagnostic>& diagnostics) {
  if (!f.hard.contains(v)) {
    error(diagnostics, where, path,
          fmt::format("value {} is outside the allowed range ({})", text::format_double(v),
                      range_text(f.hard, f.unit.empty() ? "1" : f.unit)));
  } else if (!f.plausible.contains(v)) {
    warning(diagnostics, where, path,
            fmt::format("value {} is outside the plausible range ({})", text::format_double(v),
                        range_text(f.plausible, f.unit.empty() ? "1" : f.unit)));
  }
}

void check_quantity_text(const std::string& value, const Field& f, const SourceLocation& where, const std::string& path,
                         std::vector<Diagnostic>& diagnostics) {
  try {
    const double si = units::parse_as(value, f.unit);
    check_range(units::from_si(si, f.unit), f, where, path, diagnostics);
  } catch (const units::UnitError& e) {
    error(diagnostics, where, path, e.what());
  }
}

/// Validates one value node against a non-table field; returns the node to store (or null).
std::unique_ptr<toml::node> validate_value(const toml::node& node, const Field& f, const std::string& path,
                                           std::vector<Diagnostic>& diagnostics) {
  const SourceLocation where = location_of(node);
  const auto wrong_type = [&] {
    error(diagnostics, where, path, fmt::format("expected {}, got {}", kind_name(f.kind), toml_type_name(node)));
    return nullptr;
  };
  switch (f.kind) {
    case Kind::quantity: {
      if (!node.is_string()) {
        if (node.is_number()) {
          error(diagnostics, where, path,
                fmt::format(
                    "missing unit: write the value as a string with a unit, e.g. \"{} {}\"",
                    node.is_integer() ? std::to_string(*node.value<std::int64_t>()) : text::format_double(*node.value<double>()),
                    f.unit));
          return nullptr;
        }
        return wrong_type();
      }
      check_quantity_text(*node.value<std::string>(), f, where, path, diagnostics);
      return std::make_unique<toml::value<std::string>>(*node.value<std::string>());
    }
    case Kind::number: {
      if (!node.is_number()) return wrong_type();
      const double v = *node.value<double>();
      if (!std::isfinite(v)) {
        error(diagnostics, where, path, "value must be finite");
        return nullptr;
      }
      check_range(v, f, where, path, diagnostics);
      return std::make_unique<toml::value<double>>(v);
    }
    case Kind::integer: {
      if (!node.is_integer()) return wrong_type();
      const auto v = *node.value<std::int64_t>();
      check_range(static_cast<double>(v), f, where, path, diagnostics);
      return std::make_unique<toml::value<std::int64_t>>(v);
    }
    case Kind::boolean:
      if (!node.is_boolean()) return wrong_type();
      return std::make_unique<toml::value<bool>>(*node.value<bool>());
    case Kind::string:
      if (!node.is_string()) return wrong_type();
      return std::make_unique<toml::value<std::string>>(*node.value<std::string>());
    case Kind::choice: {
      if (!node.is_string()) return wrong_type();
      const std::string v = *node.value<std::string>();
      for (const auto& c : f.choices)
        if (c == v) return std::make_unique<toml::value<std::string>>(v);
      std::string message = fmt::format("'{}' is not one of: {}", v, fmt::join(f.choices, ", "));
      if (auto s = text::did_you_mean(v, f.choices)) message += fmt::format("; did you mean '{}'?", *s);
      error(diagnostics, where, path, message);
      return nullptr;
    }
    case Kind::quantity_list:
    case Kind::string_list: {
      const toml::array* array = node.as_array();
      if (array == nullptr) return wrong_type();
      auto out = std::make_unique<toml::array>();
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        const std::string item_path = fmt::format("{}[{}]", path, i);
        if (!item.is_string()) {
          error(diagnostics, location_of(item), item_path, fmt::format("expected a string, got {}", toml_type_name(item)));
          continue;
        }
        if (f.kind == Kind::quantity_list)
          check_quantity_text(*item.value<std::string>(), f, location_of(item), item_path, diagnostics);
        out->push_back(*item.value<std::string>());
      }
      return out;
    }
    default: return wrong_type();
  }
}

/// The default of a non-table field as a TOML node.
std::unique_ptr<toml::node> default_node(const Field& f) {
  switch (f.kind) {
    case Kind::number: return std::make_unique<toml::value<double>>(text::parse_double(f.default_text).value());
    case Kind::integer: return std::make_unique<toml::value<std::int64_t>>(std::stoll(f.default_text));
    case Kind::boolean: return std::make_unique<toml::value<bool>>(f.default_text == "true");
    case Kind::quantity_list:
    case Kind::string_list: {
      auto a = std::make_unique<toml::array>();
      for (const auto& item : f.default_list) a->push_back(item);
      return a;
    }
    default: return std::make_unique<toml::value<std::string>>(f.default_text);
  }
}

std::vector<std::string> child_keys(const Field& schema) {
  std::vector<std::string> keys;
  for (const auto& c : schema.children) keys.push_back(c.key);
  return keys;
}

}  // namespace

SourceLocation location_of(const toml::node& node) {
  const auto& s = node.source();
  return SourceLocation{s.path ? std::string(*s.path) : std::string(), static_cast<int>(s.begin.line),
                        static_cast<int>(s.begin.column)};
}

SourceLocation location_of(const toml::key& key) {
  const auto& s = key.source();
  return SourceLocation{s.path ? std::string(*s.path) : std::string(), static_cast<int>(s.begin.line),
                        static_cast<int>(s.begin.column)};
}

void error(std::vector<Diagnostic>& diagnostics, SourceLocation where, std::string key, std::string message) {
  diagnostics.push_back(Diagnostic{Diagnostic::Severity::error, std::move(where), std::move(key), std::move(message)});
}

toml::table parse_file(const std::string& file) {
  try {
    return toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw InputError(SourceLocation{file, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)}, "",
                     std::string(e.description()));
  }
}

void check_keys(const toml::table& table, const std::string& file, const std::string& prefix,
                const std::vector<std::string>& allowed, std::vector<Diagnostic>& diagnostics) {
  for (const auto& [key, value] : table) {
    (void)value;
    const std::string k(key.str());
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string message = "unknown key";
    if (const auto guess = text::did_you_mean(k, allowed)) message += fmt::format(" (did you mean '{}'?)", *guess);
    const auto& at = key.source().begin;
    error(diagnostics, SourceLocation{file, static_cast<int>(at.line), static_cast<int>(at.column)}, prefix + k, message);
  }
}

void warning(std::vector<Diagnostic>& diagnostics, SourceLocation where, std::string key, std::string message) {
  diagnostics.push_back(Diagnostic{Diagnostic::Severity::warning, std::move(where), std::move(key), std::move(message)});
}

toml::table validate(const toml::table& input, const Field& schema, const std::string& path,
                     std::vector<Diagnostic>& diagnostics) {
  toml::table out;
  // Unknown keys first, so a typo is reported next to the default that will be used instead.
  const std::vector<std::string> known = child_keys(schema);
  for (auto&& [key, node] : input) {
    bool found = false;
    for (const auto& c : schema.children) found = found || c.key == key.str();
    if (found) continue;
    std::string message = "unknown key";
    if (auto s = text::did_you_mean(key.str(), known))
      message += fmt::format("; did you mean '{}'?", join_path(path, *s));
    else if (!known.empty())
      message += fmt::format(" (allowed here: {})", fmt::join(known, ", "));
    error(diagnostics, location_of(key), join_path(path, key.str()), message);
  }
  for (const Field& f : schema.children) {
    const std::string child_path = join_path(path, f.key);
    const toml::node* node = input.get(f.key);
    if (node == nullptr) {
      if (f.required) {
        error(diagnostics, location_of(input), child_path, fmt::format("missing required key '{}' ({})", f.key, f.doc));
        continue;
      }
      switch (f.kind) {
        case Kind::table: out.insert(f.key, validate(toml::table{}, f, child_path, diagnostics)); break;
        case Kind::table_map:
        case Kind::free_table: out.insert(f.key, toml::table{}); break;
        case Kind::table_array: out.insert(f.key, toml::array{}); break;
        default: {
          auto d = default_node(f);
          out.insert(f.key, std::move(*d));
        }
      }
      continue;
    }
    switch (f.kind) {
      case Kind::table: {
        const toml::table* t = node->as_table();
        if (t == nullptr) {
          error(diagnostics, location_of(*node), child_path, fmt::format("expected a table, got {}", toml_type_name(*node)));
          break;
        }
        out.insert(f.key, validate(*t, f, child_path, diagnostics));
        break;
      }
      case Kind::table_map: {
        const toml::table* t = node->as_table();
        if (t == nullptr) {
          error(diagnostics, location_of(*node), child_path, fmt::format("expected a table, got {}", toml_type_name(*node)));
          break;
        }
        toml::table resolved;
        for (auto&& [name, entry] : *t) {
          const std::string entry_path = join_path(child_path, name.str());
          if (const toml::table* et = entry.as_table())
            resolved.insert(name.str(), validate(*et, f, entry_path, diagnostics));
          else
            error(diagnostics, location_of(entry), entry_path, fmt::format("expected a table, got {}", toml_type_name(entry)));
        }
        out.insert(f.key, std::move(resolved));
        break;
      }
      case Kind::table_array: {
        const toml::array* a = node->as_array();
        if (a == nullptr || (!a->empty() && !a->is_array_of_tables())) {
          error(diagnostics, location_of(*node), child_path,
                fmt::format("expected an array of tables ([[{}]]), got {}", child_path, toml_type_name(*node)));
          break;
        }
        toml::array resolved;
        for (std::size_t i = 0; i < a->size(); ++i) {
          const toml::table& item = *a->get(i)->as_table();
          const std::string item_path = fmt::format("{}[{}]", child_path, i);
          if (const Field* item_schema = f.item_schema(item, item_path, diagnostics))
            resolved.push_back(validate(item, *item_schema, item_path, diagnostics));
        }
        out.insert(f.key, std::move(resolved));
        break;
      }
      case Kind::free_table: {
        const toml::table* t = node->as_table();
        if (t == nullptr) {
          error(diagnostics, location_of(*node), child_path, fmt::format("expected a table, got {}", toml_type_name(*node)));
          break;
        }
        f.free_validator(*t, child_path, diagnostics);
        out.insert(f.key, toml::table(*t));
        break;
      }
      default:
        if (auto v = validate_value(*node, f, child_path, diagnostics)) out.insert(f.key, std::move(*v));
    }
  }
  return out;
}

double quantity(const toml::table& table, std::string_view key, std::string_view unit) {
  const auto v = table[key].value<std::string>();
  if (!v) throw std::logic_error(fmt::format("resolved scenario has no quantity '{}'", key));
  return units::from_si(units::parse_as(*v, unit), unit);
}

std::string string(const toml::table& table, std::string_view key) {
  const auto v = table[key].value<std::string>();
  if (!v) throw std::logic_error(fmt::format("resolved scenario has no string '{}'", key));
  return *v;
}

std::vector<double> quantity_list(const toml::table& table, std::string_view key, std::string_view unit) {
  std::vector<double> out;
  if (const toml::array* a = table[key].as_array()) {
    for (const auto& item : *a) out.push_back(units::from_si(units::parse_as(*item.value<std::string>(), unit), unit));
  }
  return out;
}

std::vector<GivenKey> conditional_keys(const toml::table& input, const Field& schema, const std::string& path,
                                       const std::vector<std::string>& owner) {
  std::vector<GivenKey> out;
  for (const Field& f : schema.children) {
    const toml::node* node = input.get(f.key);
    if (node == nullptr) continue;
    const std::string name = join_path(path, f.key);
    if (f.no_effect_when) out.push_back({&f, name, owner, location_of(*node)});
    std::vector<std::string> inner_owner = owner;
    inner_owner.push_back(f.key);
    std::vector<GivenKey> inner;
    if (f.kind == Kind::table && node->is_table()) inner = conditional_keys(*node->as_table(), f, name, inner_owner);
    if (f.kind == Kind::table_array && f.item_schema && node->is_array())
      for (std::size_t i = 0; i < node->as_array()->size(); ++i) {
        const toml::table* item = node->as_array()->get(i)->as_table();
        std::vector<Diagnostic> ignored;  // reported when the input is validated
        const Field* item_schema = item ? f.item_schema(*item, name, ignored) : nullptr;
        if (item_schema == nullptr) continue;
        std::vector<std::string> item_owner = inner_owner;
        item_owner.push_back(fmt::format("[{}]", i));
        auto keys = conditional_keys(*item, *item_schema, fmt::format("{}[{}]", name, i), item_owner);
        inner.insert(inner.end(), keys.begin(), keys.end());
      }
    out.insert(out.end(), inner.begin(), inner.end());
  }
  return out;
}

void warn_ineffective(const std::vector<GivenKey>& given, const toml::table& resolved, std::vector<Diagnostic>& diagnostics) {
  // The resolved table that holds a key; null where the resolved scenario lacks it.
  const auto owner_of = [&](const GivenKey& k) -> const toml::table* {
    const toml::node* node = &resolved;
    for (const std::string& segment : k.owner) {
      if (node == nullptr) return nullptr;
      if (segment.starts_with('[')) {
        const toml::array* a = node->as_array();
        const std::size_t index = std::stoul(segment.substr(1));
        node = a != nullptr && index < a->size() ? a->get(index) : nullptr;
      } else {
        const toml::table* t = node->as_table();
        node = t != nullptr ? t->get(segment) : nullptr;
      }
    }
    return node != nullptr ? node->as_table() : nullptr;
  };
  const auto reason = [&](const GivenKey& k) {
    const toml::table* owner = owner_of(k);
    return owner != nullptr ? k.field->no_effect_when(resolved, *owner) : std::string();
  };
  for (const GivenKey& k : given) {
    // A table that has no effect covers its keys: one warning for [repair.conduit], not five.
    if (std::any_of(given.begin(), given.end(),
                    [&](const GivenKey& outer) { return k.path.starts_with(outer.path + ".") && !reason(outer).empty(); }))
      continue;
    const std::string why = reason(k);
    if (!why.empty()) warning(diagnostics, k.where, k.path, fmt::format("has no effect here: {}; it is ignored", why));
  }
}

std::string to_markdown(const Field& schema, const std::string& prefix) {
  std::string out;
  for (const Field& f : schema.children) {
    const std::string name = prefix.empty() ? f.key : prefix + "." + f.key;
    std::string detail;
    if (f.kind == Kind::quantity || f.kind == Kind::quantity_list) detail += fmt::format(" Unit like `{}`.", f.unit);
    if (!f.choices.empty()) detail += fmt::format(" One of: `{}`.", fmt::join(f.choices, "`, `"));
    if (!std::isinf(f.hard.low) || !std::isinf(f.hard.high))
      detail += fmt::format(" Allowed: {}.", range_text(f.hard, f.unit.empty() ? "1" : f.unit));
    if (f.required)
      detail += " Required.";
    else if (!f.default_text.empty())
      detail += fmt::format(" Default `{}`.", f.default_text);
    else if (!f.default_list.empty())
      detail += fmt::format(" Default `[{}]`.", fmt::join(f.default_list, ", "));
    out += fmt::format("- `{}`: {}.{}\n", name, f.doc, detail);
    if (f.kind == Kind::table || f.kind == Kind::table_map) {
      out += to_markdown(f, f.kind == Kind::table_map ? name + ".<name>" : name);
    }
  }
  return out;
}

}  // namespace bungner::schema
