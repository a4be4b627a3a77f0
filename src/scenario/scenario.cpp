#include "bungner/scenario/scenario.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "bungner/core/sha256.hpp"
#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"

namespace bungner {

using schema::Field;
using schema::Kind;

namespace {

Field quantity(std::string key, std::string doc, std::string unit, std::string default_text, Range hard,
               Range plausible = {-schema::unbounded, schema::unbounded}) {
  Field f{.key = std::move(key),
          .kind = Kind::quantity,
          .doc = std::move(doc),
          .unit = std::move(unit),
          .default_text = std::move(default_text),
          .hard = hard,
          .plausible = plausible};
  f.required = f.default_text.empty();
  return f;
}

Field choice(std::string key, std::string doc, std::vector<std::string> choices, std::string default_text) {
  Field f{.key = std::move(key),
          .kind = Kind::choice,
          .doc = std::move(doc),
          .default_text = std::move(default_text),
          .choices = std::move(choices)};
  f.required = f.default_text.empty();
  return f;
}

Field table(std::string key, std::string doc, std::vector<Field> children) {
  return Field{.key = std::move(key), .kind = Kind::table, .doc = std::move(doc), .children = std::move(children)};
}

Field build_core_schema() {
  Field root = table("", "scenario", {});
  root.children = {
      Field{.key = "title", .kind = Kind::string, .doc = "short title shown in reports", .default_text = ""},
      Field{.key = "description", .kind = Kind::string, .doc = "free text", .default_text = ""},
      choice("species", "species of the subject; selects the preset data/presets/<species>-<nerve>.toml",
             {"rat", "mouse", "rabbit", "human"}, ""),
      Field{.key = "nerve", .kind = Kind::string, .doc = "injured nerve, e.g. sciatic, femoral, median, ulnar", .required = true},
      Field{.key = "seed",
            .kind = Kind::integer,
            .doc = "seed of all random draws of the run",
            .default_text = "1",
            .hard = {0, 9223372036854775807.0}},
      table("injury", "the injury",
            {choice("type",
                    "Seddon class of the injury; stretch: a traction injury in continuity (stretch_strain or "
                    "stretch_force)",
                    {"conduction_block", "crush", "stretch", "transection"}, ""),
             choice("sunderland_grade",
                    "Sunderland grade: I conduction block (type conduction_block); II axonotmesis, endoneurial "
                    "tubes intact, and III endoneurium disrupted (type crush); IV fascicles disrupted, nerve in "
                    "continuity, and V transection (type transection); auto: I, II or V from the type",
                    {"auto", "I", "II", "III", "IV", "V"}, "auto"),
             quantity("gap_length", "length of nerve missing after a transection", "mm", "0 mm", {0, 300}, {0, 60}),
             choice("branch",
                    "the branch injured: the whole nerve, or only the neurons of one branch's targets (the "
                    "preset's targets.<name>.branch); the others keep their axons",
                    {"whole", "tibial", "peroneal"}, "whole"),
             quantity("injured_share",
                      "share of the axons (of the injured branch) that the injury reaches; the others keep their "
                      "axons: a partial transection or crush",
                      "%", "100 %", {0, 100}, {1, 100}),
             quantity("crush_force",
                      "load on the jaws of a crush (type crush); 0: not given, every axon is cut and its endoneurial "
                      "tube kept (Sunderland II). Given, it sets with crush_duration and crush_length how many axons "
                      "are only blocked, cut, or cut with their tube disrupted",
                      "N", "0 N", {0, 5000}, {0, 300}),
             quantity("crush_duration", "how long the crush load is held (with crush_force)", "s", "30 s", {0.1, 86400},
                      {1, 21600}),
             quantity("crush_length", "length of nerve under the jaws (with crush_force)", "mm", "2 mm", {0.05, 30}, {0.2, 10}),
             quantity("stretch_strain",
                      "elongation of the stretched segment over its length in situ (type stretch); sets how many "
                      "axons are only blocked, cut (endoneurial tube kept) or torn with their tube",
                      "%", "0 %", {0, 100}, {0, 40}),
             quantity("stretch_force",
                      "traction force on the nerve (type stretch), instead of stretch_strain: turned into a strain by "
                      "the nerve's stiffness",
                      "N", "0 N", {0, 100}, {0, 10})}),

      table("repair", "the surgical repair",
            {choice("type", "repair technique", {"none", "direct_suture", "autograft", "decellularized_allograft", "conduit"},
                    "none"),
             quantity("timing", "time from injury to repair", "d", "0 d", {0, 7300}, {0, 1000}),
             choice("cross_suture",
                    "experimental design of Gordon and colleagues: suture to a freshly cut partner so that only "
                    "the neurons (fresh_distal_stump), only the distal stump (fresh_proximal_stump) or only the "
                    "muscle (fresh_nerve) is chronically denervated",
                    {"none", "fresh_distal_stump", "fresh_proximal_stump", "fresh_nerve"}, "none"),
             table("conduit", "nerve guidance conduit (repair.type = conduit)",
                   {choice("material", "wall material",
                           {"silicone", "collagen", "chitosan", "pcl", "plga", "pga", "fibrin", "vein"}, "silicone"),
                    quantity("length", "conduit length; 0 means gap length plus 2 mm in each stump", "mm", "0 mm", {0, 300}),
                    quantity("inner_diameter", "lumen diameter", "mm", "1.5 mm", {0.1, 30}, {0.5, 10}),
                    quantity("wall_permeability",
                             "solute permeability of the wall (default: the material's, data/materials/conduits.toml)", "cm/s",
                             "0 cm/s", {0, 1}),
                    quantity("degradation_time",
                             "time for the wall to lose its mechanical integrity; 0 means it does not degrade "
                             "(default: the material's, data/materials/conduits.toml)",
                             "d", "0 d", {0, 36500}),
                    choice("filler", "lumen filler", {"none", "saline", "collagen_gel", "fibrin", "hydrogel"}, "none")})}),
      table("anatomy", "nerve composition (from the preset; may be overridden)",
            {quantity("motor_neurons", "motor neurons whose axons run in the injured nerve", "cells", "", {0, 1e6}),
             quantity("sensory_neurons", "sensory neurons (myelinated fibres) of the injured nerve", "cells", "", {0, 1e7}),
             quantity("motor_conduction_velocity",
                      "normal motor nerve conduction velocity (0: unknown; readouts of conduction need it)", "m/s", "0 m/s",
                      {0, 150}),
             quantity("reference_body_weight",
                      "body weight the normal conduction velocity belongs to (0: none, no scaling by body weight)", "g", "0 g",
                      {0, 1e7}),
             quantity("body_weight",
                      "the animal's body weight (0: the reference); the normal conduction velocity scales as "
                      "a power of body_weight / reference_body_weight (`bungner params velocity_weight` shows the exponent)",
                      "g", "0 g", {0, 1e7}),
             quantity("endoneurial_area", "endoneurial cross-section of the nerve at the readout section (0: unknown)", "mm^2",
                      "0 mm^2", {0, 1000}),
             quantity("lesion_distance_from_cord",
                      "distance along the nerve from the spinal cord (the motoneurons' cell bodies) to the injury; "
                      "proximal lesions kill motoneurons (0: unknown, taken as distal)",
                      "mm", "0 mm", {0, 2000})}),
      Field{
          .key = "targets",
          .kind = Kind::table_map,
          .doc = "targets of the nerve (from the preset), by name",
          .children = {choice("kind", "target organ", {"muscle", "skin"}, "muscle"),
                       quantity("distance", "distance from the injury to the target along the nerve", "mm", "", {0.1, 2000}),
                       quantity("motor_share", "share of the nerve's motor axons that supply this target", "%", "0 %", {0, 100}),
                       quantity("sensory_share", "share of the nerve's sensory axons that supply this target", "%", "0 %",
                                {0, 100}),
                       choice("branch", "nerve branch that supplies the target (the SFI reads tibial and peroneal)",
                              {"none", "tibial", "peroneal", "other"}, "none"),
                       quantity("cmap_amplitude", "normal compound muscle action potential amplitude (0: unknown)", "mV", "0 mV",
                                {0, 200}),
                       quantity("distal_latency", "normal motor latency from the injury site to the muscle (0: unknown)", "ms",
                                "0 ms", {0, 100}),
                       quantity("tetanic_force", "normal maximal isometric tetanic force (0: unknown)", "N", "0 N", {0, 10000}),
                       quantity("wet_weight", "normal wet weight of the muscle (0: unknown)", "g", "0 g", {0, 10000}),
                       quantity("type_i_share", "share of slow type I fibres in the muscle (the rest: type IIA and IIX/IIB)", "%",
                                "40 %", {0, 100}),
                       quantity("type_iia_share", "share of fast fatigue-resistant type IIA fibres in the muscle", "%", "30 %",
                                {0, 100})}},
      Field{.key = "therapies", .kind = Kind::table_array, .doc = "therapies, each a [[therapies]] table with a type"},
      table("site", "the injury site in 3D (proximal stump, gap or bridge, distal stump)",
            {choice("model", "3d: cells, fields and growth cones at the injury site; off: the 0D/1D model alone", {"3d", "off"},
                    "off"),
             quantity("resolution", "voxel edge of the site's grid", "um", "100 um", {10, 1000}, {25, 250}),
             quantity("nerve_diameter", "diameter of the nerve (endoneurial space of its fascicles)", "mm", "1 mm", {0.05, 20},
                      {0.2, 8}),
             quantity("proximal_length", "proximal stump modelled in 3D", "mm", "1 mm", {0.1, 20}),
             quantity("distal_length", "distal stump modelled in 3D (axons pass on to the 1D nerve at its end)", "mm", "4 mm",
                      {0.5, 50}),
             quantity("distal_section", "distance of the distal readout section from the distal cut face", "mm", "3 mm",
                      {0.1, 50})}),
      table("simulation", "run control",
            {quantity("duration", "simulated time after injury", "d", "84 d", {0.04, 7305}, {1, 3650})}),
      table("readouts", "readout schedule",
            {Field{.key = "times",
                   .kind = Kind::quantity_list,
                   .doc = "times after injury at which readouts are taken",
                   .unit = "d",
                   .hard = {0, 7305},
                   .default_list = {"1 week", "2 weeks", "4 weeks", "8 weeks", "12 weeks"}},
             Field{.key = "include", .kind = Kind::string_list, .doc = "readouts to take (empty: all registered readouts)"}}),
      table("output", "run outputs",
            {Field{.key = "directory",
                   .kind = Kind::string,
                   .doc = "output directory (empty: runs/<scenario file stem>)",
                   .default_text = ""},
             quantity("timeseries_interval", "interval of timeseries.csv rows", "d", "1 d", {1.0 / 24.0, 365}),
             quantity("checkpoint_interval", "interval of checkpoints for `bungner run --resume DIR` (0: none)", "d", "0 d",
                      {0, 3650})}),
      Field{.key = "parameters",
            .kind = Kind::free_table,
            .doc = "model parameter overrides, \"<mechanism>.<name>\" = \"value unit\" (see `bungner params`)"},
  };
  // Keys that only some scenarios read: given where they are not read, they are warned about.
  for (Field& section : root.children) {
    if (section.key == "repair")
      for (Field& f : section.children)
        if (f.key == "conduit")
          f.no_effect_when = [](const toml::table& r, const toml::table&) -> std::string {
            const std::string type = r["repair"]["type"].value_or(std::string());
            return type == "conduit" ? "" : fmt::format("repair.type is '{}', not 'conduit'", type);
          };
    if (section.key == "site")
      for (Field& f : section.children)
        if (f.key != "model")
          f.no_effect_when = [](const toml::table& r, const toml::table&) -> std::string {
            if (r["site"]["model"].value_or(std::string()) != "3d") return "site.model is 'off' (the site is not modelled in 3D)";
            if (r["injury"]["type"].value_or(std::string()) == "conduction_block")
              return "a conduction block has no injury site to model in 3D";
            return "";
          };
  }
  return root;
}

std::string node_text(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](auto&& v) { out << v; });
  return out.str();
}

