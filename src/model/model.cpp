#include "bungner/model/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>

#include "bungner/core/clock.hpp"
#include "bungner/core/units.hpp"

namespace bungner {
namespace {

/// Where the scenario's species is written: the preset's `species` key (or the scenario's).
SourceLocation species_location(const Scenario& scenario) {
  for (const std::string& file : {scenario.path, scenario.preset_path}) {
    if (file.empty() || !std::filesystem::exists(file)) continue;
    try {
      const toml::table t = toml::parse_file(file);
      if (const toml::node* node = t.get("species"))
        return SourceLocation{file, static_cast<int>(node->source().begin.line), static_cast<int>(node->source().begin.column)};
    } catch (const toml::parse_error&) {  // already reported by the scenario loader
    }
  }
  return SourceLocation{scenario.preset_path.empty() ? scenario.path : scenario.preset_path, 0, 0};
}

/// A parameter declared for another species and read at its default is an extrapolation the user
/// should see (a rat constant in a human run): one warning per foreign species, naming them all.
std::vector<Diagnostic> foreign_species_warnings(const Scenario& scenario, const ParameterSet& parameters,
                                                 const std::string& species) {
  std::map<std::string, std::vector<std::string>> foreign;
  for (const std::string& name : parameters.read_names()) {
    const ParameterSpec& spec = parameters.spec(name);
    if (spec.species == "all" || spec.species == species || parameters.value(name).origin != "default") continue;
    foreign[spec.species].push_back(name);
  }
  std::vector<Diagnostic> out;
  if (foreign.empty()) return out;
  const SourceLocation where = species_location(scenario);
  for (const auto& [other, names] : foreign) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    out.push_back(Diagnostic{Diagnostic::Severity::warning, where, "species",
                             fmt::format("{} parameter{} declared for the {} {} used at the {} default in this {} model: {} "
                                         "(set a {} value in the preset or the scenario to silence this)",
                                         names.size(), names.size() == 1 ? "" : "s", other, names.size() == 1 ? "is" : "are",
                                         other, species, list, species)});
  }
  return out;
}

InjuryType parse_injury(const std::string& s) {
  if (s == "conduction_block") return InjuryType::conduction_block;
  // A stretch below the nerve's failure strain keeps it in continuity, as a crush does; how its
  // axons fare is the content's (ModelSpec::stretch).
  if (s == "crush" || s == "stretch") return InjuryType::crush;
  return InjuryType::transection;
}

RepairType parse_repair(const std::string& s) {
  if (s == "direct_suture") return RepairType::direct_suture;
  if (s == "autograft") return RepairType::autograft;
  if (s == "decellularized_allograft") return RepairType::decellularized_allograft;
  if (s == "conduit") return RepairType::conduit;
  return RepairType::none;
}

const toml::table& section(const toml::table& t, std::string_view key) { return *t[key].as_table(); }

/// The site's layout: the geometry from the scenario's [site] table, the injury and the repair;
/// substrates, cell kinds and the geometry that parameters give from the content that owns them.
std::shared_ptr<const site::Layout> compile_site(const ModelSpec& m, const toml::table& s, const Registry& registry,
                                                 const ParameterSet& parameters, std::vector<std::string>& read) {
  const toml::table& t = section(s, "site");
  if (schema::string(t, "model") != "3d" || m.injury == InjuryType::conduction_block) return nullptr;
  site::LayoutSpec spec;
  spec.resolution_um = schema::quantity(t, "resolution", "um");
  spec.nerve_radius_um = schema::quantity(t, "nerve_diameter", "um") / 2;
  spec.proximal_length_um = schema::quantity(t, "proximal_length", "um");
  spec.distal_length_um = schema::quantity(t, "distal_length", "um");
  spec.distal_section_um = std::min(schema::quantity(t, "distal_section", "um"), spec.distal_length_um - spec.resolution_um);
  spec.gap_length_um = m.injury == InjuryType::transection ? m.gap_m * 1e6 : 0.0;
  if (spec.gap_length_um > 0) {
    switch (m.repair) {
      case RepairType::conduit:
        spec.conduit = true;
        spec.lumen_radius_um = m.conduit.inner_diameter_m * 1e6 / 2;
        break;
      case RepairType::autograft:
        spec.graft = true;
        spec.graft_has_cells = true;
        break;
      case RepairType::decellularized_allograft: spec.graft = true; break;
      default:
        // An unrepaired gap (or a suture under tension) fills from the wound bed: a lumen without
        // a wall of its own, open to the surrounding tissue.
        spec.conduit = true;
        spec.wound_bed = true;
        spec.wall_thickness_um = spec.resolution_um;
        break;
    }
  }
  SiteDeclaration declaration(m, spec, parameters, read);
  for (const MechanismEntry& e : registry.mechanisms())
    if (e.declare_site) e.declare_site(declaration);
  for (const TherapyEntry& e : registry.therapies())
    if (e.declare_site &&
        std::any_of(m.therapies.begin(), m.therapies.end(), [&](const TherapyItem& i) { return i.type == e.name; }))
      e.declare_site(declaration);
  if (spec.nerve_radius_um < spec.resolution_um)
    throw ModelError(fmt::format("site.resolution ({} um) must be finer than the nerve radius ({} um)", spec.resolution_um,
                                 spec.nerve_radius_um));
  if (spec.kinds.empty()) throw ModelError("the 3D site needs content that declares its cell kinds");
  return std::make_shared<const site::Layout>(site::make_layout(spec));
}

}  // namespace

