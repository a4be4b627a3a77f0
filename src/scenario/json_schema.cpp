#include "bungner/scenario/json_schema.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "bungner/scenario/scenario.hpp"
#include "bungner/scenario/schema.hpp"

namespace bungner::schema {
namespace {

using Json = nlohmann::ordered_json;

// A quantity is written as a string that starts with a number ("10 mm", "3 mm/day"); the unit is
// checked by bungner, which knows its dimension: the pattern only catches a missing number.
constexpr const char* quantity_pattern = R"(^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*\S)";

std::string description(const Field& f) {
  std::string text = f.doc;
  if (!f.unit.empty() && (f.kind == Kind::quantity || f.kind == Kind::quantity_list)) text += fmt::format(" [{}]", f.unit);
  if (!f.default_text.empty()) text += fmt::format(" (default: {})", f.default_text);
  if (std::isfinite(f.hard.low) || std::isfinite(f.hard.high))
    if (f.kind == Kind::quantity || f.kind == Kind::quantity_list)
      text += fmt::format("; allowed {} .. {} {}", f.hard.low, f.hard.high, f.unit);
  return text;
}

void bounds(const Field& f, Json& out) {
  if (std::isfinite(f.hard.low)) out["minimum"] = f.hard.low;
  if (std::isfinite(f.hard.high)) out["maximum"] = f.hard.high;
}

Json field_schema(const Field& f, const Registry& registry);

Json table_schema(const std::vector<Field>& children, const Registry& registry) {
  Json out = {{"type", "object"}, {"properties", Json::object()}};
  Json required = Json::array();
  for (const Field& c : children) {
    out["properties"][c.key] = field_schema(c, registry);
    if (c.required) required.push_back(c.key);
  }
  if (!required.empty()) out["required"] = required;
  out["additionalProperties"] = false;
  return out;
}

Json field_schema(const Field& f, const Registry& registry) {
  Json out;
  switch (f.kind) {
    case Kind::quantity: out = {{"type", "string"}, {"pattern", quantity_pattern}}; break;
    case Kind::number:
      out = {{"type", "number"}};
      bounds(f, out);
      break;
    case Kind::integer:
      out = {{"type", "integer"}};
      bounds(f, out);
      break;
    case Kind::string: out = {{"type", "string"}}; break;
    case Kind::choice: out = {{"enum", f.choices}}; break;
    case Kind::boolean: out = {{"type", "boolean"}}; break;
    case Kind::quantity_list: out = {{"type", "array"}, {"items", {{"type", "string"}, {"pattern", quantity_pattern}}}}; break;
    case Kind::string_list: out = {{"type", "array"}, {"items", {{"type", "string"}}}}; break;
    case Kind::table: out = table_schema(f.children, registry); break;
    case Kind::table_map: out = {{"type", "object"}, {"additionalProperties", table_schema(f.children, registry)}}; break;
    case Kind::table_array:
      if (f.key == "therapies") {
        // One alternative per therapy, told apart by `type`.
        Json alternatives = Json::array();
        for (const TherapyEntry& t : registry.therapies()) {
          Json item = table_schema(t.schema.children, registry);
          Json properties = {{"type", {{"const", t.name}, {"description", t.summary}}}};
          properties.update(item["properties"]);
          item["properties"] = properties;
          item["required"] = Json::array({"type"});
          for (const Field& c : t.schema.children)
            if (c.required) item["required"].push_back(c.key);
          item["title"] = t.name;
          alternatives.push_back(item);
        }
        out = {{"type", "array"}, {"items", {{"oneOf", alternatives}}}};
      } else {
        // Items whose schema does not depend on their keys (a study's arms) are described.
        std::vector<Diagnostic> ignored;
        const Field* item = f.item_schema ? f.item_schema(toml::table{}, f.key, ignored) : nullptr;
        out = {{"type", "array"}, {"items", item != nullptr ? table_schema(item->children, registry) : Json{{"type", "object"}}}};
      }
      break;
    case Kind::free_table:
      if (f.key == "parameters") {
        // Every declared parameter: a quantity with its unit, or a number where it has none.
        Json properties = Json::object();
        for (const ParameterSpec& p : registry.parameters().all()) {
          Json value = p.unit == "1" ? Json{{"type", "number"}} : Json{{"type", "string"}, {"pattern", quantity_pattern}};
          if (p.unit == "1") {
            value["minimum"] = p.hard.low;
            value["maximum"] = p.hard.high;
          }
          value["description"] = fmt::format("{} [{}] (default {}; plausible {} .. {}); source: {}", p.meaning, p.unit,
                                             p.default_value, p.plausible.low, p.plausible.high, p.source);
          properties[p.name] = value;
        }
        out = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
      } else {
        out = {{"type", "object"}};
      }
      break;
  }
  const std::string text = description(f);
  if (!text.empty()) out["description"] = text;
  return out;
}

}  // namespace

std::string scenario_json_schema(const Registry& registry) {
  const Field& core = core_schema();
  Json schema = table_schema(core.children, registry);
  Json out = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"title", "bungner scenario"},
              {"description",
               "A bungner scenario file (TOML), generated by `bungner schema --json` from the schema and registry that "
               "validate scenarios. Units inside quantity strings are checked by `bungner check`, not here."}};
  out.update(schema);
  return out.dump(2) + "\n";
}

std::string table_json_schema(const Field& table, const Registry& registry, const std::string& title) {
  Json out = {{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"title", title}};
  out.update(table_schema(table.children, registry));
  return out.dump(2) + "\n";
}

}  // namespace bungner::schema