/// Inserts (or replaces) a copy of any TOML node, keeping its source location.
void insert_copy(toml::table& into, std::string_view key, const toml::node& node) {
  node.visit([&](auto&& v) { into.insert_or_assign(key, v); });
}

/// Parses a parameter value node against its spec; returns the value in the spec's unit.
std::optional<double> parse_parameter(const toml::node& node, const ParameterSpec& spec, const std::string& path,
                                      std::vector<Diagnostic>& diagnostics) {
  const SourceLocation where = schema::location_of(node);
  double value = 0;
  try {
    if (node.is_string()) {
      // Unit conversion through SI can cost an ulp ("3.97 mg/kg/day" -> 3.9699999999999998);
      // 15 significant digits give back the decimal the user wrote, so print-config round-trips.
      value = text::parse_double(
                  fmt::format("{:.15g}", units::from_si(units::parse_as(*node.value<std::string>(), spec.unit), spec.unit)))
                  .value();
    } else if (node.is_number() && units::parse_unit(spec.unit).dimension.dimensionless()) {
      value = units::from_si(units::to_si(*node.value<double>(), "1"), spec.unit);
    } else if (node.is_number()) {
      schema::error(
          diagnostics, where, path,
          fmt::format("missing unit: write the value as a string with a unit, e.g. \"{} {}\"", node_text(node), spec.unit));
      return std::nullopt;
    } else {
      schema::error(diagnostics, where, path, "expected a quantity string such as \"3 " + spec.unit + "\"");
      return std::nullopt;
    }
  } catch (const units::UnitError& e) {
    schema::error(diagnostics, where, path, e.what());
    return std::nullopt;
  }
  if (!spec.hard.contains(value)) {
    schema::error(diagnostics, where, path,
                  fmt::format("value {} {} is outside the allowed range {} to {} {}", text::format_double(value), spec.unit,
                              text::format_double(spec.hard.low), text::format_double(spec.hard.high), spec.unit));
    return std::nullopt;
  }
  if (!spec.plausible.contains(value)) {
    schema::warning(diagnostics, where, path,
                    fmt::format("value {} {} is outside the plausible range {} to {} {}", text::format_double(value), spec.unit,
                                text::format_double(spec.plausible.low), text::format_double(spec.plausible.high), spec.unit));
  }
  return value;
}