std::int64_t round_to_tick(double seconds, std::int64_t tick_s) {
  return static_cast<std::int64_t>(std::llround(seconds / static_cast<double>(tick_s))) * tick_s;
}

ModelSpec ModelSpec::parse(const Scenario& scenario, const ParameterSet& parameters, const Registry& registry) {
  ModelSpec m;
  const toml::table& s = scenario.resolved;
  m.species = schema::string(s, "species");
  m.nerve = schema::string(s, "nerve");
  m.seed = static_cast<std::uint64_t>(*s["seed"].value<std::int64_t>());
  m.injury = parse_injury(schema::string(section(s, "injury"), "type"));
  const std::string grade = schema::string(section(s, "injury"), "sunderland_grade");
  if (grade == "auto")
    m.sunderland_grade = m.injury == InjuryType::conduction_block ? 1 : m.injury == InjuryType::crush ? 2 : 5;
  else
    m.sunderland_grade = grade == "I" ? 1 : grade == "II" ? 2 : grade == "III" ? 3 : grade == "IV" ? 4 : 5;
  m.gap_m = schema::quantity(section(s, "injury"), "gap_length", "m");
  if (const std::string branch = schema::string(section(s, "injury"), "branch"); branch != "whole") m.injured_branch = branch;
  m.injured_share = schema::quantity(section(s, "injury"), "injured_share", "1");
  m.crush.force_n = schema::quantity(section(s, "injury"), "crush_force", "N");
  m.crush.duration_s = schema::quantity(section(s, "injury"), "crush_duration", "s");
  m.crush.length_m = schema::quantity(section(s, "injury"), "crush_length", "m");
  m.stretch.applied = schema::string(section(s, "injury"), "type") == "stretch";
  m.stretch.strain = schema::quantity(section(s, "injury"), "stretch_strain", "1");
  m.stretch.force_n = schema::quantity(section(s, "injury"), "stretch_force", "N");
  m.stretch.nerve_diameter_m = schema::quantity(section(s, "site"), "nerve_diameter", "m");
  const toml::table& repair_table = section(s, "repair");
  m.repair = parse_repair(schema::string(repair_table, "type"));
  const toml::table& conduit_table = section(repair_table, "conduit");
  ConduitSpec& conduit = m.conduit;
  conduit.material = schema::string(conduit_table, "material");
  conduit.length_m = schema::quantity(conduit_table, "length", "m");
  if (conduit.length_m <= 0) conduit.length_m = m.gap_m + 4e-3;
  conduit.inner_diameter_m = schema::quantity(conduit_table, "inner_diameter", "m");
  conduit.wall_permeability_m_per_s = schema::quantity(conduit_table, "wall_permeability", "m/s");
  conduit.degradation_time_s = schema::quantity(conduit_table, "degradation_time", "s");
  conduit.filler = schema::string(conduit_table, "filler");

  const toml::table& anatomy = section(s, "anatomy");
  m.motor_neurons = static_cast<std::uint32_t>(std::llround(schema::quantity(anatomy, "motor_neurons", "cells")));
  m.sensory_neurons = static_cast<std::uint32_t>(std::llround(schema::quantity(anatomy, "sensory_neurons", "cells")));
  m.reference_motor_velocity_m_per_s = schema::quantity(anatomy, "motor_conduction_velocity", "m/s");
  // Fibres grow with the animal, and conduction with them (E58): content that observes conduction
  // scales the preset's velocity by this ratio, with an exponent of its own.
  const double body_weight = schema::quantity(anatomy, "body_weight", "g");
  const double reference_weight = schema::quantity(anatomy, "reference_body_weight", "g");
  if (body_weight > 0 && reference_weight > 0) m.body_weight_ratio = body_weight / reference_weight;
  m.endoneurial_area_m2 = schema::quantity(anatomy, "endoneurial_area", "m^2");
  m.lesion_distance_from_cord_m = schema::quantity(anatomy, "lesion_distance_from_cord", "m");
  for (auto&& [name, node] : section(s, "targets")) {
    const toml::table& t = *node.as_table();
    TargetSpec spec{std::string(name.str()), schema::string(t, "kind") == "muscle", schema::quantity(t, "distance", "m"),
                    schema::quantity(t, "motor_share", "1"), schema::quantity(t, "sensory_share", "1")};
    spec.branch = schema::string(t, "branch");
    spec.cmap_amplitude_v = schema::quantity(t, "cmap_amplitude", "V");
    spec.distal_latency_s = schema::quantity(t, "distal_latency", "s");
    spec.tetanic_force_n = schema::quantity(t, "tetanic_force", "N");
    spec.wet_weight_kg = schema::quantity(t, "wet_weight", "kg");
    const double type_i = schema::quantity(t, "type_i_share", "1");
    const double type_iia = schema::quantity(t, "type_iia_share", "1");
    if (type_i + type_iia > 1 + 1e-9) throw ModelError("targets." + spec.name + ": type_i_share + type_iia_share exceed 100 %");
    spec.fibre_shares = {type_i, type_iia, std::max(0.0, 1 - type_i - type_iia)};
    m.targets_.push_back(std::move(spec));
  }
  if (m.targets_.size() > 65535) throw ModelError("too many targets");
  // Neurons per target: cumulative rounding of the shares, so the counts add up exactly.
  for (const bool motor : {true, false}) {
    const double count = motor ? m.motor_neurons : m.sensory_neurons;
    double cumulative = 0;
    std::uint32_t assigned = 0;
    for (TargetSpec& t : m.targets_) {
      cumulative += motor ? t.motor_share : t.sensory_share;
      const auto end = static_cast<std::uint32_t>(std::min(count, static_cast<double>(std::llround(cumulative * count))));
      (motor ? t.motor_axons : t.sensory_axons) = end - std::min(end, assigned);
      assigned = std::max(assigned, end);
    }
  }

  if (const toml::array* therapies = s["therapies"].as_array())
    for (const auto& item : *therapies) {
      const toml::table& t = *item.as_table();
      m.therapies.push_back({*t["type"].value<std::string>(), t});
    }

  m.site = compile_site(m, s, registry, parameters, m.parameters_read);

  // `readouts.include` names readout modules or observations; an observation selects the
  // modules that give it (the scenario's validation has checked each name).
  if (const toml::array* include = s["readouts"]["include"].as_array())
    for (const auto& item : *include) {
      const std::string name = *item.value<std::string>();
      const bool module = std::any_of(registry.readouts().begin(), registry.readouts().end(),
                                      [&](const ReadoutEntry& r) { return r.name == name; });
      for (const std::string& r : module ? std::vector<std::string>{name} : registry.readouts_observing(name))
        if (std::find(m.readouts_included.begin(), m.readouts_included.end(), r) == m.readouts_included.end())
          m.readouts_included.push_back(r);
    }

  // Times in whole seconds; Model rounds them to its tick (round_times_to).
  const auto seconds = [](double t) { return static_cast<std::int64_t>(std::llround(t)); };
  const toml::table& sim = section(s, "simulation");
  m.duration_s = seconds(schema::quantity(sim, "duration", "s"));
  m.timeseries_interval_s = seconds(schema::quantity(section(s, "output"), "timeseries_interval", "s"));
  m.checkpoint_interval_s = seconds(schema::quantity(section(s, "output"), "checkpoint_interval", "s"));
  for (double t : schema::quantity_list(section(s, "readouts"), "times", "s")) m.readout_times_s.push_back(seconds(t));

  m.cross_suture_ = schema::string(repair_table, "cross_suture");
  if (m.cross_suture_ != "none" && m.repair == RepairType::none)
    throw ModelError("repair.cross_suture needs a repair (repair.type other than 'none')");
  m.set_repair_time(seconds(schema::quantity(repair_table, "timing", "s")), m.cross_suture_);
  // A fixed number of segments resolves every nerve alike (rat sciatic ~1 mm, human forearm a few
  // mm): finer than the distance an axon grows in a few days, coarse enough to cost nothing.
  constexpr std::size_t segments = 64;
  double farthest = 0;
  for (const TargetSpec& t : m.targets_) farthest = std::max(farthest, t.distance_m);
  m.distal_segments = segments;
  m.distal_segment_m = farthest > 0 ? farthest / static_cast<double>(segments) : 1e-3;
  m.distal_segments_per_m = 1.0 / m.distal_segment_m;
  return m;
}

void ModelSpec::set_repair_time(std::int64_t repair_s, const std::string& cross) {
  repair_time_s = repair_s;
  // In Gordon's cross-suture designs the freshly cut partner starts its clock at the repair.
  axotomy_time_s = (cross == "fresh_proximal_stump" || cross == "fresh_nerve") ? repair_time_s : 0;
  stump_denervation_time_s = (cross == "fresh_distal_stump" || cross == "fresh_nerve") ? repair_time_s : 0;
  muscle_denervation_time_s = cross == "fresh_distal_stump" ? repair_time_s : 0;
  // A grade IV injury leaves the nerve in continuity: without a repair, axons meet the distal stump
  // through the scarred segment from the start.
  if (injury == InjuryType::transection && !(sunderland_grade == 4 && repair == RepairType::none))
    contact_time_s = repair == RepairType::none ? std::numeric_limits<std::int64_t>::max() : repair_time_s;
  else
    contact_time_s = axotomy_time_s;
}

bool ModelSpec::round_times_to(std::int64_t tick_s) {
  const auto round = [&](std::int64_t t) { return round_to_tick(static_cast<double>(t), tick_s); };
  const auto before = std::tie(repair_time_s, duration_s, timeseries_interval_s, checkpoint_interval_s, readout_times_s);
  const std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::vector<std::int64_t>> old = before;
  set_repair_time(round(repair_time_s), cross_suture_);
  duration_s = round(duration_s);
  timeseries_interval_s = std::max(tick_s, round(timeseries_interval_s));
  checkpoint_interval_s = round(checkpoint_interval_s);
  for (std::int64_t& t : readout_times_s) t = round(t);
  std::sort(readout_times_s.begin(), readout_times_s.end());
  readout_times_s.erase(std::unique(readout_times_s.begin(), readout_times_s.end()), readout_times_s.end());
  return old != before;
}