/// Flattens nested parameter tables into (dotted name, node) pairs.
void flatten(const toml::table& t, const std::string& prefix, std::vector<std::pair<std::string, const toml::node*>>& out) {
  for (auto&& [k, v] : t) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table(); sub != nullptr && !sub->contains("value"))
      flatten(*sub, name, out);
    else
      out.emplace_back(name, &v);
  }
}

std::string origin_of(const toml::node& node, std::string_view what) {
  const SourceLocation where = schema::location_of(node);
  // Values inserted by --set (or --design) are copies, and toml++ copies carry no source.
  if (where.file.empty()) return "command line (--set or --design)";
  return fmt::format("{} {}:{}", what, where.file, where.line);
}

/// Reads the scenario's [parameters] table into assignments.
void read_parameter_overrides(const toml::table& table, const std::string& path, const ParameterRegistry& registry,
                              std::vector<ParameterAssignment>& assignments, std::vector<Diagnostic>& diagnostics) {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  flatten(table, "", entries);
  const std::vector<std::string> names = registry.names();
  for (const auto& [name, node] : entries) {
    const std::string key_path = path + "." + name;
    const ParameterSpec* spec = registry.find(name);
    if (spec == nullptr) {
      std::string message = "unknown parameter";
      if (auto s = text::did_you_mean(name, names)) message += fmt::format("; did you mean '{}'?", *s);
      message += " (`bungner params` lists them)";
      schema::error(diagnostics, schema::location_of(*node), key_path, message);
      continue;
    }
    if (auto v = parse_parameter(*node, *spec, key_path, diagnostics)) {
      const std::string origin = origin_of(*node, "scenario");
      assignments.push_back(ParameterAssignment{name, *v, "set by the user (" + origin + ")", origin});
    }
  }
}

/// Parses a TOML file or text, turning a parse error into a located diagnostic.
toml::table parse_toml(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& s = e.source();
    throw InputError(SourceLocation{name, static_cast<int>(s.begin.line), static_cast<int>(s.begin.column)}, "",
                     fmt::format("invalid TOML: {}", e.description()));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path, 0, 0}, "", "cannot open file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Applies `--set` overrides onto the raw input table before validation.
void apply_overrides(toml::table& input, const std::vector<Override>& overrides, std::vector<Diagnostic>& diagnostics) {
  for (const Override& o : overrides) {
    const std::string origin = fmt::format("--set {}={}", o.key, o.value);
    std::vector<std::string> path = text::split(o.key, '.');
    // Parameter names contain dots: everything after "parameters." is one key.
    if (path.size() > 2 && path[0] == "parameters") {
      std::string name = path[1];
      for (std::size_t i = 2; i < path.size(); ++i) name += "." + path[i];
      path = {"parameters", name};
    }
    toml::table* t = &input;
    bool ok = true;
    for (std::size_t i = 0; i + 1 < path.size() && ok; ++i) {
      toml::node* child = t->get(path[i]);
      if (child == nullptr) {
        t->insert(path[i], toml::table{});
        child = t->get(path[i]);
      }
      if (toml::array* a = child->as_array()) {
        // therapies.0.dose: a numeric segment indexes an array of tables.
        ++i;
        char* end = nullptr;
        const unsigned long index = std::strtoul(path[i].c_str(), &end, 10);
        if (i + 1 >= path.size() || *end != '\0' || index >= a->size() || !a->get(index)->is_table()) {
          schema::error(diagnostics, SourceLocation{origin, 1, 1}, o.key, "no such array element to override");
          ok = false;
          break;
        }
        t = a->get(index)->as_table();
        continue;
      }
      t = child->as_table();
      if (t == nullptr) {
        schema::error(diagnostics, SourceLocation{origin, 1, 1}, o.key, "cannot override inside a non-table value");
        ok = false;
      }
    }
    if (!ok) continue;
    // A value that parses as TOML keeps its type (numbers, booleans, arrays); anything else is a string.
    try {
      const toml::table parsed = toml::parse("v = " + o.value, origin);
      insert_copy(*t, path.back(), *parsed.get("v"));
    } catch (const toml::parse_error&) {
      t->insert_or_assign(path.back(), o.value);
    }
  }
}

struct PresetData {
  std::string path;
  toml::table table;
};

PresetData load_preset(const toml::table& input, const std::string& scenario_name, std::vector<Diagnostic>& diagnostics) {
  const auto species = input["species"].value<std::string>();
  const auto nerve = input["nerve"].value<std::string>();
  if (!species || !nerve) return {};
  const std::filesystem::path dir = std::filesystem::path(data_directory()) / "presets";
  const std::string stem = *species + "-" + *nerve;
  // Preset names are short identifiers; anything else cannot name a file and is reported as such.
  const bool plain = nerve->size() <= 64 && std::all_of(nerve->begin(), nerve->end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                     });
  const std::filesystem::path file = dir / (stem + ".toml");
  std::error_code exists_error;
  if (!plain || !std::filesystem::exists(file, exists_error)) {
    std::vector<std::string> available;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
      if (entry.path().extension() == ".toml") available.push_back(entry.path().stem().string());
    std::sort(available.begin(), available.end());
    const std::string shown = nerve->size() > 64 ? nerve->substr(0, 64) + "..." : *nerve;
    std::string message = fmt::format("no preset for species '{}' and nerve '{}'", *species, shown);
    if (plain)
      if (auto s = text::did_you_mean(stem, available)) message += fmt::format("; did you mean '{}'?", *s);
    message += fmt::format(" (available: {})", fmt::join(available, ", "));
    const toml::node* at = input.get("nerve");
    schema::error(diagnostics, at ? schema::location_of(*at) : SourceLocation{scenario_name, 1, 1}, "nerve", message);
    return {};
  }
  return PresetData{file.string(), parse_toml(read_file(file.string()), file.string())};
}

/// Reads a preset value `{ value = ..., source = ... }`, checks its citation, returns the value node.
const toml::node* preset_value(const toml::node& node, const std::string& key, std::string& source,
                               std::vector<Diagnostic>& diagnostics) {
  const toml::table* t = node.as_table();
  const toml::node* value = t ? t->get("value") : nullptr;
  const auto src = t ? (*t)["source"].value<std::string>() : std::nullopt;
  if (value == nullptr || !src) {
    schema::error(diagnostics, schema::location_of(node), key,
                  "preset values are written { value = \"...\", source = \"DOI/PMID or assumption\" }");
    return nullptr;
  }
  if (!is_acceptable_source(*src)) {
    schema::error(diagnostics, schema::location_of(node), key, "source must give a DOI, PMID or PMC id, or say 'assumption'");
    return nullptr;
  }
  source = *src;
  return value;
}