std::shared_ptr<const Model> Model::compile(Scenario scenario, const Registry& registry) {
  auto shared = std::make_shared<const Scenario>(std::move(scenario));
  ParameterSet parameters(registry.parameters());
  for (const auto& a : shared->assignments) parameters.set(a.name, a.value, a.source, a.origin);
  ModelSpec spec = ModelSpec::parse(*shared, parameters, registry);
  auto* model = new Model(std::move(shared), std::move(spec), std::move(parameters), registry);
  std::shared_ptr<const Model> owned(model);
  model->species_warnings_ = foreign_species_warnings(model->scenario(), model->parameters(), model->species);
  return owned;
}

std::shared_ptr<const Model> Model::for_subject(const Model& arm, const SubjectOverlay& subject, const Registry& registry) {
  ParameterSet parameters = arm.parameters_;
  bool spec_reads_one = false;
  for (const ParameterAssignment& a : subject.parameters) {
    parameters.set(a.name, a.value, a.source, a.origin);
    spec_reads_one |= std::find(arm.parameters_read.begin(), arm.parameters_read.end(), a.name) != arm.parameters_read.end();
  }
  ModelSpec spec = spec_reads_one ? ModelSpec::parse(*arm.scenario_, parameters, registry) : ModelSpec(arm);
  spec.seed = subject.seed;
  auto* model = new Model(arm.scenario_, std::move(spec), std::move(parameters), registry);
  std::shared_ptr<const Model> owned(model);
  model->species_warnings_ = arm.species_warnings_;
  return owned;
}