/// Merges preset anatomy, site and targets under the scenario's own values and reads preset parameters.
void merge_preset(toml::table& input, const PresetData& preset, const ParameterRegistry& registry, Scenario& scenario,
                  std::vector<Diagnostic>& diagnostics) {
  const auto merge_section = [&](const toml::table& from, toml::table& into, const std::string& prefix) {
    for (auto&& [k, v] : from) {
      const std::string key = prefix + "." + std::string(k.str());
      if (v.is_string()) {  // plain strings (kind = "muscle") need no citation
        if (!into.contains(k.str())) insert_copy(into, k.str(), v);
        continue;
      }
      std::string source;
      const toml::node* value = preset_value(v, key, source, diagnostics);
      if (value == nullptr || into.contains(k.str())) continue;
      insert_copy(into, k.str(), *value);
      scenario.value_sources[key] = source;
    }
  };
  for (const char* section : {"anatomy", "site"}) {
    if (const toml::table* from = preset.table[section].as_table()) {
      if (!input.contains(section)) input.insert(section, toml::table{});
      if (toml::table* into = input[section].as_table()) merge_section(*from, *into, section);
    }
  }
  if (const toml::table* targets = preset.table["targets"].as_table()) {
    if (!input.contains("targets")) input.insert("targets", toml::table{});
    if (toml::table* into_targets = input["targets"].as_table()) {
      for (auto&& [name, target] : *targets) {
        if (!into_targets->contains(name.str())) into_targets->insert(name.str(), toml::table{});
        const toml::table* from = target.as_table();
        toml::table* into = (*into_targets)[name.str()].as_table();
        if (from && into) merge_section(*from, *into, "targets." + std::string(name.str()));
      }
    }
  }
  if (const toml::table* params = preset.table["parameters"].as_table()) {
    for (auto&& [k, v] : *params) {
      const std::string name(k.str());
      const ParameterSpec* spec = registry.find(name);
      if (spec == nullptr) {
        schema::error(diagnostics, schema::location_of(k), "parameters." + name, "unknown parameter in preset");
        continue;
      }
      std::string source;
      const toml::node* value = preset_value(v, "parameters." + name, source, diagnostics);
      if (value == nullptr) continue;
      if (auto parsed = parse_parameter(*value, *spec, "parameters." + name, diagnostics))
        scenario.assignments.push_back(ParameterAssignment{name, *parsed, source, origin_of(*value, "preset")});
    }
  }
}

/// Fills repair.conduit.wall_permeability and degradation_time that the scenario leaves out with
/// the values of the conduit's material preset (data/materials/conduits.toml), with their sources.
void merge_material(toml::table& input, Scenario& scenario, std::vector<Diagnostic>& diagnostics) {
  // Anything but tables here is reported by the schema.
  if (input.contains("repair") && !input["repair"].is_table()) return;
  if (input["repair"]["conduit"] && !input["repair"]["conduit"].is_table()) return;
  const std::string material = input["repair"]["conduit"]["material"].value_or(std::string("silicone"));
  const std::filesystem::path file = std::filesystem::path(data_directory()) / "materials" / "conduits.toml";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return;
  const toml::table materials = parse_toml(read_file(file.string()), file.string());
  const toml::table* entry = materials[material].as_table();
  if (entry == nullptr) return;  // an unknown material is reported by the schema
  if (!input.contains("repair")) input.insert("repair", toml::table{});
  toml::table& repair_table = *input["repair"].as_table();
  if (!repair_table.contains("conduit")) repair_table.insert("conduit", toml::table{});
  toml::table& conduit = *repair_table["conduit"].as_table();
  for (const char* key : {"wall_permeability", "degradation_time"}) {
    const toml::node* node = entry->get(key);
    if (node == nullptr || conduit.contains(key)) continue;
    std::string source;
    const std::string path = std::string("repair.conduit.") + key;
    if (const toml::node* value = preset_value(*node, path, source, diagnostics)) {
      insert_copy(conduit, key, *value);
      scenario.value_sources[path] = source + " (material " + material + ")";
    }
  }
}

const toml::node* find_node(const toml::table& t, std::initializer_list<std::string_view> path) {
  const toml::node* node = &t;
  for (std::string_view key : path) {
    const toml::table* table = node ? node->as_table() : nullptr;
    node = table ? table->get(key) : nullptr;
  }
  return node;
}

SourceLocation where_or(const toml::table& input, std::initializer_list<std::string_view> path, const std::string& name) {
  const toml::node* node = find_node(input, path);
  return node ? schema::location_of(*node) : SourceLocation{name, 1, 1};
}

/// Therapies against the rest of the scenario: none may start after the end of the simulation, and
/// each therapy's own rules (TherapyEntry::check). Problems point at the item's key in the input.
void check_therapies(const toml::table& input, const toml::table& resolved, const std::string& name, const Registry& registry,
                     std::vector<Diagnostic>& diagnostics) {
  const toml::array* items = resolved["therapies"].as_array();
  if (items == nullptr) return;
  const toml::array* given = input["therapies"].as_array();
  const double duration = schema::quantity(*resolved["simulation"].as_table(), "duration", "d");
  for (std::size_t i = 0; i < items->size(); ++i) {
    const toml::table& item = *items->get(i)->as_table();
    const toml::table* source = given && i < given->size() ? given->get(i)->as_table() : nullptr;
    const auto where = [&](const std::string& key) {
      const toml::node* node = source && !key.empty() ? source->get(key) : nullptr;
      if (node == nullptr && source != nullptr) node = source->get("type");
      return node ? schema::location_of(*node) : SourceLocation{name, 1, 1};
    };
    const std::string path = fmt::format("therapies[{}]", i);
    const std::string type = *item["type"].value<std::string>();
    if (item.contains("start") && schema::quantity(item, "start", "d") >= duration) {
      schema::error(diagnostics, where("start"), path + ".start",
                    fmt::format("{} starts at {} d, not before the end of the simulation ({} d)", type,
                                text::format_double(schema::quantity(item, "start", "d")), text::format_double(duration)));
    }
    const TherapyEntry* entry = registry.therapy(type);
    if (entry == nullptr || !entry->check) continue;
    for (const TherapyProblem& p : entry->check(item, resolved))
      schema::error(diagnostics, where(p.key), p.key.empty() ? path : path + "." + p.key, p.message);
  }
}

/// Observation names for suggestions: each readout's observation globs with `*` replaced by each
/// of the scenario's targets (a numbered graft's `name.*` is left out: `name` stands for it).
std::vector<std::pair<std::string, std::string>> observation_candidates(const toml::table& resolved, const Registry& registry) {
  std::vector<std::string> targets;
  if (const toml::table* t = resolved["targets"].as_table())
    for (auto&& [k, v] : *t) targets.emplace_back(k.str());
  std::vector<std::pair<std::string, std::string>> out;  // (observation, module)
  for (const auto& r : registry.readouts())
    for (const std::string& pattern : r.observations) {
      const auto star = pattern.find('*');
      if (star == std::string::npos) {
        out.emplace_back(pattern, r.name);
        continue;
      }
      const std::string prefix = pattern.substr(0, star);
      if (prefix.ends_with('.') &&
          std::find(r.observations.begin(), r.observations.end(), prefix.substr(0, prefix.size() - 1)) != r.observations.end())
        continue;
      for (const auto& target : targets) out.emplace_back(prefix + target + pattern.substr(star + 1), r.name);
    }
  return out;
}

/// `readouts.include` takes readout modules (`bungner list readouts`) and observation names (as a
/// study's `readouts` does); an observation selects the modules that give it (Model::compile).
void check_readout_include(const toml::table& input, const toml::table& resolved, const std::string& name,
                           const Registry& registry, std::vector<Diagnostic>& diagnostics) {
  const toml::array* include = resolved["readouts"]["include"].as_array();
  if (include == nullptr) return;
  std::vector<std::string> modules;
  for (const auto& r : registry.readouts()) modules.push_back(r.name);
  const toml::array* given =
      find_node(input, {"readouts", "include"}) ? find_node(input, {"readouts", "include"})->as_array() : nullptr;
  const auto candidates = observation_candidates(resolved, registry);
  // A numbered graft's observations (msc_cells.2) are taken as their globs declare them.
  const auto numbered = [&](const std::string& r) {
    for (const auto& entry : registry.readouts())
      for (const std::string& p : entry.observations)
        if (p.ends_with(".*") && text::glob_match(p, r) &&
            std::find(entry.observations.begin(), entry.observations.end(), p.substr(0, p.size() - 2)) !=
                entry.observations.end())
          return true;
    return false;
  };
  for (std::size_t i = 0; i < include->size(); ++i) {
    const std::string r = *include->get(i)->value<std::string>();
    // A module, or an observation of this scenario's targets (mune.<muscle>: a misspelt muscle is an error).
    if (std::find(modules.begin(), modules.end(), r) != modules.end() || numbered(r) ||
        std::any_of(candidates.begin(), candidates.end(), [&](const auto& c) { return c.first == r; }))
      continue;
    std::string message = fmt::format("'{}' is neither a readout module nor an observation", r);
    std::vector<std::string> names = modules;
    for (const auto& [observation, module] : candidates) names.push_back(observation);
    if (auto s = text::did_you_mean(r, names)) {
      const auto it = std::find_if(candidates.begin(), candidates.end(), [&](const auto& c) { return c.first == *s; });
      if (it == candidates.end())
        message += fmt::format("; did you mean the readout module '{}'?", *s);
      else
        message += fmt::format("; did you mean '{}', an observation of the readout module '{}'?", *s, it->second);
    }
    message += " (`bungner list readouts` lists the modules and their observations)";
    const toml::node* at = given != nullptr && i < given->size() ? given->get(i) : nullptr;
    schema::error(diagnostics, at ? schema::location_of(*at) : where_or(input, {"readouts", "include"}, name),
                  fmt::format("readouts.include[{}]", i), message);
  }
}