Model::Model(std::shared_ptr<const Scenario> scenario, ModelSpec spec, ParameterSet parameters, const Registry& registry)
    : ModelSpec(std::move(spec)), scenario_(std::move(scenario)), parameters_(std::move(parameters)) {
  build_content(registry);
  std::vector<std::int64_t> periods;
  for (const auto& p : processes_) periods.push_back(p->period_s());
  tick_s = clock::base_tick(periods, seconds_per_hour);
  // The tick is known only once the processes exist, and the processes read the times: when
  // rounding to the tick moves a time, they are built again from the rounded spec, so that no
  // process keeps a time the run does not use.
  if (round_times_to(tick_s)) {
    build_content(registry);
    periods.clear();
    for (const auto& p : processes_) periods.push_back(p->period_s());
    if (clock::base_tick(periods, seconds_per_hour) != tick_s)
      throw ModelError("the processes' periods changed with the scenario's times rounded to the tick");
  }
  // Content declares its state once the processes and readouts exist and are in run order, so
  // that handles and per-instance indices follow that order.
  for (const auto& p : processes_) p->declare_state(layout_);
  for (const auto& r : readouts_) r->declare_state(layout_);
}

void Model::build_content(const Registry& registry) {
  processes_.clear();
  readouts_.clear();
  active_items_.clear();
  // Content: every registered mechanism decides whether this scenario needs it; therapies are
  // created from their tables; readouts observe. Factories see only the finished spec.
  const CompileContext context{static_cast<const ModelSpec&>(*this), parameters_};
  for (const auto& entry : registry.mechanisms()) {
    if (auto process = entry.create(context)) {
      active_items_.push_back(entry.name);
      processes_.push_back(std::move(process));
    }
  }
  for (const TherapyItem& item : therapies) {
    const TherapyEntry* entry = registry.therapy(item.type);
    if (std::find(active_items_.begin(), active_items_.end(), entry->name) == active_items_.end())
      active_items_.push_back(entry->name);
    processes_.push_back(entry->create(context, item.table));
  }
  // Due processes run in phase order; registration order breaks ties, so the order is fixed.
  std::stable_sort(processes_.begin(), processes_.end(), [](const auto& a, const auto& b) { return a->phase() < b->phase(); });
  // Every readout feeds timeseries.csv; `readouts.include` filters only readouts.csv.
  for (const auto& entry : registry.readouts()) {
    if (auto readout = entry.create(context)) {
      active_items_.push_back(entry.name);
      readouts_.push_back(std::move(readout));
    }
  }
}

std::vector<Diagnostic> Model::warnings() const {
  std::vector<Diagnostic> out = scenario_->warnings;
  out.insert(out.end(), species_warnings_.begin(), species_warnings_.end());
  return out;
}

std::vector<std::string> Model::used_parameters() const {
  std::vector<std::string> used;
  for (const auto& spec : parameters_.specs()) {
    const std::string owner = spec.name.substr(0, spec.name.find('.'));
    if (std::find(active_items_.begin(), active_items_.end(), owner) != active_items_.end()) used.push_back(spec.name);
  }
  return used;
}

}  // namespace bungner