/// Cross-field rules that a per-key schema cannot express.
void check_consistency(const toml::table& input, const toml::table& resolved, const std::string& name, const Registry& registry,
                       std::vector<Diagnostic>& diagnostics) {
  const std::string injury = schema::string(*resolved["injury"].as_table(), "type");
  const std::string repair = schema::string(*resolved["repair"].as_table(), "type");
  const double gap = schema::quantity(*resolved["injury"].as_table(), "gap_length", "mm");
  if (injury != "transection" && repair != "none") {
    schema::error(diagnostics, where_or(input, {"repair", "type"}, name), "repair.type",
                  fmt::format("a {} leaves the nerve in continuity: there is nothing to repair (use 'none')", injury));
  }
  if (injury != "transection" && gap > 0) {
    schema::error(diagnostics, where_or(input, {"injury", "gap_length"}, name), "injury.gap_length",
                  "only a transection can leave a gap");
  }
  const std::string grade = schema::string(*resolved["injury"].as_table(), "sunderland_grade");
  const bool grade_fits = grade == "auto" || (grade == "I" && injury == "conduction_block") ||
                          ((grade == "II" || grade == "III") && injury == "crush") ||
                          ((grade == "IV" || grade == "V") && injury == "transection");
  if (!grade_fits) {
    schema::error(diagnostics, where_or(input, {"injury", "sunderland_grade"}, name), "injury.sunderland_grade",
                  fmt::format("Sunderland grade {} does not fit injury type '{}' (I: conduction_block; II, III: "
                              "crush; IV, V: transection)",
                              grade, injury));
  }
  const double crush_force = schema::quantity(*resolved["injury"].as_table(), "crush_force", "N");
  if (crush_force > 0 && injury != "crush") {
    schema::error(diagnostics, where_or(input, {"injury", "crush_force"}, name), "injury.crush_force",
                  fmt::format("only a crush has a crush load (injury type is '{}')", injury));
  } else if (crush_force > 0 && grade != "auto") {
    schema::error(diagnostics, where_or(input, {"injury", "sunderland_grade"}, name), "injury.sunderland_grade",
                  "a crush load sets the share of axons at each Sunderland grade: leave sunderland_grade at 'auto'");
  }
  const toml::table& injury_table = *resolved["injury"].as_table();
  const double stretch_strain = schema::quantity(injury_table, "stretch_strain", "%");
  const double stretch_force = schema::quantity(injury_table, "stretch_force", "N");
  if (injury == "stretch") {
    if (grade != "auto")
      schema::error(diagnostics, where_or(input, {"injury", "sunderland_grade"}, name), "injury.sunderland_grade",
                    "a stretch's strain sets the share of axons at each Sunderland grade: leave sunderland_grade at "
                    "'auto'");
    if ((stretch_strain > 0) == (stretch_force > 0))
      schema::error(diagnostics, where_or(input, {"injury", "type"}, name), "injury.type",
                    "a stretch needs exactly one of injury.stretch_strain and injury.stretch_force");
  } else {
    for (const auto& [key, value] : {std::pair{"stretch_strain", stretch_strain}, std::pair{"stretch_force", stretch_force}})
      if (value > 0)
        schema::error(diagnostics, where_or(input, {"injury", key}, name), std::string("injury.") + key,
                      fmt::format("only a stretch has a {} (injury type is '{}')", key, injury));
  }
  if (grade == "IV" && gap > 0) {
    schema::error(diagnostics, where_or(input, {"injury", "gap_length"}, name), "injury.gap_length",
                  "a Sunderland grade IV injury leaves the nerve in continuity: it has no gap");
  }
  const std::string injured_branch = schema::string(*resolved["injury"].as_table(), "branch");
  if (injured_branch != "whole") {
    bool found = false;
    if (const toml::table* targets = resolved["targets"].as_table())
      for (auto&& [k, v] : *targets)
        if (const toml::table* t = v.as_table()) found = found || (*t)["branch"].value_or(std::string()) == injured_branch;
    if (!found)
      schema::error(diagnostics, where_or(input, {"injury", "branch"}, name), "injury.branch",
                    fmt::format("no target of this nerve lies in the {} branch (targets.<name>.branch)", injured_branch));
    if (injury == "conduction_block")
      schema::error(diagnostics, where_or(input, {"injury", "branch"}, name), "injury.branch",
                    "a branch lesion is a crush or a transection");
  }
  if (schema::quantity(*resolved["injury"].as_table(), "injured_share", "%") < 100 && injury == "conduction_block")
    schema::error(diagnostics, where_or(input, {"injury", "injured_share"}, name), "injury.injured_share",
                  "a partial lesion is a crush or a transection");
  if (gap > 0 && repair == "direct_suture") {
    schema::error(diagnostics, where_or(input, {"repair", "type"}, name), "repair.type",
                  "a gap cannot be closed by direct suture; use autograft, decellularized_allograft or conduit");
  }
  if (const toml::table* targets = resolved["targets"].as_table()) {
    double motor = 0, sensory = 0;
    for (auto&& [k, v] : *targets) {
      motor += schema::quantity(*v.as_table(), "motor_share", "%");
      sensory += schema::quantity(*v.as_table(), "sensory_share", "%");
    }
    if (motor > 100.0 + 1e-9 || sensory > 100.0 + 1e-9)
      schema::error(diagnostics, where_or(input, {"targets"}, name), "targets",
                    fmt::format("target shares add up to more than 100 % (motor {} %, sensory {} %)", text::format_double(motor),
                                text::format_double(sensory)));
    if (targets->empty()) schema::error(diagnostics, where_or(input, {"targets"}, name), "targets", "the nerve has no targets");
  }
  const double duration = schema::quantity(*resolved["simulation"].as_table(), "duration", "d");
  const std::vector<double> times = schema::quantity_list(*resolved["readouts"].as_table(), "times", "d");
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (times[i] > duration + 1e-9)
      schema::error(diagnostics, where_or(input, {"readouts", "times"}, name), fmt::format("readouts.times[{}]", i),
                    fmt::format("readout at {} d is after the end of the simulation ({} d)", text::format_double(times[i]),
                                text::format_double(duration)));
  }
  check_therapies(input, resolved, name, registry, diagnostics);
  check_readout_include(input, resolved, name, registry, diagnostics);
}

/// The complete parameter table (every parameter with its resolved value), for print-config.
toml::table resolved_parameters(const ParameterRegistry& registry, const std::vector<ParameterAssignment>& assignments) {
  std::map<std::string, double> values;
  for (const auto& spec : registry.all()) values[spec.name] = spec.default_value;
  for (const auto& a : assignments) values[a.name] = a.value;
  toml::table out;
  for (const auto& spec : registry.all()) {
    const std::string v = text::format_double(values[spec.name]);
    out.insert(spec.name, spec.unit == "1" ? v : v + " " + spec.unit);
  }
  return out;
}

Scenario load_from_table(toml::table input, const std::string& name, const Registry& registry,
                         const std::vector<Override>& overrides) {
  Scenario scenario;
  scenario.path = name;
  std::vector<Diagnostic> diagnostics;
  apply_overrides(input, overrides, diagnostics);

  // Therapy tables are validated by the schema their type registers.
  std::map<std::string, Field> therapy_schemas;
  std::vector<std::string> therapy_names;
  for (const auto& t : registry.therapies()) {
    Field f = t.schema;
    f.kind = Kind::table;
    f.children.insert(f.children.begin(), Field{.key = "type", .kind = Kind::string, .doc = "therapy type", .required = true});
    therapy_schemas.emplace(t.name, std::move(f));
    therapy_names.push_back(t.name);
  }
  Field root = core_schema();
  for (Field& f : root.children) {
    if (f.key == "therapies") {
      f.item_schema = [&](const toml::table& item, const std::string& path, std::vector<Diagnostic>& d) -> const Field* {
        const auto type = item["type"].value<std::string>();
        if (!type) {
          schema::error(d, schema::location_of(item), path + ".type",
                        fmt::format("each therapy needs a type (one of: {})", fmt::join(therapy_names, ", ")));
          return nullptr;
        }
        const auto it = therapy_schemas.find(*type);
        if (it == therapy_schemas.end()) {
          std::string message = fmt::format("unknown therapy type '{}'", *type);
          if (auto s = text::did_you_mean(*type, therapy_names)) message += fmt::format("; did you mean '{}'?", *s);
          message += fmt::format(" (available: {})", fmt::join(therapy_names, ", "));
          schema::error(d, schema::location_of(*item.get("type")), path + ".type", message);
          return nullptr;
        }
        return &it->second;
      };
    }
    if (f.key == "parameters") {
      f.free_validator = [&](const toml::table& t, const std::string& path, std::vector<Diagnostic>& d) {
        read_parameter_overrides(t, path, registry.parameters(), scenario.assignments, d);
      };
    }
  }
  // The keys the user gave that only some scenarios read, before presets and materials fill in more.
  const std::vector<schema::GivenKey> conditional = schema::conditional_keys(input, root);

  const PresetData preset = load_preset(input, name, diagnostics);
  scenario.preset_path = preset.path;
  if (!preset.path.empty()) merge_preset(input, preset, registry.parameters(), scenario, diagnostics);
  merge_material(input, scenario, diagnostics);

  toml::table resolved = schema::validate(input, root, "", diagnostics);

  const bool has_errors = std::any_of(diagnostics.begin(), diagnostics.end(),
                                      [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
  if (!has_errors) {
    check_consistency(input, resolved, name, registry, diagnostics);
    schema::warn_ineffective(conditional, resolved, diagnostics);
  }

  std::vector<Diagnostic> errors;
  for (auto& d : diagnostics) {
    if (d.where.file.empty()) d.where.file = name;  // tables bungner inserted have no source
    // Without a preset its anatomy is missing too; one error about the preset says it all.
    if (preset.path.empty() && d.key.starts_with("anatomy.") && d.message.starts_with("missing required")) continue;
    (d.severity == Diagnostic::Severity::error ? errors : scenario.warnings).push_back(d);
  }
  if (!errors.empty()) throw InputError(std::move(errors));

  resolved.insert_or_assign("parameters", resolved_parameters(registry.parameters(), scenario.assignments));
  scenario.resolved = std::move(resolved);
  return scenario;
}

}  // namespace

const schema::Field& core_schema() {
  static const Field schema = build_core_schema();
  return schema;
}

Override parse_override(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw InputError(SourceLocation{"--set", 0, 0}, std::string(text), "expected --set key=value");
  return Override{std::string(text::trim(text.substr(0, eq))), std::string(text::trim(text.substr(eq + 1)))};
}

std::string data_directory() {
  if (const char* env = std::getenv("BUNGNER_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return BUNGNER_DATA_DIR;
}

std::string Scenario::canonical_toml() const {
  std::ostringstream out;
  out << resolved;
  out << '\n';
  return out.str();
}

std::string Scenario::sha256() const { return sha256_hex(canonical_toml()); }

Scenario load_scenario(const std::string& path, const Registry& registry, const std::vector<Override>& overrides) {
  return load_from_table(parse_toml(read_file(path), path), path, registry, overrides);
}

Scenario load_scenario_text(std::string_view text, const std::string& name, const Registry& registry,
                            const std::vector<Override>& overrides) {
  return load_from_table(parse_toml(text, name), name, registry, overrides);
}

}  // namespace bungner
